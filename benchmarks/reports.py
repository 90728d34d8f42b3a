"""Where each benchmark's report goes: a JSON file under results/, and a line on stdout."""

import json
import os
import platform
from pathlib import Path


def machine() -> str:
    """What the figures were measured on."""
    return f"{platform.machine()}, Python {platform.python_version()}"


def shared_machine(load_average_before: tuple[float, float, float]) -> dict:
    """The machine, and how busy other work kept it, for a run on a shared machine."""
    return {
        "load_average_before": [round(x, 2) for x in load_average_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "machine": machine(),
    }


def write(report: dict, path: Path) -> None:
    """Save the report and print it as one JSON line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report))
