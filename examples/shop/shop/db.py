"""An in-memory store standing in for a database."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from .core.security import hash_password
from .models import Item, UserInDB


@dataclass
class Store:
    users: dict[int, UserInDB] = field(default_factory=dict)
    items: dict[int, Item] = field(default_factory=dict)

    def next_id(self, table: dict[int, object]) -> int:
        return max(table, default=0) + 1

    def user_by_email(self, email: str) -> UserInDB | None:
        return next((u for u in self.users.values() if u.email == email), None)


STORE = Store()
STORE.users[1] = UserInDB(
    id=1,
    email="admin@example.com",
    full_name="Admin",
    is_superuser=True,
    hashed_password=hash_password("admin-password"),
)


def get_store() -> Iterator[Store]:
    yield STORE
