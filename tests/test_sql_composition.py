"""BK110 on psycopg's SQL composition and on quoted identifiers.

``sql.SQL(<constant>).format(...)`` with parts that quote themselves (``Identifier``,
``Literal``, ``Placeholder``, a constant ``sql.SQL`` or a ``.join`` of one, locals holding them)
is constant SQL, the way psycopg's documentation recommends composing names; text handed to
``sql.SQL`` and ``str.format`` stay reported. A name quoted by SQLAlchemy's identifier preparer
or psycopg2's ``quote_ident`` is constant text."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

REPO = """\
from psycopg import sql
from psycopg2 import sql as sql2


def search(conn, schema: str, table: str, fields: list[str], column: str, key: str):
    table_sql = sql.SQL(".").join([sql.Identifier(schema), sql.Identifier(table)])
    column_sql = sql.Identifier(column) if column else sql.SQL("'{}'::jsonb")
    with conn.cursor() as cur:
        cur.execute(
            sql.SQL("SELECT {fields}, {column} FROM {table} WHERE k = {key} AND v = %s").format(
                fields=sql.SQL(", ").join(map(sql.Identifier, fields)),
                column=column_sql,
                table=table_sql,
                key=sql.Literal(key),
            ),
            (1,),
        )
        return cur.fetchall()


def count(cur, table: str):
    query = sql2.SQL("SELECT count(*) FROM {} WHERE a = {}").format(
        sql2.Identifier(table), sql2.Placeholder()
    )
    cur.execute(query, (1,))


def ordered(cur, table: str, order_by: str):
    cur.execute(  # expect: BK110
        sql.SQL("SELECT * FROM {} ORDER BY {}").format(
            sql.Identifier(table), sql.SQL(order_by)
        )
    )


def raw_template(cur, table: str):
    query = sql.SQL(f"SELECT * FROM {table} WHERE a = {{}}").format(sql.Literal(1))
    cur.execute(query)  # expect: BK110


def joined_text(cur, cols: str, order: str):
    columns = sql.SQL(", ").join(sql.SQL(c) for c in cols.split(","))
    cur.execute(sql.SQL("SELECT {} FROM t").format(columns))  # expect: BK110
    part = sql.SQL(", ").join([sql.SQL(order)])
    cur.execute(sql.SQL("SELECT * FROM t ORDER BY {}").format(part))  # expect: BK110


def plain_format(cur, table: str):
    cur.execute("SELECT * FROM {}".format(table))  # expect: BK110
"""


def test_psycopg_composition_is_constant_sql(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj", {"app/__init__.py": "", "app/repo.py": REPO})
    result = analyze([root], use_cache=False)
    found = sorted(f.line for f in result.findings if f.code == "BK110")
    expected = [
        number
        for number, text in enumerate(REPO.splitlines(), start=1)
        if "# expect: BK110" in text
    ]
    assert found == expected


QUOTED = """\
import os

from psycopg2.extensions import quote_ident
from sqlalchemy import text

SCHEMA = os.environ["DATABASE_SCHEMA"]


def set_path(conn) -> None:
    schema = conn.dialect.identifier_preparer.quote_identifier(SCHEMA)
    conn.exec_driver_sql(f"SET search_path TO {schema}")


def wipe(engine, conn, tables) -> None:
    preparer = engine.dialect.identifier_preparer
    for table in tables:
        conn.execute(text(f"DELETE FROM {preparer.format_table(table)}"))


def count(cur, name: str) -> None:
    cur.execute(f"SELECT count(*) FROM {quote_ident(name, cur)}")


def unquoted(conn, helper, name: str) -> None:
    conn.execute(text(f"SELECT * FROM {helper.quote(name)}"))  # expect: BK110


def lookalike(conn, name: str) -> None:
    conn.execute(text(f"SELECT * FROM {conn.dialect.quote(name)}"))  # expect: BK110
"""


def test_quoted_identifiers_are_constant_text(tmp_path: Path) -> None:
    root = write_project(tmp_path / "quoted", {"app/__init__.py": "", "app/db.py": QUOTED})
    result = analyze([root], use_cache=False)
    found = sorted(f.line for f in result.findings if f.code == "BK110")
    expected = [n for n, line in enumerate(QUOTED.splitlines(), start=1) if "expect: BK110" in line]
    assert found == expected
