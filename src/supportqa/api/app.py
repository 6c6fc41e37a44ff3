"""The app factory: one FastAPI app serving `/api/v1` (JSON) and the pages, over one workspace.

Adding a resource is one step: write a router module whose every route declares its action
(`Depends(allow(Action.X))`), and list it in `API_ROUTERS` (or `PAGE_ROUTERS` for pages); the
authorisation test then checks it against the permission table (docs/serve.md).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI

from supportqa.api import admin, catalog, problems, reserved, reviews, users
from supportqa.api import conversations as conversation_api
from supportqa.api.headers import SecurityHeaders
from supportqa.api.security import public
from supportqa.services.frames import frame_cache
from supportqa.services.workspace import Workspace, open_workspace
from supportqa.settings import Settings
from supportqa.web import conversations as conversation_pages
from supportqa.web import dashboard, pages, vendor
from supportqa.web import errors as page_errors

API_PREFIX = "/api/v1"
OPENAPI_URL = "/api/openapi.json"
API_ROUTERS: tuple[APIRouter, ...] = (
    conversation_api.router,
    reviews.router,
    catalog.router,
    users.router,
    admin.router,
    reserved.router,
)
"""Mounted under `/api/v1`, in this order."""
PAGE_ROUTERS: tuple[APIRouter, ...] = (
    pages.router,
    dashboard.router,
    conversation_pages.router,
    vendor.router,
)

health = APIRouter(tags=["health"])


@health.get("/healthz")
def healthz(_: Annotated[None, Depends(public())]) -> dict[str, str]:
    """For load balancers and deployments: the process answers (no database round trip)."""
    return {"status": "ok"}


def _wall_clock() -> datetime:
    return datetime.now(UTC)


def create_app(
    db: str | None = None,
    *,
    settings: Settings | None = None,
    workspace: Workspace | None = None,
    clock: Callable[[], datetime] | None = None,
    background: Callable[[Workspace, Settings], Callable[[], None]] | None = None,
) -> FastAPI:
    """The app over the database `db` (else SUPPORTQA_DB), or over an open `workspace`. A served
    database is never migrated here: `supportqa migrate` first (as every long-running process).
    `background` starts work beside the app (the SQLite job loop) and returns how to stop it."""
    config = settings or Settings()
    stack = ExitStack()
    if workspace is None:
        workspace = stack.enter_context(open_workspace(db, settings=config, migrate="check"))
    served = workspace

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = background(served, config) if background is not None else None
        try:
            yield
        finally:
            if stop is not None:
                stop()
            stack.close()

    app = FastAPI(
        title="supportqa",
        summary="Customer-support quality: conversations, reviews, analytics, users.",
        openapi_url=OPENAPI_URL,
        docs_url=None,  # Swagger UI needs inline scripts and a CDN: the CSP allows neither
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.workspace = workspace
    app.state.settings = config
    app.state.clock = clock or _wall_clock
    app.state.frames = frame_cache(config)  # one per process: analytics answer from memory
    problems.install(app)
    page_errors.install(app, pages.templates)
    app.add_middleware(SecurityHeaders)
    app.include_router(health)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    pages.mount_static(app)
    return app
