"""Real loopback sockets for tests: an in-process hub served by uvicorn, and a stand-in Rasa
that counts the turns it is asked for and answers each only when the test lets it."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from handoff.cli.processes import free_port
from tests.support import InProcessHub

Serve = Callable[[Starlette], Awaitable[int]]


@pytest.fixture
async def serve(start_hub: Callable[..., Awaitable[InProcessHub]]) -> AsyncIterator[Serve]:
    """`port = await serve(app)`: the app on a loopback port (its lifespan is the caller's),
    stopped before the hubs started by `start_hub` are."""
    servers: list[tuple[uvicorn.Server, asyncio.Task]] = []

    async def start(app: Starlette) -> int:
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=free_port(),
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=5,  # then sockets still open are cut, as in `baton run`
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        servers.append((server, task))
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.01)
        return config.port

    yield start
    for server, _ in servers:
        server.should_exit = True
    await asyncio.gather(*(task for _, task in servers))


class StandInRasa:
    """Rasa's hub webhook and the action server's health check; each turn waits for `release`."""

    def __init__(self) -> None:
        self.turns: list[str] = []  # the texts Rasa was asked to answer, in order
        self.arrived = asyncio.Condition()
        self.release = asyncio.Event()
        self.app = Starlette(
            routes=[
                Route("/webhooks/hub/webhook", self._webhook, methods=["POST"]),
                Route("/health", self._health),
            ]
        )

    async def wait_for_turns(self, count: int) -> None:
        """Until Rasa has been asked for this many turns."""
        async with self.arrived:
            await self.arrived.wait_for(lambda: len(self.turns) >= count)

    async def _webhook(self, request: Request) -> JSONResponse:
        body = await request.json()
        async with self.arrived:
            self.turns.append(body["message"])
            self.arrived.notify_all()
        await self.release.wait()
        return JSONResponse({"messages": [{"text": f"answer to {body['message']}"}]})

    async def _health(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})
