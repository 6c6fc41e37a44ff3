"""Background jobs: the kinds (`kinds.py`), what they call (`handlers.py`) and the runners — the
SQLite in-process loop (`loop.py`) and procrastinate's worker on PostgreSQL (`postgres.py`).

Queueing, listing, retrying and cancelling are `supportqa.services.jobs`; see docs/jobs.md.
"""
