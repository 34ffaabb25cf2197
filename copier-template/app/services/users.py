"""User accounts: registration, authentication, profile and password changes."""

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.security import hash_password, verify_password
from app.models import PasswordChange, Role, User, UserCreate, UserUpdate
from app.services import tokens
from app.services.db import transaction
from app.services.errors import AuthenticationError, ConflictError, NotFoundError


def normalise_email(email: str) -> str:
    """Lower-case and strip an e-mail address so lookups are case-insensitive."""
    return email.strip().lower()


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    """Return the user with this e-mail, if any."""
    result = await session.exec(select(User).where(col(User.email) == normalise_email(email)))
    return result.first()


async def get_user(session: AsyncSession, user_id: int) -> User:
    """Return a user by id or raise NotFoundError."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFoundError("User not found")
    return user


async def create_user(session: AsyncSession, data: UserCreate, role: Role = Role.USER) -> User:
    """Register a new account; ConflictError when the e-mail is taken."""
    if await get_by_email(session, data.email) is not None:
        raise ConflictError("A user with this e-mail already exists")
    user = User(
        email=normalise_email(data.email),
        full_name=data.full_name,
        hashed_password=hash_password(data.password),
        role=role.value,
    )
    try:
        async with transaction(session):
            session.add(user)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise ConflictError("A user with this e-mail already exists") from exc
    await session.refresh(user)
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    """Return the active user for these credentials; same cost whether or not the user exists."""
    user = await get_by_email(session, email)
    valid = verify_password(password, user.hashed_password if user else None)
    if user is None or not valid or not user.is_active:
        raise AuthenticationError("Incorrect e-mail or password")
    return user


async def update_profile(session: AsyncSession, user: User, data: UserUpdate) -> User:
    """Apply a partial profile update."""
    async with transaction(session):
        user.sqlmodel_update(data.model_dump(exclude_unset=True))
        session.add(user)
    await session.refresh(user)
    return user


async def change_password(session: AsyncSession, user: User, data: PasswordChange) -> None:
    """Change the password and revoke every refresh token of the user, atomically."""
    if not verify_password(data.current_password, user.hashed_password):
        raise AuthenticationError("Current password is incorrect")
    async with transaction(session):
        user.hashed_password = hash_password(data.new_password)
        session.add(user)
        await tokens.revoke_all_for_user(session, user)


async def list_users(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[User], int]:
    """Return one page of users (by id) and the total count."""
    total = (await session.exec(select(func.count()).select_from(User))).one()
    page = await session.exec(select(User).order_by(col(User.id)).offset(offset).limit(limit))
    return list(page.all()), int(total)
