from fastapi.security import OAuth2AuthorizationCodeBearer, OpenIdConnect

oidc = OpenIdConnect(openIdConnectUrl="https://id.example.com/.well-known/openid-configuration")
oauth2_code = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://id.example.com/authorize",
    tokenUrl="https://id.example.com/token",
)
