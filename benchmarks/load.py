"""Bot turns per second and reply latency with many customers chatting at once, through the hubs'
widget sockets and, in the same run, straight to Rasa's hub channel (the hub's overhead as a
ratio); CPU and memory of every process. It starts its own stack (Redis, the seed articles, 1 or
2 Rasa servers, the action server, 2 hubs) for each number of Rasa servers.

`.venv/bin/python -m benchmarks.load` (about 10 minutes); `--customers 20 --seconds 10` for a
quick look. Each customer chats one conversation after another (the six messages of
widget_latency.py, English and Korean), answering each reply at once: the turns/s are what the
stack can carry, and each reply waits for every other customer's turn in the queue. With
`--turns-per-second R` the customers together offer R turns a second instead: each sends its
next message `customers / R` seconds after its last one (or at once on a later reply), their
first messages spread over that time, so the latencies are those of a stack at that load.
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from redis import Redis

from benchmarks import reports
from benchmarks.widget_latency import MESSAGES
from handoff.assistant.rasa_client import IDLE_SECONDS, WEBHOOK_PATH
from handoff.assistant.rasa_servers import servers_for
from handoff.cli import processes
from handoff.conversations.store import ConversationStore
from handoff.redis_connection import connect_redis
from handoff.settings import Settings
from tests.support import WidgetClient

HUBS = 2
WARM_UP_SECONDS = 3
REPLY_TIMEOUT_SECONDS = 30
# Customers here chat far faster than people: the hubs' per-customer limits must not stop them.
UNLIMITED = "1000000/minute"
RATE_LIMITS = (
    "MESSAGE_RATE_PER_CONNECTION",
    "MESSAGE_RATE_PER_ADDRESS",
    "CONVERSATION_RATE_PER_ADDRESS",
)


@dataclass
class Tally:
    """What the customers of one cell measured."""

    seconds: list[float] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)  # time.monotonic() of each reply
    failures: int = 0
    connect_seconds: list[float] = field(default_factory=list)  # widget sockets' opening

    def answered(self, seconds: float) -> None:
        """A reply came, `seconds` after its message."""
        self.seconds.append(seconds)
        self.answered_at.append(time.monotonic())


Customer = Callable[[int, float, Tally], Awaitable[None]]


@dataclass(frozen=True)
class Pace:
    """How often each customer sends: `interval` seconds from one message to the next (0: at
    once on the reply), the customers' first messages spread over one interval."""

    interval: float = 0.0
    customers: int = 1

    @classmethod
    def offering(cls, turns_per_second: float | None, customers: int) -> "Pace":
        """The pace at which these customers offer so many turns a second (None: at once)."""
        return cls(customers / turns_per_second if turns_per_second else 0.0, customers)

    async def start(self, index: int) -> None:
        """Wait for this customer's turn to send its first message."""
        await asyncio.sleep(self.interval * index / self.customers)

    async def next(self, sent: float) -> None:
        """Wait until the next message is due, the last one sent at `sent` (perf_counter)."""
        await asyncio.sleep(max(0.0, sent + self.interval - time.perf_counter()))


AT_ONCE = Pace()


def widget_customer(hub_urls: list[str], pace: Pace = AT_ONCE) -> Customer:
    """Customers on the hubs' widget sockets, one after another on each hub."""

    async def chat(index: int, until: float, tally: Tally) -> None:
        await pace.start(index)
        url = hub_urls[index % len(hub_urls)].replace("http", "ws") + "/ws/widget"
        address = {"X-Forwarded-For": f"10.9.{index // 256}.{index % 256}"}
        while time.monotonic() < until:
            widget = WidgetClient(url, address)
            started = time.perf_counter()
            try:
                await widget.connect(language=MESSAGES[0][1])
            except (TimeoutError, OSError):  # the hub too busy to open the socket in time
                tally.failures += 1
                continue
            finally:
                tally.connect_seconds.append(time.perf_counter() - started)
            try:
                for text, _ in MESSAGES:
                    started = time.perf_counter()
                    try:
                        replies = await widget.replies_to(text, timeout=REPLY_TIMEOUT_SECONDS)
                    except TimeoutError:
                        replies = []
                    if replies and replies[0]["sender"] == "bot":
                        tally.answered(time.perf_counter() - started)
                    else:
                        tally.failures += 1
                    if time.monotonic() >= until:
                        break
                    await pace.next(started)
            finally:
                await widget.close()

    return chat


def rasa_customer(
    http: httpx.AsyncClient,
    rasa_urls: list[str],
    conversations: ConversationStore,
    pace: Pace = AT_ONCE,
) -> Customer:
    """Customers straight on Rasa's hub channel, each conversation on its server as the hub
    would choose it. Each conversation is started in the hub's store first (not timed), so that
    the actions' calls to the hub find it and do a turn's whole work, as through a hub."""

    async def chat(index: int, until: float, tally: Tally) -> None:
        await pace.start(index)
        while time.monotonic() < until:
            conversation_id = (await conversations.create("web", MESSAGES[0][1])).id
            webhook = servers_for(conversation_id, rasa_urls)[0] + WEBHOOK_PATH
            for text, language in MESSAGES:
                body = {
                    "sender": conversation_id,
                    "message": text,
                    "metadata": {"language": language},
                }
                started = time.perf_counter()
                try:
                    response = await http.post(webhook, json=body)
                    answered = response.status_code == 200 and response.json()["messages"]
                except httpx.HTTPError:  # a connection lost counts as a reply not given
                    answered = False
                if answered:
                    tally.answered(time.perf_counter() - started)
                else:
                    tally.failures += 1
                if time.monotonic() >= until:
                    break
                await pace.next(started)

    return chat


def process_tree(pid: int) -> list[psutil.Process]:
    """A process and its children (a Rasa server's workers, HAProxy's)."""
    parent = psutil.Process(pid)
    return [parent, *parent.children(recursive=True)]


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User and system CPU seconds of each named process and its children so far."""
    totals = {}
    for name, pid in pids.items():
        times = [p.cpu_times() for p in process_tree(pid)]
        totals[name] = sum(t.user + t.system for t in times)
    return totals


def own_cpu_seconds() -> float:
    """User and system CPU seconds of this process alone (the customers), not its children."""
    times = psutil.Process().cpu_times()
    return times.user + times.system


def rss_mib(pids: dict[str, int]) -> dict[str, float]:
    """Resident memory of each named process and its children, MiB."""
    return {
        name: round(sum(p.memory_info().rss for p in process_tree(pid)) / 2**20, 1)
        for name, pid in pids.items()
    }


def redis_counts(redis: Redis) -> Counter[str]:
    """The commands Redis has run so far by name, those its scripts ran included, and the
    bytes it has received ("bytes_in")."""
    commands = redis.info("commandstats")
    counts = Counter(
        {name.removeprefix("cmdstat_"): int(s["calls"]) for name, s in commands.items()}
    )
    counts["bytes_in"] = int(redis.info("stats")["total_net_input_bytes"])
    return counts


def per_turn(counts: Counter[str], turns: int) -> dict:
    """Redis's commands (in all, and the most frequent) and bytes received, a turn."""
    commands = {name: n for name, n in counts.items() if name != "bytes_in"}
    return {
        "commands": round(sum(commands.values()) / max(turns, 1), 1),
        "bytes_in": round(counts["bytes_in"] / max(turns, 1)),
        "by_command": {
            name: round(n / max(turns, 1), 1) for name, n in Counter(commands).most_common(16)
        },
    }


def percentile_ms(seconds: list[float], fraction: float) -> float | None:
    """A percentile of some durations, milliseconds; None if there are none."""
    if not seconds:
        return None
    return round(1000 * sorted(seconds)[int(fraction * (len(seconds) - 1))], 1)


async def run_cell(
    chat: Customer, customers: int, seconds: float, pids: dict[str, int], redis: Redis
) -> dict:
    """Customers chatting for a while: turns/s, reply median and p95, CPU per turn by process,
    Redis's commands and bytes received a turn.

    Turns/s counts the replies within the cell's seconds; the cell then waits for the turns in
    flight (up to REPLY_TIMEOUT_SECONDS), whose replies count in the latencies and the CPU."""
    tally = Tally()
    redis_before = redis_counts(redis)
    own_before = own_cpu_seconds()
    cpu_before, started = cpu_seconds(pids), time.monotonic()
    until = started + seconds
    await asyncio.gather(*(chat(index, until, tally) for index in range(customers)))
    elapsed = time.monotonic() - started
    cpu = {name: spent - cpu_before[name] for name, spent in cpu_seconds(pids).items()}
    own = own_cpu_seconds() - own_before
    redis_spent = redis_counts(redis) - redis_before
    turns = len(tally.seconds)
    return {
        "customers": customers,
        "turns": turns,
        "failures": tally.failures,
        "turns_per_s": round(sum(at <= until for at in tally.answered_at) / seconds, 1),
        "seconds_with_turns_in_flight": round(elapsed, 1),
        # Every reply over that time: with replies as slow as the cell is long, the figure
        # within the cell's seconds misses the first wave, this one counts the wait for the last.
        "turns_per_s_with_turns_in_flight": round(turns / elapsed, 1),
        "median_ms": round(1000 * statistics.median(tally.seconds), 1) if turns else None,
        "p95_ms": percentile_ms(tally.seconds, 0.95),
        "sockets_opened": len(tally.connect_seconds),
        "opening_share": round(sum(tally.connect_seconds) / (customers * elapsed), 3),
        "opening_p95_ms": percentile_ms(tally.connect_seconds, 0.95),
        "cpu_ms_per_turn": {n: round(1000 * c / max(turns, 1), 1) for n, c in cpu.items()},
        "cpu_percent": {n: round(100 * c / elapsed) for n, c in cpu.items()},
        # The customers' side (this process), on the same cores.
        "load_generator_cpu_ms_per_turn": round(1000 * own / max(turns, 1), 1),
        "load_generator_cpu_percent": round(100 * own / elapsed),
        "redis_per_turn": per_turn(redis_spent, turns),
        "rss_mib": rss_mib(pids),
    }


@contextmanager
def load_stack(rasa_servers: int, log_dir: Path) -> Iterator[tuple[Settings, dict[str, int]]]:
    """Redis with the seed articles, the Rasa servers, the action server and HUBS hubs behind
    HAProxy on free ports (customers pick their hub); the settings and every process's id."""
    for limit in RATE_LIMITS:
        os.environ[f"BATON_{limit}"] = UNLIMITED
    redis_port = processes.free_port()
    settings = processes.settings_on_free_ports(
        f"redis://127.0.0.1:{redis_port}/0",
        hubs=HUBS,
        port=processes.free_ports_in_a_row(HUBS + 1),
        rasa_servers=rasa_servers,
        rasa_port=processes.free_ports_in_a_row(rasa_servers),
    )
    redis_url = settings.redis_url or ""
    with (
        tempfile.TemporaryDirectory() as data,
        processes.running([processes.redis_process(redis_port, Path(data))], log_dir) as redis,
    ):
        processes.wait_for_redis(redis_url)
        asyncio.run(processes.import_seed_articles(settings))
        hubs = processes.hub_processes(settings, redis_url)  # the bot reaches them via HAProxy
        with (
            processes.running(processes.bot_processes(settings, redis_url), log_dir, 300) as bot,
            processes.running(hubs, log_dir) as hub,
        ):
            yield settings, redis.pids() | bot.pids() | hub.pids()


async def measure_stack(
    settings: Settings,
    pids: dict[str, int],
    customers: list[int],
    seconds: float,
    turns_per_second: float | None = None,
) -> list[dict]:
    """Every cell on one stack: straight to Rasa, then through 1 and 2 hubs, for each load."""
    hub_urls = [f"http://127.0.0.1:{port}" for port in processes.hub_ports(settings)]
    # Idle connections dropped before Rasa closes them, as the hub's (rasa_client.py).
    limits = httpx.Limits(
        max_connections=None, max_keepalive_connections=None, keepalive_expiry=IDLE_SECONDS
    )
    redis = Redis.from_url(settings.redis_url or "")
    hub_redis = connect_redis(settings, decode_responses=True)
    conversations = ConversationStore(hub_redis, settings)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        # The first turns load what Rasa loads lazily.
        warm_up = rasa_customer(http, settings.rasa_urls, conversations)
        await run_cell(warm_up, 2, WARM_UP_SECONDS, pids, redis)
        await run_cell(widget_customer(hub_urls), 2, WARM_UP_SECONDS, pids, redis)
        cells = []
        for count in customers:
            pace = Pace.offering(turns_per_second, count)
            straight = rasa_customer(http, settings.rasa_urls, conversations, pace)
            bare = await run_cell(straight, count, seconds, pids, redis)
            for hubs in (1, 2):
                widget = widget_customer(hub_urls[:hubs], pace)
                cell = await run_cell(widget, count, seconds, pids, redis)
                cell["hubs"], cell["rasa_servers"] = hubs, settings.rasa_servers
                cell["offered_turns_per_s"] = turns_per_second
                cell["straight_to_rasa"] = bare
                cell["turns_per_s_vs_straight"] = round(
                    cell["turns_per_s"] / max(bare["turns_per_s"], 0.1), 2
                )
                cells.append(cell)
                print(cell, flush=True)
    redis.close()
    await hub_redis.aclose()
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rasa-servers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--customers", type=int, nargs="+", default=[1, 20, 50, 200])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--turns-per-second",
        type=float,
        default=None,
        help="the turns a second the customers offer together (default: each at once)",
    )
    parser.add_argument("--label", default="")
    parser.add_argument("--logs", type=Path, default=Path("var/load-logs"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/load.json"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    cells = []
    for rasa_servers in args.rasa_servers:
        with load_stack(rasa_servers, args.logs) as (settings, pids):
            cells += asyncio.run(
                measure_stack(settings, pids, args.customers, args.seconds, args.turns_per_second)
            )
        report = {  # written after each stack, so that a later failure keeps what was measured
            "benchmark": "bot turns/s and reply latency, many customers (benchmarks/load.py)",
            "label": args.label,
            "seconds_per_cell": args.seconds,
            "offered_turns_per_s": args.turns_per_second,  # None: each customer at once
            "cells": cells,
        } | reports.shared_machine(load_before)
        reports.write(report, args.out)


if __name__ == "__main__":
    main()
