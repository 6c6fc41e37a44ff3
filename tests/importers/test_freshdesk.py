"""Freshdesk tickets (API v2 shapes) into the conversation contract: the description as the first
message, incoming/private roles, codes to names, CSAT, events, bad tickets reported, idempotent import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.importers import freshdesk, zendesk
from supportqa.importers.common import People
from supportqa.importers.formats import _is_contract, _samples, detect_format
from supportqa.importers.jsonl import RawRecord
from supportqa.importers.service import import_files
from supportqa.storage import Repository

DATA = Path(__file__).resolve().parents[1] / "data"
DOCUMENT = DATA / "freshdesk" / "tickets.json"
SINGLE = DATA / "freshdesk" / "ticket_single.json"


def read(path: Path) -> tuple[dict[str, Conversation], list[InputError]]:
    """Every ticket validated as a Conversation (by id), and the errors."""
    conversations: dict[str, Conversation] = {}
    errors: list[InputError] = []
    for item in freshdesk.read(path):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            assert isinstance(item, RawRecord)
            conversation = Conversation.model_validate(item.data)
            conversations[conversation.id] = conversation
    return conversations, errors


def roles(conversation: Conversation) -> list[str]:
    return [m.role.value for m in conversation.messages]


def test_ticket_fields_map_into_the_contract() -> None:
    charged = read(DOCUMENT)[0]["2001"]
    assert charged.key == ("freshdesk", "2001")
    assert (charged.channel, charged.status, charged.subject) == (
        "email",
        "resolved",
        "Charged twice for March",
    )
    assert (
        charged.created_at is not None
        and charged.created_at.isoformat() == "2026-03-02T09:00:00+00:00"
    )
    assert (
        charged.closed_at is not None
        and charged.closed_at.isoformat() == "2026-03-02T12:00:00+00:00"
    )
    assert charged.agent is not None
    assert (charged.agent.id, charged.agent.name, charged.agent.team) == (
        "9001",
        "Lena Fischer",
        "Billing",
    )
    assert charged.customer is not None
    assert (charged.customer.id, charged.customer.name) == ("8001", "Maria Lopez")
    assert (charged.csat, charged.csat_scale, charged.reopened) == (5, 5, False)
    assert charged.handle_time_s == (25 + 65) * 60
    assert charged.tags == ["billing", "refund"]
    assert charged.metadata == {
        "priority": "high",
        "type": "Refund",
        "group_id": "5001",
        "company_id": "6001",
        "source": "email",
        "due_by": "2026-03-04T09:00:00Z",
        "custom_fields": {"cf_plan": "pro"},
        "csat_comment": "Sorted in a few hours.",
        "events": [{"kind": "attachment", "at": "2026-03-02T11:01:00Z", "author_id": "8001"}],
    }


def test_description_is_the_first_customer_message_then_each_conversation() -> None:
    charged = read(DOCUMENT)[0]["2001"]
    assert roles(charged) == ["customer", "agent", "note", "agent", "customer"]
    first = charged.messages[0]
    assert (
        first.text
        == "Hello,\nI was charged twice for my March subscription – please refund one payment."
    )
    assert first.author is not None and first.author.name == "Maria Lopez"
    assert first.at == charged.created_at
    authors = [m.author.name for m in charged.messages if m.author]
    assert authors == ["Maria Lopez", "Lena Fischer", "Lena Fischer", "Omar Haddad", "Maria Lopez"]
    note = charged.messages[2]
    assert note.role is Role.NOTE and note.public is False
    assert charged.reviewee().name == "Omar Haddad"


def test_html_is_cleaned_when_there_is_no_text_version() -> None:
    conversations, _ = read(DOCUMENT)
    reply = conversations["2001"].messages[1].text
    assert reply.startswith("Hi Maria,\n\nThanks for reaching out & sorry about that.")
    assert "- 1 March – €29.00" in reply and reply.endswith("Best,\nLena")
    call = conversations["2003"]
    assert call.messages[0].text == (
        "Caller asked:\n\n- whether the upgrade is pro\u2011rated\n- if invoices show VAT & company name"
    )
    assert all("<" not in m.text and "&amp;" not in m.text for m in call.messages)


def test_bot_hand_off_to_an_agent() -> None:
    chat = read(DOCUMENT)[0]["2002"]
    assert roles(chat) == ["customer", "bot", "customer", "bot", "agent"]
    assert chat.messages[1].author is not None and chat.messages[1].author.name == "Freddy Bot"
    assert chat.reviewee().id == "9001" and not chat.reviewee().is_bot


def test_parts_without_text_are_events_not_messages() -> None:
    conversations, _ = read(DOCUMENT)
    assert all(m.text.strip() for c in conversations.values() for m in c.messages)
    assert len(conversations["2001"].messages) == 5  # 1 description + 4 of 5 conversations
    empty = freshdesk.convert(
        {
            "id": 5,
            "description": "<div><br></div>",
            "created_at": "2026-01-01T00:00:00Z",
            "requester_id": 4,
        },
        {},
    )
    assert empty["messages"] == []
    assert empty["metadata"]["events"] == [
        {"kind": "empty", "at": "2026-01-01T00:00:00Z", "author_id": "4"}
    ]


@pytest.mark.parametrize(
    ("ticket", "channel", "status", "csat", "reopened", "closed_at"),
    [
        ("2001", "email", "resolved", 5, False, "2026-03-02T12:00:00+00:00"),
        ("2002", "chat", "open", 2, True, None),
        ("2003", "voice", "waiting_on_customer", None, None, None),
        ("2004", "email", "closed", 3, False, "2026-03-08T12:00:00+00:00"),
    ],
)
def test_codes_csat_reopened_and_closed_at(
    ticket: str,
    channel: str,
    status: str,
    csat: int | None,
    reopened: bool | None,
    closed_at: str | None,
) -> None:
    conversation = read(DOCUMENT)[0][ticket]
    assert (conversation.channel, conversation.status, conversation.csat) == (channel, status, csat)
    assert conversation.reopened is reopened
    assert (conversation.closed_at.isoformat() if conversation.closed_at else None) == closed_at


@pytest.mark.parametrize(
    ("source", "name", "channel"),
    [
        (1, "email", "email"),
        (2, "portal", "email"),
        (3, "phone", "voice"),
        (4, "forum", "web"),
        (5, "twitter", "social"),
        (6, "facebook", "social"),
        (7, "chat", "chat"),
        (8, "mobihelp", "mobile"),
        (9, "feedback_widget", "email"),
        (10, "outbound_email", "email"),
        (42, "42", None),
    ],
)
def test_source_codes_map_to_channels(source: int, name: str, channel: str | None) -> None:
    record = freshdesk.convert({"id": 1, "source": source, "description_text": "hi"}, {})
    assert record.get("channel") == channel
    assert record["metadata"]["source"] == name


@pytest.mark.parametrize(
    ("status", "name"),
    [(2, "open"), (3, "pending"), (4, "resolved"), (5, "closed"), (6, "waiting_on_customer"),
     (7, "waiting_on_third_party"), (12, "12"), ("Resolved", "resolved")],
)  # fmt: skip
def test_status_codes_map_to_names(status: Any, name: str) -> None:
    assert freshdesk.convert({"id": 1, "status": status}, {})["status"] == name


@pytest.mark.parametrize(
    ("answer", "csat"),
    [
        (103, 5),
        (102, 4),
        (101, 4),
        (100, 3),
        (-101, 2),
        (-102, 2),
        (-103, 1),
        ("-103", 1),
        (7, None),
    ],
)
def test_satisfaction_answers_map_to_a_five_point_csat(answer: Any, csat: int | None) -> None:
    ticket = {"id": 1, "satisfaction_rating": {"ratings": {"default_question": answer}}}
    record = freshdesk.convert(ticket, {})
    assert record.get("csat") == csat
    assert Conversation.model_validate(record).csat_scale == 5


def test_forwards_and_private_notes_are_notes_and_incoming_is_the_customer() -> None:
    people = People().add([{"id": 1, "contact": {"name": "Support Bot"}}], role="agent")
    cases = [
        ({"incoming": False, "private": True, "user_id": 2}, "note"),
        ({"incoming": False, "private": False, "source": 8, "user_id": 2}, "note"),
        ({"incoming": True, "private": False, "user_id": 3}, "customer"),
        ({"incoming": True, "private": True, "user_id": 3}, "note"),
        ({"incoming": False, "private": False, "user_id": 1}, "bot"),
        ({"incoming": False, "private": False, "user_id": 2}, "agent"),
    ]
    assert [freshdesk.conversation_role(part, people) for part, _ in cases] == [r for _, r in cases]
    warranty = read(DOCUMENT)[0]["2004"]
    assert roles(warranty) == ["customer", "note", "agent"]


def test_missing_optional_fields_are_left_out() -> None:
    call = read(DOCUMENT)[0]["2003"]
    assert call.agent is None and call.csat is None and call.reopened is None
    assert call.handle_time_s is None and call.tags == []
    assert call.customer is not None and (call.customer.id, call.customer.name) == ("8003", None)
    assert call.metadata == {"priority": "low", "source": "phone"}


def test_broken_conversations_are_reported_with_the_index_and_the_rest_imported() -> None:
    conversations, errors = read(DOCUMENT)
    assert sorted(conversations) == ["2001", "2002", "2003", "2004"]
    assert [(e.file, e.index, e.line) for e in errors] == [(str(DOCUMENT), 2, None)]
    assert "'conversations' must be a list" in errors[0].reason


def test_a_bare_ticket_as_the_api_returns_it_is_read() -> None:
    conversations, errors = read(SINGLE)
    assert errors == []
    order = conversations["2010"]
    assert roles(order) == ["customer", "agent"]
    assert (order.status, order.channel, order.metadata["source"]) == (
        "pending",
        "email",
        "feedback_widget",
    )
    assert order.agent is not None and order.agent.model_dump() == {
        "id": "9001",
        "name": None,
        "team": None,
    }


def test_jsonl_and_lists_of_tickets_are_read(tmp_path: Path) -> None:
    document = orjson.loads(DOCUMENT.read_bytes())
    context = {"agents": document["agents"], "groups": document["groups"]}
    lines = tmp_path / "tickets.jsonl"
    lines.write_bytes(b"".join(orjson.dumps({**t, **context}) + b"\n" for t in document["tickets"]))
    from_lines, errors = read(lines)
    assert sorted(from_lines) == ["2001", "2002", "2003", "2004"]
    assert [e.line for e in errors] == [3]
    assert from_lines["2001"].agent is not None and from_lines["2001"].agent.name == "Lena Fischer"
    listed = tmp_path / "list.json"
    listed.write_bytes(orjson.dumps(document["tickets"]))
    assert sorted(read(listed)[0]) == ["2001", "2002", "2003", "2004"]
    assert detect_format(lines) == detect_format(listed) == "freshdesk"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (DOCUMENT, "freshdesk"),
        (SINGLE, "freshdesk"),
        (DATA / "zendesk" / "tickets.json", "zendesk"),
        (DATA / "zendesk" / "tickets.jsonl", "zendesk"),
        (DATA / "conversations_mixed.jsonl", "jsonl"),
    ],
)
def test_auto_format_detection(path: Path, expected: str) -> None:
    assert detect_format(path) == expected


def test_sniffers_are_mutually_exclusive() -> None:
    for path in (DOCUMENT, SINGLE):
        samples = _samples(path)
        assert samples
        for sample in samples:
            sniffed = (freshdesk.sniff(sample), zendesk.sniff(sample), _is_contract(sample))
            assert sniffed == (True, False, False)
    contract = {"id": "x", "description_text": "hi", "messages": []}
    assert not freshdesk.sniff(contract) and _is_contract(contract)


def test_import_twice_is_idempotent(repo: Repository) -> None:
    card = default_scorecard()
    first = import_files(repo, [DOCUMENT, SINGLE], scorecard=card)
    assert (first.imported, first.updated, first.unchanged, first.failed) == (5, 0, 0, 1)
    assert [(e["file"], e["index"], e["line"]) for e in first.errors] == [(str(DOCUMENT), 2, None)]
    again = import_files(repo, [DOCUMENT, SINGLE], scorecard=card)
    assert (again.imported, again.updated, again.unchanged, again.failed) == (0, 0, 5, 1)
    assert repo.count_conversations() == 5
    stored = repo.get_conversation("freshdesk", "2002")
    assert stored is not None and stored.agent is not None and stored.agent.team == "Mobile"
    assert roles(stored) == ["customer", "bot", "customer", "bot", "agent"]
    assert (stored.csat, stored.reopened, stored.status) == (2, True, "open")
