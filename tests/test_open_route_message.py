"""BK101 names the dependencies an open route has (none of them authenticates), so the user
sees which were considered; a route without any says nothing more."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import Depends, FastAPI

app = FastAPI()


def get_db() -> str:
    return "db"


def log_request() -> None:
    return None


def trace() -> None:
    return None


def tenant() -> str:
    return "t"


@app.delete("/api/v1/users/{user_id}", dependencies=[Depends(log_request)])
def delete_user(user_id: int, db: str = Depends(get_db)) -> None:
    return None


@app.delete("/api/v1/items/{item_id}", dependencies=[Depends(log_request), Depends(trace)])
def delete_item(item_id: int, db: str = Depends(get_db), t: str = Depends(tenant)) -> None:
    return None


@app.delete("/api/v1/orders/{order_id}")
def delete_order(order_id: int) -> None:
    return None
"""


def test_open_routes_name_their_dependencies(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    messages = [f.message for f in analyze([root], use_cache=False).findings if f.code == "BK101"]
    assert len(messages) == 3
    users, items, orders = messages
    assert "has no authentication dependency (its dependencies log_request, get_db " in users
    assert "authenticate no one); add one" in users
    assert "(its dependencies log_request, trace, get_db and 1 more authenticate" in items
    assert "has no authentication dependency; add one" in orders
