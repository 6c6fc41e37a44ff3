"""Trust gating on the demo (issue 18): the demo's calibration is recorded, and coaching cards,
coaching focus and agent rankings use no criterion it marks untrusted — unless the scorecard opts
the criterion in. Real SQLite, the demo pipeline at 400 conversations (about 40 reviewed by the
simulated people: enough pairs for verdicts)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from supportqa.analytics import overview as figures
from supportqa.analytics.coaching import AgentCoaching, criterion_gaps
from supportqa.analytics.trust import gate
from supportqa.domain.scorecard import Scorecard
from supportqa.services.analytics import section
from supportqa.services.coaching import coaching_card, coaching_summary
from supportqa.services.demo import DemoResult, run_demo
from supportqa.services.frames import load_frames
from supportqa.services.report import report
from supportqa.services.trust import stored_verdicts, trust_gate, untrusted_criteria
from supportqa.services.workspace import open_workspace

N = 400


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("trust") / "demo", N, seed=7)


def _focus_keys(cards: list[AgentCoaching]) -> set[str]:
    return {f.key for card in cards for f in card.focus}


def _opted_in(card: Scorecard, keys: set[str]) -> Scorecard:
    criteria = [c.model_copy(update={"use_when_untrusted": c.key in keys}) for c in card.criteria]
    return card.model_copy(update={"version": f"{card.version}-opt-in", "criteria": criteria})


def test_the_demo_records_its_calibration_verdicts(demo: DemoResult) -> None:
    with open_workspace(str(demo.db)) as workspace:
        verdicts = stored_verdicts(workspace, demo.scorecard.name)
        gated = untrusted_criteria(workspace)
    assert {v.criterion_key for v in verdicts} == set(demo.scorecard.keys)
    untrusted = [v for v in verdicts if v.verdict == "untrusted"]
    assert sorted(v.criterion_key for v in untrusted) == sorted(demo.untrusted)
    assert len(untrusted) >= 2, "the demo's reviewers disagree with the AI on several criteria"
    for v in untrusted:
        assert v.metric == "kappa" and v.value is not None and v.value < v.threshold == 0.6
        assert v.n_pairs >= 30 and v.scorecard_version == demo.scorecard.version
    assert gated == set(demo.untrusted)


def test_coaching_and_rankings_use_no_untrusted_criterion(demo: DemoResult) -> None:
    untrusted = set(demo.untrusted)
    with open_workspace(str(demo.db)) as workspace:
        frames = load_frames(workspace)
        # without gating, agents would be coached on untrusted criteria: the test can fail
        assert untrusted & set(criterion_gaps(frames).filter(pl.col("gap") < 0)["key"])
        summaries = coaching_summary(workspace)
        built = report(workspace).view
        agents = sorted({s.agent for s in summaries})
        cards = [coaching_card(workspace, agent) for agent in agents[:4]]
        ranking = section(workspace, "agents").data
        trust = trust_gate(workspace)
    assert not untrusted & {s.top_focus for s in summaries}
    assert built.cards and not untrusted & _focus_keys(built.cards)
    assert all(card.left_out == sorted(untrusted) for card in built.cards)
    assert not untrusted & {s.top_focus for s in built.coaching}
    assert not untrusted & _focus_keys(cards)
    assert built.left_out == sorted(untrusted) and ranking.left_out == sorted(untrusted)
    # the ranking is the agents' IQS over the trusted criteria, not the stored IQS
    trusted_only = figures.by_agent(gate(frames, trust))
    stored = figures.by_agent(frames)
    ranked = {r["agent"]: r["ai_iqs"] for r in ranking.agents}
    assert ranked == dict(trusted_only.select("agent", "ai_iqs").iter_rows())
    assert ranked != dict(stored.select("agent", "ai_iqs").iter_rows())
    assert built.agents["ai_iqs"].to_list() == trusted_only["ai_iqs"].to_list()


def test_a_scorecard_opt_in_brings_untrusted_criteria_back(
    demo: DemoResult, tmp_path: Path
) -> None:
    untrusted = set(demo.untrusted)
    db = tmp_path / "opted.db"
    shutil.copy(demo.db, db)
    with open_workspace(str(db)) as workspace:
        workspace.save_scorecard(_opted_in(demo.scorecard, untrusted))
        trust = trust_gate(workspace)
        summaries = coaching_summary(workspace)
        built = report(workspace).view
        ranking = section(workspace, "agents").data
        frames = load_frames(workspace)
    assert trust.untrusted_keys == sorted(untrusted) and trust.gated_keys == []
    assert untrusted & {s.top_focus for s in summaries}
    assert untrusted & _focus_keys(built.cards)
    assert built.left_out == [] and ranking.left_out == []
    assert built.untrusted == sorted(untrusted), "opted in, still labelled untrusted"
    stored = figures.by_agent(frames)
    assert {r["agent"]: r["ai_iqs"] for r in ranking.agents} == dict(
        stored.select("agent", "ai_iqs").iter_rows()
    )
