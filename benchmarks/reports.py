"""Where each benchmark's report goes: a JSON file under results/, and a line on stdout."""

import json
import os
import platform
import statistics
import time
from pathlib import Path

# A turn's tracker, roughly: what the reference work serialises and reads back.
_REFERENCE_EVENTS = [
    {"event": "user", "text": f"message {n}", "parse_data": {"intent": {"name": "ask_faq"}}}
    for n in range(60)
]


def machine() -> str:
    """What the figures were measured on."""
    return f"{platform.machine()}, Python {platform.python_version()}"


def reference_cpu_ms(rounds: int = 5) -> float:
    """CPU milliseconds this machine takes for a fixed piece of Python work (a 60-event tracker
    to JSON and back, 500 times), the median of some rounds. Figures from two machines compare
    only beside it (two machines of one kind differed 2.5x in CPU a turn), and it only at a low
    load average: on these shared virtual cores, other work inflates a process's CPU time too."""
    spent = []
    for _ in range(rounds + 1):  # the first round warms up, and is left out
        started = time.process_time()
        for _ in range(500):
            json.loads(json.dumps(_REFERENCE_EVENTS))
        spent.append(time.process_time() - started)
    return round(1000 * statistics.median(spent[1:]), 1)


def shared_machine(load_average_before: tuple[float, float, float]) -> dict:
    """The machine, and how busy other work kept it, for a run on a shared machine."""
    return {
        "load_average_before": [round(x, 2) for x in load_average_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "machine": machine(),
        "reference_cpu_ms": reference_cpu_ms(),
    }


def write(report: dict, path: Path) -> None:
    """Save the report and print it as one JSON line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report))
