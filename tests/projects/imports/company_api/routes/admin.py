from fastapi import APIRouter

from company_api.deps import RequireKey

admin_router = APIRouter(prefix="/admin")


@admin_router.get("/keys")
def list_keys(key: RequireKey) -> list[str]:
    return [key]
