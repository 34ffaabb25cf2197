"""A value a router or dependency factory was given (feast's ``get_consumer_router(config)``,
whose endpoints compare the key with ``config.consumer_api_key``) is fixed when the app is
built: configuration, like a module-level setting. An endpoint's own check against it was not
counted (``none`` with a false BK101), and a dependency's early return on it is a
configuration switch. Checked against FastAPI."""

from __future__ import annotations

from pathlib import Path

from helpers import write_project
from truth import agrees_with_fastapi

MAIN = """\
from typing import Optional

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException


class Config:
    consumer_api_key: Optional[str] = "k1"


class OpenConfig:
    consumer_api_key: Optional[str] = None


def _verify(expected_key: Optional[str], x_api_key: Optional[str]) -> bool:
    return x_api_key is not None and x_api_key == expected_key


def get_router(config: Config) -> APIRouter:
    router = APIRouter()

    @router.get("/closure_attr")
    async def closure_attr(x_api_key: Optional[str] = Header(None)) -> dict:
        if not _verify(config.consumer_api_key, x_api_key):
            raise HTTPException(status_code=401, detail="Invalid API key")
        return {"ok": True}

    @router.get("/closure_inline")
    async def closure_inline(x_api_key: Optional[str] = Header(None)) -> dict:
        if x_api_key is None or x_api_key != config.consumer_api_key:
            raise HTTPException(status_code=401, detail="Invalid API key")
        return {"ok": True}

    return router


def optional_key(config: OpenConfig):
    def dep(x_api_key: Optional[str] = Header(None)) -> None:
        if not config.consumer_api_key:
            return
        if x_api_key != config.consumer_api_key:
            raise HTTPException(status_code=401)

    return dep


app = FastAPI()
app.include_router(get_router(Config()))


@app.get("/keyed", dependencies=[Depends(optional_key(OpenConfig()))])
def keyed() -> dict:
    return {"ok": True}
"""

EXPECTED = {
    "/closure_attr": (401, "required"),
    "/closure_inline": (401, "required"),
    "/keyed": (200, "none"),
}


def test_a_value_given_to_a_factory_is_configuration(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = agrees_with_fastapi(root, EXPECTED)
    found = [f for f in result.findings if f.code == "BK101"]
    assert len(found) == 1
    assert "Configuration switch" in found[0].message
    assert "config.consumer_api_key" in found[0].message
