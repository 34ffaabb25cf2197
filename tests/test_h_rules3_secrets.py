"""BK104 and values that name a thing: a constant whose name says it holds the name of a table,
a check constraint or a file (``SECRET_TABLE = "connection_secret"``), and an enum-like member
whose value is its own trailing words behind a category word (``AUTH_METHOD_API_KEY =
"api_key"``). Weak secrets in snake_case stay reported."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

CONSTANTS = """\
_CLIENT_SECRET_CHECK = "ck_sso_config_client_secret_envelope"
SECRET_TABLE = "connection_secret"
AUTH_METHOD_API_KEY = "api_key"
AUDIT_ACTOR_API_KEY = "api_key"
_CACHE_SIGNING_SECRET_FILENAME = "cache_secret_key"
SECRET_KEY = "super_secret_key"
JWT_SECRET = "jwt_secret"
API_KEY = "api_key"
APP_SECRET_KEY = "secret_key"
PROVIDER_API_KEY = "sk_live_abc123"
AUTH_METHOD_PASSWORD = "hunter2hunter2"
SESSION_SECRET = "changeme_please_now"
"""


def test_names_of_things_are_not_secrets(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"constants.py": CONSTANTS}, select=["BK104"])
    found = [(f.line, f.message.split(" is ")[0]) for f in analyze([root]).findings]
    assert found == [
        (6, "Hardcoded secret: the constant SECRET_KEY"),
        (7, "Hardcoded secret: the constant JWT_SECRET"),
        (8, "Hardcoded secret: the constant API_KEY"),
        # no category word in front: APP is no kind of thing the value is a member of
        (9, "Hardcoded secret: the constant APP_SECRET_KEY"),
        (10, "Hardcoded secret: the constant PROVIDER_API_KEY"),
        # the value is not the member's own name
        (11, "Hardcoded secret: the constant AUTH_METHOD_PASSWORD"),
        (12, "Hardcoded secret: the constant SESSION_SECRET"),
    ]


REFERENCES = """\
PASSWORD_RESET_TEMPLATE = "reset_password.html"
AWS_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db"
SECRET_VERSION = "latest"
EMAIL_TEMPLATES = "templates/email"
DB_PASSWORD = "Pr0d-Passw0rd!"
"""


def test_what_names_a_secret_kept_elsewhere_is_not_one(tmp_path: Path) -> None:
    """A new user's trial: a template's file name, a secret's ARN or version label name a
    secret, they do not hold one; a password beside them is still reported."""
    root = write_project(tmp_path / "p", {"constants.py": REFERENCES}, select=["BK104"])
    assert [f.line for f in analyze([root], use_cache=False).findings] == [5]


COMPARED = """\
from fastapi import Header, HTTPException
from fastapi.security import HTTPBasicCredentials


def check(creds: HTTPBasicCredentials) -> str:
    if creds.username == "admin" and creds.password == "S3cr3t-Adm1n!":
        return creds.username
    raise HTTPException(status_code=401)


def check_key(x_api_key: str = Header()) -> None:
    if "sk_live_51HxQa2Jd8s9dKqL0zP" != x_api_key:
        raise HTTPException(status_code=401)


def sentinels(api_key: str, password: str, token: str) -> bool:
    if api_key == "EMPTY" or token == "undefined" or password == "********":
        return False
    return password != "" and token != "x-api-key" and api_key != "changeme"


def states(credential: str, api_key: str) -> bool:
    return credential == "unavailable" or api_key == "invalid-api-key"


SECRET_KEY = "x"
if SECRET_KEY == "dev-secret-123":
    raise RuntimeError("set SECRET_KEY")


def change(new_password: str, token: str) -> None:
    if new_password == "Password123":
        raise HTTPException(status_code=400, detail="too common")
    if token == "[DONE]":
        return
"""


def test_a_secret_compared_with_a_literal_is_hardcoded(tmp_path: Path) -> None:
    """A new user's trial: BK113 leaves comparisons with a literal to BK104, which reported
    none. The expected password or key written in the comparison is a hardcoded secret; a
    client's sentinel, a mask, an empty string, a header's name, a placeholder and a state's
    label (litellm's ``credential == "unavailable"``), a value a guard raises for (a default,
    a common password), a new password and an LLM stream's ``"[DONE]"`` are not."""
    files = {"app/__init__.py": "", "app/auth.py": COMPARED}
    root = write_project(tmp_path / "p", files, select=["BK104", "BK113"])
    found = [(f.code, f.line) for f in analyze([root], use_cache=False).findings]
    assert found == [("BK104", 6), ("BK104", 12)]
