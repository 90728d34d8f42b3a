"""CPU time of the Rasa server's per-turn costs that session 15 cut, in one process with the real
model: the deep copies Rasa made for debug log lines (bot/debug_copies.py), the tracker and the
action server's call written as JSON by the standard library and by orjson (bot/fast_json.py),
and a full garbage collection with the loaded model in it and frozen out of it (bot/channel.py).
Conversations of six messages of the dev set each, against a stand-in action server that
answers at once; medians.

`.venv-rasa/bin/python -m benchmarks.rasa_turn_costs` (run in the Rasa environment, ~2 minutes).
"""

import argparse
import asyncio
import copy
import csv
import gc
import importlib
import json
import logging
import os
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.log_utils import configure_structlog

from benchmarks import reports

MESSAGES_A_CONVERSATION = 6
ANSWER = {"events": [], "responses": [{"text": "Here is how to do that."}]}


class TimedCopies:
    """Rasa's own deep copies, as before the cut, their CPU time summed."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def deepcopy(self, value: Any) -> Any:
        started = time.process_time()
        copied = copy.deepcopy(value)
        self.seconds += time.process_time() - started
        return copied


async def stand_in_action_server() -> tuple[web.AppRunner, str]:
    """An action server answering every call at once; its runner and URL."""

    async def webhook(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(ANSWER)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/webhook"


def cpu_ms(call: Callable[..., Any], *arguments: Any, times: int = 20) -> float:
    """Median CPU milliseconds of a call."""
    seconds = []
    for _ in range(times):
        started = time.process_time()
        call(*arguments)
        seconds.append(time.process_time() - started)
    return statistics.median(seconds) * 1000


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


async def measure(model: str, texts: list[str]) -> dict:
    """Each cost a turn, over conversations of the texts in turn."""
    from bot import channel, debug_copies, fast_json  # installs the cuts, as the server does

    runner, url = await stand_in_action_server()
    endpoint = EndpointConfig(url)
    configure_structlog(logging.INFO)  # as `rasa run` does: debug lines dropped
    agent = Agent.load(model, action_endpoint=endpoint)  # trackers in memory
    timed = TimedCopies()
    copies_ms: list[float] = []
    turn_ms: dict[str, list[float]] = {"rasas_copies": [], "copies_for_debug_lines": []}
    writers = {"json": json.dumps, "orjson": fast_json.dumps}
    tracker_json: dict[str, list[float]] = {way: [] for way in writers}
    call_json: dict[str, list[float]] = {way: [] for way in writers}
    respond = RemoteAction("action_respond", endpoint)
    for start in range(0, len(texts) - MESSAGES_A_CONVERSATION + 1, MESSAGES_A_CONVERSATION):
        conversation = texts[start : start + MESSAGES_A_CONVERSATION]
        ways = list(turn_ms) if start % (2 * MESSAGES_A_CONVERSATION) else list(turn_ms)[::-1]
        for way in ways:  # the same conversation each way, each first in turn
            if way == "rasas_copies":
                for name in debug_copies.MODULES:
                    importlib.import_module(name).copy = SimpleNamespace(deepcopy=timed.deepcopy)
            else:
                debug_copies.install()
            sender = uuid.uuid4().hex
            for text in conversation:
                timed.seconds = 0.0
                started = time.process_time()
                await agent.handle_message(UserMessage(text, sender_id=sender))
                turn_ms[way].append((time.process_time() - started) * 1000)
                if way != "rasas_copies":
                    continue
                copies_ms.append(timed.seconds * 1000)
                tracker = await agent.tracker_store.retrieve(sender)
                written = tracker.as_dialogue().as_dict()
                call = respond._action_call_format(tracker, agent.domain)
                for writer, write in writers.items():
                    tracker_json[writer].append(cpu_ms(write, written))
                    call_json[writer].append(cpu_ms(write, call))
    debug_copies.install()
    collection = {"objects": len(gc.get_objects()), "full_ms": cpu_ms(gc.collect, times=3)}
    channel.keep_out_of_collections()
    collection |= {"frozen": gc.get_freeze_count(), "full_ms_frozen": cpu_ms(gc.collect, times=3)}
    gc.unfreeze()
    await runner.cleanup()
    return {
        "turns_each_way": len(copies_ms),
        "turn_cpu_ms": {way: median(ms) for way, ms in turn_ms.items()},
        "debug_copies_cpu_ms_a_turn": median(copies_ms),
        "tracker_json_cpu_ms": {way: median(ms) for way, ms in tracker_json.items()},
        "action_call_json_cpu_ms": {way: median(ms) for way, ms in call_json.items()},
        "full_collection": {key: round(value, 1) for key, value in collection.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models")
    parser.add_argument("--messages", type=Path, default=Path("benchmarks/data/e2e-dev.csv"))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/rasa-turn-costs.json"))
    args = parser.parse_args()
    with args.messages.open(encoding="utf-8") as rows:
        texts = [row["text"] for row in csv.DictReader(rows)]
    load_before = os.getloadavg()
    report = {
        "benchmark": "the Rasa server's per-turn costs cut in session 15 (rasa_turn_costs.py)",
        "messages": str(args.messages),
        **asyncio.run(measure(args.model, texts)),
        **reports.shared_machine(load_before),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
