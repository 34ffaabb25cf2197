"""The ``backendkit`` command line: a thin typer layer over ``backendkit.analyze``.

Exit codes: 0 success / no findings, 1 findings, 2 usage or configuration error, 3 internal error.
Heavy modules are imported inside the commands so ``backendkit --version`` starts fast.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from backendkit import __version__, codecache
from backendkit.pipes import guard_output

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

app = typer.Typer(
    name="backendkit",
    help="FastAPI-aware linter, route inventory and project scaffolding.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PathsArg = Annotated[
    Optional[list[Path]],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Argument(help="Files or directories (default: the current project)."),
]
ConfigOpt = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--config", help="A pyproject.toml or backendkit.toml to read instead."),
]
CodesOpt = Optional[list[str]]  # noqa: UP045
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")
]
JobsOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Processes for parsing (default: one per CPU; 1: no worker processes).",
    ),
]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a one-line error and exit with ``code``."""
    sys.stderr.write(f"backendkit: error: {message}\n")
    raise typer.Exit(code)


def guarded(action: Callable[[], int]) -> int:
    """Run ``action``, turning expected errors into one-line messages and exit codes."""
    from backendkit.config import ConfigError

    try:
        return action()
    except ConfigError as error:
        fail(str(error))
    except (FileNotFoundError, NotADirectoryError, FileExistsError) as error:
        fail(str(error))
    except ValueError as error:
        fail(str(error))
    except PermissionError as error:  # a file or directory the user may not read or write
        fail(f"cannot access {error.filename or 'a file'}: {error.strerror or error}")
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except typer.Exit:
        raise
    except Exception as error:
        fail(f"internal error: {type(error).__name__}: {error} (please report it)", EXIT_INTERNAL)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"backendkit {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """FastAPI-aware linter, route inventory and project scaffolding."""


@app.command()
def lint(
    paths: PathsArg = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--output-format",
            "-o",
            metavar="FORMAT",
            help="concise, full, json, json-lines, sarif, github, gitlab or junit.",
        ),
    ] = "concise",
    select: Annotated[
        CodesOpt, typer.Option("--select", help="Only these rule codes or prefixes.")
    ] = None,
    ignore: Annotated[
        CodesOpt, typer.Option("--ignore", help="Leave out these rule codes or prefixes.")
    ] = None,
    extend_select: Annotated[
        CodesOpt, typer.Option("--extend-select", help="Add these codes to the selection.")
    ] = None,
    baseline: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--baseline", help="Report only findings this baseline file lacks."),
    ] = None,
    write_baseline: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--write-baseline", help="Record today's findings in FILE and exit 0."),
    ] = None,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply the safe fixes (see backendkit rules).")
    ] = False,
    unsafe_fixes: Annotated[
        bool,
        typer.Option(
            "--unsafe-fixes",
            help="With --fix or --diff: also fixes that change "
            "behaviour (status codes, error details).",
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the fixes as a diff; change no file.")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even with findings.")
    ] = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="SEVERITY",
            help="Exit 1 only for findings of this severity or higher: info (any finding), "
            "warning or error. All findings are printed. [default: fail-on of the "
            "configuration, else info]",
        ),
    ] = None,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count findings per rule (JSON with -o json).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only.")] = False,
    config: ConfigOpt = None,
    no_cache: NoCacheOpt = False,
    jobs: JobsOpt = None,
) -> None:
    """Check a FastAPI project against backendkit's rules."""
    from backendkit.commands import run_lint

    code = guarded(
        lambda: run_lint(
            paths or [],
            output_format,
            select,
            ignore,
            extend_select,
            statistics,
            quiet,
            config,
            baseline=baseline,
            write_baseline=write_baseline,
            fix=_fix_mode(fix, unsafe_fixes, diff),
            use_cache=not no_cache,
            jobs=jobs,
            fail_on=fail_on,
        )
    )
    raise typer.Exit(0 if exit_zero else code)


def _fix_mode(fix: bool, unsafe: bool, diff: bool) -> str:
    if diff:
        return "diff-unsafe" if unsafe else "diff"
    if fix:
        return "unsafe" if unsafe else "fix"
    return ""


@app.command()
def routes(
    paths: PathsArg = None,
    output: Annotated[
        str,
        typer.Option(
            "--format",
            "--output-format",
            "-f",
            "-o",
            help="table|json|csv|markdown (lint's flags work too)",
        ),
    ] = "table",
    config: ConfigOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """List every endpoint with its full path and the authentication that protects it
    (given files or directories: the endpoints declared in them; the project is analysed
    whole)."""
    from backendkit.commands import run_routes

    raise typer.Exit(guarded(lambda: run_routes(paths or [], output, config, not no_cache)))


@app.command()
def graph(
    paths: PathsArg = None,
    kind: Annotated[str, typer.Option("--kind", "-k", help="imports|calls|routes")] = "imports",
    output: Annotated[
        str,
        typer.Option(
            "--format",
            "--output-format",
            "-f",
            "-o",
            help="dot|mermaid|json|graphml|html|pycg (calls only)",
        ),
    ] = "dot",
    focus: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--focus",
            help="Keep this module, package (with its submodules) or function and its "
            "neighbours; with --kind routes a path (/items, or a prefix such as /admin), a "
            "handler (items:list_items) or a dependency.",
        ),
    ] = None,
    depth: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--depth", help="Collapse modules to packages of N dotted parts."),
    ] = None,
    unresolved: Annotated[
        bool,
        typer.Option(
            "--unresolved",
            help="List the calls (or project imports) that could not be resolved "
            "(as text, or JSON with --format json).",
        ),
    ] = False,
    external: Annotated[
        bool,
        typer.Option("--external", help="Show imported third-party packages too (imports)."),
    ] = False,
    config: ConfigOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Print the import graph, the call graph or the route graph of a project."""
    from backendkit.graphs.command import run_graph

    raise typer.Exit(
        guarded(
            lambda: run_graph(
                paths or [], kind, output, focus, depth, unresolved, external, config, not no_cache
            )
        )
    )


@app.command()
def report(
    path: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Argument(help="The project, or a directory or file in it (default: current)."),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output", "-o", help="Write here ('-': stdout). Default: report.html for html."
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "--output-format", "-f", help="html|markdown")
    ] = "html",
    depth: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option("--depth", help="Draw the import graph collapsed to packages of N parts."),
    ] = None,
    max_nodes: Annotated[
        int,
        typer.Option(
            "--max-nodes", help="Without --depth, collapse the HTML graph above N modules."
        ),
    ] = 150,
    config: ConfigOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Write a report: findings, routes and auth, complexity, import graph, cycles.

    HTML (default): one self-contained page that works offline (docs/report.md).

    --format markdown: the same content with Mermaid diagrams, for a pull-request comment.

    Exit 0 when written, 2 on bad input.
    """
    from backendkit.report.command import run_report

    raise typer.Exit(
        guarded(lambda: run_report(path, output, fmt, depth, max_nodes, config, not no_cache))
    )


@app.command()
def clean(paths: PathsArg = None) -> None:
    """Remove the result cache (.backendkit_cache) of the project."""
    from backendkit.commands import run_clean

    raise typer.Exit(guarded(lambda: run_clean(paths or [])))


@app.command("rules")
def rules_command(
    output: Annotated[
        str, typer.Option("--format", "--output-format", "-f", help="table|json")
    ] = "table",
) -> None:
    """List every rule in the catalogue."""
    from backendkit.commands import run_rules

    raise typer.Exit(guarded(lambda: run_rules(output)))


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code, such as BK101.")]) -> None:
    """Print the documentation of one rule."""
    from backendkit.commands import run_explain

    raise typer.Exit(guarded(lambda: run_explain(code)))


app.command("rule", hidden=True, help="Print the documentation of one rule (as `ruff rule`).")(
    explain
)


@app.command()
def new(
    dest: Annotated[Path, typer.Argument(help="Directory of the new project.")],
    defaults: Annotated[bool, typer.Option("--defaults", help="Use default answers.")] = False,
    data: Annotated[
        CodesOpt, typer.Option("--data", "-d", help="Answer a question: KEY=VALUE (repeatable).")
    ] = None,
) -> None:
    """Create a new FastAPI project from backendkit's Copier template."""
    from backendkit.commands import run_new

    raise typer.Exit(guarded(lambda: run_new(dest, defaults, data or [])))


#: Commands that analyse and print; they end the process without the final collection.
_FAST_EXIT = frozenset({"lint", "routes", "graph", "report", "rules", "explain", "rule", "clean"})


def main() -> None:
    """Console-script entry point.

    The analysis commands run with the cyclic garbage collector off and end the process with
    ``os._exit`` once their output is flushed: the linked project holds millions of objects in
    reference cycles, and collecting them (when the run re-enabled the collector, or at
    interpreter exit) costs about 0.5 s on 100k lines for memory the system reclaims anyway."""
    command = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), "")
    if command not in _FAST_EXIT:
        status = _run_app()
        codecache.save()
        sys.exit(status)
    gc.disable()
    guard_output()  # a reader that stops early (``| head``) ends the output, not the command
    try:
        code = _run_app()
    except SystemExit as stop:
        code = _exit_code(stop.code)
    codecache.save()  # what this run compiled first (``launch.main`` installed the cache)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): nothing more to say
            code = code or EXIT_FINDINGS
    os._exit(code)


def _run_app() -> int:
    """Run the command line and return its exit status. Click's usage errors (an unknown
    option, a bad value) are one ``backendkit: error:`` line, like backendkit's own."""
    try:
        status = app(standalone_mode=False)
    except typer.Abort:
        sys.stderr.write("backendkit: aborted\n")
        return EXIT_FINDINGS
    except Exception as error:
        if not _is_click_error(error):
            raise
        return _click_error(error)
    return status if isinstance(status, int) else 0


def _is_click_error(error: Exception) -> bool:
    """True for click's ``ClickException`` (typer vendors click in some versions, so the
    class is recognised by name)."""
    return any(klass.__name__ == "ClickException" for klass in type(error).__mro__)


def _click_error(error: Exception) -> int:
    """Print a click error as one line (with the command's help as the hint) and return the
    exit status. The bare command with no arguments has printed its help already."""
    if type(error).__name__ == "NoArgsIsHelpError":
        return EXIT_USAGE
    context = getattr(error, "ctx", None)
    message = " ".join(error.format_message().split())  # type: ignore[attr-defined]
    if context is not None:
        message += f" (see '{context.command_path} --help')"
    sys.stderr.write(f"backendkit: error: {message}\n")
    return int(getattr(error, "exit_code", EXIT_USAGE))


def _exit_code(code: object) -> int:
    """The process exit status ``SystemExit(code)`` stands for (as Python itself maps it)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
