"""Redis with a replica and a Sentinel: the master dies while customers chat with the bot, the
replica is promoted, and the hub and Rasa's stores follow it. Nothing accepted is lost, nothing
is delivered twice, and each customer's socket closes (the widget says "Reconnecting…") until
the new master answers."""

import asyncio
from pathlib import Path

import pytest
import websockets
from redis.asyncio import Redis

from handoff.cli.processes import (
    bot_processes,
    embedded_redis,
    embedded_redis_url,
    free_ports_in_a_row,
    hub_process,
    local_sentinel_port,
    running,
    settings_on_free_ports,
    shared_redis,
    wait_for_redis,
    wait_for_replicas,
)
from tests.support import WidgetClient, stream_order, ws_url

CUSTOMERS = 3
MASTER = "baton"


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
    settings = settings_on_free_ports(  # as `BATON_REDIS_REPLICAS=1 baton run` starts Redis
        None,
        var_dir=tmp_path,
        embedded_redis_port=free_ports_in_a_row(3),
        redis_replicas=1,
        redis_sentinel_master=MASTER,
    )
    replica_port = settings.embedded_redis_port + 1
    sentinel = Redis(port=local_sentinel_port(settings), decode_responses=True)
    with running(embedded_redis(settings), tmp_path / "logs") as servers:
        await asyncio.to_thread(wait_for_redis, embedded_redis_url(settings))
        await asyncio.to_thread(wait_for_replicas, settings)
        settings = shared_redis(settings)  # every process asks the Sentinel
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
