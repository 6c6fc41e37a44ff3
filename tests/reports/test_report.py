"""The HTML report: its numbers match a recomputation, it is self-contained, and it renders in Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from statistics import mean

import pytest
from markupsafe import escape

from supportqa.analytics.coaching import coach
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.reports.html import render, write_report
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.services.coaching import with_examples
from supportqa.services.report import overview
from supportqa.storage import Database, Repository
from supportqa.storage.frames import load_frames
from supportqa.synthetic import generate_conversations, simulate_reviews


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    folder = tmp_path_factory.mktemp("report")
    repository = Repository(Database.open(folder / "qa.db", create=True))
    records = list(generate_conversations(300, 9))
    conversations = [Conversation.model_validate(r) for r in records]
    repository.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repository.save_scorecard(card)
    repository.upsert_reviews(ScoringEngine(card).score(conversations))
    human = [
        review_from_ratings(RatingsLine.model_validate(line), default_scorecard())
        for line in simulate_reviews(records, 9, share=0.2)
    ]
    repository.upsert_reviews(human)
    return repository


def test_headline_numbers_match_the_stored_reviews(repo: Repository) -> None:
    view = overview(load_frames(repo))
    stored = list(repo.iter_reviews())
    ai = [r.iqs for r in stored if r.kind.value == "ai" and r.iqs is not None]
    human = [r.iqs for r in stored if r.kind.value == "human" and r.iqs is not None]
    assert view.headline.ai_reviews == sum(r.kind.value == "ai" for r in stored)
    assert view.headline.ai_iqs == pytest.approx(mean(ai))
    assert view.headline.human_iqs == pytest.approx(mean(human))
    by_agent = {row["agent"]: row for row in view.agents.to_dicts()}
    agent = stored[0].reviewee.id
    expected = mean(
        r.iqs
        for r in stored
        if r.reviewee.id == agent and r.kind.value == "ai" and r.iqs is not None
    )
    assert by_agent[agent]["ai_iqs"] == pytest.approx(expected)


def test_report_is_one_self_contained_file(repo: Repository, tmp_path: Path) -> None:
    path = write_report(overview(load_frames(repo)), tmp_path / "r.html", title="QA", source="test")
    page = path.read_text()
    assert "<script src=" not in page and "<link" not in page
    assert "Plotly.newPlot" in page and len(page) > 3_000_000  # plotly.js is inside
    for section in (
        "overview",
        "trends",
        "teams",
        "criteria",
        "drivers",
        "stability",
        "opinion",
        "coaching",
        "queue",
    ):
        assert f'id="{section}"' in page


def _chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("CI=true but Chromium is missing: .ci/run installs it")
    return found


def test_report_renders_its_charts_in_chromium_without_network(
    repo: Repository, tmp_path: Path
) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    view = overview(load_frames(repo))
    path = write_report(view, tmp_path / "r.html", title="QA", source="test")
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # any request to the network fails
        "--virtual-time-budget=8000",
    ]
    dom = subprocess.run(
        [*flags, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    charts = re.findall(r'class="plot-container plotly"', dom)
    expected = 5 + (view.drivers is not None)
    assert len(charts) == expected, "every chart was drawn by the embedded plotly.js"
    shot = tmp_path / "report.png"
    subprocess.run(
        [*flags, "--window-size=1366,1300", f"--screenshot={shot}", path.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.stat().st_size > 50_000


def test_report_sections_use_the_analytics_results(repo: Repository) -> None:
    view = overview(load_frames(repo))
    assert view.drivers is not None and view.drivers.n > 0
    assert view.stability is not None and view.stability.rows[0].scope == "overall"
    agents = {row["agent"] for row in view.agents.to_dicts()}
    assert {c.agent for c in view.coaching} <= agents
    assert view.queue is not None and view.queue.items
    assert len({item.key for item in view.queue.items}) == len(view.queue.items)


def test_coaching_cards_are_the_coach_cards_of_the_clearest_gaps(repo: Repository) -> None:
    frames = load_frames(repo)
    view = overview(frames, repo=repo, show_personal_data=True)  # as `coach` shows them
    assert 0 < len(view.cards) <= 8
    gaps = {s.agent: s.gap for s in view.coaching if s.clear}
    assert [c.agent for c in view.cards] == sorted(gaps, key=lambda a: (gaps[a], a))[:8]
    for card in view.cards:
        full = with_examples(coach(frames, card.agent), frames, repo, per_key=2)
        assert card.focus == [f for f in full.focus if f.gap < 0][:3] and card.focus[0].clear
        assert card.examples == full.examples and card.examples
        for key in {f.key for f in card.focus}:
            assert sum(e.key == key for e in card.examples) <= 2
    page = render(view, title="QA", source="test")
    assert page.count('class="coach" data-agent=') == len(view.cards)
    quotes = [q.quote for c in view.cards for e in c.examples for q in e.quotes]
    assert quotes and all(str(escape(q[:40])) in page for q in quotes)
