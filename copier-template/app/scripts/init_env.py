"""First-run helper: create a local ``.env`` from ``.env.example`` with random secrets.

Every ``NAME=change-me`` placeholder (SECRET_KEY, ...) gets its own random value.
Usage: ``python -m app.scripts.init_env [--force] [--path .env]``. Never commit ``.env``.
"""

import argparse
import secrets
from pathlib import Path

PLACEHOLDER = "change-me"


def _fill(line: str) -> str:
    """Replace a ``NAME=change-me`` placeholder with a fresh random value."""
    name, sep, value = line.partition("=")
    if sep and value.strip() == PLACEHOLDER and not name.lstrip().startswith("#"):
        return f"{name}={secrets.token_urlsafe(48)}"
    return line


def render_env(example: str) -> str:
    """Return ``example`` with every placeholder filled; SECRET_KEY is always set."""
    lines = [_fill(line) for line in example.splitlines()]
    if not any(line.startswith("SECRET_KEY=") for line in lines):
        lines.append(f"SECRET_KEY={secrets.token_urlsafe(48)}")
    return "\n".join(lines) + "\n"


def write_env(target: Path, example: Path, *, force: bool = False) -> bool:
    """Write ``target`` from ``example``; returns False if it exists and ``force`` is off."""
    if target.exists() and not force:
        return False
    template = example.read_text(encoding="utf-8") if example.exists() else ""
    target.write_text(render_env(template), encoding="utf-8")
    target.chmod(0o600)
    return True


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", type=Path, default=Path(".env"))
    parser.add_argument("--example", type=Path, default=Path(".env.example"))
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    args = parser.parse_args(argv)
    if write_env(args.path, args.example, force=args.force):
        print(f"wrote {args.path} with fresh random secrets")
        return 0
    print(f"{args.path} exists; use --force to replace it")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
