"""An endpoint that verifies a webhook's signature first (``stripe.Webhook.construct_event``,
svix's ``Webhook(secret).verify``) checks its caller's credential: the route is required, not
BK101; a verification a handler swallows, a condition skips or a return comes before is not.
(The libraries are not installed here: the analysis resolves them from the imports.)"""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

MAIN = """\
import os

import stripe
from fastapi import FastAPI, HTTPException, Request
from svix.webhooks import Webhook

app = FastAPI()
SECRET = os.environ.get("STRIPE_SIGNING_SECRET", "")
VERIFY = os.environ.get("VERIFY_WEBHOOKS") == "1"


def parse_event(payload: bytes, signature: str) -> dict:
    return stripe.Webhook.construct_event(payload, signature, SECRET)


@app.post("/stripe")
async def stripe_hook(request: Request) -> dict:
    payload = await request.body()
    event = stripe.Webhook.construct_event(payload, request.headers["stripe-signature"], SECRET)
    return {"type": event["type"]}


@app.post("/reraised")
async def reraised(request: Request) -> dict:
    try:
        payload = await request.body()
        event = stripe.Webhook.construct_event(payload, request.headers["stripe-signature"], SECRET)
    except ValueError as error:
        raise error
    except stripe.error.SignatureVerificationError:
        raise HTTPException(status_code=400, detail="bad signature")
    return {"type": event["type"]}


@app.post("/helper")
async def helper(request: Request) -> dict:
    event = parse_event(await request.body(), request.headers.get("stripe-signature", ""))
    return {"type": event["type"]}


@app.post("/svix")
async def svix_hook(request: Request) -> dict:
    payload = await request.body()
    hook = Webhook(SECRET)
    event = hook.verify(payload, dict(request.headers))
    return {"type": event["type"]}


@app.post("/swallowed")
async def swallowed(request: Request) -> dict:
    try:
        event = stripe.Webhook.construct_event(
            await request.body(), request.headers["stripe-signature"], SECRET
        )
    except Exception:
        return {"ok": False}
    return {"type": event["type"]}


@app.post("/optional")
async def optional(request: Request) -> dict:
    payload = await request.body()
    if VERIFY:
        stripe.Webhook.construct_event(payload, request.headers["stripe-signature"], SECRET)
    return {"ok": True}


@app.post("/late")
async def late(request: Request) -> dict:
    if request.query_params.get("ping"):
        return {"pong": True}
    body = await request.body()
    stripe.Webhook.construct_event(body, request.headers["stripe-signature"], SECRET)
    return {"ok": True}
"""


def test_a_verified_webhook_signature_authenticates_the_caller(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"app/__init__.py": "", "app/main.py": MAIN})
    result = analyze([root], use_cache=False)
    auth = {route.path: route.auth for route in result.routes}
    assert auth == {
        "/stripe": "required",
        "/reraised": "required",
        "/helper": "required",
        "/svix": "required",
        "/swallowed": "none",
        "/optional": "none",
        "/late": "none",
    }
    chains = {route.path: route.auth_chain for route in result.routes}
    assert chains["/stripe"][-1] == (
        "its own body (checks webhook signature (stripe.Webhook.construct_event))"
    )
    assert chains["/svix"][-1].endswith("(svix.webhooks.Webhook.verify))")
    reported = sorted(f.message.split()[2] for f in result.findings if f.code == "BK101")
    assert reported == ["/late", "/optional", "/swallowed"]
