"""File discovery: which ``*.py`` files make up the project, and which of them are reported.

Decisions:

* Only ``*.py`` files are collected (no ``.pyi``).
* ``.gitignore`` files (the root's and nested ones) and ``.git/info/exclude`` are honoured with
  git's semantics (deeper files win, ``!`` re-includes, an excluded directory is never entered)
  whenever ``respect-gitignore`` is on, whether or not the tree is a git checkout. ``.gitignore``
  files above the project root are not read.
* ``exclude`` (:data:`DEFAULT_EXCLUDES` unless the configuration replaces them) and
  ``extend-exclude`` are gitignore-style patterns relative to the root.
* Symlinked directories are never followed: no loops, no escaping the root, no module found
  twice. Symlinked ``.py`` files are collected when they point at an existing file.
* An explicitly passed file that is excluded stays excluded (like ruff's ``force-exclude``), so
  pre-commit hooks and editors passing single files get the same answer as a full run.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from pathspec import GitIgnoreSpec

from backendkit.config import CONFIG_FILES, DEFAULT_EXCLUDES, Config

__all__ = [
    "DEFAULT_EXCLUDES",
    "discover",
    "exclude_spec",
    "module_name",
    "not_python",
    "root_package",
    "select_reported",
]

# A gitignore spec together with the directory (relative to the root, "" for the root) it governs.
_Layer = tuple[str, GitIgnoreSpec]


def exclude_spec(config: Config) -> GitIgnoreSpec:
    """The compiled ``exclude`` + ``extend-exclude`` patterns of ``config``."""
    return GitIgnoreSpec.from_lines([*config.exclude, *config.extend_exclude])


def discover(root: Path, config: Config) -> list[Path]:
    """Every ``*.py`` file under ``root`` that is not excluded, sorted."""
    root = _existing(root).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"project root is not a directory: {root}")
    walker = _Walker(root, _Excludes(exclude_spec(config)), config.respect_gitignore)
    walker.walk()
    # in the order of sorted paths (part by part), without making Paths to compare
    return [root / rel for rel in sorted(walker.found, key=lambda rel: rel.split("/"))]


class _Excludes:
    """The ``exclude`` patterns as one test: when none re-includes (``!``), a path is
    excluded exactly when some pattern matches it, so their regular expressions are searched
    as one alternation, one ``re`` call per path instead of one per pattern (most of the
    discovery of 2,400 files); otherwise, or when a pattern has no regular expression, the
    spec answers itself."""

    def __init__(self, spec: GitIgnoreSpec) -> None:
        self.spec = spec
        self.any = _alternation(spec)

    def match_file(self, rel: str) -> bool:
        """Whether the patterns exclude the path ``rel`` (relative, ``/``-separated)."""
        if self.any is None:
            return self.spec.match_file(rel)
        return self.any.search(rel) is not None


def _alternation(spec: GitIgnoreSpec) -> re.Pattern[str] | None:
    """One regular expression matching where any of the spec's patterns does, or None when
    that is not its answer (a ``!`` pattern, a pattern without a regex, mixed flags)."""
    regexes = _plain_regexes(spec)
    if not regexes:
        return None
    # each pattern names its directory-mark group alike: unnamed, they can be alternatives
    parts = [_GROUP_NAME.sub("(?:", regex.pattern) for regex in regexes]
    try:
        return re.compile("|".join(f"(?:{part})" for part in parts), regexes[0].flags)
    except re.error:
        return None


def _plain_regexes(spec: GitIgnoreSpec) -> list[re.Pattern[str]]:
    """The spec's regular expressions when it has no ``!`` pattern and they are all string
    patterns with the same flags; else none."""
    if any(pattern.include is False for pattern in spec.patterns):
        return []
    regexes = [pattern.regex for pattern in spec.patterns if pattern.include is not None]
    if not all(
        isinstance(regex, re.Pattern) and isinstance(regex.pattern, str) for regex in regexes
    ):
        return []
    return regexes if len({regex.flags for regex in regexes}) == 1 else []


_GROUP_NAME = re.compile(r"\(\?P<\w+>")


class _Walker:
    """An iterative ``os.scandir`` walk that prunes excluded directories before entering them."""

    def __init__(self, root: Path, excludes: _Excludes, gitignore: bool) -> None:
        self.root = root
        self.excludes = excludes
        self.gitignore = gitignore
        self.found: list[str] = []  # relative paths

    def walk(self) -> None:
        """Collect into :attr:`found`."""
        layers: tuple[_Layer, ...] = self._info_exclude() if self.gitignore else ()
        stack: list[tuple[str, tuple[_Layer, ...]]] = [("", layers)]
        while stack:
            rel_dir, layers = stack.pop()
            directory = os.path.join(self.root, rel_dir) if rel_dir else str(self.root)
            entries = _scan(directory)
            layers = self._with_gitignore(directory, rel_dir, layers, entries)
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if entry.is_dir(follow_symlinks=False):
                    if not self._excluded(rel + "/", layers):
                        stack.append((rel, layers))
                elif self._wanted(entry, rel, layers):
                    self.found.append(rel)

    def _wanted(self, entry: os.DirEntry[str], rel: str, layers: tuple[_Layer, ...]) -> bool:
        return entry.name.endswith(".py") and entry.is_file() and not self._excluded(rel, layers)

    def _excluded(self, rel: str, layers: tuple[_Layer, ...]) -> bool:
        if self.excludes.match_file(rel):
            return True
        for base, spec in reversed(layers):  # the deepest .gitignore has the last word
            result = spec.check_file(rel[len(base) + 1 :] if base else rel)
            if result.include is not None:
                return result.include
        return False

    def _info_exclude(self) -> tuple[_Layer, ...]:
        spec = _read_spec(self.root / ".git" / "info" / "exclude")
        return (("", spec),) if spec is not None else ()

    def _with_gitignore(
        self,
        directory: str,
        rel_dir: str,
        layers: tuple[_Layer, ...],
        entries: list[os.DirEntry[str]],
    ) -> tuple[_Layer, ...]:
        """``layers`` and the directory's own ``.gitignore`` (read only when it has one)."""
        if not self.gitignore or not any(entry.name == ".gitignore" for entry in entries):
            return layers
        spec = _read_spec(Path(directory) / ".gitignore")
        return layers if spec is None else (*layers, (rel_dir, spec))


#: the unreadable directories this process has warned about
_WARNED: set[str] = set()


def _scan(directory: str) -> list[os.DirEntry[str]]:
    """The entries of ``directory``: none when it vanished meanwhile, or when it may not be
    read, which a warning on stderr says (its files are not analysed)."""
    try:
        with os.scandir(directory) as entries:
            return list(entries)
    except PermissionError as error:
        if directory not in _WARNED:  # once per run, also when ``--fix`` analyses again
            _WARNED.add(directory)
            shown = os.path.relpath(directory) if directory.startswith(os.getcwd()) else directory
            reason = error.strerror or str(error)
            sys.stderr.write(f"backendkit: warning: cannot read directory {shown}: {reason}\n")
        return []
    except OSError:  # vanished (another process removed it)
        return []


def _read_spec(path: Path) -> GitIgnoreSpec | None:
    """The compiled ignore file at ``path``; invalid lines are skipped like git does."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    valid: list[str] = []
    for line in lines:
        try:
            GitIgnoreSpec.from_lines([line])
        except ValueError:
            continue
        valid.append(line)
    return GitIgnoreSpec.from_lines(valid)


def _existing(path: Path) -> Path:
    """``path`` made absolute (symlinks of the directory part resolved), or FileNotFoundError."""
    if not os.path.lexists(path):
        raise FileNotFoundError(f"No such file or directory: {path}")
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name if absolute.name else absolute.resolve()


def existing_paths(paths: Sequence[str | Path]) -> list[Path]:
    """``paths`` as ``Path`` objects; FileNotFoundError for one that does not exist, a
    ValueError for one under a directory that may not be searched (no traceback)."""
    targets = [Path(p) for p in paths]
    for target in targets:
        try:
            found = target.exists()
        except OSError as error:
            raise ValueError(f"cannot access {target}: {error.strerror or error}") from None
        if not found:
            raise FileNotFoundError(f"no such file or directory: {target}")
    return targets


def not_python(paths: Sequence[str | Path]) -> list[str]:
    """A note for each file in ``paths`` that is no ``*.py`` file: it is not checked."""
    files = [str(p) for p in paths if not str(p).endswith(".py") and os.path.isfile(p)]
    return [f"{name} is not a Python file (*.py): it was not checked" for name in files]


def select_reported(root: Path, paths: Sequence[Path], files: list[Path]) -> set[Path] | None:
    """The files whose findings are reported, out of the discovered ``files``.

    ``None`` means all of them: no paths were given, or one of them is the root or an ancestor
    of it. A directory selects the discovered files below it; a file selects itself only if it
    was discovered (an explicitly passed excluded file stays excluded).
    """
    if not paths:
        return None
    root = _existing(root).resolve()
    directories, wanted = _split_targets(paths)
    if _covers_root(root, directories):
        return None
    return {f for f in files if f in wanted or _under_any(f, directories)}


def _split_targets(paths: Sequence[Path]) -> tuple[list[Path], set[Path]]:
    """Existing directories (resolved) and files among ``paths``."""
    targets = [_existing(p) for p in paths]
    directories = [t.resolve() for t in targets if t.is_dir()]
    return directories, {t for t in targets if not t.is_dir()}


def _covers_root(root: Path, directories: list[Path]) -> bool:
    return any(d == root or d in root.parents for d in directories)


def _under_any(path: Path, directories: list[Path]) -> bool:
    return any(d in path.parents for d in directories)


def module_name(root: Path, path: Path, package: tuple[str, ...] | None = None) -> tuple[str, bool]:
    """Dotted module name of ``path`` and whether it is a package (``__init__.py``).

    Names are relative to ``root``, or to ``root/src`` for files below it (src layout).
    Directories without ``__init__.py`` (namespace packages) still contribute name parts.
    A root that is itself a package with no project marker (``root_package``, looked up when
    ``package`` is None) starts every name: ``mypkg/api/items.py`` is ``mypkg.api.items``.
    A file outside the root is named by its stem.
    """
    if package is None:
        package = root_package(root)
    top, name = str(root).rstrip(os.sep) + os.sep, str(path)
    if name.startswith(top):  # the common case, without pathlib's overhead
        parts = name[len(top) :].split(os.sep)
        return _dotted(root, parts, package)
    try:
        parts = list(path.relative_to(root).parts)
    except ValueError:
        try:
            parts = list((path.parent.resolve() / path.name).relative_to(root.resolve()).parts)
        except ValueError:
            return path.stem, path.name == "__init__.py"
    return _dotted(root, parts, package)


def root_package(root: Path) -> tuple[str, ...]:
    """The package ``root`` is, as Python imports it with the parent of its topmost package
    on ``sys.path`` (``("mypkg", "api")`` for ``mypkg/api/``), when it holds ``__init__.py``
    and no project marker (``CONFIG_FILES``: a marker makes the directory the import root);
    ``()`` otherwise. ``find_project_root`` falls back to such a root when no marker is
    found, so a package's absolute imports of itself (``from mypkg.deps import ...``)
    resolve."""
    directory = Path(os.path.abspath(root))
    if any((directory / name).is_file() for name in CONFIG_FILES):
        return ()
    names: list[str] = []
    while directory.name and (directory / "__init__.py").is_file():
        names.append(directory.name)
        directory = directory.parent
    return tuple(reversed(names))


def _dotted(root: Path, parts: list[str], package: tuple[str, ...]) -> tuple[str, bool]:
    if not package and len(parts) > 1 and parts[0] == "src" and parts[1:] != ["__init__.py"]:
        parts = parts[1:]
    is_package = parts[-1] == "__init__.py"
    if is_package:
        parts = parts[:-1] or ([] if package else [root.name])
    else:
        parts[-1] = parts[-1].removesuffix(".py")
    return ".".join([*package, *parts]), is_package
