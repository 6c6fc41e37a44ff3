"""Intercom conversations (API 2.x) into the contract: roles, events, HTML, statistics, sniffing, import."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pytest

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.importers.formats import detect_format
from supportqa.importers.intercom import looks_like_intercom, read_intercom, to_contract
from supportqa.importers.jsonl import RawRecord
from supportqa.importers.service import import_files
from supportqa.storage import Repository

DATA = Path(__file__).resolve().parents[1] / "data" / "intercom"
DOCUMENT = DATA / "conversations.json"
JSONL = DATA / "conversations.jsonl"


def read(path: Path) -> tuple[dict[str, Conversation], list[InputError]]:
    conversations: dict[str, Conversation] = {}
    errors: list[InputError] = []
    for item in read_intercom(path):
        if isinstance(item, InputError):
            errors.append(item)
        else:
            conversation = Conversation.model_validate(item.data)
            conversations[conversation.id] = conversation
    return conversations, errors


@pytest.fixture(scope="module")
def doc() -> dict[str, Conversation]:
    return read(DOCUMENT)[0]


def raw(conversation_id: str) -> dict[str, Any]:
    document = json.loads(DOCUMENT.read_text())
    found = next(c for c in document["conversations"] if c.get("id") == conversation_id)
    return copy.deepcopy(found)


def test_every_conversation_validates_and_the_malformed_one_is_reported_by_index() -> None:
    conversations, errors = read(DOCUMENT)
    assert sorted(conversations) == ["215467801", "215467802", "215467803", "215467804"]
    assert all(c.source == "intercom" for c in conversations.values())
    assert [(e.file, e.index, e.line) for e in errors] == [(str(DOCUMENT), 4, None)]
    assert "no 'id'" in errors[0].reason


def test_jsonl_variant_reports_the_bad_line_and_reads_the_rest() -> None:
    conversations, errors = read(JSONL)
    assert sorted(conversations) == ["215467801", "215467802", "215467803", "215467804"]
    assert [(e.file, e.line) for e in errors] == [(str(JSONL), 3)]
    assert "not valid JSON" in errors[0].reason


def test_source_and_comments_become_messages_with_their_authors_roles(
    doc: dict[str, Conversation],
) -> None:
    messages = doc["215467801"].messages
    assert [(m.role, m.author.id if m.author else None) for m in messages] == [
        (Role.CUSTOMER, "6650aa01"),
        (Role.BOT, "5017600"),
        (Role.CUSTOMER, "6650aa01"),
        (Role.NOTE, "5017702"),
        (Role.AGENT, "5017691"),
        (Role.CUSTOMER, "6650aa01"),
        (Role.AGENT, "5017691"),
    ]
    assert messages[1].author is not None and messages[1].author.name == "Fin"
    assert messages[0].at is not None and messages[0].at.isoformat() == "2026-03-02T09:14:00+00:00"


def test_a_note_is_a_private_note_by_its_admin(doc: dict[str, Conversation]) -> None:
    note = doc["215467801"].messages[3]
    assert note.role is Role.NOTE and note.public is False
    assert note.text == "VIP customer — check Stripe first"
    assert note.author is not None and note.author.name == "Priya Shah"


def test_parts_without_a_body_are_events_not_messages(doc: dict[str, Conversation]) -> None:
    events = doc["215467801"].metadata["events"]
    assert events[:2] == [
        {
            "kind": "assignment",
            "at": "2026-03-02T09:14:42Z",
            "author_id": "5017600",
            "assigned_to": "4821",
            "assigned_to_type": "team",
        },
        {
            "kind": "default_assignment",
            "at": "2026-03-02T09:14:45Z",
            "author_id": "5017600",
            "assigned_to": "5017691",
            "assigned_to_type": "admin",
        },
    ]
    kinds = [e["kind"] for e in doc["215467802"].metadata["events"]]
    assert kinds == ["assignment", "close", "open", "snoozed", "unsnoozed", "close"]
    assert len(doc["215467802"].messages) == 5  # the source and four comments; no empty messages
    assert all(m.text for c in doc.values() for m in c.messages)


def test_a_close_or_assignment_with_a_body_is_a_message_and_an_event(
    doc: dict[str, Conversation],
) -> None:
    first = doc["215467801"]
    assert first.messages[-1].text == "You're welcome, have a good day!"
    assert first.messages[-1].role is Role.AGENT
    assert first.metadata["events"][-1]["kind"] == "close"
    third = doc["215467803"]
    handover = third.messages[2]
    assert (handover.role, handover.text) == (
        Role.AGENT,
        "Passing you to Noor from our billing team.",
    )
    assert third.metadata["events"] == [
        {
            "kind": "assignment",
            "at": "2026-03-04T09:31:40Z",
            "author_id": "5017691",
            "assigned_to": "5017730",
            "assigned_to_type": "admin",
        }
    ]


def test_html_bodies_become_clean_text(doc: dict[str, Conversation]) -> None:
    texts = [m.text for c in doc.values() for m in c.messages]
    assert not any("<p>" in t or "&amp;" in t or "&#39;" in t or "&nbsp;" in t for t in texts)
    first = doc["215467801"].messages
    assert first[0].text == "Hi, my refund for order #4471 never arrived & it's been 10 days"
    reply = first[4].text
    assert "- Refund issued on 20 Feb" in reply and "- Bank reference RF-99812" in reply
    assert "It can take up to 10 days to show.\nAnything else I can help with?" in reply
    email = doc["215467802"].messages[0].text
    assert (
        email
        == 'Hello,\nI reset my password but the login page says "invalid token".\n\nThanks,\nKen'
    )
    assert "- Click <Reset>" in doc["215467802"].messages[3].text
    assert doc["215467802"].subject == "Can't log in after password reset"


def test_attachments_and_redacted_parts_keep_a_visible_trace(doc: dict[str, Conversation]) -> None:
    assert doc["215467803"].messages[1].text == (
        "Can I switch to annual billing?\n[attachment: invoice-march.pdf]"
    )
    redacted = doc["215467804"].messages[2]
    assert (redacted.role, redacted.text) == (Role.CUSTOMER, "[redacted]")


def test_bots_and_several_admins_keep_who_wrote_what(doc: dict[str, Conversation]) -> None:
    second = doc["215467802"]
    agents = [
        (m.author.id, m.author.name) for m in second.messages if m.role is Role.AGENT and m.author
    ]
    assert agents == [("5017710", "Jordan Ellis"), ("5017720", "Alex Kim")]
    assert second.reviewee().id == "5017720"
    fourth = doc["215467804"].messages
    assert [m.role for m in fourth] == [Role.CUSTOMER, Role.BOT, Role.CUSTOMER, Role.BOT]
    assert fourth[3].author is not None and fourth[3].author.id == "5017740"  # admin from_ai_agent
    assert doc["215467804"].reviewee().is_bot


@pytest.mark.parametrize(
    ("source_type", "channel"),
    [
        ("conversation", "chat"),
        ("email", "email"),
        ("facebook", "social"),
        ("twitter", "social"),
        ("instagram", "social"),
        ("whatsapp", "social"),
        ("phone_call", "voice"),
        ("call", "voice"),
        ("push", "chat"),
        ("carrier_pigeon", "carrier_pigeon"),
    ],
)
def test_channel_follows_the_source_type(source_type: str, channel: str) -> None:
    conversation = {"id": 1, "source": {"type": source_type, "body": "hi"}}
    assert to_contract(conversation)["channel"] == channel


def test_channels_of_the_fixture(doc: dict[str, Conversation]) -> None:
    assert [doc[i].channel for i in sorted(doc)] == ["chat", "email", "chat", "social"]


def test_rating_is_csat_on_a_five_point_scale(doc: dict[str, Conversation]) -> None:
    first = doc["215467801"]
    assert (first.csat, first.csat_scale) == (5, 5)
    assert first.metadata["csat_remark"] == "Quick and friendly"
    assert first.metadata["csat_teammate_id"] == "5017691"
    assert doc["215467802"].csat is None  # conversation_rating null
    assert doc["215467803"].csat is None  # no conversation_rating at all
    assert doc["215467804"].csat is None  # a rating object with rating null


def test_statistics_become_timing_metadata(doc: dict[str, Conversation]) -> None:
    meta = doc["215467801"].metadata
    assert meta["first_reply_s"] == 190  # first_admin_reply_at - created_at
    assert meta["first_assignment_s"] == 42
    assert (meta["first_close_s"], meta["last_close_s"]) == (420, 420)
    assert meta["time_to_admin_reply_s"] == 190  # Intercom's own, office hours excluded
    assert meta["median_time_to_reply_s"] == 190
    assert (meta["count_reopens"], meta["count_assignments"]) == (0, 2)
    assert "first_reply_s" not in doc["215467803"].metadata  # no statistics


def test_handle_time_prefers_handling_time_else_created_to_last_close(
    doc: dict[str, Conversation],
) -> None:
    assert doc["215467801"].handle_time_s == 420  # last_close_at - created_at
    assert doc["215467802"].handle_time_s == 1260  # statistics.handling_time
    assert doc["215467803"].handle_time_s is None  # no statistics


def test_first_reply_of_an_outbound_conversation_counts_from_the_first_contact_reply() -> None:
    conversation = raw("215467803")
    conversation["statistics"] = {
        "first_contact_reply_at": 1772616600,
        "first_admin_reply_at": 1772616900,
        "count_reopens": 0,
    }
    assert to_contract(conversation)["metadata"]["first_reply_s"] == 300


def test_reopened_from_count_reopens_else_from_an_open_after_a_close(
    doc: dict[str, Conversation],
) -> None:
    assert doc["215467802"].reopened is True
    assert doc["215467801"].reopened is False
    assert doc["215467803"].reopened is False
    without_statistics = raw("215467802")
    del without_statistics["statistics"]
    assert to_contract(without_statistics)["reopened"] is True


def test_state_is_the_status_and_closed_at_the_last_close(doc: dict[str, Conversation]) -> None:
    assert [doc[i].status for i in sorted(doc)] == ["closed", "closed", "open", "snoozed"]
    closed = doc["215467802"].closed_at
    assert closed is not None and closed.isoformat() == "2026-03-04T16:27:00+00:00"
    assert doc["215467803"].closed_at is None


def test_assigned_admin_is_the_agent_named_from_their_parts_and_team_from_sideloads(
    doc: dict[str, Conversation],
) -> None:
    first = doc["215467801"]
    assert first.agent is not None
    assert (first.agent.id, first.agent.name, first.agent.team) == (
        "5017691",
        "Sam Reyes",
        "Billing",
    )
    assert (first.metadata["team_id"], first.metadata["team_name"]) == ("4821", "Billing")
    third = doc["215467803"].agent
    assert third is not None and (third.name, third.team) == ("Noor Haddad", "Billing EU")
    fourth = doc["215467804"].agent  # wrote nothing: named from the `admins` sideload
    assert fourth is not None and (fourth.id, fourth.name) == ("5017750", "Rita Gomez")


def test_without_sideloads_the_team_id_is_kept_and_names_stay_unknown() -> None:
    conversations, _ = read(JSONL)
    first = conversations["215467801"]
    assert first.agent is not None and first.agent.team is None
    assert first.metadata["team_id"] == "4821" and "team_name" not in first.metadata
    fourth = conversations["215467804"].agent
    assert fourth is not None and (fourth.id, fourth.name) == ("5017750", None)


def test_customer_from_the_source_author_else_the_first_contact(
    doc: dict[str, Conversation],
) -> None:
    first = doc["215467801"].customer
    assert first is not None and (first.id, first.name) == ("6650aa01", "Maria Lopez")
    outbound = doc["215467803"]
    assert outbound.customer is not None
    assert (outbound.customer.id, outbound.customer.name) == ("6650cc03", "Lena Fischer")
    assert outbound.metadata["customer_external_id"] == "cust-311"
    assert outbound.messages[0].role is Role.AGENT  # admin_initiated: the opening is the agent's


def test_tags_subject_and_other_metadata(doc: dict[str, Conversation]) -> None:
    first = doc["215467801"]
    assert first.tags == ["refund", "vip"]
    assert first.subject == "Refund not received"
    assert first.metadata["priority"] == "priority"
    assert first.metadata["custom_attributes"] == {"Plan": "Pro", "Order": "4471"}
    assert doc["215467802"].tags == []
    assert doc["215467803"].subject is None


def test_a_file_with_one_conversation_object_is_read(tmp_path: Path) -> None:
    pretty = tmp_path / "one.json"
    pretty.write_text(json.dumps(raw("215467801"), indent=2))
    one_line = tmp_path / "one-line.json"
    one_line.write_bytes(orjson.dumps({"conversation": raw("215467802")}))
    for path in (pretty, one_line):
        assert detect_format(path) == "intercom"
        records = list(read_intercom(path))
        assert len(records) == 1 and isinstance(records[0], RawRecord)


def test_a_plain_json_list_is_read_with_indexes(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([raw("215467801"), "oops", raw("215467803")], indent=1))
    records = list(read_intercom(path))
    assert [type(r).__name__ for r in records] == ["RawRecord", "InputError", "RawRecord"]
    assert [r.index for r in records] == [0, 1, 2]


def test_detect_format_picks_intercom_for_documents_and_jsonl() -> None:
    assert detect_format(DOCUMENT) == "intercom"
    assert detect_format(JSONL) == "intercom"


@pytest.mark.parametrize(
    "sample",
    [
        {"__container__": "tickets", "id": 1, "comments": [], "via": {"channel": "web"}},
        {"id": 1, "type": "conversation", "source": "email", "via": {"channel": "email"}},
        {"__container__": "tickets", "id": 2, "description_text": "x", "source": 1},
        {"id": 3, "conversation_parts": [], "incoming": True},
        {"id": "T-1", "messages": [], "source": "intercom"},
        {"id": "T-1", "type": "ticket", "source": {}},
    ],
)
def test_sniffer_does_not_claim_other_formats(sample: dict[str, Any]) -> None:
    assert not looks_like_intercom(sample)


def test_sniffer_claims_intercom_samples() -> None:
    assert looks_like_intercom({"__container__": "conversations", **raw("215467801")})
    assert looks_like_intercom({"type": "conversation", "id": "1", "source": {"type": "email"}})
    assert looks_like_intercom({"id": "1", "conversation_parts": {"conversation_parts": []}})


@pytest.mark.parametrize("path", [DOCUMENT, JSONL], ids=["document", "jsonl"])
def test_import_is_idempotent_and_counts_are_exact(repo: Repository, path: Path) -> None:
    card = default_scorecard()
    first = import_files(repo, [path], scorecard=card)
    assert (first.imported, first.updated, first.unchanged, first.failed) == (4, 0, 0, 1)
    assert first.errors[0]["file"] == str(path)
    again = import_files(repo, [path], scorecard=card)
    assert (again.imported, again.updated, again.unchanged, again.failed) == (0, 0, 4, 1)
    assert repo.count_conversations() == 4
    stored = repo.get_conversation("intercom", "215467802")
    assert stored is not None and stored.reopened is True and len(stored.messages) == 5


def test_a_note_that_reopens_is_a_note_and_a_reopen_event() -> None:
    conversation = raw("215467801")
    del conversation["statistics"]
    conversation["conversation_parts"]["conversation_parts"].append(
        {
            "part_type": "note_and_reopen",
            "body": "<p>Customer wrote back by phone</p>",
            "created_at": 1772450000,
            "author": {"type": "admin", "id": "5017702", "name": "Priya Shah"},
        }
    )
    record = Conversation.model_validate(to_contract(conversation))
    assert (record.messages[-1].role, record.messages[-1].public) == (Role.NOTE, False)
    assert record.metadata["events"][-1]["kind"] == "note_and_reopen"
    assert record.reopened is True
