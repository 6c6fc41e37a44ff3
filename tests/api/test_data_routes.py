"""The data routes through HTTP: an agent sees only their own conversations in the list, in
full-text search, by id and in analytics; pages never repeat a conversation; filters and sections
answer problems for bad input — on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any, get_args

from supportqa.api.catalog import SectionName
from supportqa.services import tokens, users
from supportqa.services.analytics import BUILDERS
from supportqa.services.permissions import Role
from tests.api.conftest import T0, Served
from tests.api.seed import SCORECARD, SEEDED


def agent_a1(served: Served) -> dict[str, str]:
    """A bearer header for an agent linked to help-desk identity jsonl:a1 (c1 and c3 are theirs)."""
    info, _ = users.add_user(
        served.workspace, "sam@example.com", "agent", actor="test", agents=["jsonl:a1"],
        password="x" * 12, now=T0,
    )  # fmt: skip
    token = tokens.create_token(served.workspace, info.id, actor="test", now=T0).token
    return {"Authorization": f"Bearer {token}"}


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


def test_an_agent_lists_and_searches_only_their_own_conversations(served: Served) -> None:
    client, mine = served.client(), agent_a1(served)
    assert sorted(ids(client.get("/api/v1/conversations", headers=mine).json())) == ["c1", "c3"]
    everyone = client.get("/api/v1/conversations", headers=served.bearer(Role.VIEWER)).json()
    assert sorted(ids(everyone)) == list(SEEDED)
    assert ids(client.get("/api/v1/conversations?q=1042", headers=mine).json()) == ["c1"]
    assert ids(client.get("/api/v1/conversations?q=password", headers=mine).json()) == []
    found = client.get("/api/v1/conversations?q=password", headers=served.bearer(Role.VIEWER))
    assert ids(found.json()) == ["c2"]


def test_another_agents_conversation_by_id_is_404_like_a_missing_one(served: Served) -> None:
    client, mine = served.client(), agent_a1(served)
    own = client.get("/api/v1/conversations/jsonl/c1", headers=mine)
    assert own.status_code == 200
    assert own.json()["ai_reviews"][0]["criteria"][0]["evidence"][0]["start"] == 0
    theirs = client.get("/api/v1/conversations/jsonl/c2", headers=mine)
    missing = client.get("/api/v1/conversations/jsonl/nope", headers=mine)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/reviews?conversation=jsonl/c2", headers=mine).status_code == 404


def test_an_agents_analytics_and_reviews_cover_only_themselves(served: Served) -> None:
    client, mine = served.client(), agent_a1(served)
    agents = client.get("/api/v1/analytics/agents", headers=mine).json()
    assert [row["agent"] for row in agents["data"]["agents"]] == ["a1"]
    everyone = client.get("/api/v1/analytics/agents", headers=served.bearer(Role.LEAD)).json()
    assert sorted(row["agent"] for row in everyone["data"]["agents"]) == ["a1", "a2"]
    reviews = client.get("/api/v1/reviews", headers=mine).json()["items"]
    assert {(r["conversation_id"], r["reviewee_id"]) for r in reviews} == {
        ("c1", "a1"),
        ("c3", "a1"),
    }


def test_paging_through_the_list_returns_every_conversation_once(served: Served) -> None:
    client, seen, url = served.client(), [], "/api/v1/conversations?limit=1&sort=-iqs"
    while url:
        body = client.get(url, headers=served.bearer(Role.REVIEWER)).json()
        seen += ids(body)
        cursor = body["next_cursor"]
        url = f"/api/v1/conversations?limit=1&sort=-iqs&cursor={cursor}" if cursor else ""
    assert seen == ["c3", "c2", "c1"]  # IQS 90, 80, 70


def test_bad_filters_and_cursors_answer_problems(served: Served) -> None:
    client, admin = served.client(), served.bearer(Role.ADMIN)
    swapped = client.get("/api/v1/conversations?iqs_min=90&iqs_max=10", headers=admin)
    assert swapped.status_code == 422
    assert swapped.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/conversations?cx_min=9", headers=admin).status_code == 422
    assert client.get("/api/v1/conversations?sort=name", headers=admin).status_code == 422
    other = client.get("/api/v1/conversations?cursor=abc", headers=admin)
    assert other.status_code == 400 and "cursor" in other.json()["detail"]


def test_every_report_section_is_served_with_its_as_of(served: Served) -> None:
    assert set(get_args(SectionName)) == set(BUILDERS)
    client = served.client()
    for name in BUILDERS:
        response = client.get(f"/api/v1/analytics/{name}", headers=served.bearer(Role.LEAD))
        assert response.status_code == 200, (name, response.text[:300])
        assert response.json()["section"] == name and response.json()["as_of"]
    unknown = client.get("/api/v1/analytics/nope", headers=served.bearer(Role.LEAD))
    assert unknown.status_code == 422
    narrow = client.get("/api/v1/analytics/overview?team=Nobody", headers=served.bearer(Role.LEAD))
    assert narrow.status_code == 400 and "widen" in narrow.json()["detail"]


def test_scorecards_list_and_one_version(served: Served) -> None:
    client, viewer = served.client(), served.bearer(Role.VIEWER)
    listed = client.get("/api/v1/scorecards", headers=viewer).json()
    assert {"name": SCORECARD.name, "version": SCORECARD.version} in listed
    one = client.get(
        f"/api/v1/scorecards/{SCORECARD.name}/versions/{SCORECARD.version}", headers=viewer
    ).json()
    assert [c["key"] for c in one["scorecard"]["criteria"]] == SCORECARD.keys
    missing = client.get(f"/api/v1/scorecards/{SCORECARD.name}/versions/99", headers=viewer)
    assert missing.status_code == 404 and SCORECARD.version in missing.json()["detail"]
