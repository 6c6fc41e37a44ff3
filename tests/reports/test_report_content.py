"""What the report says matches what it shows: the queue's cut, targets per team, the criteria
chart, and one row for reviews without a team."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from supportqa.analytics.frame import NO_TEAM
from supportqa.analytics.overview import Overview
from supportqa.analytics.trust import TrustGate
from supportqa.domain.scorecard import Scorecard, default_scorecard, scorecard_from_dict
from supportqa.reports import charts
from supportqa.reports.html import QUEUE_SHOWN, render
from supportqa.services.report import overview, scorecard_for
from supportqa.storage import Repository
from supportqa.storage.frames import load_frames
from tests.reports.builders import build_repository
from tests.reports.test_report_recomputation import tables

TARGETS = {"iqs": 60, "teams": {"Billing": 97}}


def _no_team_for_some(records: list[dict[str, Any]]) -> None:
    """Every 10th agent has no team, every 10th+1 an empty one (as a CSV export leaves it)."""
    for i, record in enumerate(records):
        if i % 10 in (0, 1):
            record["agent"]["team"] = None if i % 10 == 0 else ""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    return build_repository(tmp_path_factory.mktemp("content"), edit=_no_team_for_some)


@pytest.fixture(scope="module")
def card() -> Scorecard:
    """The default card with targets, and responsiveness (which the AI rates) moved out of IQS
    (weight 0), so the data holds a rated criterion the criteria chart must leave out."""
    data = default_scorecard().to_dict() | {"targets": TARGETS}
    for criterion in data["criteria"]:
        if criterion["key"] == "responsiveness":
            criterion["weight"] = 0
    return scorecard_from_dict(data)


@pytest.fixture(scope="module")
def view(repo: Repository, card: Scorecard) -> Overview:
    return overview(load_frames(repo), repo=repo, scorecard=card)


# ---- (a) the queue says how much it shows --------------------------------------------------


def test_queue_says_it_shows_the_first_rows_of_more_and_where_the_rest_are(view: Overview) -> None:
    assert view.queue is not None and view.queue.items
    many = [
        replace(item, conversation_id=f"{item.conversation_id}-{n}")
        for n in range(8)
        for item in view.queue.items
    ][: QUEUE_SHOWN + 37]
    page = render(replace(view, queue=replace(view.queue, items=many)), title="QA", source="t")
    note = " ".join(re.search(r'id="queue-picked">(.*?)</p>', page, re.DOTALL).group(1).split())  # type: ignore[union-attr]
    assert f"{QUEUE_SHOWN + 37} conversations picked" in note
    assert f"showing the first {QUEUE_SHOWN} of {QUEUE_SHOWN + 37}" in note
    assert "supportqa queue --week" in note and "--limit" in note
    queue_table = page[page.index('id="queue"') :]
    assert queue_table.count("<tr><td>") == QUEUE_SHOWN


def test_queue_that_fits_says_it_shows_all(view: Overview) -> None:
    assert view.queue is not None and len(view.queue.items) <= QUEUE_SHOWN
    page = render(view, title="QA", source="t")
    assert f"showing all {len(view.queue.items)}." in page


# ---- (b) IQS targets from the scorecard, per team ------------------------------------------


def test_agents_are_coloured_against_their_teams_target_which_is_shown(view: Overview) -> None:
    page = render(view, title="QA", source="t")
    shown = tables(page)["agents"]
    classes = dict(
        re.findall(r"<tr><td>([^<]+)</td>(?:<td>[^<]*</td>){2}\s*<td class=\"(\w+)\"", page)
    )
    checked = {"Billing": 0, "other": 0}
    for row in view.agents.to_dicts():
        if row["ai_iqs"] is None:
            continue
        target = 97 if row["team"] == "Billing" else 60
        assert row["target"] == target
        assert shown[row["agent"]]["target"] == f"{target}%"
        assert classes[row["agent"]] == ("above" if row["ai_iqs"] >= target else "below")
        checked["Billing" if row["team"] == "Billing" else "other"] += 1
    assert checked["Billing"] and checked["other"]
    assert any(r["ai_iqs"] is not None and 60 <= r["ai_iqs"] < 97 for r in view.agents.to_dicts())
    target_note = re.search(r'id="h-target">([^<]*)<', page)
    assert target_note is not None and target_note.group(1) == "target 60% · Billing 97%"


def test_target_defaults_to_88_and_names_the_stored_scorecard(repo: Repository) -> None:
    frames = load_frames(repo)
    card = scorecard_for(frames, repo)
    assert card is not None and card.name == "default-rules"
    plain = overview(frames, scorecard=card)
    assert plain.headline.target == 88 and set(plain.agents["target"].to_list()) == {88.0}


def test_targets_must_be_percentages() -> None:
    from supportqa.errors import ConfigError

    data = default_scorecard().to_dict() | {"targets": {"iqs": 88, "teams": {"Billing": 120}}}
    with pytest.raises(ConfigError, match="targets"):
        scorecard_from_dict(data, "card.yaml")
    again = scorecard_from_dict(
        scorecard_from_dict(default_scorecard().to_dict() | {"targets": TARGETS}).to_dict()
    )
    assert again.targets.for_team("Billing") == 97 and again.targets.for_team(None) == 60


# ---- (c) the criteria chart: IQS criteria by name, in scorecard order -----------------------


def test_criteria_chart_shows_iqs_criteria_by_name_in_scorecard_order(
    view: Overview, card: Scorecard
) -> None:
    figure = charts.criteria_scores(view)
    scored = set(view.criteria.filter(view.criteria["score"].is_not_null())["key"].to_list())
    expected = [c.name for c in card.criteria if c.weight > 0 and c.key in scored]
    for trace in figure.data:
        names = list(trace.y)
        assert names == sorted(names, key=expected.index), "scorecard order"
        assert set(names) <= set(expected)
    assert list(figure.layout.yaxis.categoryarray) == [
        c.name for c in card.criteria if c.weight > 0
    ]
    assert figure.layout.yaxis.autorange == "reversed"  # the first criterion at the top
    drawn = {name for trace in figure.data for name in trace.y}
    cx_only = [c for c in card.criteria if c.weight == 0]
    assert "responsiveness" in scored and "responsiveness" in {c.key for c in cx_only}
    assert not drawn & {c.name for c in cx_only} and not drawn & {c.key for c in card.criteria}
    page = render(view, title="QA", source="t")
    note = re.search(r'id="criteria-cx-only">(.*?)</p>', page, re.DOTALL)
    assert note is not None and all(c.name in note.group(1) for c in cx_only)


def test_criteria_table_follows_scorecard_order_and_names(view: Overview, card: Scorecard) -> None:
    rows = tables(render(view, title="QA", source="t"))["criteria-table"]
    keys = [k for k in rows]
    order = [c.key for c in card.criteria if c.key in keys]
    assert keys[: len(order)] == order
    assert rows["greeting"]["name"] == card.criterion("greeting").name


# ---- (d) one row for reviews without a team ------------------------------------------------


def test_reviews_without_a_team_or_with_an_empty_one_are_one_opinion_row(view: Overview) -> None:
    assert view.external is not None
    no_team = [t for t in view.external.teams if t.team in (None, "", NO_TEAM)]
    assert len(no_team) == 1
    row = no_team[0]
    assert row.team == NO_TEAM and row.iqs is not None and row.csat_n > 0
    page = render(view, title="QA", source="t")
    opinion = tables(page)["opinion-table"]
    assert NO_TEAM in opinion and "–" not in opinion and "" not in opinion


# ---- trust gating: untrusted criteria are labelled, and the agent table ranks without them ----


def test_untrusted_criteria_are_labelled_and_left_out_of_the_agent_table(
    repo: Repository, card: Scorecard, view: Overview
) -> None:
    frames = load_frames(repo)
    name = str(frames.reviews["scorecard_name"][0])
    trust = TrustGate({name: frozenset({"greeting"})})
    gated = overview(frames, repo=repo, scorecard=card, trust=trust)
    page = render(gated, title="QA", source="t")
    assert '<td>greeting <span class="untrusted">untrusted</span></td>' in page
    assert page.count('<span class="untrusted">') == 1
    assert 'id="agents-untrusted"' in page and 'id="coaching-untrusted"' in page
    assert gated.agents["ai_iqs"].to_list() != view.agents["ai_iqs"].to_list()
    assert 'id="agents-untrusted"' not in render(view, title="QA", source="t")
    assert all(f.key != "greeting" for c in gated.cards for f in c.focus)
