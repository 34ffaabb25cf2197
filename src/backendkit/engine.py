"""``analyze``: the Python API the CLI is a thin layer over. No printing, no exits."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from backendkit.cache import Cache, cache_path
from backendkit.catalogue import RuleInfo, load_catalogue
from backendkit.config import FAIL_ON, Config, find_project_root, load_config
from backendkit.discovery import (
    discover,
    existing_paths,
    module_name,
    not_python,
    root_package,
    select_reported,
)
from backendkit.filetask import FileTask
from backendkit.findings import Finding
from backendkit.incremental import PassResult, Settings, project_pass
from backendkit.result import AnalysisResult, Route
from backendkit.snapshot import RuleReuse, run_key
from backendkit.summary.model import ModuleSummary
from backendkit.suppress import filter_findings
from backendkit.workspace import nested_roots, split_targets

# Parsing, the project pass and the rules are imported where they are used: a warm run whose
# files did not change needs none of them (libcst, networkx and the rules take ~0.25 s to import).
if TYPE_CHECKING:
    from backendkit.project.appmodel import AppModel
    from backendkit.project.deps import DependencyResolver
    from backendkit.project.index import ProjectIndex
    from backendkit.project.routes import PublicPolicy
    from backendkit.rules import FileRule, ProjectRule, Rule
    from backendkit.runner import Progress

    #: the index and the dependency resolver (``index_project``)
    Indexed = tuple[ProjectIndex, DependencyResolver]

ALWAYS_ON = frozenset({"BK001", "BK002", "BK005"})


@dataclass
class Project:
    """The linked project: summaries, index, app model and routes of one analysis."""

    root: Path
    config: Config
    summaries: list[ModuleSummary]
    index: ProjectIndex
    model: AppModel
    resolver: DependencyResolver
    routes: list[Route]


def make_rules(config: Config, catalogue: dict[str, RuleInfo], codes: Iterable[str]) -> list[Rule]:
    """Instantiate the rules with ``codes``, each with the options of its section."""
    from backendkit.rules import RULES

    rules: list[Rule] = []
    for code in sorted(codes):
        info, cls = catalogue.get(code), RULES.get(code)
        if info is None or cls is None:
            continue
        options = config.options.get(info.options_section or "", {})
        rules.append(cls(info, options))
    return rules


def public_policy(config: Config) -> PublicPolicy:
    """The public-route conventions from the ``auth`` options."""
    from backendkit.project.routes import PublicPolicy

    auth = config.options.get("auth", {})

    def strings(key: str) -> tuple[str, ...]:
        value = auth.get(key, [])
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    return PublicPolicy(
        paths=strings("public-paths") + strings("extend-public-paths"),
        handlers=strings("public-handlers") + strings("extend-public-handlers"),
        conventions=bool(auth.get("conventions", True)),
    )


def build_project(
    root: Path,
    config: Config,
    file_rules: Sequence[FileRule] = (),
    *,
    use_cache: bool = True,
    workers: int | None = None,
) -> tuple[Project, list[Path]]:
    """Discover, summarise and link every file of the project.

    With ``use_cache`` the per-file results are read from and saved to the project's cache
    directory (``cache-dir``); ``workers`` overrides the number of processes of a cold run.
    """
    from backendkit.runner import summarize_all

    files = discover(root, config)
    summaries = summarize_all(
        file_tasks(root, files),
        file_rules,
        Cache(cache_path(root, config.cache_dir), file_rules) if use_cache else None,
        workers,
    )
    return link_project(root, config, summaries), files


def configured_file_rules(config: Config) -> list[FileRule]:
    """The file rules a plain ``backendkit lint`` of the project runs: a command that needs
    only the summaries (``graph``) builds them with these rules, so it shares lint's per-file
    cache entries (their key covers the file rules) instead of parsing every file again."""
    catalogue = load_catalogue()
    enabled = config.enabled_codes(catalogue) | ALWAYS_ON
    return split_rules(make_rules(config, catalogue, enabled))[0]


def index_project(config: Config, summaries: list[ModuleSummary]) -> Indexed:
    """The index of the summaries and the dependency resolver: what every project rule reads,
    built before the app model."""
    from backendkit.project.deps import DependencyResolver
    from backendkit.project.index import ProjectIndex

    index = ProjectIndex(summaries)
    auth_names = config.options.get("auth", {}).get("auth-dependencies", [])
    return index, DependencyResolver(index, auth_names)  # type: ignore[arg-type]


def link_project(
    root: Path, config: Config, summaries: list[ModuleSummary], indexed: Indexed | None = None
) -> Project:
    """Index the summaries (unless ``indexed`` by ``index_project``), model the application
    and build its routes.

    A failure of the app model becomes a BK002 finding on an extra, unparsed summary."""
    from backendkit.findings import internal_error
    from backendkit.project.appmodel import AppModel
    from backendkit.project.index import ProjectIndex
    from backendkit.project.routes import RouteBuilder

    index, resolver = indexed or index_project(config, summaries)
    try:
        model = AppModel(index)
        routes = RouteBuilder(model, resolver, public_policy(config)).build()
    except Exception as error:  # a bug in the app model must not hide the file findings
        model, routes = AppModel(ProjectIndex(())), []
        failure = internal_error("the app model", config_path(root, config), error)
        holder = ModuleSummary(failure.path, "", False, 0, findings=[failure], parsed=False)
        summaries.append(holder)
    return Project(root, config, summaries, index, model, resolver, routes)


def file_tasks(root: Path, files: Iterable[Path]) -> list[FileTask]:
    """The per-file tasks of the discovered ``files`` (the root's package looked up once)."""
    package = root_package(root)
    return [file_task(root, path, package) for path in files]


def file_task(root: Path, path: Path, package: tuple[str, ...] | None = None) -> FileTask:
    """The per-file task of one discovered file (``package``: see ``module_name``)."""
    module, is_package = module_name(root, path, package)
    return FileTask(str(path), _relative_path(root, path), module, is_package)


def _relative_path(root: Path, path: Path) -> str:
    """``path`` relative to ``root``, in posix form (string operations for the common case)."""
    top, name = str(root).rstrip(os.sep) + os.sep, str(path)
    if name.startswith(top):
        rel = name[len(top) :]
        return rel if os.sep == "/" else rel.replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def analyze(
    paths: Sequence[str | Path] = (),
    *,
    config_file: str | Path | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    use_cache: bool = True,
    workers: int | None = None,
    progress: Progress | None = None,
) -> AnalysisResult:
    """Analyse the project(s) containing ``paths``; return routes and filtered findings.

    Each project (the nearest directory upwards with a ``pyproject.toml``, else the topmost
    package holding the paths: ``find_project_root``) is always analysed whole; findings
    are reported only for the files under ``paths`` (all files when none is given). Paths
    of several projects (a monorepo's pre-commit run) give one merged result whose paths
    are relative to the projects' common directory.
    Results are cached in each project's ``cache-dir`` unless ``use_cache`` is False.
    ``workers`` is the number of processes of the per-file pass (default: one per CPU; 1: this
    process only); ``progress`` is told how the per-file pass advances.
    Raises ``ConfigError`` for a bad configuration and ``FileNotFoundError`` for a missing path.
    """
    was_enabled = gc.isenabled()
    gc.disable()  # the cyclic collector rescans the large, long-lived summaries: ~3x slower
    try:
        options = {
            "config_file": Path(config_file) if config_file else None,
            "select": select,
            "ignore": ignore,
            "extend_select": extend_select,
            "use_cache": use_cache,
            "workers": workers,
            "progress": progress,
        }
        return _analyze_paths(paths, options)
    finally:
        if was_enabled:
            gc.enable()


def _analyze_paths(paths: Sequence[str | Path], options: dict[str, object]) -> AnalysisResult:
    results: list[AnalysisResult] = []
    for root, targets in _group_by_root(existing_paths(paths)).items():
        results += _analyze_tree(root, targets, options)
    results[0].notes += not_python(paths)
    if len(results) == 1:
        return results[0]
    base = Path(os.path.commonpath([str(r.root) for r in results]))
    merged = AnalysisResult(root=base)
    for result in results:
        _merge(merged, result, result.root.relative_to(base).as_posix())
    merged.findings.sort(key=Finding.sort_key)
    thresholds = [r.fail_on for r in results]  # the lowest: info, unless every project raises it
    merged.fail_on = None if None in thresholds else max(thresholds, key=FAIL_ON.index)
    return merged


def _analyze_tree(
    root: Path, targets: Sequence[Path], options: dict[str, object]
) -> list[AnalysisResult]:
    """The project at ``root`` and, separately, each project nested inside it."""
    config = load_config(root, load_catalogue(), config_file=options["config_file"])  # type: ignore[arg-type]
    files = discover(root, config)
    nested = nested_roots(root, files)
    if not nested:
        return [analyze_project(root, targets, files=files, **options)]  # type: ignore[arg-type]
    own, per_project = split_targets(root, nested, targets)
    results: list[AnalysisResult] = []
    if own is not None:
        excluded = tuple(n.relative_to(root).as_posix() + "/" for n in nested)
        results.append(analyze_project(root, own, excluded_dirs=excluded, **options))  # type: ignore[arg-type]
    for project_root, project_targets in per_project.items():
        results += _analyze_tree(project_root, project_targets, options)
    return results


def analyze_project(
    root: Path,
    targets: Sequence[Path],
    *,
    config_file: Path | None,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    extend_select: Sequence[str] | None,
    use_cache: bool = True,
    excluded_dirs: Sequence[str] = (),
    files: Sequence[Path] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> AnalysisResult:
    """Analyse the project at ``root``, reporting on ``targets`` (all files when empty);
    ``excluded_dirs`` (relative, ending in "/") belong to projects nested inside it; ``files``
    are its discovered files when the caller already has them."""
    return _run_project(
        root,
        targets,
        config_file=config_file,
        select=select,
        ignore=ignore,
        extend_select=extend_select,
        use_cache=use_cache,
        excluded_dirs=excluded_dirs,
        files=files,
        workers=workers,
        progress=progress,
    )[0]


def _run_project(
    root: Path,
    targets: Sequence[Path],
    *,
    config_file: Path | None,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
    extend_select: Sequence[str] | None,
    use_cache: bool = True,
    excluded_dirs: Sequence[str] = (),
    files: Sequence[Path] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> tuple[AnalysisResult, _LazyRules]:
    """``analyze_project``, with the rules object that holds the linked project when the
    project pass ran (not when the snapshot served the run)."""
    catalogue = load_catalogue()
    config = load_config(
        root,
        catalogue,
        config_file=config_file,
        select=select,
        ignore=ignore,
        extend_select=extend_select,
    )
    config.extend_exclude = (*config.extend_exclude, *excluded_dirs)
    enabled = config.enabled_codes(catalogue) | ALWAYS_ON
    files = list(files) if files is not None else discover(root, config)
    rules = _LazyRules(root, config, catalogue, enabled, len(files), workers)
    reported = _relative(root, select_reported(root, targets, files))
    settings = Settings(
        cache_path(root, config.cache_dir) if use_cache else None,
        run_key(config, catalogue, enabled),
        rules.file_rules,
        workers,
        progress,
        None if reported is None else frozenset(reported),
    )
    done = project_pass(file_tasks(root, files), settings, rules.link)
    return _result(root, config, enabled, files, reported, done), rules


def analyze_linked(
    root: Path,
    targets: Sequence[Path],
    *,
    config_file: Path | None = None,
    use_cache: bool = True,
) -> tuple[AnalysisResult, Project]:
    """``analyze_project`` that also returns the linked ``Project`` (index, app model) of the
    same files, for ``backendkit report`` and other callers that need the graphs too. When the
    run reused the last run's results, the project is linked from the cached summaries."""
    result, rules = _run_project(
        root,
        targets,
        config_file=config_file,
        select=None,
        ignore=None,
        extend_select=None,
        use_cache=use_cache,
    )
    project = rules.project
    if project is None:  # the snapshot served the run: link the cached summaries
        project, _ = build_project(root, rules.config, rules.file_rules(), use_cache=use_cache)
    return result, project


def _result(
    root: Path,
    config: Config,
    enabled: frozenset[str],
    files: list[Path],
    reported: set[str] | None,
    done: PassResult,
) -> AnalysisResult:
    """The filtered result of one project's passes, reporting on the files ``reported``
    (relative paths; None: all)."""
    findings = [f for r in done.records for f in r.findings] + done.project_findings
    return AnalysisResult(
        root=root,
        files=sorted(_relative(root, set(files)) or ()),
        findings=filter_findings(findings, config, done.records, enabled, reported),
        routes=list(done.routes),
        notes=sorted(n for r in done.records for n in r.notes),
        unparsed=sorted(r.path for r in done.records if not r.parsed and r.task.module),
        codes=set(enabled),
        fail_on=config.fail_on,
    )


class _LazyRules:
    """The rules of one project, made only when a file or the project pass needs them."""

    def __init__(
        self,
        root: Path,
        config: Config,
        catalogue: dict[str, RuleInfo],
        enabled: frozenset[str],
        file_count: int,
        workers: int | None = None,
    ) -> None:
        self.root, self.config, self.catalogue = root, config, catalogue
        self.enabled, self.file_count, self.workers = enabled, file_count, workers
        self.rules: list[Rule] | None = None
        self.project: Project | None = None  # set when the project pass links the project

    def split(self) -> tuple[list[FileRule], list[ProjectRule]]:
        """File rules and project rules."""
        if self.rules is None:
            self.rules = make_rules(self.config, self.catalogue, self.enabled)
        return split_rules(self.rules)

    def file_rules(self) -> list[FileRule]:
        """The rules of the per-file pass."""
        return self.split()[0]

    def link(
        self,
        summaries: list[ModuleSummary],
        focus: frozenset[str] | None = None,
        reuse: RuleReuse | None = None,
    ) -> tuple[list[Finding], list[Route]]:
        """The project pass: app-model failures and project-rule findings (those of the
        files in ``focus`` at least; None: all; the last run's where ``reuse`` allows), and
        the routes."""
        from backendkit.pipeline import linked_findings

        project, found = linked_findings(
            self.root, self.config, summaries, self.split()[1], self.workers, focus, reuse
        )
        self.project = project
        extra = [f for s in project.summaries[self.file_count :] for f in s.findings]
        return extra + found, project.routes


def _group_by_root(targets: list[Path]) -> dict[Path, list[Path]]:
    if not targets:
        return {find_project_root([]).resolve(): []}
    groups: dict[Path, list[Path]] = {}
    for target in targets:
        groups.setdefault(find_project_root([target]).resolve(), []).append(target)
    return groups


def _merge(merged: AnalysisResult, result: AnalysisResult, prefix: str) -> None:
    def under(path: str) -> str:
        return f"{prefix}/{path}" if prefix not in ("", ".") else path

    merged.files += [under(p) for p in result.files]
    merged.findings += [
        replace(f, path=under(f.path), related=tuple(map(under, f.related)))
        for f in result.findings
    ]
    merged.routes += [
        replace(r, file=under(r.file), sources=tuple(map(under, r.sources))) for r in result.routes
    ]
    merged.notes += [f"{prefix}: {note}" for note in result.notes]
    merged.unparsed += [under(p) for p in result.unparsed]
    merged.codes |= result.codes


def split_rules(rules: Sequence[Rule]) -> tuple[list[FileRule], list[ProjectRule]]:
    """File rules (per-file pass) and project rules (project pass)."""
    from backendkit.rules import FileRule, ProjectRule

    file_rules = [r for r in rules if isinstance(r, FileRule)]
    return file_rules, [r for r in rules if isinstance(r, ProjectRule)]


def _relative(root: Path, files: set[Path] | None) -> set[str] | None:
    return None if files is None else {_relative_path(root, p) for p in files}


def config_path(root: Path, config: Config) -> str:
    """Where project-wide internal errors are reported: the configuration file."""
    source = config.source or root / "pyproject.toml"
    try:
        return source.resolve().relative_to(root).as_posix()
    except ValueError:
        return source.as_posix()
