"""`score FILE -o OUT`: no database, resumable after a crash, nothing scored twice."""

from __future__ import annotations

import codecs
from pathlib import Path

import orjson

from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_file
from supportqa.synthetic import generate_conversations


def write_conversations(path: Path, n: int, *, bad_line: bool = False) -> None:
    """`n` synthetic conversations, each with one participant (bot messages left out, agent
    replies all the assigned agent's), so one review line per conversation (`test_reviewees`
    covers several)."""
    with path.open("wb") as handle:
        for i, conv in enumerate(generate_conversations(n, seed=3)):
            messages = [
                {**m, "author": None} if m.get("role") == "agent" else m
                for m in conv["messages"]
                if m.get("role") != "bot"
            ]
            handle.write(orjson.dumps({**conv, "messages": messages}) + b"\n")
            if bad_line and i == 2:
                handle.write(b'{"id": "broken", "messages": \n')


def review_ids(path: Path) -> list[str]:
    return [orjson.loads(line)["review_id"] for line in path.read_bytes().splitlines()]


def test_scores_every_conversation_and_reports_bad_lines(tmp_path: Path) -> None:
    source, out = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    write_conversations(source, 40, bad_line=True)
    report = score_file(source, out, default_scorecard(), batch_size=16)
    assert report.scored == 40 and report.failed_records == 1
    assert report.errors[0]["line"] == 4 and "not valid JSON" in str(report.errors[0]["reason"])
    assert len(set(review_ids(out))) == 40


def test_resume_after_a_crash_skips_what_is_done_and_cuts_the_torn_line(tmp_path: Path) -> None:
    source, out = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    write_conversations(source, 50)
    full = tmp_path / "full.jsonl"
    score_file(source, full, default_scorecard(), batch_size=10)
    lines = full.read_bytes().splitlines(keepends=True)
    # a run killed mid-write: 23 complete lines and half of the 24th
    out.write_bytes(b"".join(lines[:23]) + lines[23][:40])
    report = score_file(source, out, default_scorecard(), batch_size=10)
    assert report.skipped == 23 and report.scored == 27
    ids = review_ids(out)
    assert len(ids) == 50 and len(set(ids)) == 50
    assert sorted(ids) == sorted(review_ids(full))


def test_rerun_on_complete_output_scores_nothing(tmp_path: Path) -> None:
    source, out = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    write_conversations(source, 12)
    score_file(source, out, default_scorecard())
    before = out.read_bytes()
    report = score_file(source, out, default_scorecard())
    assert report.scored == 0 and report.skipped == 12
    assert out.read_bytes() == before


def test_worker_processes_write_the_same_reviews_in_order(tmp_path: Path) -> None:
    source = tmp_path / "c.jsonl"
    write_conversations(source, 60, bad_line=True)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    report_one = score_file(source, one, default_scorecard(), batch_size=7)
    report_two = score_file(source, two, default_scorecard(), batch_size=7, workers=2)
    assert review_ids(one) == review_ids(two)
    assert (report_one.scored, report_one.failed_records) == (report_two.scored, 1)

    def without_time(path: Path) -> list[dict[str, object]]:
        rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
        return [{k: v for k, v in row.items() if k != "reviewed_at"} for row in rows]

    assert without_time(one) == without_time(two)


def test_resuming_over_an_edited_input_rescores_the_changed_conversations(tmp_path: Path) -> None:
    """OUT's reviews say which version they judged: a conversation edited in the input since is
    scored again (its new line wins), the others are skipped."""
    card = rules_only(default_scorecard())
    source, out = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    rows = [dict(c) for c in generate_conversations(6, 4)]
    source.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    assert score_file(source, out, card).scored == 6
    rows[2]["messages"] = [
        *rows[2]["messages"],
        {"role": "agent", "text": "Card 4111 1111 1111 1111 is refunded."},
    ]
    rows[4]["csat"] = 1  # not something scorers read: not a new version
    source.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))

    report = score_file(source, out, card)

    assert (report.scored, report.rescored_changed, report.skipped) == (1, 1, 5)
    latest = {}
    for line in out.read_bytes().splitlines():
        review = orjson.loads(line)
        latest[review["conversation_id"]] = review
    edited = latest[str(rows[2]["id"])]
    assert next(c for c in edited["criteria"] if c["key"] == "pii_exposure")["rating"] == 0
    assert score_file(source, out, card).scored == 0


def test_a_bom_and_an_undecodable_byte_cost_nothing_but_a_replacement_character(
    tmp_path: Path,
) -> None:
    source, out = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    lines = [orjson.dumps(c) for c in generate_conversations(3, 8)]
    lines[1] = lines[1].replace(b'"messages"', b'"note":"caf\xe9","messages"', 1)
    source.write_bytes(codecs.BOM_UTF8 + b"\n".join(lines) + b"\n")
    report = score_file(source, out, rules_only(default_scorecard()))
    assert (report.scored, report.failed_records) == (3, 0)
