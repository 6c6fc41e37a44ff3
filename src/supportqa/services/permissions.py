"""Who may do what: the roles, the actions, and the one permission table every route checks.

A route declares the action it performs; the table says which roles may perform it. Row scoping
(an agent's own conversations, masking) is not here but in `Principal.scope()`, which read services
apply in their queries. docs/serve.md shows this table, checked against it by a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from supportqa.services.scope import Scope


class Role(StrEnum):
    ADMIN = "admin"
    LEAD = "lead"
    REVIEWER = "reviewer"
    AGENT = "agent"
    VIEWER = "viewer"


class Action(StrEnum):
    """What a request does. `read_*` actions change nothing: they are all a read-only token may do."""

    READ_ME = "read_me"
    READ_CONVERSATIONS = "read_conversations"
    READ_REVIEWS = "read_reviews"
    READ_ANALYTICS = "read_analytics"
    READ_SCORECARDS = "read_scorecards"
    READ_USERS = "read_users"
    READ_AUDIT = "read_audit"
    READ_JOBS = "read_jobs"
    READ_ASSIGNMENTS = "read_assignments"
    READ_CALIBRATION = "read_calibration"
    READ_DISPUTES = "read_disputes"
    READ_COACHING = "read_coaching"
    READ_CONNECTIONS = "read_connections"
    WRITE_REVIEWS = "write_reviews"
    WRITE_OVERRIDES = "write_overrides"
    MANAGE_USERS = "manage_users"
    MANAGE_TOKENS = "manage_tokens"
    MANAGE_ASSIGNMENTS = "manage_assignments"
    MANAGE_CALIBRATION = "manage_calibration"
    MANAGE_DISPUTES = "manage_disputes"
    MANAGE_COACHING = "manage_coaching"
    MANAGE_SCORECARDS = "manage_scorecards"
    MANAGE_CONNECTIONS = "manage_connections"
    MANAGE_SETTINGS = "manage_settings"

    @property
    def reads(self) -> bool:
        return self.value.startswith("read_")


_ALL = frozenset(Role)
_STAFF = frozenset({Role.ADMIN, Role.LEAD, Role.REVIEWER})
_LEADS = frozenset({Role.ADMIN, Role.LEAD})
_ADMIN = frozenset({Role.ADMIN})

PERMISSIONS: dict[Action, frozenset[Role]] = {
    # Everyone reads (agents: their own conversations and reviews of themselves, masked; viewers:
    # everything, masked) — the scope narrows what they see, not whether they may ask.
    Action.READ_ME: _ALL,
    Action.READ_CONVERSATIONS: _ALL,
    Action.READ_REVIEWS: _ALL,
    Action.READ_ANALYTICS: _ALL,
    Action.READ_SCORECARDS: _ALL,
    Action.READ_JOBS: _STAFF,
    Action.READ_ASSIGNMENTS: _STAFF,
    Action.READ_CALIBRATION: _STAFF,
    Action.READ_DISPUTES: _STAFF | {Role.AGENT},
    Action.READ_COACHING: _STAFF | {Role.AGENT},
    Action.READ_CONNECTIONS: _ADMIN,
    Action.READ_USERS: _ADMIN,
    Action.READ_AUDIT: _ADMIN,
    # Reviewers write human reviews and overrides.
    Action.WRITE_REVIEWS: _STAFF,
    Action.WRITE_OVERRIDES: _STAFF,
    # Leads also run the review programme (for their teams).
    Action.MANAGE_ASSIGNMENTS: _LEADS,
    Action.MANAGE_CALIBRATION: _LEADS,
    Action.MANAGE_DISPUTES: _LEADS,
    Action.MANAGE_COACHING: _LEADS,
    Action.MANAGE_SCORECARDS: _LEADS,
    # Admins also manage users, everyone's tokens, settings and connections.
    Action.MANAGE_USERS: _ADMIN,
    Action.MANAGE_TOKENS: _ADMIN,
    Action.MANAGE_CONNECTIONS: _ADMIN,
    Action.MANAGE_SETTINGS: _ADMIN,
}


def allowed(role: Role, action: Action) -> bool:
    return role in PERMISSIONS[action]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller of one request. `identities` are the help-desk identities of the
    people the user is linked to (expanded by the auth service); `read_only` is a read-only token's."""

    user_id: int
    email: str
    role: Role
    teams: frozenset[str] = frozenset()
    identities: frozenset[tuple[str, str]] = frozenset()
    read_only: bool = False
    via: Literal["session", "token", "cli"] = "session"
    token_id: int | None = None

    def may(self, action: Action) -> bool:
        """The permission table, narrowed to read actions for a read-only token."""
        if self.read_only and not action.reads:
            return False
        return allowed(self.role, action)

    def scope(self) -> Scope:
        """What reads return: an agent their identities (masked), a viewer everything masked,
        everyone else everything as stored."""
        if self.role is Role.AGENT:
            return Scope(reviewees=self.identities, mask_personal_data=True)
        if self.role is Role.VIEWER:
            return Scope(mask_personal_data=True)
        return Scope()
