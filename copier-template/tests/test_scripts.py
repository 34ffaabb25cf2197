"""The first-run ``init_env`` helper and the ``create_admin`` script."""

from pathlib import Path

import pytest

from app.models import Role
from app.scripts import create_admin, init_env
from tests.conftest import PASSWORD, get_user


def test_init_env_writes_random_secret(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text(
        "ENVIRONMENT=development\nSECRET_KEY=change-me\nOTHER=change-me\n# X=change-me\n",
        encoding="utf-8",
    )
    target = tmp_path / ".env"
    assert init_env.main(["--path", str(target), "--example", str(example)]) == 0
    content = target.read_text(encoding="utf-8")
    assert content.count("change-me") == 1  # only the commented-out line keeps it
    secret = next(line for line in content.splitlines() if line.startswith("SECRET_KEY="))
    assert len(secret) > 50
    assert target.stat().st_mode & 0o777 == 0o600
    assert init_env.main(["--path", str(target), "--example", str(example)]) == 1
    assert init_env.main(["--path", str(target), "--example", str(example), "--force"]) == 0
    assert target.read_text(encoding="utf-8") != content


def test_init_env_without_example(tmp_path: Path) -> None:
    assert init_env.write_env(tmp_path / ".env", tmp_path / "missing")
    assert (tmp_path / ".env").read_text(encoding="utf-8").startswith("SECRET_KEY=")


@pytest.mark.anyio
async def test_create_admin_creates_then_promotes(db: None) -> None:
    assert await create_admin.ensure_admin("root@example.com", PASSWORD) == "created"
    assert (await get_user("root@example.com")).role == Role.ADMIN
    assert await create_admin.ensure_admin("root@example.com", PASSWORD) == "promoted"


def test_create_admin_main(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    async def fake(email: str, password: str) -> str:
        calls.append(email)
        return "created"

    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setattr(create_admin, "ensure_admin", fake)
    assert create_admin.main(["boss@example.com"]) == 0
    assert calls == ["boss@example.com"]
