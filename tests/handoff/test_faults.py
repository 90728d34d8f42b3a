"""Faults under the widget: an idle socket, and Redis dying and coming back."""

import asyncio
from pathlib import Path

import pytest
import websockets

from handoff.cli.processes import (
    free_port,
    hub_process,
    redis_process,
    running,
    settings_on_free_ports,
    wait_for_redis,
)
from handoff.settings import Settings
from tests.support import WidgetClient, ws_url


async def test_an_idle_widget_still_gets_entries(hub_without_bot: Settings) -> None:
    widget = WidgetClient(ws_url(hub_without_bot))
    await widget.connect()
    await asyncio.sleep(6)  # longer than the Redis client's default socket timeout
    await widget.say("after a pause")
    assert (await widget.receive("entry"))["text"] == "after a pause"
    await widget.close()


async def test_redis_dying_closes_the_socket_and_nothing_is_lost(tmp_path: Path) -> None:
    port = free_port()
    redis = redis_process(port, tmp_path / "redis")
    settings = settings_on_free_ports(f"redis://127.0.0.1:{port}/0")
    with running([redis], tmp_path / "logs") as supervisor:
        await asyncio.to_thread(wait_for_redis, settings.redis_url)
        with running([hub_process(settings, settings.redis_url)], tmp_path / "logs"):
            widget = WidgetClient(ws_url(settings))
            await widget.connect()
            await widget.say("kept across the outage")
            kept = await widget.receive("entry")
            await asyncio.to_thread(supervisor.stop, "redis")
            await widget.say("while Redis is down")  # cannot be stored: the socket closes
            with pytest.raises(websockets.ConnectionClosedError) as closed:
                async with asyncio.timeout(15):
                    while True:
                        await widget.socket.recv()
            assert closed.value.rcvd.code == 1011
            await asyncio.to_thread(supervisor.start, [redis])
            await asyncio.to_thread(wait_for_redis, settings.redis_url)
            # The hub's pooled connections were closed by the restart: it retries on a new one.
            resumed = WidgetClient(ws_url(settings))
            again = await resumed.connect(token=widget.token)
            first = await resumed.receive("entry")
            assert again["resumed"] is True, (again, widget.token)
            assert first["id"] == kept["id"]
            await resumed.close()
