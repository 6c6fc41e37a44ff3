"""The report's numbers match an independent recomputation.

The expected figures are computed here in plain Python from the stored domain objects
(`Repository.iter_reviews`, `iter_conversations`: the payloads, not the analytics columns), never
through the polars frames or the analytics functions, and compared with the Overview and with what
the rendered HTML shows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from html.parser import HTMLParser
from statistics import mean
from typing import Any

import polars as pl
import pytest

from supportqa.analytics.overview import Overview
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import CxScore, RatingsLine, Review
from supportqa.domain.scorecard import default_scorecard
from supportqa.reports.html import render
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.services.report import overview
from supportqa.storage import Database, Repository
from supportqa.storage.frames import load_frames
from supportqa.synthetic import generate_conversations, simulate_reviews

SEED = 21


def _vary_survey_fields(records: list[dict[str, Any]]) -> None:
    """Some NPS answers as a Freshdesk-style custom field, some CES answers on a 1–5 scale."""
    for i, record in enumerate(records):
        meta = record["metadata"]
        if "nps" in meta and i % 4 == 0:
            meta["custom_fields"] = {"cf_NPS": str(meta.pop("nps"))}
        if "ces" in meta and i % 3 == 0:
            meta["ces"] = max(1, min(5, round(1 + 4 * (meta["ces"] - 1) / 6)))
            meta["ces_scale"] = 5


def _with_cx(reviews: list[Review]) -> list[Review]:
    """The rules-only card scores no CX (that needs the sentence model): give the AI reviews a CX
    that follows their IQS, so CX means, flags and the CX rule have something to count."""
    for review in reviews:
        if review.iqs is not None:
            value = 1 + 4 * review.iqs / 100
            score = min(5, max(1, int(value + 0.5)))
            review.cx = CxScore(
                score=score,
                value=value,
                subscores={},
                weights={},
                explanation="from IQS (test)",
                review_recommended=score <= 3,
            )
    return reviews


@dataclass
class Stored:
    repo: Repository
    reviews: list[Review]
    conversations: dict[str, Conversation]
    view: Overview
    page: str


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Stored:
    folder = tmp_path_factory.mktemp("recompute")
    repo = Repository(Database.open(folder / "qa.db", create=True))
    records = list(generate_conversations(240, SEED))
    _vary_survey_fields(records)
    conversations = [Conversation.model_validate(r) for r in records]
    repo.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repo.save_scorecard(card)
    repo.upsert_reviews(_with_cx(ScoringEngine(card).score(conversations)))
    human = [
        review_from_ratings(RatingsLine.model_validate(line), default_scorecard())
        for line in simulate_reviews(records, SEED, share=0.25)
    ]
    repo.upsert_reviews(human)
    view = overview(load_frames(repo), repo=repo)
    stored_conversations = {c.id: c for batch in repo.iter_conversations() for c in batch}
    page = render(view, title="QA", source="test")
    return Stored(repo, list(repo.iter_reviews()), stored_conversations, view, page)


# ---- the independent recomputation -------------------------------------------------------------


def avg(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return mean(kept) if kept else None


def week(review: Review) -> str:
    assert review.period_at is not None
    year, number, _ = review.period_at.astimezone(UTC).isocalendar()
    return f"{year}-W{number:02d}"


def csat_1_5(conversation: Conversation) -> float | None:
    if conversation.csat is None:
        return None
    value = 1 + 4 * (conversation.csat - 1) / (conversation.csat_scale - 1)
    return min(5.0, max(1.0, value))


def nps_answer(conversation: Conversation) -> float | None:
    meta = conversation.metadata
    if "nps" in meta:
        return float(meta["nps"])
    custom = meta.get("custom_fields") or {}
    return float(custom["cf_NPS"]) if "cf_NPS" in custom else None


def ces_1_7(conversation: Conversation) -> float | None:
    meta = conversation.metadata
    if "ces" not in meta:
        return None
    scale = meta.get("ces_scale", 7)
    return 1 + 6 * (float(meta["ces"]) - 1) / (scale - 1)


def nps_score(answers: list[float]) -> float | None:
    if not answers:
        return None
    promoters = sum(a >= 9 for a in answers)
    detractors = sum(a <= 6 for a in answers)
    return 100 * (promoters - detractors) / len(answers)


def of_kind(s: Stored, kind: str) -> list[Review]:
    return [r for r in s.reviews if r.kind.value == kind]


def conversation_team(s: Stored) -> dict[str, str | None]:
    """A conversation's team is its AI review's (every conversation here has one)."""
    return {r.conversation_id: r.reviewee.team for r in of_kind(s, "ai")}


# ---- reading the page ------------------------------------------------------------------------


class Tables(HTMLParser):
    """The cell texts of every `<table id=…>`, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("id"):
            self._table = str(found["id"])
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None


def tables(page: str) -> dict[str, dict[str, dict[str, str]]]:
    """Table id → first cell → {header: cell}."""
    parser = Tables()
    parser.feed(page)
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name, rows in parser.tables.items():
        header, *body = rows
        out[name] = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    return out


def by_id(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page)
    assert found is not None, element_id
    return found.group(1).strip()


def shown(text: str, value: float | None, fmt: str) -> bool:
    """The page shows `value` in `fmt` (allowing for the last bit of float rounding)."""
    if value is None:
        return text == "–"
    return text in {fmt % (value - 1e-9), fmt % value, fmt % (value + 1e-9)}


# ---- the tests -------------------------------------------------------------------------------


def test_headline_matches(stored: Stored) -> None:
    ai, human = of_kind(stored, "ai"), of_kind(stored, "human")
    # survey answers belong to the conversation: counted once per AI-reviewed conversation,
    # however many reviewees (agents, bots) its AI reviews judge
    ai_conversations = [
        stored.conversations[cid] for cid in dict.fromkeys(r.conversation_id for r in ai)
    ]
    assert len(ai_conversations) < len(ai), "the sample has conversations with several reviewees"
    flags = [r.cx.review_recommended for r in ai if r.cx is not None]
    csat = [csat_1_5(c) for c in ai_conversations]
    nps = [a for a in map(nps_answer, ai_conversations) if a is not None]
    ces = [v for v in map(ces_1_7, ai_conversations) if v is not None]
    expected = {
        "conversations": len({(r.source, r.conversation_id) for r in stored.reviews}),
        "ai_reviews": len(ai),
        "human_reviews": len(human),
        "ai_iqs": avg(r.iqs for r in ai),
        "human_iqs": avg(r.iqs for r in human),
        "cx_mean": avg(r.cx.value for r in ai if r.cx is not None),
        "cx_flagged_share": sum(flags) / len(flags),
        "csat_mean": avg(csat),
        "csat_coverage": sum(v is not None for v in csat) / len(csat),
        "nps": nps_score(nps),
        "nps_n": len(nps),
        "ces_mean": avg(ces),
        "ces_n": len(ces),
    }
    h = stored.view.headline
    for name, value in expected.items():
        assert getattr(h, name) == pytest.approx(value), name
    assert len(nps) > 20 and len(ces) > 20 and h.human_reviews > 20
    page = stored.page
    assert shown(by_id(page, "h-ai-iqs"), expected["ai_iqs"], "%.1f%%")
    assert shown(by_id(page, "h-human-iqs"), expected["human_iqs"], "%.1f%%")
    assert shown(by_id(page, "h-cx"), expected["cx_mean"], "%.2f")
    assert shown(by_id(page, "h-csat"), expected["csat_mean"], "%.2f")
    assert shown(by_id(page, "h-csat-coverage"), 100 * expected["csat_coverage"], "%.0f%%")
    assert shown(by_id(page, "h-nps"), expected["nps"], "%+.0f")
    assert shown(by_id(page, "h-ces"), expected["ces_mean"], "%.2f")


def test_weekly_iqs_matches(stored: Stored) -> None:
    weekly: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for r in stored.reviews:
        weekly[(week(r), r.kind.value)].append(r.iqs)
    rows = {
        (w, k): row
        for w, k, *row in stored.view.weekly.select("week", "kind", "iqs", "reviews").iter_rows()
    }
    assert set(rows) == set(weekly)
    shown_weeks = tables(stored.page)["weekly"]
    assert len(shown_weeks) == len({w for w, _ in weekly}) >= 10
    for (w, kind), values in weekly.items():
        iqs, n = rows[(w, kind)]
        assert (iqs, n) == (pytest.approx(avg(values)), len(values))
        column = "AI IQS" if kind == "ai" else "human IQS"
        assert shown(shown_weeks[w][column], avg(values), "%.1f")


def test_team_and_agent_iqs_match(stored: Stored) -> None:
    teams: dict[tuple[str | None, str], list[float | None]] = defaultdict(list)
    agents: dict[str | None, list[float | None]] = defaultdict(list)
    for r in stored.reviews:
        teams[(r.reviewee.team, r.kind.value)].append(r.iqs)
        if r.kind.value == "ai":
            agents[r.reviewee.id].append(r.iqs)
    frame = stored.view.teams
    assert frame.height == len(teams)
    for (team, kind), values in teams.items():
        row = frame.filter((pl.col("team") == team) & (pl.col("kind") == kind)).row(0, named=True)
        assert row["iqs"] == pytest.approx(avg(values)) and row["reviews"] == len(values)
    opinion = tables(stored.page)["opinion-table"]
    for team in {t for t, _ in teams}:
        assert shown(opinion[team or "–"]["AI IQS"], avg(teams[(team, "ai")]), "%.1f")
    shown_agents = tables(stored.page)["agents"]
    view_agents = {row["agent"]: row for row in stored.view.agents.to_dicts()}
    for agent, values in agents.items():
        assert view_agents[agent]["ai_iqs"] == pytest.approx(avg(values))
        assert view_agents[agent]["ai_reviews"] == len(values)
        assert shown(shown_agents[str(agent)]["AI IQS"], avg(values), "%.1f")


def test_criteria_means_and_na_shares_match(stored: Stored) -> None:
    rows: dict[tuple[str, str], list[tuple[str, float | None]]] = defaultdict(list)
    for r in stored.reviews:
        for c in r.criteria:
            rows[(c.key, r.kind.value)].append((c.status.value, c.score_pct))
    view = {
        (k, kind): row
        for k, kind, *row in stored.view.criteria.select(
            "key", "kind", "score", "na_share", "na"
        ).iter_rows()
    }
    page = tables(stored.page)["criteria-table"]
    assert set(view) == set(rows)
    for (key, kind), values in rows.items():
        score = avg(s for status, s in values if status == "rated")
        na = sum(status == "na" for status, _ in values)
        got_score, got_share, got_na = view[(key, kind)]
        assert got_score == pytest.approx(score) if score is not None else got_score is None
        assert got_na == na and got_share == pytest.approx(na / len(values))
        if kind == "ai":
            assert shown(page[key]["AI score %"], score, "%.1f")
            assert shown(page[key]["AI N/A share"], 100 * na / len(values), "%.1f%%")
    assert any(v[1] > 0 for (_, kind), v in view.items() if kind == "ai"), "some N/A to check"


def test_stability_coverage_matches(stored: Stored) -> None:
    team = conversation_team(stored)
    cx: dict[str, bool] = defaultdict(bool)
    for r in stored.reviews:
        cx[r.conversation_id] |= r.cx is not None and r.cx.value is not None
    scopes: dict[str, list[str]] = {"overall": sorted(cx)}
    for conversation_id in sorted(cx):
        scopes.setdefault(str(team[conversation_id]), []).append(conversation_id)
    assert stored.view.stability is not None
    rows = {row.scope: row for row in stored.view.stability.rows}
    page = tables(stored.page)["stability-table"]
    assert set(rows) == set(scopes)
    for scope, ids in scopes.items():
        cx_cover = sum(cx[i] for i in ids) / len(ids)
        csat_cover = sum(stored.conversations[i].csat is not None for i in ids) / len(ids)
        row = rows[scope]
        assert row.conversations == len(ids)
        assert row.cx.coverage == pytest.approx(cx_cover)
        assert row.csat.coverage == pytest.approx(csat_cover)
        assert page[scope]["conversations"] == str(len(ids))
        assert shown(page[scope]["CSAT coverage"], 100 * csat_cover, "%.1f%%")
        assert shown(page[scope]["CX coverage"], 100 * cx_cover, "%.1f%%")


def test_nps_and_ces_per_team_match(stored: Stored) -> None:
    team = conversation_team(stored)
    nps: dict[str | None, list[float]] = defaultdict(list)
    ces: dict[str | None, list[float]] = defaultdict(list)
    for conversation_id, conversation in stored.conversations.items():
        answer, effort = nps_answer(conversation), ces_1_7(conversation)
        if answer is not None:
            nps[team[conversation_id]].append(answer)
        if effort is not None:
            ces[team[conversation_id]].append(effort)
    assert stored.view.external is not None
    teams = {t.team: t for t in stored.view.external.teams}
    page = tables(stored.page)["opinion-table"]
    assert stored.view.external.available == ["csat", "nps", "ces"]
    assert len(nps) >= 4
    for name, opinion in teams.items():
        assert opinion.nps_n == len(nps[name])
        expected = nps_score(nps[name])
        assert (
            opinion.nps == pytest.approx(expected) if expected is not None else opinion.nps is None
        )
        assert opinion.ces_n == len(ces[name]) and opinion.ces == pytest.approx(avg(ces[name]))
        assert shown(page[name or "–"]["NPS"], expected, "%+.0f")
        assert page[name or "–"]["NPS n"] == str(len(nps[name]))
        assert shown(page[name or "–"]["CES"], avg(ces[name]), "%.2f")


def test_queue_candidates_by_rule_match(stored: Stored) -> None:
    ai = of_kind(stored, "ai")
    latest = max(week(r) for r in ai)
    in_week = [r for r in ai if week(r) == latest]
    critical = sum(r.critical_failed for r in in_week)
    flagged = sum(bool(r.cx and r.cx.review_recommended) for r in in_week)
    assert stored.view.queue is not None and stored.view.queue.week == latest
    assert stored.view.queue.candidates["critical"] == critical
    assert stored.view.queue.candidates["cx"] == flagged > 0 and critical > 0
    for rule, n in (("critical", critical), ("cx", flagged)):
        assert f'data-rule="{rule}">{rule} {n}<' in stored.page
