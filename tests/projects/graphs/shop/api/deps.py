from typing import Annotated

from fastapi import Depends

from shop.repo import Repo


def get_db() -> str:
    return "db"


def get_repo(db: Annotated[str, Depends(get_db)]) -> Repo:
    return Repo(db)


def get_current_user(db: str = Depends(get_db)) -> str:
    return "user"


RepoDep = Annotated[Repo, Depends(get_repo)]
