"""BK110 on psycopg's SQL composition: ``sql.SQL(<constant>).format(...)`` with parts that
quote themselves (``Identifier``, ``Literal``, ``Placeholder``, a constant ``sql.SQL`` or a
``.join`` of one, locals holding them) is constant SQL, the way psycopg's documentation
recommends composing names; text handed to ``sql.SQL`` and ``str.format`` stay reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

REPO = """\
from psycopg import sql
from psycopg2 import sql as sql2


def search(conn, table: str, fields: list[str], column: str, key: str):
    table_sql = sql.SQL(".").join(sql.Identifier(part) for part in table.split("."))
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
