"""What the mailed report must not do: run markup from data, or quote customers' personal data."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from supportqa.cli import main
from supportqa.reports.html import render, write_report
from supportqa.services.report import overview
from supportqa.storage import Repository
from supportqa.storage.frames import load_frames
from tests.reports.builders import (
    BOLD_TEAM,
    CARD,
    EMAIL,
    LINK_TEAM,
    build_repository,
    rename_teams,
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    return build_repository(tmp_path_factory.mktemp("safety"), edit=rename_teams, pii=True)


def _dom(path: Path) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--virtual-time-budget=8000",
        "--dump-dom",
        path.as_uri(),
    ]
    return subprocess.run(flags, capture_output=True, text=True, timeout=120).stdout


def test_team_names_with_markup_show_as_text_in_the_charts(
    repo: Repository, tmp_path: Path
) -> None:
    """Rendered by plotly in Chromium: the chart's SVG text is the literal name, and no chart holds
    a link or bold text made from a team's name."""
    path = write_report(overview(load_frames(repo)), tmp_path / "r.html", title="QA", source="t")
    dom = _dom(path)
    svgs = re.findall(r"<svg class=\"main-svg\".*?</svg>", dom, flags=re.DOTALL)
    assert len(svgs) >= 5, "the charts were drawn"
    charts = "".join(svgs)
    for name in (LINK_TEAM, BOLD_TEAM):
        shown = name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert shown in charts, f"{name} shown literally in a chart"
    assert not re.search(r"<a\b", charts), "no link inside a chart"
    assert "example.invalid" not in "".join(re.findall(r"<a\b[^>]*>", dom))
    assert "font-weight:bold" not in charts.replace(" ", "")


def test_report_redacts_customers_personal_data_and_keeps_agents_names(repo: Repository) -> None:
    view = overview(load_frames(repo), repo=repo)
    page = render(view, title="QA", source="test")
    quotes = [q.quote for card in view.cards for e in card.examples for q in e.quotes]
    assert quotes, "the cards quote evidence"
    assert EMAIL not in page and CARD not in page and CARD.replace(" ", "") not in page
    assert "[EMAIL_1]" in page and "[CARD_1]" in page
    for card in view.cards:
        for example in card.examples:
            conversation = repo.get_conversation(example.source, example.conversation_id)
            assert conversation is not None and conversation.customer is not None
            assert conversation.agent is not None and conversation.agent.name
            assert str(conversation.customer.name) not in page
            assert all(
                q.quote.endswith(f"Thanks, {conversation.agent.name}") for q in example.quotes
            )


def test_show_personal_data_quotes_the_evidence_verbatim(repo: Repository) -> None:
    view = overview(load_frames(repo), repo=repo, show_personal_data=True)
    page = render(view, title="QA", source="test")
    assert EMAIL in page and CARD in page
    example = view.cards[0].examples[0]
    conversation = repo.get_conversation(example.source, example.conversation_id)
    assert conversation is not None and conversation.customer is not None
    assert str(conversation.customer.name) in page


@pytest.mark.parametrize("flag", [[], ["--show-personal-data"]])
def test_report_command_redacts_unless_asked_to_show_personal_data(
    repo: Repository, tmp_path: Path, flag: list[str]
) -> None:
    out = tmp_path / "r.html"
    with pytest.raises(SystemExit) as done:
        main(["report", "--out", str(out), "--db", str(repo.db.url), "--json", *flag])
    assert done.value.code in (0, None)
    page = out.read_text(encoding="utf-8")
    assert (EMAIL in page, CARD in page) == (bool(flag), bool(flag))
