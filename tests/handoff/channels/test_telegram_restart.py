"""A hub process killed with SIGKILL mid-conversation on Telegram (real python-telegram-bot,
the Bot API stand-in, webhook mode): after a restart no update is lost or handled twice, and
the outbox is drained exactly once.

The kill comes while the sender waits out a 429 and while a photo's download hangs: work
taken and unfinished. (A message Telegram accepted in the instant before its sender was
killed, with no time to record it, can come twice: the README says so; this test does not
aim the kill at that instant.)"""

import asyncio
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.channels.telegram import CONSUMER_GROUP
from handoff.cli.processes import hub_process, running, settings_on_free_ports
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from tests.handoff.channels.test_telegram import (
    ESCALATED,
    MINA,
    _wait_for_customer,
    escalated,
    texts,
)
from tests.handoff.channels.test_telegram_files import JPEG
from tests.handoff.conftest import telegram_settings
from tests.telegram_bot_api import BotApi


async def test_a_hub_killed_mid_conversation_loses_no_update_and_sends_nothing_twice(
    bot_api: BotApi, database_url: str, tmp_path: Path, redis: Redis, store: ConversationStore
) -> None:
    files = tmp_path / "files"
    settings = settings_on_free_ports(
        database_url, **telegram_settings(bot_api, attachments_dir=files)
    )
    hub = hub_process(settings, database_url)
    with running([hub], tmp_path / "logs") as supervisor:
        await bot_api.wait(lambda: bot_api.called("setWebhook"))
        human = bot_api.text(MINA, "/human")
        conversation = await escalated(bot_api, redis, store, MINA)
        said = [f"agent {n}" for n in range(10)]
        for text in said[:5]:
            await store.append(conversation.id, Entry(sender=Sender.AGENT, text=text))
        await bot_api.wait(lambda: "agent 4" in texts(bot_api, MINA))

        bot_api.fail("sendMessage", 429, "Too Many Requests: retry after 60", retry_after=60)
        for text in said[5:]:
            await store.append(conversation.id, Entry(sender=Sender.AGENT, text=text))
        await bot_api.wait(lambda: any(c.status == 429 for c in bot_api.called("sendMessage")))
        bot_api.hold("getFile")  # the photo's handler hangs on Telegram
        photo = bot_api.photo(MINA, JPEG, caption="my receipt")
        await bot_api.post(photo)
        await bot_api.wait(lambda: bot_api.called("getFile"))
        await asyncio.to_thread(supervisor.kill, "hub")

        while_down = bot_api.text(MINA, "are you there?")
        with pytest.raises(httpx.TransportError):  # Telegram keeps it and retries
            await bot_api.post(while_down)
        bot_api.release("getFile")
        await asyncio.to_thread(supervisor.start, [hub])
        await bot_api.wait(lambda: len(bot_api.called("setWebhook")) == 2)
        for update in (while_down, human, photo):  # the retry, and resends of handled ones
            assert (await bot_api.post(update)).status_code == 200
        await store.append(conversation.id, Entry(sender=Sender.AGENT, text="the last one"))
        await bot_api.wait(lambda: "the last one" in texts(bot_api, MINA))
        await _wait_for_customer(store, conversation.id, "are you there?")
        async with asyncio.timeout(30):
            while await redis.xlen(keys.telegram_updates()) or await redis.xlen(keys.outbox()):
                await asyncio.sleep(0.05)  # a stream holds only work not yet done

    assert texts(bot_api, MINA) == [ESCALATED, *said, "the last one"]  # each once, in order
    entries = await store.entries(conversation.id)
    [kept] = [e for e in entries if e.event == "attachment"]
    assert kept.text == "my receipt"
    assert (files / conversation.id / kept.meta["attachment"]["id"]).read_bytes() == JPEG
    said_by_customer = [e.text for e in entries if e.sender is Sender.CUSTOMER and not e.event]
    assert said_by_customer == ["are you there?"]
    assert [e.event for e in entries].count("escalated") == 1
    for stream in (keys.telegram_updates(), keys.outbox()):
        assert (await redis.xpending(stream, CONSUMER_GROUP))["pending"] == 0
