"""The order of events in a conversation: who says what, before any timestamps are attached.

`write_script` turns a `Setup` (channel, problem, people, styles) and a `Truth` (the injected
defects) into turns; `timeline.render` then gives them times. Every defect in the truth is written
here, and nothing else that a scorer could mistake for one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from supportqa.synthetic import phrases as P
from supportqa.synthetic.catalog import Problem
from supportqa.synthetic.styles import (
    customer_line,
    customer_opening,
    spoken,
    strip_emoji,
    typos,
)
from supportqa.synthetic.truth import Truth

# (role, delay kind, author key, parts, public); author keys: c (customer), a1 (transferring
# agent), a (final agent), bot, sys.
Turn = tuple[str, str, str, list[str], bool]


@dataclass(slots=True)
class Setup:
    """Everything about a conversation except its defects."""

    channel: str
    problem: Problem
    sibling: Problem
    fmt: dict[str, str]
    fmt_first: dict[str, str]
    style: str
    sloppy_customer: bool
    agent_style: str
    hour: int
    variant: int = 0
    bot: str | None = None
    bot_solved: bool = True
    transfer: bool = False
    note: bool = False
    distress: int = 0
    card_trap: bool = False
    turns: list[Turn] = field(default_factory=list)


class _Writer:
    """Appends turns; `f` fills a template for the final agent, `f1` for the transferring one."""

    def __init__(self, rng: Random, s: Setup, t: Truth) -> None:
        self.rng, self.s, self.t = rng, s, t
        self.voice = s.channel == "voice"
        self.email = s.channel == "email"
        self.pending_open = False

    def f(self, template: str) -> str:
        return template.format_map(self.s.fmt)

    def pick(self, pool: tuple[str, ...]) -> str:
        return self.f(self.rng.choice(pool))

    def customer(self, text: str, kind: str = "cust") -> None:
        s = self.s
        text = customer_line(self.rng, s.style, text, s.sloppy_customer)
        self.s.turns.append(("customer", kind, "c", [self._spoken(text)], True))

    def agent(self, parts: list[str], kind: str = "reply", who: str = "a") -> None:
        if self.voice:
            parts = _utterance(self.rng, parts, filler=kind not in ("first", "first_slow"))
        self.s.turns.append(("agent", kind, who, parts, True))

    def other(self, role: str, text: str, who: str, kind: str, public: bool) -> None:
        self.s.turns.append((role, kind, who, [text], public))

    def body(self, template: str) -> str:
        """Content lines carry the agent's spelling slips; greetings and closings do not."""
        text = self.f(template)
        if self.t.spelling < 3:
            text = typos(text, self.rng, 0.05 if self.t.spelling == 2 else 0.14)
        return text

    def _spoken(self, text: str) -> str:
        return spoken(text, self.rng) if self.voice else text


def _utterance(rng: Random, parts: list[str], *, filler: bool) -> list[str]:
    """A spoken agent turn: no emoji, at most one filler word, at its start."""
    spoken_parts = [
        spoken(p, rng) if i == 0 and filler else strip_emoji(p) for i, p in enumerate(parts)
    ]
    return [p for p in spoken_parts if p]


def write_script(rng: Random, s: Setup, t: Truth) -> list[Turn]:
    """The turns of one conversation; see the module docstring."""
    w = _Writer(rng, s, t)
    _opening(w)
    if s.bot is not None and not _bot(w):
        return s.turns
    parts = _first_reply(w)
    if s.transfer:
        parts = _transfer(w, parts)
    _main(w, parts)
    return s.turns


def _opening(w: _Writer) -> None:
    s, rng = w.s, w.rng
    if w.voice:
        w.other("customer", s.fmt["ivr"], "c", "open", True)
        return
    if w.t.no_problem:
        parts = [w.pick(P.THANKS_NOTES)]
    else:
        ask, short = s.fmt["ask"], s.fmt["short"]
        distress = P.DISTRESS[s.distress][0] if w.t.customer_distress else None
        parts = customer_opening(rng, s.style, ask, short, distress, s.sloppy_customer)
    if w.email:
        signoff = w.pick(P.EMAIL_SIGNOFFS)
        parts = [f"Hi,\n\n{' '.join(parts)}\n\n{signoff}"]
    s.turns.append(("customer", "open", "c", parts, True))


def _bot(w: _Writer) -> bool:
    """The bot's part; returns whether a human takes over."""
    s = w.s
    w.other("bot", P.BOT_GREETING, "bot", "bot", True)
    w.other("bot", w.f(P.BOT_ARTICLE), "bot", "burst", True)
    if s.bot == "only":
        if s.bot_solved:
            w.customer(w.rng.choice(P.TO_BOT_YES), "to_bot")
            w.other("bot", P.BOT_SOLVED, "bot", "bot", True)
        else:
            w.customer(w.rng.choice(P.TO_BOT_GIVE_UP), "to_bot")
            w.other("bot", P.BOT_GAVE_UP, "bot", "bot", True)
        return False
    w.customer(w.rng.choice(P.TO_BOT_NO), "to_bot")
    w.other("bot", w.f(P.BOT_HANDOFF), "bot", "bot", True)
    return True


def _greeting(w: _Writer, fmt: dict[str, str]) -> list[str]:
    s, t, rng = w.s, w.t, w.rng
    if not t.greeting:
        return [rng.choice(P.VOICE_NO_GREETING)] if w.voice else []
    if t.tone <= 2 and rng.random() < 0.5 and not w.email and not w.voice:
        t.borderline.append("greeting")
        return [rng.choice(P.GREETINGS_MINIMAL)]
    pool: tuple[str, ...]
    if w.voice:
        pool = P.GREETINGS_VOICE
    elif w.email:
        pool = P.GREETINGS_EMAIL
    elif s.channel == "social":
        pool = P.GREETINGS_SOCIAL
    elif rng.random() < 0.2:
        pool = P.GREETINGS_TIME[
            "morning" if s.hour < 12 else "afternoon" if s.hour < 17 else "evening"
        ]
    else:
        pool = P.GREETINGS_CHAT[s.agent_style]
    return [rng.choice(pool).format_map(fmt)]


def _first_reply(w: _Writer) -> list[str]:
    """The first human reply's opening parts (greeting, disclosure); the caller adds content."""
    s, t = w.s, w.t
    fmt = s.fmt_first if s.transfer else s.fmt
    parts = _greeting(w, fmt)
    if w.voice and t.disclosure and "required_disclosure" not in t.borderline:
        parts.append(w.rng.choice(P.DISCLOSURES))
    kind = "first_slow" if t.slow else "pickup" if s.bot else "first"
    if w.voice:
        w.agent(parts, kind, "a1" if s.transfer else "a")
        _customer_problem(w)
        return []
    s.turns.append(("agent-open", kind, "a1" if s.transfer else "a", parts, True))
    w.pending_open = True
    return parts


def _customer_problem(w: _Writer) -> None:
    """On a call the caller explains the problem after the agent answers."""
    s, t = w.s, w.t
    if t.no_problem:
        w.customer(w.pick(P.THANKS_NOTES))
        return
    w.customer(s.fmt["ask"])
    if t.customer_distress:
        w.customer(P.DISTRESS[s.distress][0], "burst")


def _empathy(w: _Writer) -> list[str]:
    t = w.t
    if t.empathy is None or t.empathy == 1:
        return []
    if t.empathy == 4:
        return [P.DISTRESS[w.s.distress][1]]
    return [w.rng.choice(P.EMPATHY_GENERAL if t.empathy == 3 else P.EMPATHY_FORMULAIC)]


def _ack(w: _Writer) -> str:
    tone = w.t.tone
    return w.rng.choice(P.ACKS["warm" if tone == 4 else "neutral" if tone == 3 else "curt"])


def _open_turn(w: _Writer, parts: list[str], kind: str = "reply", who: str = "a") -> None:
    """Fill the placeholder turn left by `_first_reply`, else add an agent turn."""
    if w.pending_open:
        w.pending_open = False
        turns = w.s.turns
        for i in range(len(turns) - 1, -1, -1):
            role, first_kind, first_who, _, public = turns[i]
            if role == "agent-open":
                turns[i] = ("agent", first_kind, first_who, parts, public)
                return
    w.agent(parts, kind, who)


def _transfer(w: _Writer, parts: list[str]) -> list[str]:
    s, rng = w.s, w.rng
    j = s.variant % len(s.problem.clarify)
    _open_turn(w, [*parts, w.body(s.problem.clarify[j])], who="a1")
    w.customer(w.f(s.problem.details[j % len(s.problem.details)]))
    w.agent([rng.choice(P.TRANSFERS).format_map(s.fmt_first)], "reply", "a1")
    w.other("note", P.TRANSFER_NOTE.format_map(s.fmt_first), "a1", "note", False)
    w.other("system", P.TRANSFER_SYSTEM.format_map(s.fmt_first), "sys", "system", True)
    return [w.pick(P.PICKUPS)]


def _main(w: _Writer, parts: list[str]) -> None:
    s, t, rng = w.s, w.t, w.rng
    parts = [*parts, *_empathy(w)]
    if w.voice and "required_disclosure" in t.borderline:
        parts.append(rng.choice(P.DISCLOSURES))
    clarified = s.transfer or t.no_problem or rng.random() >= 0.55
    if not clarified:
        j = s.variant % len(s.problem.clarify)
        _open_turn(w, [*parts, w.body(s.problem.clarify[j])])
        details = w.f(s.problem.details[j % len(s.problem.details)])
        if (t.pii_kind == "card" and rng.random() < 0.6) or s.card_trap:
            details = f"{details} {w.pick(P.CUSTOMER_CARD)}"
        w.customer(details)
        parts = []
    if not t.comprehension and not t.no_problem:
        _open_turn(w, [*parts, w.body(rng.choice(s.sibling.solutions))])
        w.customer(f"{rng.choice(P.REACT_MISREAD)} {s.fmt['short']}")
        parts = []
    if t.rude:
        if parts or w.pending_open:
            _open_turn(w, [*parts, _ack(w)])
            parts = []
        w.customer(rng.choice(P.PUSHBACK))
        pool = P.RUDE_TOKEN if t.rude_style == "token" else P.RUDE_FUZZY
        parts = [rng.choice(pool)]
    if s.note:
        if parts or w.pending_open:
            _open_turn(w, [*parts, _ack(w)])
            parts = []
        w.other("note", w.pick(s.problem.notes + P.NOTES), "a", "note", False)
    if w.voice:
        w.agent([*parts, rng.choice(P.HOLDS_VOICE)])
        parts = []
    _resolve(w, parts)


def _resolve(w: _Writer, parts: list[str]) -> None:
    s, t, rng = w.s, w.t, w.rng
    kind = "hold" if w.voice else "reply"
    if t.pii_exposed:
        parts.append(w.f(rng.choice(P.CARD_LEAKS if t.pii_kind == "card" else P.PASSWORD_LEAKS)))
    if t.no_problem:
        line = w.pick(P.THANKS_REPLIES)
    elif t.resolution == "resolved":
        line = w.body(_solution(s))
    elif t.resolution == "partial":
        line = w.body(rng.choice(s.problem.partials))
    elif t.solution_offered:
        offered = w.body(_solution(s))
        _open_turn(w, [*parts, offered, *_email_closing(w)], kind)
        w.customer(rng.choice(P.REACT_WRONG))
        parts, kind, line = [], "reply", w.body(rng.choice(s.problem.dead_ends))
    else:
        line = w.body(rng.choice(s.problem.dead_ends))
    extra = {2: P.WORDY, 1: P.CONFUSING}.get(t.clarity)
    _open_turn(w, [*parts, line, *([rng.choice(extra)] if extra else []), *_email_closing(w)], kind)
    if t.clarity == 1:
        w.customer(rng.choice(P.CONFUSED_CUSTOMER))
        w.agent([line, *_email_closing(w)])
    _ending(w)


def _solution(s: Setup) -> str:
    return s.problem.solutions[s.variant % len(s.problem.solutions)]


def _email_closing(w: _Writer) -> list[str]:
    if not w.email:
        return []
    template = w.rng.choice(P.CLOSINGS_EMAIL) if w.t.closing else P.EMAIL_NO_CLOSING
    return [w.f(template)]


def _ending(w: _Writer) -> None:
    t, rng = w.t, w.rng
    if not t.no_problem:
        pool = {"resolved": P.REACT_RESOLVED, "partial": P.REACT_PARTIAL}.get(
            t.resolution, P.REACT_DEAD_END
        )
        if not (w.email and t.resolution == "resolved" and rng.random() < 0.5):
            w.customer(rng.choice(pool))
    if t.customer_left:
        w.other("system", w.pick(P.CUSTOMER_LEFT), "sys", "system", True)
        return
    if not t.closing or w.email:
        return
    if t.tone <= 2 and rng.random() < 0.5:
        t.borderline.append("closing")
        w.agent([rng.choice(P.CLOSINGS_MINIMAL)])
    else:
        w.agent([w.pick(_closing_pool(w))])
    if w.voice:
        w.customer(rng.choice(P.VOICE_CUSTOMER_BYE))
    elif rng.random() < 0.4:
        w.customer(rng.choice(P.CUSTOMER_LAST))


def _closing_pool(w: _Writer) -> tuple[str, ...]:
    if w.voice:
        return P.CLOSINGS_VOICE
    if w.s.channel == "social":
        return P.CLOSINGS_SOCIAL
    pool = P.CLOSINGS_CHAT[w.s.agent_style]
    if w.s.hour < 15:
        pool = tuple(c for c in pool if "evening" not in c) or pool
    return pool
