"""Rules about the analysis itself: files that do not parse, internal errors, bad directives."""

from __future__ import annotations

from collections.abc import Iterable

from backendkit.catalogue import load_catalogue
from backendkit.findings import Finding
from backendkit.rules.base import Example, FileContext, FileRule, Rule


class SyntaxErrorRule(Rule):
    """BK001: reported by the per-file pass when libcst cannot parse a file."""

    code = "BK001"
    VALID = (Example("def ok() -> int:\n    return 1\n"),)
    INVALID = (Example("def broken(:  # expect: BK001\n    pass\n"),)


class InternalErrorRule(Rule):
    """BK002: reported when a rule fails on a file; the run goes on without it."""

    code = "BK002"


class UnmatchedConfigRule(Rule):
    """BK005: reported by the import-contract rules for configuration entries that match
    nothing in the project (see ``backendkit.rules.contracts``)."""

    code = "BK005"


class InvalidDirectiveRule(FileRule):
    """BK003: ``# backendkit:`` comments that are malformed or name no code."""

    code = "BK003"
    VALID = (
        Example("x = 1  # backendkit: ignore[BK402]\n"),
        Example("# backendkit: ignore-file[BK401]\nx = 1\n"),
    )
    INVALID = (
        Example("x = 1  # backendkit: ignore  # expect: BK003\n"),
        Example("x = 1  # backendkit: ignroe[BK101]  # expect: BK003\n"),
        Example("x = 1  # backendkit: ignore[BK1O1]  # expect: BK003\n"),
        Example("x = 1  # noqa: E501, BK402  # expect: BK003\n", note="noqa is ruff's"),
    )

    def check_file(self, ctx: FileContext) -> Iterable[Finding]:
        """One finding per invalid directive or unknown code in a directive."""
        known = load_catalogue()
        for directive in ctx.summary.directives:
            if directive.kind == "noqa":
                wanted = ", ".join(directive.codes)
                yield self.finding(
                    ctx.summary.path,
                    directive.line,
                    f"'# noqa: {wanted}' does not silence backendkit (noqa is ruff's and "
                    f"flake8's); write '# backendkit: ignore[{wanted}]'",
                )
                continue
            if directive.kind == "invalid":
                yield self.finding(
                    ctx.summary.path,
                    directive.line,
                    f"Invalid directive '# backendkit: {directive.text}'; write "
                    "'# backendkit: ignore[CODE, ...]', 'ignore-file[CODE]' or 'public'",
                )
                continue
            unknown = [code for code in directive.codes if code not in known]
            if unknown:
                yield self.finding(ctx.summary.path, directive.line, _unknown_codes(unknown))


def _unknown_codes(unknown: list[str]) -> str:
    """BK003's message for codes no rule has; the upper-case hint only where one is not."""
    hint = "codes are upper case, such as BK101; " if any(c != c.upper() for c in unknown) else ""
    return (
        f"Directive names unknown rule code(s) {', '.join(unknown)}; {hint}run 'backendkit "
        "rules' to list the codes"
    )


class UnusedDirectiveRule(Rule):
    """BK004: reported by the engine for ignore directives that silenced nothing."""

    code = "BK004"
    VALID = (
        Example(
            "x = 1  # backendkit: ignore[BK402]\ny = 2\nz = 3\n",
            options={"file-size": {"max-lines": 2}},
            also_select=("BK402",),
        ),
        Example("x = 1  # backendkit: ignore[BK402]\n", note="BK402 did not run"),
    )
    INVALID = (
        Example("x = 1  # backendkit: ignore[BK402]  # expect: BK004\n", also_select=("BK402",)),
        Example(
            "# backendkit: ignore-file[BK401]  # expect: BK004\nx = 1\n", also_select=("BK401",)
        ),
    )
