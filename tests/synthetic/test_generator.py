"""The synthetic generator: deterministic, valid, realistic mixes, truth that matches the text."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from supportqa.domain.conversation import Conversation
from supportqa.errors import InputError
from supportqa.synthetic import generate_conversations
from supportqa.synthetic import phrases as P
from supportqa.synthetic.catalog import AGENTS

N = 3000
SLA_FIRST = {"chat": 120, "social": 1800, "email": 14400, "voice": 60}
FORBIDDEN = (
    "not my problem",
    "not my job",
    "calm down",
    "you should have read",
    "as i already told you",
    "that's your fault",
    "deal with it",
    "stop complaining",
    "i don't care",
    "whatever you say",
)

Record = dict[str, Any]


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(generate_conversations(N, 11))


def truth(record: Record) -> dict[str, Any]:
    return record["metadata"]["truth"]  # type: ignore[no-any-return]


def share(items: list[Record], test: Callable[[Record], bool]) -> float:
    assert items
    return sum(1 for item in items if test(item)) / len(items)


def human(records: list[Record]) -> list[Record]:
    return [r for r in records if truth(r)["bot"] != "only"]


def agent_texts(record: Record) -> list[str]:
    return [m["text"] for m in record["messages"] if m["role"] == "agent" and m["public"]]


def at(message: Record) -> datetime:
    return datetime.fromisoformat(message["at"])


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", "", text.lower()).split()


def luhn_numbers(text: str) -> list[str]:
    found = []
    for run in re.findall(r"\d[\d -]{11,}\d", text):
        digits = re.sub(r"\D", "", run)
        if 13 <= len(digits) <= 19:
            total = 0
            for i, ch in enumerate(reversed(digits)):
                d = int(ch) * (2 if i % 2 else 1)
                total += d - 9 if d > 9 else d
            if total % 10 == 0:
                found.append(digits)
    return found


def test_same_seed_yields_identical_records() -> None:
    first = [orjson.dumps(r) for r in generate_conversations(150, 5)]
    second = [orjson.dumps(r) for r in generate_conversations(150, 5)]
    assert first == second


def test_different_seeds_yield_different_records() -> None:
    first = [orjson.dumps(r) for r in generate_conversations(50, 5)]
    second = [orjson.dumps(r) for r in generate_conversations(50, 6)]
    assert sum(a != b for a, b in zip(first, second, strict=True)) > 45


def test_every_record_validates_as_conversation(records: list[Record]) -> None:
    for record in records:
        conversation = Conversation.model_validate(record)
        assert conversation.source == "synthetic"
        assert conversation.messages
    assert [r["id"] for r in records[:3]] == ["gen-000001", "gen-000002", "gen-000003"]
    assert all(r["created_at"].endswith("Z") for r in records)


def test_records_are_in_time_order_within_the_requested_weeks() -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    rows = list(generate_conversations(400, 3, start=start, weeks=2))
    created = [datetime.fromisoformat(r["created_at"]) for r in rows]
    assert created == sorted(created)
    assert start <= created[0] and created[-1] < start + timedelta(weeks=2)
    office = sum(8 <= c.hour < 18 for c in created) / len(created)
    weekend = sum(c.weekday() >= 5 for c in created) / len(created)
    assert office > 0.6 and weekend < 0.2


def test_invalid_arguments_raise_input_error() -> None:
    with pytest.raises(InputError, match="n must be"):
        generate_conversations(-1, 1)
    with pytest.raises(InputError, match="weeks"):
        generate_conversations(5, 1, weeks=0)


def test_channel_mix_is_within_tolerance(records: list[Record]) -> None:
    mix = Counter(r["channel"] for r in records)
    for channel, expected in {"chat": 0.55, "email": 0.30, "voice": 0.10, "social": 0.05}.items():
        assert mix[channel] / N == pytest.approx(expected, abs=0.03)


def test_defect_rates_are_within_tolerance(records: list[Record]) -> None:
    people = human(records)
    with_problem = [r for r in records if not truth(r)["no_problem"]]
    closable = [r for r in people if truth(r)["closing"] is not None]
    calls = [r for r in records if r["channel"] == "voice"]
    assert share(people, lambda r: not truth(r)["greeting"]) == pytest.approx(0.10, abs=0.03)
    assert share(closable, lambda r: truth(r)["closing"] is False) == pytest.approx(0.15, abs=0.035)
    assert share(people, lambda r: truth(r)["rude"]) == pytest.approx(0.05, abs=0.02)
    resolution = Counter(truth(r)["resolution"] for r in with_problem)
    assert resolution["unresolved"] / len(with_problem) == pytest.approx(0.15, abs=0.035)
    assert resolution["partial"] / len(with_problem) == pytest.approx(0.15, abs=0.035)
    assert share(calls, lambda r: not truth(r)["disclosure"]) == pytest.approx(0.20, abs=0.08)
    assert share(people, lambda r: truth(r)["pii_exposed"]) == pytest.approx(0.02, abs=0.012)
    assert share(people, lambda r: truth(r)["slow"]) == pytest.approx(0.10, abs=0.03)


def test_realism_mixes_are_within_tolerance(records: list[Record]) -> None:
    chats = [r for r in records if r["channel"] == "chat"]
    assert share(chats, lambda r: truth(r)["bot"] is not None) == pytest.approx(0.25, abs=0.04)
    assert share(records, lambda r: truth(r)["bot"] == "only") == pytest.approx(0.05, abs=0.015)
    assert share(records, lambda r: truth(r)["transfer"]) == pytest.approx(0.08, abs=0.02)
    notes = share(records, lambda r: any(m["role"] == "note" for m in r["messages"]))
    assert notes == pytest.approx(0.15, abs=0.03)
    left = share(chats, lambda r: any(m["role"] == "system" for m in r["messages"][-1:]))
    assert left == pytest.approx(0.02, abs=0.012)
    assert share(records, lambda r: "csat" in r) == pytest.approx(0.35, abs=0.04)


def test_roster_is_four_stable_teams_of_five_to_eight_agents(records: list[Record]) -> None:
    assert len(AGENTS) == 4 and all(5 <= len(agents) <= 8 for agents in AGENTS.values())
    names: dict[str, set[tuple[str, str]]] = {}
    for record in human(records):
        agent = record["agent"]
        names.setdefault(agent["id"], set()).add((agent["name"], agent["team"]))
    assert all(len(v) == 1 for v in names.values())
    assert len(names) == sum(len(a) for a in AGENTS.values())


def test_bot_hands_off_to_a_specialist_and_transfers_involve_two_agents(
    records: list[Record],
) -> None:
    for record in records:
        t = truth(record)
        roles = {m["role"] for m in record["messages"]}
        handoff = any("connect you with a specialist" in text for text in _bot_texts(record))
        assert handoff == (t["bot"] == "handoff")
        if t["bot"] == "only":
            assert "agent" not in roles and record["agent"]["name"] == "Sparky bot"
        authors = {m["author"]["id"] for m in record["messages"] if m["role"] == "agent"}
        assert len(authors) == (2 if t["transfer"] else 0 if t["bot"] == "only" else 1)


def _bot_texts(record: Record) -> list[str]:
    return [m["text"] for m in record["messages"] if m["role"] == "bot"]


def test_missing_greeting_in_truth_means_no_greeting_in_first_agent_reply(
    records: list[Record],
) -> None:
    for record in human(records):
        first = agent_texts(record)[0]
        opener = words(first)[0]
        if truth(record)["greeting"]:
            assert opener in P.GREETING_WORDS, first
        else:
            assert opener not in P.GREETING_WORDS | {"good", "greetings"}, first
            author = next(m["author"] for m in record["messages"] if m["role"] == "agent")
            assert author["name"].split()[0] not in first.split("\n")[0]


def test_closing_truth_matches_the_last_agent_reply(records: list[Record]) -> None:
    openings = {c.split("{")[0].split("\n")[0].lower() for c in _all_closings()}
    for record in human(records):
        t, last = truth(record), agent_texts(record)[-1].lower()
        has_closing = any(opening in last for opening in openings)
        if t["closing"] is None:
            assert t["customer_left"]
            assert record["messages"][-1]["role"] == "system"
        else:
            assert has_closing == t["closing"], last


def _all_closings() -> list[str]:
    pools = [
        *P.CLOSINGS_CHAT.values(),
        P.CLOSINGS_MINIMAL,
        P.CLOSINGS_VOICE,
        P.CLOSINGS_SOCIAL,
        P.CLOSINGS_EMAIL,
    ]
    return [c for pool in pools for c in pool]


def test_exposed_pii_truth_matches_agent_replies(records: list[Record]) -> None:
    exposed = 0
    for record in human(records):
        public = " ".join(agent_texts(record))
        leaked = bool(luhn_numbers(public)) or (
            "password" in public.lower()
            and bool(re.search(r"[A-Z][a-z]+-[A-Z][a-z]+-\d\d", public))
        )
        assert leaked == truth(record)["pii_exposed"], public
        exposed += leaked
    assert exposed > 10


def test_voice_disclosure_truth_matches_transcript(records: list[Record]) -> None:
    calls = [r for r in records if r["channel"] == "voice"]
    for record in calls:
        public = " ".join(agent_texts(record)).lower()
        paraphrased = any(d.lower() in public for d in P.DISCLOSURES)
        assert paraphrased == truth(record)["disclosure"]
        assert ("record" in public) == paraphrased
    for record in records:
        if record["channel"] != "voice":
            assert truth(record)["disclosure"] is None


def test_rude_lines_paraphrase_the_forbidden_phrases(records: list[Record]) -> None:
    rude = [r for r in records if truth(r)["rude"]]
    lines = {*P.RUDE_TOKEN, *P.RUDE_FUZZY}
    for record in records:
        public = " ".join(agent_texts(record)).lower()
        normalised = " ".join(words(public))
        assert not any(" ".join(words(p)) in normalised for p in FORBIDDEN)
        assert any(line.lower() in public for line in lines) == truth(record)["rude"]
    token = share(rude, lambda r: truth(r)["rude_style"] == "token")
    assert 0.3 < token < 0.7


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _in_order_with_one_gap(phrase: str, line: str) -> bool:
    wanted = [_stem(w) for w in words(phrase)]
    tokens = [_stem(w) for w in words(line)]
    for start in range(len(tokens)):
        if tokens[start] != wanted[0]:
            continue
        i, gaps = start + 1, 0
        for word in wanted[1:]:
            while i < len(tokens) and tokens[i] != word and gaps <= 1:
                i, gaps = i + 1, gaps + 1
            if i >= len(tokens) or tokens[i] != word or gaps > 1:
                break
            i += 1
        else:
            return True
    return False


def test_half_the_rude_pool_matches_in_order_with_one_gap_the_rest_needs_fuzzy() -> None:
    for line in P.RUDE_TOKEN:
        assert any(_in_order_with_one_gap(p, line) for p in FORBIDDEN), line
    for line in P.RUDE_FUZZY:
        assert not any(_in_order_with_one_gap(p, line) for p in FORBIDDEN), line
    assert 0.35 < len(P.RUDE_TOKEN) / (len(P.RUDE_TOKEN) + len(P.RUDE_FUZZY)) < 0.65


def test_slow_truth_matches_the_first_reply_delay(records: list[Record]) -> None:
    """The first reply is the first human one when a human replied (a bot's triage does not count),
    as in `supportqa.signals.timing`."""
    for record in records:
        messages = [m for m in record["messages"] if m["public"]]
        responder = "agent" if any(m["role"] == "agent" for m in messages) else "bot"
        first_customer = next(m for m in messages if m["role"] == "customer")
        reply = next(m for m in messages if m["role"] == responder)
        delay = (at(reply) - at(first_customer)).total_seconds()
        assert truth(record)["first_reply_s"] == pytest.approx(delay, abs=1)
        slow = responder == "agent" and delay > 2 * SLA_FIRST[record["channel"]]
        assert truth(record)["slow"] == slow


def test_csat_is_higher_when_resolved_and_lower_when_rude(records: list[Record]) -> None:
    def mean_csat(test: Callable[[dict[str, Any]], bool]) -> float:
        return statistics.mean(r["csat"] for r in records if "csat" in r and test(truth(r)))

    resolved = mean_csat(lambda t: t["resolution"] == "resolved" and not t["rude"])
    unresolved = mean_csat(lambda t: t["resolution"] == "unresolved")
    assert resolved > 4.0 and unresolved < 2.5
    assert mean_csat(lambda t: t["rude"]) < 2.5
    assert all(1 <= r["csat"] <= 5 and r["csat_scale"] == 5 for r in records if "csat" in r)


def test_reopen_rate_is_higher_when_unresolved(records: list[Record]) -> None:
    def rate(resolution: str) -> float:
        subset = [r for r in records if truth(r)["resolution"] == resolution]
        return share(subset, lambda r: r["reopened"])

    assert rate("unresolved") > 2 * rate("resolved")


def test_status_and_handle_time_follow_the_outcome(records: list[Record]) -> None:
    assert all(r["status"] == "solved" for r in records if truth(r)["resolution"] == "resolved")
    assert all((r["closed_at"] is not None) == (r["status"] == "solved") for r in records)
    people = human(records)

    def handle(test: Callable[[Record], bool]) -> float:
        return statistics.mean(r["handle_time_s"] for r in people if test(r))

    chats = [r for r in people if r["channel"] == "chat"]
    assert handle(lambda r: r["channel"] == "email") > handle(lambda r: r["channel"] == "chat")
    assert statistics.mean(
        r["handle_time_s"] for r in chats if truth(r)["resolution"] == "unresolved"
    ) > statistics.mean(r["handle_time_s"] for r in chats if truth(r)["resolution"] == "resolved")
    assert handle(lambda r: truth(r)["transfer"]) > handle(lambda r: not truth(r)["transfer"])


def test_agents_differ_in_latent_quality_and_defects(records: list[Record]) -> None:
    by_agent: dict[str, list[dict[str, Any]]] = {}
    for record in human(records):
        by_agent.setdefault(record["agent"]["id"], []).append(truth(record))
    quality = {a: statistics.mean(t["quality"] for t in ts) for a, ts in by_agent.items()}
    ranked = sorted(quality, key=quality.__getitem__)
    worst, best = ranked[:6], ranked[-6:]

    def defects(agents: list[str]) -> float:
        rows = [t for a in agents for t in by_agent[a]]
        return statistics.mean(
            (not t["greeting"]) + (t["closing"] is False) + (t["resolution"] != "resolved")
            for t in rows
        )

    assert quality[ranked[-1]] - quality[ranked[0]] > 0.3
    assert defects(worst) > 1.5 * defects(best)


def test_reply_delays_are_realistic_per_channel(records: list[Record]) -> None:
    def median_first(channel: str) -> float:
        return statistics.median(
            truth(r)["first_reply_s"]
            for r in records
            if r["channel"] == channel and truth(r)["bot"] is None
        )

    assert median_first("voice") < median_first("chat") < 120
    assert 300 < median_first("social") < median_first("email") < 14400


def test_customer_styles_vary(records: list[Record]) -> None:
    styles = Counter(r["metadata"]["customer_style"] for r in records)
    assert set(styles) == {"polite", "terse", "chatty", "non_native", "angry"}
    assert min(styles.values()) > 0.05 * N


def test_nps_and_ces_answers_are_rarer_than_csat_and_follow_the_resolution(
    records: list[Record],
) -> None:
    meta = [r["metadata"] for r in records]
    assert share(records, lambda r: "nps" in r["metadata"]) == pytest.approx(0.15, abs=0.03)
    assert share(records, lambda r: "ces" in r["metadata"]) == pytest.approx(0.20, abs=0.03)
    assert all(0 <= m["nps"] <= 10 for m in meta if "nps" in m)
    assert all(1 <= m["ces"] <= 7 and m["ces_scale"] == 7 for m in meta if "ces" in m)

    def mean_of(key: str, resolution: str) -> float:
        return statistics.mean(
            r["metadata"][key]
            for r in records
            if key in r["metadata"] and truth(r)["resolution"] == resolution
        )

    for key in ("nps", "ces"):
        assert mean_of(key, "resolved") > mean_of(key, "partial") > mean_of(key, "unresolved")
