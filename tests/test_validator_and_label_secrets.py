"""BK113 in pydantic validators: two fields of the model being validated (a password typed twice
in one request body) are no timing leak, a field against a stored secret is. BK104 and labels:
a constant whose value spells its own secret kind behind a selector or header word
(``USAGE_GROUP_BY_API_KEY = "api_key"``), a header or scheme name, and a character set
(``PASSWORD_SPECIAL_CHARACTERS``) are no credential; weak secrets stay reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

CONFIG = """\
import os


class Settings:
    API_KEY: str = os.environ["API_KEY"]


settings = Settings()
SECRET = os.environ["SECRET"]
"""

SCHEMAS_V2 = """\
from pydantic import BaseModel, ValidationInfo, field_validator, model_validator

from app.config import SECRET, settings


class Register(BaseModel):
    password: str
    password2: str
    token: str

    @field_validator("password2")
    @classmethod
    def passwords_match(cls, v: str, info: ValidationInfo) -> str:
        if "password" in info.data and v != info.data["password"]:
            raise ValueError("passwords do not match")
        if v != info.data.get("password"):
            raise ValueError("passwords do not match")
        return v

    @model_validator(mode="after")
    def check(self) -> "Register":
        if self.password != self.password2:
            raise ValueError("passwords do not match")
        return self

    @model_validator(mode="before")
    @classmethod
    def raw(cls, data: dict) -> dict:
        if data.get("password") != data["password2"]:
            raise ValueError("passwords do not match")
        return data

    @field_validator("token")
    @classmethod
    def admin_only(cls, v: str, info: ValidationInfo) -> str:
        if v != settings.API_KEY:  # BK113
            raise ValueError("not the admin token")
        if info.data["password"] == SECRET:  # BK113
            raise ValueError("not allowed")
        return v


def plain(info, password: str) -> bool:
    return info.data["password"] == password  # BK113
"""

SCHEMAS_V1 = """\
from pydantic.v1 import BaseModel, root_validator, validator

from app.config import settings


class RegisterV1(BaseModel):
    password: str
    password2: str
    token: str

    @validator("password2")
    def passwords_match(cls, v, values, **kwargs):
        if "password" in values and v != values["password"]:
            raise ValueError("passwords do not match")
        return v

    @root_validator
    def both(cls, values):
        password, confirm = values.get("password"), values.get("password2")
        if password != confirm:
            raise ValueError("passwords do not match")
        return values

    @root_validator(pre=True)
    def before(cls, values):
        if values["password"] != values["password2"]:
            raise ValueError("passwords do not match")
        return values

    @validator("token")
    def admin_only(cls, v, values):
        if values["token"] != settings.API_KEY:  # BK113
            raise ValueError("not the admin token")
        return v


class NotPydantic:
    def validator(self, name):
        return lambda f: f


checks = NotPydantic()


class Form:
    @checks.validator("password2")
    def match(cls, v, values):
        return v == values["password"]  # BK113
"""


def _expected(source: str, marker: str) -> list[int]:
    return [n for n, line in enumerate(source.splitlines(), 1) if line.endswith(f"# {marker}")]


def test_validator_compares_fields_of_its_model(tmp_path: Path) -> None:
    """Field against field in a validator is not reported; a stored secret, a module secret
    read from the environment, and a function outside any validator are."""
    files = {
        "app/__init__.py": "",
        "app/config.py": CONFIG,
        "app/schemas.py": SCHEMAS_V2,
        "app/schemas_v1.py": SCHEMAS_V1,
    }
    root = write_project(tmp_path / "p", files, select=["BK113"])
    found = sorted((f.path, f.line) for f in analyze([root]).findings)
    assert found == sorted(
        [("app/schemas.py", n) for n in _expected(SCHEMAS_V2, "BK113")]
        + [("app/schemas_v1.py", n) for n in _expected(SCHEMAS_V1, "BK113")]
    )


CLASS_IMPORTS = """\
from pydantic import BaseModel

PYDANTIC_V2 = True


class Register(BaseModel):
    password: str
    password2: str

    if PYDANTIC_V2:
        from pydantic import field_validator

        @field_validator("password2")
        @classmethod
        def match_v2(cls, v, info):
            if v != info.data["password"]:
                raise ValueError("passwords do not match")
            return v
    else:
        from pydantic import validator

        @validator("password2")
        def match_v1(cls, v, values, **kwargs):
            if v != values["password"]:
                raise ValueError("passwords do not match")
            return v
"""


def test_validator_imported_in_the_class_body(tmp_path: Path) -> None:
    """fastapi-user-auth imports the decorator in the class body, per pydantic version: the
    decorators are resolved there."""
    files = {"app/__init__.py": "", "app/schemas.py": CLASS_IMPORTS}
    root = write_project(tmp_path / "p", files, select=["BK113"])
    assert analyze([root]).findings == []


def test_validator_local_bound_elsewhere_stays_reported(tmp_path: Path) -> None:
    """A local of the validator bound to something other than a field read is a secret."""
    source = (
        "from pydantic import BaseModel, field_validator\n\n"
        "from app.config import settings\n\n\n"
        "class Key(BaseModel):\n    api_key: str\n\n"
        "    @field_validator('api_key')\n    @classmethod\n"
        "    def known(cls, v: str) -> str:\n"
        "        api_key = settings.API_KEY\n"
        "        if v != api_key:\n"
        "            raise ValueError('unknown key')\n"
        "        return v\n"
    )
    files = {"app/__init__.py": "", "app/config.py": CONFIG, "app/keys.py": source}
    root = write_project(tmp_path / "p", files, select=["BK113"])
    assert [(f.path, f.line) for f in analyze([root]).findings] == [("app/keys.py", 13)]
