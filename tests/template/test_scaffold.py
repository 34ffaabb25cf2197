"""``backendkit.scaffold``: answer parsing, template discovery and ``new_project``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backendkit.scaffold import new_project, parse_data_pairs, template_root


def test_parse_data_pairs_reads_yaml_values() -> None:
    parsed = parse_data_pairs(
        [
            "mcp=false",
            "python_version=3.12",
            "project_name=My Shop",
            'cors_origins=["http://a.io"]',
            "description=",
        ]
    )
    assert parsed == {
        "mcp": False,
        "python_version": "3.12",
        "project_name": "My Shop",
        "cors_origins": ["http://a.io"],
        "description": "",
    }


@pytest.mark.parametrize("pair", ["noequals", "=value", "two words=x", "k=[unclosed"])
def test_parse_data_pairs_rejects_bad_pairs(pair: str) -> None:
    with pytest.raises(ValueError, match="bad --data") as excinfo:
        parse_data_pairs([pair])
    assert "\n" not in str(excinfo.value)


def test_template_root_finds_the_template() -> None:
    root = template_root()
    assert (root / "copier.yml").is_file()
    assert (root / "copier-template").is_dir()


def test_new_project_renders(template_repo: Path, tmp_path: Path) -> None:
    dest = new_project(
        tmp_path / "svc",
        data={"project_name": "Svc", "docker": False},
        defaults=True,
        template=template_repo,
    )
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_slug"] == "svc"
    assert not (dest / "Dockerfile").exists()
    assert (dest / "app" / "main.py").is_file()


def test_new_project_refuses_non_empty_destination(template_repo: Path, tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        new_project(tmp_path / "taken", defaults=True, template=template_repo)


@pytest.mark.slow
def test_wheel_ships_the_template(tmp_path: Path) -> None:
    """The built wheel carries copier.yml + copier-template under backendkit/_data/template."""
    import subprocess
    import sys
    import zipfile

    from tplkit import REPO_ROOT

    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), "."],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next(tmp_path.glob("backendkit-*.whl"))
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = (
        "from backendkit.scaffold import new_project, template_root;"
        "import sys; print(template_root());"
        "new_project(sys.argv[1], defaults=True, data={'project_name': 'From Wheel'})"
    )
    dest = tmp_path / "from-wheel"
    result = subprocess.run(
        [sys.executable, "-c", script, str(dest)],
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert str(site) in result.stdout
    assert (dest / "app" / "main.py").is_file()
    assert (dest / "app" / "mcp_server.py").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "nonsense_key=1"], "the template has no question 'nonsense_key'"),
        (["--data", "project_name="], "project_name must not be empty"),
        ([], "exists and is not empty"),
    ],
)
def test_new_reports_user_errors_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    """Unknown questions, answers the template refuses and a used destination are usage
    errors (exit 2, one line), not internal errors."""
    import subprocess
    import sys

    dest = tmp_path / "dest"
    if not args:
        dest.mkdir()
        (dest / "keep.txt").write_text("x")
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "new", str(dest), "--defaults", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("backendkit:")]
    assert len(errors) == 1, result.stderr
    assert message in errors[0]
    assert "Traceback" not in result.stderr
    assert not args or not dest.exists() or not any(dest.iterdir())


def test_new_without_a_terminal_asks_for_defaults(tmp_path: Path) -> None:
    """With standard input not a terminal the questions cannot be asked: one line saying to
    pass --defaults (copier's own message named --defaults even when --data was given), and
    none of copier's notes about the template's tags."""
    import subprocess
    import sys

    dest = tmp_path / "dest"
    result = subprocess.run(
        [sys.executable, "-m", "backendkit", "new", str(dest), "--data", "project_name=x"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "backendkit: error: the template's questions need a terminal and standard input is "
        "not one: pass --defaults, with --data KEY=VALUE for each answer you choose\n"
    )
    assert not dest.exists()
