"""`supportqa serve`: the workspace's API and pages on uvicorn, over SQLite or PostgreSQL.

Each uvicorn worker process builds its app with `app_from_env` (the database and settings travel in
SUPPORTQA_* variables). With SQLite every worker also starts the in-process job loop in a thread;
the database's loop lease lets one of them run jobs at a time (`supportqa.jobs.loop`). With
PostgreSQL jobs run in `supportqa worker` processes instead.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from typing import Annotated

import typer
from fastapi import FastAPI

from supportqa.cli.common import DbOption, console, settings, styled
from supportqa.errors import InputError
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings


def _sqlite_job_loop(workspace: Workspace, config: Settings) -> Callable[[], None]:
    """Start the job loop in a daemon thread when the database is SQLite; the stop function."""
    if workspace.db.dialect != "sqlite":
        return lambda: None
    from supportqa.jobs.loop import JobLoop

    stop = threading.Event()
    loop = JobLoop(workspace, config)
    thread = threading.Thread(target=loop.run, args=(stop,), name="supportqa-job-loop", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=config.job_lease_s)

    return halt


def app_from_env() -> FastAPI:
    """uvicorn's factory (one call per worker process)."""
    from supportqa.api import create_app

    return create_app(settings=settings(), background=_sqlite_job_loop)


def ensure_port_free(host: str, port: int) -> None:
    """Fail in one line before any slow work when something already listens on host:port."""
    if port == 0:
        return
    try:
        with socket.create_server((host, port), reuse_port=False):
            pass
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}): pass --port with a free port"
        ) from None


def run_server(db: str | None, *, host: str, port: int, workers: int = 1) -> None:
    """Serve `db` (else SUPPORTQA_DB) until stopped; returns after Ctrl+C (SIGINT) or SIGTERM
    once uvicorn has shut down cleanly."""
    import uvicorn

    if db is not None:
        os.environ["SUPPORTQA_DB"] = db
    uvicorn.run(
        "supportqa.cli.serve_command:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=False,
    )


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes")] = 1,
) -> None:
    """Serve the workspace (API under /api/v1, pages, /healthz) until stopped. The database must be
    migrated (`supportqa migrate`); users come from `supportqa users add`."""
    from supportqa.services.workspace import open_workspace

    with open_workspace(db, settings=settings(), migrate="check") as workspace:
        shown = workspace.db.url
    console.print(styled("Serving ", (shown, "bold"), f" at http://{host}:{port}/ (Ctrl+C stops)"))
    run_server(db, host=host, port=port, workers=workers)


def register(typer_app: typer.Typer) -> None:
    typer_app.command("serve")(serve)
