"""The internal API's records, on the hub in process with the demo records: the action server
names a conversation, the hub decides whose records it may see."""

from datetime import UTC, datetime

import httpx
import pytest
from redis.asyncio import Redis

from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.sample import load_sample
from tests.support import InProcessHub


@pytest.fixture
async def action_server(hub: InProcessHub, redis: Redis) -> httpx.AsyncClient:
    """A client holding the internal token, as the action server does; the samples loaded."""
    await load_sample(DemoRecords(redis), datetime.now(UTC))
    client = hub.client()
    client.headers["Authorization"] = f"Bearer {hub.settings.internal_token.get_secret_value()}"
    return client


async def ask(
    client: httpx.AsyncClient, conversation_id: str, topic: str, reference: str | None = None
) -> httpx.Response:
    body = {"conversation_id": conversation_id, "topic": topic, "reference": reference}
    return await client.post("/internal/records", json=body)


async def test_the_conversations_verified_customer_gets_their_records(
    action_server: httpx.AsyncClient, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en", "user:hb-1001", verified=True)
    response = await ask(action_server, conversation.id, "transfer", "HB-2026-000126")
    assert response.status_code == 200, response.text
    transfer = response.json()["transfer"]
    assert (transfer["status"], transfer["refund_status"]) == ("failed", "refunded")
    case = (await ask(action_server, conversation.id, "verification")).json()["verification"]
    assert case["status"] == "approved"


async def test_an_unverified_customer_gets_no_records(
    action_server: httpx.AsyncClient, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en", "web-0a1b")
    response = await ask(action_server, conversation.id, "transfer", "HB-2026-000126")
    assert response.json() == {
        "access": "unverified",
        "retry_after": None,
        "verification": None,
        "transfer": None,
        "recent": [],
        "needs_person": None,
        "article": None,
    }


async def test_only_the_internal_token_gets_through(
    hub: InProcessHub, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en", "user:hb-1001", verified=True)
    stranger = hub.client()
    assert (await ask(stranger, conversation.id, "transfer")).status_code == 401


@pytest.mark.parametrize(
    ("topic", "reference"),
    [("transfer", "HB-2026-12"), ("transfer", "'; DROP"), ("transfers", None)],
)
async def test_a_malformed_question_is_refused(
    action_server: httpx.AsyncClient, store: ConversationStore, topic: str, reference: str
) -> None:
    conversation = await store.create("web", "en", "user:hb-1001", verified=True)
    assert (await ask(action_server, conversation.id, topic, reference)).status_code == 422
    assert await store.entries(conversation.id) == []  # nothing looked up, nothing noted


async def test_an_unknown_conversation_is_not_found(action_server: httpx.AsyncClient) -> None:
    assert (await ask(action_server, "f" * 32, "transfer")).status_code == 404


async def test_the_lookup_is_noted_after_what_the_customer_said(
    action_server: httpx.AsyncClient, store: ConversationStore
) -> None:
    conversation = await store.create("web", "ko", "user:hb-1004", verified=True)
    await store.append(conversation.id, Entry(sender=Sender.CUSTOMER, text="인증 됐나요?"))
    await ask(action_server, conversation.id, "verification")
    said, noted = await store.entries(conversation.id)
    assert said.text == "인증 됐나요?"
    assert noted.internal and noted.meta["records"]["outcome"] == "under_review"
