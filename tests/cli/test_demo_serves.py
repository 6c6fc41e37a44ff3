"""`supportqa demo` ends serving: a real process prints the URL and one login per role, answers
over HTTP, stops on Ctrl+C, and a re-run replaces every password."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from supportqa.services.demo_users import DEMO_DOMAIN
from supportqa.services.passwords import verify
from supportqa.storage import Database, accounts
from tests.cli.conftest import Runner, wait_until_healthy

LOGIN = re.compile(rf"(\w+)\s*│\s*(\S+@{re.escape(DEMO_DOMAIN)})\s*│\s*(\S+)\s*│")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    base: str
    logins: dict[str, tuple[str, str]]  # role → (e-mail, password)
    output: str


def _serve_demo(folder: Path, port: int) -> tuple[subprocess.Popen[str], Served]:
    """Start the demo as a user would and wait until it says where it serves and /healthz answers."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "COLUMNS": "200"}
    command = [sys.executable, "-m", "supportqa", "demo", "--dir", str(folder), "--n", "50"]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 120
    for line in process.stdout:  # the URL line comes last, just before uvicorn starts
        lines.append(line)
        if "Serving the demo at" in line or time.monotonic() > deadline:
            break
    output = "".join(lines)
    base = f"http://127.0.0.1:{port}"
    if base + "/" not in output:
        process.kill()
        pytest.fail(f"the demo did not say where it serves:\n{output}")
    if not wait_until_healthy(base, process, deadline):
        process.kill()
        pytest.fail(f"the demo's server did not come up:\n{output}")
    logins = {role: (email, password) for role, email, password in LOGIN.findall(output)}
    return process, Served(base, logins, output)


def _stop(process: subprocess.Popen[str]) -> str:
    """Ctrl+C, as a person at the terminal would; the rest of the output."""
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=30)
    return rest


def _logs_in(base: str, email: str, password: str) -> bool:
    with httpx.Client(base_url=base) as browser:
        form = browser.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf, form.text
        answer = browser.post(
            "/login", data={"email": email, "password": password, "csrf_token": csrf.group(1)}
        )
        if answer.status_code != 303:
            return False
        return bool(browser.get("/api/v1/me").json()["email"] == email)


@pytest.mark.slow  # two demo processes: ~25 s
def test_demo_serves_with_a_login_per_role_stops_on_ctrl_c_and_a_rerun_resets_passwords(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    process, first = _serve_demo(folder, _free_port())
    try:
        assert sorted(first.logins) == ["admin", "agent", "lead", "reviewer", "viewer"]
        assert httpx.get(f"{first.base}/healthz").json() == {"status": "ok"}
        email, password = first.logins["reviewer"]
        assert _logs_in(first.base, email, password)
        agent_email, agent_password = first.logins["agent"]
        with httpx.Client(base_url=first.base) as browser:
            form = browser.get("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            assert csrf
            browser.post(
                "/login",
                data={"email": agent_email, "password": agent_password, "csrf_token": csrf[1]},
            )
            me = browser.get("/api/v1/me").json()
            assert me["role"] == "agent" and me["agents"], me
    finally:
        rest = _stop(process)
    assert process.returncode == 0, rest
    assert "Stopped" in rest

    process, second = _serve_demo(folder, _free_port())
    try:
        assert set(second.logins) == set(first.logins)
        for role, (_, password) in second.logins.items():
            assert password != first.logins[role][1]
        assert not _logs_in(second.base, email, password)
        assert _logs_in(second.base, *second.logins["reviewer"])
    finally:
        _stop(process)


def test_demo_no_serve_creates_the_users_prints_them_and_ends(cli: Runner, tmp_path: Path) -> None:
    made = cli("demo", "--dir", tmp_path / "d", "--n", "30", "--no-serve", "--json")
    assert made.code == 0, made.err
    users = made.json()["users"]
    assert [u["role"] for u in users] == ["admin", "lead", "reviewer", "agent", "viewer"]
    assert made.json()["url"] is None
    database = Database.open(tmp_path / "d" / "supportqa.db")
    try:
        with database.engine.connect() as connection:
            stored = {u.email: u.password_hash or "" for u in accounts.all_users(connection)}
    finally:
        database.dispose()
    assert set(stored) == {u["email"] for u in users}
    for user in users:  # only an argon2 hash of the printed password is kept
        assert stored[user["email"]].startswith("$argon2")
        assert user["password"] not in stored[user["email"]]
        assert verify(user["password"], stored[user["email"]])
    table = cli("demo", "--dir", tmp_path / "d", "--n", "30", "--no-serve")
    assert table.code == 0 and "agent@demo.example" in table.out
    assert "supportqa serve --db" in table.out


def test_demo_on_a_busy_port_fails_in_one_line_before_any_work(cli: Runner, tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = cli("demo", "--dir", tmp_path / "d", "--n", "30", "--port", str(port))
    assert result.code == 1
    assert f"127.0.0.1:{port}" in result.err and "--port" in result.err
    assert not (tmp_path / "d").exists()
