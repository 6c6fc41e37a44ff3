"""The ground truth of a synthetic conversation: the defects injected and the outcomes they cause.

A latent agent quality `q` (0–1) drives every defect: its probability is the target rate times
`bad = (1 - q) / mean(1 - q)`, so rates hold on average while better agents fail less. Outcomes
(CSAT, NPS, CES, reopen, status) then follow the defects, as they do in life.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from random import Random
from typing import Any

# Target rates among the conversations where the defect can occur (a human agent replied; a voice
# call for the disclosure).
RATES: dict[str, float] = {
    "no_greeting": 0.10,
    "no_closing": 0.15,
    "rude": 0.05,
    "unresolved": 0.14,
    "partial": 0.16,
    "missed_disclosure": 0.20,
    "pii": 0.02,
    "slow": 0.10,
    "distress": 0.30,
    "misread": 0.06,
    "sluggish": 0.12,
}
SLA_FIRST: dict[str, float] = {"chat": 120, "social": 1800, "email": 14400, "voice": 60}
SLA_NEXT: dict[str, float] = {"chat": 180, "social": 3600, "email": 28800, "voice": 120}


@dataclass(slots=True)
class Truth:
    """What really happened; `as_dict` is stored as `metadata.truth`.

    Besides the defects themselves: `rude_style` says whether the rude line still matches a
    forbidden phrase in order with one extra word ("token") or needs fuzzy matching ("fuzzy");
    `pii_kind` is "card" or "password"; `sluggish` marks an injected slow later reply;
    `responsiveness` (1–3) and `first_reply_s` are measured from the timestamps as
    `supportqa.signals.timing` does, and `slow` means that first reply took over twice the SLA;
    `comprehension`, `clarity` and `spelling` are the human-only criteria's true ratings;
    `borderline` names the criteria whose pass is weak (where strict reviewers fail it).
    """

    quality: float
    greeting: bool = True
    closing: bool | None = True
    rude: bool = False
    rude_style: str | None = None
    resolution: str = "resolved"
    solution_offered: bool | None = True
    comprehension: bool | None = True
    disclosure: bool | None = None
    pii_exposed: bool = False
    pii_kind: str | None = None
    slow: bool = False
    sluggish: bool = False
    customer_distress: bool = False
    empathy: int | None = None
    tone: int = 3
    clarity: int = 3
    spelling: int = 3
    responsiveness: int | None = None
    first_reply_s: float | None = None
    no_problem: bool = False
    bot: str | None = None
    transfer: bool = False
    customer_left: bool = False
    borderline: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["quality"] = round(self.quality, 3)
        if self.first_reply_s is not None:
            data["first_reply_s"] = round(self.first_reply_s, 1)
        return data


def _level(value: float, cuts: tuple[float, ...]) -> int:
    """1 + how many of the ascending `cuts` the value reaches."""
    return 1 + sum(value >= c for c in cuts)


def draw_truth(
    rng: Random,
    q: float,
    bad: float,
    *,
    channel: str,
    sloppy: float,
    no_problem: bool,
    customer_left: bool,
) -> Truth:
    """Draw the defects of a conversation handled by a human agent of latent quality `q`."""
    t = Truth(quality=q, no_problem=no_problem, customer_left=customer_left)
    half = 0.5 + 0.5 * bad
    t.greeting = rng.random() >= RATES["no_greeting"] * bad
    t.closing = None if customer_left else rng.random() >= RATES["no_closing"] * bad
    t.rude = not no_problem and rng.random() < RATES["rude"] * bad
    if t.rude:
        t.rude_style = "token" if rng.random() < 0.5 else "fuzzy"
    t.customer_distress = not no_problem and rng.random() < RATES["distress"]
    t.tone = 1 if t.rude else 1 + _level(q + rng.gauss(0, 0.12), (0.42, 0.72))
    if t.customer_distress:
        t.empathy = 1 if t.rude else _level(q + rng.gauss(0, 0.15), (0.35, 0.55, 0.75))
    t.clarity = _level(q + rng.gauss(0, 0.15), (0.25, 0.45))
    u = rng.random()
    t.spelling = 1 if u < sloppy * 0.25 else 2 if u < sloppy else 3
    t.pii_exposed = rng.random() < RATES["pii"] * half
    t.slow = rng.random() < RATES["slow"] * half
    t.sluggish = channel != "voice" and rng.random() < RATES["sluggish"] * bad
    if channel == "voice":
        t.disclosure = rng.random() >= RATES["missed_disclosure"] * bad
        if t.disclosure and rng.random() < 0.2:
            t.borderline.append("required_disclosure")
    if no_problem:
        t.solution_offered = None
        t.comprehension = None
        return t
    t.comprehension = rng.random() >= RATES["misread"] * bad
    u = rng.random()
    if u < RATES["unresolved"] * bad or (not t.comprehension and u < 0.35):
        t.resolution = "unresolved"
        t.solution_offered = rng.random() < 0.3
    elif u < RATES["unresolved"] * bad + RATES["partial"] * half:
        t.resolution = "partial"
        t.borderline.append("solution_offered")
    if t.clarity == 1:
        t.borderline.append("comprehension")
    return t


def bot_truth(rng: Random, *, solved: bool) -> Truth:
    """A conversation the bot handled alone: it greets and closes, and is never rude or slow."""
    t = Truth(quality=0.6, bot="only", tone=3, clarity=3)
    t.customer_distress = rng.random() < RATES["distress"] / 2
    if t.customer_distress:
        t.empathy = 2
    if not solved:
        t.resolution = "unresolved"
        t.solution_offered = True
        t.closing = False
    return t


def csat(rng: Random, t: Truth) -> int | None:
    """A survey answer on ~35% of conversations, driven by resolution, rudeness, speed, empathy."""
    respond = 0.32 + (0.1 if t.rude else 0) + (0.06 if t.resolution == "unresolved" else 0)
    if rng.random() >= respond:
        return None
    score = 4.5 + rng.gauss(0, 0.7)
    score -= {"resolved": 0.0, "partial": 1.1, "unresolved": 2.4}[t.resolution]
    score -= 1.8 if t.rude else 0.0
    score -= 0.7 if t.slow else 0.2 if t.sluggish else 0.0
    score -= 0.3 if t.tone == 2 else 0.0
    if t.empathy is not None:
        score += (t.empathy - 2.5) * 0.35
    return min(5, max(1, round(score)))


def nps(rng: Random, t: Truth) -> int | None:
    """A 0–10 "would you recommend us" answer on ~15% of conversations: loyalty moves less with one
    conversation than CSAT does, but an unresolved problem or a rude agent still costs promoters."""
    if rng.random() >= 0.14 + (0.05 if t.resolution == "unresolved" else 0) + (
        0.05 if t.rude else 0
    ):
        return None
    score = 8.6 + rng.gauss(0, 1.4)
    score -= {"resolved": 0.0, "partial": 1.3, "unresolved": 3.0}[t.resolution]
    score -= 2.5 if t.rude else 0.0
    score -= 0.8 if t.slow else 0.3 if t.sluggish else 0.0
    if t.empathy is not None:
        score += (t.empathy - 2.5) * 0.3
    return min(10, max(0, round(score)))


def ces(rng: Random, t: Truth) -> int | None:
    """A CES 2.0 answer (1–7, 7 = "it was easy") on ~20% of conversations, lowered by what makes
    customers work: no resolution, slow replies, a transfer, being misunderstood."""
    if rng.random() >= 0.19 + (0.04 if t.resolution == "unresolved" else 0):
        return None
    score = 6.2 + rng.gauss(0, 0.8)
    score -= {"resolved": 0.0, "partial": 1.5, "unresolved": 3.0}[t.resolution]
    score -= 1.0 if t.slow else 0.4 if t.sluggish else 0.0
    score -= 0.6 if t.transfer else 0.0
    score -= 0.6 if t.comprehension is False else 0.0
    score -= 0.5 if t.rude else 0.0
    return min(7, max(1, round(score)))


def status_and_reopen(rng: Random, t: Truth) -> tuple[str, bool]:
    """Solved when resolved; unresolved work is often left open or pending, and reopened more."""
    u = rng.random()
    if t.resolution == "resolved":
        status = "solved"
    elif t.resolution == "partial":
        status = "solved" if u < 0.45 else "pending"
    else:
        status = "solved" if u < 0.35 else "open" if u < 0.75 else "pending"
    reopen = {"resolved": 0.04, "partial": 0.15, "unresolved": 0.35}[t.resolution]
    return status, rng.random() < reopen


def responsiveness(delays: list[float], channel: str) -> tuple[int | None, float | None]:
    """(rating 1–3, first reply seconds) from staff reply delays, as the scorecard defines it."""
    if not delays:
        return None, None
    first, later = delays[0], delays[1:]
    sla_first, sla_next = SLA_FIRST[channel], SLA_NEXT[channel]
    if first > 2 * sla_first:
        return 1, first
    if first <= sla_first and all(d <= sla_next for d in later):
        return 3, first
    return 2, first
