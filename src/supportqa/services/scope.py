"""What one caller may see: the row scope every read service applies in its own query.

The workspace's roles (see the permission table) come down to two questions a read service can
answer without knowing about users: which reviewees' conversations and reviews are visible, and
whether customers' personal data is masked. Scoping lives here, in the services' queries, never in
templates or routes, so the API, the pages and the CLI cannot disagree about who sees what.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EVERYTHING", "Scope"]


@dataclass(frozen=True)
class Scope:
    """`reviewees` is None for "every conversation"; otherwise the (source, external id) help-desk
    identities whose conversations (where they are a reviewee) and reviews (of them) are visible —
    an agent's own identities, all identities of the people they are linked to. `mask_personal_data`
    asks for customers' personal data to be redacted (agents and viewers)."""

    reviewees: frozenset[tuple[str, str]] | None = None
    mask_personal_data: bool = False

    @property
    def everything(self) -> bool:
        return self.reviewees is None

    def sees_reviewee(self, source: str, reviewee_id: str | None) -> bool:
        """Whether a review of `reviewee_id` (an identity of `source`) is visible in this scope."""
        if self.reviewees is None:
            return True
        return reviewee_id is not None and (source, reviewee_id) in self.reviewees


EVERYTHING = Scope()
"""The scope of the CLI and of roles that see every conversation unmasked."""
