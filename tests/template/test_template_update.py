"""``copier update`` brings template changes into an existing, committed project."""

from __future__ import annotations

from pathlib import Path

import copier
import pytest
import yaml
from tplkit import VenvCache, commit_all, explain, git, make_template_repo, render, run

pytestmark = pytest.mark.slow
MARKER = "Template v2 change: see CHANGELOG."


def test_copier_update_applies_template_changes(
    tmp_path: Path, venvs: VenvCache, projects: dict[str, Path]
) -> None:
    template = make_template_repo(tmp_path / "template", tag="v1")
    project = render(template, tmp_path / "project", {}, vcs_ref="v1")
    git(project, "init", "-q")
    commit_all(project, "generated from v1")
    # A local edit the update must keep.
    app_readme = project / "README.md"
    app_readme.write_text(app_readme.read_text(encoding="utf-8") + "\nLocal notes.\n", "utf-8")
    commit_all(project, "local edit")

    readme = template / "copier-template" / "README.md.jinja"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{MARKER}\n", encoding="utf-8")
    (template / "copier-template" / "CHANGELOG.md").write_text("# Changelog\n", encoding="utf-8")
    commit_all(template, "v2", tag="v2")

    copier.run_update(project, defaults=True, overwrite=True, unsafe=True, quiet=True)

    content = app_readme.read_text(encoding="utf-8")
    assert MARKER in content
    assert "Local notes." in content
    assert (project / "CHANGELOG.md").is_file()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["_commit"] == "v2"

    python = venvs.python_for(project)
    assert python == venvs.python_for(projects["default"])  # same answers, same venv
    result = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert result.returncode == 0, explain(result)
