"""The pages over a seeded workspace, in-process: what each shows, its JSON twin, scope, errors as
HTML for browsers (a login redirect that only goes back to this site), and the security headers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import case, update

from supportqa.storage import Repository
from supportqa.storage.calibration_verdicts import StoredVerdict, replace_verdicts
from supportqa.storage.tables import conversations
from supportqa.web import vendor
from tests.web.conftest import HTML
from tests.web.seed import PAYLOADS, QUOTE


def rows(page: str) -> list[str]:
    return re.findall(r'<a href="/conversations/([^"]+)">', page)


def test_the_list_applies_the_apis_filters_and_links_its_json_twin(reviewer: TestClient) -> None:
    everything = reviewer.get("/conversations")
    assert sorted(rows(everything.text)) == ["jsonl/c1", "jsonl/c2", "jsonl/c3", "jsonl/x1"]
    page = reviewer.get("/conversations?team=Sales&q=&flagged=true&sort=-iqs")
    assert page.status_code == 200 and rows(page.text) == ["jsonl/c2"]
    assert 'href="/api/v1/conversations?team=Sales&amp;flagged=true&amp;sort=-iqs"' in page.text
    assert rows(reviewer.get("/conversations?iqs_min=60&iqs_max=80").text) == ["jsonl/c3"]


def test_the_next_page_link_carries_the_filters_and_a_cursor(reviewer: TestClient) -> None:
    first = reviewer.get("/conversations?limit=3&sort=oldest")
    link = re.search(r'<a rel="next" href="([^"]+)">', first.text)
    assert link is not None
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    assert query["sort"] == ["oldest"] and query["limit"] == ["3"] and query["cursor"]
    second = reviewer.get(link.group(1).replace("&amp;", "&"))
    seen = rows(first.text) + rows(second.text)
    assert sorted(seen) == ["jsonl/c1", "jsonl/c2", "jsonl/c3", "jsonl/x1"]
    assert 'rel="next"' not in second.text


def test_a_bad_filter_is_a_400_page_with_the_reason(reviewer: TestClient) -> None:
    page = reviewer.get("/conversations?iqs_min=90&iqs_max=10")
    assert page.status_code == 400 and "iqs_min 90 is above iqs_max 10" in page.text
    assert reviewer.get("/conversations?cursor=garbage").status_code == 400


def test_the_conversation_marks_each_quote_and_escapes_every_piece(reviewer: TestClient) -> None:
    page = reviewer.get("/conversations/jsonl/c1").text
    assert '<mark data-key-target title="a1 · greeting">5 &lt; 6 &amp; 🙂</mark>' in page
    assert "&lt;b&gt;Thanks&lt;/b&gt;" in page and QUOTE
    assert 'href="/api/v1/conversations/jsonl/c1"' in page
    assert "<td>sentiment</td><td>0.50</td><td>1.00</td>" in page
    # the CX mapping: c1's CX value 4.0 at or above the default scorecard's fourth cut (3.95)
    assert '<p class="cx-mapping">CX 5 because ' in page and "so it is not flagged" in page
    twin = reviewer.get("/api/v1/conversations/jsonl/c1").json()
    assert twin["cx_mapping"]["score"] == 5 and twin["cx_mapping"]["flagged"] is False
    xss = reviewer.get("/conversations/jsonl/x1").text
    for payload in PAYLOADS.values():
        assert payload not in xss


def test_an_agent_lists_only_their_own_and_a_colleagues_conversation_is_404(
    agent: TestClient,
) -> None:
    assert sorted(rows(agent.get("/conversations").text)) == ["jsonl/c1", "jsonl/x1"]
    assert rows(agent.get("/conversations?q=upgrade").text) == []
    missing, colleague = (
        agent.get("/conversations/jsonl/nope"),
        agent.get("/conversations/jsonl/c2"),
    )
    assert missing.status_code == colleague.status_code == 404
    assert "text/html" in colleague.headers["content-type"]
    assert missing.text.replace("nope", "c2") == colleague.text


def test_the_dashboard_shows_the_overview_as_of_and_embeds_chart_data_as_json(
    reviewer: TestClient,
) -> None:
    page = reviewer.get("/?team=Billing&since=2026-03-01").text
    assert "Figures as of <time" in page
    assert '<script type="application/json" id="chart-data">' in page
    assert 'href="/api/v1/analytics/overview?team=Billing&amp;since=2026-03-01"' in page
    assert f'<link id="{vendor.GLOBAL_STYLE_ID}" class="no-inline-styles"' in page
    inline = re.findall(r"<script(?![^>]*(?:src=|application/json))[^>]*>", page)
    assert inline == []
    bad = reviewer.get("/?since=yesterday")
    assert bad.status_code == 400 and "since must be a date" in bad.text


def test_a_browser_without_a_session_is_sent_to_login_and_scripts_get_401(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/conversations?team=Sales", headers=HTML, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fconversations%3Fteam%3DSales"
    script = client.get("/conversations", follow_redirects=False)
    assert script.status_code == 401
    assert script.headers["content-type"] == "application/problem+json"


def test_login_only_returns_to_a_path_on_this_site(app: FastAPI) -> None:
    client = TestClient(app, headers=HTML)
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        form = client.get("/login", params={"next": target}).text
        assert 'name="next" value="/"' in form, target


def test_an_unknown_page_is_a_small_html_404_for_browsers(reviewer: TestClient) -> None:
    page = reviewer.get("/no-such-page")
    assert page.status_code == 404 and page.text.lstrip().startswith("<!doctype html>")


def test_pages_carry_the_csp_and_plotly_comes_from_the_installed_wheel(
    reviewer: TestClient,
) -> None:
    page = reviewer.get("/conversations")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    script = reviewer.get("/vendor/plotly.min.js")
    assert script.content == vendor.plotly_js().read_bytes()
    css = reviewer.get("/vendor/plotly.css")
    assert css.headers["content-type"].startswith("text/css")
    assert ".js-plotly-plot .plotly .main-svg{position:absolute;" in css.text


def test_the_conversation_labels_criteria_the_latest_calibration_does_not_trust(
    reviewer: TestClient, seeded: Repository
) -> None:
    label = '<span class="flag untrusted"'
    assert label not in reviewer.get("/conversations/jsonl/c1").text
    verdict = StoredVerdict(
        scorecard_name="default", scorecard_version="1", criterion_key="greeting",
        verdict="untrusted", metric="kappa", value=0.1, threshold=0.6, n_pairs=50,
        calibrated_at=datetime(2026, 3, 2, tzinfo=UTC),
    )  # fmt: skip
    with seeded.db.write_transaction() as connection:
        replace_verdicts(connection, "default", [verdict])
    page = reviewer.get("/conversations/jsonl/c1").text
    cells = re.findall(
        r"<td>(\w+)(?: <span class=\"flag\">critical</span>)?( <span class=\"flag untrusted\")?",
        page,
    )
    assert ("greeting", ' <span class="flag untrusted"') in cells
    assert page.count(label) == sum(1 for key, _ in cells if key == "greeting" and _)
    assert all(not flag for key, flag in cells if key != "greeting")


def test_an_unsure_criterion_shows_its_tentative_rating_and_the_api_says_unsure(
    reviewer: TestClient,
) -> None:
    page = reviewer.get("/conversations/jsonl/c3").text
    assert '<span class="flag unsure"' in page and "(tentatively 2)" in page
    twin = reviewer.get("/api/v1/conversations/jsonl/c3").json()
    found = [c for r in twin["ai_reviews"] for c in r["criteria"] if c["key"] == "empathy"]
    assert found and found[0]["status"] == "unsure" and found[0]["rating"] == 2.0


def test_the_conversation_shows_its_detected_language_escaped_and_the_api_returns_it(
    reviewer: TestClient, seeded: Repository
) -> None:
    assert "language not detected yet" in reviewer.get("/conversations/jsonl/c1").text
    assert reviewer.get("/api/v1/conversations/jsonl/c1").json()["language"] is None
    with seeded.db.write_transaction() as connection:
        connection.execute(
            update(conversations)
            .where(conversations.c.external_id.in_(["c1", "c2"]))
            .values(language=case((conversations.c.external_id == "c1", "de"), else_="<b>x"))
        )
    page = reviewer.get("/conversations/jsonl/c1").text
    assert '<span class="language" title="detected language">German (de)</span>' in page
    twin = reviewer.get("/api/v1/conversations/jsonl/c1").json()
    assert twin["language"] == "de" and twin["language_name"] == "German"
    assert "&lt;b&gt;x (&lt;b&gt;x)" in reviewer.get("/conversations/jsonl/c2").text
