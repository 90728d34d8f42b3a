"""Socket exhaustion: idle widget sockets must cost no Redis connection and no conversation, and
one client address may hold only a few. Against the session's hub process (uvicorn, trusting
X-Forwarded-For from loopback as behind a proxy) and its database."""

import secrets

import pytest
import websockets
from redis.asyncio import Redis

from handoff import keys
from handoff.settings import Settings
from tests.support import WidgetClient, ws_url


def visitor(settings: Settings) -> WidgetClient:
    """A widget of a client address of its own (as the hub's proxy would name it)."""
    return WidgetClient(
        ws_url(settings), headers={"X-Forwarded-For": f"2001:db8::{secrets.token_hex(2)}"}
    )


async def blocked_and_connected(redis: Redis) -> tuple[int, int]:
    """Clients of the hub's database blocked in a read, and all its clients."""
    clients = [c for c in await redis.client_list() if c["db"] == "0"]
    return sum("b" in c["flags"] for c in clients), len(clients)


async def conversations(redis: Redis) -> int:
    """How many conversations the hub's database holds."""
    return len([k async for k in redis.scan_iter(keys.conversation("*")) if k.count(":") == 2])


async def test_idle_widget_sockets_hold_no_redis_connection(
    hub_without_bot: Settings, shared_redis: Redis
) -> None:
    blocked_before, connected_before = await blocked_and_connected(shared_redis)
    widgets = [visitor(hub_without_bot) for _ in range(30)]
    for widget in widgets:
        await widget.connect()
    for widget in widgets[:5]:  # a conversation each, then idle
        client_id = await widget.say("hello")
        while (await widget.receive("entry")).get("client_id") != client_id:
            pass
    blocked_after, connected_after = await blocked_and_connected(shared_redis)
    for widget in widgets:
        await widget.close()
    # Other processes of the session (Rasa, other hubs) come and go from blocking reads: a few
    # either way, where each socket used to hold one of its own (30 more).
    assert blocked_after - blocked_before < 5
    assert connected_after - connected_before < 5


async def test_a_client_address_holds_at_most_its_cap_of_sockets(
    hub_without_bot: Settings,
) -> None:
    address = {"X-Forwarded-For": f"2001:db8::{secrets.token_hex(2)}"}
    cap = hub_without_bot.widget_sockets_per_address
    held = [WidgetClient(ws_url(hub_without_bot), headers=address) for _ in range(cap)]
    for widget in held:
        assert (await widget.connect())["type"] == "welcome"
    one_too_many = WidgetClient(ws_url(hub_without_bot), headers=address)
    one_too_many.socket = await websockets.connect(one_too_many.url, additional_headers=address)
    error = await one_too_many.receive()  # at once: before any hello
    assert error["type"] == "error" and error["code"] == "too_many_sockets" and error["message"]
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await one_too_many.socket.recv()
    assert closed.value.rcvd.code == 1008
    neighbour = visitor(hub_without_bot)
    assert (await neighbour.connect())["type"] == "welcome"
    for widget in [*held, neighbour]:
        await widget.close()


async def test_hello_alone_creates_no_conversation_the_first_message_does(
    hub_without_bot: Settings, shared_redis: Redis
) -> None:
    before = await conversations(shared_redis)
    widgets = [visitor(hub_without_bot) for _ in range(5)]
    for widget in widgets:
        welcome = await widget.connect()
        assert welcome["conversation_id"] is None and welcome["token"] is None
    assert await conversations(shared_redis) == before

    first = widgets[0]
    client_id = await first.say("hello there")
    started = await first.receive()  # the widget learns its conversation before any entry
    assert started["type"] == "conversation" and started["token"]
    entry = await first.receive("entry")
    assert entry["client_id"] == client_id
    assert await conversations(shared_redis) == before + 1
    header = await shared_redis.hgetall(keys.conversation(started["conversation_id"]))
    assert header["state"] in ("bot", "queued")
    for widget in widgets:
        await widget.close()

    reloaded = visitor(hub_without_bot)
    again = await reloaded.connect(token=started["token"])
    assert again["resumed"] and again["conversation_id"] == started["conversation_id"]
    assert (await reloaded.receive("entry"))["id"] == entry["id"]
    await reloaded.close()
