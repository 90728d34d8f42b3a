"""Idle widget sockets against one hub process: how many it holds, and what each one costs.

Opens up to N widget sockets (hello only, or hello and one message each), in steps, and after
each step reads the hub's resident memory, Redis's connected_clients and how many conversations
exist. The sockets come from many client addresses (X-Forwarded-For, which the hub trusts from
loopback), a few per address, as a crowd of visitors would. Starts its own Redis and hub (no
Rasa: a message finds the assistant down and queues): `.venv/bin/python -m
benchmarks.socket_exhaustion`.
"""

import argparse
import asyncio
import contextlib
import json
import tempfile
import time
import uuid
from pathlib import Path

import websockets
from redis.asyncio import Redis

from benchmarks import reports
from handoff.cli.processes import (
    free_port,
    hub_process,
    redis_process,
    running,
    settings_on_free_ports,
)
from tests.support import ws_url

SOCKETS_PER_ADDRESS = 5
BATCH = 100  # sockets opened at once
STEP = 500  # figures every this many sockets
FRAME_TIMEOUT_SECONDS = 30


def rss_mib(pid: int) -> float:
    """A process's resident memory in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise LookupError(f"no VmRSS for {pid}")


def pid_serving(port: int) -> int:
    """The process whose command line serves this port (the hub's uvicorn)."""
    wanted = ["--port", str(port)]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            argv = cmdline.read_bytes().decode().split("\0")
            if any(argv[i : i + 2] == wanted for i in range(len(argv))) and "uvicorn" in argv:
                return int(cmdline.parent.name)
    raise LookupError(f"nothing serves port {port}")


def client_address(index: int) -> str:
    """The made-up address of the index-th socket's visitor."""
    visitor = index // SOCKETS_PER_ADDRESS
    return f"10.{visitor // 65536 % 256}.{visitor // 256 % 256}.{visitor % 256}"


async def next_frame(socket: websockets.ClientConnection, *types: str) -> dict:
    """The next frame of one of these types; ValueError on an error frame."""
    async with asyncio.timeout(FRAME_TIMEOUT_SECONDS):
        while True:
            frame = json.loads(await socket.recv())
            if frame["type"] == "error":
                raise ValueError(frame.get("code"))
            if frame["type"] in types:
                return frame


async def open_widget(url: str, index: int, message: bool) -> websockets.ClientConnection:
    """An open widget socket past its welcome (and its message's echo, if it sends one)."""
    headers = {"X-Forwarded-For": client_address(index)}
    socket = await websockets.connect(url, additional_headers=headers, max_size=None)
    try:
        await socket.send(json.dumps({"type": "hello", "language": "en"}))
        await next_frame(socket, "welcome")
        if message:
            client_id = uuid.uuid4().hex
            await socket.send(json.dumps({"type": "message", "text": "hi", "client_id": client_id}))
            while (await next_frame(socket, "entry")).get("client_id") != client_id:
                pass
    except BaseException:
        await socket.close()
        raise
    return socket


async def drain(socket: websockets.ClientConnection) -> None:
    """Read and drop whatever the hub sends, so its sends never block on us."""
    async for _ in socket:
        pass


async def measure(url: str, redis_url: str, hub_pid: int, sockets: int, message: bool) -> dict:
    """Open sockets step by step; the hub's figures after each step, until N or a failure."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    opened: list[websockets.ClientConnection] = []
    readers: list[asyncio.Task] = []
    steps, failure = [], None

    async def figures() -> dict:
        await asyncio.sleep(1)  # let the hub settle (its answers to the messages, say)
        info = await redis.info("clients")
        headers = [k async for k in redis.scan_iter("baton:conv:*", 1000) if k.count(":") == 2]
        return {
            "sockets": len(opened),
            "hub_rss_mib": rss_mib(hub_pid),
            "redis_connected_clients": info["connected_clients"],
            "conversations": len(headers),
        }

    steps.append(await figures())
    started = time.perf_counter()
    while len(opened) < sockets and failure is None:
        batch = range(len(opened), min(sockets, len(opened) + BATCH))
        results = await asyncio.gather(
            *(open_widget(url, i, message) for i in batch), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                failure = failure or f"{type(result).__name__}: {result}"
            else:
                opened.append(result)
                readers.append(asyncio.create_task(drain(result)))
        if len(opened) % STEP == 0 or failure or len(opened) >= sockets:
            steps.append(await figures())
    seconds = time.perf_counter() - started
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*(s.close() for s in opened), return_exceptions=True)
    await redis.aclose()
    # The cost of a socket: the slope from the first step on (the empty hub's memory still moves).
    first, last = steps[min(1, len(steps) - 1)], steps[-1]
    per_socket = max(1, last["sockets"] - first["sockets"])
    return {
        "sockets_held": len(opened),
        "failure": failure,
        "seconds_to_open": round(seconds, 1),
        "hub_rss_kib_per_socket": round(
            (last["hub_rss_mib"] - first["hub_rss_mib"]) * 1024 / per_socket, 1
        ),
        "redis_clients_per_socket": round(
            (last["redis_connected_clients"] - first["redis_connected_clients"]) / per_socket, 3
        ),
        "conversations_per_socket": round(
            (last["conversations"] - first["conversations"]) / per_socket, 3
        ),
        "steps": steps,
    }


def run(scratch: Path, sockets: int, message: bool) -> dict:
    """A fresh Redis and hub for one kind of socket, then the measurement."""
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    settings = settings_on_free_ports(redis_url)
    with running([redis_process(port, scratch / "redis")], scratch / "logs"):
        time.sleep(0.3)
        with running([hub_process(settings, redis_url)], scratch / "logs"):
            hub_pid = pid_serving(settings.port)
            return asyncio.run(measure(ws_url(settings), redis_url, hub_pid, sockets, message))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sockets", type=int, default=3000)
    parser.add_argument("--label", default="after", help="which code ran (before / after)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="baton-sockets-bench-"))  # logs stay for a look
    report = {
        "benchmark": "idle widget sockets on one hub process",
        "code": args.label,
        "sockets_asked": args.sockets,
        "sockets_per_client_address": SOCKETS_PER_ADDRESS,
        "hello_only": run(scratch / "hello", args.sockets, message=False),
        "hello_and_one_message": run(scratch / "message", args.sockets, message=True),
        "machine": reports.machine(),
    }
    out = args.out or Path(f"benchmarks/results/socket-exhaustion-{args.label}.json")
    reports.write(report, out)


if __name__ == "__main__":
    main()
