"""Benchmark corpora: a FastAPI project generated from backendkit's template and scaled up, and
big real packages copied from an installed environment.

Usage::

    python bench/corpus.py fastapi DEST [--lines 100000]
    python bench/corpus.py packages DEST [--packages sqlalchemy pydantic]

``fastapi``: ``backendkit new DEST/... --defaults``, then the application's API routes,
services and models are copied ``N`` times into distinct packages ``app/d<i>/`` (imports
rewritten to the copy, every copy's router wired into ``app/main.py`` under ``/api/v1/d<i>``)
until the project has about ``--lines`` lines. Tests and migrations are left out, so every
tool sees exactly the application code.

``packages``: the source trees of installed packages (default: sqlalchemy and pydantic, found
through this interpreter's imports), without compiled extensions or caches.
Both write a ``pyproject.toml`` with a ``[tool.backendkit]`` table.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BACKENDKIT = str(Path(sys.executable).with_name("backendkit"))
COPIED = ("api/routes", "services", "models")  # per copy, under app/
REWRITE = re.compile(r"\bapp\.(api\.routes|services|models)\b")


def count_lines(root: Path) -> int:
    """Newlines in the ``.py`` files under ``root``."""
    return sum(p.read_bytes().count(b"\n") for p in root.rglob("*.py"))


def generate_app(dest: Path) -> None:
    """The template's project with default answers, without tests and migrations."""
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "service"
        subprocess.run(
            [BACKENDKIT, "new", str(project), "--defaults"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.copytree(project / "app", dest / "app")
        shutil.copy2(project / "pyproject.toml", dest / "pyproject.toml")


def copy_domain(app: Path, number: int) -> None:
    """``app/d<number>/``: a copy of the routes, services and models wired to each other."""
    package = app / f"d{number}"
    package.mkdir()
    (package / "__init__.py").write_text(f'"""Copy {number} of the API."""\n', encoding="utf-8")
    (package / "api").mkdir()
    (package / "api" / "__init__.py").write_text("", encoding="utf-8")
    for part in COPIED:
        for source in sorted((app / part).rglob("*.py")):
            target = package / part / source.relative_to(app / part)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text(encoding="utf-8")
            target.write_text(REWRITE.sub(rf"app.d{number}.\1", text), encoding="utf-8")
    router = (app / "api" / "router.py").read_text(encoding="utf-8")
    router = REWRITE.sub(rf"app.d{number}.\1", router).replace('"/api/v1"', f'"/api/v1/d{number}"')
    (package / "api" / "router.py").write_text(router, encoding="utf-8")


def wire(app: Path, count: int) -> None:
    """Include every copy's router in ``create_app``."""
    main = app / "main.py"
    text = main.read_text(encoding="utf-8")
    imports = "".join(
        f"from app.d{i}.api.router import api_router as d{i}_router\n" for i in range(count)
    )
    includes = "".join(f"    app.include_router(d{i}_router)\n" for i in range(count))
    text = text.replace(
        "from app.api.router import api_router\n",
        "from app.api.router import api_router\n" + imports,
    )
    text = text.replace(
        "    app.include_router(api_router)\n", "    app.include_router(api_router)\n" + includes
    )
    main.write_text(text, encoding="utf-8")


def fastapi_corpus(dest: Path, lines: int) -> Path:
    """The scaled-up template project at ``dest`` (rebuilt from scratch)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    generate_app(dest)
    app = dest / "app"
    base = count_lines(app)
    per_copy = sum(count_lines(app / part) for part in COPIED) + 20
    count = max((lines - base) // per_copy, 0)
    for number in range(count):
        copy_domain(app, number)
    wire(app, count)
    return dest


def packages_corpus(dest: Path, packages: list[str]) -> Path:
    """The installed source trees of ``packages`` at ``dest`` (rebuilt from scratch)."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for name in packages:
        module = importlib.import_module(name)
        source = Path(module.__file__ or "").parent
        shutil.copytree(
            source, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd")
        )
    (dest / "pyproject.toml").write_text(
        '[project]\nname = "corpus"\nversion = "0"\n\n[tool.backendkit]\n', encoding="utf-8"
    )
    return dest


def main(argv: list[str]) -> int:
    """Build one corpus and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["fastapi", "packages"])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--packages", nargs="+", default=["sqlalchemy", "pydantic"])
    args = parser.parse_args(argv)
    if args.kind == "fastapi":
        root = fastapi_corpus(args.dest, args.lines)
    else:
        root = packages_corpus(args.dest, args.packages)
    files = list(root.rglob("*.py"))
    print(f"{root}: {len(files)} files, {count_lines(root):,} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
