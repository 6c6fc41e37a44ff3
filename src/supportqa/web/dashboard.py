"""The dashboard (`/`): the report's overview — headline figures, trends, teams — for the caller's
scope, narrowed by a GET form (team, since, until), with the time its figures are as of.

The figures come from `services.analytics.section`, the function `GET /api/v1/analytics/{section}`
calls, over the process's frames cache (kept current from the change log, so a write does not make
the next request re-read the database). Tables carry every figure; charts are drawn by our own
script from the same data embedded as `application/json` (never executable inline script).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from supportqa.api.security import allow, settings_of, workspace_of
from supportqa.errors import InputError
from supportqa.services import analytics
from supportqa.services.frames import FrameCache, ReportFilter
from supportqa.services.permissions import Action, Principal
from supportqa.web import vendor
from supportqa.web.pages import templates

router = APIRouter(include_in_schema=False)
SECTIONS = ("overview", "trends", "teams")
FIELDS = ("team", "since", "until")


def frames_cache_of(request: Request) -> FrameCache:
    """The process's frames cache, the one the API's analytics use (`create_app` makes it), so the
    dashboard and its JSON twin show the same figures as of the same time."""
    cache: FrameCache = request.app.state.frames
    return cache


def _day(name: str, text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name} must be a date like 2026-03-02, got {text!r}") from None


def report_filter(form: dict[str, str]) -> ReportFilter:
    """The dashboard form's filter (blank fields leave it open)."""
    return ReportFilter(
        team=form.get("team") or None,
        since=_day("since", form.get("since", "")),
        until=_day("until", form.get("until", "")),
    )


@router.get("/", response_class=HTMLResponse)
def dashboard(
    request: Request, principal: Annotated[Principal, Depends(allow(Action.READ_ANALYTICS))]
) -> HTMLResponse:
    form = {k: request.query_params.get(k, "").strip() for k in FIELDS}
    query = urlencode({k: v for k, v in form.items() if v})
    twin = "/api/v1/analytics/overview" + (f"?{query}" if query else "")
    results: dict[str, Any] = {}
    error = None
    try:
        chosen = report_filter(form)
        for name in SECTIONS:
            results[name] = analytics.section(
                workspace_of(request),
                name,
                chosen,
                scope=principal.scope(),
                settings=settings_of(request),
                cache=frames_cache_of(request),
            )
    except InputError as exc:
        error, results = str(exc), {}
    charts = {
        name: result.to_json() for name, result in results.items() if name in ("trends", "teams")
    }
    return templates.TemplateResponse(
        request,
        "dashboard.html",
        {
            "principal": principal,
            "form": form,
            "error": error,
            "sections": results,
            "as_of": results["overview"].as_of if "overview" in results else None,
            "charts": charts,
            "query": query,
            "twin": twin,
            "plotly_style_id": vendor.GLOBAL_STYLE_ID,
            "map_style_id": vendor.map_style_id(),
        },
        status_code=400 if error and "must be a date" in error else 200,
    )
