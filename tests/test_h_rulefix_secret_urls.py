"""BK104 hardcoded-secret: a password inside a URL literal (a settings default, a constant, a
getenv fallback) is a hardcoded secret whatever the name; a URL with no password, an empty one,
a placeholder (the rule's own placeholder policy) or a template field is not. A
``Field(default_factory=lambda: "...")`` literal is read like ``Field(default=...)``."""

from __future__ import annotations

from pathlib import Path

import pytest

from backendkit import analyze
from helpers import write_project

CONFIG = """\
import os

from pydantic import Field, PostgresDsn, SecretStr
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DATABASE_URL: str = "postgresql://app:s3cretpw@db:5432/app"
    REDIS_URL: str = "redis://:password@cache:6379/0"
    BROKER_URL: str = Field(default="amqp://worker:rabbitpass99@mq:5672//")
    MONGO_DSN: SecretStr = SecretStr("mongodb+srv://svc:Zx81%40pq7@cluster0.example.net/db")
    PG_DSN: PostgresDsn = "postgresql+asyncpg://app:s3cretpw@db/app"
    CACHE_URL: str = os.getenv("CACHE_URL", "redis://default:hunter2hunter2@cache:6379")
    OK_SQLITE_URL: str = "sqlite:///./app.db"
    OK_SQLITE_MEMORY: str = "sqlite+aiosqlite://"
    OK_NO_USERINFO: str = "postgresql://db:5432/app"
    OK_USER_ONLY: str = "postgresql://app@db:5432/app"
    OK_EMPTY_PASSWORD_URL: str = "postgresql://app:@db:5432/app"
    OK_ENV_PLACEHOLDER: str = "postgresql://app:${DB_PASSWORD}@db:5432/app"
    OK_ANGLE_PLACEHOLDER: str = "redis://:<password>@cache:6379"
    OK_CHANGEME: str = "postgresql://app:changeme@db:5432/app"
    OK_CHANGETHIS: str = "postgresql://app:changethis@db:5432/app"
    OK_STARS: str = "postgresql://app:****@db:5432/app"
    OK_TEMPLATE: str = "postgresql://{user}:{password}@{host}:{port}/{db}"
    OK_PERCENT_TEMPLATE: str = "postgresql://%(user)s:%(password)s@%(host)s/db"
    OK_SHORT: str = "amqp://guest:guest@localhost:5672//"
    OK_HTTPS: str = "https://api.example.com/v1?token_type=bearer"
    OK_PROSE: str = "see postgresql://app:s3cretpw@db/app"
"""

CONSTS = """\
import os

DATABASE_URL = "postgresql://postgres:postgres@localhost:5432/app"
SENTRY_DSN = "https://examplePublicKey@o0.ingest.sentry.io/0"
ENGINE_URL = os.getenv("ENGINE_URL", "mysql+pymysql://root:toor-secret@db/app")
DOCS_URL = "https://user:${TOKEN}@example.com"
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Settings and constants with URL literals, checked for BK104 only."""
    root = tmp_path_factory.mktemp("urls") / "p"
    files = {"app/__init__.py": "", "app/config.py": CONFIG, "app/consts.py": CONSTS}
    return write_project(root, files, select=["BK104"])


def _found(project: Path) -> list[tuple[str, int, str]]:
    result = analyze([project])
    return sorted((f.path, f.line, f.message.split(" is a literal")[0]) for f in result.findings)


def test_password_in_a_url_literal_is_reported(project: Path) -> None:
    prefix = "Hardcoded secret: the password in the URL of "
    assert _found(project) == [
        ("app/config.py", 8, prefix + "settings field Settings.DATABASE_URL"),
        ("app/config.py", 9, prefix + "settings field Settings.REDIS_URL"),
        ("app/config.py", 10, prefix + "settings field Settings.BROKER_URL"),
        ("app/config.py", 11, prefix + "settings field Settings.MONGO_DSN"),
        ("app/config.py", 12, prefix + "settings field Settings.PG_DSN"),
        ("app/config.py", 13, prefix + "fallback of CACHE_URL"),
        ("app/consts.py", 3, prefix + "constant DATABASE_URL"),
        ("app/consts.py", 5, prefix + "fallback of ENGINE_URL"),
    ]


def test_a_secret_name_keeps_its_own_message(tmp_path: Path) -> None:
    """A secret-named literal that happens to be a URL is reported once, as the literal."""
    files = {"app/__init__.py": "", "app/c.py": 'DB_PASSWORD = "postgresql://a:s3cretpw@db/a"\n'}
    found = _found(write_project(tmp_path / "p", files, select=["BK104"]))
    assert found == [("app/c.py", 1, "Hardcoded secret: the constant DB_PASSWORD")]


def test_url_passwords_in_test_files_are_skipped(tmp_path: Path) -> None:
    files = {"tests/test_db.py": 'DATABASE_URL = "postgresql://app:s3cretpw@db/app"\n'}
    assert _found(write_project(tmp_path / "p", files, select=["BK104"])) == []


def test_default_factory_lambda_literal(tmp_path: Path) -> None:
    config = (
        "import os\n\nfrom pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n"
        "from app.gen import make_password\n\n\n"
        "class Settings(BaseSettings):\n"
        '    STRIPE_API_KEY: str = Field(default_factory=lambda: "sk_live_abcdef1234")\n'
        "    TOKENS: list = Field(default_factory=lambda: [])\n"
        '    API_KEY: str = Field(default_factory=lambda: os.environ["API_KEY"])\n'
        "    PASSWORD: str = Field(default_factory=make_password)\n"
    )
    gen = 'def make_password() -> str:\n    return "pw"\n'
    files = {"app/__init__.py": "", "app/config.py": config, "app/gen.py": gen}
    found = _found(write_project(tmp_path / "p", files, select=["BK104"]))
    assert found == [
        ("app/config.py", 10, "Hardcoded secret: the settings field Settings.STRIPE_API_KEY")
    ]
