"""How long the dashboard's figures take with 100,000 conversations' roll-ups in Redis.

Starts its own Redis and one hub process (no Rasa). Records the roll-ups of 100,000
conversations spread over 30 days through the hub's own recording calls (rollups.py, pipelined):
each one a bot turn, most a second (the customer's yes or no), a third handed to a person, who
claims, answers and closes it; half of those rated. Then times, as a supervisor from loopback
(wall time, and the hub process's CPU time per request, which a busy shared machine inflates
less), GET /api/dashboard (every table) for a day and for a week, unfiltered and filtered, and one
table as CSV.
Run: `.venv/bin/python -m benchmarks.dashboard_page`.
"""

import argparse
import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

import httpx
import psutil
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
from handoff.conversations.model import Change, Conversation, State
from handoff.dashboard.rollups import Rollups
from handoff.keys import ConversationField as F
from handoff.staff.users import Role, UserStore
from knowledge_base.evaluate import median_and_p95
from tests.support import log_in

DAYS = 30
LAST_DAY = 1_795_000_000.0  # a fixed day (2026-11-18 UTC), so that runs compare
CHANNELS = ("web", "telegram")
LANGUAGES = ("en", "ko")
INTENTS = tuple(f"intent_{n}" for n in range(15))
ARTICLES = tuple(f"article-{n}" for n in range(40))
REASONS = ("customer_asked", "low_confidence", "repeated_misses", "complaint", "report_fraud")
AGENTS = tuple(f"agent-{n}" for n in range(20))
BATCH = 2_000  # conversations recorded per pipeline
PASSWORD = "benchmark password"


async def record_conversation(rollups: Rollups, number: int, chance: random.Random) -> None:
    """One conversation's events, through the recording calls the hub makes."""
    start = LAST_DAY - chance.uniform(0, DAYS * 86400)
    conversation = Conversation(
        id=f"{number:032x}",
        state=State.BOT,
        channel=chance.choice(CHANNELS),
        language=chance.choice(LANGUAGES),
        created_at=start,
    )
    intent = chance.choice(INTENTS)
    answered = chance.random() < 0.6
    await rollups.bot_turn(
        conversation,
        start,
        language=conversation.language,
        intent=intent,
        decision="answer" if answered else chance.choice(("rephrase", "reply")),
        article=chance.choice(ARTICLES) if answered else None,
    )
    if answered and chance.random() < 0.7:
        feedback = chance.choice(("affirm", "deny"))
        await rollups.bot_turn(
            conversation,
            start + 20,
            language=conversation.language,
            intent=feedback,
            decision="reply",
            article=None,
        )
    if chance.random() >= 1 / 3:
        return
    escalated_at, agent = start + 40, chance.choice(AGENTS)
    reason = chance.choice(REASONS)
    escalate = {F.ESCALATED_AT: repr(escalated_at), F.REASON: reason, F.INTENT: intent}
    await rollups.transitioned("escalate", conversation, Change(set_fields=escalate))
    queued = Conversation(
        **{
            **conversation.__dict__,
            "escalated_at": escalated_at,
            "sla_due_at": escalated_at + 300,
            "priority": "normal",
        }
    )
    claimed_at = escalated_at + chance.expovariate(1 / 120)
    claim = {F.CLAIMED_AT: repr(claimed_at), F.ASSIGNEE: agent}
    await rollups.transitioned("claim", queued, Change(set_fields=claim))
    await rollups.first_response(queued, claimed_at + chance.expovariate(1 / 30))
    held = Conversation(**{**queued.__dict__, "claimed_at": claimed_at, "assignee": agent})
    close = {F.CLOSED_AT: repr(claimed_at + chance.expovariate(1 / 400))}
    await rollups.transitioned("close", held, Change(set_fields=close))
    if chance.random() < 0.5:
        await rollups.rated(held, chance.randint(1, 5))


async def fill(redis_url: str, conversations: int) -> float:
    """Record the roll-ups of that many conversations; the seconds it took."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    chance = random.Random(19)
    started = time.perf_counter()
    for first in range(0, conversations, BATCH):
        async with redis.pipeline(transaction=False) as pipe:
            rollups = Rollups(pipe)
            for number in range(first, min(first + BATCH, conversations)):
                await record_conversation(rollups, number, chance)
            await pipe.execute()
    seconds = time.perf_counter() - started
    await UserStore(redis).add("supervisor", PASSWORD, Role.SUPERVISOR)
    await redis.aclose()
    return seconds


async def request_times(url: str, path: str, params: dict, requests: int) -> list[float]:
    """Milliseconds of each GET, one after another, as a logged-in supervisor."""
    milliseconds = []
    async with httpx.AsyncClient(base_url=url) as client:
        await log_in(client, "supervisor", PASSWORD)
        for _ in range(requests):
            started = time.perf_counter()
            (await client.get(path, params=params)).raise_for_status()
            milliseconds.append((time.perf_counter() - started) * 1000)
    return milliseconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/dashboard-page.json"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="baton-dashboard-bench-"))  # logs stay for a look
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    hub = settings_on_free_ports(redis_url)
    day = time.strftime("%Y-%m-%d", time.gmtime(LAST_DAY))
    cases = {
        "day": ("/api/dashboard", {"day": day}),
        "week": ("/api/dashboard", {"period": "week", "day": day}),
        "week_filtered": (
            "/api/dashboard",
            {"period": "week", "day": day, "language": "ko", "intent": "intent_3"},
        ),
        "week_csv_table": ("/api/dashboard/articles.csv", {"period": "week", "day": day}),
        # A logged-in request that reads no figures: the hub's cost of any staff request.
        "baseline_auth_me": ("/auth/me", {}),
    }
    timings = {}
    with running([redis_process(port, scratch / "redis")], scratch / "logs"):
        wait_for_redis(redis_url)
        fill_seconds = asyncio.run(fill(redis_url, args.conversations))
        memory = asyncio.run(used_memory(redis_url))
        with running([hub_process(hub, redis_url)], scratch / "logs") as hubs:
            url = f"http://127.0.0.1:{hub.port}"
            [hub_pid] = hubs.pids().values()
            for name, (path, params) in cases.items():
                cpu_before = cpu_seconds(hub_pid)
                times = asyncio.run(request_times(url, path, params, args.requests))
                cpu_ms = (cpu_seconds(hub_pid) - cpu_before) * 1000 / args.requests
                timings[name] = median_and_p95(times) | {"hub_cpu_ms": round(cpu_ms, 2)}
    report = {
        "benchmark": "GET /api/dashboard (every table) of one hub process from loopback, "
        f"with {args.conversations} conversations' roll-ups over {DAYS} days in Redis",
        "conversations": args.conversations,
        "requests_per_case": args.requests,
        "request_ms": timings,
        "recording_seconds": round(fill_seconds, 1),
        "redis_used_memory_mb": memory,
        **reports.shared_machine(load_before),
    }
    reports.write(report, args.out)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process and its children have used so far."""
    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in (process, *process.children(recursive=True)))


async def used_memory(redis_url: str) -> float:
    """Redis's memory in use, in megabytes."""
    redis = Redis.from_url(redis_url)
    info = await redis.info("memory")
    await redis.aclose()
    return round(info["used_memory"] / 2**20, 1)


if __name__ == "__main__":
    main()
