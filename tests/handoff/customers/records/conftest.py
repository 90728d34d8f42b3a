"""The sample customers' records, as `make run` loads them, in the test's own Redis database."""

from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.model import CustomerRecords
from handoff.customers.records.sample import load_sample, sample_records


@pytest.fixture
def samples() -> dict[str, CustomerRecords]:
    """The sample customers' records, dated from now."""
    return sample_records(datetime.now(UTC))


@pytest.fixture
async def demo_records(redis: Redis) -> DemoRecords:
    """The demo backend with the sample customers loaded."""
    records = DemoRecords(redis)
    await load_sample(records, datetime.now(UTC))
    return records
