"""`supportqa users …` and a real `supportqa serve` process on a loopback port."""

from __future__ import annotations

import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from supportqa.services import audit
from supportqa.storage import Database, Repository
from tests.cli.conftest import Runner, wait_until_healthy

PASSWORD = "a long password"


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "qa.db"
    Database.open(path, create=True).dispose()
    return path


def test_users_add_prints_a_random_password_once_and_stdin_sets_a_chosen_one(
    cli: Runner, db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = cli("users", "add", "Lee@Example.com", "--role", "lead", "--team", "Billing",
               "--db", db_file, "--json")  # fmt: skip
    assert made.code == 0, made.err
    assert made.json()["user"]["email"] == "lee@example.com" and len(made.json()["password"]) >= 16
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    chosen = cli("users", "add", "ana@example.com", "--role", "agent", "--agent", "zendesk:501",
                 "--password-stdin", "--db", db_file, "--json")  # fmt: skip
    assert chosen.code == 0 and chosen.json()["password"] is None
    listed = cli("users", "list", "--db", db_file, "--json").json()["users"]
    assert [(u["email"], u["role"], u["agents"]) for u in listed] == [
        ("ana@example.com", "agent", ["zendesk:501"]),
        ("lee@example.com", "lead", []),
    ]
    again = cli("users", "add", "LEE@example.com", "--role", "viewer", "--db", db_file)
    assert again.code == 1 and "exists" in again.err
    database = Database.open(db_file)
    try:
        actions = [e.action for e in audit.entries(Repository(database))]
        assert actions == ["user.add", "user.add"]
        assert audit.entries(Repository(database))[0].actor.startswith("cli")  # type: ignore[union-attr]
    finally:
        database.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(
    db_file: Path, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str]]:
    """`supportqa serve` as a real process; (base URL, an admin's token)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert cli("users", "add", "admin@example.com", "--role", "admin", "--password-stdin",
               "--db", db_file).code == 0  # fmt: skip
    token = cli("users", "token", "admin@example.com", "--db", db_file, "--json").json()["token"]
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "supportqa", "serve", "--db", str(db_file), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_until_healthy(base, process, time.monotonic() + 30):
            out, err = process.communicate(timeout=5)
            pytest.fail(f"serve did not come up: {out.decode()} {err.decode()}")
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_answers_healthz_a_token_and_a_login_over_real_http(server: tuple[str, str]) -> None:
    base, token = server
    health = httpx.get(f"{base}/healthz")
    assert health.json() == {"status": "ok"}
    assert health.headers["x-content-type-options"] == "nosniff"
    me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == "admin@example.com"
    with httpx.Client(base_url=base) as browser:
        form = browser.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf
        logged = browser.post(
            "/login",
            data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": csrf.group(1)},
        )
        assert logged.status_code == 303 and logged.headers["location"] == "/"
        assert browser.get("/api/v1/me").json()["via"] == "session"
