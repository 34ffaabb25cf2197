"""BK110 sql-string-building: a ``" AND ".join(clauses)`` over a local list that only ever
receives literals is literal SQL; a list that receives a value is not. A conditional
expression between literals is literal; a tuple assignment pairs names with values."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

REPO = """\
from sqlalchemy import text


def search(session, name: str | None, email: str | None):
    clauses: list[str] = []
    params: dict = {}
    if name:
        clauses.append("name = :name"); params["name"] = name
    if email:
        clauses.extend(["email = :email"])
        params["email"] = email
    clauses += ["active"]
    sql = "SELECT * FROM users"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return session.execute(text(sql), params)


def columns(session):
    return session.execute(text("SELECT " + ", ".join(["id", "name"]) + " FROM users"))


def by_columns(session, cols: list[str], name: str):
    clauses = []
    for col in cols:
        clauses.append(f"{col} = :{col}")
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def extended(session, name: str):
    clauses = ["active"]
    clauses.extend([f"name = '{name}'"])
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def grown(session, name: str):
    clauses = ["active"]
    clauses += [name]
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def handed_out(session, add):
    clauses = ["active"]
    add(clauses)
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def aliased(session, name: str):
    clauses = ["active"]
    other = clauses
    other.append(name)
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def chained(session, name: str):
    clauses = other = ["active"]
    other.append(name)
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def two_lists(session):
    clauses = []
    joins = []
    clauses.append("active")
    joins.append("JOIN orgs ON orgs.id = users.org_id")
    sql = "SELECT * FROM users " + " ".join(joins) + " WHERE " + " AND ".join(clauses)
    return session.execute(text(sql))


def extended_from_local(session, name: str):
    extra = []
    extra.append(name)
    clauses = ["active"]
    clauses.extend(extra)
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def indexed(session, name: str):
    clauses = ["active"]
    clauses[0] = name
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def closure(session, name: str):
    clauses = ["active"]

    def add() -> None:
        clauses.append(name)

    add()
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def nested_class(session, name: str):
    clauses = ["active"]

    class Outer:
        class Inner:
            def add(self) -> None:
                clauses.append(name)

    Outer.Inner().add()
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def given(session, clauses: list[str]):
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)))  # BK110


def interpolated(session, name: str, order: str):
    return session.execute(text(f"SELECT * FROM users WHERE name = :n ORDER BY {order}"))  # BK110


def ordered(session, name: str, desc: bool):
    direction = "DESC" if desc else "ASC"
    return session.execute(text(f"SELECT * FROM users ORDER BY id {direction}"), {"n": name})


def ordered_inline(session, order: str):
    return session.execute(text("SELECT * FROM users ORDER BY " + ("name" if order else "id")))


def chosen(session, order: str, column: str):
    return session.execute(text("SELECT * FROM t ORDER BY " + (column if order else "id")))  # BK110


def unpacked(session, name: str | None):
    clauses, params = [], {}
    if name:
        clauses.append("name = :name")
        params["name"] = name
    return session.execute(text("SELECT * FROM users WHERE " + " AND ".join(clauses)), params)


def unpacked_call(session, make):
    clauses, params = make()
    return session.execute(text("SELECT * FROM t WHERE " + " AND ".join(clauses)), params)  # BK110
"""


def _lines(text: str, marker: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.endswith(marker)]


def test_join_of_a_literal_only_list_is_literal(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/repo.py": REPO}
    root = write_project(tmp_path / "p", files, select=["BK110"])
    findings = analyze([root]).findings
    assert [f.line for f in findings] == _lines(REPO, "# BK110")
    assert all(f.path == "app/repo.py" for f in findings)
