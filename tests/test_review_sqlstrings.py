"""BK110: constants appended to a statement whose head is not a constant add no value only
when the head is a local bound to a query builder's output; a parameter (``sort`` of
``order_by(text(f"{sort} DESC"))``) or a request value is the text coming in, and is
reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
from fastapi import FastAPI, Request
from sqlalchemy import text
from sqlalchemy.orm import Session

app = FastAPI()


def compile_query(query: object) -> str:
    return str(query)


# backendkit: public
@app.get("/items")
def list_items(session: Session, request: Request, sort: str = "name") -> list[str]:
    session.query(object).order_by(text(f"{sort} DESC")).all()
    session.query(object).order_by(text(sort + " DESC")).all()
    column = request.query_params.get("column")
    session.query(object).order_by(text(f"{column} ASC")).all()
    session.query(object).order_by(text(f"name {sort}")).all()
    sql = compile_query(session.query(object))
    session.execute(text(f"{sql} LIMIT 1"))
    statement, params = compile_query(sql), {}
    session.execute(text(statement + " RETURNING id"), params)
    return []
"""


def test_parameter_head_is_reported(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK110"])
    assert [f.line for f in analyze([root]).findings] == [15, 16, 18, 19]
