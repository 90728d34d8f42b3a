"""Redis's clock: every hub process reads the same time, whatever its own clock says."""

from redis.asyncio import Redis


async def redis_now(redis: Redis) -> float:
    """The Redis server's time, in epoch seconds."""
    seconds, microseconds = await redis.time()
    return seconds + microseconds / 1_000_000
