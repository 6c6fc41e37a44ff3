"""The latest calibration verdicts per scorecard name, on SQLite and PostgreSQL: each run replaces
its name's rows (a criterion dropped since does not linger), other names are untouched, and a
scorecard's opt-in survives storage."""

from __future__ import annotations

from datetime import UTC, datetime

from supportqa.domain.scorecard import default_scorecard
from supportqa.storage import Database, Repository
from supportqa.storage.calibration_verdicts import StoredVerdict, latest_verdicts, replace_verdicts

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def verdict(name: str, key: str, verdict: str, value: float | None = 0.4) -> StoredVerdict:
    return StoredVerdict(
        scorecard_name=name, scorecard_version="2", criterion_key=key, verdict=verdict,
        metric="kappa", value=value, threshold=0.6, n_pairs=42, calibrated_at=AT,
    )  # fmt: skip


def test_a_run_replaces_the_verdicts_of_its_scorecard_name_only(db: Database) -> None:
    first = [
        verdict("default", "tone", "untrusted"),
        verdict("default", "greeting", "trusted", 0.9),
    ]
    other = [verdict("rules", "tone", "insufficient", None)]
    with db.write_transaction() as connection:
        replace_verdicts(connection, "default", first)
        replace_verdicts(connection, "rules", other)
    with db.engine.connect() as connection:
        assert latest_verdicts(connection, "default") == sorted(
            first, key=lambda v: v.criterion_key
        )
        assert latest_verdicts(connection) == [
            *sorted(first, key=lambda v: v.criterion_key),
            *other,
        ]
    again = [verdict("default", "empathy", "untrusted", 0.1)]
    with db.write_transaction() as connection:
        replace_verdicts(connection, "default", again)
    with db.engine.connect() as connection:
        assert latest_verdicts(connection, "default") == again
        assert latest_verdicts(connection, "rules") == other
        read = latest_verdicts(connection, "default")[0].calibrated_at
    assert read == AT and read.tzinfo is not None


def test_the_opt_in_survives_storage(db: Database) -> None:
    card = default_scorecard()
    criteria = [c.model_copy(update={"use_when_untrusted": c.key == "tone"}) for c in card.criteria]
    opted = card.model_copy(update={"version": "opt", "criteria": criteria})
    repo = Repository(db)
    repo.save_scorecard(opted)
    stored = repo.get_scorecard(card.name, "opt")
    assert stored is not None
    assert [c.key for c in stored.criteria if c.use_when_untrusted] == ["tone"]
