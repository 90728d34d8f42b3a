"""The bot's queue of one widget is bounded, and a closed widget costs no more Rasa turns than
the one in flight (issue 15, weakness 2): Rasa is a stand-in on loopback that counts turns."""

import asyncio
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from handoff import keys
from tests.security.serving import Serve, StandInRasa
from tests.support import InProcessHub, WidgetClient

BOT_QUEUE = 3


async def bot_hub(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, rasa: StandInRasa
) -> tuple[InProcessHub, str]:
    """A hub whose Rasa and action server are the stand-in; the URL of its widget socket."""
    rasa_port = await serve(rasa.app)
    hub = await start_hub(rasa_port=rasa_port, action_server_port=rasa_port, bot_queue=BOT_QUEUE)
    return hub, f"ws://127.0.0.1:{await serve(hub.app)}/ws/widget"


async def customer_texts(redis: Redis, conversation_id: str) -> list[str]:
    stored = await redis.xrange(keys.transcript(conversation_id))
    return [fields["text"] for _, fields in stored if fields["sender"] == "customer"]


async def test_beyond_the_bot_queue_a_message_is_refused_not_accepted(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, redis: Redis
) -> None:
    rasa = StandInRasa()
    _, url = await bot_hub(start_hub, serve, rasa)
    widget = WidgetClient(url)
    await widget.connect()
    await widget.say("in flight")
    await rasa.wait_for_turns(1)
    waiting = [await widget.say(f"waiting {n}") for n in range(BOT_QUEUE)]
    refused = await widget.say("one too many")
    # The refusal comes straight from the socket, the accepted messages through the transcript:
    # either may come first.
    echoed, error = [], None
    while error is None or not set(waiting) <= set(echoed):
        frame = await widget.receive("entry", "error", timeout=10)
        if frame["type"] == "error":
            error = frame
        elif frame.get("client_id"):
            echoed.append(frame["client_id"])
    assert error["code"] == "rate_limited" and error["client_id"] == refused
    assert error["retry_after"] >= 1 and error["message"]
    assert echoed[-BOT_QUEUE:] == waiting
    assert await customer_texts(redis, widget.conversation_id) == ["in flight"] + [
        f"waiting {n}" for n in range(BOT_QUEUE)
    ]
    rasa.release.set()
    await widget.close()


async def test_a_closed_widget_gets_no_more_rasa_turns_than_the_one_in_flight(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, redis: Redis
) -> None:
    rasa = StandInRasa()
    hub, url = await bot_hub(start_hub, serve, rasa)
    background = hub.app.state.services.background
    widget = WidgetClient(url)
    await widget.connect()
    await widget.say("in flight")
    await rasa.wait_for_turns(1)
    for n in range(BOT_QUEUE):
        await widget.say(f"waiting {n}")
    for _ in range(1 + BOT_QUEUE):
        await widget.receive("entry", timeout=10)  # all accepted
    await widget.close()
    async with asyncio.timeout(10):
        while not background:  # the session has seen the close and left its bot to finish
            await asyncio.sleep(0.01)
    rasa.release.set()
    await asyncio.wait(set(background), timeout=10)
    assert rasa.turns == ["in flight"]
    # Nothing accepted is lost: the unanswered messages stay in the transcript for an agent.
    assert await customer_texts(redis, widget.conversation_id) == ["in flight"] + [
        f"waiting {n}" for n in range(BOT_QUEUE)
    ]
