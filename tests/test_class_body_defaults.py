"""A method's parameter defaults (and its annotations) are evaluated when its ``def`` runs, in
the class body: a bare name there is a class attribute first, then the module's (or the
enclosing function's) name. Names in the method's body skip the class. Checked against FastAPI:

- the "AuthHandler" tutorial (``security = HTTPBearer()`` in the class body, ``auth =
  Security(security)`` in a method used as ``Depends(auth_handler.auth_wrapper)``) and an
  ``OAuth2PasswordBearer`` class attribute in a method and a ``@staticmethod`` were ``unknown``
  (and a staticmethod named in another one's default, ``Depends(current_user)``, is found);
- a class attribute shadowing a module-level scheme of the same name wins in the default, both
  ways (strict over lenient, lenient over strict); a function defined in a method's body still
  sees the module's scheme;
- a nested class's method sees its own class's attributes, never the outer class's;
- in ``Annotated[...]`` the class attribute wins too, except in a module with ``from __future__
  import annotations`` (FastAPI evaluates the strings in the module's names);
- other readers of a default: an exception's ``__init__(status_code=STATUS)``, a lenient
  scheme a method checks itself, a helper method returning its default (a router's prefix),
  and a dependency factory's argument (``Depends(requires(strict))``: the call site of a
  method's default is read in the class body, so its callers see the class attribute).
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backendkit import analyze
from backendkit.project.symbols import Ctx
from backendkit.summary.collector import walk_module
from helpers import write_project
from truth import anonymous_statuses

TUTORIAL = """\
from fastapi import APIRouter, Depends, HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer


class AuthHandler:
    security = HTTPBearer()

    def decode_token(self, token: str) -> str:
        if token != "good":
            raise HTTPException(status_code=401, detail="Invalid token")
        return "alice"

    def auth_wrapper(self, auth: HTTPAuthorizationCredentials = Security(security)) -> str:
        return self.decode_token(auth.credentials)


auth_handler = AuthHandler()
router = APIRouter()


@router.get("/tutorial")
def tutorial(user: str = Depends(auth_handler.auth_wrapper)) -> str:
    return user
"""
OAUTH = """\
from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordBearer


class Auth:
    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

    @staticmethod
    def current_user(token: str = Depends(oauth2_scheme)) -> str:
        return token

    def user(self, token: str = Depends(oauth2_scheme)) -> str:
        return token

    @staticmethod
    def chained(token: str = Depends(current_user)) -> str:
        return token


auth = Auth()
router = APIRouter()


@router.get("/static")
def static(user: str = Depends(Auth.current_user)) -> str:
    return user


@router.get("/method")
def method(user: str = Depends(auth.user)) -> str:
    return user


@router.get("/chained")
def chained(user: str = Depends(Auth.chained)) -> str:
    return user
"""
SHADOW = """\
from typing import Optional

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordBearer

scheme = OAuth2PasswordBearer(tokenUrl="token")
lenient = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)


class Strict:
    lenient = OAuth2PasswordBearer(tokenUrl="token")

    def user(self, token: str = Depends(lenient)) -> str:
        return token


class Lenient:
    scheme = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)

    def user(self, token: Optional[str] = Depends(scheme)) -> Optional[str]:
        return token

    def dependency(self):
        def from_body(token: str = Depends(scheme)) -> str:
            return token

        return from_body


strict, loose = Strict(), Lenient()
router = APIRouter()


@router.get("/class_strict")
def class_strict(user: str = Depends(strict.user)) -> str:
    return user


@router.get("/class_lenient")
def class_lenient(user: Optional[str] = Depends(loose.user)) -> Optional[str]:
    return user


@router.get("/body_name")
def body_name(user: str = Depends(loose.dependency())) -> str:
    return user
"""
NESTED = """\
from typing import Optional

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordBearer

scheme = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)


class Outer:
    scheme = OAuth2PasswordBearer(tokenUrl="token")

    class Inner:
        def user(self, token: Optional[str] = Depends(scheme)) -> Optional[str]:
            return token


class Holder:
    class Inner:
        scheme = OAuth2PasswordBearer(tokenUrl="token")

        def user(self, token: str = Depends(scheme)) -> str:
            return token


outer_inner, holder_inner = Outer.Inner(), Holder.Inner()
router = APIRouter()


@router.get("/nested_outer")
def nested_outer(user: Optional[str] = Depends(outer_inner.user)) -> Optional[str]:
    return user


@router.get("/nested_own")
def nested_own(user: str = Depends(holder_inner.user)) -> str:
    return user
"""
ANNOTATED = """\
from typing import Annotated, Optional

from fastapi import APIRouter, Depends, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

security = HTTPBearer(auto_error=False)


class Handler:
    security = HTTPBearer()

    def wrapper(
        self, auth: Annotated[Optional[HTTPAuthorizationCredentials], Security(security)]
    ) -> str:
        return auth.credentials if auth else "anonymous"


handler = Handler()
router = APIRouter()


@router.get("/PATH")
def endpoint(user: str = Depends(handler.wrapper)) -> str:
    return user
"""
CONSUMERS = """\
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

API_KEY = "secret"
PREFIX = "/module"
strict = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)


class Unauthorized(HTTPException):
    STATUS = 401

    def __init__(self, status_code: int = STATUS) -> None:
        super().__init__(status_code=status_code)


def check_key(request: Request) -> None:
    if request.headers.get("X-API-Key") != API_KEY:
        raise Unauthorized()


class Keys:
    header = APIKeyHeader(name="X-API-Key", auto_error=False)

    def check(self, key: Optional[str] = Security(header)) -> None:
        if key != API_KEY:
            raise HTTPException(status_code=401)


class Paths:
    PREFIX = "/plugin"

    def prefix(self, value: str = PREFIX) -> str:
        return value


def requires(scheme):
    def dependency(token: str = Depends(scheme)) -> str:
        return token

    return dependency


class Factory:
    strict = OAuth2PasswordBearer(tokenUrl="token")

    def user(self, token: str = Depends(requires(strict))) -> str:
        return token


keys, factory = Keys(), Factory()
router = APIRouter(prefix=Paths().prefix())


@router.get("/raised", dependencies=[Depends(check_key)])
def raised() -> str:
    return "ok"


@router.get("/lenient_checked", dependencies=[Depends(keys.check)])
def lenient_checked() -> str:
    return "ok"


@router.get("/factory_argument")
def factory_argument(user: str = Depends(factory.user)) -> str:
    return user
"""
MODULES = ["tutorial", "oauth", "shadow", "nested", "annotated", "postponed", "consumers"]
MAIN = (
    "from fastapi import FastAPI\n\n"
    f"from app import {', '.join(sorted(MODULES))}\n\n"
    "app = FastAPI()\n"
    f"for module in ({', '.join(MODULES)}):\n"
    "    app.include_router(module.router)\n"
)
#: path -> (FastAPI's answer to an anonymous GET, backendkit's status, the chain's last link)
EXPECTED = {
    "/tutorial": (401, "required", "app.tutorial:AuthHandler.security (HTTPBearer)"),
    "/static": (401, "required", "app.oauth:Auth.oauth2_scheme (OAuth2PasswordBearer)"),
    "/method": (401, "required", "app.oauth:Auth.oauth2_scheme (OAuth2PasswordBearer)"),
    "/chained": (401, "required", "app.oauth:Auth.oauth2_scheme (OAuth2PasswordBearer)"),
    "/class_strict": (401, "required", "app.shadow:Strict.lenient (OAuth2PasswordBearer)"),
    "/class_lenient": (200, "optional", "app.shadow:Lenient.scheme (OAuth2PasswordBearer)"),
    "/body_name": (401, "required", "app.shadow:scheme (OAuth2PasswordBearer)"),
    "/nested_outer": (200, "optional", "app.nested:scheme (OAuth2PasswordBearer)"),
    "/nested_own": (401, "required", "app.nested:Holder.Inner.scheme (OAuth2PasswordBearer)"),
    "/annotated": (401, "required", "app.annotated:Handler.security (HTTPBearer)"),
    "/postponed": (200, "optional", "app.postponed:security (HTTPBearer)"),
    "/plugin/raised": (401, "required", "app.consumers:check_key (checks header x-api-key)"),
    "/plugin/lenient_checked": (401, "required", "app.consumers:Keys.header (APIKeyHeader)"),
    "/plugin/factory_argument": (
        401,
        "required",
        "app.consumers:Factory.strict (OAuth2PasswordBearer)",
    ),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {
        "app/__init__.py": "",
        "app/main.py": MAIN,
        "app/tutorial.py": TUTORIAL,
        "app/oauth.py": OAUTH,
        "app/shadow.py": SHADOW,
        "app/nested.py": NESTED,
        "app/annotated.py": ANNOTATED.replace("PATH", "annotated"),
        "app/postponed.py": "from __future__ import annotations\n\n"
        + ANNOTATED.replace("PATH", "postponed"),
        "app/consumers.py": CONSUMERS,
    }
    return write_project(Path(tmp_path_factory.mktemp("classattr")) / "p", files)


def test_fastapi_reads_defaults_in_the_class_body(project: Path) -> None:
    """The truth: each route answers an anonymous caller as ``EXPECTED`` says (the router of
    ``consumers`` is at the prefix its class attribute gives, not the module's)."""
    paths = [*EXPECTED, "/module/raised"]
    statuses = {path: status for path, (status, _auth, _link) in EXPECTED.items()}
    assert anonymous_statuses(project, paths) == {**statuses, "/module/raised": 404}


def test_backendkit_agrees_with_fastapi(project: Path) -> None:
    """Every route's status, and the scheme (or check) its chain ends at: the class attribute
    where FastAPI uses it, the module's name where FastAPI uses that."""
    routes = {route.path: route for route in analyze([project], use_cache=False).routes}
    assert {path: route.auth for path, route in routes.items()} == {
        path: auth for path, (_status, auth, _link) in EXPECTED.items()
    }
    assert {path: route.auth_chain[-1] for path, route in routes.items()} == {
        path: link for path, (_status, _auth, link) in EXPECTED.items()
    }


HEADS = """\
from __future__ import annotations


def plain(a=X):
    def inner(b=X): ...


class Outer:
    class Inner:
        def method(self, c=X): ...
"""


def test_the_context_of_a_def() -> None:
    """``Ctx.head``: a function's own context (the same object: the cheap common case); a
    method's class body, the innermost class only; annotations outside the class body when
    they are postponed."""
    summary, _spans = walk_module("m.py", "m", False, cst.parse_module(HEADS))
    module = Ctx(summary, (summary.scope,))
    plain = summary.scope.functions["plain"]
    assert module.head(plain) is module
    inner = module.enter(plain)
    assert inner.head(plain.scope.functions["inner"]) is inner
    outer = summary.scope.classes["Outer"]
    method = outer.scope.classes["Inner"].scope.functions["method"]
    head = module.head(method)
    assert head.scopes == (summary.scope, outer.scope.classes["Inner"].scope)
    assert head.prefix == "Outer.Inner."
    assert module.head(method, annotation=True) is module
