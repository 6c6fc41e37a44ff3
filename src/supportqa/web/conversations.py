"""The conversation list (`/conversations`) and the read-only conversation view
(`/conversations/{source}/{id}`), over `services.conversations` and
`services.conversation_detail` with the caller's scope: an agent's list holds only their own
conversations, and another's id answers the same 404 as a missing one.

The list takes the API's query parameters (a GET form), so its JSON twin is the same query string
under `/api/v1/conversations`. The view cuts each message at its evidence offsets
(`web.highlight`) and the template escapes every piece.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from supportqa.api.security import allow, workspace_of
from supportqa.errors import InputError, NotFoundError
from supportqa.services.conversation_detail import ConversationDetail, conversation_detail
from supportqa.services.conversations import ConversationFilters, Sort, list_conversations
from supportqa.services.permissions import Action, Principal
from supportqa.web.highlight import Piece, Span, pieces
from supportqa.web.pages import templates

router = APIRouter(include_in_schema=False)
FILTERS = tuple(ConversationFilters.model_fields)
PAGING = ("sort", "cursor", "limit")
SORTS = ("newest", "oldest", "-updated", "-iqs", "iqs", "-cx", "cx")
PAGE_SIZE = 50


def _form(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in (*FILTERS, *PAGING)}


def parse_filters(form: dict[str, str]) -> ConversationFilters:
    """The form's filters (blank fields leave them open); bad values are an InputError."""
    given = {k: form[k] for k in FILTERS if form.get(k)}
    try:
        return ConversationFilters.model_validate(given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'filters'}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(f"check the filters: {problems}") from None


def _limit(text: str) -> int:
    if not text:
        return PAGE_SIZE
    if not text.isdigit():
        raise InputError(f"limit must be a whole number, got {text!r}")
    return int(text)


def _query(form: dict[str, str], **changes: str | None) -> str:
    merged: dict[str, str | None] = {**form, **changes}
    return urlencode({k: v for k, v in merged.items() if v})


@router.get("/conversations", response_class=HTMLResponse)
def conversation_list(
    request: Request, principal: Annotated[Principal, Depends(allow(Action.READ_CONVERSATIONS))]
) -> HTMLResponse:
    form = _form(request)
    page, error = None, None
    try:
        page = list_conversations(
            workspace_of(request),
            parse_filters(form),
            scope=principal.scope(),
            sort=Sort.parse(form["sort"]) if form["sort"] else None,
            cursor=form["cursor"] or None,
            limit=_limit(form["limit"]),
        )
    except InputError as exc:
        error = str(exc)
    query = _query(form)
    following = (
        f"/conversations?{_query(form, cursor=page.next_cursor)}"
        if page is not None and page.next_cursor
        else None
    )
    first = f"/conversations?{_query(form, cursor=None)}" if form["cursor"] else None
    return templates.TemplateResponse(
        request,
        "conversations.html",
        {
            "principal": principal,
            "form": form,
            "sorts": SORTS,
            "page": page,
            "error": error,
            "next_url": following,
            "first_url": first,
            "twin": "/api/v1/conversations" + (f"?{query}" if query else ""),
        },
        status_code=400 if error else 200,
    )


def marked_messages(detail: ConversationDetail) -> dict[int, list[Piece]]:
    """Each message's text as pieces, the AI reviews' evidence spans marked (label: reviewee and
    criterion)."""
    spans: dict[int, list[Span]] = {}
    for review in detail.ai_reviews:
        who = review.reviewee_name or review.reviewee_id or "?"
        for criterion in review.criteria:
            for e in criterion.evidence:
                if e.message_index is None or e.start is None or e.end is None:
                    continue
                label = f"{who} · {criterion.key}"
                spans.setdefault(e.message_index, []).append(Span(e.start, e.end, label))
    return {m.index: pieces(m.text, spans.get(m.index, ())) for m in detail.messages}


@router.get("/conversations/{source}/{id}", response_class=HTMLResponse)
def conversation_view(
    request: Request,
    source: str,
    id: str,
    principal: Annotated[Principal, Depends(allow(Action.READ_CONVERSATIONS))],
) -> HTMLResponse:
    detail = conversation_detail(workspace_of(request), source, id, scope=principal.scope())
    if detail is None:
        raise NotFoundError(f"no conversation {source}/{id}")
    context: dict[str, Any] = {
        "principal": principal,
        "c": detail,
        "marked": marked_messages(detail),
        "twin": f"/api/v1/conversations/{_path(source)}/{_path(id)}",
    }
    return templates.TemplateResponse(request, "conversation.html", context)


def _path(part: str) -> str:
    return quote(part, safe="")
