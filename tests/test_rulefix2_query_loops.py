"""BK304 and the loops whose queries do not grow with the data: a retry loop (``for attempt
in range(MAX_RETRIES)`` around the same statement) and a chunked ``IN (...)`` (one query per
batch of ids: ``for chunk in batched(ids, 1000): ... X.id.in_(chunk)``, or ``range(0,
len(ids), STEP)`` with a slice). A query per item of a collection stays reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MODELS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[int] = mapped_column()
"""

RETRY = """\
import asyncio

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from tenacity import Retrying, stop_after_attempt

from app.models import Item

_DEADLOCK_MAX_RETRIES = 3
FIXED_TABLES = ("items", "orders")


async def create_item(db_session: AsyncSession, item: Item) -> Item:
    for attempt in range(_DEADLOCK_MAX_RETRIES):
        try:
            db_session.add(item)
            await db_session.commit()
            await db_session.refresh(item)
            return item
        except DBAPIError:
            await db_session.rollback()
            await asyncio.sleep(0.1 * (2**attempt))
    raise RuntimeError("gave up")


async def count_rows(db_session: AsyncSession) -> None:
    for table in FIXED_TABLES:
        await db_session.execute(f"SELECT count(*) FROM {table}")


def lock(session: Session, item_id: int, max_retries: int = 10) -> None:
    stmt = update(Item).where(Item.id == item_id).values(id=Item.id)
    for _ in range(max_retries):
        try:
            session.execute(stmt)
            return
        except DBAPIError:
            session.rollback()


def retried(session: Session, item_id: int) -> None:
    for attempt in Retrying(stop=stop_after_attempt(3)):
        with attempt:
            session.execute(update(Item).where(Item.id == item_id).values(owner=1))


async def refresh_all(db_session: AsyncSession, items: list[Item]) -> None:
    for item in items:
        await db_session.refresh(item)  # N+1: per item


def first_ten(session: Session) -> list:
    return [session.get(Item, i) for i in range(10)]  # N+1: the index is the query's key


def by_position(session: Session, ids: list[int]) -> list:
    out = []
    for i in range(3):
        key = ids[i]
        out.append(session.execute(select(Item).where(Item.id == key)))  # N+1: derived key
    return out


def repeat(session: Session, items: list[Item]) -> None:
    for _ in range(len(items)):
        session.execute(select(Item))  # N+1: as many queries as items
"""


def _findings(root: Path, files: dict[str, str]) -> list[tuple[str, int]]:
    project = write_project(
        root, {"app/__init__.py": "", "app/models.py": MODELS, **files}, select=["BK304"]
    )
    return sorted((f.path, f.line) for f in analyze([project]).findings)


def _lines(text: str, fragment: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]


def test_retry_loops_are_not_reported(tmp_path: Path) -> None:
    """The repro (letta's retry): the loop variable is unused by the query and the bound is
    a constant; ``range(max_retries)`` (Airflow's lock) is a retry count; tenacity's
    ``Retrying`` (Airflow's ``run_with_db_retries()``) retries too. Queries keyed by
    the loop index, or repeated ``len(items)`` times, stay reported."""
    found = _findings(tmp_path / "r", {"app/crud.py": RETRY})
    assert found == [("app/crud.py", line) for line in _lines(RETRY, "# N+1")]


CHUNKS = """\
from itertools import batched

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from app.models import Item

CHUNK_SIZE = 1000


def chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def count_items(session: Session, ids: list[int]) -> int:
    total = 0
    for i in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[i : i + CHUNK_SIZE]
        total += session.scalar(select(func.count()).where(Item.id.in_(chunk))) or 0
    return total


def delete_items(session: Session, ids: list[int]) -> None:
    for batch in batched(ids, 1000):
        stmt = delete(Item).where(Item.id.in_(batch))
        session.execute(stmt)


def pairs(session: Session, keys: list[tuple[int, int]]) -> list:
    found = []
    for key_batch in chunks(keys, 500):
        found += session.scalars(select(Item).where(tuple_(Item.id, Item.owner).in_(key_batch)))
    return found


def owners(session: Session, users: list) -> list:
    return [
        session.scalars(select(Item).where(Item.owner.in_(user.friend_ids)))  # N+1: per user
        for user in users
    ]


def mixed(session: Session, ids: list[int]) -> list:
    out = []
    for batch in batched(ids, 100):
        out += session.scalars(  # N+1: the batch used outside the IN too
            select(Item).where(Item.id.in_(batch), Item.owner == batch[0])
        )
    return out


def nested(session: Session, ids: list[int]) -> list:
    out = []
    for batch in batched(ids, 100):
        for item_id in batch:
            out.append(session.get(Item, item_id))  # N+1: per item of each batch
    return out


def paged(session: Session, ids: list[int]) -> list:
    out = []
    for batch in batched(ids, 100):
        out.append(session.get(Item, batch))  # N+1: no IN (...)
    return out
"""


def test_chunked_in_queries_are_not_reported(tmp_path: Path) -> None:
    """The repro (Airflow's ``range(0, len(ids), STEP)`` with a slice), ``batched`` with the
    statement bound first, a project ``chunks`` helper with ``tuple_(...).in_``. Reported: an
    ``IN`` of each item's own list (a loop over rows, not batches), a batch also used outside
    the ``IN``, a loop over each batch's items, and a batch loop without an ``IN``."""
    found = _findings(tmp_path / "c", {"app/crud.py": CHUNKS})
    assert found == [("app/crud.py", line) for line in _lines(CHUNKS, "# N+1")]


PAGES = """\
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from app.models import Item

BATCH = 500


def purge(session: Session, cutoff: int) -> None:
    while True:
        ids = session.scalars(select(Item.id).where(Item.id < cutoff).limit(BATCH)).all()
        if not ids:
            break
        session.execute(delete(Item).where(Item.id.in_(ids)))


def walk(session: Session) -> int:
    last, total = 0, 0
    while True:
        stmt = select(Item).where(Item.id > last).order_by(Item.id).limit(1000)
        page = session.scalars(stmt).all()
        if not page:
            return total
        total += len(page)
        last = page[-1].id


def walk_sql(session: Session) -> None:
    offset = 0
    while rows := session.execute(
        text("SELECT id FROM items ORDER BY id LIMIT :size OFFSET :offset"),
        {"size": BATCH, "offset": offset},
    ).all():
        offset += len(rows)


def drain(session: Session, queue: list[int]) -> None:
    while queue:
        key = queue.pop()
        session.scalars(select(Item).where(Item.id == key).limit(1)).first()  # N+1


def drain_sql(session: Session, queue: list[int]) -> None:
    while queue:
        one = text("SELECT * FROM items WHERE id = :id LIMIT 1")
        session.execute(one, {"id": queue.pop()})  # N+1


def refresh_all(session: Session, queue: list[Item]) -> None:
    while queue:
        session.refresh(queue.pop())  # N+1
"""


def test_paging_while_loops_are_not_reported(tmp_path: Path) -> None:
    """A ``while`` loop reading a page of rows per round (``.limit(BATCH)``, keyset or
    ``LIMIT :size OFFSET``) is pagination; a query per item popped from a queue (``.limit(1)``,
    ``LIMIT 1``, no limit) stays reported."""
    found = _findings(tmp_path / "p", {"app/crud.py": PAGES})
    assert found == [("app/crud.py", line) for line in _lines(PAGES, "# N+1")]
