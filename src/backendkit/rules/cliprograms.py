"""Command-line programs of a project (a ``cli`` package, a ``scripts/`` module, a ``tools/``
module reading its arguments with ``argparse`` or ``click``): what they print is output for
the user who ran them, and nothing they compare is timed by a remote caller (BK111, BK113)."""

from __future__ import annotations

from backendkit.summary.model import ModuleSummary

#: the modules a command-line program imports to read its arguments or prompt its user
CLI_MODULES = frozenset(
    {"argparse", "click", "typer", "fire", "getpass", "questionary", "cyclopts", "docopt"}
)
#: the directories and files that hold command-line programs, not the served application
CLI_PLACES = frozenset({"cli", "scripts", "bin", "__main__.py", "manage.py", "cli.py"})
#: directories of command-line programs, or of a served package (an LLM app's ``tools``)
MIXED_PLACES = frozenset({"tools", "commands"})


def command_line(module: ModuleSummary) -> bool:
    """A module of a command-line program: it lives in ``CLI_PLACES``, or in
    ``MIXED_PLACES`` and reads its arguments or prompts its user (it imports one of
    ``CLI_MODULES``). An application module importing ``argparse`` for its ``--port`` is
    none, nor is an LLM app's served ``tools`` package."""
    parts = module.path.split("/")
    if CLI_PLACES.intersection(parts):
        return True
    if not MIXED_PLACES.intersection(parts):
        return False
    return any(record.module.partition(".")[0] in CLI_MODULES for record in module.imports)
