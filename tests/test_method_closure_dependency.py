"""A dependency a method builds, whose parameter FastAPI fills with another method of the same
object (``Depends(self.get_current_user)``, fastapi-user-auth's ``Auth.requires()``), checked
against FastAPI. The credential the method returns was not followed (``self`` inside the
closure was not read as the instance), so the route was ``none`` with a false BK101."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project
from truth import anonymous_statuses, imported_app

MAIN = """\
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request

TOKENS = {"t0k3n": "alice"}


class Auth:
    async def get_current_user(self, request: Request) -> Optional[str]:
        return TOKENS.get(request.headers.get("Authorization", ""))

    def requires(self, status_code: int = 403):
        async def depend(user: Optional[str] = Depends(self.get_current_user)) -> bool:
            if not user:
                raise HTTPException(status_code=status_code)
            return True

        return depend

    def greets(self):
        async def depend(user: Optional[str] = Depends(self.get_current_user)) -> str:
            return user or "guest"

        return depend


auth = Auth()
app = FastAPI()


@app.get("/admin", dependencies=[Depends(auth.requires())])
def admin() -> dict:
    return {}


@app.get("/hello")
def hello(name: str = Depends(auth.greets())) -> dict:
    return {"name": name}
"""


def test_self_method_filling_a_closure_dependency(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    assert anonymous_statuses(root, ["/admin", "/hello"]) == {"/admin": 403, "/hello": 200}
    from fastapi.testclient import TestClient

    with imported_app(root, "app.main:app") as application:
        signed = TestClient(application).get("/admin", headers={"Authorization": "t0k3n"})
        assert signed.status_code == 200
    result = analyze([root], use_cache=False)
    routes = {route.path: route for route in result.routes}
    assert routes["/admin"].auth == "required"
    assert "checks header authorization" in " ".join(routes["/admin"].auth_chain)
    assert routes["/hello"].auth == "none"
    open_routes = [f.line for f in result.findings if f.code == "BK101"]
    assert open_routes == [routes["/hello"].line]
