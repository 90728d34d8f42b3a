"""The demo backend: the records of the Hanbit Remit sample customers, kept in Redis."""

from redis.asyncio import Redis
from redis.exceptions import RedisError

from handoff import keys
from handoff.customers.records.backend import RecordsUnavailable
from handoff.customers.records.model import CustomerRecords


class DemoRecords:
    """Records stored as one JSON document per customer (see sample.py for what `make run`
    loads)."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def records(self, user_id: str) -> CustomerRecords | None:
        """The customer's records, or None."""
        try:
            document = await self._redis.get(keys.records(user_id))
        except RedisError as error:
            raise RecordsUnavailable(str(error)) from error
        return CustomerRecords.model_validate_json(document) if document else None

    async def save(self, user_id: str, records: CustomerRecords) -> None:
        """Store (replace) a customer's records."""
        await self._redis.set(keys.records(user_id), records.model_dump_json())

    async def aclose(self) -> None:
        """Nothing of its own to close: the Redis client is the hub's."""
