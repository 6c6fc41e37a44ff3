"""How the conversation ended for the customer: resolution odds, mood and effort, from markers.

These are the shared judgements behind the resolution, customer-sentiment and effort criteria and the CX
score. The weights are hand-set (tuned on the STC-3 development split, never on its test split; see
docs/scorers.md) and kept here as named constants, so a change shows up in review and in `eval`. It
reads the embedding detectors (`markers`), so it sits in `models` with them, above the model-free
`signals`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.detectors import DetectorSpec
from supportqa.models.markers import Hit, Markers, effective_detectors, markers
from supportqa.signals.acts import ending, follow_ups, is_refusal, repeated_staff_reply
from supportqa.signals.analysis import Analysis
from supportqa.signals.artefacts import content
from supportqa.signals.sentiment import CustomerSentiment, customer_sentiment
from supportqa.signals.text import agent_message_indices, sentence_spans, verbatim_quote

SOFT_BAND = 0.2
"""A detector counts fully `SOFT_BAND` above its threshold, not at all `SOFT_BAND` below it."""

SERVICE_FAILURE_ACKNOWLEDGED = ("apology", "empathy_general", "empathy_specific")
"""Agent sentences that say something went wrong for the customer: a sign of a worse experience, even
when the customer's own words are mild (they are credited to the agent in IQS, not here)."""

SOLVED_STATUSES = frozenset({"solved", "resolved", "done", "completed"})
"""An agent's claim that it is solved. "closed" is not among them: help desks close tickets that were
never solved too (inactivity, a customer who left), so it says nothing either way."""
CLOSED_WEIGHT = 0.0
"""A help desk closes tickets that were never solved too (inactivity, a customer who left), so
"closed" says little; "solved" is an agent's claim and weighs more."""
REFUSAL_WEIGHT = 1.6
"""The agent's last word on the request was a refusal with no way forward."""
DROPPED_WEIGHT = 1.2
"""The customer left, the chat timed out, or an agent's question was never answered."""
CALIBRATION_SLOPE = 1.6693
CALIBRATION_INTERCEPT = 0.3482
"""Platt scaling of the hand-set logit, fitted on the development halves of STC-3 and the regression
corpus (`python scripts/fit_resolution_calibration.py --data ../shared/data`)."""
RESOLUTION_BIAS = -0.6
"""Where the resolution logit starts before any evidence: a reply alone, unconfirmed, is not yet a
resolution (set on the development halves of STC-3 and of the regression corpus)."""
FOLLOW_UP_WEIGHT = 0.25
FOLLOW_UP_CAP = 0.5
"""Each time the customer had to ask again after a reply (a new question, a chase), effort rises."""
LOOP_WEIGHT = 0.3
"""A bot or agent sending the same reply twice: the customer is going round in circles."""
THANKS_SHARE = 0.6
"""A thank-you is politeness: it counts for this share of a confirmation that it worked."""
SOLUTION_WEIGHT = 0.15
"""An agent sentence takes an action, instructs or answers."""
PROGRESS_WITH_SOLUTION = 0.65
"""Of what is not resolved, the share that is partial when a solution was stated or the case escalated."""

OPEN_STATUSES = frozenset({"open", "pending", "new", "hold", "on-hold", "waiting"})


def soft(strength: float, spec: DetectorSpec | None) -> float:
    """A detector's similarity as a degree of belief in [0, 1] around its threshold."""
    if spec is None:
        return 0.0
    return min(1.0, max(0.0, (strength - spec.threshold + SOFT_BAND) / (2 * SOFT_BAND)))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _clip(x: float, low: float = -1.0, high: float = 1.0) -> float:
    return max(low, min(high, x))


def confirmation_index(m: Markers, cs: CustomerSentiment, index: int) -> float:
    """How much customer message `index` reads as "that solved it": the closer of confirmation and
    thanks, lifted by the message's sentiment and lowered by a restated problem. Ranks customer turns
    (STC-3 CNUG*: AUC 0.90 on the development split, keywords 0.88)."""
    sentiment = next((p.score for p in cs.points if p.message_index == index), 0.0)
    return (
        max(m.strength("customer_confirms", index), m.strength("customer_thanks", index))
        + 0.3 * sentiment
        - 0.3 * m.strength("customer_problem", index)
    )


@dataclass(frozen=True)
class EndState:
    """What the customer's last public message says (soft detector degrees) and how it reads."""

    index: int | None
    is_first: bool
    thanks: float
    confirms: float
    unresolved: float
    problem: float
    distress: float
    questions: int
    words: int
    sentiment: float


@dataclass(frozen=True)
class Resolution:
    status: str  # resolved | partial | unresolved
    probability: float  # of `status`
    p_resolved: float
    p_partial: float
    p_unresolved: float
    reasons: tuple[str, ...]
    evidence: tuple[Hit, ...]
    confidence: float

    @property
    def expected(self) -> float:
        """Resolved 1, partial ½, unresolved 0: the CX resolution sub-score."""
        return self.p_resolved + 0.5 * self.p_partial


@dataclass(frozen=True)
class Mood:
    """Customer sentiment: end state and trajectory, in [0, 1] (0.5 neutral)."""

    value: float
    end: float
    trajectory: float | None
    evidence: tuple[Hit, ...]
    end_index: int | None


@dataclass(frozen=True)
class Effort:
    """How hard the customer had to work: 1 effortless … 0 exhausting."""

    value: float
    customer_turns: int
    reasons: tuple[str, ...]
    evidence: tuple[Hit, ...]


@dataclass(frozen=True)
class Outcome:
    markers: Markers
    sentiment: CustomerSentiment
    end: EndState
    resolution: Resolution
    mood: Mood
    effort: Effort


def _end_state(
    conversation: Conversation, m: Markers, cs: CustomerSentiment, specs: dict[str, DetectorSpec]
) -> EndState:
    customer = [p.message_index for p in cs.points]
    if not customer:
        return EndState(None, False, 0, 0, 0, 0, 0, 0, 0, 0.0)
    last = customer[-1]
    text = conversation.messages[last].text

    def degree(name: str) -> float:
        return soft(m.strength(name, last), specs.get(name))

    return EndState(
        index=last,
        is_first=len(customer) == 1,
        thanks=degree("customer_thanks"),
        confirms=degree("customer_confirms"),
        unresolved=degree("customer_unresolved"),
        problem=degree("customer_problem"),
        distress=degree("customer_distress"),
        questions=min(3, text.count("?")),
        words=len(text.split()),
        sentiment=cs.points[-1].score,
    )


def _metadata_logit(conversation: Conversation) -> tuple[float, list[str]]:
    reasons: list[str] = []
    z = 0.0
    status = (conversation.status or "").strip().lower()
    if status in SOLVED_STATUSES:
        z += 1.0
        reasons.append(f"ticket {status}")
    elif status in OPEN_STATUSES:
        z -= 1.0
        reasons.append(f"ticket still {status}")
    if conversation.reopened:
        z -= 1.5
        reasons.append("ticket reopened")
    return z, reasons


def _final_refusal(conversation: Conversation, m: Markers) -> Hit | None:
    """The refusal sentence in the support side's last substantive message, when nothing in or after
    that message offers a solution or an alternative; None otherwise."""
    staff = [
        i for i in agent_message_indices(conversation) if content(conversation.messages[i].text)
    ]
    solutions = {h.message_index for h in m.all("solution_stated")}
    for index in reversed(staff):
        text = conversation.messages[index].text
        refusals = [(a, b) for a, b in sentence_spans(text) if is_refusal(text[a:b])]
        if refusals:
            if any(i >= index for i in solutions):
                return None
            a, b = refusals[-1]
            return Hit("refusal", index, verbatim_quote(text, a, b), 1.0, keyword=True)
        if index in solutions:
            return None
    return None


def _resolution(
    conversation: Conversation, m: Markers, end: EndState, specs: dict[str, DetectorSpec]
) -> Resolution:
    solution = m.strongest("solution_stated")
    escalated = m.first("escalation")
    z, reasons = _metadata_logit(conversation)
    z += RESOLUTION_BIAS
    evidence: list[Hit] = []
    if end.index is None:
        z += 0.5 if solution else -0.5
    else:
        last_agent_after = any(
            i > end.index and msg.public and msg.role in (Role.AGENT, Role.BOT)
            for i, msg in enumerate(conversation.messages)
        )
        z += 2.0 * max(end.confirms, THANKS_SHARE * end.thanks)
        z -= 0.8 * end.unresolved
        z -= 0.8 * end.problem * (0.5 if end.is_first and last_agent_after else 1.0)
        z -= 0.35 * end.questions
        z += 0.3 * end.sentiment
        z -= 0.4 * end.distress
        for name in ("customer_confirms", "customer_thanks", "customer_unresolved"):
            hit = m.in_message(name, end.index)
            if hit and soft(hit.similarity, specs.get(name)) >= 0.5:
                evidence.append(hit)
        if end.confirms >= 0.5:
            reasons.append("the customer confirmed it worked")
        elif end.thanks >= 0.5:
            reasons.append("the customer thanked the agent")
        if end.unresolved >= 0.5:
            reasons.append("the customer said the problem remains")
    if solution:
        z += SOLUTION_WEIGHT
        reasons.append("the agent stated a solution")
        evidence.append(solution)
    else:
        reasons.append("no solution was stated")
    refusal = _final_refusal(conversation, m)
    if refusal is not None:
        z -= REFUSAL_WEIGHT
        reasons.append("the agent refused with no way forward")
        evidence.append(refusal)
    stop = ending(conversation)
    if stop.dropped and end.confirms < 0.5:
        z -= DROPPED_WEIGHT
        reasons.append(
            "the chat closed for inactivity"
            if stop.inactivity_close
            else "the customer left"
            if stop.customer_left
            else "the agent's question went unanswered"
        )

    z -= 0.8 * soft(m.strength("escalation"), specs.get("escalation"))
    p_resolved = _sigmoid(CALIBRATION_SLOPE * z + CALIBRATION_INTERCEPT)
    progress = PROGRESS_WITH_SOLUTION if (solution or escalated) else 0.3
    if escalated:
        reasons.append("the case was escalated")
        evidence.append(escalated)
    p_partial = (1 - p_resolved) * progress
    p_unresolved = 1 - p_resolved - p_partial
    probabilities = {"resolved": p_resolved, "partial": p_partial, "unresolved": p_unresolved}
    status = max(probabilities, key=lambda k: probabilities[k])
    ordered = sorted(probabilities.values(), reverse=True)
    return Resolution(
        status=status,
        probability=probabilities[status],
        p_resolved=p_resolved,
        p_partial=p_partial,
        p_unresolved=p_unresolved,
        reasons=tuple(reasons),
        evidence=tuple(evidence),
        confidence=ordered[0],
    )


def _mood(m: Markers, cs: CustomerSentiment, end: EndState, specs: dict[str, DetectorSpec]) -> Mood:
    if end.index is None:
        return Mood(0.5, 0.0, None, (), None)
    failure = max(soft(m.strength(n), specs.get(n)) for n in SERVICE_FAILURE_ACKNOWLEDGED)
    mood_end = _clip(
        0.25 * end.sentiment
        + 0.6 * max(end.thanks, end.confirms)
        - 0.15 * end.unresolved
        - 0.25 * failure
        - 0.25 * end.distress
        - 0.3 * soft(m.strength("customer_distress"), specs.get("customer_distress"))
        - 0.12 * end.questions
        - 0.35 * min(1.0, end.words / 60)
    )
    start = cs.start if cs.start is not None else mood_end
    trajectory = None if cs.trajectory is None else _clip(mood_end - start, -2, 2)
    value = 0.5 + 0.5 * (0.85 * mood_end + 0.15 * ((trajectory or 0.0) / 2))
    hits = [
        h
        for name in (
            "customer_thanks",
            "customer_confirms",
            "customer_unresolved",
            "customer_distress",
        )
        if (h := m.in_message(name, end.index)) is not None
    ]
    return Mood(_clip(value, 0, 1), mood_end, trajectory, tuple(hits), end.index)


def _effort(
    conversation: Conversation, m: Markers, cs: CustomerSentiment, specs: dict[str, DetectorSpec]
) -> Effort:
    turns = len(cs.points)
    value = 1.0 - 0.35 * soft(m.strength("customer_effort"), specs.get("customer_effort"))
    value -= 0.25 * soft(m.strength("escalation"), specs.get("escalation"))
    reasons: list[str] = []
    evidence: list[Hit] = []
    effort_hit = m.strongest("customer_effort")
    if effort_hit:
        reasons.append("the customer said they had to chase or repeat")
        evidence.append(effort_hit)
    repeats = len({h.message_index for h in m.all("customer_unresolved")})
    if repeats >= 2:
        value -= 0.2
        reasons.append(f"the customer repeated the problem {repeats} times")
    if turns > 3:
        value -= min(0.3, 0.1 * (turns - 3))
        reasons.append(f"{turns} customer messages")
    escalated = m.first("escalation")
    if escalated:
        reasons.append("the case was handed on")
        evidence.append(escalated)
    pushes = follow_ups(conversation)
    if pushes:
        value -= min(FOLLOW_UP_CAP, FOLLOW_UP_WEIGHT * len(pushes))
        reasons.append(
            f"the customer had to ask again {len(pushes)} time{'s' if len(pushes) > 1 else ''}"
        )
        index = pushes[0]
        evidence.append(
            Hit("follow_up", index, verbatim_quote(conversation.messages[index].text), 1.0, True)
        )
    if repeated_staff_reply(conversation):
        value -= LOOP_WEIGHT
        reasons.append("the support side sent the same reply twice")
    return Effort(_clip(value, 0, 1), turns, tuple(reasons), tuple(evidence))


def detectors_for(item: Analysis) -> dict[str, DetectorSpec]:
    """The item's detectors (the scorecard's, merged over the packaged ones), else the packaged ones."""
    return dict(item.detectors) if item.detectors else effective_detectors({})


def _compute(item: Analysis) -> Outcome:
    specs = detectors_for(item)
    m = markers(item, specs)
    conversation = item.conversation
    cs = item.signal(customer_sentiment)
    end = _end_state(conversation, m, cs, specs)
    return Outcome(
        markers=m,
        sentiment=cs,
        end=end,
        resolution=_resolution(conversation, m, end, specs),
        mood=_mood(m, cs, end, specs),
        effort=_effort(conversation, m, cs, specs),
    )


def _outcome_key(conversation: Conversation) -> Outcome:  # pragma: no cover - a memo key only
    raise RuntimeError("use outcome(analysis)")


def outcome(item: Analysis) -> Outcome:
    """The memoised outcome of one conversation (markers must be prepared for a batch first)."""
    if not item.has(_outcome_key):
        item.put(_outcome_key, _compute(item))
    return item.signal(_outcome_key)
