"""HTML bodies become clean text: no tags, entities decoded, line breaks and list items kept."""

from __future__ import annotations

from supportqa.importers.html import html_to_text


def test_tags_removed_entities_decoded_breaks_kept() -> None:
    html = "<p>Hi Maria,</p><p>Thanks &amp; sorry&nbsp;about that.<br>Best,<br/>Lena</p>"
    assert html_to_text(html) == "Hi Maria,\n\nThanks & sorry about that.\nBest,\nLena"


def test_list_items_are_one_per_line() -> None:
    assert (
        html_to_text("<p>Steps:</p><ul><li>one</li><li>two</li></ul>") == "Steps:\n\n- one\n- two"
    )


def test_scripts_and_styles_are_dropped_and_plain_text_passes_through() -> None:
    assert html_to_text("<style>p{}</style><script>x()</script><div>ok</div>") == "ok"
    assert html_to_text("  a < b and c > d  ") == "a < b and c > d"
    assert html_to_text(None) == ""
