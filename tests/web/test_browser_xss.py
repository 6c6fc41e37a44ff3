"""Script and markup in conversations (message text, agent name, team, subject, explanation) render
as inert text in a real browser, and the evidence quote holding `<`, `&` and an emoji is
highlighted exactly where it is."""

from __future__ import annotations

import pytest

from supportqa.services.permissions import Role
from tests.web.browser import Tab
from tests.web.seed import PASSWORD, PAYLOADS, XSS_QUOTE, XSS_TEXT, email_of

pytestmark = pytest.mark.browser

INERT = """() => ({
  xss: window.__xss === undefined ? null : String(window.__xss),
  injected: document.querySelectorAll("#injected, svg[onload], img[onerror], a[href^=javascript]").length,
  scripts: Array.from(document.scripts).map(s => s.getAttribute("src") || s.type),
})"""


def _inert(tab: Tab) -> None:
    found = tab.page.evaluate(INERT)
    assert found["xss"] is None and found["injected"] == 0, found
    assert all(s.startswith(("/static/", "/vendor/", "application/json")) for s in found["scripts"])
    assert tab.watched.dialogs == [] and tab.csp_violations() == []


def test_payloads_in_a_conversation_render_as_text_and_the_quote_is_marked(
    tab: Tab, live_sqlite: str
) -> None:
    page = tab.page
    tab.log_in(live_sqlite, email_of(Role.REVIEWER), PASSWORD, then="/conversations/jsonl/x1")
    _inert(tab)
    assert page.locator("h1").inner_text() == PAYLOADS["script"] + " subject"
    assert PAYLOADS["img"] in page.locator("p.meta").first.inner_text()
    assert page.locator("#m1 .who").inner_text().count(PAYLOADS["svg"]) == 1
    assert page.locator("#m0 .text").inner_text() == PAYLOADS["markup"]
    assert page.locator("#m1 .text").inner_text() == XSS_TEXT
    marks = page.locator("#m1 mark")
    assert marks.all_inner_texts() == [XSS_QUOTE]
    before = page.evaluate("() => document.querySelector('#m1 mark').previousSibling.textContent")
    assert before.endswith("quote: ") and XSS_TEXT.index(XSS_QUOTE) == len(before)
    assert PAYLOADS["img"] in page.locator("table.criteria").inner_text()


def test_payloads_are_inert_in_the_list_and_on_the_dashboard(tab: Tab, live_sqlite: str) -> None:
    page = tab.page
    tab.log_in(live_sqlite, email_of(Role.ADMIN), PASSWORD, then="/conversations?q=subject")
    _inert(tab)
    assert PAYLOADS["script"] in page.locator("tr[data-key-row]").first.inner_text()
    page.goto(f"{live_sqlite}/")
    page.wait_for_selector("#chart-teams[data-drawn=true]")
    _inert(tab)
    assert PAYLOADS["img"] in page.locator("table.data").last.inner_text()
    ticks = page.locator("#chart-teams .xtick text").all_text_contents()
    assert PAYLOADS["img"] in ticks
