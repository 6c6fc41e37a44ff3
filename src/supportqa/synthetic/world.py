"""The people and places of the synthetic help desk, prepared once per run.

The roster's names, ids and teams are fixed (see `catalog.AGENTS`); each agent's latent quality, its
drift over the generated weeks and its typo habit are drawn per seed, so some agents are
consistently better than others and per-agent IQS differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from random import Random

from supportqa.synthetic import catalog as C
from supportqa.synthetic.styles import BASE_STYLE_WEIGHTS, STYLES


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """A roster entry; `quality` is latent (0–1) and drifts by `drift` over the generated weeks."""

    id: str
    name: str
    team: str
    style: str
    quality: float
    drift: float
    sloppy: float
    load: float

    @property
    def first(self) -> str:
        return self.name.split()[0]

    def public(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "team": self.team}


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    name: str
    first: str
    email: str
    handle: str
    style: str
    sloppy: bool


def build_roster(seed: int) -> dict[str, tuple[AgentProfile, ...]]:
    """The fixed agents of every team, with latent quality, drift and typo habit drawn per seed."""
    rng = Random(f"supportqa-roster:{seed}")
    roster: dict[str, tuple[AgentProfile, ...]] = {}
    for team, agents in C.AGENTS.items():
        profiles = []
        for agent_id, name, style in agents:
            quality = min(0.96, max(0.2, rng.betavariate(5, 2.4)))
            sloppy = min(0.45, max(0.02, 0.42 - 0.45 * quality + rng.uniform(-0.05, 0.1)))
            profiles.append(
                AgentProfile(
                    id=agent_id,
                    name=name,
                    team=team,
                    style=style,
                    quality=quality,
                    drift=rng.uniform(-0.08, 0.12),
                    sloppy=sloppy,
                    load=rng.uniform(0.6, 1.4),
                )
            )
        roster[team] = tuple(profiles)
    return roster


def build_customers(seed: int, count: int) -> list[Customer]:
    rng = Random(f"supportqa-customers:{seed}")
    people = []
    for k in range(count):
        first, last = rng.choice(C.CUSTOMER_FIRST), rng.choice(C.CUSTOMER_LAST)
        people.append(
            Customer(
                id=f"cus-{100000 + k}",
                name=f"{first} {last}",
                first=first,
                email=f"{first}.{last}{k % 97}@example.com".lower(),
                handle=f"@{first.lower()}{last[0].lower()}{k % 1000}",
                style=rng.choices(STYLES, BASE_STYLE_WEIGHTS)[0],
                sloppy=rng.random() < 0.2,
            )
        )
    return people


class World:
    """Everything precomputed once per run: roster, load weights, customers and the time window."""

    def __init__(self, seed: int, n: int, start: datetime, weeks: int) -> None:
        self.seed = seed
        self.roster = build_roster(seed)
        self.teams = tuple(C.TEAM_SHARE)
        self.team_cum = cumulative(C.TEAM_SHARE[t] for t in self.teams)
        self.agent_cum = {t: cumulative(a.load for a in self.roster[t]) for t in self.teams}
        self.problems = {t: tuple(p for p in C.PROBLEMS if p.team == t) for t in self.teams}
        self.customers = build_customers(seed, max(50, n // 3))
        self.origin = start.timestamp()
        self.span = weeks * 7 * 86400.0
        self.bad_mean = self._bad_mean()

    def _bad_mean(self) -> float:
        """Expected `1 - quality` over the conversations, so defect rates average out to target."""
        total = 0.0
        for team in self.teams:
            agents = self.roster[team]
            load = sum(a.load for a in agents)
            mean = sum(a.load * (1 - a.quality - a.drift / 2) for a in agents) / load
            total += C.TEAM_SHARE[team] * mean
        return total

    def agent(self, rng: Random, team: str) -> AgentProfile:
        return rng.choices(self.roster[team], cum_weights=self.agent_cum[team])[0]

    def team(self, rng: Random, avoid: str | None = None) -> str:
        while True:
            team = rng.choices(self.teams, cum_weights=self.team_cum)[0]
            if team != avoid:
                return team


def cumulative(weights: Iterable[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def luhn_check_digit(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def card_number(rng: Random) -> str:
    """A Luhn-valid 16-digit card number, grouped in fours most of the time."""
    digits = rng.choice(("4", "51", "52", "53", "54", "55"))
    digits += "".join(str(rng.randrange(10)) for _ in range(15 - len(digits)))
    number = digits + str(luhn_check_digit(digits))
    if rng.random() < 0.7:
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))
    return number
