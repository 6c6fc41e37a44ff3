"""Time in the synthetic help desk: business-hour arrivals, per-channel reply delays, ISO strings.

Times are float seconds since the Unix epoch (UTC) until the last moment, when `iso` formats them
without building datetime objects (the generator's hot path).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from supportqa.synthetic.script import Turn

HOUR_WEIGHTS = (
    0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.8, 1.5, 2.0, 2.1, 2.0,
    1.8, 1.9, 2.0, 1.9, 1.7, 1.3, 1.0, 0.9, 0.8, 0.6, 0.4, 0.25,
)  # fmt: skip
WEEKDAY_WEIGHTS = (1.15, 1.05, 1.0, 1.0, 0.95, 0.45, 0.35)

# (low, high) seconds per delay kind; draws lean towards the low end.
DELAYS: dict[str, dict[str, tuple[float, float]]] = {
    "chat": {
        "first": (8, 110), "first_slow": (250, 1500), "reply": (10, 160), "reply_slow": (190, 480),
        "cust": (8, 120), "burst": (3, 25), "bot": (1, 3), "pickup": (8, 45), "note": (5, 60),
        "to_bot": (4, 25),
        "system": (1, 5), "hold": (20, 90), "open": (0, 0),
    },
    "social": {
        "first": (120, 1700), "first_slow": (3700, 20000), "reply": (60, 3000),
        "reply_slow": (3700, 10000), "cust": (60, 2400), "burst": (5, 60), "bot": (1, 3),
        "pickup": (300, 1500), "note": (30, 600), "system": (1, 10), "hold": (60, 300),
        "open": (0, 0), "to_bot": (4, 25),
    },
    "email": {
        "first": (900, 13500), "first_slow": (29000, 130000), "reply": (1800, 26000),
        "reply_slow": (29500, 80000), "cust": (1200, 60000), "burst": (60, 600), "bot": (1, 3),
        "pickup": (1800, 14000), "note": (60, 1800), "system": (1, 10), "hold": (600, 3600),
        "open": (0, 0), "to_bot": (4, 25),
    },
    "voice": {
        "first": (4, 55), "first_slow": (125, 700), "reply": (5, 40), "reply_slow": (5, 40),
        "cust": (5, 45), "burst": (3, 12), "bot": (1, 3), "pickup": (20, 110), "note": (1, 30),
        "system": (1, 3), "hold": (40, 110), "open": (0, 0), "to_bot": (4, 25),
    },
}  # fmt: skip

_DAY_PREFIX: dict[int, str] = {}


def iso(ts: float) -> str:
    """`2026-09-01T14:03:27Z` for a Unix time in seconds (whole seconds, UTC)."""
    secs = int(ts)
    day, rem = divmod(secs, 86400)
    prefix = _DAY_PREFIX.get(day)
    if prefix is None:
        prefix = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day)).strftime("%Y-%m-%d")
        _DAY_PREFIX[day] = prefix
    hour, rem = divmod(rem, 3600)
    minute, sec = divmod(rem, 60)
    return f"{prefix}T{hour:02d}:{minute:02d}:{sec:02d}Z"


def arrivals(rng: Random, n: int, start: datetime, weeks: int) -> list[float]:
    """`n` sorted arrival times over `weeks` weeks from `start`, busiest in weekday office hours."""
    origin = start.timestamp()
    first_day = start.weekday()
    hours = weeks * 7 * 24
    cum: list[float] = []
    total = 0.0
    for h in range(hours):
        total += WEEKDAY_WEIGHTS[(first_day + h // 24) % 7] * HOUR_WEIGHTS[h % 24]
        cum.append(total)
    slots = rng.choices(range(hours), cum_weights=cum, k=n)
    rand = rng.random
    return sorted(origin + slot * 3600 + rand() * 3600 for slot in slots)


def render(
    rng: Random,
    channel: str,
    turns: list[Turn],
    t0: float,
    authors: dict[str, dict[str, str]],
    sluggish: bool,
) -> tuple[list[dict[str, Any]], list[float], float, float | None, int]:
    """Messages with times, reply delays (for responsiveness), the last message time, the first
    human agent message time and the number of agent messages.

    Delays follow `supportqa.signals.timing`: the responders are the human agents when any replied,
    else the bot, so a bot's instant triage neither answers the customer nor stops the clock.
    """
    table = DELAYS[channel]
    rand = rng.random
    burst_lo, burst_hi = table["burst"]
    joiner = "\n\n" if channel == "email" else " " if channel == "voice" else None
    messages: list[dict[str, Any]] = []
    delays: list[float] = []
    responder = "agent" if any(t[0] == "agent" and t[4] for t in turns) else "bot"
    pending: float | None = None
    first_agent: float | None = None
    agent_messages = 0
    t = t0
    for role, kind, who, parts, public in turns:
        if kind == "reply" and sluggish and pending is not None and delays:
            kind, sluggish = "reply_slow", False
        lo, hi = table[kind]
        t += lo + (hi - lo) * rand() ** 1.6
        texts = [joiner.join(parts)] if joiner is not None else parts
        author = authors[who]
        for i, text in enumerate(texts):
            if i:
                t += burst_lo + (burst_hi - burst_lo) * rand()
            messages.append(
                {"role": role, "text": text, "at": iso(t), "author": author, "public": public}
            )
            if role == "agent":
                agent_messages += 1
                if first_agent is None:
                    first_agent = t
            if not public:
                continue
            if role == "customer":
                if pending is None:
                    pending = float(int(t))
            elif pending is not None and role == responder:
                delays.append(int(t) - pending)
                pending = None
    return messages, delays, t, first_agent, agent_messages
