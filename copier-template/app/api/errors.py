"""Translate service errors into HTTP errors with safe, fixed messages."""

from fastapi import HTTPException, status

from app.services.errors import AuthenticationError, ConflictError, NotFoundError, ServiceError

_STATUS: dict[type[ServiceError], int] = {
    NotFoundError: status.HTTP_404_NOT_FOUND,
    ConflictError: status.HTTP_409_CONFLICT,
    AuthenticationError: status.HTTP_401_UNAUTHORIZED,
}


def http_error(exc: ServiceError) -> HTTPException:
    """Build the HTTPException for a domain error (its message is client-safe)."""
    code = _STATUS.get(type(exc), status.HTTP_400_BAD_REQUEST)
    headers = {"WWW-Authenticate": "Bearer"} if code == status.HTTP_401_UNAUTHORIZED else None
    return HTTPException(status_code=code, detail=exc.args[0], headers=headers)
