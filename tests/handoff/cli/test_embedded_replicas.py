"""`baton run` with BATON_REDIS_REPLICAS: the embedded Redis, its replica and the Sentinel are
real servers; when the master dies the replica is promoted and a client of the stack's settings
(as every process is) finds what was written before."""

import asyncio
import contextlib
from pathlib import Path

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from handoff.cli.processes import (
    embedded_redis,
    embedded_redis_url,
    free_ports_in_a_row,
    redis_client,
    running,
    settings_on_free_ports,
    shared_redis,
    wait_for_redis,
    wait_for_replicas,
)


async def served_from(redis: Redis) -> int | None:
    """The port of the server answering this client, None if none answers."""
    with contextlib.suppress(RedisConnectionError):
        return (await redis.info("server"))["tcp_port"]
    return None


async def test_the_embedded_redis_fails_over_to_its_replica(tmp_path: Path) -> None:
    settings = settings_on_free_ports(
        None, var_dir=tmp_path, embedded_redis_port=free_ports_in_a_row(3), redis_replicas=1
    )
    with running(embedded_redis(settings), tmp_path / "logs") as servers:
        await asyncio.to_thread(wait_for_redis, embedded_redis_url(settings))
        await asyncio.to_thread(wait_for_replicas, settings)
        async with redis_client(settings) as redis:
            await redis.set("greeting", "hello")
            await redis.wait(1, 10_000)  # the replica has it
            servers.kill("redis")
            async with asyncio.timeout(60):
                while await served_from(redis) != settings.embedded_redis_port + 1:
                    await asyncio.sleep(0.2)  # no master yet: the Sentinel names the dead one
            assert await redis.get("greeting") == "hello"
            assert (await redis.info("replication"))["role"] == "master"
    assert shared_redis(settings).redis_sentinels.endswith(f":{settings.embedded_redis_port + 2}")
