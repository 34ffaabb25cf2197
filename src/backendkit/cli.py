"""The ``backendkit`` command line: a thin typer layer over ``backendkit.analyze``.

Exit codes: 0 success / no findings, 1 findings, 2 usage or configuration error, 3 internal error.
Heavy modules are imported inside the commands so ``backendkit --version`` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from backendkit import __version__

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
    except (FileNotFoundError, NotADirectoryError) as error:
        fail(str(error))
    except ValueError as error:
        fail(str(error))
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
            "--output-format", help="concise|full|json|json-lines|sarif|github|gitlab|junit"
        ),
    ] = "concise",
    select: Annotated[CodesOpt, typer.Option("--select", help="Rule codes or prefixes.")] = None,
    ignore: Annotated[CodesOpt, typer.Option("--ignore", help="Rule codes or prefixes.")] = None,
    extend_select: Annotated[CodesOpt, typer.Option("--extend-select")] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even with findings.")
    ] = False,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Count findings per rule.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Check a FastAPI project against backendkit's rules."""
    from backendkit.commands import run_lint

    code = guarded(
        lambda: run_lint(
            paths or [], output_format, select, ignore, extend_select, statistics, quiet, config
        )
    )
    raise typer.Exit(0 if exit_zero else code)


@app.command()
def routes(
    paths: PathsArg = None,
    output: Annotated[
        str, typer.Option("--format", "-f", help="table|json|csv|markdown")
    ] = "table",
    config: ConfigOpt = None,
) -> None:
    """List every endpoint with its full path and the authentication that protects it."""
    from backendkit.commands import run_routes

    raise typer.Exit(guarded(lambda: run_routes(paths or [], output, config)))


@app.command("rules")
def rules_command(
    output: Annotated[str, typer.Option("--format", "-f", help="table|json")] = "table",
) -> None:
    """List every rule in the catalogue."""
    from backendkit.commands import run_rules

    raise typer.Exit(guarded(lambda: run_rules(output)))


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code, such as BK101.")]) -> None:
    """Print the documentation of one rule."""
    from backendkit.commands import run_explain

    raise typer.Exit(guarded(lambda: run_explain(code)))


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


def main() -> None:
    """Console-script entry point."""
    app()
