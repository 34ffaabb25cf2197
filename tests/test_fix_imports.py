"""BK107's unsafe fix leaves code ruff accepts (its ``I`` and ``F`` rules): ``import logging``
goes into the standard-library section of the import block where isort puts it (not after the
project's own imports: I001), and ``except Exception as e:`` loses ``as e`` once the fix has
removed the last use of ``e`` (F841). Each fixed file is checked by ruff itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from backendkit import analyze
from backendkit.commands import run_lint
from backendkit.fixes import fix_source
from helpers import write_project

ROUTE = """
app = FastAPI()


@app.get("/items/{x}")
def read_item(x: int) -> int:
    try:
        return compute(x)
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e))
"""

FASTAPI = "from fastapi import FastAPI, HTTPException\n"
SERVICE = "from app.service import compute\n"

#: import block before the fix -> import block after it, names it imports (besides the
#: route's own and logging) for a ``print(...)`` that uses them: F401 is not the fix's doing
LAYOUTS = {
    "first-party": (
        f"{FASTAPI}\n{SERVICE}",
        f"import logging\n\n{FASTAPI}\n{SERVICE}",
        "",
    ),
    "stdlib-around": (
        f"import json\nimport os\nfrom typing import Any\n\n{FASTAPI}\n{SERVICE}",
        f"import json\nimport logging\nimport os\nfrom typing import Any\n\n{FASTAPI}\n{SERVICE}",
        "Any, json, os",
    ),
    "stdlib-after": (
        f"import sys\n\n{FASTAPI}\n{SERVICE}",
        f"import logging\nimport sys\n\n{FASTAPI}\n{SERVICE}",
        "sys",
    ),
    "stdlib-from-only": (
        f"from typing import Any\n\n{FASTAPI}\n{SERVICE}",
        f"import logging\nfrom typing import Any\n\n{FASTAPI}\n{SERVICE}",
        "Any",
    ),
    "future": (
        f"from __future__ import annotations\n\n{FASTAPI}\n{SERVICE}",
        f"from __future__ import annotations\n\nimport logging\n\n{FASTAPI}\n{SERVICE}",
        "",
    ),
    "docstring-future-stdlib": (
        f'"""Items."""\n\nfrom __future__ import annotations\n\nimport os\n\n{FASTAPI}\n{SERVICE}',
        f'"""Items."""\n\nfrom __future__ import annotations\n\nimport logging\nimport os\n\n'
        f"{FASTAPI}\n{SERVICE}",
        "os",
    ),
    "header-comment": (
        f"# Items.\n{FASTAPI}\n{SERVICE}",
        f"# Items.\nimport logging\n\n{FASTAPI}\n{SERVICE}",
        "",
    ),
    "comment-in-section": (
        f"import asyncio\n\n# typing below\nimport typing\n\n{FASTAPI}\n{SERVICE}",
        f"import asyncio\nimport logging\n\n# typing below\nimport typing\n\n{FASTAPI}\n{SERVICE}",
        "asyncio, typing",
    ),
    "relative": (
        f"{FASTAPI}\nfrom .service import compute\n",
        f"import logging\n\n{FASTAPI}\nfrom .service import compute\n",
        "",
    ),
    "already-imported": (
        f"import logging\n\n{FASTAPI}\n{SERVICE}",
        f"import logging\n\n{FASTAPI}\n{SERVICE}",
        "",
    ),
    "submodule-imported": (
        f"import logging.config\n\n{FASTAPI}\n{SERVICE}",
        f"import logging.config\n\n{FASTAPI}\n{SERVICE}",
        "",
    ),
}


def _ruff() -> str | None:
    """The ruff executable next to this Python (the dev environment's), or on PATH."""
    beside = Path(sys.executable).with_name("ruff")
    return str(beside) if beside.exists() else shutil.which("ruff")


def _ruff_problems(path: Path) -> str:
    """What ``ruff check --select I,F`` reports for ``path`` (``""`` when clean), with
    ``app`` as the first-party package."""
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff is not installed")
    command = [ruff, "check", "--isolated", "--select", "I,F", "--output-format", "concise"]
    command += ["--config", "lint.isort.known-first-party = ['app']", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return "" if result.returncode == 0 else result.stdout


def _fixed(source: str) -> str:
    line = next(n for n, text in enumerate(source.splitlines(), 1) if "raise HTTP" in text)
    return fix_source(source, {"BK107": [line]})


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_logging_import_goes_where_isort_puts_it(layout: str, tmp_path: Path) -> None:
    """The import block after the fix is the one isort would write; ruff agrees."""
    before, after, used = LAYOUTS[layout]
    fixed = _fixed(before + ROUTE)
    assert fixed.startswith(after + "\napp = FastAPI()\n")
    assert "    except Exception:\n" in fixed
    assert 'logging.getLogger(__name__).exception("request failed")' in fixed
    path = tmp_path / "main.py"
    path.write_text(fixed + (f"\n\nprint({used})\n" if used else ""))
    assert _ruff_problems(path) == ""


@pytest.mark.parametrize(
    "use",
    [
        "raise HTTPException(status_code=500, detail=str(e)) from e",
        "print(e)\n        raise HTTPException(status_code=500, detail=str(e))",
    ],
    ids=["raise-from", "used-before"],
)
def test_a_name_still_used_is_kept(use: str) -> None:
    """``as e`` stays when the handler still reads ``e`` after the fix."""
    source = FASTAPI + ROUTE.replace("raise HTTPException(status_code=500, detail=str(e))", use)
    fixed = _fixed(source)
    assert "    except Exception as e:\n" in fixed
    assert 'detail="Internal server error"' in fixed


def test_other_handlers_are_left_alone() -> None:
    """Only the clause the fix rewrote loses its name; another one keeps ``as e``, even
    unused (that is not the fix's doing), and one whose attribute only shares the name does
    not count as a use."""
    other = "\n\ndef other() -> None:\n    try:\n        pass\n"
    other += "    except ValueError as e:\n        pass\n"
    attr = ROUTE.replace("raise HTTP", "print(x.e)\n        raise HTTP")
    fixed = _fixed(FASTAPI + attr + other)
    assert "    except Exception:\n        print(x.e)\n" in fixed
    assert "    except ValueError as e:\n" in fixed


def test_lint_unsafe_fix_leaves_a_ruff_clean_project(tmp_path: Path) -> None:
    """End to end: ``backendkit lint --fix --unsafe-fixes`` on a project whose route turns an
    exception into its detail; BK107 is gone and ruff's I and F rules pass on the file."""
    files = {
        "app/__init__.py": "",
        "app/service.py": "def compute(x: int) -> int:\n    return 1 // x\n",
        "app/main.py": LAYOUTS["first-party"][0] + ROUTE,
    }
    root = write_project(tmp_path / "p", files, select=["BK107"])
    assert [f.code for f in analyze([root]).findings] == ["BK107"]
    assert run_lint([root], "concise", ["BK107"], None, None, False, True, None, fix="unsafe") == 0
    main = root / "app" / "main.py"
    assert main.read_text().startswith(LAYOUTS["first-party"][1])
    assert analyze([root]).findings == []
    assert _ruff_problems(main) == ""
