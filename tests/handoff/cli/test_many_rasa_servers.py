"""`baton run` with BATON_RASA_SERVERS=2: both real Rasa servers start (the trained model, the
shared Redis tracker and lock stores) and answer; when one is killed, its conversations go on
on the other with their history, and the customer hears nothing of it.

Which server a conversation goes to, and that it stays there, is tested on stand-ins in
tests/handoff/assistant/test_rasa_servers.py; here the servers are real (slow to start: one
module, one start)."""

import json
import uuid
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from handoff.assistant.rasa_client import RasaClient
from handoff.assistant.rasa_servers import servers_for
from handoff.cli.processes import free_ports_in_a_row, running, settings_on_free_ports, stack

CONVERSATIONS = 16


async def customer_messages(redis: Redis, conversation_id: str) -> list[str]:
    """The customer's messages in the conversation's Rasa tracker, as Redis holds it."""
    tracker = json.loads(await redis.get(f"baton:tracker:{conversation_id}") or "{}")
    return [event["text"] for event in tracker.get("events", []) if event["event"] == "user"]


# Two Rasa servers load their models at once: 3.5 minutes measured on the busy shared machine.
@pytest.mark.timeout(600)
async def test_two_rasa_servers_start_and_one_takes_over_when_the_other_is_killed(
    database_url: str, tmp_path: Path
) -> None:
    settings = settings_on_free_ports(
        database_url, rasa_servers=2, rasa_port=free_ports_in_a_row(2), var_dir=tmp_path
    )
    processes, _ = stack(settings)
    bot = [process for process in processes if process.name in ("rasa1", "rasa2", "actions")]
    assert len(bot) == 3
    redis = Redis.from_url(database_url, decode_responses=True)
    with running(bot, tmp_path / "logs", timeout=300) as supervisor:
        async with httpx.AsyncClient(timeout=60) as http:
            for url in settings.rasa_urls:
                assert (await http.get(f"{url}/webhooks/hub/")).json() == {"status": "ok"}
            rasa = RasaClient(http, settings.rasa_urls, settings.action_server_url)
            conversations = [uuid.uuid4().hex for _ in range(CONVERSATIONS)]
            for conversation_id in conversations:
                assert (await rasa.send(conversation_id, "hello", "en")).replies
            first = settings.rasa_urls[0]
            on_first = [c for c in conversations if servers_for(c, settings.rasa_urls)[0] == first]
            assert on_first, "no conversation went to the first server"

            supervisor.kill("rasa1")
            for conversation_id in on_first:
                turn = await rasa.send(conversation_id, "how do I verify my account?", "en")
                assert turn.replies
                assert await customer_messages(redis, conversation_id) == [
                    "hello",
                    "how do I verify my account?",
                ]
    await redis.aclose()
