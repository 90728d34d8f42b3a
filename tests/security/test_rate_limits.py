"""A widget cannot send messages, hand-over requests or new conversations as fast as it likes
(issue 15, weakness 2): per connection, and per client address across the hub's processes."""

from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.system_messages import system_message
from tests.security.serving import Serve
from tests.support import InProcessHub, WidgetClient

GENEROUS = "1000/minute"


async def widget_url(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, **limits: str
) -> str:
    """A hub with these limits (the others generous), served on loopback: its widget socket."""
    settings = {
        "message_rate_per_connection": GENEROUS,
        "message_rate_per_address": GENEROUS,
        "escalation_rate_per_connection": GENEROUS,
        "escalation_rate_per_address": GENEROUS,
        "conversation_rate_per_address": GENEROUS,
    } | limits
    hub = await start_hub(**settings)
    return f"ws://127.0.0.1:{await serve(hub.app)}/ws/widget"


async def flood(widget: WidgetClient, count: int) -> tuple[list[str], list[dict]]:
    """Send messages; the client ids the hub accepted, and its errors, once all are answered."""
    sent = [await widget.say(f"flood {n}") for n in range(count)]
    accepted, errors = [], []
    while len(accepted) + len(errors) < count:
        frame = await widget.receive("entry", "error", timeout=10)
        if frame["type"] == "error":
            errors.append(frame)
        elif frame.get("client_id") in sent:
            accepted.append(frame["client_id"])
    return accepted, errors


async def customer_texts(redis: Redis, conversation_id: str) -> list[str]:
    stored = await redis.xrange(keys.transcript(conversation_id))
    return [fields["text"] for _, fields in stored if fields["sender"] == "customer"]


async def test_a_flood_of_messages_from_one_connection_is_cut_at_the_limit(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, redis: Redis
) -> None:
    url = await widget_url(start_hub, serve, message_rate_per_connection="5/minute")
    widget = WidgetClient(url)
    await widget.connect(language="ko")
    accepted, errors = await flood(widget, 8)
    assert len(accepted) == 5
    assert {e["code"] for e in errors} == {"rate_limited"} and len(errors) == 3
    assert all(e["client_id"] not in accepted for e in errors)
    assert all(1 <= e["retry_after"] <= 60 for e in errors)
    expected = system_message("rate_limited", "ko", seconds=errors[0]["retry_after"])
    assert errors[0]["message"] == expected
    # Everything accepted is in the transcript, nothing refused is.
    assert await customer_texts(redis, widget.conversation_id) == [f"flood {n}" for n in range(5)]
    await widget.close()


async def test_the_address_limit_holds_across_connections_and_hub_processes(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, redis: Redis
) -> None:
    limits = {"message_rate_per_address": "6/minute"}
    first_hub = await widget_url(start_hub, serve, **limits)
    second_hub = await widget_url(start_hub, serve, **limits)
    widgets = [WidgetClient(url) for url in (first_hub, second_hub, first_hub)]
    for widget in widgets:
        await widget.connect()
    assert (await flood(widgets[0], 3))[0] and (await flood(widgets[1], 3))[0]
    accepted, errors = await flood(widgets[2], 2)
    assert accepted == [] and [e["code"] for e in errors] == ["rate_limited"] * 2
    for widget in widgets:
        await widget.close()


async def test_a_flood_of_handoffs_is_cut_at_the_limit(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve
) -> None:
    url = await widget_url(start_hub, serve, escalation_rate_per_connection="2/minute")
    widget = WidgetClient(url)
    await widget.connect()
    for _ in range(4):
        await widget.send({"type": "handoff"})
    marker = await widget.say("after the flood")
    frames = []
    while not frames or frames[-1].get("client_id") != marker:
        frames.append(await widget.receive("entry", "error", timeout=10))
    errors = [f for f in frames if f["type"] == "error"]
    assert [e["code"] for e in errors] == ["rate_limited"] * 2
    assert all(e["retry_after"] >= 1 for e in errors)
    assert [f.get("event") for f in frames].count("escalated") == 1
    await widget.close()


async def test_handoffs_from_one_address_are_limited_across_connections(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve
) -> None:
    url = await widget_url(start_hub, serve, escalation_rate_per_address="2/minute")
    for expected in ("entry", "entry", "error"):
        widget = WidgetClient(url)
        await widget.connect()
        await widget.send({"type": "handoff"})
        frame = await widget.receive("entry", "error", timeout=10)
        assert frame["type"] == expected
        assert frame.get("event", "rate_limited") in ("escalated", "rate_limited")
        await widget.close()


async def test_new_conversations_from_one_address_are_cut_at_the_limit(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, redis: Redis
) -> None:
    url = await widget_url(start_hub, serve, conversation_rate_per_address="3/minute")
    widgets = [WidgetClient(url) for _ in range(4)]
    for widget in widgets[:3]:
        await widget.connect()
        await widget.start()
    await widgets[3].connect(language="en")  # a hello starts nothing: it is welcomed
    client_id = await widgets[3].say("one conversation too many")
    refused = await widgets[3].receive("conversation", "error", timeout=10)
    assert refused["type"] == "error" and refused["code"] == "rate_limited"
    assert refused["retry_after"] >= 1 and refused["client_id"] == client_id
    conversations = [key async for key in redis.scan_iter(keys.conversation("*"))]
    assert len([key for key in conversations if key.count(":") == 2]) == 3
    for widget in widgets:
        await widget.close()


async def test_email_frames_count_as_messages(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, redis: Redis
) -> None:
    url = await widget_url(start_hub, serve, message_rate_per_connection="3/minute")
    widget = WidgetClient(url)
    await widget.connect()
    await widget.send({"type": "handoff"})
    for n in range(5):
        await widget.send({"type": "email", "address": f"me{n}@example.com"})
    marker = await widget.say("after the flood")
    frames = []
    while not frames or frames[-1].get("client_id") != marker:
        frame = await widget.receive("entry", "error", timeout=10)
        if frame["type"] == "error" or frame.get("event") == "email_saved" or "client_id" in frame:
            frames.append(frame)
    assert [f.get("event") or f["type"] for f in frames] == ["email_saved"] * 3 + ["error"] * 3
    stored = await redis.xrange(keys.transcript(widget.conversation_id))
    assert [fields.get("event") for _, fields in stored].count("email_saved") == 3
    await widget.close()
