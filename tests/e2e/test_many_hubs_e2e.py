"""The whole stack scaled out as `baton run` starts it with BATON_HUBS=3 and
BATON_RASA_SERVERS=2, started once for this module (two Rasa servers load their models: minutes
on two busy cores): three hubs behind HAProxy, two real Rasa servers sharing the tracker and lock
stores in Redis, the action server.

On three hubs, the customer chats with the real bot on one, the agent claims and replies from a
console on another, the editor publishes an article on a third, and the bot answers with it;
the customer sees every entry once, in order. Then both Rasa servers answer, and when one is
killed, its conversations go on on the other with their history, and the customer hears nothing
of it. Which server a conversation goes to, and that it stays there, is tested on stand-ins in
tests/handoff/assistant/test_rasa_servers.py."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from redis.asyncio import Redis

from handoff.assistant.rasa_client import RasaClient, http_client
from handoff.assistant.rasa_servers import servers_for
from handoff.cli.processes import (
    Supervisor,
    free_ports_in_a_row,
    hub_ports,
    running,
    settings_on_free_ports,
    stack,
)
from handoff.settings import Settings
from handoff.staff.users import Role
from tests.support import AgentClient, StaffAccounts, WidgetClient, log_in, stream_order

HUBS = 3
RASA_SERVERS = 2
QUESTION = "can my pet parrot fly with me when I move abroad"
CONVERSATIONS = 16


@pytest.fixture(scope="module")
def scaled_settings(
    redis_server: str, _database_numbers: Iterator[int], tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """The scaled stack's settings, on a Redis database of the module's own."""
    database_url = f"{redis_server}/{next(_database_numbers)}"
    return settings_on_free_ports(
        database_url,
        hubs=HUBS,
        port=free_ports_in_a_row(HUBS + 1),
        rasa_servers=RASA_SERVERS,
        rasa_port=free_ports_in_a_row(RASA_SERVERS),
        var_dir=tmp_path_factory.mktemp("scaled"),
    )


@pytest.fixture(scope="module")
def scaled_stack(scaled_settings: Settings) -> Iterator[Supervisor]:
    """Every process of the scaled stack but Redis (the session's), started side by side."""
    processes, _ = stack(scaled_settings)
    assert [p.name for p in processes] == [
        "rasa1", "rasa2", "actions", "hub1", "hub2", "hub3", "balancer"
    ]  # fmt: skip
    # The action server reaches the hubs through the balancer (BATON_PORT), as in `make run`.
    with running(processes, scaled_settings.var_dir / "logs", timeout=480) as supervisor:
        yield supervisor


@pytest.fixture
async def scaled_redis(scaled_settings: Settings) -> AsyncIterator[Redis]:
    """A client of the scaled stack's database."""
    client = Redis.from_url(scaled_settings.redis_url, decode_responses=True)
    yield client
    await client.aclose()


async def answered_by_every_hub(hubs: list[str], cookies: httpx.Cookies, csrf: str) -> str:
    """Ask each hub's "try a question" until all answer with the new article; its answer."""
    answers = set()
    for hub in hubs:
        async with httpx.AsyncClient(
            base_url=hub, cookies=cookies, headers={"X-CSRF-Token": csrf}
        ) as editor:
            while True:
                tried = await editor.post(
                    "/kb/api/try", json={"question": QUESTION, "language": "en"}
                )
                decision = tried.json()
                if decision["decision"] == "answer" and decision["results"][0]["slug"] == "parrots":
                    answers.add(decision["results"][0]["short_answer"])
                    break
                await asyncio.sleep(0.05)
    [answer] = answers
    return answer


@pytest.mark.timeout(600)  # the first test of the module waits for the stack to start
async def test_a_customer_the_bot_an_agent_and_an_editor_on_three_hubs(
    scaled_settings: Settings, scaled_stack: Supervisor, scaled_redis: Redis
) -> None:
    settings = scaled_settings
    hubs = [f"http://127.0.0.1:{port}" for port in hub_ports(settings)]
    customer_hub, agent_hub, editor_hub = hubs
    staff = StaffAccounts(scaled_redis)
    agent_account, editor_account = await staff(Role.AGENT), await staff(Role.EDITOR)
    widget = WidgetClient(customer_hub.replace("http", "ws") + "/ws/widget")
    await widget.connect()
    shown = await widget.replies_to("hello")
    assert shown and all(entry["sender"] == "bot" for entry in shown), shown

    await widget.send({"type": "handoff"})
    await widget.receive("queue")
    agent = AgentClient(agent_hub)
    await agent.log_in(*agent_account)
    await agent.connect()
    conversation_id = widget.conversation_id
    claim = {"type": "claim", "conversation_id": conversation_id}
    assert (await agent.request(claim))["type"] == "done"
    reply = {"type": "message", "conversation_id": conversation_id, "text": "Ana here."}
    assert (await agent.request(reply | {"client_id": "a-1"}))["type"] == "done"

    async with httpx.AsyncClient(base_url=editor_hub) as editor:
        await log_in(editor, *editor_account)
        content = {
            "title": "Pets abroad",
            "body": "Parrots fly with you in a travel cage approved by the airline.",
            "questions": [QUESTION, "travelling abroad with a parrot"],
            "status": "published",
        }
        saved = await editor.put(
            "/kb/api/articles/en/parrots", json={"content": content, "base_revision": 0}
        )
        assert saved.status_code == 200, saved.text
        # Every hub indexes it (the editor's session works on each: nothing is sticky).
        async with asyncio.timeout(30):
            answer = await answered_by_every_hub(
                hubs, editor.cookies, editor.headers["X-CSRF-Token"]
            )
    release = {"type": "release", "conversation_id": conversation_id}
    assert (await agent.request(release))["type"] == "done"
    replies = await widget.replies_to(QUESTION)
    assert replies[0]["sender"] == "bot" and replies[0]["text"] == answer, replies

    # What the customer's one socket showed, against the transcript replayed through the
    # balancer from the start: the same entries, once each, in order.
    shown_ids = [entry["id"] for entry in widget.entries]
    replay = WidgetClient(f"ws://127.0.0.1:{settings.port}/ws/widget")
    await replay.connect(token=widget.token)
    replayed = [await replay.receive("entry")]
    while replayed[-1]["id"] != replies[-1]["id"]:
        replayed.append(await replay.receive("entry"))
    replayed_ids = [entry["id"] for entry in replayed]
    assert shown_ids == replayed_ids == sorted(set(replayed_ids), key=stream_order)
    texts = [entry["text"] for entry in replayed]
    assert texts.count("Ana here.") == 1 and texts.count(QUESTION) == 1
    assert texts.index("Ana here.") < texts.index(QUESTION) < texts.index(answer)
    for client in (widget, replay, agent):
        await client.close()


async def customer_messages(redis: Redis, conversation_id: str) -> list[str]:
    """The customer's messages in the conversation's Rasa tracker, as Redis holds it."""
    tracker = json.loads(await redis.get(f"baton:tracker:{conversation_id}") or "{}")
    return [event["text"] for event in tracker.get("events", []) if event["event"] == "user"]


# Last in the module: it kills one of the two Rasa servers.
async def test_both_rasa_servers_answer_and_one_takes_over_when_the_other_is_killed(
    scaled_settings: Settings, scaled_stack: Supervisor, scaled_redis: Redis
) -> None:
    settings = scaled_settings
    async with httpx.AsyncClient(timeout=60) as status, http_client(60) as http:
        for url in settings.rasa_urls:
            assert (await status.get(f"{url}/webhooks/hub/")).json() == {"status": "ok"}
        rasa = RasaClient(http, settings.rasa_urls)
        conversations = [uuid.uuid4().hex for _ in range(CONVERSATIONS)]
        for conversation_id in conversations:
            assert (await rasa.send(conversation_id, "hello", "en")).replies
        first = settings.rasa_urls[0]
        on_first = [c for c in conversations if servers_for(c, settings.rasa_urls)[0] == first]
        assert on_first, "no conversation went to the first server"

        scaled_stack.kill("rasa1")
        for conversation_id in on_first:
            turn = await rasa.send(conversation_id, "how do I verify my account?", "en")
            assert turn.replies
            assert await customer_messages(scaled_redis, conversation_id) == [
                "hello",
                "how do I verify my account?",
            ]
