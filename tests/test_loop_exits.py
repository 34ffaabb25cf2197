"""BK304 and the loops a query leaves: a ``return``, ``raise`` or ``break`` that follows the
query unconditionally in its block ends the loop (``summary/loopexits.py``), so the query runs
once. Anything that may go on with the next item first keeps the loop: a ``continue`` between
the query and the exit, a ``try`` handler or a ``with`` manager that swallows an error, a
``finally`` (its ``continue`` overrides the exit), a lambda (run per item), and a ``while`` and
a comprehension on one line (they share a loop id): two reviews' shapes, each counted on SQLite
at one query per id."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

SERVICE = """\
from contextlib import suppress

from sqlalchemy.exc import NoResultFound
from sqlmodel import Session, select

from app.models import Item


def first_labelled(s: Session, items: list, label: str):
    for item in items:
        if item.label == label:
            row = s.get(Item, item.id)
            return row
    return None


def first_found(s: Session, ids: list[int]):
    found = None
    for i in ids:
        found = s.get(Item, i)
        break
    return found


def skip_missing(s: Session, ids: list[int]):
    for i in ids:
        row = s.get(Item, i)
        if row is None:
            continue
        return row
    return None


def probe(s: Session, ids: list[int]):
    for i in ids:
        try:
            row = s.exec(select(Item).where(Item.id == i)).one()
        except NoResultFound:
            continue
        return row
    return None


def suppressed(s: Session, ids: list[int]):
    for i in ids:
        with suppress(NoResultFound):
            return s.exec(select(Item).where(Item.id == i)).one()
    return None


def finally_continue(s: Session, ids: list[int]):
    for i in ids:
        try:
            check(i)
        except ValueError:
            row = s.get(Item, i)
            return row
        finally:
            continue
    return None


def ranked(s: Session, groups: list):
    for group in groups:
        return sorted(group.ids, key=lambda i: s.get(Item, i).label)
    return []


def one_line(s: Session, ids: list[int]):
    while True: return [s.get(Item, i) for i in ids]  # noqa: E701


def check(i: int) -> None:
    if i % 2:
        raise ValueError(i)
"""

MODELS = """\
from sqlmodel import Field, SQLModel


class Item(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    label: str = ""
"""


def test_a_query_the_loop_may_go_on_after_is_reported(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/service.py": SERVICE}
    root = write_project(tmp_path / "p", files)
    result = analyze([root], use_cache=False)
    found = sorted(
        f.message.split(" in ")[1].split()[0] for f in result.findings if f.code == "BK304"
    )
    assert found == [
        "finally_continue",
        "one_line",
        "probe",
        "ranked",
        "skip_missing",
        "suppressed",
    ]
