"""Where a bot turn's time goes: py-spy samples the Rasa server, the action server and the hub while
customers chat (1 and 20 at once, through the widget), attributed to the turn's stages; and one
conversation's late turns against its early ones (benchmarks/conversation_length.py).

`.venv/bin/python -m benchmarks.rasa_turn_profile` (about 3 minutes; needs py-spy, a test extra).
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from redis import Redis

from benchmarks import conversation_length, reports
from benchmarks.load import load_stack, run_cell, widget_customer
from handoff.cli import processes
from handoff.settings import Settings

SAMPLES_PER_SECOND = 200
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
    redis = Redis.from_url(settings.redis_url or "")
    cell = await run_cell(widget_customer(hub), customers, seconds, pids, redis)
    redis.close()
    for recorder in recorders.values():
        recorder.wait()
    cell["stages"] = {name: stages(out / f"{name}-{customers}.txt") for name in recorders}
    return cell


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
        redis = Redis.from_url(settings.redis_url or "")
        await run_cell(widget_customer(hub), 2, 3, pids, redis)  # what Rasa loads lazily
        redis.close()
        cells = [await profiled_cell(settings, pids, n, args.seconds, samples) for n in (1, 20)]
        return {
            "load": cells,
            "conversation_length": await conversation_length.measure(settings, pids),
        }

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
