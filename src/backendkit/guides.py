"""The backend-engineering guides the rule catalogue cites, by the file names its ``[[seeds]]``
use as keys: a title and what each covers, for ``docs/guides.md`` and the rule pages.

The guides themselves are not part of this repository; the file name stays the stable key, and
``tests/test_catalogue.py`` checks that every cited file has an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Guide:
    """One guide: a title to know it by, the name in its front matter (or its heading), and a
    sentence on what it covers."""

    title: str
    known_as: str
    about: str


GUIDES: dict[str, Guide] = {
    "000_93ccd02dcd2c000c.txt": Guide(
        title="Backend architect with MCP servers",
        known_as="backend-architect-mcp",
        about=(
            "A brief for designing and building backend systems in any language (architecture, "
            "databases, APIs, security, performance), planned step by step, with a quality "
            "checklist (complexity, security, test coverage) and behavioural guidelines."
        ),
    ),
    "001_c2ad79641e17fe71.txt": Guide(
        title="Server-side development specialist",
        known_as="Backend-Engineer",
        about=(
            "Focus areas and boundaries of server-side work: REST API design with proper HTTP "
            "semantics and status codes, database modelling, authentication and authorization, "
            "input validation and error handling, and what never to do (skip validation, expose "
            "sensitive data, skip transaction handling)."
        ),
    ),
    "002_bc5da356942e5dd3.txt": Guide(
        title="FastAPI, SQLModel and MCP backend specialist",
        known_as="backend-agent",
        about=(
            "A FastAPI + SQLModel backend with JWT authentication, CORS and an MCP server: "
            "dependency injection, async database sessions, status codes and error responses, "
            "secrets in the environment, explicit CORS origins, rate limiting, and a checklist "
            "to verify before delivering code."
        ),
    ),
    "003_589b581420d3435c.txt": Guide(
        title="BackendDeveloper agent",
        known_as="BackendDeveloper Agent",
        about=(
            "An overview of a backend developer agent: its commands (create an API, design a "
            "database schema, optimise performance), its MCP and tracing integration, and the "
            "agents it works with."
        ),
    ),
    "004_12ddb3cedd132c32.txt": Guide(
        title="Senior backend engineer for FastAPI + FastMCP",
        known_as="backend-engineer",
        about=(
            "Implementation standards of a FastAPI + FastMCP service: files under 500 lines, "
            "type hints, comprehensive error handling and structured logging, async SQLAlchemy "
            "sessions, and checklists for new tools, database changes and endpoints."
        ),
    ),
}
