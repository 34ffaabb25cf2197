"""Rule selection: the ``select`` / ``ignore`` / ``extend-select`` layers of the configuration
and the command line, applied in turn, more specific selectors last (as ruff does)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backendkit.catalogue import RuleInfo

ALL = "ALL"


@dataclass(frozen=True)
class RuleSelection:
    """One layer of rule selection; ``select`` of ``None`` keeps the previous layer's set."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()

    def apply(self, enabled: set[str], rules: Mapping[str, RuleInfo]) -> set[str]:
        """Return the rule set after this layer, starting from ``enabled``."""
        result = set() if self.select is not None else set(enabled)
        selected = [*(self.select or ()), *self.extend_select]
        for level in sorted({_specificity(s) for s in (*selected, *self.ignore)}):
            for selector in selected:
                if _specificity(selector) == level:
                    result |= _expand(selector, rules, explicit=True)
            for selector in self.ignore:
                if _specificity(selector) == level:
                    result -= _expand(selector, rules, explicit=False)
        return result


def _specificity(selector: str) -> int:
    """``ALL`` is the least specific selector; longer prefixes are more specific."""
    return 0 if selector == ALL else len(selector)


def _expand(selector: str, rules: Mapping[str, RuleInfo], *, explicit: bool) -> set[str]:
    """Codes a selector stands for; off-by-default rules only via their full code or ``ALL``."""
    if selector == ALL:
        return set(rules)
    return {
        code
        for code, info in rules.items()
        if code.startswith(selector) and (info.default_enabled or code == selector or not explicit)
    }
