"""BK501 and imports under a module's ``if __name__ == "__main__":`` (prefect's engine), which
run only when the module is run as a script: no import cycle. A review's holes: only that test
counts (``!=``, ``not ==`` and another module name import on import), its ``else`` runs on
import, and the one-line form is a guard too."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

BACK = "from app.{name} import handle\n\n\ndef run() -> None:\n    handle()\n"


def _engine(guard: str) -> str:
    return f"def handle() -> None:\n    pass\n\n\n{guard}\n"


CASES = {
    "a": 'if __name__ == "__main__":\n    from app.fa import run\n\n    run()',
    "b": "if '__main__' == __name__: from app.fb import run",
    "c": 'if __name__ != "__main__":\n    from app.fc import run',
    "d": 'if not __name__ == "__main__":\n    from app.fd import run',
    "e": 'if __name__ == "app.e":\n    from app.fe import run',
    "f": 'if __name__ == "__main__":\n    pass\nelse:\n    from app.ff import run',
}


def test_only_the_main_guard_s_body_is_deferred(tmp_path: Path) -> None:
    files = {"app/__init__.py": ""}
    for name, guard in CASES.items():
        files[f"app/{name}.py"] = _engine(guard)
        files[f"app/f{name}.py"] = BACK.format(name=name)
    root = write_project(tmp_path / "p", files, select=["BK501"])
    cycles = sorted(f.path for f in analyze([root], use_cache=False).findings)
    assert cycles == ["app/c.py", "app/d.py", "app/e.py", "app/f.py"]
