"""BK105's message names what a decode with ``verify_*`` options off lets through: expired,
not-yet-valid, other-audience tokens when only claim checks are off (the signature is still
checked), forged tokens only when the signature check is off."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

AUTH = """\
import jwt


def signed_with(token: str, secret: str) -> dict:
    return jwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                 "verify_aud": False},
    )


def unsigned(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False, "verify_exp": False})


def issuer(token: str, secret: str) -> dict:
    return jwt.decode(token, secret, algorithms=["HS256"], options={"verify_iss": False})
"""


def test_the_message_names_what_is_disabled(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/auth.py": AUTH}, select=["BK105"])
    found = [(f.line, f.message) for f in analyze([root]).findings]
    assert found == [
        (
            5,
            "jwt.decode() turns off verify_exp, verify_nbf, verify_iat, verify_aud: the signature "
            "is still checked, but expired tokens, tokens used before their nbf time, tokens "
            "with a bad iat and tokens issued for another audience pass; keep these checks on",
        ),
        (
            15,
            "jwt.decode() turns off signature verification: any forged token passes; remove "
            "verify_signature=False / verify=False and pass algorithms=[settings.ALGORITHM]",
        ),
        (
            19,
            "jwt.decode() turns off verify_iss: the signature is still checked, but tokens from "
            "another issuer pass; keep this check on",
        ),
    ]
