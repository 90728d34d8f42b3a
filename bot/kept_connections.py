"""Rasa's calls to the action server, and the action server's to the hub (actions/hub.py), over
kept-alive connections.

Rasa 3.6 opens a new aiohttp session for every call to an endpoint (`EndpointConfig.request`),
so a new TCP connection: a connect in the Rasa server and an accept in the action server every
turn. The sessions made here share one connection pool per event loop, which closing a session
leaves open; the session is otherwise made as Rasa makes it (headers, basic auth, timeout).
"""

import asyncio
import weakref

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

from bot import fast_json

# Idle connections are dropped before the action server (Sanic, 5 s) or the hub (uvicorn, 5 s)
# would close them, so that a request never goes out on a connection the other end is closing.
IDLE_SECONDS = 2.0

_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.TCPConnector] = (
    weakref.WeakKeyDictionary()
)


def connection_pool() -> aiohttp.TCPConnector:
    """The running event loop's pool of kept-alive connections."""
    loop = asyncio.get_running_loop()
    pool = _pools.get(loop)
    if pool is None or pool.closed:
        pool = _pools[loop] = aiohttp.TCPConnector(keepalive_timeout=IDLE_SECONDS)
    return pool


def pooled_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """A session like Rasa's own for this endpoint, on the loop's connection pool, writing its
    JSON bodies by orjson (bot/fast_json.py)."""
    auth = None
    if endpoint.basic_auth:
        auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=connection_pool(),
        connector_owner=False,
        json_serialize=fast_json.dumps,
    )


def install() -> None:
    """Every endpoint's session (the action server's) uses the kept-alive connections."""
    EndpointConfig.session = pooled_session  # type: ignore[method-assign]
