from fastapi.routing import APIRouter

from company_api.deps import OidcToken

router = APIRouter()


@router.get("/summary")
def summary(token: OidcToken) -> dict[str, str]:
    return {"token": token}


@router.get("/public")
def public_report() -> dict[str, str]:
    return {}
