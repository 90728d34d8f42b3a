"""How long Prometheus's scrape of a hub (/metrics) takes as the queue grows.

Starts its own Redis and one hub process (no Rasa, no articles). At each queue size it queues
conversations (as the bot's hand-overs do) up to that many, then times GET /metrics from
loopback, which reads every queued conversation's language from Redis.
Run: `.venv/bin/python -m benchmarks.metrics_scrape`.
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx
from redis.asyncio import Redis

from benchmarks import reports
from handoff.cli.processes import (
    free_port,
    hub_process,
    redis_process,
    running,
    settings_on_free_ports,
    wait_for_redis,
)
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.settings import Settings
from handoff.staff.users import UserStore
from knowledge_base.evaluate import median_and_p95

QUEUE_SIZES = (0, 1_000, 10_000)
BATCH = 50  # hand-overs queued at once (within the client pool)


async def fill_queue(redis_url: str, queued: int, size: int) -> None:
    """Queue conversations (alternately English and Korean) until `size` are waiting."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    store = ConversationStore(redis)
    queue = AgentQueue(redis, store, UserStore(redis), Settings())

    async def hand_over(number: int) -> None:
        conversation = await store.create("web", ("en", "ko")[number % 2])
        await queue.escalate(conversation.id, Escalation.because("customer_asked"))

    for start in range(queued, size, BATCH):
        await asyncio.gather(*(hand_over(n) for n in range(start, min(start + BATCH, size))))
    await redis.aclose()


async def scrape_times(url: str, scrapes: int) -> list[float]:
    """Milliseconds of each GET /metrics, one after another."""
    milliseconds = []
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(scrapes):
            started = time.perf_counter()
            (await client.get("/metrics")).raise_for_status()
            milliseconds.append((time.perf_counter() - started) * 1000)
    return milliseconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scrapes", type=int, default=100)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/metrics-scrape.json"))
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="baton-metrics-bench-"))  # logs stay for a look
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    hub = settings_on_free_ports(redis_url)
    by_size = {}
    with running([redis_process(port, scratch / "redis")], scratch / "logs"):
        wait_for_redis(redis_url)
        with running([hub_process(hub, redis_url)], scratch / "logs"):
            queued = 0
            for size in QUEUE_SIZES:
                asyncio.run(fill_queue(redis_url, queued, size))
                queued = size
                times = asyncio.run(scrape_times(f"http://127.0.0.1:{hub.port}", args.scrapes))
                by_size[str(size)] = median_and_p95(times)
    report = {
        "benchmark": "GET /metrics of one hub process from loopback, by conversations queued",
        "scrapes_per_size": args.scrapes,
        "scrape_ms_by_queue_length": by_size,
        "machine": reports.machine(),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
