"""Items CRUD, ownership, pagination, filtering and sorting."""

import httpx
import pytest

from tests.conftest import bearer, login, register

pytestmark = pytest.mark.anyio
ITEMS = "/api/v1/items"


async def create(http: httpx.AsyncClient, token: str, title: str) -> dict[str, object]:
    """Create an item and return its JSON."""
    response = await http.post(ITEMS, json={"title": title}, headers=bearer(token))
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def test_crud_roundtrip(client: httpx.AsyncClient, user_tokens: dict[str, str]) -> None:
    token = user_tokens["access_token"]
    item = await create(client, token, "first")
    url = f"{ITEMS}/{item['id']}"
    assert (await client.get(url, headers=bearer(token))).json()["title"] == "first"
    patched = await client.patch(
        url, json={"description": "more", "title": None}, headers=bearer(token)
    )
    assert patched.status_code == 200
    assert patched.json() | {"description": "more", "title": "first"} == patched.json()
    assert (await client.delete(url, headers=bearer(token))).status_code == 204
    assert (await client.get(url, headers=bearer(token))).status_code == 404
    assert (await client.delete(url, headers=bearer(token))).status_code == 404


async def test_duplicate_title_is_409(
    client: httpx.AsyncClient, user_tokens: dict[str, str]
) -> None:
    token = user_tokens["access_token"]
    await create(client, token, "same")
    other = await create(client, token, "other")
    response = await client.post(ITEMS, json={"title": "same"}, headers=bearer(token))
    assert response.status_code == 409
    renamed = await client.patch(
        f"{ITEMS}/{other['id']}", json={"title": "same"}, headers=bearer(token)
    )
    assert renamed.status_code == 409


async def test_items_are_private(client: httpx.AsyncClient, user_tokens: dict[str, str]) -> None:
    item = await create(client, user_tokens["access_token"], "secret plans")
    await register(client, "eve@example.com")
    eve = await login(client, "eve@example.com")
    url = f"{ITEMS}/{item['id']}"
    assert (await client.get(url, headers=bearer(eve["access_token"]))).status_code == 404
    listing = await client.get(ITEMS, headers=bearer(eve["access_token"]))
    assert listing.json()["total"] == 0


async def test_admin_sees_all_items(
    client: httpx.AsyncClient, user_tokens: dict[str, str], admin_tokens: dict[str, str]
) -> None:
    item = await create(client, user_tokens["access_token"], "visible to admin")
    url = f"{ITEMS}/{item['id']}"
    assert (await client.get(url, headers=bearer(admin_tokens["access_token"]))).status_code == 200


async def test_pagination_filter_and_sort(
    client: httpx.AsyncClient, user_tokens: dict[str, str]
) -> None:
    token = user_tokens["access_token"]
    for title in ["banana", "apple", "cherry", "apricot"]:
        await create(client, token, title)
    page = await client.get(
        ITEMS, params={"limit": 2, "offset": 1, "sort": "title"}, headers=bearer(token)
    )
    body = page.json()
    assert body["total"] == 4
    assert [i["title"] for i in body["items"]] == ["apricot", "banana"]
    filtered = await client.get(ITEMS, params={"q": "ap", "sort": "-title"}, headers=bearer(token))
    assert [i["title"] for i in filtered.json()["items"]] == ["apricot", "apple"]
    newest = await client.get(ITEMS, headers=bearer(token))
    assert newest.json()["items"][0]["title"] == "apricot"


@pytest.mark.parametrize(
    "params", [{"limit": 101}, {"limit": 0}, {"offset": -1}, {"sort": "password"}]
)
async def test_list_validation(
    client: httpx.AsyncClient, user_tokens: dict[str, str], params: dict[str, int | str]
) -> None:
    response = await client.get(ITEMS, params=params, headers=bearer(user_tokens["access_token"]))
    assert response.status_code == 422


async def test_create_validation_and_auth(
    client: httpx.AsyncClient, user_tokens: dict[str, str]
) -> None:
    headers = bearer(user_tokens["access_token"])
    assert (await client.post(ITEMS, json={"title": ""}, headers=headers)).status_code == 422
    assert (await client.post(ITEMS, json={"title": "x"})).status_code == 401
