"""Run in the Rasa environment by test_redis_stores.py: two lock stores (two Rasa servers) on one
Redis issuing tickets and locking one conversation from many threads at once, and the Redis
commands one lock() costs, printed as one JSON object. Arguments: a Redis URL (with its database)
and which store, "baton" (bot/redis_stores.py) or "rasa" (Rasa's own RedisLockStore)."""

import asyncio
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis import Redis

from bot.redis_stores import SentinelLockStore

THREADS = 8
TICKETS_PER_THREAD = 5
TURNS_PER_THREAD = 10
CYCLES_COUNTED = 100
CONVERSATION = "customer-1"


def store_maker(url: str, kind: str) -> Callable[[], RedisLockStore]:
    """Makes a lock store of the kind asked for, each with its own Redis client."""
    parts = urlsplit(url)
    options = {"port": parts.port, "db": int(parts.path.strip("/")), "key_prefix": "baton"}
    if kind == "rasa":
        return lambda: RedisLockStore(host=parts.hostname, **options)
    config = EndpointConfig(url=parts.hostname, sentinels="", sentinel_master="", **options)
    return lambda: SentinelLockStore(config)


def at_once(work: Callable[[int], None]) -> None:
    """Runs work(0..THREADS-1) in as many threads, started together."""
    start = threading.Barrier(THREADS)

    def run(index: int) -> None:
        start.wait()
        work(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def tickets_issued(stores: list[RedisLockStore]) -> list[list[int]]:
    """The tickets each thread got, issuing alternately from the two stores."""
    issued: list[list[int]] = [[] for _ in range(THREADS)]

    def issue(index: int) -> None:
        for _ in range(TICKETS_PER_THREAD):
            issued[index].append(stores[index % 2].issue_ticket(CONVERSATION))

    at_once(issue)
    return issued


def locked_turns(stores: list[RedisLockStore], redis: Redis) -> dict:
    """A counter incremented read-modify-write under lock() by every thread, and how many
    threads were ever inside the lock at once."""
    redis.set("counter", 0)
    inside, most_inside, lock_errors = [0], [0], [0]
    guard = threading.Lock()

    async def turns(store: RedisLockStore) -> None:
        for _ in range(TURNS_PER_THREAD):
            try:
                async with store.lock(CONVERSATION, wait_time_in_seconds=0.005):
                    with guard:
                        inside[0] += 1
                        most_inside[0] = max(most_inside[0], inside[0])
                    value = int(redis.get("counter"))
                    time.sleep(0.002)
                    redis.set("counter", value + 1)
                    with guard:
                        inside[0] -= 1
            except LockError:
                with guard:
                    lock_errors[0] += 1

    at_once(lambda index: asyncio.run(turns(stores[index % 2])))
    return {
        "counter": int(redis.get("counter")),
        "turns": THREADS * TURNS_PER_THREAD,
        "most_inside": most_inside[0],
        "lock_errors": lock_errors[0],
        "lock_left": redis.exists(stores[0].key_prefix + CONVERSATION),
    }


def commands_per_turn(store: RedisLockStore, redis: Redis) -> dict[str, dict[str, float]]:
    """What one uncontested lock() and its cleanup cost: the commands the store sent (its round
    trips) and those Redis ran (INFO commandstats, counting those run inside scripts)."""
    sent: Counter[str] = Counter()
    execute = store.red.execute_command

    def counted(*args: Any, **options: Any) -> Any:
        sent[str(args[0]).lower()] += 1
        return execute(*args, **options)

    async def cycles() -> None:
        for _ in range(CYCLES_COUNTED):
            async with store.lock("customer-2"):
                pass

    asyncio.run(cycles())  # loads the scripts first
    store.red.execute_command = counted
    redis.config_resetstat()
    asyncio.run(cycles())
    ran = {
        name.removeprefix("cmdstat_"): stat["calls"] / CYCLES_COUNTED
        for name, stat in redis.info("commandstats").items()
        if name not in ("cmdstat_config", "cmdstat_info")
    }
    return {"sent": {name: calls / CYCLES_COUNTED for name, calls in sent.items()}, "ran": ran}


def expiring_ticket(store: RedisLockStore, redis: Redis) -> dict:
    """What a ticket nobody returns leaves behind: its lock, as Rasa reads it, until it expires."""
    ticket = store.issue_ticket("customer-3", lock_lifetime=0.3)
    seen = store.get_lock("customer-3")
    waiting = store.is_someone_waiting("customer-3")
    time.sleep(0.5)
    return {
        "ticket": ticket,
        "seen_tickets": [t.number for t in seen.tickets] if seen else None,
        "waiting": waiting,
        "lock_left_after_lifetime": redis.exists(store.key_prefix + "customer-3"),
    }


def main(url: str, kind: str) -> None:
    """Prints what the checks saw."""
    make_store = store_maker(url, kind)
    redis = Redis.from_url(url)
    redis.flushdb()
    stores = [make_store(), make_store()]
    issued = tickets_issued(stores)
    redis.flushdb()
    seen = {
        "issued": issued,
        "locked": locked_turns(stores, redis),
        "commands": commands_per_turn(stores[0], redis),
        "expiring": expiring_ticket(stores[0], redis),
    }
    print(json.dumps(seen))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
