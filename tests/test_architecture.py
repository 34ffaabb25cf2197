"""BK501 import-cycle and BK301 blocking-call-in-async beyond their examples: messages,
locations and options."""

from __future__ import annotations

from pathlib import Path

from backendkit import analyze
from helpers import write_project

CYCLE = {
    "app/__init__.py": "",
    "app/a.py": "import os\nfrom app.b import g\n",
    "app/b.py": "from . import c\n\n\ndef g() -> None:\n    pass\n",
    "app/c.py": "from app import a\nfrom app import b\n",
}

BLOCKING = {
    "app/__init__.py": "",
    "app/util.py": "import time\n\n\ndef nap() -> None:\n    time.sleep(1)\n\n\n"
    "def pause() -> None:\n    nap()\n\n\ndef custom() -> None:\n    legacy.fetch()\n",
    "app/main.py": "from fastapi import FastAPI\n\nfrom app.util import custom, pause\n\n"
    "app = FastAPI()\n\n\n@app.get('/a')\nasync def a() -> None:\n    pause()\n\n\n"
    "@app.get('/b')\nasync def b() -> None:\n    custom()\n",
}


def test_cycle_message_names_the_chain_with_lines(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", CYCLE, select=["BK501"])
    (finding,) = analyze([root]).findings
    assert (finding.path, finding.line) == ("app/a.py", 2)
    assert finding.message.startswith(
        "Import cycle app.a (line 2) -> app.b (line 1) -> app.c (line 1) -> app.a: "
    )
    assert "import inside the function" in finding.message


def test_cycle_group_size_is_reported(tmp_path: Path) -> None:
    files = {**CYCLE, "app/b.py": "from . import c\nfrom app import a\n"}
    root = write_project(tmp_path / "p", files, select=["BK501"])
    (finding,) = analyze([root]).findings
    assert "Import cycle app.a (line 2) -> app.b (line 2) -> app.a" in finding.message
    assert "3 modules are tangled in this group" in finding.message


def test_blocking_chain_two_calls_deep(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", BLOCKING, select=["BK301"])
    (finding,) = analyze([root]).findings
    assert (finding.path, finding.line) == ("app/main.py", 10)
    assert (
        "app.main.a -> app.util.pause (line 10) -> app.util.nap (line 9) -> time.sleep (line 5)"
        in finding.message
    )


def test_blocking_calls_are_configurable(tmp_path: Path) -> None:
    options = {"async": {"blocking-calls": ["legacy.*"]}}
    files = {**BLOCKING, "app/util.py": "import legacy\n" + BLOCKING["app/util.py"]}
    root = write_project(tmp_path / "p", files, options, select=["BK301"])
    assert [(f.path, f.line) for f in analyze([root]).findings] == [("app/main.py", 15)]
    options = {"async": {"extend-blocking-calls": ["legacy.*"]}}
    root = write_project(tmp_path / "q", files, options, select=["BK301"])
    assert [(f.path, f.line) for f in analyze([root]).findings] == [
        ("app/main.py", 10),
        ("app/main.py", 15),
    ]


def test_methods_of_sync_clients_and_external_bases(tmp_path: Path) -> None:
    """``client = httpx.Client()`` then ``client.get``; a session parameter's method."""
    files = {
        "app/__init__.py": "",
        "app/clients.py": "import httpx\nfrom sqlmodel import Session\n\n\n"
        "def fetch(url: str) -> str:\n    client = open_client()\n    return client.get(url).text"
        "\n\n\ndef open_client():\n    return 1\n\n\ndef make() -> None:\n"
        "    client = httpx.Client()\n    client.get('x')\n\n\n"
        "def count(session: Session) -> int:\n    return session.exec('x')\n",
        "app/main.py": "from fastapi import FastAPI\n\n"
        "from app.clients import count, fetch, make\n\napp = FastAPI()\n\n\n"
        "@app.get('/a')\nasync def a() -> None:\n    fetch('u')\n\n\n"
        "@app.get('/b')\nasync def b() -> None:\n    make()\n\n\n"
        "@app.get('/c')\nasync def c() -> None:\n    count(None)\n",
    }
    root = write_project(tmp_path / "p", files, select=["BK301"])
    findings = analyze([root]).findings
    assert [(f.line, f.message.split(": ")[1].split(";")[0]) for f in findings] == [
        (
            15,
            # building the client connects nothing: the request is the blocking call
            "app.main.b -> app.clients.make (line 15) -> httpx.Client.get (line 16)",
        ),
        (20, "app.main.c -> app.clients.count (line 20) -> sqlmodel.Session.exec (line 20)"),
    ]


BOOKKEEPING = {
    "app/__init__.py": "",
    "app/repo.py": "import httpx\nfrom sqlmodel import Session\n\n\n"
    "def stage(session: Session, item: object) -> None:\n    session.add(item)\n"
    "    session.add_all([item])\n    session.expire_all()\n\n\n"
    "def save(session: Session, item: object) -> None:\n    stage(session, item)\n"
    "    session.commit()\n\n\n"
    "def client() -> httpx.Client:\n    return httpx.Client(base_url='https://x.example')\n\n\n"
    "def fetch() -> str:\n    return client().get('/rates').text\n",
    "app/main.py": "from fastapi import FastAPI\nfrom sqlmodel import Session\n\n"
    "from app.repo import client, fetch, save, stage\n\napp = FastAPI()\n"
    "SESSION = Session()\n\n\n"
    "@app.post('/stage')\nasync def staged() -> None:\n    stage(SESSION, 1)\n\n\n"
    "@app.post('/save')\nasync def saved() -> None:\n    save(SESSION, 1)\n\n\n"
    "@app.get('/client')\nasync def built() -> None:\n    client()\n\n\n"
    "@app.get('/fetch')\nasync def fetched() -> str:\n    return fetch()\n",
}


def test_calls_that_do_no_io_are_not_blocking(tmp_path: Path) -> None:
    """Building a client and staging objects in a session do no I/O; the commit after them
    and the client's request do."""
    root = write_project(tmp_path / "p", BOOKKEEPING, select=["BK301"])
    found = {f.line: f.message for f in analyze([root]).findings}
    assert sorted(found) == [17, 27]
    assert "sqlmodel.Session.commit" in found[17]
    assert "httpx.Client.get" in found[27]


def test_non_blocking_calls_are_configurable(tmp_path: Path) -> None:
    """An empty ``non-blocking-calls`` makes every covered call blocking again."""
    options = {"async": {"non-blocking-calls": []}}
    root = write_project(tmp_path / "p", BOOKKEEPING, options, select=["BK301"])
    found = {f.line: f.message for f in analyze([root]).findings}
    assert sorted(found) == [12, 17, 22, 27]
    assert "sqlmodel.Session.add" in found[12]
