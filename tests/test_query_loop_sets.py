"""BK304 and three batch shapes real projects use (lightrag, prefect): chunks of ids matched
by SQL text with ``= ANY($1)`` or ``IN (...)``, SQLAlchemy's executemany of a chunk
(``session.execute(stmt, batch)``), and keyset paging whose ``.limit(n)`` a helper builds.
The same calls run once per item are still reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

BATCHES = """\
import asyncpg
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Event

CHUNK = 1000


async def delete_ids(connection: asyncpg.Connection, ids: list[str]) -> None:
    delete_sql = "DELETE FROM items WHERE id = ANY($1)"
    for i in range(0, len(ids), CHUNK):
        await connection.execute(delete_sql, ids[i : i + CHUNK])


async def delete_in(connection: asyncpg.Connection, ids: list[str]) -> None:
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        marks = ", ".join(f"${n + 1}" for n in range(len(chunk)))
        await connection.execute(f"DELETE FROM items WHERE id IN ({marks})", *chunk)


def in_batches(rows: list[dict], size: int = 500):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


async def write_events(session: AsyncSession, rows: list[dict]) -> None:
    stmt = insert(Event)
    for batch in in_batches(rows):
        await session.execute(stmt, batch)


def _page(size: int):
    return select(Event.id).order_by(Event.id).limit(size)


async def walk(session: AsyncSession) -> int:
    seen, last = 0, None
    while True:
        query = _page(500)
        if last:
            query = query.where(Event.id > last)
        ids = (await session.execute(query)).scalars().all()
        if not ids:
            break
        seen, last = seen + len(ids), ids[-1]
    return seen
"""

PER_ITEM = """\
import asyncpg
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Event


async def one_by_one(connection: asyncpg.Connection, ids: list[str]) -> None:
    for item_id in ids:
        await connection.execute("DELETE FROM items WHERE id = ANY($1)", [item_id])


async def rows_one_by_one(session: AsyncSession, rows: list[dict]) -> None:
    stmt = insert(Event)
    for row in rows:
        await session.execute(stmt, row)


def _one(event_id: int):
    return select(Event).where(Event.id == event_id)


async def each(session: AsyncSession, ids: list[int]) -> list:
    return [(await session.execute(_one(i))).scalar() for i in ids]
"""

MODELS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
"""


def test_set_queries_per_chunk_are_batches_and_per_item_ones_are_not(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/batches.py": BATCHES,
        "app/per_item.py": PER_ITEM,
    }
    root = write_project(tmp_path / "p", files, select=["BK304"])
    found = [(f.path, f.line) for f in analyze([root], use_cache=False).findings]
    assert found == [("app/per_item.py", 10), ("app/per_item.py", 16), ("app/per_item.py", 24)]


NOT_CHUNKS = """\
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def store(session: AsyncSession, chunks: list[dict]) -> None:
    for chunk in chunks:
        await session.execute(
            text("INSERT INTO chunks (doc_id, content) VALUES (:doc_id, :content)"), chunk
        )


async def vectors(session: AsyncSession, chunks: list[dict]) -> None:
    for chunk in chunks:
        await session.execute(
            text("SELECT * FROM embeddings WHERE chunk_id = :id AND model IN ('a', 'b')"),
            {"id": chunk["id"]},
        )


async def per_batch(conn, batches: list[dict]) -> None:
    for batch in batches:
        await conn.fetch(
            "SELECT * FROM items WHERE batch_id = $1 AND status IN ('ok', 'pending')", batch["id"]
        )
"""


def test_a_loop_over_text_chunks_or_batch_records_is_no_chunked_query(tmp_path: Path) -> None:
    """A review's holes: a RAG app's text "chunks" and a table's "batches" are items, not
    chunks of ids; a set written in the SQL (``IN ('a', 'b')``) is no parameter set."""
    files = {"app/__init__.py": "", "app/store.py": NOT_CHUNKS}
    root = write_project(tmp_path / "p", files, select=["BK304"])
    found = [f.line for f in analyze([root], use_cache=False).findings]
    assert found == [7, 14, 22]


THIRD = """\
import itertools

import asyncpg
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Event

CHUNK = 500


async def bulk_insert(session: AsyncSession, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        batch = rows[i : i + CHUNK]
        await session.execute(insert(Event), batch)


async def delete_enumerated(conn: asyncpg.Connection, ids: list[str]) -> None:
    for _n, batch in enumerate(itertools.batched(ids, CHUNK)):
        await conn.execute("DELETE FROM items WHERE id = ANY($1)", list(batch))


def chunk_text(doc: str, size: int = 800) -> list[str]:
    return [doc[i : i + size] for i in range(0, len(doc), size)]


async def store_chunks(session: AsyncSession, doc: str) -> None:
    for chunk in chunk_text(doc):
        await session.execute(text("INSERT INTO chunks (content) VALUES (:content)"), chunk)


async def store_chunks_pg(conn: asyncpg.Connection, doc: str) -> None:
    for i in range(0, len(doc), 800):
        await conn.execute("INSERT INTO chunks (content) VALUES ($1)", doc[i : i + 800])
"""


def test_a_third_review_s_chunk_shapes(tmp_path: Path) -> None:
    """A Core insert of a slice of rows and an ``enumerate`` of ``batched(...)`` are chunks;
    a text splitter (``chunk_text``) makes items, and a raw SQL string handed one slice as a
    parameter writes one row."""
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/third.py": THIRD}
    root = write_project(tmp_path / "p", files, select=["BK304"])
    found = [f.line for f in analyze([root], use_cache=False).findings]
    assert found == [29, 34]


FOURTH = """\
from itertools import batched

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Event


async def stepped(session: AsyncSession, rows: list[dict]) -> None:
    for i in range(0, len(rows), 500):
        await session.execute(insert(Event), rows[i : i + 500])


async def keyword(session: AsyncSession, rows: list[dict]) -> None:
    for batch in batched(rows, 500):
        await session.execute(insert(Event), params=batch)


async def raw_many(session: AsyncSession, rows: list[dict]) -> None:
    for chunk in batched(rows, 100):
        await session.execute(text("INSERT INTO events (id) VALUES (:id)"), chunk)
"""


def test_a_fourth_review_s_executemany_forms(tmp_path: Path) -> None:
    """A slice written in the call, the rows as ``params=``, and SQLAlchemy's ``text()`` with
    a chunk of rows are one executemany each."""
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/fourth.py": FOURTH}
    root = write_project(tmp_path / "p", files, select=["BK304"])
    assert analyze([root], use_cache=False).findings == []


SLICES = """\
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import Event

SIZE = 500


def drop(session: Session, ids: list[int]) -> None:
    for group in [ids[i : i + SIZE] for i in range(0, len(ids), SIZE)]:
        session.execute(delete(Event).where(Event.id.in_(group)))


def read(session: Session, ids: list[int]) -> list:
    found = []
    groups = (ids[start : start + SIZE] for start in range(0, len(ids), SIZE))
    for part in groups:
        found += session.scalars(select(Event).where(Event.id.in_(part))).all()
    return found


def each(session: Session, ids: list[int]) -> None:
    for one in [ids[i] for i in range(0, len(ids), 1)]:
        session.execute(delete(Event).where(Event.id == one))


def first_of_each(session: Session, ids: list[int]) -> None:
    for group in [ids[i : i + SIZE] for i in range(0, len(ids), SIZE)]:
        session.execute(delete(Event).where(Event.id == group[0]))


def unstepped(session: Session, ids: list[int]) -> None:
    for group in [ids[i : i + 1] for i in range(len(ids))]:
        session.execute(delete(Event).where(Event.id.in_(group)))


def one_each(session: Session, ids: list[int]) -> None:
    for group in [ids[i : i + 1] for i in range(0, len(ids), 1)]:
        session.execute(delete(Event).where(Event.id.in_(group)))


def suffixes(session: Session, ids: list[int]) -> None:
    for group in [ids[i:] for i in range(0, len(ids), SIZE)]:
        session.execute(delete(Event).where(Event.id.in_(group)))
"""


def test_a_comprehension_of_slices_makes_chunks(tmp_path: Path) -> None:
    """``for group in [ids[i : i + n] for i in range(0, len(ids), n)]`` (or a local holding
    such a generator) runs one ``IN`` query per chunk; an element that is an item, a query
    reading one item of the chunk, slices of an unstepped range or a step of 1, and
    overlapping suffixes are still reported."""
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/slices.py": SLICES}
    root = write_project(tmp_path / "p", files, select=["BK304"])
    found = [f.line for f in analyze([root], use_cache=False).findings]
    assert found == [24, 29, 34, 39, 44]
