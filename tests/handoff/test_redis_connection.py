"""The hub's Redis client: a command that meets a connection Redis closed is sent again; its
replies are parsed by hiredis; it holds as many commands in flight as the settings allow."""

import asyncio

from redis.asyncio import Redis
from redis.utils import HIREDIS_AVAILABLE

from handoff.cli.processes import settings_on_free_ports
from handoff.redis_connection import connect_redis


async def test_a_command_on_a_connection_redis_closed_is_sent_again(
    database_url: str, fresh_redis: Redis
) -> None:
    client = connect_redis(
        settings_on_free_ports(database_url), decode_responses=True, client_name="retried"
    )
    await client.set("greeting", "hello")  # a pooled connection, idle until the next command
    [pooled] = [c for c in await fresh_redis.client_list() if c["name"] == "retried"]
    await fresh_redis.client_kill_filter(_id=pooled["id"])  # as a restart or failover does
    assert await client.get("greeting") == "hello"
    await client.aclose()


async def test_more_commands_than_redis_py_s_default_pool_are_in_flight_at_once(
    database_url: str,
) -> None:
    # redis-py's pool holds 100 connections unless told, and raises past them: 200 customers
    # at once failed with "Too many connections".
    settings = settings_on_free_ports(database_url)
    client = connect_redis(settings, decode_responses=True)
    blocked = [client.blpop([f"nothing-{n}"], timeout=0.5) for n in range(150)]
    assert await asyncio.gather(*blocked) == [None] * 150
    assert client.connection_pool.max_connections == settings.redis_max_connections
    await client.aclose()


def test_replies_are_parsed_in_c() -> None:
    # redis-py's own parser, in Python, cost the hub 2.7 times the CPU of an HGETALL.
    assert HIREDIS_AVAILABLE
