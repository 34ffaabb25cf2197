import fastapi

from .. import security

router = fastapi.APIRouter(prefix="/users")


@router.get("/me")
def me(token: str = fastapi.Depends(security.oauth2_code)) -> dict[str, str]:
    return {"token": token}


@router.get("/directory")
def directory() -> list[str]:
    return []
