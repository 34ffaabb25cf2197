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
