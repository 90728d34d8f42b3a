"""Telegram latency beside the widget's, through one hub process and the Bot API stand-in.

Measures, interleaved in one run: (1) a customer's first message to the hub's answer, from a
Telegram update posted to the webhook until the stand-in receives the sendMessage, and from a
widget message until the widget receives the entry; (2) with 200 Telegram customers waiting, an
agent's console message until the stand-in receives it. Starts its own Redis and hub (no Rasa:
every first message gets the hub's "assistant unavailable" answer and a person, on both paths
alike; a Rasa turn would add the same to both): `.venv/bin/python -m benchmarks.telegram_latency`.
"""

import argparse
import asyncio
import secrets
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr
from redis.asyncio import Redis

from benchmarks import reports
from benchmarks.handoff_latency import summary
from handoff.cli.processes import (
    free_port,
    hub_process,
    redis_process,
    running,
    settings_on_free_ports,
)
from handoff.conversations.system_messages import system_message
from handoff.staff.users import Role, UserStore
from tests.support import AgentClient, WidgetClient, ws_url
from tests.telegram_bot_api import BotApi

PASSWORD = "benchmark password"
TOKEN = "424242:benchmark"
ESCALATED = system_message("escalated", "en")


def user(number: int) -> dict:
    return {"id": 8_000_000 + number, "is_bot": False, "first_name": "C", "language_code": "en"}


def received(api: BotApi, chat_id: int, text: str | None = None) -> float | None:
    """When the stand-in accepted the first message to a chat (ending so, if given)."""
    for call in api.called("sendMessage"):
        said = call.params["text"]  # an agent's: "<their name>: <text>"
        if call.status == 200 and call.params["chat_id"] == chat_id and said.endswith(text or ""):
            return call.at
    return None


async def first_replies(api: BotApi, ws: str, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds to the first answer: Telegram and widget, alternating, one at a time."""
    telegram, widget = [], []
    for number in range(rounds):
        customer = user(number)
        started = time.monotonic()
        await api.post(api.text(customer, "hello, is anyone there?"))
        await api.wait(lambda c=customer: received(api, c["id"]) is not None)
        telegram.append(received(api, customer["id"]) - started)

        client = WidgetClient(
            ws, headers={"X-Forwarded-For": f"10.1.{number // 256}.{number % 256}"}
        )
        await client.connect()
        started = time.monotonic()
        await client.say("hello, is anyone there?")
        while (await client.receive("entry"))["sender"] == "customer":
            pass
        widget.append(time.monotonic() - started)
        await client.close()
        await asyncio.sleep(0.02)
    return telegram, widget


async def agent_to_telegram(
    api: BotApi, base_url: str, redis_url: str, customers: int, rounds: int
) -> list[float]:
    """With `customers` Telegram chats waiting, an agent claims and writes to `rounds` of them."""
    first = 10_000
    for number in range(first, first + customers):
        await api.post(api.text(user(number), "/human"))
    chats = [user(n)["id"] for n in range(first, first + customers)]
    await api.wait(lambda: all(received(api, c, ESCALATED) for c in chats), timeout=120)
    redis = Redis.from_url(redis_url, decode_responses=True)
    conversations = [await redis.get(f"baton:telegram:chat:{chat}") for chat in chats]
    await redis.aclose()
    agent = AgentClient(base_url)
    await agent.log_in("agent", PASSWORD)
    await agent.connect()
    delivery = []
    for round_number in range(rounds):
        conversation_id, chat = conversations[round_number], chats[round_number]
        claim = {"type": "claim", "conversation_id": conversation_id}
        answer = await agent.request(claim)
        assert answer["type"] == "done", answer
        text = f"agent reply {round_number} {secrets.token_hex(4)}"
        started = time.monotonic()
        await agent.send({"type": "message", "conversation_id": conversation_id, "text": text})
        await api.wait(lambda c=chat, t=text: received(api, c, t) is not None)
        delivery.append(received(api, chat, text) - started)
        close = {"type": "close", "conversation_id": conversation_id, "tags": ["benchmark"]}
        await agent.request(close)  # within the agent's capacity
        await asyncio.sleep(0.02)
    await agent.close()
    return delivery


async def measure(scratch: Path, rounds: int, customers: int) -> dict:
    """A fresh Redis, the stand-in and a hub with Telegram on; then the measurements."""
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    api = BotApi(TOKEN)
    hub_port = free_port()
    settings = settings_on_free_ports(
        redis_url,
        port=hub_port,
        public_url=f"http://127.0.0.1:{hub_port}",
        telegram_token=SecretStr(TOKEN),
        telegram_api_url=api.base_url,
        telegram_webhook_secret=SecretStr(secrets.token_urlsafe(16)),
    )
    async with api.running():
        with running([redis_process(port, scratch / "redis")], scratch / "logs"):
            await asyncio.sleep(0.3)
            redis = Redis.from_url(redis_url, decode_responses=True)
            await UserStore(redis).add("agent", PASSWORD, Role.AGENT, ("en",))
            await redis.aclose()
            with running([hub_process(settings, redis_url)], scratch / "logs"):
                await api.wait(lambda: api.webhook_url)
                telegram, widget = await first_replies(api, ws_url(settings), rounds)
                base_url = f"http://127.0.0.1:{settings.port}"
                delivery = await agent_to_telegram(api, base_url, redis_url, customers, rounds)
    return {"telegram": telegram, "widget": widget, "delivery": delivery}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results/telegram-latency.json")
    )
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="baton-telegram-bench-"))  # logs stay for a look
    results = asyncio.run(measure(scratch, args.rounds, args.customers))
    telegram, widget = summary(results["telegram"]), summary(results["widget"])
    report = {
        "benchmark": "first answer, Telegram vs widget (hub, no Rasa); agent to Telegram",
        "first_answer_telegram": telegram,
        "first_answer_widget": widget,
        "p95_ratio_telegram_to_widget": round(telegram["p95_ms"] / widget["p95_ms"], 2),
        "median_ratio_telegram_to_widget": round(telegram["median_ms"] / widget["median_ms"], 2),
        "telegram_customers_waiting": args.customers,
        "agent_message_to_telegram": summary(results["delivery"]),
        "targets": {"p95_ratio": 1.2},
        "machine": reports.machine(),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
