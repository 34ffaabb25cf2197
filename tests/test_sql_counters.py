"""BK110: a loop counter in SQL text lets no data in. open-webui names one bind parameter per
tag, ``text(f"... = :tag_id_{tag_idx}").params(**{f"tag_id_{tag_idx}": tag_id})`` over
``enumerate(tag_ids)``: only the index is in the text, each value is bound. The index of
``enumerate`` and the variable of a ``range`` loop are numbers, in a ``for`` statement or a
comprehension; the item itself is still data."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

QUERIES = """\
from sqlalchemy import and_, select, text

from app.models import Chat


def with_tags(tag_ids: list[str]):
    return select(Chat).filter(
        and_(
            *[
                text(f"EXISTS (SELECT 1 FROM tags WHERE tag.value = :tag_{i})")
                .params(**{f"tag_{i}": tag_id})
                for i, tag_id in enumerate(tag_ids)
            ]
        )
    )


def counts(tag_ids: list[str]):
    stmts = []
    for index, tag_id in enumerate(tag_ids):
        param = f"tag_{index}"
        stmts.append(select(Chat).filter(text(f"tags.value = :{param}")).params(**{param: tag_id}))
    return stmts


def pages(count: int):
    return [text(f"SELECT * FROM chat LIMIT 10 OFFSET {n * 10}") for n in range(count)]


def by_value(tag_ids: list[str]):
    return [text(f"SELECT * FROM tags WHERE id = '{tag}'") for i, tag in enumerate(tag_ids)]


def by_item(tag_ids: list[str]):
    for tag_id in tag_ids:
        yield text(f"SELECT * FROM tags WHERE value = '{tag_id}'")
"""

MODELS = """\
from sqlmodel import Field, SQLModel


class Chat(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
"""


def test_loop_counters_in_sql_text_are_numbers(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/queries.py": QUERIES}
    root = write_project(tmp_path / "p", files)
    result = analyze([root], use_cache=False)
    lines = sorted(f.line for f in result.findings if f.code == "BK110")
    assert lines == [QUERIES.splitlines().index(line) + 1 for line in _ITEM_LINES]


_ITEM_LINES = [
    "    return [text(f\"SELECT * FROM tags WHERE id = '{tag}'\") for i, tag in "
    "enumerate(tag_ids)]",
    "        yield text(f\"SELECT * FROM tags WHERE value = '{tag_id}'\")",
]


CLOSURE = """\
from sqlalchemy import text


def search(conn, tag: str) -> list:
    def run() -> list:
        slots = [f":slot{tag}" for tag in range(3)]
        return list(conn.execute(text(f"SELECT '{tag}' AS t, {len(slots)} AS n")))

    return run()
"""


def test_a_name_bound_outside_the_comprehension_is_not_its_counter(tmp_path: Path) -> None:
    """``tag`` out of the comprehension is the enclosing function's parameter (a review's
    case): a counter only where no other scope binds the name."""
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/q.py": CLOSURE})
    result = analyze([root], use_cache=False)
    assert [f.line for f in result.findings if f.code == "BK110"] == [7]
