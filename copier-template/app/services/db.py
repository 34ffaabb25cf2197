"""Transaction helper: a multi-step write commits as a whole or not at all."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlmodel.ext.asyncio.session import AsyncSession


@asynccontextmanager
async def transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Commit on success, roll back on any exception."""
    try:
        yield session
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
