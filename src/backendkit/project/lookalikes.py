"""Library objects that are APIRouters without saying so: an APIRouter subclass of another
package (cadwyn's ``VersionedAPIRouter``, fastapi-utils' ``InferringRouter``) is known only by
how it is built and used (duck typing), since its class is outside the project."""

from __future__ import annotations

import re

from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import ClassSym, External, Instance
from backendkit.summary.model import Unknown

#: ``APIRouter(...)``'s keywords (all of its parameters are keyword-only)
ROUTER_KEYWORDS = frozenset(
    {
        *("prefix", "tags", "dependencies", "default_response_class", "responses", "callbacks"),
        *("routes", "redirect_slashes", "default", "dependency_overrides_provider"),
        *("route_class", "on_startup", "on_shutdown", "lifespan", "deprecated"),
        *("include_in_schema", "generate_unique_id_function", "strict_content_type"),
        *("max_body_size", "form_limits"),
    }
)
#: what only an APIRouter (or app) does with an object: call these on it, or include it
ROUTER_USES = frozenset({"include_router", "add_api_route", "add_api_websocket_route", "included"})
#: calls whose name says they include routers (``generate_and_include_versioned_routers``)
HANDS_ROUTERS = re.compile("router", re.IGNORECASE)


def router_like(index: ProjectIndex, value: Instance, use: str, decorator: bool) -> bool:
    """A library object built like an APIRouter (``router_built``) and used as only one is:
    ``ROUTER_USES``, or a route decorator (``decorator``) when its class is named
    ``...Router`` (``@registry.get("/x")`` on any library object is not enough)."""
    if use not in ROUTER_USES and not decorator:
        return False
    cls = value.cls
    named = (cls.info.name if isinstance(cls, ClassSym) else cls.last).endswith("Router")
    return (use in ROUTER_USES or named) and router_built(index, value)


def router_built(index: ProjectIndex, value: Instance) -> bool:
    """A library class (not FastAPI's or Starlette's: those are known) built with no
    positional argument and only APIRouter's keywords."""
    cls = value.cls
    bases = [cls] if isinstance(cls, External) else index.external_bases(cls)
    if not bases or any(base.is_from("fastapi", "starlette") for base in bases):
        return False
    call = value.call
    if any(not (isinstance(a, Unknown) and a.kind == "Starred") for a in call.args):
        return False
    return all(key in ROUTER_KEYWORDS for key, _ in call.kwargs)


__all__ = ["HANDS_ROUTERS", "ROUTER_KEYWORDS", "ROUTER_USES", "router_built", "router_like"]
