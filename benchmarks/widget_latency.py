"""Median time from a widget message to the bot's reply over the real WebSocket, on a running stack.

Start the stack (`make run`), then: `.venv/bin/python -m benchmarks.widget_latency`.
"""

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from benchmarks import reports
from tests.support import WidgetClient

MESSAGES = [
    ("hello", "en"),
    ("how do I verify my account?", "en"),
    ("where is my transfer?", "en"),
    ("안녕하세요", "ko"),
    ("본인 인증은 어떻게 하나요?", "ko"),
    ("송금이 아직 안 왔어요", "ko"),
]


async def measure(url: str, rounds: int) -> list[float]:
    """Seconds from sending each message to receiving the first bot entry that answers it."""
    latencies = []
    for _ in range(rounds):
        for text, language in MESSAGES:
            widget = WidgetClient(url)
            await widget.connect(language=language)
            started = time.perf_counter()
            replies = await widget.replies_to(text)
            assert replies and replies[0]["sender"] == "bot", replies
            latencies.append(time.perf_counter() - started)
            await widget.close()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="ws://127.0.0.1:8000/ws/widget")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/widget-latency.json"))
    args = parser.parse_args()
    latencies = sorted(asyncio.run(measure(args.url, args.rounds)))
    milliseconds = [round(s * 1000, 1) for s in latencies]
    report = {
        "benchmark": "widget message to bot reply (WebSocket, real Rasa)",
        "messages": len(milliseconds),
        "median_ms": statistics.median(milliseconds),
        "p95_ms": milliseconds[int(0.95 * (len(milliseconds) - 1))],
        "min_ms": milliseconds[0],
        "max_ms": milliseconds[-1],
        "machine": reports.machine(),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
