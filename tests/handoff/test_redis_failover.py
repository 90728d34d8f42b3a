"""Redis with a replica and a Sentinel: the master dies while customers chat with the bot, the
replica is promoted, and the hub and Rasa's stores follow it. Nothing accepted is lost, nothing
is delivered twice, and each customer's socket closes (the widget says "Reconnecting…") until
the new master answers."""

import asyncio
import contextlib
from pathlib import Path

import pytest
import websockets
from redis.asyncio import Redis

from handoff.cli.processes import (
    bot_processes,
    free_port,
    hub_process,
    redis_process,
    replica_process,
    running,
    sentinel_process,
    settings_on_free_ports,
    wait_for_redis,
)
from tests.support import WidgetClient, stream_order, ws_url

CUSTOMERS = 3
MASTER = "baton"


async def replica_in_sync(sentinel: Redis) -> None:
    """Wait until the Sentinel knows a replica whose link to the master is up."""
    while True:
        with contextlib.suppress(ConnectionError, OSError):
            replicas = await sentinel.execute_command("SENTINEL", "replicas", MASTER)
            if any(r["flags"] == "slave" and r["master-link-status"] == "ok" for r in replicas):
                return
        await asyncio.sleep(0.1)


async def promoted(sentinel: Redis, port: int) -> None:
    """Wait until the Sentinel names the server on this port as the master."""
    while True:
        _, master_port = await sentinel.execute_command(
            "SENTINEL", "get-master-addr-by-name", MASTER
        )
        if int(master_port) == port:
            return
        await asyncio.sleep(0.1)


async def closed_without_accepting(customer: WidgetClient, client_id: str) -> int:
    """Read the socket until it closes; its close code. The message sent as client_id must
    not have been accepted (no entry came back for it)."""
    with pytest.raises(websockets.ConnectionClosedError) as closed:
        async with asyncio.timeout(30):
            while True:
                frame = await customer.receive()
                assert frame.get("client_id") != client_id, frame
    return closed.value.rcvd.code


async def test_a_redis_failover_while_customers_chat_loses_and_repeats_nothing(
    tmp_path: Path,
) -> None:
    master_port, replica_port, sentinel_port = free_port(), free_port(), free_port()
    redis_side = [
        redis_process(master_port, tmp_path / "master"),
        replica_process(replica_port, tmp_path / "replica", master_port),
        sentinel_process(sentinel_port, tmp_path / "sentinel", master_port, MASTER),
    ]
    settings = settings_on_free_ports(
        "", redis_sentinels=f"127.0.0.1:{sentinel_port}", redis_sentinel_master=MASTER
    )
    sentinel = Redis(port=sentinel_port, decode_responses=True)
    with running(redis_side, tmp_path / "logs") as servers:
        await asyncio.to_thread(wait_for_redis, f"redis://127.0.0.1:{master_port}/0")
        async with asyncio.timeout(30):
            await replica_in_sync(sentinel)
        stack = [*bot_processes(settings, ""), hub_process(settings, "")]
        with running(stack, tmp_path / "logs", timeout=240):
            customers = [WidgetClient(ws_url(settings)) for _ in range(CUSTOMERS)]
            seen: dict[WidgetClient, list[dict]] = {}
            for customer in customers:
                await customer.connect()
                replies = await customer.replies_to("hello", client_id=f"{id(customer)}-1")
                assert replies and all(r["sender"] == "bot" for r in replies), replies
                seen[customer] = replies

            await asyncio.to_thread(servers.kill, "redis")  # the master, without warning
            for customer in customers:
                await customer.say("hi, are you there?", client_id=f"{id(customer)}-2")
                assert await closed_without_accepting(customer, f"{id(customer)}-2") == 1011

            async with asyncio.timeout(60):
                await promoted(sentinel, replica_port)
            for customer in customers:
                # As the widget does: reconnect with what it last saw, resend what was refused.
                again = WidgetClient(ws_url(settings))
                welcome = await again.connect(
                    token=customer.token, last_id=seen[customer][-1]["id"]
                )
                assert welcome["resumed"] is True
                replies = await again.replies_to(
                    "hi, are you there?", client_id=f"{id(customer)}-2"
                )
                assert replies and all(r["sender"] == "bot" for r in replies), replies
                await again.close()

                replay = WidgetClient(ws_url(settings))
                await replay.connect(token=customer.token)
                entries = [await replay.receive("entry")]
                while entries[-1]["id"] != replies[-1]["id"]:
                    entries.append(await replay.receive("entry"))
                await replay.close()
                ids = [entry["id"] for entry in entries]
                assert ids == sorted(set(ids), key=stream_order)  # in order, once each
                assert {e["id"] for e in seen[customer]} <= set(ids)  # nothing lost
                sent = [e["client_id"] for e in entries if e["sender"] == "customer"]
                assert sent == [f"{id(customer)}-1", f"{id(customer)}-2"]
    await sentinel.aclose()
