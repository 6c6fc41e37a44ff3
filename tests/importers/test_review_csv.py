"""Human reviews from CSV (one row per review, one column per criterion): told apart from conversation
CSVs by the header, imported like ratings lines, bad rows reported with their line, re-import idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportqa.domain.review import ReviewKind
from supportqa.domain.scorecard import default_scorecard
from supportqa.importers.formats import detect_format
from supportqa.importers.review_csv import is_review_header, read_review_csv
from supportqa.importers.service import import_files
from supportqa.storage import Repository

DATA = Path(__file__).resolve().parents[1] / "data"

REVIEWS = """\
conversation_id,Reviewer,reviewed_at,agent,team,session_id,cx,greeting,resolution,empathy,closing
T-1,tara,2026-03-04 10:00,a7,Billing,cal-2026-W10,4,1,3,N/A,
T-2,leo,2026-03-05T09:30:00+01:00,a8,Shipping,,,0,2,3,na
"""


def write(tmp_path: Path, text: str, name: str = "reviews.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_review_header_is_told_apart_from_a_conversation_header() -> None:
    assert is_review_header(["conversation_id", "reviewer", "greeting"])
    assert is_review_header(["Conversation ID", "Reviewer", "cx", "resolution"])
    assert not is_review_header(["conversation_id", "reviewer", "text", "greeting"])  # messages
    assert not is_review_header(["conversation_id", "greeting", "resolution"])  # no reviewer
    assert not is_review_header(["conversation_id", "reviewer", "cx"])  # no criterion column


def test_auto_detection_picks_review_csv_and_leaves_message_csvs_alone(tmp_path: Path) -> None:
    assert detect_format(write(tmp_path, REVIEWS)) == "review-csv"
    assert detect_format(write(tmp_path, REVIEWS.replace(",", "\t"), "r.tsv")) == "review-csv"
    assert detect_format(DATA / "csv" / "messages.csv") == "csv"


def test_rows_become_ratings_lines(tmp_path: Path) -> None:
    records = list(read_review_csv(write(tmp_path, REVIEWS)))
    first, second = (r.data for r in records)  # type: ignore[union-attr]
    assert first == {
        "conversation_id": "T-1",
        "reviewer": "tara",
        "reviewed_at": "2026-03-04T10:00:00Z",
        "agent": "a7",
        "team": "Billing",
        "session_id": "cal-2026-W10",
        "cx": 4.0,
        "ratings": {"greeting": 1.0, "resolution": 3.0, "empathy": None},
    }
    assert second["reviewed_at"] == "2026-03-05T08:30:00Z"
    assert second["ratings"] == {
        "greeting": 0.0,
        "resolution": 2.0,
        "empathy": 3.0,
        "closing": None,
    }
    assert [r.line for r in records] == [2, 3]  # type: ignore[union-attr]


def test_import_stores_human_reviews_with_na_and_unrated(repo: Repository, tmp_path: Path) -> None:
    report = import_files(repo, [write(tmp_path, REVIEWS)], scorecard=default_scorecard())
    assert (report.imported, report.failed, report.reviews) == (2, 0, 2)
    tara = next(r for r in repo.iter_reviews() if r.reviewer == "tara")
    assert tara.kind is ReviewKind.HUMAN and tara.session_id == "cal-2026-W10"
    assert tara.reviewee.id == "a7" and tara.reviewee.team == "Billing"
    assert tara.cx is not None and tara.cx.score == 4
    statuses = {c.key: c.status.value for c in tara.criteria}
    assert statuses["greeting"] == "rated" and statuses["empathy"] == "na"
    assert statuses["closing"] == "unrated" and statuses["tone"] == "unrated"
    assert tara.scorecard.name == "default"


def test_bad_rows_are_reported_with_file_and_line_and_the_rest_imported(
    repo: Repository, tmp_path: Path
) -> None:
    text = REVIEWS + (
        "T-3,tara,,,,,,yes,3,,\n"  # line 4: not a number
        ",tara,,,,,,1,3,,\n"  # line 5: no id
        "T-5,tara,,,,,,1,7,,\n"  # line 6: outside the scale
        "T-6,tara,,,,,,,,,\n"  # line 7: nothing rated
        "T-7,tara,yesterday,,,,,1,,,\n"  # line 8: unreadable time
        "T-8,tara,,,,,9,1,,,\n"  # line 9: cx outside 1..5
    )
    path = write(tmp_path, text)
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert (report.imported, report.failed) == (2, 6)
    errors = {e["line"]: e["reason"] for e in report.errors}
    assert all(e["file"] == str(path) for e in report.errors)
    assert "column 'greeting': 'yes' is not a number" in errors[4]
    assert "no conversation_id" in errors[5]
    assert "rating 7 for resolution is outside its scale 1..3" in errors[6]
    assert "nothing rated" in errors[7]
    assert "cannot read time 'yesterday'" in errors[8]
    assert "cx" in errors[9]


def test_an_unknown_criterion_column_fails_each_row_naming_it(
    repo: Repository, tmp_path: Path
) -> None:
    path = write(tmp_path, "conversation_id,reviewer,friendliness\nT-1,tara,1\n")
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert report.failed == 1 and "unknown criterion friendliness" in report.errors[0]["reason"]
    assert report.errors[0]["line"] == 2


def test_reimport_changes_nothing_and_an_edit_updates(repo: Repository, tmp_path: Path) -> None:
    path = write(tmp_path, REVIEWS)
    card = default_scorecard()
    import_files(repo, [path], scorecard=card)
    again = import_files(repo, [path], scorecard=card)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    write(
        tmp_path,
        REVIEWS.replace(
            "T-1,tara,2026-03-04 10:00,a7,Billing,cal-2026-W10,4,1",
            "T-1,tara,2026-03-04 10:00,a7,Billing,cal-2026-W10,4,0",
        ),
    )
    edited = import_files(repo, [path], scorecard=card)
    assert (edited.imported, edited.updated, edited.unchanged) == (0, 1, 1)
    assert repo.count_reviews(kind="human") == 2


def test_format_can_be_forced_for_a_file_without_a_reviewer_column(
    repo: Repository, tmp_path: Path
) -> None:
    path = write(tmp_path, "conversation_id;greeting;resolution\nT-1;1;3\n")
    assert detect_format(path) == "csv"
    report = import_files(repo, [path], scorecard=default_scorecard(), fmt="review-csv")
    assert (report.imported, report.failed) == (1, 0)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("reviewer,greeting\n", "no conversation_id column"),
        ("conversation_id,reviewer,greeting,greeting\n", "'greeting' appears twice"),
        ("", "the file is empty"),
    ],
)
def test_a_bad_header_fails_the_file_with_its_reason(
    repo: Repository, tmp_path: Path, header: str, message: str
) -> None:
    path = write(tmp_path, header + "T-1,tara,1\n" if header else "")
    report = import_files(repo, [path], scorecard=default_scorecard(), fmt="review-csv")
    assert report.failed == 1 and message in report.errors[0]["reason"]
    assert report.errors[0]["file"] == str(path)
