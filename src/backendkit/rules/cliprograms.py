"""Command-line programs of a project (its ``cli`` package, ``scripts/``, a module reading
its arguments with ``argparse`` or ``click``): what they print is output for the user who
ran them, and nothing they compare is timed by a remote caller (BK111, BK113)."""

from __future__ import annotations

from backendkit.summary.model import ModuleSummary

#: the modules a command-line program imports to read its arguments or prompt its user
CLI_MODULES = frozenset({"argparse", "click", "typer", "fire", "getpass", "questionary"})
#: the directories and files that hold command-line programs, not the served application
CLI_PLACES = frozenset({"cli", "scripts", "tools", "bin", "__main__.py", "manage.py", "cli.py"})


def command_line(module: ModuleSummary) -> bool:
    """A module of a command-line program: it imports an argument parser or a prompt
    (``CLI_MODULES``), or lives in ``CLI_PLACES``. What it prints is the program's output to
    the user who ran it (``generate-secret`` printing the key it made), not a log line."""
    if in_cli_place(module):
        return True
    return any(record.module.partition(".")[0] in CLI_MODULES for record in module.imports)


def in_cli_place(module: ModuleSummary) -> bool:
    """The module lives where command-line programs do (``CLI_PLACES``): a stricter test than
    ``command_line`` (an application module may import ``click`` to start its server)."""
    return bool(CLI_PLACES.intersection(module.path.split("/")))
