"""Handoff latency with 20 agents and 200 customers connected to one hub process.

Measures (1) an escalation becoming visible in every connected console, and (2) an agent's
message reaching the customer's widget. Starts its own Redis and hub (no Rasa needed: the
customers press "Talk to a person"): `.venv/bin/python -m benchmarks.handoff_latency`.
"""

import argparse
import asyncio
import secrets
import tempfile
import time
from pathlib import Path

from redis.asyncio import Redis

from benchmarks import reports
from handoff.cli.processes import (
    free_port,
    hub_process,
    redis_process,
    running,
    settings_on_free_ports,
)
from handoff.staff.users import Role, UserStore
from knowledge_base.evaluate import median_and_p95
from tests.support import AgentClient, WidgetClient, ws_url

PASSWORD = "benchmark password"


class Console:
    """A connected agent console that notes when each conversation first shows in its queue."""

    def __init__(self, client: AgentClient) -> None:
        self.client = client
        self.first_seen: dict[str, float] = {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            frame = await self.client.receive()
            if frame["type"] == "queue":
                now = time.perf_counter()
                for item in frame["items"]:
                    self.first_seen.setdefault(item["conversation_id"], now)


class Customer:
    """A connected widget that notes when each agent message arrives."""

    def __init__(self, client: WidgetClient) -> None:
        self.client = client
        self.arrived: dict[str, float] = {}
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            frame = await self.client.receive()
            if frame["type"] == "entry" and frame["sender"] == "agent":
                self.arrived.setdefault(frame["text"], time.perf_counter())


async def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the benchmark waited too long")
        await asyncio.sleep(0.001)


async def measure(base_url: str, ws: str, agents: int, customers: int, rounds: int) -> dict:
    """Connect everyone, then time escalations and agent messages one at a time."""
    consoles = []
    for i in range(agents):
        client = AgentClient(base_url)
        await client.log_in(f"agent{i:02d}", PASSWORD)
        await client.connect()
        consoles.append(Console(client))
    widgets = []
    for i in range(customers):  # each from an address of its own, as the hub's proxy names it
        client = WidgetClient(ws, headers={"X-Forwarded-For": f"10.0.{i // 256}.{i % 256}"})
        await client.connect()
        widgets.append(Customer(client))
    await asyncio.sleep(1)

    escalation = []
    for customer in widgets[:rounds]:
        started = time.perf_counter()
        await customer.client.send({"type": "handoff"})  # it starts the conversation
        await wait_for(lambda c=customer.client: c.conversation_id is not None)
        conversation_id = customer.client.conversation_id
        await wait_for(lambda c=conversation_id: all(c in k.first_seen for k in consoles))
        escalation.append(max(k.first_seen[conversation_id] for k in consoles) - started)
        await asyncio.sleep(0.02)

    for console in consoles:  # from here on, each console is read by its own requests
        console.reader.cancel()
    await asyncio.gather(*(c.reader for c in consoles), return_exceptions=True)
    held = []  # (console, customer) pairs: each agent claims its share
    for index, customer in enumerate(widgets[:rounds]):
        console = consoles[index % agents]
        conversation_id = customer.client.conversation_id
        claim = {"type": "claim", "conversation_id": conversation_id}
        if (await console.client.request(claim))["type"] == "done":
            held.append((console, customer))
    delivery = []
    for round_number in range(rounds):
        console, customer = held[round_number % len(held)]
        text = f"agent reply {round_number} {secrets.token_hex(4)}"
        conversation_id = customer.client.conversation_id
        started = time.perf_counter()
        await console.client.send(
            {"type": "message", "conversation_id": conversation_id, "text": text}
        )
        await wait_for(lambda t=text, c=customer: t in c.arrived)
        delivery.append(customer.arrived[text] - started)
        await asyncio.sleep(0.02)

    for party in [*consoles, *widgets]:
        party.reader.cancel()
        await party.client.close()
    await asyncio.gather(*(w.reader for w in widgets), return_exceptions=True)
    return {"escalation_seconds": escalation, "delivery_seconds": delivery, "held": len(held)}


def summary(seconds: list[float]) -> dict:
    """Median and p95 in milliseconds."""
    figures = median_and_p95([s * 1000 for s in seconds])
    return {"count": len(seconds), "median_ms": figures["median"], "p95_ms": figures["p95"]}


async def prepare(redis_url: str, agents: int) -> None:
    redis = Redis.from_url(redis_url, decode_responses=True)
    users = UserStore(redis)
    for i in range(agents):
        await users.add(f"agent{i:02d}", PASSWORD, Role.AGENT, ("en", "ko"))
    await redis.aclose()


def run_stack_and_measure(scratch: Path, agents: int, customers: int, rounds: int) -> dict:
    """A fresh Redis and hub, the staff accounts, then the measurements."""
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    settings = settings_on_free_ports(redis_url, agent_capacity=10)
    with running([redis_process(port, scratch / "redis")], scratch / "logs"):
        time.sleep(0.3)
        asyncio.run(prepare(redis_url, agents))
        with running([hub_process(settings, redis_url)], scratch / "logs"):
            base_url = f"http://127.0.0.1:{settings.port}"
            return asyncio.run(measure(base_url, ws_url(settings), agents, customers, rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=80)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/handoff-latency.json"))
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="baton-handoff-bench-"))  # logs stay for a look
    results = run_stack_and_measure(scratch, args.agents, args.customers, args.rounds)
    report = {
        "benchmark": "handoff latency, one hub process, clients on the same machine",
        "agents_connected": args.agents,
        "customers_connected": args.customers,
        "escalation_visible_in_every_console": summary(results["escalation_seconds"]),
        "agent_message_to_widget": summary(results["delivery_seconds"]),
        "targets_ms": {"escalation_p95": 100, "agent_message_p95": 50},
        "machine": reports.machine(),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
