"""All rule implementations, keyed by code."""

from __future__ import annotations

from backendkit.rules.api import (
    CreateStatusRule,
    DeleteStatusRule,
    PaginationRule,
    ResponseModelRule,
)
from backendkit.rules.architecture import BlockingCallRule, ImportCycleRule
from backendkit.rules.auth import MissingAuthRule, OptionalAuthRule
from backendkit.rules.base import FileRule, ProjectRule, Rule
from backendkit.rules.compare import SecretCompareRule
from backendkit.rules.contracts import ForbiddenRule, IndependenceRule, LayersRule
from backendkit.rules.cors import WildcardCorsRule
from backendkit.rules.database import EnginePerRequestRule, QueryInLoopRule
from backendkit.rules.dataflow import SecretInLogRule, WeakPasswordHashRule
from backendkit.rules.errors import UndocumentedErrorRule
from backendkit.rules.exposure import DebugModeRule, ErrorDetailLeakRule, JwtMisuseRule
from backendkit.rules.maintainability import ComplexityRule, FileSizeRule
from backendkit.rules.mcp import McpAuthRule, McpToolDocsRule
from backendkit.rules.meta import (
    InternalErrorRule,
    InvalidDirectiveRule,
    SyntaxErrorRule,
    UnmatchedConfigRule,
    UnusedDirectiveRule,
)
from backendkit.rules.modernize import OnEventRule, PydanticV1Rule
from backendkit.rules.paths import PathVerbRule, SingularCollectionRule, VersionPrefixRule
from backendkit.rules.ratelimit import AuthRateLimitRule
from backendkit.rules.responses import SensitiveResponseRule
from backendkit.rules.secrets import HardcodedSecretRule
from backendkit.rules.sessions import SessionContextRule
from backendkit.rules.sqlstrings import SqlStringRule

RULES: dict[str, type[Rule]] = {
    rule.code: rule
    for rule in (
        SyntaxErrorRule,
        InternalErrorRule,
        InvalidDirectiveRule,
        UnusedDirectiveRule,
        UnmatchedConfigRule,
        MissingAuthRule,
        OptionalAuthRule,
        WildcardCorsRule,
        HardcodedSecretRule,
        JwtMisuseRule,
        DebugModeRule,
        ErrorDetailLeakRule,
        SensitiveResponseRule,
        WeakPasswordHashRule,
        SqlStringRule,
        SecretInLogRule,
        SecretCompareRule,
        AuthRateLimitRule,
        CreateStatusRule,
        DeleteStatusRule,
        ResponseModelRule,
        PaginationRule,
        UndocumentedErrorRule,
        PathVerbRule,
        SingularCollectionRule,
        VersionPrefixRule,
        OnEventRule,
        EnginePerRequestRule,
        SessionContextRule,
        QueryInLoopRule,
        McpToolDocsRule,
        McpAuthRule,
        PydanticV1Rule,
        ComplexityRule,
        FileSizeRule,
        ImportCycleRule,
        LayersRule,
        ForbiddenRule,
        IndependenceRule,
        BlockingCallRule,
    )
}

__all__ = ["RULES", "FileRule", "ProjectRule", "Rule"]
