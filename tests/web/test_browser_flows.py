"""In a real browser (Debian's chromium via Playwright) against uvicorn on loopback: log in, filter
the list, open a conversation, see the evidence highlighted; an agent sees only their own; the
dashboard draws its charts under the CSP without a violation."""

from __future__ import annotations

import pytest

from supportqa.services.permissions import Role
from tests.web.browser import Tab
from tests.web.seed import PASSWORD, QUOTE, email_of

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_reviewer_logs_in_filters_opens_a_conversation_and_sees_the_evidence(
    tab: Tab, backend: str, request: pytest.FixtureRequest
) -> None:
    base: str = request.getfixturevalue(f"live_{backend}")
    page = tab.page
    tab.log_in(base, email_of(Role.REVIEWER), PASSWORD, then="/conversations")
    assert page.locator("tr[data-key-row]").count() == 4
    page.fill("input[name=q]", "refund")
    page.select_option("select[name=flagged]", "false")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/conversations?*q=refund*")
    rows = page.locator("tr[data-key-row]")
    assert rows.count() == 1 and "jsonl/c1" in rows.first.inner_text()
    twin = page.locator("a.twin").get_attribute("href")
    assert twin is not None and twin.startswith("/api/v1/conversations?") and "q=refund" in twin
    rows.first.locator("a").click()
    page.wait_for_url(f"{base}/conversations/jsonl/c1")
    marks = page.locator("#m1 mark")
    assert marks.all_inner_texts() == [QUOTE, "refund ships today"]
    assert page.locator("#m1 .text").inner_text().startswith("Hello Maria, 5 < 6 & 🙂 so")
    assert "sentiment" in page.locator("section.reviews").inner_text()
    assert tab.csp_violations() == [] and tab.watched.dialogs == []


def test_keyboard_j_and_enter_open_the_first_conversation_and_slash_focuses_search(
    tab: Tab, live_sqlite: str
) -> None:
    page = tab.page
    tab.log_in(live_sqlite, email_of(Role.REVIEWER), PASSWORD, then="/conversations")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    first = page.locator("tr[data-key-row]").first
    assert "key-current" in (first.get_attribute("class") or "")
    href = first.locator("a").get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_sqlite}{href}")


def test_an_agent_sees_only_their_own_conversations_and_a_colleagues_is_404(
    tab: Tab, live_sqlite: str
) -> None:
    page = tab.page
    tab.log_in(live_sqlite, email_of(Role.AGENT), PASSWORD, then="/conversations")
    shown = page.locator("tr[data-key-row] td:first-child").all_inner_texts()
    assert sorted(shown) == ["jsonl/c1", "jsonl/x1"]
    response = page.goto(f"{live_sqlite}/conversations/jsonl/c2")
    assert response is not None and response.status == 404
    assert "404" in page.locator("h1").inner_text()


def test_the_dashboard_draws_its_charts_under_the_csp_without_violations(
    tab: Tab, live_sqlite: str
) -> None:
    page = tab.page
    tab.log_in(live_sqlite, email_of(Role.LEAD), PASSWORD)
    response = page.goto(f"{live_sqlite}/?team=Billing")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    page.wait_for_selector("#chart-trends[data-drawn=true]")
    page.wait_for_selector("#chart-teams[data-drawn=true]")
    assert page.locator("#chart-trends .main-svg").count() >= 1
    assert page.locator(".as-of time").count() == 1
    assert tab.csp_violations() == [] and tab.watched.dialogs == []


def test_a_page_without_a_session_sends_the_browser_to_login_and_back(
    tab: Tab, live_sqlite: str
) -> None:
    page = tab.page
    page.goto(f"{live_sqlite}/conversations/jsonl/c1")
    assert page.url.startswith(f"{live_sqlite}/login?next=")
    page.fill("input[name=email]", email_of(Role.VIEWER))
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{live_sqlite}/conversations/jsonl/c1")
