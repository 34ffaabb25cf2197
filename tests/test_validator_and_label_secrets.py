"""BK113 in pydantic validators: two fields of the model being validated (a password typed twice
in one request body) are no timing leak, a field against a stored secret is. BK104 and labels:
a constant whose value spells its own secret kind behind a selector or header word
(``USAGE_GROUP_BY_API_KEY = "api_key"``), a header or scheme name, and a character set
(``PASSWORD_SPECIAL_CHARACTERS``) are no credential; weak secrets stay reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.rules.secrets import _secret_what
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


CONSTANTS = """\
USAGE_GROUP_BY_DATE = "date"
USAGE_GROUP_BY_API_KEY = "api_key"
X_API_KEY = "api_key"
ORDER_BY_PASSWORD = "password"
SOURCE_API_KEY = "api-key"
AUTH_SCHEME_API_KEY = "apikey"
HEADER_API_KEY = "x-api-key"
AUTH_TOKEN_HEADER_VALUE = "authorization"
TOKEN_PREFIX_SECRET = "bearer"
PASSWORD_SPECIAL_CHARACTERS = "!@#$%^&*_+."
PASSWORD_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
PASSWORD_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
API_KEY = "sk-live-4eC39HqLyjWDarjtT1zdp7dc"  # BK104
PASSWORD = "hunter2"  # BK104
SECRET_KEY = "changeme-please-9f8a"  # BK104
ADMIN_PASSWORD = "password"  # BK104
X_API_KEY_VALUE = "a8f5f167f44f4964e6c998dee827110c"  # BK104
ORDER_BY_PASSWORD_DEFAULT = "hunter2hunter2"  # BK104
"""


def test_labels_and_character_sets_are_not_secrets(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/constants.py": CONSTANTS}, select=["BK104"])
    found = sorted(f.line for f in analyze([root]).findings)
    assert found == _expected(CONSTANTS, "BK104")


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        # the secret kind's own name, spelt any way, behind a selector or header word
        ("USAGE_GROUP_BY_API_KEY", "api_key", False),
        ("SORT_BY_ACCESS_TOKEN", "access-token", False),
        ("FIELD_CLIENT_SECRET", "clientsecret", False),
        ("X_API_KEY", "x-api-key", False),
        ("AUTH_METHOD_TOKEN", "token", False),
        # header and scheme names
        ("API_KEY", "X-API-Key", False),
        ("AUTH_TOKEN", "x-auth-token", False),
        ("SECRET", "Authorization", False),
        ("TOKEN_SECRET", "bearer", False),
        # no word saying it is a label: a weak secret
        ("API_KEY", "api_key", True),
        ("API_KEY", "api-key", True),
        ("PASSWORD", "password", True),
        ("DB_PASSWORD", "password", True),
        ("SECRET_KEY", "secret", True),
        ("APP_SECRET_KEY", "secret_key", True),
        # a selector word but another value
        ("ORDER_BY_PASSWORD", "hunter2hunter2", True),
        ("X_API_KEY", "api_key_9f8a7b", True),
        ("SOURCE_API_KEY", "x-9f8a7b6c5d", True),
    ],
)
def test_label_values(name: str, value: str, secret: bool) -> None:
    assert bool(_secret_what((name,), value, "x")) is secret


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("PASSWORD_SPECIAL_CHARACTERS", False),
        ("PASSWORD_CHARS", False),
        ("TOKEN_ALPHABET", False),
        ("SECRET_CHARSET", False),
        ("PASSWORD_CHARACTER", True),  # one character is not a set: the name says password
    ],
)
def test_character_set_names(name: str, secret: bool) -> None:
    assert bool(_secret_what((name,), "Qz8!rT4#kL", "x")) is secret
