"""Rasa's Redis tracker and lock stores, on a client that follows a Sentinel-named master.

Rasa 3.6's own stores connect to one host:port for good, so after a failover they would keep
writing to the old master. These take two more endpoint options, `sentinels` ("host:port,...",
empty for none) and `sentinel_master`, and with or without them retry a command once when Redis
closed its connection (a restart, a failover), as the hub does (handoff/redis_connection.py).

Runs inside the Rasa server (the .venv-rasa environment); bot/endpoints.yml names these classes.
"""

from typing import Any

from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry
from redis.sentinel import Sentinel

SENTINEL_TIMEOUT_SECONDS = 2.0


def connect(
    host: str,
    port: Any,
    db: Any,
    password: str | None,
    sentinels: str | None,
    master: str | None,
    **options: Any,
) -> Redis:
    """A client of the master the Sentinels name, or of host:port without them."""
    retry = Retry(ExponentialBackoff(cap=1.0, base=0.1), 1, (RedisConnectionError,))
    common = {"db": int(db), "password": password or None, "retry": retry, **options}
    if not sentinels:
        return Redis(host=host, port=int(port), **common)
    addresses = [
        (sentinel_host, int(sentinel_port))
        for sentinel_host, _, sentinel_port in (
            address.strip().rpartition(":") for address in sentinels.split(",") if address.strip()
        )
    ]
    timeouts = {
        "socket_timeout": SENTINEL_TIMEOUT_SECONDS,
        "socket_connect_timeout": SENTINEL_TIMEOUT_SECONDS,
    }
    return Sentinel(addresses, sentinel_kwargs=timeouts).master_for(master or "baton", **common)


class SentinelTrackerStore(RedisTrackerStore):
    """Rasa's Redis tracker store (keys, expiry, serialisation), on a client from `connect`."""

    def __init__(
        self,
        domain: Domain,
        host: str = "localhost",
        port: int = 6379,
        db: int = 0,
        password: str | None = None,
        sentinels: str | None = None,
        sentinel_master: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, host=host, port=port, db=db, password=password, **kwargs)
        self.red = connect(
            host, port, db, password, sentinels, sentinel_master, decode_responses=True
        )


class SentinelLockStore(RedisLockStore):
    """Rasa's Redis lock store (ticket locks per conversation), on a client from `connect`."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        options = dict(endpoint_config.kwargs)
        sentinels = options.pop("sentinels", None)
        master = options.pop("sentinel_master", None)
        super().__init__(host=endpoint_config.url, **options)
        self.red = connect(
            endpoint_config.url,
            options.get("port", 6379),
            options.get("db", 1),
            options.get("password"),
            sentinels,
            master,
            socket_timeout=float(options.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT_IN_SECONDS)),
        )
