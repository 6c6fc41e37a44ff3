"""The demo's users: one per role with a random password returned once, reset by every re-run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from supportqa.errors import InputError
from supportqa.services import audit, users
from supportqa.services.agents import list_agents
from supportqa.services.demo import run_demo
from supportqa.services.demo_users import demo_email, reset_demo_users
from supportqa.services.passwords import verify
from supportqa.services.permissions import Role
from supportqa.services.workspace import open_workspace
from supportqa.storage import accounts


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_demo(tmp_path_factory.mktemp("demo"), 30, seed=3).db


@pytest.fixture
def db(demo_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_db, copy)
    return copy


def _hashes(db: Path) -> dict[str, str]:
    with open_workspace(str(db)) as workspace, workspace.db.engine.connect() as connection:
        return {u.email: u.password_hash or "" for u in accounts.all_users(connection)}


def test_one_user_per_role_each_with_its_own_password_stored_only_as_a_hash(db: Path) -> None:
    with open_workspace(str(db)) as workspace:
        logins = reset_demo_users(workspace, actor="test")
        people = list_agents(workspace)
    assert [login.role for login in logins] == [role.value for role in Role]
    assert [login.email for login in logins] == [demo_email(role) for role in Role]
    assert len({login.password for login in logins}) == len(logins)
    stored = _hashes(db)
    for login in logins:
        assert verify(login.password, stored[login.email])
        assert login.password not in stored[login.email]
    agent = next(login for login in logins if login.role == "agent")
    (linked,) = agent.agents
    most_reviewed = max(i.reviews for i in people if not i.is_bot)
    identity = next(i for i in people if f"{i.source}:{i.external_id}" == linked)
    assert identity.reviews == most_reviewed > 0 and not identity.is_bot
    lead = next(login for login in logins if login.role == "lead")
    assert lead.teams == agent.teams == [identity.team]


def test_a_rerun_gives_new_passwords_and_restores_a_changed_demo_user(db: Path) -> None:
    with open_workspace(str(db)) as workspace:
        first = {login.email: login.password for login in reset_demo_users(workspace, actor="a")}
        agent = users.find_user(workspace, demo_email(Role.AGENT))
        users.update_user(workspace, agent.id, actor="a", role="admin", agents=[], disabled=True)
        second = {login.email: login.password for login in reset_demo_users(workspace, actor="b")}
        restored = users.find_user(workspace, demo_email(Role.AGENT))
        entries = audit.entries(workspace)
    stored = _hashes(db)
    assert set(first) == set(second)
    for email, password in second.items():
        assert password != first[email]
        assert verify(password, stored[email]) and not verify(first[email], stored[email])
    assert restored.role == "agent" and not restored.disabled and restored.agents == agent.agents
    by_b = [e.action for e in entries if e.actor == "b"]
    assert by_b.count("user.set_password") == len(Role)  # every reset is audited, by its actor


def test_a_database_without_reviewed_agents_is_one_input_error(tmp_path: Path) -> None:
    with (
        open_workspace(str(tmp_path / "empty.db"), create=True) as workspace,
        pytest.raises(InputError, match="larger --n"),
    ):
        reset_demo_users(workspace, actor="test")
