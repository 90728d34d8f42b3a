"""What the widget's and the console's socket sessions share: ordered sends, frames in, and
the supervision of the tasks that serve one socket."""

import asyncio
import contextlib
import json
import logging

from fastapi import WebSocket, WebSocketDisconnect
from pydantic import ValidationError

logger = logging.getLogger(__name__)


class BadFrame(ValueError):
    """A frame that is not JSON or not one of the protocol's frames."""


def frame_fault(error: BadFrame | ValidationError) -> str:
    """What was wrong with a frame, for logs: where and which rule, never what it said."""
    if isinstance(error, ValidationError):
        faults = error.errors(include_url=False, include_context=False, include_input=False)
        return "; ".join(f"{'.'.join(map(str, f['loc'])) or 'frame'}: {f['type']}" for f in faults)
    return str(error)  # the hub's own words: "binary frame", or where the JSON broke


class SocketSession:
    """One open socket: frames go out one at a time, whichever task sends them."""

    def __init__(self, websocket: WebSocket) -> None:
        self._websocket = websocket
        self._send_lock = asyncio.Lock()

    async def send(self, frame: dict) -> None:
        """Send a frame; a closed socket is not an error here."""
        await self.send_text(json.dumps(frame, ensure_ascii=False))

    async def send_text(self, text: str) -> None:
        """Send a frame already serialised (shared by many sockets)."""
        async with self._send_lock:
            with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                await self._websocket.send_text(text)

    async def receive_json(self) -> object:
        """The next frame, decoded; BadFrame for binary or malformed ones."""
        return await receive_json(self._websocket)

    async def supervise(self, name: str, *tasks: asyncio.Task) -> None:
        """Run the tasks until one ends; a failure closes the socket (code 1011: the client
        reconnects and catches up), a disconnect does not. Every task is cancelled after."""
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                error = None if task.cancelled() else task.exception()
                if error and not isinstance(error, WebSocketDisconnect):
                    logger.error("%s failed", name, exc_info=error)
                    with contextlib.suppress(RuntimeError):
                        await self._websocket.close(code=1011)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def receive_json(websocket: WebSocket) -> object:
    """The next frame of a socket, decoded; BadFrame for binary or malformed ones."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is None:
        raise BadFrame("binary frame")
    try:
        return json.loads(message["text"])
    except json.JSONDecodeError as error:
        raise BadFrame(str(error)) from error
