"""BK304 query-in-loop: the receiver's type decides where it is known (an awaited helper's
return annotation, the item type of an annotated list, a database session class whatever the
variable's name), a ``get`` with a string-literal key reads a mapping, and Alembic revision
scripts (run once, offline) are not reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

POOL = """\
from typing import Optional

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession

_session: Optional[aiohttp.ClientSession] = None


async def get_session() -> aiohttp.ClientSession:
    global _session
    if _session is None:
        _session = aiohttp.ClientSession()
    return _session


async def get_db() -> AsyncSession:
    return AsyncSession()
"""

MAIN = """\
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from app.models import Item
from app.pool import get_db, get_session


def list_servers(connections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"id": connection.get("id", ""), "url": connection.get("url", "")}
        for connection in connections
    ]


async def search(urls: list[str]) -> list[Any]:
    results = []
    session = await get_session()
    for url in urls:
        async with session.get(url) as response:
            results.append(await response.json())
    return results


async def load(ids: list[int]) -> list[Item]:
    session = await get_db()
    return [await session.get(Item, i) for i in ids]


def by_item(connections: list[dict[str, Any]], key: str) -> list[Any]:
    out = []
    for connection in connections:
        out.append(connection.get(key))
    return out


def on_connections(connections: list[Connection], query: Any) -> None:
    for connection in connections:
        connection.execute(query)


def untyped(db, ids: list[int]) -> list[Item]:
    return [db.get(Item, i) for i in ids]


def untyped_literal_key(items: list[Any]) -> list[Any]:
    return [conn.get("id") for conn in items]


def untyped_variable_key(db, keys: list[str]) -> list[Any]:
    return [db.get(k) for k in keys]


def short_name(s: Session, ids: list[int]) -> list[Item]:
    return [s.get(Item, i) for i in ids]
"""

QUERY_FILES = {
    "app/__init__.py": "",
    "app/models.py": "class Item:\n    pass\n",
    "app/pool.py": POOL,
    "app/main.py": MAIN,
}


def _found(root: Path) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.message.split("()")[0]) for f in analyze([root]).findings]


def test_receiver_types_decide_where_known(tmp_path: Path) -> None:
    """A dict item of an annotated list and an awaited helper's aiohttp session are not
    database clients; an awaited helper's AsyncSession, an item of ``list[Connection]`` and a
    ``Session`` parameter named ``s`` are; unknown receivers keep the name heuristic except
    for a ``get`` with a string-literal key (a mapping read: a session's ``get`` takes a
    model class)."""
    root = write_project(tmp_path / "p", QUERY_FILES, select=["BK304"])
    assert _found(root) == [
        ("app/main.py", 28, "session.get"),  # session = await get_db() -> AsyncSession
        ("app/main.py", 40, "connection.execute"),  # an item of list[Connection]
        ("app/main.py", 44, "db.get"),  # untyped, named like a session, model-class key
        ("app/main.py", 52, "db.get"),  # untyped, variable key
        ("app/main.py", 56, "s.get"),  # s: Session, whatever its name
    ]


REVISION = """\
\"\"\"Backfill owners

Revision ID: 1af9b942657b
Revises: 018012973d35
\"\"\"

import sqlalchemy as sa
from alembic import op

revision = "1af9b942657b"
down_revision = "018012973d35"
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id FROM item")).fetchall()
    for row in rows:
        conn.execute(sa.text("UPDATE item SET owner = 1 WHERE id = :id"), {"id": row.id})


def downgrade():
    pass
"""

NOT_A_REVISION = """\
import sqlalchemy as sa
from alembic import op


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id FROM item")).fetchall()
    for row in rows:
        conn.execute(sa.text("UPDATE item SET owner = 1 WHERE id = :id"), {"id": row.id})
"""


def test_alembic_revision_scripts_are_not_reported(tmp_path: Path) -> None:
    """A module with ``revision = ...``, ``down_revision = ...`` and ``def upgrade()`` is an
    Alembic revision script: it runs once, offline, so a row-by-row data migration is not
    an N+1 on a request path. The same loop in another module is reported."""
    files = {
        "app/__init__.py": "",
        "app/migrations/versions/1af9b942657b_backfill.py": REVISION,
        "app/backfill.py": NOT_A_REVISION,
    }
    root = write_project(tmp_path / "p", files, select=["BK304"])
    assert _found(root) == [("app/backfill.py", 9, "conn.execute")]
