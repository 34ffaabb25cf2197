from fastapi import HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/auth/token",
    scopes={"items:read": "Read items", "items:write": "Write items", "admin": "Administer"},
)


class JWTBearer(HTTPBearer):
    """A bearer scheme that also checks the token looks like a JWT."""

    async def __call__(self, request: Request) -> HTTPAuthorizationCredentials | None:
        credentials = await super().__call__(request)
        if credentials is not None and credentials.credentials.count(".") != 2:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Invalid token")
        return credentials


jwt_bearer = JWTBearer()
