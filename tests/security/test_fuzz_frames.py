"""Every frame type of the widget's and the console's sockets, fuzzed (hypothesis): whatever a
client sends, the hub answers a malformed frame with a `bad_frame` error and keeps the socket
open; only a bad hello may close it, and then with a policy-violation code after an error."""

import json
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from handoff.channels.console import ConsoleFrame
from handoff.channels.widget import ClientFrame
from handoff.settings import Settings

# A frame the hub always refuses as malformed: sent after each fuzzed frame, its error shows
# that the socket still reads, and that everything before it was answered.
SENTINEL = {"type": "fuzz-sentinel"}
FUZZING = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


def value_of(schema: dict, defs: dict) -> st.SearchStrategy:
    """Values for one property of a frame: mostly of its type, sometimes anything at all."""
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        typed = st.one_of([value_of(option, defs) for option in schema["anyOf"]])
    elif "const" in schema:
        typed = st.just(schema["const"])
    elif "enum" in schema:
        typed = st.sampled_from(schema["enum"])
    elif "pattern" in schema:
        typed = st.from_regex(re.compile(schema["pattern"]), fullmatch=True)
    else:
        typed = {
            "string": st.text(max_size=schema.get("maxLength", 100) + 5),
            "integer": st.integers(),
            "boolean": st.booleans(),
            "null": st.none(),
            "array": st.lists(st.text(max_size=50), max_size=12),
        }.get(schema.get("type"), json_values)
    return typed | json_values if "const" not in schema else typed


def frames_of(adapter: TypeAdapter) -> st.SearchStrategy[dict]:
    """Frames of every type the adapter knows, with fields missing, wrong or extra."""
    defs = adapter.json_schema()["$defs"]
    kinds = []
    for model in defs.values():
        fields = {name: value_of(field, defs) for name, field in model["properties"].items()}
        required = {"type": fields.pop("type")}
        kinds.append(
            st.fixed_dictionaries(required, optional=fields)
            | st.fixed_dictionaries(required | fields)
        )
    return st.one_of(kinds) | st.dictionaries(st.text(max_size=20), json_values, max_size=5)


def raw_frames(adapter: TypeAdapter) -> st.SearchStrategy[str | bytes]:
    """What a client can put on the wire: frames as JSON, other JSON, not JSON, binary."""
    return (
        frames_of(adapter).map(json.dumps)
        | json_values.map(json.dumps)
        | st.text(max_size=200)
        | st.binary(max_size=200)
    )


def is_valid(adapter: TypeAdapter, raw: str | bytes) -> bool:
    """Whether the hub should accept the frame as well formed."""
    if isinstance(raw, bytes):
        return False
    try:
        adapter.validate_json(raw)
    except ValidationError:
        return False
    return True


def answered(socket: ClientConnection, bad_frames: int) -> list[dict]:
    """The frames the hub sent until it had refused `bad_frames` frames as malformed."""
    frames = []
    while bad_frames:
        frame = json.loads(socket.recv(timeout=30))
        frames.append(frame)
        bad_frames -= frame.get("code") == "bad_frame"
    return frames


def survives(socket: ClientConnection, adapter: TypeAdapter, raw: str | bytes) -> None:
    """Send a fuzzed frame and the sentinel: each malformed one is refused, nothing closes."""
    socket.send(raw)
    socket.send(json.dumps(SENTINEL))
    try:
        answered(socket, 1 + (not is_valid(adapter, raw)))
    except ConnectionClosed as closed:
        pytest.fail(f"The hub closed the socket ({closed.rcvd}) after {raw!r}")


@pytest.fixture(scope="module")
def widget_socket(fuzzed_hub: Settings) -> Iterator[ClientConnection]:
    """An open widget of the fuzzed hub, its conversation started."""
    with connect(f"ws://127.0.0.1:{fuzzed_hub.port}/ws/widget", max_size=None) as socket:
        socket.send(json.dumps({"type": "hello", "language": "en"}))
        assert json.loads(socket.recv(timeout=30))["type"] == "welcome"
        yield socket


@pytest.fixture(scope="module")
def console_socket(fuzzed_hub: Settings, admin_login: dict) -> Iterator[ClientConnection]:
    """An open agent console of the fuzzed hub."""
    base = f"http://127.0.0.1:{fuzzed_hub.port}"
    with connect(
        f"ws://127.0.0.1:{fuzzed_hub.port}/ws/agent",
        origin=base,
        additional_headers={"Cookie": admin_login["Cookie"]},
        max_size=None,
    ) as socket:
        yield socket


@FUZZING
@given(raw=raw_frames(ClientFrame))
def test_widget_refuses_bad_frames_and_stays_open(widget_socket, raw) -> None:
    survives(widget_socket, ClientFrame, raw)


@FUZZING
@given(raw=raw_frames(ConsoleFrame))
def test_console_refuses_bad_frames_and_stays_open(console_socket, raw) -> None:
    survives(console_socket, ConsoleFrame, raw)


hellos = (
    st.fixed_dictionaries(
        {"type": st.just("hello")},
        optional={
            "token": st.text(max_size=1100),
            "last_id": st.text(max_size=60) | st.from_regex(r"\d{1,25}-\d{1,25}", fullmatch=True),
            "language": st.text(max_size=12) | st.sampled_from(["en", "ko", "fr"]),
            "new": json_values,
            "user_id": st.text(max_size=210),
            "user_hash": st.text(max_size=130),
        },
    )
    | json_values
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hello=hellos)
@example(hello={"type": "hello", "user_id": "0", "user_hash": "\x80"})  # found by this test
def test_widget_hello_is_welcomed_or_refused_cleanly(fuzzed_hub: Settings, hello) -> None:
    with connect(f"ws://127.0.0.1:{fuzzed_hub.port}/ws/widget", max_size=None) as socket:
        socket.send(json.dumps(hello))
        try:
            first = json.loads(socket.recv(timeout=30))
        except ConnectionClosed as closed:
            pytest.fail(f"The hub closed the socket ({closed.rcvd}) at the hello {hello!r}")
        if first["type"] == "error":
            with pytest.raises(ConnectionClosed) as closed:
                socket.recv(timeout=30)
            assert closed.value.rcvd.code == 1008, first
        else:
            assert first["type"] == "welcome", first
