"""Agent `501` of a Zendesk export and agent `501` of a CSV are two agents until linked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Runner

CSV_HEADER = "ticket_id,timestamp,sender,author_name,message,channel,agent_id,agent_name,team\n"


def _zendesk_ticket(n: int) -> dict[str, Any]:
    """One line of a Zendesk tickets JSONL export (a ticket with its comments and users inline)."""
    return {
        "id": 1000 + n,
        "subject": "Change of delivery address",
        "status": "closed",
        "via": {"channel": "email"},
        "created_at": f"2026-03-0{n}T10:00:00Z",
        "requester_id": 7,
        "assignee_id": 501,
        "group_id": 1,
        "comments": [
            {
                "id": 10 * n,
                "author_id": 7,
                "public": True,
                "created_at": f"2026-03-0{n}T10:00:00Z",
                "body": "Please deliver order 7710 to my office instead.",
            },
            {
                "id": 10 * n + 1,
                "author_id": 501,
                "public": True,
                "created_at": f"2026-03-0{n}T10:03:00Z",
                "body": "Hi Ana, thanks for writing! Done: order 7710 now goes to your office. "
                "Is there anything else I can help with? Have a great day!",
            },
        ],
        "users": [
            {"id": 7, "name": "Ana Silva", "role": "end-user"},
            {"id": 501, "name": "Sam Reyes", "role": "agent"},
        ],
        "groups": [{"id": 1, "name": "Accounts"}],
    }


def _csv(n: int) -> str:
    rows = []
    for i in range(n):
        day = f"2026-03-0{i + 1}"
        rows += [
            f"T-{i},{day}T09:00:00Z,customer,Ken,my card was charged twice,chat,,,\n",
            f"T-{i},{day}T09:05:00Z,agent,Kim Lee,sorry. refunded,chat,501,Kim Lee,Billing\n",
        ]
    return CSV_HEADER + "".join(rows)


@pytest.fixture
def two_help_desks(cli: Runner, tmp_path: Path, db_url: str) -> str:
    """Two Zendesk tickets and three CSV conversations, each help desk with its own agent 501."""
    tickets = tmp_path / "tickets.jsonl"
    tickets.write_text("".join(json.dumps(_zendesk_ticket(n)) + "\n" for n in (1, 2)))
    export = tmp_path / "messages.csv"
    export.write_text(_csv(3))
    for args in (("import", tickets), ("import", export), ("score",)):
        result = cli(*args, "--db", db_url)
        assert result.code == 0, result.err
    return db_url


def _iqs_by_agent(cli: Runner, db: str) -> dict[str | None, tuple[str | None, int]]:
    result = cli("iqs", "--by", "agent", "--kind", "ai", "--db", db, "--json")
    assert result.code == 0, result.err
    return {r["group"]["agent"]: (r["agent_name"], r["reviews"]) for r in result.json()["rows"]}


def test_the_same_agent_id_from_two_help_desks_is_two_agents_until_linked(
    cli: Runner, two_help_desks: str
) -> None:
    db = two_help_desks
    assert _iqs_by_agent(cli, db) == {"501": ("Sam Reyes", 2), "csv/501": ("Kim Lee", 3)}

    listed = cli("agents", "list", "--db", db, "--json").json()["agents"]
    assert [(a["ref"], a["person"], a["name"], a["reviews"]) for a in listed] == [
        ("zendesk/501", "501", "Sam Reyes", 2),
        ("csv/501", "csv/501", "Kim Lee", 3),
    ]

    linked = cli("agents", "link", "zendesk/501", "csv/501", "--as", "Sam Kim", "--db", db)
    assert linked.code == 0, linked.err
    assert "Sam Kim" in linked.out and "csv/501, zendesk/501" in linked.out
    assert _iqs_by_agent(cli, db) == {"501": ("Sam Kim", 5)}
    coach = cli("coach", "--db", db, "--json")
    assert coach.code == 0, coach.err
    assert [(row["agent"], row["reviews"]) for row in coach.json()] == [("501", 5)]

    unlinked = cli("agents", "unlink", "csv/501", "--db", db, "--json")
    assert unlinked.code == 0, unlinked.err
    assert unlinked.json()["people"] == [
        {"key": "csv/501", "name": "Kim Lee", "identities": ["csv/501"]}
    ]
    assert _iqs_by_agent(cli, db) == {"501": ("Sam Kim", 2), "csv/501": ("Kim Lee", 3)}


def test_link_names_unknown_and_ambiguous_identities_in_one_line(
    cli: Runner, two_help_desks: str
) -> None:
    result = cli("agents", "link", "501", "nobody/7", "--db", two_help_desks)
    assert result.code == 1
    assert "'501' is ambiguous: it is csv/501, zendesk/501" in result.err
    assert "no agent identity 'nobody/7'" in result.err
    assert "Traceback" not in result.err
    alone = cli("agents", "link", "zendesk/501", "--db", two_help_desks)
    assert alone.code == 1 and "at least two identities" in alone.err
