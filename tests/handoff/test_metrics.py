"""Prometheus's /metrics on a real hub: the figures a message, an escalation, a claim and an
agent's reply move, the queue's length as Redis has it, and who may scrape."""

import json
import re
from collections.abc import Awaitable, Callable

import httpx
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.settings import PROJECT_ROOT, Settings
from handoff.staff.users import Role, UserStore
from tests.support import (
    AgentClient,
    InProcessHub,
    StaffAccounts,
    WidgetClient,
    moved,
    sample,
    scrape,
    ws_url,
)

OUTSIDER = ("203.0.113.7", 40000)  # a documentation address: not this machine
TOKEN = "scrape-token-1"
COUNTS = ("_total", "_count")
NOT_ASCII = {"Authorization": b"Bearer \xe9"}  # a latin-1 header: refused, never a 500


def outsider(hub: InProcessHub, headers: dict | None = None) -> httpx.AsyncClient:
    """A client of the hub from an address that is not loopback."""
    transport = httpx.ASGITransport(app=hub.app, client=OUTSIDER)
    return httpx.AsyncClient(transport=transport, base_url="http://hub.test", headers=headers)


async def test_a_message_an_escalation_a_claim_and_a_reply_move_the_figures(
    hub: InProcessHub, staff: StaffAccounts
) -> None:
    await hub.serve()
    scraper = hub.client()
    agent = AgentClient(f"http://127.0.0.1:{hub.settings.port}")
    await agent.log_in(*await staff(Role.AGENT))
    before = await scrape(scraper)
    await agent.connect()
    widget = WidgetClient(ws_url(hub.settings))
    await widget.connect()

    # Rasa is down (a closed port): the message is stored, the bot hands the chat over.
    conversation_id = await widget.start("where is my money")
    await widget.receive("queue")
    queued = await scrape(scraper)
    assert queued[sample("baton_queue_length", language="en")] == 1

    # The claim opens the chat, and the console is suggested articles for the customer's message.
    await agent.send({"type": "claim", "conversation_id": conversation_id, "request": "claim"})
    answered = {(await agent.receive("done", "error", "suggestions"))["type"] for _ in range(2)}
    assert answered == {"done", "suggestions"}
    reply = {"type": "message", "conversation_id": conversation_id, "text": "I'm on it"}
    assert (await agent.request(reply))["type"] == "done"
    after = await scrape(scraper)

    changes = moved(before, after)
    assert changes.pop(sample("baton_messages_total", channel="web", sender="customer")) == 1
    assert changes.pop(sample("baton_messages_total", channel="web", sender="agent")) == 1
    assert changes.pop(sample("baton_escalations_total", reason="assistant_unavailable")) == 1
    assert changes.pop(sample("baton_queue_wait_seconds_count", priority="normal")) == 1
    assert changes.pop(sample("baton_bot_reply_seconds_count", outcome="handed_over")) == 1
    assert changes.pop(sample("baton_rasa_request_seconds_count", call="turn")) == 1
    assert changes.pop(sample("baton_rasa_request_seconds_count", call="parse")) == 1
    assert changes.pop(sample("baton_knowledge_search_seconds_count")) == 1
    warned = sample("baton_errors_total", source="handoff.assistant.rasa_client", level="warning")
    assert changes.pop(warned) == 1
    assert after[sample("baton_queue_length", language="en")] == 0
    assert changes.pop(sample("baton_open_sockets", kind="widget")) == 1
    assert changes.pop(sample("baton_open_sockets", kind="agent")) == 1
    # Nothing else was counted: no bot message, no other escalation or error.
    counted = [key for key in changes if key[0].startswith("baton_") and key[0].endswith(COUNTS)]
    assert not counted, counted
    await widget.close()
    await agent.close()


async def test_the_queue_length_is_read_from_redis_at_each_scrape(
    hub: InProcessHub, store: ConversationStore, redis: Redis
) -> None:
    # Another hub process queues and claims (here, a queue of the test's own on the same Redis).
    queue = AgentQueue(redis, store, UserStore(redis), Settings())
    queued = []
    for language in ("en", "en", "ko"):
        conversation = await store.create("web", language)
        await queue.escalate(conversation.id, Escalation.because("customer_asked"))
        queued.append(conversation.id)
    shown = await scrape(hub.client())
    assert shown[sample("baton_queue_length", language="en")] == 2
    assert shown[sample("baton_queue_length", language="ko")] == 1
    await queue.claim(queued[0], "agent-1")
    await queue.claim(queued[2], "agent-1")
    shown = await scrape(hub.client())
    assert shown[sample("baton_queue_length", language="en")] == 1
    assert shown[sample("baton_queue_length", language="ko")] == 0


async def test_without_a_token_only_loopback_clients_may_scrape(hub: InProcessHub) -> None:
    async with outsider(hub) as client:
        refused = await client.get("/metrics")
    assert refused.status_code == 403
    assert "baton_" not in refused.text
    assert sample("baton_queue_length", language="en") in await scrape(hub.client())


async def test_behind_a_proxy_the_forwarded_address_decides(hub_without_bot: Settings) -> None:
    # A real hub process trusts X-Forwarded-For from loopback, where HAProxy or nginx runs.
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hub_without_bot.port}") as client:
        forwarded = await client.get("/metrics", headers={"X-Forwarded-For": OUTSIDER[0]})
        assert forwarded.status_code == 403
        assert sample("baton_queue_length", language="en") in await scrape(client)


async def test_with_a_token_every_client_must_send_it(
    start_hub: Callable[..., Awaitable[InProcessHub]],
) -> None:
    hub = await start_hub(metrics_token=SecretStr(TOKEN))
    wrong = ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, NOT_ASCII)
    for headers in wrong:
        async with outsider(hub, headers) as client:
            refused = await client.get("/metrics")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
    assert (await hub.client().get("/metrics")).status_code == 401  # loopback too
    async with outsider(hub, {"Authorization": f"Bearer {TOKEN}"}) as client:
        assert sample("baton_queue_length", language="en") in await scrape(client)


async def test_the_example_dashboard_queries_only_metrics_the_hub_exports(
    hub: InProcessHub,
) -> None:
    dashboard = json.loads((PROJECT_ROOT / "docs" / "grafana-dashboard.json").read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    queried = {
        re.sub(r"_(bucket|total)$", "", name)
        for query in queries
        for name in re.findall(r"\bbaton_\w+", query)
    }
    response = await hub.client().get("/metrics")
    exported = {family.name for family in text_string_to_metric_families(response.text)}
    assert len(queried) >= 8
    assert queried <= exported, queried - exported
