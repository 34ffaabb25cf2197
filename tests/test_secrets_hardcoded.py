"""BK104 hardcoded-secret: literals wrapped in pydantic's SecretStr / SecretBytes, getenv
fallbacks in class bodies, and PEM private keys; a placeholder is reported unless the project
rejects it (``Settings.model_post_init`` compares the password with it)."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

CONFIG = """\
import os

import pydantic
from pydantic import Field, SecretBytes, SecretStr
from pydantic import SecretStr as Hidden
from pydantic_settings import BaseSettings


class SecretStrLike:
    def __init__(self, value: str) -> None:
        self.value = value


class Settings(BaseSettings):
    A_SECRET_KEY: SecretStr = SecretStr("hunter2secretvalue")  # BK104
    B_DB_PASSWORD: SecretStr = Field(default=SecretStr("hunter2secretvalue"))  # BK104
    C_API_KEY: SecretBytes = SecretBytes(b"hunter2secretbytes")  # BK104
    D_API_TOKEN: pydantic.SecretStr = pydantic.SecretStr("hunter2secretvalue")  # BK104
    E_SECRET: SecretStr = Hidden("hunter2secretvalue")  # BK104
    F_SECRET: str = os.getenv("F_SECRET", "realsecretvalue1")  # BK104
    G_SECRET: str = os.environ.get("G_SECRET", default="realsecretvalue2")  # BK104
    H_PRIVATE_KEY: str = \"\"\"-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn
-----END RSA PRIVATE KEY-----\"\"\"  # BK104
    OK_PASSWORD: SecretStr = SecretStr("changethis")
    OK_SECRET_KEY: SecretStr = Field(default=SecretStr(""))
    P_API_KEY: str = os.getenv("P_API_KEY", "changeme")  # BK104
    OK_TOKEN: str = os.getenv("OK_TOKEN")
    OK_KEY_NAME: str = os.getenv("X_API_KEY_NAME", "X-API-Key-Header")
    OK_PEM_KEY: str = "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----"
    OK_LIKE_SECRET: str = SecretStrLike("hunter2secretvalue")

    def model_post_init(self, context: object) -> None:
        if self.OK_PASSWORD.get_secret_value() == "changethis":
            raise ValueError("set OK_PASSWORD")


class Plain:
    K_SECRET = os.getenv("K_SECRET", "realsecretvalue3")  # BK104
"""

CONSTS = """\
import os

from pydantic import SecretStr

SECRET_KEY = os.getenv("SECRET_KEY", "realsecretvalue1")  # BK104
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\\nMIIabc"  # BK104
SIGNING_PEM = \"\"\"-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmU
-----END OPENSSH PRIVATE KEY-----\"\"\"  # BK104
API_TOKEN = SecretStr("abcdef123456789")  # BK104
DB_PASSWORD = os.getenv("PGPASS", "realsecretvalue4")  # BK104
PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A"
PRIVATE_KEY_HINT = "-----BEGIN RSA PRIVATE KEY-----\\n<your key here>\\n-----END"
EMPTY_TOKEN = SecretStr("")
"""


def _lines(text: str, marker: str) -> list[int]:
    """The first lines of the statements ending with ``marker`` (a string may span lines)."""
    lines = text.splitlines()
    ends = [n for n, line in enumerate(lines, 1) if line.endswith(marker)]
    return [next(m for m in range(n, 0, -1) if "=" in lines[m - 1]) for n in ends]


def test_wrapped_getenv_and_pem_secrets(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "app/config.py": CONFIG, "app/consts.py": CONSTS}
    root = write_project(tmp_path / "p", files, select=["BK104"])
    findings = analyze([root]).findings
    found = [(f.path, f.line) for f in findings]
    messages = " | ".join(f.message for f in findings)
    assert "the fallback of P_API_KEY defaults to the placeholder 'changeme'" in messages
    for what in ("settings field Settings.A_SECRET_KEY", "fallback of F_SECRET", "PGPASS"):
        assert f"the {what}" in messages or f"fallback of {what}" in messages
    expected = [("app/config.py", n) for n in _lines(CONFIG, "# BK104")]
    expected += [("app/consts.py", n) for n in _lines(CONSTS, "# BK104")]
    assert sorted(found) == sorted(expected)
