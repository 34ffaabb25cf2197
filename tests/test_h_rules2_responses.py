"""BK108 and redacted fields: a sensitive field that leaves masked (a pydantic validator or
serializer naming it that returns something other than the value, ``Field(exclude=True)``, a
``SecretStr`` type) is not reported; a validator that only checks the value, a serializer
that reveals a ``SecretStr``, and an unredacted second field still are."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MODELS = """\
from typing import Optional

from pydantic import BaseModel, Field, SecretStr, field_serializer, field_validator


class MaskedByValidator(BaseModel):
    connection_id: str
    password: Optional[str]

    @field_validator("password", mode="after")
    @classmethod
    def redact_password(cls, v: Optional[str]) -> Optional[str]:
        return None if v is None else "***"


class RedactedByHelper(BaseModel):
    password: str | None

    @field_validator("password", mode="after")
    @classmethod
    def redact_password(cls, v: str | None) -> str | None:
        if v is None:
            return v
        return str(redact(v))


class MaskedBySerializer(BaseModel):
    name: str
    secret: str

    @field_serializer("secret")
    def mask(self, v: str) -> str:
        return v[:4] + "..."


class Excluded(BaseModel):
    password: str = Field(default="", exclude=True)


class Secret(BaseModel):
    secret: SecretStr | None = None


class ChecksOnly(BaseModel):
    password: str

    @field_validator("password")
    @classmethod
    def strong(cls, v: str) -> str:
        if len(v) < 8:
            raise ValueError("too short")
        return v.strip()


class Revealed(BaseModel):
    secret: SecretStr

    @field_serializer("secret")
    def reveal(self, v: SecretStr) -> str:
        return v.get_secret_value()


class OneOfTwo(MaskedByValidator):
    hashed_password: str


def redact(value: str) -> str:
    return "***"
"""

MAIN = """\
from fastapi import FastAPI

from app import models

app = FastAPI()


@app.get("/masked-by-validator")
def a() -> models.MaskedByValidator: ...


@app.get("/redacted-by-helper")
def b() -> models.RedactedByHelper: ...


@app.get("/masked-by-serializer")
def c() -> models.MaskedBySerializer: ...


@app.get("/excluded")
def d() -> models.Excluded: ...


@app.get("/secret")
def e() -> models.Secret: ...


@app.get("/checks-only")
def f() -> models.ChecksOnly: ...


@app.get("/revealed")
def g() -> models.Revealed: ...


@app.get("/one-of-two")
def h() -> models.OneOfTwo: ...
"""


def test_redacted_fields_are_not_sent(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/main.py": MAIN}
    root = write_project(tmp_path / "p", files, select=["BK108"])
    found = [(f.line, f.message.split(" is sent")[0]) for f in analyze([root]).findings]
    assert found == [
        (28, "Route GET /checks-only returns ChecksOnly, whose field 'password'"),
        (32, "Route GET /revealed returns Revealed, whose field 'secret'"),
        (36, "Route GET /one-of-two returns OneOfTwo, whose field 'hashed_password'"),
    ]
