"""Posting reviews and overrides through HTTP: the reviewer is the caller, the scorecard's rules
answer 422 naming the field, nobody reviews their own work, every write leaves an audit row, and a
bare conversation id in two sources is refused — on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from supportqa.services import audit, tokens, users
from supportqa.services.permissions import Role
from tests.api.conftest import T0, Served, email_of
from tests.api.seed import KEY, SCORECARD
from tests.services.conversation_builders import chat, store


def post(served: Served, path: str, body: dict[str, Any], role: Role = Role.REVIEWER) -> Any:
    return served.client().post(path, json=body, headers=served.bearer(role))


def test_a_token_posts_a_review_as_its_user_and_lists_it(served: Served) -> None:
    body = {"conversation": "jsonl/c1", "ratings": {KEY: 1, "resolution": 3}, "comment": "Good"}
    posted = post(served, "/api/v1/reviews", body)
    assert posted.status_code == 201, posted.text
    review = posted.json()["review"]
    assert review["reviewer"] == email_of(Role.REVIEWER)
    assert review["reviewee_id"] == "a1" and review["kind"] == "human"
    assert review["iqs"] == 100.0 and review["comment"] == "Good"
    listed = served.client().get(
        "/api/v1/reviews?conversation=c1&kind=human", headers=served.bearer(Role.VIEWER)
    )
    assert [r["review_id"] for r in listed.json()["items"]] == [review["review_id"]]


def test_a_read_only_token_and_an_agent_cannot_post_reviews(served: Served) -> None:
    read_only = tokens.create_token(
        served.workspace, served.ids[Role.REVIEWER], actor="test", read_only=True
    ).token
    body = {"conversation": "jsonl/c1", "ratings": {KEY: 1}}
    refused = served.client().post(
        "/api/v1/reviews", json=body, headers={"Authorization": f"Bearer {read_only}"}
    )
    assert refused.status_code == 403
    assert post(served, "/api/v1/reviews", body, Role.AGENT).status_code == 403


def test_the_body_may_not_name_another_reviewer(served: Served) -> None:
    shorthand = {"conversation": "jsonl/c1", "ratings": {KEY: 1}, "reviewer": "boss@example.com"}
    assert post(served, "/api/v1/reviews", shorthand).status_code == 422
    record = {
        "review_id": "x", "kind": "human", "conversation_id": "c1", "source": "jsonl",
        "reviewer": "boss@example.com", "scorecard": {"name": SCORECARD.name,
        "version": SCORECARD.version}, "criteria": [{"key": KEY, "status": "rated", "rating": 1}],
    }  # fmt: skip
    refused = post(served, "/api/v1/reviews", record)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "reviewer"]
    record["reviewer"] = email_of(Role.REVIEWER)
    record["criteria"].append({"key": "empathy", "status": "na"})
    accepted = post(served, "/api/v1/reviews", record)
    assert accepted.status_code == 201, accepted.text
    ratings = {c["key"]: c["status"] for c in accepted.json()["review"]["criteria"]}
    assert ratings[KEY] == "rated" and ratings["empathy"] == "na"


def test_scorecard_rules_answer_422_naming_the_field(served: Served) -> None:
    cases = {
        "outside the scale": {KEY: 5},
        "N/A where not allowed": {KEY: None},
        "unknown criterion": {"charm": 1},
    }
    for why, ratings in cases.items():
        response = post(served, "/api/v1/reviews", {"conversation": "c1", "ratings": ratings})
        assert response.status_code == 422, why
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["loc"] == ["body", "ratings", next(iter(ratings))]
    stranger = post(served, "/api/v1/reviews", {"conversation": "c1", "reviewee": "zz",
                                                "ratings": {KEY: 1}})  # fmt: skip
    assert stranger.status_code == 422
    assert stranger.json()["errors"][0]["loc"] == ["body", "reviewee"]


def test_nobody_reviews_or_overrides_their_own_conversation(served: Served) -> None:
    info, _ = users.add_user(
        served.workspace, "senior@example.com", "reviewer", actor="test", agents=["jsonl:a1"],
        password="x" * 12, now=T0,
    )  # fmt: skip
    token = tokens.create_token(served.workspace, info.id, actor="test").token
    client, header = served.client(), {"Authorization": f"Bearer {token}"}
    own = {"conversation": "jsonl/c1", "ratings": {KEY: 1}}
    assert client.post("/api/v1/reviews", json=own, headers=header).status_code == 403
    fix = {"conversation": "c1", "criterion": KEY, "value": 0, "reason_code": "other",
           "comment": "mine"}  # fmt: skip
    assert client.post("/api/v1/overrides", json=fix, headers=header).status_code == 403
    colleague = {"conversation": "jsonl/c2", "ratings": {KEY: 1}}
    assert client.post("/api/v1/reviews", json=colleague, headers=header).status_code == 201


def test_an_override_keeps_its_reason_code_and_checks_the_value(served: Served) -> None:
    fix = {"conversation": "c2", "criterion": KEY, "value": 7, "reason_code": "missing_evidence",
           "comment": "No greeting"}  # fmt: skip
    wrong = post(served, "/api/v1/overrides", fix)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == ["body", "value"]
    assert post(served, "/api/v1/overrides", {**fix, "reason_code": "meh"}).status_code == 422
    done = post(served, "/api/v1/overrides", {**fix, "value": 0})
    assert done.status_code == 201, done.text
    record = done.json()["override"]
    assert record["reason_code"] == "missing_evidence" and record["rating"] == 0
    assert record["by"] == email_of(Role.REVIEWER) and record["ai_rating"] == 1
    detail = served.client().get("/api/v1/conversations/jsonl/c2", headers=served.bearer(Role.LEAD))
    assert [o["criterion"] for o in detail.json()["overrides"]] == [KEY]


def test_reviews_and_overrides_are_audited_with_before_and_after(served: Served) -> None:
    post(served, "/api/v1/reviews", {"conversation": "c1", "ratings": {KEY: 0}})
    post(served, "/api/v1/overrides", {"conversation": "c2", "criterion": KEY, "value": 0,
                                       "reason_code": "incorrect_score", "comment": "No"})  # fmt: skip
    rows = {e.action: e for e in audit.entries(served.workspace) if e.action.endswith(".add")}
    review, override = rows["review.add"], rows["override.add"]
    assert review.actor == override.actor == email_of(Role.REVIEWER)
    assert review.before is None and review.after is not None
    assert review.after["ratings"] == {KEY: 0.0} and review.after["conversation"] == "jsonl/c1"
    assert override.after is not None
    assert override.after["overrides"][0]["reason_code"] == "incorrect_score"
    assert override.target == f"review:{override.after['review_id']}"


def test_a_bare_id_in_two_sources_is_400_naming_both(served: Served) -> None:
    store(served.workspace, chat("c1", source="zendesk"))
    response = served.client().get(
        "/api/v1/reviews?conversation=c1", headers=served.bearer(Role.LEAD)
    )
    assert response.status_code == 400
    assert "jsonl/c1" in response.json()["detail"] and "zendesk/c1" in response.json()["detail"]
    one = served.client().get(
        "/api/v1/reviews?conversation=zendesk/c1", headers=served.bearer(Role.LEAD)
    )
    assert one.status_code == 200 and one.json()["items"] == []


def test_a_comment_naming_the_customer_is_masked_for_those_who_see_customers_masked(
    served: Served,
) -> None:
    """Reviewers write about the customer; callers who see customers' data masked read the comment
    masked like the transcript (the conversation's customer is Maria Lopez)."""
    comment = "Maria Lopez wrote from maria.lopez@example.com; agent was kind"
    body = {"conversation": "jsonl/c1", "ratings": {KEY: 1}, "comment": comment}
    assert post(served, "/api/v1/reviews", body).status_code == 201

    def seen(role: Role) -> str:
        listed = served.client().get(
            "/api/v1/reviews?conversation=jsonl/c1&kind=human", headers=served.bearer(role)
        )
        assert listed.status_code == 200, listed.text
        return str(listed.json()["items"][0]["comment"])

    assert seen(Role.LEAD) == comment
    masked = seen(Role.VIEWER)
    assert "Lopez" not in masked and "maria.lopez@example.com" not in masked
    assert masked.endswith("agent was kind")


def test_a_record_whose_cx_is_outside_1_to_5_answers_422_not_500(served: Served) -> None:
    """A review record allows a CX value the human shorthand bounds to 1-5 (found by schemathesis):
    the answer names the field instead of failing inside the handler."""
    record = {
        "review_id": "x", "kind": "human", "conversation_id": "c1", "source": "jsonl",
        "scorecard": {"name": SCORECARD.name, "version": SCORECARD.version},
        "criteria": [{"key": KEY, "status": "rated", "rating": 1}],
        "cx": {"score": 1, "value": 0.0, "subscores": {}, "weights": {}, "explanation": "",
               "review_recommended": True},
    }  # fmt: skip
    refused = post(served, "/api/v1/reviews", record)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["loc"] == ["body", "cx", "value"]
