"""Rasa's Redis tracker and lock stores, on a client that follows a Sentinel-named master.

Rasa 3.6's own stores connect to one host:port for good, so after a failover they would keep
writing to the old master. These take two more endpoint options, `sentinels` ("host:port,...",
empty for none) and `sentinel_master`, and with or without them retry a command once when Redis
closed its connection (a restart, a failover), as the hub does (handoff/redis_connection.py).

The lock store also issues and returns tickets with Lua scripts: Rasa's own reads the JSON lock,
changes it and writes it back, so two Rasa servers sharing one Redis could both get the same
ticket and run the same conversation's turn at once, and a turn cost seven round trips (now three).

Runs inside the Rasa server (the .venv-rasa environment); bot/endpoints.yml names these classes.
"""

from typing import Any

from rasa.core.lock_store import (
    DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    LOCK_LIFETIME,
    LockError,
    RedisLockStore,
)
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig
from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry
from redis.sentinel import Sentinel

SENTINEL_TIMEOUT_SECONDS = 2.0

# Rasa's lock format: {"conversation_id": ..., "tickets": ['{"number": n, "expires": t}', ...]},
# each ticket a JSON string; expiry times on Redis's clock, the one all Rasa servers share.
LIVE_TICKETS_LUA = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local stored = redis.call('GET', KEYS[1])
local lock = stored and cjson.decode(stored) or {conversation_id = ARGV[1], tickets = {}}
local tickets, last, latest = {}, -1, 0
for _, text in ipairs(lock.tickets) do
  local ticket = cjson.decode(text)
  if ticket.expires >= now and ticket.number ~= tonumber(ARGV[2]) then
    table.insert(tickets, text)
    last, latest = ticket.number, math.max(latest, ticket.expires)
  end
end
"""

# Kept while a ticket lives: the key expires with the last of its tickets.
SAVE_TICKETS_LUA = """
if #tickets == 0 then
  redis.call('DEL', KEYS[1])
  return last
end
lock.tickets = tickets
redis.call('SET', KEYS[1], cjson.encode(lock), 'PXAT', math.ceil(latest * 1000))
return last
"""

# KEYS[1] the lock, ARGV[1] the conversation, ARGV[2] unused, ARGV[3] the lifetime in seconds:
# the new ticket's number, one more than the last live ticket's (0 for none), as Rasa numbers them.
ISSUE_TICKET_LUA = (
    LIVE_TICKETS_LUA
    + """
last = last + 1
local expires = now + tonumber(ARGV[3])
table.insert(tickets, cjson.encode({number = last, expires = expires}))
latest = math.max(latest, expires)
"""
    + SAVE_TICKETS_LUA
)

# KEYS[1] the lock, ARGV[1] the conversation, ARGV[2] a ticket number to remove ("" for none):
# drops it and the expired tickets, and the lock when no ticket is left.
RETURN_TICKET_LUA = LIVE_TICKETS_LUA + SAVE_TICKETS_LUA


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
    """Rasa's Redis lock store (ticket locks per conversation), on a client from `connect`,
    issuing and returning tickets atomically.

    A command is retried once when Redis closed the connection, so an issue_ticket whose first
    attempt did run leaves one ticket nobody holds: it expires with its lifetime (and the lock
    key with its last ticket), holding that conversation's later turns up until then at most.
    """

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
        self.issue_script = self.red.register_script(ISSUE_TICKET_LUA)
        self.return_script = self.red.register_script(RETURN_TICKET_LUA)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket for the conversation, issued in one atomic step."""
        try:
            return int(
                self.issue_script(
                    keys=[self.key_prefix + conversation_id],
                    args=[conversation_id, "", lock_lifetime],
                )
            )
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Drop the conversation's expired tickets, in one atomic step."""
        self.return_tickets(conversation_id, "")

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket, deleting the lock if no one else holds one, in one atomic step."""
        self.return_tickets(conversation_id, ticket_number)

    def return_tickets(self, conversation_id: str, ticket_number: int | str) -> None:
        """Drop a ticket ("" for none) and the expired ones; delete the lock if none is left."""
        self.return_script(
            keys=[self.key_prefix + conversation_id], args=[conversation_id, ticket_number]
        )
