"""The rate limits against a real Redis (every window of an action counted in one round trip,
in the `limits` library's own moving windows), and the typing throttle: changes pass, "on" at
most once per interval."""

import time
from collections.abc import AsyncIterator

import pytest
from limits import parse
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from handoff import keys
from handoff.cli.processes import settings_on_free_ports
from handoff.customers.rate_limits import Action, RateLimited, RateLimits, TypingThrottle
from tests.support import CountingConnection, round_trips_of


def test_a_change_passes_and_a_repeat_within_the_interval_does_not() -> None:
    throttle = TypingThrottle(interval_seconds=1.0)
    assert throttle.passes(True, now=10.0)
    assert not throttle.passes(True, now=10.5)
    assert throttle.passes(False, now=10.6)
    assert not throttle.passes(False, now=10.7)  # already off


def test_on_and_off_as_fast_as_they_come_pass_twice_a_second() -> None:
    throttle = TypingThrottle(interval_seconds=1.0)
    passed = [throttle.passes(n % 2 == 0, now=n / 100) for n in range(200)]  # two seconds
    assert passed.count(True) == 4


def test_typing_still_on_is_passed_on_again_after_the_interval() -> None:
    throttle = TypingThrottle(interval_seconds=1.0)
    assert throttle.passes(True, now=0.0)
    assert throttle.passes(True, now=1.0)


@pytest.fixture
async def counted(database_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(
        database_url, decode_responses=True, connection_class=CountingConnection
    )
    yield client
    await client.aclose()


async def test_a_message_is_counted_in_all_its_windows_in_one_round_trip(
    counted: Redis, database_url: str
) -> None:
    settings = settings_on_free_ports(
        database_url,
        message_rate_per_connection="2/minute;5/hour",
        message_rate_per_address="3/minute",
    )
    limits = RateLimits(counted, settings)
    await limits.hit(Action.MESSAGE, "en", address="10.0.0.1", connection="a")  # loads the script
    _, round_trips = await round_trips_of(
        limits.hit(Action.MESSAGE, "en", address="10.0.0.1", connection="a")
    )
    assert round_trips == 1  # three windows: two of the connection's, one of the address's
    with pytest.raises(RateLimited) as refused:
        await limits.hit(Action.MESSAGE, "en", address="10.0.0.1", connection="a")
    assert 1 <= refused.value.retry_after <= 60
    # Another socket of the address: its own windows have room, the address's one more.
    await limits.hit(Action.MESSAGE, "en", address="10.0.0.1", connection="b")
    with pytest.raises(RateLimited):
        await limits.hit(Action.MESSAGE, "en", address="10.0.0.1", connection="c")


async def test_the_windows_are_the_limits_librarys_own(counted: Redis, database_url: str) -> None:
    """The library reads what the script counted (its keys, its timestamps): the retry-after
    figure comes from it."""
    settings = settings_on_free_ports(database_url, message_rate_per_address="4/minute")
    limits = RateLimits(counted, settings)
    for _ in range(3):
        await limits.hit(Action.MESSAGE, "en", address="10.0.0.2")
    storage = RedisStorage(
        "async+redis://",
        implementation="redispy",
        key_prefix=keys.rate_limits(),
        connection_pool=counted.connection_pool,
    )
    stats = await MovingWindowRateLimiter(storage).get_window_stats(
        parse("4/minute"), Action.MESSAGE.value, "address:10.0.0.2"
    )
    assert stats.remaining == 1
    assert time.time() < stats.reset_time <= time.time() + 60
