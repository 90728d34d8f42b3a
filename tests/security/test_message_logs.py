"""Logs at INFO and above never carry what a customer wrote, in a frame the hub refuses or one
it accepts (a malformed frame used to be logged with its content)."""

import logging
from collections.abc import Awaitable, Callable

import pytest

from tests.security.serving import Serve
from tests.support import InProcessHub, WidgetClient

SECRET = "zqxv, the customer's own words: card 4111 1111 1111 1111"


def frames() -> list[str | dict]:
    """Malformed frames of every kind, each carrying the secret, then well-formed ones."""
    return [
        f'{{"type": "message", "text": "{SECRET}"',  # not JSON
        {"type": SECRET},
        {"type": "message", "text": SECRET, "client_id": SECRET * 2},
        {"type": "message", "text": [SECRET]},
        {"type": "button", "title": SECRET, "payload": SECRET * 10},
        {"type": "email", "address": f"{SECRET}@"},
        {"type": "rating", "score": 9, "comment": SECRET},
        {"text": SECRET},
        [SECRET],
        SECRET,
        {"type": "message", "text": SECRET},
        {"type": "rating", "score": 5, "comment": SECRET},
        {"type": "handoff"},
        {"type": "message", "text": f"after the hand-over: {SECRET}"},
    ]


async def test_no_log_record_carries_message_text(
    start_hub: Callable[..., Awaitable[InProcessHub]],
    serve: Serve,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = await start_hub()
    widget = WidgetClient(f"ws://127.0.0.1:{await serve(hub.app)}/ws/widget")
    caplog.set_level(logging.INFO)
    await widget.connect()
    for frame in frames():
        if isinstance(frame, str) and frame.startswith("{"):
            await widget.socket.send(frame)
        else:
            await widget.send(frame)
    last = await widget.say("the last frame")  # the widget's frames are handled in order
    while (await widget.receive("entry")).get("client_id") != last:
        pass
    await widget.close()
    bad_frames = [r for r in caplog.records if r.getMessage().startswith("Bad frame")]
    assert len(bad_frames) == 10
    assert "zqxv" not in caplog.text and "4111" not in caplog.text
