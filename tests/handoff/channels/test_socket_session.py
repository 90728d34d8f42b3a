"""What the sockets' sessions share: frames in (BadFrame, disconnects), sends one at a time
whichever task sends, and the supervision of a socket's tasks (1011 on a failure only).

The socket is a stand-in with the three methods a session uses: receive, send_text, close."""

import asyncio
import json

import pytest
from fastapi import WebSocketDisconnect

from handoff.channels.socket_session import BadFrame, SocketSession, receive_json


class FakeSocket:
    """Frames to receive, in order; what was sent and how the socket was closed."""

    def __init__(self, *incoming: dict, send_error: Exception | None = None) -> None:
        self.incoming = list(incoming)
        self.sent: list[str] = []
        self.log: list[str] = []
        self.closed_with: list[int] = []
        self.send_error = send_error

    async def receive(self) -> dict:
        return self.incoming.pop(0)

    async def send_text(self, text: str) -> None:
        if self.send_error:
            raise self.send_error
        self.log.append(f"start {text}")
        for _ in range(3):  # a send that takes a while, as a slow network's does
            await asyncio.sleep(0)
        self.log.append(f"end {text}")
        self.sent.append(text)

    async def close(self, code: int = 1000) -> None:
        if self.closed_with:
            raise RuntimeError("already closed")  # as Starlette's socket does
        self.closed_with.append(code)


def text_frame(text: str) -> dict:
    return {"type": "websocket.receive", "text": text}


async def test_a_text_frame_is_decoded() -> None:
    socket = FakeSocket(text_frame('{"type": "message", "text": "안녕"}'), text_frame("[1, 2]"))
    assert await receive_json(socket) == {"type": "message", "text": "안녕"}
    assert await SocketSession(socket).receive_json() == [1, 2]


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "websocket.receive", "bytes": b'{"type": "hello"}'},
        text_frame('{"type": "hello"'),
        text_frame(""),
        text_frame("hello"),
    ],
    ids=["binary", "truncated", "empty", "not json"],
)
async def test_binary_and_malformed_frames_are_bad_frames(frame: dict) -> None:
    session = SocketSession(FakeSocket(frame, text_frame("{}")))
    with pytest.raises(BadFrame):
        await session.receive_json()
    assert await session.receive_json() == {}  # the socket is still read after


async def test_a_disconnect_raises_websocket_disconnect_with_its_code() -> None:
    socket = FakeSocket({"type": "websocket.disconnect", "code": 1001})
    with pytest.raises(WebSocketDisconnect) as disconnected:
        await receive_json(socket)
    assert disconnected.value.code == 1001


async def test_a_disconnect_without_a_code_is_a_normal_closure() -> None:
    with pytest.raises(WebSocketDisconnect) as disconnected:
        await receive_json(FakeSocket({"type": "websocket.disconnect"}))
    assert disconnected.value.code == 1000


async def test_frames_are_sent_as_json_keeping_other_scripts_readable() -> None:
    socket = FakeSocket()
    await SocketSession(socket).send({"type": "entry", "text": "송금 취소"})
    [sent] = socket.sent
    assert json.loads(sent) == {"type": "entry", "text": "송금 취소"}
    assert "송금 취소" in sent


@pytest.mark.parametrize("error", [WebSocketDisconnect(1001), RuntimeError("closed")])
async def test_sending_to_a_closed_socket_is_not_an_error(error: Exception) -> None:
    socket = FakeSocket(send_error=error)
    session = SocketSession(socket)
    await session.send({"type": "typing", "on": True})
    await session.send_text('{"type": "typing", "on": false}')
    assert socket.sent == []


async def test_sends_from_several_tasks_never_interleave() -> None:
    socket = FakeSocket()
    session = SocketSession(socket)

    async def sender(name: str) -> None:
        for n in range(5):
            await session.send_text(f"{name}{n}")

    await asyncio.gather(*(sender(name) for name in "abcd"))
    assert len(socket.sent) == 20
    starts, ends = socket.log[::2], socket.log[1::2]
    assert [s.removeprefix("start ") for s in starts] == [e.removeprefix("end ") for e in ends]
    for name in "abcd":  # each task's frames in the order it sent them
        assert [t for t in socket.sent if t[0] == name] == [f"{name}{n}" for n in range(5)]


async def forever() -> None:
    await asyncio.Event().wait()


async def test_when_one_task_ends_the_others_are_cancelled_and_the_socket_stays_open() -> None:
    socket = FakeSocket()
    ending = asyncio.create_task(asyncio.sleep(0.01))
    waiting = [asyncio.create_task(forever()) for _ in range(2)]
    await SocketSession(socket).supervise("test", ending, *waiting)
    assert all(task.cancelled() for task in waiting)
    assert ending.done() and not ending.cancelled()
    assert socket.closed_with == []


async def test_a_failure_closes_the_socket_with_1011_and_cancels_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    socket = FakeSocket()

    async def fail() -> None:
        await asyncio.sleep(0.01)
        raise ConnectionError("redis went away")

    waiting = asyncio.create_task(forever())
    await SocketSession(socket).supervise("widget abc", asyncio.create_task(fail()), waiting)
    assert socket.closed_with == [1011]
    assert waiting.cancelled()
    assert "widget abc failed" in caplog.text
    assert "redis went away" in caplog.text


async def test_a_disconnect_ends_the_session_without_closing_the_socket() -> None:
    socket = FakeSocket({"type": "websocket.disconnect", "code": 1001})
    reader = asyncio.create_task(receive_json(socket))
    waiting = asyncio.create_task(forever())
    await SocketSession(socket).supervise("test", reader, waiting)
    assert socket.closed_with == []
    assert waiting.cancelled()
    assert isinstance(reader.exception(), WebSocketDisconnect)


async def test_a_failure_on_a_socket_already_closed_is_not_raised() -> None:
    socket = FakeSocket()
    await socket.close(1000)

    async def fail() -> None:
        raise ValueError("boom")

    await SocketSession(socket).supervise("test", asyncio.create_task(fail()))
    assert socket.closed_with == [1000]


async def test_cancelling_the_supervisor_cancels_every_task() -> None:
    socket = FakeSocket()
    tasks = [asyncio.create_task(forever()) for _ in range(3)]
    supervisor = asyncio.create_task(SocketSession(socket).supervise("test", *tasks))
    await asyncio.sleep(0.01)
    supervisor.cancel()
    with pytest.raises(asyncio.CancelledError):
        await supervisor
    assert all(task.cancelled() for task in tasks)
    assert socket.closed_with == []
