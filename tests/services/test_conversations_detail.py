"""`conversation_detail` and row scope: the transcript, reviews with evidence as code-point
offsets (masked or not), and what an agent sees of a conversation handed from a bot to A to B —
on SQLite and PostgreSQL."""

from __future__ import annotations

from supportqa.domain.review import Review
from supportqa.services.conversation_detail import ConversationDetail, conversation_detail
from supportqa.services.conversations import ConversationFilters, list_conversations
from supportqa.services.scope import Scope
from supportqa.storage import Repository
from tests.services.conversation_builders import (
    KEY,
    SCORECARD,
    T0,
    ai_review,
    chat,
    human_review,
    store,
)

TRICKY = "Hi Maria 👋, <b>5 < 6</b> & 🙂 then R&D says <script>alert(1)</script> ok"
QUOTE = "🙂 then R&D says <script>"
HANDED = [
    ("customer", "cust", "My order is late"),
    ("bot", "bot1", "Let me find a person"),
    ("agent", "A", "I'm checking the parcel"),
    ("agent", "B", "It ships today, sorry!"),
]


def only(scope_ids: set[str], *, mask: bool = False) -> Scope:
    return Scope(reviewees=frozenset(("jsonl", i) for i in scope_ids), mask_personal_data=mask)


def detail(repo: Repository, id: str = "c1", scope: Scope | None = None) -> ConversationDetail:
    found = conversation_detail(repo, "jsonl", id, scope=scope or Scope())
    assert found is not None
    return found


def overriding(review: Review, by: str) -> Review:
    data = review.model_dump(mode="json")
    data["overrides"] = [
        {
            "criterion": KEY,
            "ai_review_id": "ai-c1-A",
            "ai_status": "rated",
            "ai_rating": 1.0,
            "status": "rated",
            "rating": 0.0,
            "by": by,
            "at": T0.isoformat(),
            "reason": "incorrect_score: Maria Lopez was not greeted",
        }
    ]
    return Review.model_validate(data)


def handed_over(repo: Repository) -> None:
    """bot → A → B; AI reviews of all three (B held it: the CX); a person reviewed A and B."""
    c1 = chat("c1", agent="B", messages=HANDED)
    human_a = overriding(human_review(c1, "A", iqs=30.0), "lead@example.com")
    store(
        repo,
        c1,
        chat("c2", agent="C"),
        ai_review(c1, "bot1", bot=True, iqs=50.0),
        ai_review(c1, "A", iqs=61.0, quotes=[(2, "checking the parcel")]),
        ai_review(c1, "B", iqs=95.0, cx=4, quotes=[(3, "ships today")]),
        human_a,
        human_review(c1, "B", iqs=90.0),
    )


def test_the_transcript_keeps_role_author_time_and_text_by_index(repo: Repository) -> None:
    store(repo, chat("c1", messages=[("customer", "cust", "Hello"), ("agent", "a1", TRICKY)]))
    found = detail(repo)
    assert [(m.index, m.role, m.author_id, m.text) for m in found.messages] == [
        (0, "customer", "cust", "Hello"),
        (1, "agent", "a1", TRICKY),
    ]
    assert found.version is not None and not found.masked


def test_evidence_offsets_are_code_points_into_the_stored_text(repo: Repository) -> None:
    c1 = chat("c1", messages=[("customer", "cust", "Hello"), ("agent", "a1", TRICKY)])
    store(repo, c1, ai_review(c1, "a1", cx=4, quotes=[(1, QUOTE), (1, "not in the text")]))
    (review,) = detail(repo).ai_reviews
    (criterion,) = review.criteria
    shown, missing = criterion.evidence
    start = TRICKY.index(QUOTE)
    assert (shown.message_index, shown.start, shown.end) == (1, start, start + len(QUOTE))
    assert TRICKY[shown.start : shown.end] == QUOTE == shown.quote
    utf16_start = len(TRICKY[:start].encode("utf-16-le")) // 2
    assert utf16_start != start  # the emoji before the quote tells code points from UTF-16 units
    assert (missing.quote, missing.start, missing.end) == ("not in the text", None, None)
    assert (criterion.scale_min, criterion.scale_max) == (
        SCORECARD.criteria[0].scale.min,
        SCORECARD.criteria[0].scale.max,
    )


def test_ai_reviews_of_each_reviewee_the_cx_and_people_s_reviews_are_shown(
    repo: Repository,
) -> None:
    handed_over(repo)
    found = detail(repo)
    assert sorted((r.reviewee_id, r.iqs) for r in found.ai_reviews) == [
        ("A", 61.0),
        ("B", 95.0),
        ("bot1", 50.0),
    ]
    assert found.cx is not None and found.cx.score == 4 and found.cx.weights == {"sentiment": 1.0}
    # the holder's scorecard cuts (the fixture's stored score came from rounding): 4.0 lies at or
    # above the fourth cut (3.95), so the mapping says CX 5, not flagged
    mapping = found.cx_mapping
    assert mapping is not None and SCORECARD.cx.cuts is not None
    assert SCORECARD.cx.cuts[3] <= 4.0
    assert mapping.cuts == list(SCORECARD.cx.cuts) and mapping.score == 5
    assert (mapping.band_low, mapping.band_high) == (SCORECARD.cx.cuts[3], None)
    assert not mapping.flagged and "not flagged" in mapping.sentence
    assert sorted(r.reviewee_id or "" for r in found.human_reviews) == ["A", "B"]
    assert [(o.criterion, o.by, o.rating) for o in found.overrides] == [
        (KEY, "lead@example.com", 0.0)
    ]


def test_an_agent_sees_a_handed_over_conversation_with_only_their_own_reviews(
    repo: Repository,
) -> None:
    handed_over(repo)
    found = detail(repo, scope=only({"A"}))
    assert [r.reviewee_id for r in found.ai_reviews] == ["A"]
    assert [r.reviewee_id for r in found.human_reviews] == ["A"]
    assert found.cx is not None  # the customer's experience of the conversation, shown to all
    (item,) = list_conversations(repo, scope=only({"A"})).items
    assert (item.id, item.ai_iqs, item.human_iqs, item.human_reviews) == ("c1", 61.0, 30.0, 1)
    assert list_conversations(repo, ConversationFilters(iqs_min=90), scope=only({"A"})).items == []


def test_out_of_scope_looks_exactly_like_absent(repo: Repository) -> None:
    handed_over(repo)
    outsider = only({"C"})
    assert conversation_detail(repo, "jsonl", "c1", scope=outsider) is None
    assert conversation_detail(repo, "jsonl", "nope", scope=outsider) is None
    assert [i.id for i in list_conversations(repo, scope=outsider).items] == ["c2"]
    searched = list_conversations(repo, ConversationFilters(q="parcel"), scope=outsider)
    assert searched.items == []
    assert conversation_detail(repo, "jsonl", "c1", scope=only({"bot1"})) is not None


def test_an_unscored_conversation_is_in_scope_of_whoever_replied(repo: Repository) -> None:
    store(repo, chat("c1", agent="B", messages=HANDED))
    assert [i.id for i in list_conversations(repo, scope=only({"A"})).items] == ["c1"]
    assert list_conversations(repo, scope=only({"Z"})).items == []


def test_masking_hides_customers_data_and_offsets_point_into_the_masked_text(
    repo: Repository,
) -> None:
    said = "Mail maria.lopez@example.com or call Maria Lopez 🙂 about the <refund> & more"
    quotes = [(1, "call Maria Lopez 🙂 about"), (1, "lopez@example.com or call"), (1, "& more")]
    c1 = chat("c1", subject="Refund for Maria Lopez", messages=[("customer", "cust", said)])
    c1 = c1.model_copy(
        update={"messages": [*c1.messages, c1.messages[0].model_copy(update={"text": said})]}
    )
    store(repo, c1, ai_review(c1, "a1", cx=3, quotes=quotes))
    found = detail(repo, scope=Scope(mask_personal_data=True))
    text = found.messages[1].text
    assert "maria" not in text.lower() and "[EMAIL_1]" in text and "[NAME_1]" in text
    assert found.subject == "Refund for [NAME_1]"
    evidence = found.ai_reviews[0].criteria[0].evidence
    assert [e.quote for e in evidence] == [
        "call [NAME_1] 🙂 about",
        "[EMAIL_1] or call",  # began inside the address: widened to its placeholder
        "& more",
    ]
    for e in evidence:
        assert e.start is not None and e.end is not None
        assert text[e.start : e.end] == e.quote
    assert "Maria" not in found.ai_reviews[0].criteria[0].explanation
    (item,) = list_conversations(repo, scope=Scope(mask_personal_data=True)).items
    assert item.subject == "Refund for [NAME_1]"
