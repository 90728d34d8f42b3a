"""A widget's flood of typing frames costs the hubs a publish or two a second, not one each
(issue 15, weakness 2: typing frames were the one action left without a limit)."""

import json
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from handoff import keys
from tests.security.serving import Serve
from tests.support import InProcessHub, WidgetClient

FLOOD = 200
MARKER = "the test's own publish, after the flood"


async def test_a_flood_of_typing_frames_reaches_the_hubs_as_a_few(
    start_hub: Callable[..., Awaitable[InProcessHub]], serve: Serve, redis: Redis
) -> None:
    hub = await start_hub()
    widget = WidgetClient(f"ws://127.0.0.1:{await serve(hub.app)}/ws/widget")
    await widget.connect()
    channel = keys.typing_channel(await widget.start())
    async with redis.pubsub() as pubsub:
        await pubsub.subscribe(channel)
        started = time.monotonic()
        for n in range(FLOOD):
            await widget.send({"type": "typing", "on": n % 2 == 0})
        await widget.send({"type": "not a frame"})  # answered once every typing frame is done
        while (await widget.receive("error"))["code"] != "bad_frame":
            pass
        seconds = time.monotonic() - started
        await redis.publish(channel, MARKER)  # Redis delivers publishes in the order it ran them
        published = []
        async for message in pubsub.listen():
            if message["type"] == "message":
                if message["data"] == MARKER:
                    break
                published.append(json.loads(message["data"]))
    await widget.close()
    assert published and published[0] == {"sender": "customer", "on": True}
    # An "on" and an "off" a second at most, however slow the machine (it was one per frame).
    assert len(published) <= 2 * (seconds + 1), (seconds, published)
