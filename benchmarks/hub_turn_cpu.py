"""The hub's CPU a widget turn alone: customers on the widget socket, a stand-in Rasa (in this
process) answering every turn at once as Rasa's hub channel does, so that neither the NLU nor the
action server shares the cores. Redis with the seed articles and one hub, as `make run` starts
them; rounds of 20 customers, 30 turns each.

`.venv/bin/python -m benchmarks.hub_turn_cpu` (about a minute and a half). A steadier yardstick
for the hub's own cuts than `load.py`, whose whole-stack figures move with the Rasa server.
"""

import argparse
import asyncio
import os
import statistics
import tempfile
from pathlib import Path

import psutil
from aiohttp import web

from benchmarks import reports
from benchmarks.load import RATE_LIMITS, UNLIMITED
from handoff.assistant.rasa_client import WEBHOOK_PATH
from handoff.cli import processes
from handoff.settings import Settings
from tests.support import WidgetClient

CUSTOMERS = 20
TURNS_A_CUSTOMER = 30
QUESTION = "where is my transfer?"
# An article's answer, its link, the sign-in hint and "Did this answer your question?".
TURN = {
    "messages": [
        {"text": "Open the Activity tab in the app and tap the transfer to see its status."},
        {"custom": {"article": {"title": "Transfer status", "url": "http://x/help/en/status"}}},
        {"text": "To see your own transfers here, sign in to your account."},
        {
            "text": "Did this answer your question?",
            "buttons": [
                {"title": "Yes", "payload": "/affirm"},
                {"title": "No", "payload": "/deny"},
            ],
        },
        {"custom": {"decision": "answer"}},
    ],
    "intent": {"name": "check_transfer_status", "confidence": 0.97},
}


async def stand_in_rasa(port: int) -> web.AppRunner:
    """Rasa's hub channel answering every turn at once, on the port the hub sends turns to."""

    async def webhook(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(TURN)

    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def customer(url: str, number: int, turns: int) -> None:
    """One widget: a conversation of `turns` questions, each answered before the next."""
    widget = WidgetClient(url, {"X-Forwarded-For": f"10.3.{number}.1"})
    await widget.connect(language="en")
    try:
        for _ in range(turns):
            replies = await widget.replies_to(QUESTION, timeout=30)
            if not replies or replies[0]["sender"] != "bot":
                raise RuntimeError(f"the bot did not answer: {replies}")
    finally:
        await widget.close()


async def measure(settings: Settings, hub: psutil.Process, rounds: int) -> list[float]:
    """The hub's CPU milliseconds a turn, each round (a first, shorter one warms up)."""
    runner = await stand_in_rasa(settings.rasa_port)
    url = f"ws://127.0.0.1:{settings.port}/ws/widget"
    try:
        await asyncio.gather(*(customer(url, n, 5) for n in range(CUSTOMERS)))
        spent = []
        for _ in range(rounds):
            before = sum(hub.cpu_times()[:2])
            await asyncio.gather(*(customer(url, n, TURNS_A_CUSTOMER) for n in range(CUSTOMERS)))
            turns = CUSTOMERS * TURNS_A_CUSTOMER
            spent.append(round((sum(hub.cpu_times()[:2]) - before) * 1000 / turns, 2))
        return spent
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--logs", type=Path, default=Path("var/load-logs"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/hub-turn-cpu.json"))
    args = parser.parse_args()
    for limit in RATE_LIMITS:
        os.environ[f"BATON_{limit}"] = UNLIMITED
    redis_port = processes.free_port()
    settings = processes.settings_on_free_ports(f"redis://127.0.0.1:{redis_port}/0")
    load_before = os.getloadavg()
    with (
        tempfile.TemporaryDirectory() as data,
        processes.running([processes.redis_process(redis_port, Path(data))], args.logs),
    ):
        processes.wait_for_redis(settings.redis_url or "")
        asyncio.run(processes.import_seed_articles(settings))
        hub_process = processes.hub_process(settings, settings.redis_url or "")
        with processes.running([hub_process], args.logs) as hub:
            spent = asyncio.run(measure(settings, psutil.Process(hub.pids()["hub"]), args.rounds))
    report = {
        "benchmark": "the hub's CPU a widget turn, a stand-in Rasa (benchmarks/hub_turn_cpu.py)",
        "customers": CUSTOMERS,
        "turns_a_customer_a_round": TURNS_A_CUSTOMER,
        "cpu_ms_a_turn_by_round": spent,
        "cpu_ms_a_turn_median": statistics.median(spent),
        **reports.shared_machine(load_before),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
