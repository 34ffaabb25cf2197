"""An ``and`` operand on configuration that is always true is no switch, checked against
FastAPI: ``os.getenv("API_KEY", "")`` is never ``None``, so ``if API_KEY is not None and key
!= API_KEY: raise 401`` always checks; a list built from ``.split(",")`` (``[""]`` for an
empty variable) is never empty. The same tests on values that may be ``None`` or empty, and
``len(KEYS) > 0`` on keys that may be empty, are switches (anonymous callers get in when
nothing is configured)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backendkit.summary import flow
from helpers import guarded_routes, write_project
from truth import agrees_with_fastapi, anonymous_statuses

MAIN = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException

API_KEY = os.getenv("BK_TEST_KEY", "")
MAYBE_KEY = os.getenv("BK_TEST_KEY")
ENV_KEY = os.environ.get("BK_TEST_KEY", "default")
SPLIT = [k.strip() for k in os.getenv("BK_TEST_KEY", "").split(",")]
PLAIN_SPLIT = os.getenv("BK_TEST_KEY", "").split(",")
FILTERED = [k for k in os.getenv("BK_TEST_KEY", "").split(",") if k]
BLANKS = os.getenv("BK_TEST_KEY", "").split()
KEYS = set(filter(None, os.getenv("BK_TEST_KEY", "").split(",")))


class Verifier:
    def ok(self, token: Optional[str]) -> bool:
        return token in KEYS


class Keyring(Verifier):
    def __len__(self) -> int:
        return len(KEYS)


verifier = Verifier()
keyring = Keyring()
app = FastAPI()


def instance(x_token: Optional[str] = Header(None)) -> None:
    if verifier and not verifier.ok(x_token):
        raise HTTPException(status_code=401)


def sized(x_token: Optional[str] = Header(None)) -> None:
    if keyring and not keyring.ok(x_token):
        raise HTTPException(status_code=401)


def never_none(x_token: Optional[str] = Header(None)) -> None:
    if API_KEY is not None and x_token != API_KEY:
        raise HTTPException(status_code=401)


def env_default(x_token: Optional[str] = Header(None)) -> None:
    if ENV_KEY is not None and x_token != ENV_KEY:
        raise HTTPException(status_code=401)


def maybe_none(x_token: Optional[str] = Header(None)) -> None:
    if MAYBE_KEY is not None and x_token != MAYBE_KEY:
        raise HTTPException(status_code=401)


def split_list(x_token: Optional[str] = Header(None)) -> None:
    if SPLIT and x_token not in SPLIT:
        raise HTTPException(status_code=401)


def plain_split(x_token: Optional[str] = Header(None)) -> None:
    if len(PLAIN_SPLIT) > 0 and x_token not in PLAIN_SPLIT:
        raise HTTPException(status_code=401)


def filtered(x_token: Optional[str] = Header(None)) -> None:
    if FILTERED and x_token not in FILTERED:
        raise HTTPException(status_code=401)


def blanks(x_token: Optional[str] = Header(None)) -> None:
    if BLANKS and x_token not in BLANKS:
        raise HTTPException(status_code=401)


def counted(x_token: Optional[str] = Header(None)) -> None:
    if len(KEYS) > 0 and x_token not in KEYS:
        raise HTTPException(status_code=401)
"""

NAMES = [
    "never_none",
    "env_default",
    "maybe_none",
    "split_list",
    "plain_split",
    "filtered",
    "blanks",
    "counted",
    "instance",
    "sized",
]


def test_always_true_configuration_is_no_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BK_TEST_KEY", raising=False)
    main = guarded_routes(MAIN, NAMES)
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    result = agrees_with_fastapi(
        root,
        {
            "/never_none": (401, "required"),  # getenv with a default: never None
            "/env_default": (401, "required"),
            "/maybe_none": (200, "none"),  # getenv without one: None when unset
            "/split_list": (401, "required"),  # [""]: never empty
            "/plain_split": (401, "required"),
            "/filtered": (200, "none"),  # the empty key filtered out
            "/blanks": (200, "none"),  # "".split() is []
            "/counted": (200, "none"),  # len(KEYS) > 0: the keys may be empty
            "/instance": (401, "required"),  # an instance is true
            "/sized": (200, "none"),  # unless its class has a __len__ (or __bool__)
        },
    )
    switches = [f for f in result.findings if f.message.startswith("Configuration switch")]
    lines = main.splitlines()
    assert [(f.code, lines[f.line - 1].strip()) for f in switches] == [
        ("BK101", "if keyring and not keyring.ok(x_token):"),
        ("BK101", "if MAYBE_KEY is not None and x_token != MAYBE_KEY:"),
        ("BK101", "if FILTERED and x_token not in FILTERED:"),
        ("BK101", "if BLANKS and x_token not in BLANKS:"),
        ("BK101", "if len(KEYS) > 0 and x_token not in KEYS:"),
    ]


SEVERAL = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException

API_KEY = os.getenv("BK_TEST_KEY", "")
OTHER_KEY = os.getenv("BK_TEST_OTHER")
STRICT = os.getenv("BK_TEST_STRICT") == "1"
app = FastAPI()


def two_ifs(x_token: Optional[str] = Header(None)) -> None:
    if API_KEY and not x_token:
        raise HTTPException(status_code=401)
    if API_KEY and x_token != API_KEY:
        raise HTTPException(status_code=403)


def two_keys(x_token: Optional[str] = Header(None)) -> None:
    if API_KEY and x_token != API_KEY:
        raise HTTPException(status_code=401)
    if OTHER_KEY is not None and x_token != OTHER_KEY:
        raise HTTPException(status_code=403)


def then_unguarded(x_token: Optional[str] = Header(None)) -> None:
    if API_KEY and not x_token:
        raise HTTPException(status_code=401)
    if x_token != "k3y":
        raise HTTPException(status_code=403)


def unconfigured_first(x_token: Optional[str] = Header(None)) -> None:
    if not API_KEY:
        raise HTTPException(status_code=403)
    if API_KEY and x_token != API_KEY:
        raise HTTPException(status_code=401)


def nested(x_token: Optional[str] = Header(None)) -> None:
    if API_KEY:
        if x_token != API_KEY:
            raise HTTPException(status_code=401)


def nested_else(x_token: Optional[str] = Header(None)) -> None:
    if API_KEY:
        if x_token != API_KEY:
            raise HTTPException(status_code=401)
    else:
        raise HTTPException(status_code=401)


def strict_elif(x_token: Optional[str] = Header(None)) -> None:
    if STRICT:
        if not x_token:
            raise HTTPException(status_code=401)
    elif API_KEY and x_token != API_KEY:
        raise HTTPException(status_code=401)


def token_elif(x_token: Optional[str] = Header(None)) -> None:
    if not x_token:
        raise HTTPException(status_code=401)
    elif API_KEY and x_token != API_KEY:
        raise HTTPException(status_code=403)
"""

SEVERAL_NAMES = [
    "two_ifs",
    "two_keys",
    "then_unguarded",
    "unconfigured_first",
    "nested",
    "nested_else",
    "strict_elif",
    "token_elif",
]


def test_every_check_under_a_configuration_test_is_a_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("BK_TEST_KEY", "BK_TEST_OTHER", "BK_TEST_STRICT"):
        monkeypatch.delenv(name, raising=False)
    main = guarded_routes(SEVERAL, SEVERAL_NAMES)
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    result = agrees_with_fastapi(
        root,
        {
            "/two_ifs": (200, "none"),  # both checks need API_KEY
            "/two_keys": (200, "none"),  # neither key configured
            "/then_unguarded": (403, "required"),
            "/unconfigured_first": (403, "required"),
            "/nested": (200, "none"),
            "/nested_else": (401, "required"),
            "/strict_elif": (200, "none"),  # neither STRICT nor API_KEY
            "/token_elif": (401, "required"),
        },
    )
    switches = [f for f in result.findings if f.message.startswith("Configuration switch")]
    lines = main.splitlines()
    assert [(f.code, lines[f.line - 1].strip()) for f in switches] == [
        ("BK101", "if API_KEY and not x_token:"),
        ("BK101", "if API_KEY and x_token != API_KEY:"),
        ("BK101", "if API_KEY:"),
        ("BK101", "if STRICT:"),
    ]
    assert "selecting two_ifs's tests on API_KEY turns" in switches[0].message
    assert "selecting two_keys's tests on API_KEY, OTHER_KEY turns" in switches[1].message
    monkeypatch.setenv("BK_TEST_KEY", "k3y")
    assert anonymous_statuses(root, ["/two_ifs", "/nested", "/strict_elif"]) == {
        "/two_ifs": 401,
        "/nested": 401,
        "/strict_elif": 401,
    }


@pytest.mark.parametrize(
    ("test", "forms"),
    [
        ("KEY and x != KEY", [("truthy", "KEY"), ("", "")]),
        ("KEY is not None and x", [("not None", "KEY"), ("truthy", "x")]),
        ("len(s.keys) > 0 and bool(KEY)", [("truthy", "s.keys"), ("truthy", "KEY")]),
        ("len(KEYS) >= 1", [("truthy", "KEYS")]),
        ("len(KEYS) > 1", [("", "")]),
        ("MODE != 'open'", [("", "")]),
        ("not (OFF or x)", [("", ""), ("", "")]),
    ],
)
def test_what_an_operand_requires(test: str, forms: list[tuple[str, str]]) -> None:
    assert flow.test_forms(cst.parse_expression(test)) == forms


WALRUS = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request

API_KEY = os.getenv("BK_TEST_KEY", "")
ENABLED = bool(os.getenv("BK_TEST_KEY"))
app = FastAPI()


def named_key(x_token: Optional[str] = Header(None)) -> None:
    if (key := API_KEY) and x_token != key:
        raise HTTPException(status_code=401)


def shadowed(request: Request, x_token: Optional[str] = Header(None)) -> None:
    (ENABLED := request.query_params.get("auth", "1") != "0")
    if ENABLED and not x_token:
        raise HTTPException(status_code=401)


def shadowed_early(request: Request, x_token: Optional[str] = Header(None)) -> None:
    (ENABLED := request.query_params.get("auth", "1") != "0")
    if not ENABLED:
        return
    if not x_token:
        raise HTTPException(status_code=401)


def module_flag(x_token: Optional[str] = Header(None)) -> None:
    if ENABLED and not x_token:
        raise HTTPException(status_code=401)
"""


def test_a_name_bound_by_walrus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BK_TEST_KEY", raising=False)
    names = ["named_key", "shadowed", "shadowed_early", "module_flag"]
    main = guarded_routes(WALRUS, names)
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    result = agrees_with_fastapi(
        root,
        {
            "/named_key": (200, "none"),  # key is API_KEY: configuration
            "/shadowed": (401, "required"),  # the local ENABLED comes from the request
            # a return the request selects lets its callers through (configauth), as
            # ``if request.url.path in OPEN: return``: no configuration switch
            "/shadowed_early": (401, "none"),
            "/module_flag": (200, "none"),
        },
    )
    picked = anonymous_statuses(root, ["/shadowed?auth=0", "/shadowed_early?auth=0"])
    assert picked == {"/shadowed?auth=0": 200, "/shadowed_early?auth=0": 200}
    switches = [f for f in result.findings if f.message.startswith("Configuration switch")]
    lines = main.splitlines()
    assert [(f.code, lines[f.line - 1].strip()) for f in switches] == [
        ("BK101", "if (key := API_KEY) and x_token != key:"),
        ("BK101", "if ENABLED and not x_token:"),
    ]


EARLY = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException

API_KEYS = [k.strip() for k in os.getenv("BK_TEST_KEY", "").split(",")]
FILTERED = [k for k in API_KEYS if k]
SESSIONS = {"abc": "alice"}
app = FastAPI()


def split_early(x_token: Optional[str] = Header(None)) -> None:
    if not API_KEYS:
        return
    if x_token not in API_KEYS:
        raise HTTPException(status_code=401)


def sessions_early(x_token: Optional[str] = Header(None)) -> None:
    if not SESSIONS:
        return
    if x_token not in SESSIONS:
        raise HTTPException(status_code=401)


def split_else(x_token: Optional[str] = Header(None)) -> None:
    if API_KEYS:
        if x_token not in API_KEYS:
            raise HTTPException(status_code=401)
    else:
        return


def filtered_early(x_token: Optional[str] = Header(None)) -> None:
    if not FILTERED:
        return
    if x_token not in FILTERED:
        raise HTTPException(status_code=401)
"""


def test_an_early_return_on_configuration_always_set_is_never_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BK_TEST_KEY", raising=False)
    names = ["split_early", "sessions_early", "split_else", "filtered_early"]
    main = guarded_routes(EARLY, names)
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    result = agrees_with_fastapi(
        root,
        {
            "/split_early": (401, "required"),  # [""]: never empty
            "/sessions_early": (401, "required"),
            "/split_else": (401, "required"),
            "/filtered_early": (200, "none"),
        },
    )
    switches = [f for f in result.findings if f.message.startswith("Configuration switch")]
    lines = main.splitlines()
    assert [(f.code, lines[f.line - 1].strip()) for f in switches] == [
        ("BK101", "return"),
    ]


SETTINGS = """\
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    bk_test_key: str = "dev-key"


class Plain:
    KEY = "dev-key"


settings = Settings()
app = FastAPI()


def from_settings(x_token: Optional[str] = Header(None)) -> None:
    if not settings.bk_test_key:
        return
    if x_token != settings.bk_test_key:
        raise HTTPException(status_code=401)


def from_class(x_token: Optional[str] = Header(None)) -> None:
    if not Plain.KEY:
        return
    if x_token != Plain.KEY:
        raise HTTPException(status_code=401)
"""


def test_a_settings_default_is_no_value_always_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BK_TEST_KEY", "")  # the environment empties the default
    main = guarded_routes(SETTINGS, ["from_settings", "from_class"])
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    agrees_with_fastapi(root, {"/from_settings": (200, "none"), "/from_class": (401, "required")})


REBOUND = """\
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException

API_KEY = os.getenv("BK_TEST_KEY", "")
app = FastAPI()


def load_key() -> None:
    global API_KEY
    API_KEY = None


load_key()


def rebound(x_token: Optional[str] = Header(None)) -> None:
    if API_KEY is not None and x_token != API_KEY:
        raise HTTPException(status_code=401)
"""


def test_a_name_a_function_binds_again_may_be_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BK_TEST_KEY", raising=False)
    main = guarded_routes(REBOUND, ["rebound"])
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": main})
    agrees_with_fastapi(root, {"/rebound": (200, "none")})  # the global is None
