"""A test-only crash: `SUPPORTQA_TEST_KILL_AFTER_DDL=k` makes the process SIGKILL itself right
after its k-th DDL statement (CREATE, ALTER, DROP).

The kill-matrix tests use it to stop `init` and every migration at each DDL statement, in a forked
child or a real `supportqa` process, and then check that the next command recovers. It is read
from the environment where the engine is made (not a setting: nobody configures a crash), and
without the variable no listener is installed at all.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from sqlalchemy import Engine, event

KILL_AFTER_DDL_ENV = "SUPPORTQA_TEST_KILL_AFTER_DDL"
_DDL = ("CREATE", "ALTER", "DROP")


def install_kill_hook(engine: Engine) -> None:
    value = os.environ.get(KILL_AFTER_DDL_ENV, "").strip()
    if not value:
        return
    limit = int(value)
    seen = 0

    def after_cursor_execute(*args: Any) -> None:
        nonlocal seen
        statement = str(args[2]).lstrip().upper()
        if statement.startswith(_DDL):
            seen += 1
            if seen >= limit:
                os.kill(os.getpid(), signal.SIGKILL)

    event.listen(engine, "after_cursor_execute", after_cursor_execute)
