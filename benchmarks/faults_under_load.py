"""Faults under load: customers chat through the widget sockets (HAProxy in front of 2 hubs, 2
Rasa servers, Redis with a replica and a Sentinel) while, in turn, a Rasa server, a hub and the
Redis master are killed (SIGKILL, nothing restarted). Each customer behaves as widget.js does:
it waits a while between messages, and when its socket closes it reconnects with the last entry
it saw and resends what was not yet stored, under the same client_id.

Reported: messages lost (stored, as the customer saw, and missing from the transcript at the
end) and stored twice, bot replies stored twice, entries delivered twice on a socket, customers
whose socket closed (the widget says "Reconnecting…"), messages stored but left unanswered,
turns/s before, during and after each fault, and how long until the bot answered again.

`.venv/bin/python -m benchmarks.faults_under_load` (about 7 minutes with the stack's start);
`--customers 20 --think 5 --phase 15` for a quick look.
"""

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import websockets

from benchmarks import reports
from benchmarks.load import RATE_LIMITS, UNLIMITED
from benchmarks.widget_latency import MESSAGES
from handoff.cli import processes
from handoff.conversations.model import Sender
from handoff.conversations.store import ConversationStore
from handoff.settings import Settings
from tests.support import WidgetClient

FAULTS = (("a Rasa server", "rasa1"), ("a hub", "hub1"), ("the Redis master", "redis"))
WARM_UP_SECONDS = 20  # at least; customers start over the first `think` seconds
BEFORE_SECONDS = 15  # turns/s is measured over this long before each kill
DURING_SECONDS = 10  # ... the first this many seconds after it, and the rest of the phase after
REPLY_TIMEOUT_SECONDS = 30  # a message stored and not answered in this long counts unanswered
RECONNECT_SECONDS = (0.5, 4.0)  # the widget's backoff: the first wait, the longest
HANDED_OVER = {"escalated", "assistant_unavailable"}  # the bot stops answering: start anew


@dataclass
class Turn:
    """One customer message: when it was first sent, and when the bot's first reply came."""

    sent_at: float
    answered_at: float | None


@dataclass
class Tally:
    """Everything the customers saw."""

    turns: list[Turn] = field(default_factory=list)
    closed: list[tuple[float, int]] = field(default_factory=list)  # (when, customer)
    stored: dict[str, set[str]] = field(default_factory=dict)  # conversation -> own client_ids
    delivered_twice: int = 0
    handed_over: int = 0
    refused: int = 0
    stopping: bool = False


class Refused(Exception):
    """The hub refused the message (busy, or Redis down): wait and send it again."""


class Customer:
    """One customer on the widget socket, reconnecting and resending as widget.js does."""

    def __init__(self, index: int, url: str, tally: Tally, think_seconds: float) -> None:
        self.index = index
        self.url = url
        self.tally = tally
        self.think_seconds = think_seconds
        self.random = random.Random(index)
        self.widget: WidgetClient | None = None
        self.token: str | None = None
        self.last_id: str | None = None
        self.seen: set[str] = set()

    async def chat(self) -> None:
        """Send a message, wait for the bot, think; until told to stop."""
        await asyncio.sleep(self.random.uniform(0, self.think_seconds))
        number = 0
        while not self.tally.stopping:
            text, language = MESSAGES[number % len(MESSAGES)]
            await self.turn(f"c{self.index}-{number}", text, language)
            number += 1
            await asyncio.sleep(self.random.uniform(0.5, 1.5) * self.think_seconds)
        if self.widget:
            await self.widget.close()

    async def turn(self, client_id: str, text: str, language: str) -> None:
        """One message until the bot answers it (or leaves it unanswered)."""
        turn = Turn(time.monotonic(), None)
        self.tally.turns.append(turn)
        stored, backoff = False, RECONNECT_SECONDS[0]
        while turn.answered_at is None and not self.tally.stopping:
            try:
                if self.widget is None:
                    await self.connect(language)
                if not stored:
                    await self.widget.say(text, client_id)
                stored = await self.read_answer(turn, client_id, stored)
                return
            except (websockets.WebSocketException, OSError):  # TimeoutError is an OSError
                self.tally.closed.append((time.monotonic(), self.index))
                await self.drop_socket()
                await asyncio.sleep(backoff)
                backoff = min(2 * backoff, RECONNECT_SECONDS[1])
            except Refused:
                self.tally.refused += 1
                await asyncio.sleep(backoff)

    async def connect(self, language: str) -> None:
        """Open the socket: the conversation so far, from the last entry seen."""
        self.widget = WidgetClient(
            self.url, {"X-Forwarded-For": f"10.8.{self.index // 250}.{self.index % 250 + 1}"}
        )
        async with asyncio.timeout(REPLY_TIMEOUT_SECONDS):
            await self.widget.connect(token=self.token, last_id=self.last_id, language=language)

    async def read_answer(self, turn: Turn, client_id: str, stored: bool) -> bool:
        """Read frames until the bot answers this message; whether it was stored."""
        deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            try:
                frame = await self.widget.receive(timeout=deadline - time.monotonic())
            except TimeoutError:
                break
            if frame["type"] == "error" and frame.get("client_id") == client_id:
                raise Refused(frame.get("code"))
            if frame["type"] in ("welcome", "conversation"):
                self.token = self.widget.token
                continue
            if frame["type"] != "entry":
                continue
            self.note(frame)
            if frame.get("client_id") == client_id:
                stored = True
                self.tally.stored.setdefault(self.widget.conversation_id, set()).add(client_id)
            elif stored and frame["sender"] in (Sender.BOT.value, Sender.SYSTEM.value):
                turn.answered_at = time.monotonic()
                if frame.get("event") in HANDED_OVER:
                    self.tally.handed_over += 1
                    await self.start_anew()
                return True
        return stored

    def note(self, frame: dict) -> None:
        """Remember an entry delivered on the socket; count one delivered again."""
        if frame["id"] in self.seen:
            self.tally.delivered_twice += 1
        self.seen.add(frame["id"])
        self.last_id = frame["id"]

    async def start_anew(self) -> None:
        """A person holds the conversation now: the next message starts another."""
        await self.drop_socket()
        self.token, self.last_id = None, None

    async def drop_socket(self) -> None:
        if self.widget:
            with suppress(websockets.WebSocketException, OSError):
                await self.widget.close()
        self.widget = None


@contextmanager
def fault_stack(log_dir: Path) -> Iterator[tuple[Settings, processes.Supervisor]]:
    """Redis (a master, a replica, a Sentinel), 2 Rasa servers, the action server and 2 hubs
    behind HAProxy, on free ports, as `BATON_REDIS_REPLICAS=1 BATON_RASA_SERVERS=2
    BATON_HUBS=2 baton run` starts them; the settings every process shares."""
    for name in (*RATE_LIMITS, "WIDGET_SOCKETS_PER_ADDRESS"):
        os.environ[f"BATON_{name}"] = UNLIMITED if name in RATE_LIMITS else "1000000"
    with tempfile.TemporaryDirectory() as data:
        first = processes.free_ports_in_a_row(
            9
        )  # Redis 3, the balancer and hubs 3, Rasa 2, actions
        settings = processes.settings_on_free_ports(
            None,
            var_dir=Path(data),
            embedded_redis_port=first,
            redis_replicas=1,
            port=first + 3,
            hubs=2,
            rasa_port=first + 6,
            rasa_servers=2,
            action_server_port=first + 8,
        )
        redis_side, shared = processes.embedded_redis(settings), processes.shared_redis(settings)
        with processes.running(redis_side, log_dir) as supervisor:
            processes.wait_for_redis(processes.embedded_redis_url(settings))
            processes.wait_for_replicas(settings)
            asyncio.run(processes.import_seed_articles(shared))
            bot = processes.bot_processes(shared, "")
            supervisor.start([*bot, *processes.hub_processes(shared, "")], timeout=400)
            yield shared, supervisor


def rate(tally: Tally, start: float, end: float) -> float:
    """Bot turns answered per second between two moments."""
    answered = [t for t in tally.turns if t.answered_at and start <= t.answered_at < end]
    return round(len(answered) / max(end - start, 0.001), 2)


def fault_figures(tally: Tally, killed_at: float, phase_end: float) -> dict:
    """What customers saw from one kill until the next."""
    in_flight = [
        t for t in tally.turns if t.sent_at < killed_at + 1 and (t.answered_at or 1e12) > killed_at
    ]
    answered_after = sorted(t.answered_at for t in tally.turns if (t.answered_at or 0) > killed_at)
    answered_in_flight = [t.answered_at for t in in_flight if t.answered_at]
    closed = {customer for when, customer in tally.closed if killed_at <= when < phase_end}
    return {
        "turns_per_s_before": rate(tally, killed_at - BEFORE_SECONDS, killed_at),
        "turns_per_s_during": rate(tally, killed_at, killed_at + DURING_SECONDS),
        "turns_per_s_after": rate(tally, killed_at + DURING_SECONDS, phase_end),
        "customers_told_to_reconnect": len(closed),
        "turns_in_flight_at_kill": len(in_flight),
        "of_which_answered": len(answered_in_flight),
        "first_reply_after_kill_s": round(answered_after[0] - killed_at, 2)
        if answered_after
        else None,
        "all_answered_in_flight_done_s": round(max(answered_in_flight) - killed_at, 2)
        if answered_in_flight
        else None,
    }


async def transcript_figures(settings: Settings, tally: Tally) -> dict:
    """What the transcripts hold at the end, against what the customers saw stored."""
    lost = stored_twice = replies_twice = replies = 0
    async with processes.redis_client(settings) as redis:
        store = ConversationStore(redis, settings)
        for conversation_id, client_ids in tally.stored.items():
            entries = await store.entries(conversation_id, count=10000)
            counts = Counter(e.client_id for e in entries if e.sender is Sender.CUSTOMER)
            lost += sum(1 for client_id in client_ids if counts[client_id] == 0)
            stored_twice += sum(count - 1 for count in counts.values() if count > 1)
            bot = Counter(e.client_id for e in entries if e.sender is Sender.BOT)
            replies += sum(bot.values())
            replies_twice += sum(count - 1 for count in bot.values() if count > 1)
    return {
        "conversations": len(tally.stored),
        "messages_stored": sum(len(ids) for ids in tally.stored.values()),
        "messages_lost": lost,
        "messages_stored_twice": stored_twice,
        "bot_replies": replies,
        "bot_replies_stored_twice": replies_twice,
    }


async def measure(
    settings: Settings, supervisor: processes.Supervisor, customers: int, think: float, phase: float
) -> dict:
    """Customers chat; each fault in turn, `phase` seconds apart; the figures."""
    tally = Tally()
    url = f"ws://127.0.0.1:{settings.port}/ws/widget"
    chats = [Customer(n, url, tally, think) for n in range(customers)]
    tasks = [asyncio.create_task(chat.chat()) for chat in chats]
    started = time.monotonic()
    await asyncio.sleep(max(WARM_UP_SECONDS, think) + BEFORE_SECONDS)  # everyone has started
    faults = []
    for what, name in FAULTS:
        killed_at = time.monotonic()
        await asyncio.to_thread(supervisor.kill, name)
        print(f"{killed_at - started:.0f}s: killed {what} ({name})", flush=True)
        await asyncio.sleep(phase)
        figures = fault_figures(tally, killed_at, time.monotonic())
        faults.append({"killed": what, "process": name} | figures)
        print(faults[-1], flush=True)
    tally.stopping = True
    await asyncio.wait(tasks, timeout=REPLY_TIMEOUT_SECONDS + 5)
    for task in tasks:
        task.cancel()
    unanswered = sum(1 for t in tally.turns if t.answered_at is None)
    return {
        "faults": faults,
        "turns": len(tally.turns),
        "turns_answered": len(tally.turns) - unanswered,
        "turns_unanswered_at_stop_or_timeout": unanswered,
        "socket_closes": len(tally.closed),
        "entries_delivered_twice": tally.delivered_twice,
        "refused_then_resent": tally.refused,
        "handed_to_a_person": tally.handed_over,
    } | await transcript_figures(settings, tally)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--think", type=float, default=60, help="mean seconds between messages")
    parser.add_argument("--phase", type=float, default=40, help="seconds from a kill to the next")
    parser.add_argument("--logs", type=Path, default=Path("var/faults-logs"))
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results/faults-under-load.json")
    )
    args = parser.parse_args()
    load_before = os.getloadavg()
    with fault_stack(args.logs) as (settings, supervisor):
        figures = asyncio.run(measure(settings, supervisor, args.customers, args.think, args.phase))
    report = (
        {
            "benchmark": "faults under load (benchmarks/faults_under_load.py)",
            "customers": args.customers,
            "think_seconds": args.think,
            "phase_seconds": args.phase,
        }
        | figures
        | reports.shared_machine(load_before)
    )
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
