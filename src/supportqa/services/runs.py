"""Scoring runs as a person sees them: the latest first, with the killed ones shown as `interrupted`
(their process is gone or their heartbeat is older than the claim lease)."""

from __future__ import annotations

from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage.work import RunInfo

__all__ = ["RunInfo", "list_runs"]


def list_runs(
    workspace: Workspace, *, limit: int = 20, settings: Settings | None = None
) -> list[RunInfo]:
    """The newest `limit` runs with their status, counts and the work each still claims."""
    lease_s = (settings or Settings()).claim_lease_s
    return workspace.list_runs(lease_s=lease_s, limit=limit)
