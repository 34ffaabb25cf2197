from pydantic import BaseModel, Field


class UserBase(BaseModel):
    email: str
    full_name: str | None = None


class UserCreate(UserBase):
    password: str = Field(min_length=8)


class User(UserBase):
    id: int
    is_active: bool = True
    is_superuser: bool = False


class UserInDB(User):
    hashed_password: str


class ItemCreate(BaseModel):
    title: str
    description: str | None = None
    price: float = Field(gt=0)
    category: str = "general"


class Item(ItemCreate):
    id: int
    owner_id: int


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class LoginRequest(BaseModel):
    username: str
    password: str
