"""Realistic, deterministic support conversations with ground truth: `generate_conversations`.

Each record follows the JSONL contract of `supportqa.domain.conversation` and carries what
really happened in `metadata.truth` (see `truth.Truth`): greeting, closing, rudeness, resolution,
disclosure, exposed secrets, slowness, distress, empathy, tone and the agent's latent quality that
drove them. The help desk of "Sparky Home" (smart-home devices) has four teams of five to eight
agents with stable ids, a bot that opens a quarter of chats, and customers who write in their own
styles. The same `(n, seed)` always yields the same records; nothing reads the clock or the global
random state.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from random import Random
from typing import Any

from supportqa.errors import InputError
from supportqa.synthetic import catalog as C
from supportqa.synthetic import phrases as P
from supportqa.synthetic.catalog import Problem
from supportqa.synthetic.script import Setup, write_script
from supportqa.synthetic.timeline import arrivals, iso, render
from supportqa.synthetic.truth import (
    SLA_FIRST,
    Truth,
    bot_truth,
    ces,
    csat,
    draw_truth,
    nps,
    responsiveness,
    status_and_reopen,
)
from supportqa.synthetic.world import AgentProfile, Customer, World, card_number

DEFAULT_START = datetime(2026, 8, 31, tzinfo=UTC)
SOURCE = "synthetic"
CHANNELS = ("chat", "email", "voice", "social")
CHANNEL_CUM = (0.55, 0.85, 0.95, 1.0)
SHARES: dict[str, float] = {
    "no_problem": 0.03,  # compliments and thank-you notes: nothing to solve
    "bot_only": 0.05 / 0.55,  # of chats, so ~5% of all conversations
    "bot_any": 0.25,  # of chats: the bot opens them (and hands off unless bot_only)
    "bot_solves": 0.75,
    "transfer": 0.09,  # of human-handled conversations with a problem: ~8% overall
    "customer_left": 0.022,  # of human chats: ~2% of chats
    "note": 0.085,  # plus the handover note of every transfer: ~15% overall
    "card_trap": 0.03,  # the customer pastes a card number the agent does not repeat
    "angry_when_distressed": 0.35,
}
SYSTEM = {"id": "system", "name": "System"}


def generate_conversations(
    n: int, seed: int, *, start: datetime | None = None, weeks: int = 12
) -> Iterator[dict[str, Any]]:
    """Yield `n` conversation dicts (ids `gen-000001`...) in time order over `weeks` from `start`.

    Raises `InputError` for a negative `n` or fewer than one week.
    """
    if n < 0:
        raise InputError(f"n must be zero or more, got {n}")
    if weeks < 1:
        raise InputError(f"weeks must be at least 1, got {weeks}")
    begin = DEFAULT_START if start is None else start
    if begin.tzinfo is None:
        begin = begin.replace(tzinfo=UTC)
    return _generate(n, seed, begin, weeks)


def _generate(n: int, seed: int, start: datetime, weeks: int) -> Iterator[dict[str, Any]]:
    rng = Random(seed)
    world = World(seed, n, start, weeks)
    for i, t0 in enumerate(arrivals(rng, n, start, weeks), 1):
        yield _conversation(rng, world, i, t0)


def _conversation(rng: Random, world: World, index: int, t0: float) -> dict[str, Any]:
    channel = rng.choices(CHANNELS, cum_weights=CHANNEL_CUM)[0]
    customer = world.customers[rng.randrange(len(world.customers))]
    team = world.team(rng)
    problem = rng.choice(world.problems[team])
    sibling = rng.choice([p for p in world.problems[team] if p is not problem])
    bot: str | None = None
    if channel == "chat":
        u = rng.random()
        bot = "only" if u < SHARES["bot_only"] else "handoff" if u < SHARES["bot_any"] else None
    no_problem = bot != "only" and rng.random() < SHARES["no_problem"]
    agent = world.agent(rng, team)
    transfer = bot != "only" and not no_problem and rng.random() < SHARES["transfer"]
    first_agent = world.agent(rng, world.team(rng, avoid=team)) if transfer else agent
    truth = _truth(rng, world, channel, agent, bot, no_problem, t0)
    truth.transfer = transfer
    if truth.pii_exposed:
        truth.pii_kind = "password" if team == "Accounts" else "card"
    style = customer.style
    if truth.customer_distress and rng.random() < SHARES["angry_when_distressed"]:
        style = "angry"
    elif style == "angry" and not truth.customer_distress:
        style = "terse"
    card_trap = team == "Billing" and not truth.pii_exposed and rng.random() < SHARES["card_trap"]
    fmt = _fmt(rng, world, customer, agent, problem, truth, card_trap)
    fmt_first = fmt
    if transfer:
        fmt_first = {**fmt, "agent": first_agent.first, "team": first_agent.team}
        fmt_first.update(agent2=agent.first, team2=team)
    hour = int((t0 % 86400) // 3600)
    setup = Setup(
        channel=channel,
        problem=problem,
        sibling=sibling,
        fmt=fmt,
        fmt_first=fmt_first,
        style=style,
        sloppy_customer=customer.sloppy,
        agent_style=agent.style,
        hour=hour,
        variant=int(fmt["variant"]),
        bot=bot,
        bot_solved=truth.resolution == "resolved",
        transfer=transfer,
        note=not (transfer or no_problem or bot == "only") and rng.random() < SHARES["note"],
        distress=rng.randrange(len(P.DISTRESS)),
        card_trap=card_trap,
    )
    turns = write_script(rng, setup, truth)
    person = {"id": customer.id, "name": customer.name}
    authors = {
        "c": person,
        "a": {"id": agent.id, "name": agent.name},
        "a1": {"id": first_agent.id, "name": first_agent.name},
        "bot": C.BOT,
        "sys": SYSTEM,
    }
    messages, delays, last, first_agent_at, agent_messages = render(
        rng, channel, turns, t0, authors, truth.sluggish
    )
    _measured(truth, channel, delays, bot)
    status, reopened = status_and_reopen(rng, truth)
    record: dict[str, Any] = {
        "id": f"gen-{index:06d}",
        "source": SOURCE,
        "channel": channel,
        "subject": _subject(rng, problem, fmt, no_problem),
        "status": status,
        "created_at": iso(t0),
        "closed_at": iso(last + _close_delay(rng, channel)) if status == "solved" else None,
        "agent": {**C.BOT, "team": C.BOT_TEAM} if bot == "only" else agent.public(),
        "customer": person,
    }
    score = csat(rng, truth)
    if score is not None:
        record["csat"] = score
    record["csat_scale"] = 5
    record["reopened"] = reopened
    record["handle_time_s"] = _handle_time(
        rng, channel, truth, last, first_agent_at, agent_messages
    )
    record["tags"] = _tags(team, problem, truth)
    record["metadata"] = {
        "product": fmt["product"],
        "problem": "compliment" if no_problem else problem.key,
        "routed_team": team,
        "customer_style": style,
        "bot": bot,
        "transferred_from": first_agent.id if transfer else None,
        "generator": "supportqa.synthetic",
        "seed": world.seed,
        "truth": truth.as_dict(),
    }
    if channel == "voice":
        record["metadata"]["call_duration_s"] = int(last - t0)
    record["metadata"].update(_surveys(world, index, truth))
    record["messages"] = messages
    return record


def _surveys(world: World, index: int, truth: Truth) -> dict[str, int]:
    """NPS and CES answers (metadata `nps`, `ces`, `ces_scale`), from their own random stream so
    adding them left every other generated field as it was."""
    rng = Random(f"supportqa-survey:{world.seed}:{index}")
    answers: dict[str, int] = {}
    score = nps(rng, truth)
    if score is not None:
        answers["nps"] = score
    effort = ces(rng, truth)
    if effort is not None:
        answers.update(ces=effort, ces_scale=7)
    return answers


def _truth(
    rng: Random,
    world: World,
    channel: str,
    agent: AgentProfile,
    bot: str | None,
    no_problem: bool,
    t0: float,
) -> Truth:
    if bot == "only":
        return bot_truth(rng, solved=rng.random() < SHARES["bot_solves"])
    progress = (t0 - world.origin) / world.span
    q = agent.quality + agent.drift * progress + rng.gauss(0, 0.08)
    q = min(0.98, max(0.02, q))
    truth = draw_truth(
        rng,
        q,
        (1 - q) / world.bad_mean,
        channel=channel,
        sloppy=agent.sloppy,
        no_problem=no_problem,
        customer_left=channel == "chat" and rng.random() < SHARES["customer_left"],
    )
    truth.bot = bot
    return truth


def _measured(truth: Truth, channel: str, delays: list[float], bot: str | None) -> None:
    """Responsiveness and slowness as the timestamps show them (the scorecard's definitions)."""
    truth.responsiveness, truth.first_reply_s = responsiveness(delays, channel)
    first = truth.first_reply_s
    truth.slow = bot != "only" and first is not None and first > 2 * SLA_FIRST[channel]


def _fmt(
    rng: Random,
    world: World,
    customer: Customer,
    agent: AgentProfile,
    problem: Problem,
    truth: Truth,
    card_trap: bool,
) -> dict[str, str]:
    others = [a for a in world.roster[rng.choice(world.teams)] if a is not agent]
    fmt = {
        "customer": customer.first,
        "agent": agent.first,
        "team": agent.team,
        "team2": agent.team,
        "agent2": rng.choice(others).first,
        "company": C.COMPANY,
        "product": rng.choice(problem.products),
        "order": f"SP-{rng.randrange(100000, 1000000)}",
        "amount": rng.choice(C.AMOUNTS),
        "last4": f"{rng.randrange(10000):04d}",
        "email": customer.email,
        "day": rng.choice(C.WEEKDAYS),
        "tracking": f"1Z{rng.randrange(10**7, 10**8)}X{rng.randrange(100, 1000)}",
        "courier": rng.choice(C.COURIERS),
        "plan": rng.choice(C.PLANS),
        "article": problem.article,
        "handle": customer.handle,
        "card": card_number(rng) if truth.pii_kind == "card" or card_trap else "",
        "password": "",
    }
    if truth.pii_kind == "password":
        first, second = rng.sample(P.PASSWORD_WORDS, 2)
        fmt["password"] = f"{first}-{second}-{rng.randrange(10, 100)}"
    variant = rng.randrange(len(problem.asks))
    fmt["variant"] = str(variant)
    fmt["ask"] = problem.asks[variant].format_map(fmt)
    fmt["short"] = problem.short[variant % len(problem.short)].format_map(fmt)
    fmt["ivr"] = P.IVR.format(team=agent.team, short=fmt["short"])
    return fmt


def _subject(rng: Random, problem: Problem, fmt: dict[str, str], no_problem: bool) -> str:
    if no_problem:
        return rng.choice(P.SUBJECTS_THANKS)
    return problem.subjects[int(fmt["variant"]) % len(problem.subjects)].format_map(fmt)


def _close_delay(rng: Random, channel: str) -> float:
    low, high = {"chat": (60, 900), "social": (600, 7200), "email": (3600, 86400)}.get(
        channel, (30, 300)
    )
    return rng.uniform(low, high)


def _handle_time(
    rng: Random,
    channel: str,
    truth: Truth,
    last: float,
    first_agent_at: float | None,
    agent_messages: int,
) -> float:
    """Agent working seconds: longer for email, unresolved and transferred conversations."""
    if first_agent_at is None:
        return 0.0
    if channel == "email":
        seconds = agent_messages * rng.uniform(240, 720) + rng.uniform(60, 300)
    elif channel == "social":
        seconds = agent_messages * rng.uniform(60, 240) + rng.uniform(30, 120)
    elif channel == "voice":
        seconds = (last - first_agent_at) + rng.uniform(30, 180)
    else:
        seconds = (last - first_agent_at) * 0.6 + rng.uniform(30, 120)
    seconds *= {"resolved": 1.0, "partial": 1.15, "unresolved": 1.3}[truth.resolution]
    if truth.transfer:
        seconds += rng.uniform(120, 600)
    return float(round(seconds))


def _tags(team: str, problem: Problem, truth: Truth) -> list[str]:
    if truth.no_problem:
        return ["compliment"]
    tags = [team.lower(), problem.key.replace("_", "-"), *problem.tags]
    if truth.bot is not None:
        tags.append(f"bot-{truth.bot}")
    if truth.transfer:
        tags.append("transfer")
    return tags
