"""MCP servers on the official SDK (v1 ``FastMCP``, v2 ``MCPServer``): BK601 tools without a
description or typed parameters, BK602 an HTTP app served without authentication."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.findings import Finding
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import Ctx, External, FuncSym, Instance, OneOf
from backendkit.rules.base import Example, ProjectContext, ProjectRule
from backendkit.rules.support import call_sites, iter_functions
from backendkit.summary.model import Call, Name

SERVER_CLASSES = frozenset({"FastMCP", "MCPServer"})
REGISTRARS = frozenset({"tool", "resource", "prompt"})
ADDERS = frozenset({"add_tool", "add_resource", "add_prompt"})
HTTP_APPS = frozenset({"streamable_http_app", "sse_app", "http_app"})
AUTH_KWARGS = ("token_verifier", "auth_server_provider", "auth")

_SERVER = "from mcp.server import MCPServer\n\nmcp = MCPServer('demo')\n\n\n"


def _server(index: ProjectIndex, receiver: str, ctx: Ctx) -> Instance | None:
    value = index.value(Name(receiver), ctx)
    if (
        isinstance(value, Instance)
        and isinstance(value.cls, External)
        and value.cls.is_from("mcp", "fastmcp")
        and value.cls.last in SERVER_CLASSES
    ):
        return value
    return None


def _method_call(expr: object) -> tuple[str, str] | None:
    func = expr.func if isinstance(expr, Call) else expr
    if not isinstance(func, Name) or "." not in func.dotted:
        return None
    receiver, _, method = func.dotted.rpartition(".")
    return receiver, method


class McpToolDocsRule(ProjectRule):
    """BK601: MCP tools, resources and prompts without a docstring or with untyped params."""

    code = "BK601"
    links = False  # reads the index only: runs while the project is linked
    cost = 1.6
    focusable = True  # reported at the tool's registration
    VALID = (
        Example(
            _SERVER + "@mcp.tool()\ndef add(a: int, b: int) -> int:\n"
            '    """Add two numbers."""\n    return a + b\n'
        ),
    )
    INVALID = (
        Example(
            _SERVER + "@mcp.tool()  # expect: BK601\ndef add(a, b: int) -> int:\n"
            "    return a + b\n\n\ndef search(query: str) -> str:\n    return query\n\n\n"
            "mcp.add_tool(search)  # expect: BK601\nfor tool in (add, search):\n"
            "    mcp.add_tool(tool)  # expect: BK601\n"
        ),
    )

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """Decorated and added tools whose schema or description would be empty."""
        for func, path, line in self._registered(ctx.index):
            yield from self._check(func, path, line)

    @staticmethod
    def _registered(index: ProjectIndex) -> Iterator[tuple[FuncSym, str, int]]:
        """Functions registered by decorator or by ``add_tool`` (loops over tools included)."""
        yield from _decorated_tools(index)
        yield from _added_tools(index)

    def _check(self, func: FuncSym, path: str, line: int) -> Iterator[Finding]:
        untyped = [
            p.name
            for p in func.info.params
            if p.annotation is None and p.name not in ("self", "cls", "ctx") and p.kind != "kwarg"
        ]
        problems = ([] if func.info.has_docstring else ["no docstring"]) + (
            [f"untyped parameter(s) {', '.join(untyped)}"] if untyped else []
        )
        if problems:
            yield self.finding(
                path,
                line,
                f"MCP tool '{func.info.name}' has {' and '.join(problems)}: the model sees an "
                "empty description or schema; add a docstring and type every parameter",
            )


def _decorated_tools(index: ProjectIndex) -> Iterator[tuple[FuncSym, str, int]]:
    for func, where in iter_functions(index):
        for position, decorator in enumerate(func.decorators):
            parts = _method_call(decorator)
            if parts and parts[1] in REGISTRARS and _server(index, parts[0], where):
                line = func.decorator_lines[position] if func.decorator_lines else func.line
                yield FuncSym(func, where), where.module.path, line


def _added_tools(index: ProjectIndex) -> Iterator[tuple[FuncSym, str, int]]:
    for site, where in call_sites(index):
        parts = _method_call(site.call)
        if not parts or parts[1] not in ADDERS or not _server(index, parts[0], where):
            continue
        target = index.value(site.call.arg(0, "fn"), where)
        for value in target.values if isinstance(target, OneOf) else (target,):
            if isinstance(value, FuncSym):
                yield value, where.module.path, site.line


class McpAuthRule(ProjectRule):
    """BK602: an MCP HTTP app from a server created without authentication."""

    code = "BK602"
    links = False  # reads the index only: runs while the project is linked
    cost = 1.2
    focusable = True  # reported at the app call
    VALID = (
        Example(
            "from mcp.server import MCPServer\n\nfrom app.auth import Verifier, settings\n\n"
            "mcp = MCPServer('demo', token_verifier=Verifier(), auth=settings)\n"
            "app = mcp.streamable_http_app()\n"
        ),
    )
    INVALID = (Example(_SERVER + "app = mcp.streamable_http_app()  # expect: BK602\n"),)

    def check_project(self, ctx: ProjectContext) -> Iterable[Finding]:
        """HTTP apps of MCP servers that verify no token."""
        for site, where in call_sites(ctx.index):
            parts = _method_call(site.call)
            if not parts or parts[1] not in HTTP_APPS:
                continue
            server = _server(ctx.index, parts[0], where)
            if server is None or any(server.call.kwarg(k) is not None for k in AUTH_KWARGS):
                continue
            yield self.finding(
                where.module.path,
                site.line,
                f"MCP server app {parts[0]}.{parts[1]}() accepts every caller: FastAPI's "
                "dependencies do not reach a mounted app; pass token_verifier= and auth= to the "
                "server (verify the same JWTs as the REST API)",
            )
