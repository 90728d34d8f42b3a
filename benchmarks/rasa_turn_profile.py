"""Where a bot turn's time goes: py-spy samples the Rasa server, the action server and the hub while
customers chat (1 and 20 at once, through the widget), attributed to the turn's stages; and one
conversation of 100 messages straight to Rasa, its first turns against its last.

`.venv/bin/python -m benchmarks.rasa_turn_profile` (about 3 minutes; needs py-spy, a test extra).
"""

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
from redis import Redis as SyncRedis
from redis.asyncio import Redis

from benchmarks import reports
from benchmarks.load import cpu_seconds, load_stack, run_cell, widget_customer
from benchmarks.widget_latency import MESSAGES
from handoff.assistant.rasa_client import WEBHOOK_PATH
from handoff.cli import processes
from handoff.settings import Settings

SAMPLES_PER_SECOND = 200
LONG_CONVERSATION = 100
WINDOW = 10  # turns averaged at each end of the long conversation
# A sample counts for each stage whose marker one of its frames ("function (file:line)") holds.
STAGES = {
    "checking action server replies (jsonschema)": ("jsonschema",),
    "graph runs (the NLU and the policies)": ("dask.py", "graph_runner.py"),
    "the graph runner's own work (dask's ordering, scheduling)": ("dask.py", "graph_runner.py"),
    "lock store": ("lock_store.py",),
    "tracker store": ("tracker_store.py",),
    "NLU (parse_message)": ("parse_message",),
    "TensorFlow": ("tensorflow",),
    "actions run (the action server calls included)": ("_run_action",),
    "Redis client": ("redis/",),
    "knowledge-base query embedding (ONNX Runtime)": ("onnxruntime",),
    "reading request JSON": ("load_json",),
}
# ...unless it also holds this one: the runner's own work is what runs with no graph node below.
UNLESS = {
    "the graph runner's own work (dask's ordering, scheduling)": "__call__ (rasa/engine/graph.py"
}
# A sample whose innermost frame is the event loop itself is idle.
IDLE = ("serve (sanic", "Runner.run (asyncio")


def stages(raw: Path) -> dict[str, float]:
    """Share of the busy samples under each stage, from py-spy's raw (collapsed) output."""
    counts: Counter[str] = Counter()
    busy = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or stack.split(";")[-1].startswith(IDLE):
            continue
        busy += int(count)
        for stage, markers in STAGES.items():
            excluded = stage in UNLESS and UNLESS[stage] in stack
            if any(marker in stack for marker in markers) and not excluded:
                counts[stage] += int(count)
    return {"busy_samples": busy} | {
        stage: round(count / max(busy, 1), 3) for stage, count in counts.most_common()
    }


def py_spy_argv(pid: int, seconds: float, out: Path) -> list[str]:
    """py-spy sampling a process for a while, its stacks written collapsed (raw) to out."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return [
        py_spy, "record", "--nonblocking", "--format", "raw",
        "--rate", str(SAMPLES_PER_SECOND), "--duration", str(int(seconds)),
        "--pid", str(pid), "--output", str(out),
    ]  # fmt: skip


async def profiled_cell(
    settings: Settings, pids: dict[str, int], customers: int, seconds: float, out: Path
) -> dict:
    """One load cell with py-spy recording the Rasa server, the action server and the hub."""
    recorders = {
        name: subprocess.Popen(
            py_spy_argv(pids[name], seconds, out / f"{name}-{customers}.txt"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name in ("rasa", "actions", "hub1")
    }
    hub = [f"http://127.0.0.1:{processes.hub_ports(settings)[0]}"]
    redis = SyncRedis.from_url(settings.redis_url or "")
    cell = await run_cell(widget_customer(hub), customers, seconds, pids, redis)
    redis.close()
    for recorder in recorders.values():
        recorder.wait()
    cell["stages"] = {name: stages(out / f"{name}-{customers}.txt") for name in recorders}
    return cell


async def long_conversation(settings: Settings, pids: dict[str, int]) -> dict:
    """One conversation of LONG_CONVERSATION messages straight to Rasa: wall and Rasa CPU
    milliseconds of its first and last WINDOW turns, and the tracker's size in Redis."""
    conversation_id = uuid.uuid4().hex
    webhook = settings.rasa_urls[0] + WEBHOOK_PATH
    rasa = {"rasa": pids["rasa"]}
    wall, cpu = [], []
    async with httpx.AsyncClient(timeout=60) as http:
        for number in range(LONG_CONVERSATION):
            text, language = MESSAGES[number % len(MESSAGES)]
            body = {"sender": conversation_id, "message": text, "metadata": {"language": language}}
            before, started = cpu_seconds(rasa)["rasa"], time.perf_counter()
            (await http.post(webhook, json=body)).raise_for_status()
            wall.append(1000 * (time.perf_counter() - started))
            cpu.append(1000 * (cpu_seconds(rasa)["rasa"] - before))
    redis = Redis.from_url(settings.redis_url or "")
    tracker_bytes = await redis.strlen(f"baton:tracker:{conversation_id}")
    await redis.aclose()

    def ends(values: list[float]) -> dict:
        first, last = values[:WINDOW], values[-WINDOW:]
        return {
            "first_median": round(statistics.median(first), 1),
            "last_median": round(statistics.median(last), 1),
            "first_mean": round(statistics.mean(first), 1),
            "last_mean": round(statistics.mean(last), 1),
            "last_over_first_mean": round(statistics.mean(last) / statistics.mean(first), 2),
        }

    return {
        "messages": LONG_CONVERSATION,
        "turns_averaged_at_each_end": WINDOW,
        "wall_ms": ends(wall),
        "rasa_cpu_ms": ends(cpu),
        "tracker_bytes_at_the_end": tracker_bytes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--label", default="")
    parser.add_argument("--logs", type=Path, default=Path("var/load-logs"))
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results/rasa-turn-profile.json")
    )
    args = parser.parse_args()
    samples = args.logs / "py-spy"
    samples.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()

    async def measure(settings: Settings, pids: dict[str, int]) -> dict:
        hub = [f"http://127.0.0.1:{processes.hub_ports(settings)[0]}"]
        redis = SyncRedis.from_url(settings.redis_url or "")
        await run_cell(widget_customer(hub), 2, 3, pids, redis)  # what Rasa loads lazily
        redis.close()
        cells = [await profiled_cell(settings, pids, n, args.seconds, samples) for n in (1, 20)]
        return {"load": cells, "long_conversation": await long_conversation(settings, pids)}

    with load_stack(1, args.logs) as (settings, pids):
        figures = asyncio.run(measure(settings, pids))
    report = {
        "benchmark": "where a bot turn's CPU goes (benchmarks/rasa_turn_profile.py)",
        "label": args.label,
        "seconds_per_cell": args.seconds,
        **figures,
    } | reports.shared_machine(load_before)
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
