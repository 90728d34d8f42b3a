"""The hub's Redis clients: the server REDIS_URL names, or the master the Sentinels name.

Either way a command that meets a connection Redis closed (a restart, a failover) is sent once
more on a new connection, which Sentinel's pool opens to whichever server is master by then.
"""

from redis.asyncio import Redis
from redis.asyncio.connection import parse_url
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from handoff.settings import Settings, sentinel_addresses

RETRIES = 1
RETRY_FIRST_SECONDS = 0.1  # doubled for each retry, at most RETRY_LONGEST_SECONDS
RETRY_LONGEST_SECONDS = 1.0
SENTINEL_TIMEOUT_SECONDS = 2.0  # a Sentinel that does not answer in this long is skipped


def retry_once() -> Retry:
    """Retry a command once, after a short pause, when its connection was closed under it."""
    backoff = ExponentialBackoff(cap=RETRY_LONGEST_SECONDS, base=RETRY_FIRST_SECONDS)
    return Retry(backoff, RETRIES, supported_errors=(RedisConnectionError,))


def connect_redis(settings: Settings, **options: object) -> Redis:
    """A client of the configured Redis (options as redis-py's), created without I/O, with as
    many commands in flight at once as the settings allow (redis-py's own default is 100, and it
    raises, not waits, past it)."""
    options["retry"] = retry_once()
    options.setdefault("max_connections", settings.redis_max_connections)
    if not settings.redis_sentinels:
        if not settings.redis_url:
            raise ValueError(
                "REDIS_URL is not set: `baton run` sets it, or point it (or "
                "BATON_REDIS_SENTINELS) at a Redis"
            )
        return Redis.from_url(settings.redis_url, **options)
    url = parse_url(settings.redis_url) if settings.redis_url else {}
    credentials = {k: v for k, v in url.items() if k in ("db", "username", "password")}
    timeouts = {
        "socket_timeout": SENTINEL_TIMEOUT_SECONDS,
        "socket_connect_timeout": SENTINEL_TIMEOUT_SECONDS,
    }
    sentinel = Sentinel(sentinel_addresses(settings.redis_sentinels), sentinel_kwargs=timeouts)
    return sentinel.master_for(settings.redis_sentinel_master, **credentials, **options)
