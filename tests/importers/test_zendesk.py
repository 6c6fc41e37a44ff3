"""Zendesk tickets (API shapes) into the conversation contract: roles, notes, bots, channels, CSAT,
agents and customers, events, bad tickets reported, format detection, idempotent import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.importers import freshdesk, zendesk
from supportqa.importers.common import People, Someone
from supportqa.importers.formats import _is_contract, _samples, detect_format
from supportqa.importers.jsonl import RawRecord
from supportqa.importers.service import import_files
from supportqa.storage import Repository

DATA = Path(__file__).resolve().parents[1] / "data"
DOCUMENT = DATA / "zendesk" / "tickets.json"
JSONL = DATA / "zendesk" / "tickets.jsonl"
SINGLE = DATA / "zendesk" / "ticket_single.json"


def read(path: Path) -> tuple[dict[str, Conversation], list[InputError]]:
    """Every ticket validated as a Conversation (by id), and the errors."""
    conversations: dict[str, Conversation] = {}
    errors: list[InputError] = []
    for item in zendesk.read(path):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            assert isinstance(item, RawRecord)
            conversation = Conversation.model_validate(item.data)
            conversations[conversation.id] = conversation
    return conversations, errors


def user(key: int, name: str, role: str, **flags: Any) -> Someone | None:
    """A user as the importer sees it after reading the `users` sideload."""
    return People().add([{"id": key, "name": name, "role": role, **flags}]).get(key)


def roles(conversation: Conversation) -> list[str]:
    return [m.role.value for m in conversation.messages]


def test_ticket_fields_map_into_the_contract() -> None:
    conversations, _ = read(DOCUMENT)
    refund = conversations["1001"]
    assert refund.source == "zendesk" and refund.key == ("zendesk", "1001")
    assert (refund.channel, refund.subject, refund.status) == (
        "email",
        "Refund not received",
        "solved",
    )
    assert (
        refund.created_at is not None
        and refund.created_at.isoformat() == "2026-03-02T09:14:00+00:00"
    )
    assert (
        refund.closed_at is not None and refund.closed_at.isoformat() == "2026-03-02T11:00:00+00:00"
    )
    assert refund.agent is not None
    assert (refund.agent.id, refund.agent.name, refund.agent.team) == (
        "602",
        "Priya Nair",
        "Billing",
    )
    assert refund.customer is not None
    assert (refund.customer.id, refund.customer.name) == ("501", "Maria Lopez")
    assert (refund.csat, refund.csat_scale, refund.reopened) == (5, 5, False)
    assert refund.handle_time_s == (106 - 40) * 60
    assert refund.tags == ["refund", "vip"]
    assert refund.metadata == {
        "priority": "high",
        "type": "incident",
        "group_id": "3001",
        "organization_id": "7001",
        "organization": "Acme Retail",
        "via_channel": "web",
        "custom_fields": {"360011": "order_5531"},
        "csat_comment": "Quick and friendly, thanks!",
        "replies": 2,
        "events": [{"kind": "attachment", "at": "2026-03-02T10:45:00Z", "author_id": "501"}],
    }


def test_the_description_is_not_duplicated_and_each_agent_keeps_their_messages() -> None:
    refund = read(DOCUMENT)[0]["1001"]
    assert roles(refund) == ["customer", "agent", "note", "agent"]
    texts = [m.text for m in refund.messages]
    assert (
        texts.count(
            "Hi, I was promised a refund for order 5531 two weeks ago and it never arrived."
        )
        == 1
    )
    authors = [(m.author.id, m.author.name) for m in refund.messages if m.author]
    assert authors == [
        ("501", "Maria Lopez"),
        ("601", "Sam Reyes"),
        ("601", "Sam Reyes"),
        ("602", "Priya Nair"),
    ]
    assert [m.at.isoformat() if m.at else None for m in refund.messages][:2] == [
        "2026-03-02T09:14:00+00:00",
        "2026-03-02T09:20:00+00:00",
    ]
    note = refund.messages[2]
    assert note.role is Role.NOTE and note.public is False
    assert refund.reviewee().id == "602"


def test_bot_hand_off_by_flow_and_bot_user_by_name() -> None:
    conversations, _ = read(DOCUMENT)
    login = conversations["1002"]
    assert roles(login) == ["customer", "bot", "agent", "customer"]
    assert login.messages[1].author is not None and login.messages[1].author.id == "690"
    social = conversations["1004"]
    assert roles(social) == ["customer", "bot"]
    assert social.reviewee().is_bot and social.reviewee().name == "Sparky Bot"


@pytest.mark.parametrize(
    ("via", "rel", "author", "by_requester", "expected"),
    [
        ("answer_bot_for_web_widget", None, user(9, "Help", "agent"), False, "bot"),
        ("web", "answer_bot", None, False, "bot"),
        ("web", None, user(9, "Helper", "agent", bot=True), False, "bot"),
        ("ai_agent", None, None, False, "bot"),
        (
            "native_messaging",
            "flow_builder",
            user(2, "Kim", "end-user"),
            False,
            "customer",
        ),
        ("web", None, user(9, "Virtual Agent", "agent"), False, "bot"),
        ("web", None, user(9, "Tom", "admin"), False, "agent"),
        ("email", None, user(3, "Kim", "end-user"), False, "customer"),
        ("email", None, None, True, "customer"),
        ("email", None, None, False, "agent"),
    ],
)
def test_comment_roles(
    via: str, rel: str | None, author: Any, by_requester: bool, expected: str
) -> None:
    comment = {"public": True, "via": {"channel": via, "source": {"rel": rel}}}
    assert zendesk.comment_role(comment, author, by_requester) == expected
    assert zendesk.comment_role({**comment, "public": False}, author, by_requester) == "note"


def test_html_bodies_are_cleaned_into_text() -> None:
    login = read(DOCUMENT)[0]["1002"]
    assert (
        login.messages[0].text == "I reset my password but the app still says invalid credentials"
    )
    reply = login.messages[2].text
    assert reply.startswith("Hi Jonas, Sam here & sorry for the trouble!")
    assert "- Sign out on every device" in reply and "- Clear the app's cache" in reply
    assert reply.endswith("Thanks,\nSam")
    assert "<" not in reply and "&amp;" not in reply and "&#39;" not in reply


def test_parts_without_text_are_events_not_messages() -> None:
    conversations, _ = read(DOCUMENT)
    assert all(m.text.strip() for c in conversations.values() for m in c.messages)
    call = conversations["1003"]
    assert roles(call) == ["note", "agent"]
    assert call.metadata["events"] == [
        {"kind": "voice_call", "at": "2026-03-04T16:00:00Z", "author_id": "603"}
    ]
    assert "events" not in conversations["1002"].metadata


@pytest.mark.parametrize(
    ("ticket", "channel", "status", "csat", "reopened", "handle_time_s"),
    [
        ("1001", "email", "solved", 5, False, 3960.0),
        ("1002", "chat", "open", 1, True, (1140 - 600) * 60.0),
        ("1003", "voice", "pending", None, False, None),
        ("1004", "social", "new", None, None, None),
    ],
)
def test_channel_status_csat_reopened_and_handle_time(
    ticket: str,
    channel: str,
    status: str,
    csat: int | None,
    reopened: bool | None,
    handle_time_s: float | None,
) -> None:
    conversation = read(DOCUMENT)[0][ticket]
    assert (conversation.channel, conversation.status, conversation.csat) == (channel, status, csat)
    assert (conversation.reopened, conversation.handle_time_s) == (reopened, handle_time_s)


@pytest.mark.parametrize(
    ("via", "channel"),
    [
        ("web", "email"),
        ("email", "email"),
        ("chat", "chat"),
        ("native_messaging", "chat"),
        ("messaging", "chat"),
        ("voice", "voice"),
        ("twitter", "social"),
        ("facebook", "social"),
        ("instagram_dm", "social"),
        ("whatsapp", "social"),
        ("any_channel", "social"),
        ("api", "api"),
        ("mobile_sdk", "mobile_sdk"),
        (None, None),
    ],
)
def test_via_channel_maps_to_channel(via: str | None, channel: str | None) -> None:
    assert zendesk.channel_of(via) == channel


def test_missing_optional_fields_are_left_out() -> None:
    social = read(DOCUMENT)[0]["1004"]
    assert social.agent is None and social.closed_at is None and social.csat is None
    assert social.tags == [] and social.metadata == {"via_channel": "twitter"}
    call = read(DOCUMENT)[0]["1003"]
    assert call.csat is None and "csat_comment" not in call.metadata  # "unoffered"


def test_a_ticket_without_id_is_reported_with_its_index_and_the_rest_imported() -> None:
    conversations, errors = read(DOCUMENT)
    assert sorted(conversations) == ["1001", "1002", "1003", "1004"]
    assert [(e.file, e.index, e.line, e.reason) for e in errors] == [
        (str(DOCUMENT), 3, None, "ticket has no 'id'")
    ]


def test_jsonl_comments_not_a_list_is_reported_with_its_line() -> None:
    conversations, errors = read(JSONL)
    assert sorted(conversations) == ["1001", "1002", "1003", "1005"]
    assert [(e.file, e.line) for e in errors] == [(str(JSONL), 3)]
    assert "'comments' must be a list" in errors[0].reason


def test_jsonl_with_users_per_ticket_matches_the_document() -> None:
    from_document, _ = read(DOCUMENT)
    from_jsonl, _ = read(JSONL)
    for ticket in ("1001", "1002", "1003"):
        expected = from_document[ticket].model_dump()
        expected["metadata"].pop("organization", None)  # no organizations sideload in the JSONL
        assert from_jsonl[ticket].model_dump() == expected


def test_without_users_ids_are_kept_and_the_requester_is_the_customer() -> None:
    invoice = read(JSONL)[0]["1005"]
    assert roles(invoice) == ["customer", "agent"]
    assert invoice.customer is not None and invoice.customer.model_dump() == {
        "id": "506",
        "name": None,
    }
    assert invoice.agent is not None and (invoice.agent.id, invoice.agent.team) == ("602", None)
    assert invoice.metadata["group_id"] == "3001"
    assert invoice.closed_at is None  # no metric_set: no solve time is guessed


def test_single_ticket_document_takes_comments_from_the_comments_call() -> None:
    conversations, errors = read(SINGLE)
    assert errors == []
    delivery = conversations["1006"]
    assert roles(delivery) == ["customer", "agent"]
    assert delivery.agent is not None and delivery.agent.team == "Accounts"
    assert (delivery.csat, delivery.status, delivery.channel) == (5, "closed", "chat")


def test_description_stands_in_when_the_export_has_no_comments() -> None:
    ticket = {
        "id": 77,
        "description": "The printer is on fire",
        "created_at": "2026-01-05T10:00:00Z",
        "requester_id": 5,
    }
    record = zendesk.convert(ticket, {"users": [{"id": 5, "name": "Kim", "role": "end-user"}]})
    conversation = Conversation.model_validate(record)
    assert [(m.role.value, m.text) for m in conversation.messages] == [
        ("customer", "The printer is on fire")
    ]
    assert conversation.messages[0].author is not None
    assert conversation.messages[0].author.name == "Kim"


def test_compact_and_one_line_files_are_read(tmp_path: Path) -> None:
    document = orjson.loads(DOCUMENT.read_bytes())
    compact = tmp_path / "compact.json"
    compact.write_bytes(orjson.dumps(document) + b"\n")
    assert sorted(read(compact)[0]) == ["1001", "1002", "1003", "1004"]
    one_line = tmp_path / "one.jsonl"
    one_line.write_bytes(orjson.dumps(document["tickets"][0]) + b"\n")
    assert sorted(read(one_line)[0]) == ["1001"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (DOCUMENT, "zendesk"),
        (JSONL, "zendesk"),
        (SINGLE, "zendesk"),
        (DATA / "freshdesk" / "tickets.json", "freshdesk"),
        (DATA / "freshdesk" / "ticket_single.json", "freshdesk"),
        (DATA / "conversations_mixed.jsonl", "jsonl"),
    ],
)
def test_auto_format_detection(path: Path, expected: str) -> None:
    assert detect_format(path) == expected


def test_sniffers_are_mutually_exclusive_on_every_sample() -> None:
    paths = [DOCUMENT, JSONL, SINGLE, *sorted((DATA / "freshdesk").glob("*.json"))]
    paths.append(DATA / "conversations_mixed.jsonl")
    for path in paths:
        samples = _samples(path)
        assert samples, path
        for sample in samples:
            hits = [zendesk.sniff(sample), freshdesk.sniff(sample), _is_contract(sample)]
            assert hits.count(True) == 1, path
    intercom_like = {
        "type": "conversation",
        "source": {"type": "conversation"},
        "conversation_parts": {},
    }
    assert not zendesk.sniff(intercom_like) and not freshdesk.sniff(intercom_like)


@pytest.mark.parametrize(
    ("path", "where"), [(DOCUMENT, {"index": 3, "line": None}), (JSONL, {"index": None, "line": 3})]
)
def test_import_twice_is_idempotent(repo: Repository, path: Path, where: dict[str, Any]) -> None:
    card = default_scorecard()
    first = import_files(repo, [path], scorecard=card)
    assert (first.imported, first.updated, first.unchanged, first.failed) == (4, 0, 0, 1)
    assert [(e["file"], e["index"], e["line"]) for e in first.errors] == [
        (str(path), where["index"], where["line"])
    ]
    again = import_files(repo, [path], scorecard=card)
    assert (again.imported, again.updated, again.unchanged, again.failed) == (0, 0, 4, 1)
    assert repo.count_conversations() == 4
    stored = repo.get_conversation("zendesk", "1002")
    assert stored is not None and stored.agent is not None and stored.agent.team == "Accounts"
    assert roles(stored) == ["customer", "bot", "agent", "customer"]
    assert (stored.csat, stored.reopened, stored.channel) == (1, True, "chat")
