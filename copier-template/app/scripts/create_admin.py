"""Create (or promote) an administrator: ``python -m app.scripts.create_admin EMAIL``.

The password is read from the terminal (or the ADMIN_PASSWORD variable), never from argv.
"""

import argparse
import asyncio
import getpass
import os

from app.core.db import SessionFactory
from app.models import Role, UserCreate
from app.services import users


async def ensure_admin(email: str, password: str) -> str:
    """Create an admin account, or promote the existing user; returns what was done."""
    async with SessionFactory() as session:
        user = await users.get_by_email(session, email)
        if user is None:
            await users.create_user(
                session, UserCreate(email=email, password=password), role=Role.ADMIN
            )
            return "created"
        user.role = Role.ADMIN.value
        session.add(user)
        await session.commit()
        return "promoted"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("email")
    args = parser.parse_args(argv)
    password = os.environ.get("ADMIN_PASSWORD") or getpass.getpass("Password: ")
    outcome = asyncio.run(ensure_admin(args.email, password))
    print(f"{outcome} admin {args.email}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
