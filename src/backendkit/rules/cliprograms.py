"""Command-line programs of a project (a ``cli`` package or ``scripts/`` module reading its
arguments with ``argparse``, ``click`` or ``typer``): what they print is output for the user
who ran them, and nothing they compare is timed by a remote caller (BK111, BK113)."""

from __future__ import annotations

from backendkit.summary.model import ModuleSummary

#: the modules a command-line program imports to read its arguments or prompt its user
CLI_MODULES = frozenset(
    {"argparse", "click", "typer", "fire", "getpass", "questionary", "cyclopts", "docopt"}
)
#: the directories and files that hold command-line programs, not the served application
CLI_PLACES = frozenset({"cli", "scripts", "tools", "bin", "__main__.py", "manage.py", "cli.py"})


def command_line(module: ModuleSummary) -> bool:
    """A module of a command-line program: it lives in ``CLI_PLACES`` and reads its
    arguments or prompts its user (it imports one of ``CLI_MODULES``). Both are needed: a
    served package may be called ``tools`` (an LLM app's tools), and an application module
    may import ``argparse`` for its ``--port`` or ``getpass`` for a user name."""
    if not CLI_PLACES.intersection(module.path.split("/")):
        return False
    return any(record.module.partition(".")[0] in CLI_MODULES for record in module.imports)
