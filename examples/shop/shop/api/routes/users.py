from fastapi import APIRouter, HTTPException, status

from ...core.security import hash_password
from ...models import User, UserCreate, UserInDB
from ..deps import AdminUser, CurrentUser, SessionDep

router = APIRouter()


@router.get("/", response_model=list[User])
def read_users(db: SessionDep, admin: AdminUser) -> list[User]:
    return list(db.users.values())


@router.get("/me", response_model=User)
def read_user_me(current_user: CurrentUser) -> User:
    return current_user


@router.post("/signup", response_model=User, status_code=status.HTTP_201_CREATED)
def register_user(body: UserCreate, db: SessionDep) -> User:
    if db.user_by_email(body.email):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Email already registered")
    user = UserInDB(
        id=db.next_id(db.users),
        email=body.email,
        full_name=body.full_name,
        hashed_password=hash_password(body.password),
    )
    db.users[user.id] = user
    return user


@router.get("/{user_id}", response_model=User)
def read_user(user_id: int, db: SessionDep, current_user: CurrentUser) -> User:
    user = db.users.get(user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "User not found")
    if user.id != current_user.id and not current_user.is_superuser:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Not enough privileges")
    return user
