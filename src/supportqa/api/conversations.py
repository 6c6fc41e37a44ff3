"""`/api/v1/conversations`: the list (filters, full-text `q`, sort, keyset cursor) and one
conversation — both scoped to the caller in the service's query, so a conversation out of scope
answers 404 exactly like a missing one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from supportqa.api.problems import PROBLEM_RESPONSES
from supportqa.api.security import allow, workspace_of
from supportqa.errors import NotFoundError
from supportqa.services.conversation_detail import ConversationDetail, conversation_detail
from supportqa.services.conversations import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ConversationFilters,
    ConversationPage,
    Sort,
    list_conversations,
)
from supportqa.services.permissions import Action, Principal
from supportqa.services.workspace import Workspace

router = APIRouter(tags=["conversations"], responses=PROBLEM_RESPONSES)
WorkspaceDep = Annotated[Workspace, Depends(workspace_of)]
Reader = Annotated[Principal, Depends(allow(Action.READ_CONVERSATIONS))]
SORTS = "^(newest|oldest|-?(created|updated|iqs|cx))$"
Text = Annotated[str | None, Query(max_length=300)]


def query_errors(exc: ValidationError) -> RequestValidationError:
    """A filter model's validation error as FastAPI's, so it answers the same 422 problem."""
    return RequestValidationError(
        [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
    )


def conversation_filters(
    agent: Text = None,
    team: Text = None,
    channel: Text = None,
    status: Text = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    updated_from: datetime | None = None,
    updated_to: datetime | None = None,
    cx_min: Annotated[float | None, Query(ge=1, le=5)] = None,
    cx_max: Annotated[float | None, Query(ge=1, le=5)] = None,
    iqs_min: Annotated[float | None, Query(ge=0, le=100)] = None,
    iqs_max: Annotated[float | None, Query(ge=0, le=100)] = None,
    kind: Literal["ai", "human"] = "ai",
    flagged: bool | None = None,
    reviewed: bool | None = None,
    q: Annotated[str | None, Query(max_length=1000)] = None,
) -> ConversationFilters:
    """The list's filters from the query string (`ConversationFilters` documents each)."""
    given: dict[str, Any] = {
        key: value for key, value in locals().items() if value is not None and key != "kind"
    }
    try:
        return ConversationFilters(kind=kind, **given)
    except ValidationError as exc:
        raise query_errors(exc) from None


@router.get("/conversations")
def conversations(
    workspace: WorkspaceDep,
    principal: Reader,
    filters: Annotated[ConversationFilters, Depends(conversation_filters)],
    sort: Annotated[str, Query(pattern=SORTS)] = "newest",
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> ConversationPage:
    """A page of the conversations the caller may see; pass `next_cursor` back as `cursor` (same
    filters and sort) for the next. Sorts: `newest`, `oldest`, or a key (`created`, `updated`,
    `iqs`, `cx`), `-` before it for descending."""
    return list_conversations(
        workspace,
        filters,
        scope=principal.scope(),
        sort=Sort.parse(sort),
        cursor=cursor,
        limit=limit,
    )


@router.get("/conversations/{source}/{conversation_id}")
def conversation(
    source: str, conversation_id: str, workspace: WorkspaceDep, principal: Reader
) -> ConversationDetail:
    """One conversation: transcript, AI reviews per reviewee with evidence offsets (code points
    into each message's `text` as returned), CX, people's reviews and overrides."""
    found = conversation_detail(workspace, source, conversation_id, scope=principal.scope())
    if found is None:
        raise NotFoundError(f"no conversation {source}/{conversation_id}")
    return found
