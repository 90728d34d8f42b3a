"""CPU time of one bot turn's request in the hub's client of Rasa (handoff/assistant/rasa_client.py,
aiohttp's since session 15) against the same request by httpx (the client before), 20 turns in
flight at once, against a stand-in Rasa in another process answering a turn's JSON at once.
Rounds of each in turn; the hub's side only (this process).

`.venv/bin/python -m benchmarks.rasa_client_cpu` (about a minute).
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import uvloop

from benchmarks import reports
from handoff.assistant.rasa_client import (
    IDLE_SECONDS,
    MAX_CONNECTIONS,
    WEBHOOK_PATH,
    RasaClient,
    http_client,
)
from handoff.cli.processes import Process, free_port, running

IN_FLIGHT = 20
TURNS_A_ROUND = 2000
STAND_IN = """
import sys
from aiohttp import web
BODY = {"messages": [{"text": "Open the Activity tab and tap the transfer. " * 4},
                     {"text": "Did this answer your question?",
                      "buttons": [{"title": "Yes", "payload": "/affirm"}]}],
        "intent": {"name": "check_transfer_status", "confidence": 0.97}}
async def webhook(request):
    await request.read()
    return web.json_response(BODY)
async def ready(request):
    return web.Response()
app = web.Application()
app.router.add_post(sys.argv[2], webhook)
app.router.add_get("/", ready)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


async def cpu_ms_a_turn(turn: Callable[[str], Awaitable[object]]) -> float:
    """CPU milliseconds of this process a turn, TURNS_A_ROUND turns, IN_FLIGHT at once."""
    room = asyncio.Semaphore(IN_FLIGHT)

    async def one() -> None:
        async with room:
            await turn(uuid.uuid4().hex)

    started = time.process_time()
    await asyncio.gather(*(one() for _ in range(TURNS_A_ROUND)))
    return (time.process_time() - started) * 1000 / TURNS_A_ROUND


async def measure(url: str, rounds: int) -> dict[str, list[float]]:
    """Each client's CPU a turn, rounds of both in turn (the first round warms up, unkept)."""
    body = {"message": "where is my transfer?", "metadata": {"language": "en"}}
    limits = httpx.Limits(
        max_connections=MAX_CONNECTIONS,
        max_keepalive_connections=MAX_CONNECTIONS,
        keepalive_expiry=IDLE_SECONDS,
    )
    async with http_client(15) as session, httpx.AsyncClient(timeout=15, limits=limits) as old:
        rasa = RasaClient(session, [url])

        async def by_httpx(sender: str) -> object:
            response = await old.post(f"{url}{WEBHOOK_PATH}", json={"sender": sender, **body})
            response.raise_for_status()
            return response.json()

        async def by_the_hub(sender: str) -> object:
            return await rasa.send(sender, body["message"], "en")

        clients = {"aiohttp (the hub's)": by_the_hub, "httpx (before)": by_httpx}
        figures: dict[str, list[float]] = {name: [] for name in clients}
        for round_number in range(rounds + 1):
            for name, turn in clients.items():
                spent = await cpu_ms_a_turn(turn)
                if round_number:
                    figures[name].append(round(spent, 3))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/rasa-client-cpu.json"))
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-c", STAND_IN, str(port), WEBHOOK_PATH]
    stand_in = Process("rasa-stand-in", argv, ready_url=f"{url}/")
    with tempfile.TemporaryDirectory() as logs, running([stand_in], Path(logs), timeout=30):
        load_before = os.getloadavg()
        figures = uvloop.run(measure(url, args.rounds))
    medians = {name: statistics.median(ms) for name, ms in figures.items()}
    report = {
        "benchmark": "CPU of a turn's request in the hub's client of Rasa (rasa_client_cpu.py)",
        "turns_in_flight": IN_FLIGHT,
        "turns_a_round": TURNS_A_ROUND,
        "cpu_ms_a_turn_by_round": figures,
        "cpu_ms_a_turn_median": {name: round(ms, 3) for name, ms in medians.items()},
        "httpx_over_aiohttp": round(medians["httpx (before)"] / medians["aiohttp (the hub's)"], 1),
        **reports.shared_machine(load_before),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
