"""A conversation's header and transcript entries, to and from what Redis stores."""

import dataclasses

import pytest

from handoff.conversations.model import Button, Conversation, Entry, Sender, State
from handoff.keys import ConversationField as F

HEADER = {
    F.STATE: "agent",
    F.CHANNEL: "telegram",
    F.LANGUAGE: "ko",
    F.CREATED_AT: "1795000000.5",
    F.CUSTOMER: "user:cust-7",
    F.VERIFIED: "1",
    F.LAST_MESSAGE: "제 송금은요?",
    F.MISSES: "2",
    F.PRIORITY: "urgent",
    F.REASON: "report_fraud",
    F.INTENT: "report_fraud",
    F.CONFIDENCE: "0.93",
    F.ESCALATED_AT: "1795000010.25",
    F.QUEUE_SCORE: "1795000010250",
    F.SLA_DUE_AT: "1795000070.25",
    F.SLA_BREACHED: "1",
    F.ASSIGNEE: "ana",
    F.CLAIMED_AT: "1795000020",
    F.FIRST_RESPONSE_AT: "1795000030",
    F.CLOSED_AT: "1795000400",
    F.CLOSED_BY: "bo",
    F.TAGS: "fraud,solved",
    F.NOTIFY_EMAIL: "me@example.com",
    F.NOTIFIED_AT: "1795000300",
    F.RATING: "4",
    F.RATING_COMMENT: "quick",
    F.CHAT: "5551234",
    F.BLOCKED: "1",
}


def test_from_hash_parses_every_field() -> None:
    conversation = Conversation.from_hash("c1", HEADER)
    assert conversation == Conversation(
        id="c1",
        state=State.AGENT,
        channel="telegram",
        language="ko",
        created_at=1795000000.5,
        customer="user:cust-7",
        verified=True,
        last_message="제 송금은요?",
        misses=2,
        priority="urgent",
        reason="report_fraud",
        intent="report_fraud",
        confidence=0.93,
        escalated_at=1795000010.25,
        sla_due_at=1795000070.25,
        sla_breached=True,
        assignee="ana",
        claimed_at=1795000020.0,
        first_response_at=1795000030.0,
        closed_at=1795000400.0,
        closed_by="bo",
        tags=("fraud", "solved"),
        notify_email="me@example.com",
        notified_at=1795000300.0,
        rating=4,
        rating_comment="quick",
        chat="5551234",
        blocked=True,
    )
    # A field added to the header but not parsed would keep its default.
    unparsed = [
        f.name
        for f in dataclasses.fields(Conversation)
        if f.default is not dataclasses.MISSING and getattr(conversation, f.name) == f.default
    ]
    assert unparsed == []


def test_a_new_conversations_header_leaves_the_rest_at_their_defaults() -> None:
    required = {F.STATE: "bot", F.CHANNEL: "web", F.LANGUAGE: "en", F.CREATED_AT: "12.5"}
    conversation = Conversation.from_hash("c2", required)
    assert conversation == Conversation(
        id="c2", state=State.BOT, channel="web", language="en", created_at=12.5
    )
    assert (conversation.tags, conversation.rating, conversation.intent) == ((), None, None)


def test_an_unknown_state_is_an_error() -> None:
    with pytest.raises(ValueError):
        Conversation.from_hash("c3", HEADER | {F.STATE: "lost"})


ENTRIES = [
    Entry(sender=Sender.CUSTOMER, text="hello"),
    Entry(
        sender=Sender.BOT,
        text="<b>Hi</b> 안녕하세요",
        buttons=(Button("Verify", "/verify"), Button("인증", '/verify{"x": 1}')),
        client_id="c-1",
        meta={"intent": "greet", "confidence": 0.5, "results": [{"slug": "fees"}]},
    ),
    Entry(
        sender=Sender.SYSTEM,
        text="",
        event="claimed",
        internal=True,
        author="ana",
        state=State.AGENT,
    ),
]


@pytest.mark.parametrize("entry", ENTRIES)
def test_an_entry_round_trips_through_the_stream_fields(entry: Entry) -> None:
    fields = entry.to_fields()
    assert all(isinstance(value, str) for value in fields.values())
    read = Entry.from_stream("1795000000123-0", fields)
    assert read == dataclasses.replace(entry, id="1795000000123-0")
    assert read.timestamp_ms == 1795000000123


def test_only_what_an_entry_has_is_stored() -> None:
    assert Entry(sender=Sender.CUSTOMER, text="hi").to_fields() == {
        "sender": "customer",
        "text": "hi",
    }
    moved = Entry(sender=Sender.SYSTEM, text="", event="closed", state=State.CLOSED)
    assert moved.to_fields()["state"] == "closed"
