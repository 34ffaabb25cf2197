"""The Alembic history builds exactly the schema the models describe."""

import asyncio
import os
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

ROOT = Path(__file__).resolve().parents[1]


def _diff(connection: Connection) -> list[object]:
    return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


async def _reset_and_diff(url: str, phase: str) -> list[object]:
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        if phase == "reset":
            await connection.run_sync(SQLModel.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            result: list[object] = []
        else:
            result = await connection.run_sync(_diff)
    await engine.dispose()
    return result


def test_migrations_match_models(tmp_path: Path) -> None:
    url = os.environ.get("TEST_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}")
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logger"] = False
    asyncio.run(_reset_and_diff(url, "reset"))
    command.upgrade(config, "head")
    assert asyncio.run(_reset_and_diff(url, "diff")) == []
    command.downgrade(config, "base")
    command.upgrade(config, "head")
