"""Users, sessions, tokens, throttling and audit as services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from supportqa.errors import InputError, NotFoundError, Throttled, Unauthenticated
from supportqa.services import audit, auth, tokens, users
from supportqa.services.permissions import Action, Role
from supportqa.services.scope import Scope
from supportqa.settings import Settings
from supportqa.storage import Database, Repository
from supportqa.storage.tables import agents, people

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
SETTINGS = Settings(secret_key="k" * 32)


def add(repo: Repository, email: str = "Rae@Example.com", role: str = "reviewer", **kw: object):
    info, _ = users.add_user(
        repo,
        email,
        role,
        actor="cli:test",
        password=PASSWORD,
        now=T0,
        **kw,  # type: ignore[arg-type]
    )
    return info


def login(repo: Repository, email: str = "rae@example.com", password: str = PASSWORD, **kw: object):
    return auth.login(
        repo,
        email,
        password,
        address=str(kw.get("address", "10.0.0.1")),
        settings=SETTINGS,
        now=kw.get("now", T0),  # type: ignore[arg-type]
    )


def actions(repo: Repository) -> list[str]:
    return [entry.action for entry in reversed(audit.entries(repo))]


def test_an_added_user_is_found_by_email_in_any_case_and_a_second_one_is_refused(
    repo: Repository,
) -> None:
    info = add(repo, teams=["Billing", "Billing"], agents=["zendesk:501"])
    assert (info.email, info.role, info.teams, info.agents) == (
        "rae@example.com",
        "reviewer",
        ["Billing"],
        ["zendesk:501"],
    )
    with pytest.raises(InputError, match="exists"):
        add(repo, "RAE@example.COM")
    assert [u.email for u in users.list_users(repo)] == ["rae@example.com"]


def test_a_user_added_without_a_password_gets_a_random_one_that_logs_in(repo: Repository) -> None:
    _, first = users.add_user(repo, "a@x.io", "viewer", actor=None)
    _, second = users.add_user(repo, "b@x.io", "viewer", actor=None)
    assert first and second and first != second and len(first) >= 16
    assert login(repo, "a@x.io", first).principal.role is Role.VIEWER


def test_bad_roles_emails_agents_and_short_passwords_are_input_errors(repo: Repository) -> None:
    for email, role, kw in (
        ("x@y.z", "owner", {}),
        ("not-an-email", "agent", {}),
        ("x@y.z", "agent", {"agents": ["zendesk501"]}),
        ("x@y.z", "agent", {"password": "short"}),
    ):
        with pytest.raises(InputError):
            users.add_user(repo, email, role, actor=None, **kw)  # type: ignore[arg-type]


def test_each_login_starts_a_new_session_and_the_session_finds_its_user(repo: Repository) -> None:
    add(repo)
    first, second = login(repo), login(repo)
    assert first.session_id != second.session_id and first.csrf != second.csrf
    found = auth.session_principal(repo, first.session_id, settings=SETTINGS, now=T0)
    assert found is not None and found[0].email == "rae@example.com" and found[1] == first.csrf
    assert auth.session_principal(repo, "forged", settings=SETTINGS, now=T0) is None


def test_a_wrong_password_an_unknown_email_and_a_disabled_user_fail_alike(repo: Repository) -> None:
    add(repo)
    add(repo, "gone@example.com")
    users.disable_user(repo, "gone@example.com", actor=None)
    messages = set()
    for email, password in (
        ("rae@example.com", "wrong password!"),
        ("nobody@example.com", PASSWORD),
        ("gone@example.com", PASSWORD),
    ):
        with pytest.raises(Unauthenticated) as caught:
            login(repo, email, password)
        messages.add(str(caught.value))
    assert messages == {auth.LOGIN_FAILED}


def test_a_session_ends_after_the_idle_limit_even_when_young(repo: Repository) -> None:
    add(repo)
    session = login(repo).session_id
    idle = timedelta(seconds=SETTINGS.session_idle_s)
    assert auth.session_principal(
        repo, session, settings=SETTINGS, now=T0 + idle - timedelta(seconds=1)
    )
    later = T0 + 2 * idle - timedelta(seconds=2)  # used just now: still alive
    assert auth.session_principal(repo, session, settings=SETTINGS, now=later)
    assert (
        auth.session_principal(repo, session, settings=SETTINGS, now=later + idle + timedelta(1))
        is None
    )
    # once ended, it stays ended
    assert auth.session_principal(repo, session, settings=SETTINGS, now=later) is None


def test_a_session_ends_at_the_absolute_limit_however_much_it_is_used(repo: Repository) -> None:
    add(repo)
    session = login(repo).session_id
    at = T0
    end = T0 + timedelta(seconds=SETTINGS.session_absolute_s)
    while at + timedelta(hours=4) < end:
        at += timedelta(hours=4)
        assert auth.session_principal(repo, session, settings=SETTINGS, now=at) is not None
    assert (
        auth.session_principal(repo, session, settings=SETTINGS, now=end + timedelta(hours=1))
        is None
    )


@pytest.mark.parametrize("change", ["disable", "password"])
def test_disabling_a_user_or_changing_their_password_ends_all_their_sessions(
    repo: Repository, change: str
) -> None:
    add(repo)
    sessions = [login(repo).session_id for _ in range(2)]
    if change == "disable":
        users.disable_user(repo, "rae@example.com", actor="cli:test", now=T0)
    else:
        users.set_password(
            repo, "rae@example.com", actor="cli:test", password="a new password", now=T0
        )
    for session in sessions:
        assert auth.session_principal(repo, session, settings=SETTINGS, now=T0) is None
    if change == "password":
        with pytest.raises(Unauthenticated):
            login(repo)
        assert login(repo, password="a new password").principal.email == "rae@example.com"


def test_tokens_work_until_revoked_expired_or_their_user_is_disabled(repo: Repository) -> None:
    user = add(repo)
    new = tokens.create_token(repo, user.id, actor=None, name="ci", now=T0)
    assert new.token.startswith(f"sqa_{new.info.prefix}_")
    principal = auth.token_principal(repo, new.token, now=T0)
    assert principal is not None and principal.via == "token" and not principal.read_only
    assert (
        auth.token_principal(repo, new.token[:-1] + ("A" if new.token[-1] != "A" else "B"), now=T0)
        is None
    )
    tokens.revoke_token(repo, new.info.id, actor=None, now=T0)
    assert auth.token_principal(repo, new.token, now=T0) is None

    expiring = tokens.create_token(repo, user.id, actor=None, expires_days=1, now=T0)
    assert auth.token_principal(repo, expiring.token, now=T0 + timedelta(hours=23)) is not None
    assert auth.token_principal(repo, expiring.token, now=T0 + timedelta(days=1)) is None

    kept = tokens.create_token(repo, user.id, actor=None, now=T0)
    users.disable_user(repo, user.email, actor=None)
    assert auth.token_principal(repo, kept.token, now=T0) is None


def test_a_read_only_token_may_read_but_not_write(repo: Repository) -> None:
    user = add(repo, role="admin")
    token = tokens.create_token(repo, user.id, actor=None, read_only=True).token
    principal = auth.token_principal(repo, token)
    assert principal is not None and principal.read_only
    assert principal.may(Action.READ_AUDIT) and principal.may(Action.READ_CONVERSATIONS)
    assert not principal.may(Action.WRITE_REVIEWS) and not principal.may(Action.MANAGE_USERS)


def test_five_failures_of_one_pair_throttle_that_pair_only_until_the_window_passes(
    repo: Repository,
) -> None:
    add(repo)
    for k in range(5):
        with pytest.raises(Unauthenticated):
            login(repo, password="wrong password!", now=T0 + timedelta(seconds=k))
    with pytest.raises(Throttled) as caught:
        login(repo, now=T0 + timedelta(seconds=10))  # even the right password
    assert caught.value.retry_after == 15 * 60 - 10
    assert login(repo, address="10.0.0.2", now=T0 + timedelta(seconds=10))  # another address
    assert login(repo, now=T0 + timedelta(seconds=15 * 60 + 1))


def test_twenty_failures_from_one_address_throttle_every_email_from_it(repo: Repository) -> None:
    add(repo)
    for k in range(20):
        with pytest.raises(Unauthenticated):
            login(repo, f"guess{k % 5}-{k}@example.com", "wrong password!", now=T0)
    with pytest.raises(Throttled):
        login(repo, now=T0 + timedelta(seconds=1))
    assert login(repo, address="10.0.0.9", now=T0 + timedelta(seconds=1))


def test_throttling_is_shared_by_every_process_on_the_database(db_url: str) -> None:
    """Two handles (two server processes) on one database count the same failures."""
    first, second = Database.open(db_url, create=True), Database.open(db_url)
    try:
        add(Repository(first))
        for k in range(5):
            with pytest.raises(Unauthenticated):
                login(Repository(first if k % 2 else second), password="wrong password!")
        for handle in (first, second):
            with pytest.raises(Throttled):
                login(Repository(handle))
    finally:
        first.dispose()
        second.dispose()


def test_every_write_and_every_failed_login_is_audited(repo: Repository) -> None:
    user = add(repo)
    login(repo)
    with pytest.raises(Unauthenticated):
        login(repo, "nobody@example.com")
    token = tokens.create_token(repo, user.id, actor="cli:test")
    tokens.revoke_token(repo, token.info.id, actor="cli:test")
    users.update_user(repo, user.id, actor="cli:test", role="lead", teams=["Billing"])
    users.set_password(repo, user.email, actor="cli:test", password="another password")
    session = login(repo, password="another password").session_id
    auth.end_session(repo, session)
    assert actions(repo) == [
        "user.add", "login", "login.failed", "token.create", "token.revoke", "user.update",
        "user.set_password", "login", "logout",
    ]  # fmt: skip
    change = next(e for e in audit.entries(repo) if e.action == "user.update")
    assert change.before and change.after
    assert (change.before["role"], change.after["role"]) == ("reviewer", "lead")
    failed = audit.entries(repo, action="login.failed")[0]
    assert (failed.actor, failed.target, failed.address) == (None, "nobody@example.com", "10.0.0.1")
    assert all("hash" not in str(e.after) for e in audit.entries(repo))


def test_the_audit_log_refuses_update_and_delete(db: Database) -> None:
    from supportqa.storage.auth_tables import audit_log

    with db.engine.begin() as connection:
        audit.record(connection, actor="x", action="test")
    for statement in (audit_log.update().values(actor="y"), audit_log.delete()):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
            connection.execute(statement)
    with db.engine.connect() as connection:
        assert connection.execute(select(audit_log.c.actor)).scalars().all() == ["x"]


def _identity(repo: Repository, person_key: str, *identities: tuple[str, str]) -> None:
    with repo.db.engine.begin() as connection:
        key = connection.execute(insert(people).values(key=person_key, created_at=T0))
        person = key.inserted_primary_key
        assert person is not None
        for source, external in identities:
            row = {"source": source, "external_id": external, "person_id": person[0]}
            connection.execute(insert(agents).values(**row))


def test_an_agent_scope_covers_every_identity_of_their_person_and_masks(repo: Repository) -> None:
    _identity(repo, "501", ("zendesk", "501"), ("csv", "sam"))
    _identity(repo, "777", ("zendesk", "777"))
    add(repo, "sam@example.com", "agent", agents=["zendesk:501"])
    scope = login(repo, "sam@example.com").principal.scope()
    assert scope.reviewees == {("zendesk", "501"), ("csv", "sam")} and scope.mask_personal_data
    add(repo, "v@example.com", "viewer")
    viewer = login(repo, "v@example.com").principal.scope()
    assert viewer.everything and viewer.mask_personal_data
    add(repo)
    assert login(repo).principal.scope() == Scope()


def test_the_app_secret_is_generated_once_and_shared(db_url: str) -> None:
    first, second = Database.open(db_url, create=True), Database.open(db_url)
    try:
        unset = Settings(secret_key=None)
        key = auth.app_secret(Repository(first), unset)
        assert len(key) >= 32 and auth.app_secret(Repository(second), unset) == key
        assert auth.app_secret(Repository(first), Settings(secret_key="given" * 8)) == "given" * 8
    finally:
        first.dispose()
        second.dispose()


def test_unknown_users_and_tokens_are_not_found(repo: Repository) -> None:
    with pytest.raises(NotFoundError):
        users.get_user(repo, 99)
    with pytest.raises(NotFoundError):
        tokens.revoke_token(repo, 99, actor=None)
