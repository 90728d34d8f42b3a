"""The company's records API down or slow: the real action server, asking a hub whose HTTP
backend points at the example records API, says so honestly and hands over to a person."""

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from handoff.cli.processes import bot_processes, free_port, running
from handoff.conversations.store import ConversationStore
from tests.records_api import RecordsApi
from tests.support import InProcessHub, serving

pytestmark = pytest.mark.e2e

TOKEN = "records-token"


@pytest.fixture
async def records_api() -> AsyncIterator[RecordsApi]:
    """The example records API on a free port, with no customers (it will not get that far)."""
    api = RecordsApi(TOKEN, {})
    api.port = free_port()
    async with serving(api.app, api.port):
        yield api
        api.released.set()


@pytest.fixture(params=["down", "slow"])
def records_port(request: pytest.FixtureRequest, records_api: RecordsApi) -> int:
    """Where the hub finds the records API: nothing listening (down), or the example API
    answering only when released (slow)."""
    if request.param == "down":
        return free_port()
    records_api.mode = "slow"
    return records_api.port


@pytest.fixture
async def hub_on_records_api(
    start_hub: Callable[..., Awaitable[InProcessHub]], records_port: int
) -> InProcessHub:
    """The hub, served on its port, its records behind a short timeout."""
    hub = await start_hub(
        records_url=f"http://127.0.0.1:{records_port}",
        records_token=TOKEN,
        records_timeout_seconds=0.5,
    )
    await hub.serve()
    return hub


@pytest.fixture
def action_server(hub_on_records_api: InProcessHub, database_url: str, logs_dir: Path) -> str:
    """The real action server, calling that hub; its webhook's URL."""
    settings = hub_on_records_api.settings
    [actions] = [p for p in bot_processes(settings, database_url) if p.name == "actions"]
    with running([actions], logs_dir / "actions-records-unavailable"):
        yield f"http://127.0.0.1:{settings.action_server_port}/webhook"


async def ask_about_a_transfer(webhook: str, conversation_id: str) -> list[dict]:
    """What action_transfer_status answers "where is HB-2026-000123?" (as Rasa would call it)."""
    message = {
        "text": "where is HB-2026-000123?",
        "intent": {"name": "check_transfer_status", "confidence": 0.99},
        "intent_ranking": [{"name": "check_transfer_status", "confidence": 0.99}],
        "entities": [],
    }
    tracker = {
        "sender_id": conversation_id,
        "slots": {"language": "en", "transfer_reference": None},
        "latest_message": message,
        "events": [],
        "active_loop": {},
    }
    body = {"next_action": "action_transfer_status", "sender_id": conversation_id}
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(webhook, json=body | {"tracker": tracker, "domain": {}})
    assert response.status_code == 200, response.text
    return response.json()["responses"]


async def test_records_that_cannot_be_read_get_an_honest_message_and_a_person(
    action_server: str, redis: Redis
) -> None:
    store = ConversationStore(redis)
    conversation = await store.create("web", "en", "user:hb-1001", verified=True)
    responses = await ask_about_a_transfer(action_server, conversation.id)
    assert [r.get("response") for r in responses if r.get("response")] == [
        "utter_records_unavailable"
    ]
    handoffs = [r["custom"]["handoff"] for r in responses if (r.get("custom") or {}).get("handoff")]
    assert [handoff["reason"] for handoff in handoffs] == ["records_unavailable"]
