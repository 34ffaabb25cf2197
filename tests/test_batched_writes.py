"""BK304 and batched writes: a loop over chunks (a stepped range, a name ending in batch or
chunk) whose statement writes the whole chunk at once (``insert(X).values(rows)``,
``executemany``) is the batched fix, not N+1 (phoenix's dataset insertion, prefect's event
storage); a write per item is still reported, chunk loop or not."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

STORE = """\
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.models import Row


def by_chunk(session: Session, ids: list[int], size: int) -> None:
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        records = [{"id": i} for i in batch]
        session.execute(insert(Row).values(records))


def by_batches(cursor, batches: list[list[tuple]]) -> None:
    for batch in batches:
        cursor.executemany("INSERT INTO t VALUES (?)", batch)


def per_item(session: Session, ids: list[int]) -> None:
    for i in ids:
        session.execute(insert(Row).values([{"id": i}]))


def per_item_in_chunks(session: Session, ids: list[int], size: int) -> None:
    for start in range(0, len(ids), size):
        for i in ids[start : start + size]:
            session.execute(insert(Row).values(id=i))
"""

MODELS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "rows"
    id: Mapped[int] = mapped_column(primary_key=True)
"""


def test_a_chunk_written_at_once_is_batched(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/store.py": STORE}
    root = write_project(tmp_path / "p", files)
    found = [f.line for f in analyze([root], use_cache=False).findings if f.code == "BK304"]
    assert found == [21, 27]


DAEMON = """\
import asyncio

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Row


async def heartbeat(session: AsyncSession, rowid: int) -> None:
    while True:
        await asyncio.sleep(30)
        await session.execute(sa.update(Row).where(Row.id == rowid).values(id=rowid))


async def paced(session: AsyncSession, ids: list[int]) -> None:
    while True:
        for rowid in ids:
            await asyncio.sleep(1)
            await session.execute(sa.select(Row).where(Row.id == rowid))
        await asyncio.sleep(60)


async def keyset(session: AsyncSession, size: int) -> None:
    query = sa.select(Row.id).order_by(Row.id).limit(size)
    last = 0
    while True:
        rows = (await session.execute(query.where(Row.id > last))).scalars().all()
        if not rows:
            break
        last = rows[-1]
"""


def test_periodic_and_keyset_while_loops(tmp_path: Path) -> None:
    """A ``while`` loop that sleeps on every round is a timer (phoenix's heartbeat), and one
    refining a local paged statement (``query.where(Row.id > last)`` of a ``.limit(size)``)
    reads a page per round (prefect's cleanup services); a ``for`` over the rows inside the
    timer is still a query per row, sleep or not."""
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/jobs.py": DAEMON}
    root = write_project(tmp_path / "p", files)
    found = [f.line for f in analyze([root], use_cache=False).findings if f.code == "BK304"]
    assert found == [19]


FIXED = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Row

ENUM_COLUMNS = {Row.id}
KEY_ALIASES = {"a.b": ("A_B",), "c.d": ("C_D",)}
names = ["x", "y"]


def check_enums(session: Session) -> None:
    for column in ENUM_COLUMNS:
        session.execute(select(column).distinct())


def migrate(session: Session) -> None:
    for key, aliases in KEY_ALIASES.items():
        session.execute(select(Row).where(Row.id == len(aliases)))


def per_row(session: Session, rows: list[Row]) -> None:
    for row in rows:
        session.execute(select(Row).where(Row.id == row.id))
"""


def test_loops_over_module_constants_are_fixed(tmp_path: Path) -> None:
    """A loop over a module-level UPPER_CASE display, whatever its items (phoenix's
    ``ENUM_COLUMNS = {...}`` of columns, open-webui's ``DICT_CONFIG_KEY_ALIASES.items()``), runs
    as many rounds as the code writes; a loop over data is still reported."""
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/fixed.py": FIXED}
    root = write_project(tmp_path / "p", files)
    found = [f.line for f in analyze([root], use_cache=False).findings if f.code == "BK304"]
    assert found == [23]
