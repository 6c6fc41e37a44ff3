"""Simulated human reviews of generated conversations, by three reviewers with planted habits.

Each reviewer rates the 13 criteria of the default scorecard from `metadata.truth` plus their own
noise and bias, so calibration tools have something real to find:

* ``rev-harsh`` — Hana Harsh: about 0.75 points below the truth on the multi-point criteria
  (resolution, tone, clarity, spelling and grammar, responsiveness, empathy), and fails most
  borderline binaries (a bare "Hi there.", a "Cheers then." closing, a solution that only partly
  solves, a late disclosure, a misunderstanding that needed a second explanation) as well as the
  odd clear pass.
* ``rev-lenient`` — Leo Lenient: about 0.6 points above the truth on the multi-point criteria,
  never fails a borderline binary and lets half of the real misses on non-critical binaries pass;
  he still fails critical breaches (exposed card numbers or passwords, forbidden phrases).
* ``rev-true`` — Tara True: close to the truth with small noise (rarely one point off), and splits
  borderline binaries the way a careful reviewer might (a quarter fail).

A conversation is sampled with probability `share` (decided by a hash of the seed and the
conversation's source and id, so a conversation is sampled or not whatever else is in the input),
reviewed by one reviewer, and ~20% of the sampled ones are reviewed again by all three in a weekly
calibration session (`session_id` like ``cal-2026-W37``, the ISO week of the Friday after the
conversation). Criteria whose N/A condition holds are null: solution offered and comprehension when
there was no problem, closing when the customer left first, empathy when there was no distress,
required disclosure off voice calls, responsiveness without timestamps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError


@dataclass(frozen=True, slots=True)
class Habit:
    """How a reviewer departs from the truth; see the module docstring."""

    name: str
    description: str
    bias: float  # added to multi-point ratings before rounding
    noise: float  # standard deviation of the multi-point noise
    fail_borderline: float  # chance of failing a borderline pass
    slip: float  # chance of failing a clear pass (non-critical binaries)
    forgive: float  # chance of passing a real miss (non-critical binaries)
    miss_breach: float  # chance of passing a critical breach


REVIEWER_HABITS: dict[str, Habit] = {
    "rev-harsh": Habit(
        name="Hana Harsh",
        description="~0.75 points low on multi-point scales; fails borderline binaries.",
        bias=-0.75,
        noise=0.4,
        fail_borderline=0.8,
        slip=0.05,
        forgive=0.0,
        miss_breach=0.02,
    ),
    "rev-lenient": Habit(
        name="Leo Lenient",
        description="~0.6 points high on multi-point scales; fails little but critical breaches.",
        bias=0.6,
        noise=0.4,
        fail_borderline=0.0,
        slip=0.0,
        forgive=0.5,
        miss_breach=0.05,
    ),
    "rev-true": Habit(
        name="Tara True",
        description="Close to the truth with small noise.",
        bias=0.0,
        noise=0.3,
        fail_borderline=0.25,
        slip=0.02,
        forgive=0.03,
        miss_breach=0.02,
    ),
}
REVIEWER_WEIGHTS = (0.3, 0.3, 0.4)
CALIBRATION_SHARE = 0.2
CRITICAL = frozenset({"pii_exposure", "forbidden_phrases"})


def true_ratings(truth: dict[str, Any]) -> dict[str, float | None]:
    """The rating a perfect reviewer gives each default-scorecard criterion (None = N/A)."""

    def binary(value: Any) -> float | None:
        return None if value is None else float(bool(value))

    def points(value: Any) -> float | None:
        return None if value is None else float(value)

    return {
        "greeting": binary(truth["greeting"]),
        "resolution": {"resolved": 3.0, "partial": 2.0, "unresolved": 1.0}[truth["resolution"]],
        "solution_offered": binary(truth["solution_offered"]),
        "comprehension": binary(truth.get("comprehension")),
        "tone": float(truth["tone"]),
        "clarity": float(truth.get("clarity", 3)),
        "spelling_grammar": float(truth.get("spelling", 3)),
        "closing": binary(truth["closing"]),
        "responsiveness": points(truth.get("responsiveness")),
        "empathy": points(truth["empathy"]),
        "pii_exposure": 0.0 if truth["pii_exposed"] else 1.0,
        "forbidden_phrases": 0.0 if truth["rude"] else 1.0,
        "required_disclosure": binary(truth["disclosure"]),
    }


def simulate_reviews(
    conversations: Iterable[dict[str, Any]], seed: int, *, share: float = 0.05
) -> Iterator[dict[str, Any]]:
    """Ratings lines (see `supportqa.domain.review.RatingsLine`) for a sample of `conversations`.

    Raises `InputError` when a sampled conversation has no `metadata.truth`.
    """
    if not 0 <= share <= 1:
        raise InputError(f"share must be between 0 and 1, got {share}")
    return _simulate(conversations, seed, share)


def _simulate(
    conversations: Iterable[dict[str, Any]], seed: int, share: float
) -> Iterator[dict[str, Any]]:
    scales = {c.key: (c.scale.min, c.scale.max) for c in default_scorecard().criteria}
    reviewers = tuple(REVIEWER_HABITS)
    for conversation in conversations:
        rng = Random(f"supportqa-reviews:{seed}:{conversation.get('source')}:{conversation['id']}")
        if rng.random() >= share:
            continue
        truth = (conversation.get("metadata") or {}).get("truth")
        if not isinstance(truth, dict):
            raise InputError(
                f"conversation {conversation['id']!r} has no metadata.truth; "
                "simulate_reviews rates generated conversations only"
            )
        base = _base(conversation)
        created = _created(conversation)
        expected = true_ratings(truth)
        borderline = set(truth.get("borderline") or ())
        reviewer = rng.choices(reviewers, weights=REVIEWER_WEIGHTS)[0]
        calibrate = rng.random() < CALIBRATION_SHARE
        when = None if created is None else _review_time(rng, created)
        ratings = _rate(rng, REVIEWER_HABITS[reviewer], expected, borderline, truth, scales)
        yield _line(base, reviewer, when, None, ratings)
        if calibrate and created is not None:
            session_day = _session_day(created)
            iso_year, iso_week, _ = session_day.isocalendar()
            session = f"cal-{iso_year}-W{iso_week:02d}"
            for k, member in enumerate(reviewers):
                at = session_day + timedelta(hours=14, minutes=5 * k + rng.randrange(5))
                ratings = _rate(rng, REVIEWER_HABITS[member], expected, borderline, truth, scales)
                yield _line(base, member, at, session, ratings)


def _rate(
    rng: Random,
    habit: Habit,
    expected: dict[str, float | None],
    borderline: set[str],
    truth: dict[str, Any],
    scales: dict[str, tuple[float, float]],
) -> dict[str, float | None]:
    ratings: dict[str, float | None] = {}
    for key, value in expected.items():
        if key not in scales:
            continue
        low, high = scales[key]
        if value is None:
            ratings[key] = None
        elif high - low > 1:
            noisy = round(value + habit.bias + rng.gauss(0, habit.noise))
            ratings[key] = float(min(high, max(low, noisy)))
        elif key in CRITICAL:
            false_alarm = key == "forbidden_phrases" and truth.get("tone") == 2 and habit.bias < 0
            if value == 0:
                ratings[key] = 1.0 if rng.random() < habit.miss_breach else 0.0
            else:
                ratings[key] = 0.0 if false_alarm and rng.random() < 0.1 else 1.0
        elif value == 0:
            ratings[key] = 1.0 if rng.random() < habit.forgive else 0.0
        else:
            fail = habit.fail_borderline if key in borderline else habit.slip
            ratings[key] = 0.0 if rng.random() < fail else 1.0
    return ratings


def _line(
    base: dict[str, Any],
    reviewer: str,
    when: datetime | None,
    session: str | None,
    ratings: dict[str, float | None],
) -> dict[str, Any]:
    line = {k: v for k, v in base.items() if k != "conversation_created_at"}
    line["reviewer"] = reviewer
    line["reviewer_name"] = REVIEWER_HABITS[reviewer].name
    line["reviewed_at"] = None if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")
    line["conversation_created_at"] = base["conversation_created_at"]
    if session is not None:
        line["session_id"] = session
    line["ratings"] = ratings
    return line


def _base(conversation: dict[str, Any]) -> dict[str, Any]:
    """Who is reviewed: the last human agent with a public reply, else the last bot, else the
    assigned agent (as `Conversation.reviewee` decides)."""
    assigned = conversation.get("agent") or {}
    if not isinstance(assigned, dict):
        assigned = {"id": str(assigned)}
    person: dict[str, Any] = {}
    for role in ("agent", "bot"):
        for message in reversed(conversation.get("messages") or ()):
            if (
                message.get("role") == role
                and message.get("public", True)
                and message.get("author")
            ):
                person = message["author"]
                break
        if person:
            break
    person = person or assigned
    created = conversation.get("created_at")
    return {
        "conversation_id": conversation["id"],
        "source": conversation.get("source", "jsonl"),
        "agent": person.get("id"),
        "agent_name": person.get("name"),
        "team": assigned.get("team"),
        "conversation_created_at": created if isinstance(created, str) else None,
    }


def _created(conversation: dict[str, Any]) -> datetime | None:
    value = conversation.get("created_at")
    if value is None:
        messages = conversation.get("messages") or ()
        value = next((m.get("at") for m in messages if m.get("at")), None)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _review_time(rng: Random, created: datetime) -> datetime:
    """One to ten days later, in office hours."""
    day = (created + timedelta(days=rng.randint(1, 10))).replace(hour=0, minute=0, second=0)
    return day + timedelta(seconds=rng.randrange(9 * 3600, 17 * 3600))


def _session_day(created: datetime) -> datetime:
    """Midnight of the Friday in the week after the conversation."""
    monday = (created - timedelta(days=created.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday + timedelta(days=11)
