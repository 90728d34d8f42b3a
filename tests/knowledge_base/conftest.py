"""Every test of the knowledge base has a Redis database of its own."""

import pytest
from redis.asyncio import Redis


@pytest.fixture
def redis(fresh_redis: Redis) -> Redis:
    """The test's own database (tests/conftest.py), so listings see only its articles."""
    return fresh_redis
