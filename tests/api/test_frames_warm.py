"""A server loads the analytics frames when it starts, so no user's request pays the first full
read (on PostgreSQL, every review of the database)."""

from __future__ import annotations

import time

from supportqa.services.permissions import Role
from tests.api.conftest import Served


def test_the_frames_are_loaded_at_start_and_the_first_dashboard_read_finds_them(
    served: Served,
) -> None:
    cache = served.app.state.frames
    with served.client() as client:  # `with` runs the app's start-up
        deadline = time.monotonic() + 30
        while not cache.paths and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sum(cache.paths.values()) == 1, "the start-up read the frames once"
        started = dict(cache.paths)
        answer = client.get("/api/v1/analytics/overview", headers=served.bearer(Role.LEAD))
        assert answer.status_code == 200, answer.text
    assert cache.paths["cached"] == 1 + started.get("cached", 0), (started, cache.paths)
