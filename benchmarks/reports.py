"""Where each benchmark's report goes: a JSON file under results/, and a line on stdout."""

import json
import platform
from pathlib import Path


def machine() -> str:
    """What the figures were measured on."""
    return f"{platform.machine()}, Python {platform.python_version()}"


def write(report: dict, path: Path) -> None:
    """Save the report and print it as one JSON line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report))
