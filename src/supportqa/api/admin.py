"""`/api/v1/audit` and `/api/v1/jobs`: what happened, and the background work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from supportqa.api.problems import PROBLEM_RESPONSES
from supportqa.api.schemas import AuditOut, JobOut
from supportqa.api.security import allow, workspace_of
from supportqa.services import audit, jobs
from supportqa.services.permissions import Action, Principal
from supportqa.services.workspace import Workspace

router = APIRouter(responses=PROBLEM_RESPONSES)
WorkspaceDep = Annotated[Workspace, Depends(workspace_of)]


@router.get("/audit", tags=["audit"])
def audit_log(
    workspace: WorkspaceDep,
    _: Annotated[Principal, Depends(allow(Action.READ_AUDIT))],
    action: str | None = None,
    actor: str | None = None,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditOut]:
    """The audit log newest first; page on with `before_id` = the last id seen."""
    found = audit.entries(workspace, action=action, actor=actor, before_id=before_id, limit=limit)
    return found


@router.get("/jobs", tags=["jobs"])
def list_jobs(
    workspace: WorkspaceDep,
    _: Annotated[Principal, Depends(allow(Action.READ_JOBS))],
    status: Annotated[str | None, Query(pattern="^(" + "|".join(jobs.STATUSES) + ")$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[JobOut]:
    """Background jobs newest first (the same list as `supportqa jobs`)."""
    return [
        JobOut(**{name: getattr(job, name) for name in JobOut.model_fields})
        for job in jobs.list_jobs(workspace, status=status, limit=limit)
    ]
