"""Median time from a verified customer's question about a transfer to the bot's answer from
the company's records (widget WebSocket, hub, real Rasa model, action server, the hub's records
desk over the demo records), beside a general question answered from the knowledge base.

`.venv/bin/python -m benchmarks.records_latency` (starts its own Redis and stack).
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import reports
from handoff.cli import processes
from handoff.cli.customer_eval import private_stack
from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.sample import load_sample
from handoff.settings import Settings
from tests.support import WidgetClient, signed, ws_url

# (user id, language, question, what the records answer says); two customers, so that the
# per-customer lookup limit (20 a minute) is not what is measured.
RECORDS_QUESTIONS = [
    ("hb-1001", "en", "where is my transfer HB-2026-000124?", "HB-2026-000124"),
    ("hb-1002", "ko", "HB-2026-000204 송금 지급됐나요?", "HB-2026-000204"),
]
GENERAL_QUESTION = ("en", "how do I verify my account?")


async def reply_ms(settings: Settings, user_id: str | None, language: str, text: str) -> tuple:
    """Milliseconds from sending the text in a new conversation to the bot's last entry for it,
    and what the bot said."""
    widget = WidgetClient(ws_url(settings))
    await widget.connect(language=language, **(signed(settings, user_id) if user_id else {}))
    started = time.perf_counter()
    replies = await widget.replies_to(text, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    await widget.close()
    return elapsed, " ".join(entry["text"] for entry in replies)


async def measure(settings: Settings, rounds: int) -> dict[str, list[float]]:
    """Records answers and general answers, interleaved, `rounds` of each."""
    async with processes.redis_client(settings) as redis:
        await load_sample(DemoRecords(redis), datetime.now(UTC))
    timings: dict[str, list[float]] = {"records": [], "general": []}
    await reply_ms(settings, None, *GENERAL_QUESTION)  # warm-up
    for number in range(rounds):
        user_id, language, text, expected = RECORDS_QUESTIONS[number % len(RECORDS_QUESTIONS)]
        elapsed, said = await reply_ms(settings, user_id, language, text)
        assert expected in said, said
        timings["records"].append(elapsed)
        timings["general"].append((await reply_ms(settings, None, *GENERAL_QUESTION))[0])
    return timings


def summary(milliseconds: list[float]) -> dict[str, float]:
    """Median, p95, min and max, rounded."""
    ordered = sorted(milliseconds)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/records-latency.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logs, private_stack(Path(logs)) as settings:
        timings = asyncio.run(measure(settings, args.rounds))
    records, general = summary(timings["records"]), summary(timings["general"])
    report = {
        "benchmark": "a verified customer's transfer question to the records answer (widget "
        "WebSocket, hub, real Rasa, action server, records desk, demo records), beside a "
        "general question answered from the knowledge base",
        "rounds": args.rounds,
        "records_answer": records,
        "general_answer": general,
        "median_ratio": round(records["median_ms"] / general["median_ms"], 2),
        "machine": reports.machine(),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
