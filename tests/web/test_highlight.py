"""Evidence spans cut a message's text into pieces: overlapping, adjacent, out-of-range and
emoji-bearing spans all land on code-point offsets."""

from __future__ import annotations

from supportqa.web.highlight import Piece, Span, pieces


def test_one_span_marks_exactly_its_code_points_even_after_an_emoji() -> None:
    text = "🙂 a<b & c done"
    start = text.index("a<b")
    assert pieces(text, [Span(start, start + 7, "x")]) == [
        Piece("🙂 "),
        Piece("a<b & c", ("x",)),
        Piece(" done"),
    ]


def test_overlapping_spans_cut_at_every_boundary_and_the_overlap_has_both_labels() -> None:
    found = pieces("abcdefgh", [Span(1, 5, "p"), Span(3, 7, "q")])
    assert found == [
        Piece("a"),
        Piece("bc", ("p",)),
        Piece("de", ("p", "q")),
        Piece("fg", ("q",)),
        Piece("h"),
    ]


def test_adjacent_spans_of_different_criteria_stay_two_marks() -> None:
    found = pieces("abcdef", [Span(0, 3, "p"), Span(3, 6, "q")])
    assert found == [Piece("abc", ("p",)), Piece("def", ("q",))]


def test_empty_and_out_of_range_spans_are_clipped_or_dropped() -> None:
    found = pieces("abc", [Span(2, 2, "empty"), Span(1, 99, "long"), Span(-5, 0, "before")])
    assert found == [Piece("a"), Piece("bc", ("long",))]
    assert pieces("", [Span(0, 3, "x")]) == [Piece("")]
