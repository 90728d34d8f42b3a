"""The whole stack with three hubs behind HAProxy: the customer chats with the real bot on one
hub, the agent claims and replies from a console on another, the editor publishes an article
on a third, and the bot answers with it; the customer sees every entry once, in order."""

import asyncio
from pathlib import Path

import httpx
from redis.asyncio import Redis

from handoff.cli.processes import (
    bot_processes,
    free_ports_in_a_row,
    hub_ports,
    hub_processes,
    running,
    settings_on_free_ports,
)
from handoff.staff.users import Role
from tests.support import AgentClient, StaffAccounts, WidgetClient, log_in, stream_order

HUBS = 3
QUESTION = "can my pet parrot fly with me when I move abroad"


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


async def test_a_customer_the_bot_an_agent_and_an_editor_on_three_hubs(
    database_url: str, tmp_path: Path
) -> None:
    settings = settings_on_free_ports(
        database_url, hubs=HUBS, port=free_ports_in_a_row(HUBS + 1), var_dir=tmp_path
    )
    hubs = [f"http://127.0.0.1:{port}" for port in hub_ports(settings)]
    customer_hub, agent_hub, editor_hub = hubs
    redis = Redis.from_url(database_url, decode_responses=True)
    staff = StaffAccounts(redis)
    agent_account, editor_account = await staff(Role.AGENT), await staff(Role.EDITOR)
    # The action server reaches the hubs through the balancer (BATON_PORT), as in `make run`.
    stack = [*bot_processes(settings, database_url), *hub_processes(settings, database_url)]
    with running(stack, tmp_path / "logs", timeout=300):
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
    await redis.aclose()
