"""Trust labels through HTTP: once a calibration marks a criterion untrusted, the conversation's AI
criteria say so, and the agents and criteria sections name it (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from supportqa.services.permissions import Role
from supportqa.storage.calibration_verdicts import StoredVerdict, replace_verdicts
from tests.api.conftest import Served
from tests.api.seed import KEY, SCORECARD


def _mark_untrusted(served: Served, key: str) -> None:
    verdict = StoredVerdict(
        scorecard_name=SCORECARD.name, scorecard_version=SCORECARD.version, criterion_key=key,
        verdict="untrusted", metric="kappa", value=0.2, threshold=0.6, n_pairs=40,
        calibrated_at=datetime(2026, 3, 2, tzinfo=UTC),
    )  # fmt: skip
    with served.workspace.db.write_transaction() as connection:
        replace_verdicts(connection, SCORECARD.name, [verdict])


def test_api_labels_untrusted_criteria_only_after_a_calibration_marks_them(served: Served) -> None:
    client, lead = served.client(), served.bearer(Role.LEAD)

    def trust_of_key() -> dict[str, str | None]:
        body = client.get("/api/v1/conversations/jsonl/c1", headers=lead).json()
        return {c["key"]: c["trust"] for c in body["ai_reviews"][0]["criteria"]}

    assert set(trust_of_key().values()) == {None}
    _mark_untrusted(served, KEY)
    labels = trust_of_key()
    assert labels[KEY] == "untrusted"
    assert {k for k, v in labels.items() if v} == {KEY}
    agents = client.get("/api/v1/analytics/agents", headers=lead).json()["data"]
    assert agents["left_out"] == [KEY]
    criteria = client.get("/api/v1/analytics/criteria", headers=lead).json()["data"]
    assert criteria["untrusted"] == [KEY]
