"""A turn late in a conversation against an early one (issue 16: message 100 within 1.2x of
message 1). The same texts go straight to Rasa, in turn, to a new conversation (its message 1),
to a conversation one message old (its message 2) and to one conversation LONG messages old
(its message LONG, LONG + 1, ...), the order rotated every sample so that the machine's drift
falls on all three alike. Per position: wall-clock and the Rasa server's CPU milliseconds a turn
(the kernel's nanosecond count of every thread, not 10 ms ticks), medians and means, and their
ratios to message 1 and 2.

`.venv/bin/python -m benchmarks.conversation_length` (about 2 minutes with its own stack), or
`measure(settings, pids)` on a running one (benchmarks/rasa_turn_profile.py).
"""

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from pathlib import Path

import httpx
from redis.asyncio import Redis

from benchmarks import reports
from benchmarks.load import load_stack, process_tree
from benchmarks.widget_latency import MESSAGES
from handoff.assistant.rasa_client import WEBHOOK_PATH
from handoff.settings import Settings

LONG = 100
SAMPLES = 60
POSITIONS = ("message 1", "message 2", f"message {LONG}+")


def cpu_nanoseconds(pid: int) -> int:
    """Nanoseconds on a CPU of every thread of a process and its children so far."""
    total = 0
    for process in process_tree(pid):
        for task in Path(f"/proc/{process.pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):  # a thread that just ended
                continue
    return total


class Conversations:
    """Messages straight to one Rasa server, each timed in wall clock and the server's CPU."""

    def __init__(self, http: httpx.AsyncClient, settings: Settings, rasa_pid: int):
        self.http, self.rasa_pid = http, rasa_pid
        self.webhook = settings.rasa_urls[0] + WEBHOOK_PATH

    async def send(self, conversation_id: str, number: int) -> tuple[float, float]:
        """Send MESSAGES[number] (cycling); its wall and Rasa CPU milliseconds."""
        text, language = MESSAGES[number % len(MESSAGES)]
        body = {"sender": conversation_id, "message": text, "metadata": {"language": language}}
        cpu_before, started = cpu_nanoseconds(self.rasa_pid), time.perf_counter()
        (await self.http.post(self.webhook, json=body)).raise_for_status()
        wall = 1000 * (time.perf_counter() - started)
        return wall, (cpu_nanoseconds(self.rasa_pid) - cpu_before) / 1e6


def summary(values: list[float]) -> dict:
    """Median, mean and p95 of a position's milliseconds."""
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 2),
        "mean": round(statistics.mean(ordered), 2),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def ratios(figures: dict[str, dict]) -> dict:
    """The late turn's median and mean over message 1's and message 2's."""
    late = figures[POSITIONS[2]]
    return {
        f"{POSITIONS[2]} / {early}, {stat}": round(late[stat] / figures[early][stat], 2)
        for early in POSITIONS[:2]
        for stat in ("median", "mean")
    }


async def measure(settings: Settings, pids: dict[str, int], samples: int = SAMPLES) -> dict:
    """The three positions, `samples` turns each, on a running stack's first Rasa server."""
    measured: dict[str, dict[str, list[float]]] = {p: {"wall": [], "cpu": []} for p in POSITIONS}
    long_id = uuid.uuid4().hex
    async with httpx.AsyncClient(timeout=60) as http:
        rasa = Conversations(http, settings, pids["rasa"])
        for number in range(LONG - 1):
            await rasa.send(long_id, number)
        for sample in range(samples):
            second_id = uuid.uuid4().hex
            await rasa.send(second_id, sample + 1)  # its message 1, not measured
            turns = {
                POSITIONS[0]: uuid.uuid4().hex,
                POSITIONS[1]: second_id,
                POSITIONS[2]: long_id,
            }
            order = POSITIONS[sample % 3 :] + POSITIONS[: sample % 3]
            for position in order:
                wall, cpu = await rasa.send(turns[position], sample)
                measured[position]["wall"].append(wall)
                measured[position]["cpu"].append(cpu)
    redis = Redis.from_url(settings.redis_url or "")
    stored = {
        "message 1": await redis.get(f"baton:tracker:{turns[POSITIONS[0]]}"),
        f"message {LONG - 1 + samples}": await redis.get(f"baton:tracker:{long_id}"),
    }
    await redis.aclose()
    wall = {p: summary(measured[p]["wall"]) for p in POSITIONS}
    cpu = {p: summary(measured[p]["cpu"]) for p in POSITIONS}
    return {
        "samples_per_position": samples,
        "long_conversation_messages_at_the_end": LONG - 1 + samples,
        "stored_tracker": {
            at: {"bytes": len(value), "events": len(json.loads(value)["events"])}
            for at, value in stored.items()
        },
        "wall_ms": wall | {"ratios": ratios(wall)},
        "rasa_cpu_ms": cpu | {"ratios": ratios(cpu)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--label", default="")
    parser.add_argument("--logs", type=Path, default=Path("var/load-logs"))
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results/conversation-length.json")
    )
    args = parser.parse_args()
    load_before = os.getloadavg()
    with load_stack(1, args.logs) as (settings, pids):
        figures = asyncio.run(measure(settings, pids, args.samples))
    report = {
        "benchmark": "a turn late in a conversation against early ones (benchmarks/"
        "conversation_length.py)",
        "label": args.label,
        **figures,
    } | reports.shared_machine(load_before)
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
