"""Profile updates and admin-only user management (role checks)."""

import httpx
import pytest

from tests.conftest import bearer

pytestmark = pytest.mark.anyio
USERS = "/api/v1/users"


async def test_update_profile(client: httpx.AsyncClient, user_tokens: dict[str, str]) -> None:
    response = await client.patch(
        f"{USERS}/me", json={"full_name": "Alice"}, headers=bearer(user_tokens["access_token"])
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Alice"


async def test_regular_user_is_forbidden_admin_routes(
    client: httpx.AsyncClient, user_tokens: dict[str, str]
) -> None:
    headers = bearer(user_tokens["access_token"])
    assert (await client.get(USERS, headers=headers)).status_code == 403
    assert (await client.get(f"{USERS}/1", headers=headers)).status_code == 403


async def test_admin_lists_and_reads_users(
    client: httpx.AsyncClient, user_tokens: dict[str, str], admin_tokens: dict[str, str]
) -> None:
    headers = bearer(admin_tokens["access_token"])
    page = (await client.get(USERS, params={"limit": 1}, headers=headers)).json()
    assert page["total"] == 2
    assert len(page["items"]) == 1
    assert "hashed_password" not in page["items"][0]
    assert (await client.get(f"{USERS}/1", headers=headers)).status_code == 200
    assert (await client.get(f"{USERS}/999", headers=headers)).status_code == 404
    assert (await client.get(USERS, params={"limit": 500}, headers=headers)).status_code == 422
