"""The demo's users: one per role, so the served demo can be tried from every seat.

Passwords are random, returned once to the caller (the CLI prints them) and stored only as argon2
hashes; nothing here logs them. A re-run resets every demo user — a new password (which ends their
sessions), enabled, the demo's role, team and linked identity — so the last printed logins are the
only ones that work. The agent is linked to the demo's most-reviewed agent identity, which is what
scopes them to their own conversations; the lead leads that agent's team.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportqa.errors import InputError, NotFoundError
from supportqa.services import users
from supportqa.services.agents import Identity, list_agents
from supportqa.services.permissions import Role
from supportqa.services.workspace import Workspace

__all__ = ["DEMO_DOMAIN", "DemoLogin", "demo_email", "reset_demo_users"]

DEMO_DOMAIN = "demo.example"
"""A reserved domain (RFC 2606): no demo address can reach anyone."""


@dataclass(frozen=True)
class DemoLogin:
    """One demo user's login: `password` is the secret, shown this once."""

    role: str
    email: str
    password: str
    teams: list[str]
    agents: list[str]


def demo_email(role: Role) -> str:
    return f"{role.value}@{DEMO_DOMAIN}"


def demo_agent(workspace: Workspace) -> Identity:
    """The human agent identity with the most reviews (ties by reference): it has conversations."""
    people = [i for i in list_agents(workspace) if not i.is_bot and i.reviews > 0]
    if not people:
        raise InputError("the demo database has no reviewed agent: run the demo with a larger --n")
    return min(people, key=lambda i: (-i.reviews, i.ref))


def _links(role: Role, agent: Identity) -> tuple[list[str], list[str]]:
    """(teams, SOURCE:ID identities) a demo user of `role` gets."""
    team = [agent.team] if agent.team else []
    if role is Role.AGENT:
        return team, [f"{agent.source}:{agent.external_id}"]
    if role is Role.LEAD:
        return team, []
    return [], []


def _reset(
    workspace: Workspace, email: str, role: Role, teams: list[str], agents: list[str], actor: str
) -> str:
    """Bring an existing demo user back to the demo's shape with a new password; the password."""
    existing = users.find_user(workspace, email)
    users.update_user(
        workspace,
        existing.id,
        actor=actor,
        role=role.value,
        teams=teams,
        agents=agents,
        disabled=False,
    )
    password = users.set_password(workspace, email, actor=actor)
    assert password is not None  # none given, so one was generated
    return password


def reset_demo_users(workspace: Workspace, *, actor: str) -> list[DemoLogin]:
    """Create (or reset) one user per role with a new random password each; their logins, in the
    permission table's role order."""
    agent = demo_agent(workspace)
    logins = []
    for role in Role:
        email = demo_email(role)
        teams, agents = _links(role, agent)
        try:
            users.find_user(workspace, email)
        except NotFoundError:
            _, generated = users.add_user(
                workspace,
                email,
                role.value,
                actor=actor,
                name=f"Demo {role.value}",
                teams=teams,
                agents=agents,
            )
            assert generated is not None  # none given, so one was generated
            password = generated
        else:
            password = _reset(workspace, email, role, teams, agents, actor)
        logins.append(DemoLogin(role.value, email, password, teams, agents))
    return logins
