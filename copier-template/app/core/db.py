"""Async database engine, session factory and the request-scoped session dependency."""

import logging
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import get_settings

logger = logging.getLogger(__name__)


def build_engine(url: str, *, pooled: bool = True) -> AsyncEngine:
    """Create an async engine; tests use ``pooled=False`` so connections never cross loops."""
    if pooled:
        return create_async_engine(url, pool_pre_ping=True)
    return create_async_engine(url, poolclass=NullPool)


engine = build_engine(get_settings().database_url, pooled=get_settings().environment != "test")
SessionFactory = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    """Yield one session per request; rolled back automatically on error."""
    async with SessionFactory() as session:
        yield session


async def ping_database() -> bool:
    """Return True when a trivial query succeeds (used by the readiness probe)."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:  # readiness must answer, never raise
        logger.warning("database ping failed", exc_info=True)
        return False
    return True
