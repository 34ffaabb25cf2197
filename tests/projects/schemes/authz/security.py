"""One instance of every scheme FastAPI ships, plus ``auto_error=False`` variants."""

from fastapi.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPBasic,
    HTTPBearer,
    HTTPDigest,
    OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer,
    OpenIdConnect,
)

OIDC_URL = "https://id.example.com/.well-known/openid-configuration"
STRICT_QUERY_KEY = False  # query-string keys are only a fallback

oauth2_password = OAuth2PasswordBearer(tokenUrl="/token", scopes={"read": "Read", "write": "Write"})
oauth2_password_optional = OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)
oauth2_code = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://id.example.com/authorize", tokenUrl="https://id.example.com/token"
)
openid = OpenIdConnect(openIdConnectUrl=OIDC_URL)
openid_optional = OpenIdConnect(openIdConnectUrl=OIDC_URL, auto_error=False)
bearer = HTTPBearer()
bearer_optional = HTTPBearer(auto_error=False)
basic = HTTPBasic(realm="schemes")
basic_optional = HTTPBasic(auto_error=False)
digest = HTTPDigest()
key_header = APIKeyHeader(name="X-API-Key")
key_header_optional = APIKeyHeader(name="X-API-Key", auto_error=False)
key_query_optional = APIKeyQuery(name="api_key", auto_error=STRICT_QUERY_KEY)
key_cookie = APIKeyCookie(name="session")
