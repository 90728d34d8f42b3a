"""The Telegram channel: real python-telegram-bot over real HTTP against the Bot API stand-in,
the hub in process (its Rasa a closed port: the bot's "unavailable" path answers) or as
processes."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import SecretStr
from redis.asyncio import Redis

from handoff import keys
from handoff.channels.telegram import mode_description
from handoff.channels.telegram_messages import HUMAN, split_text
from handoff.cli.processes import hub_process, running, settings_on_free_ports
from handoff.conversations.model import Button, Entry, Sender, State
from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.settings import Settings
from handoff.staff.users import Role
from tests.handoff.conftest import telegram_settings
from tests.support import InProcessHub, StaffAccounts
from tests.telegram_bot_api import BotApi

MINA = {"id": 5550001, "is_bot": False, "first_name": "Mina", "language_code": "en"}
LEO = {"id": 5550003, "is_bot": False, "first_name": "Leo", "language_code": "en"}
JIWOO = {"id": 5550002, "is_bot": False, "first_name": "Jiwoo", "language_code": "ko-KR"}
UNAVAILABLE = system_message("assistant_unavailable", "en")
ESCALATED = system_message("escalated", "en")

StartHub = Callable[..., Awaitable[InProcessHub]]


async def conversation_of(redis: Redis, store: ConversationStore, user: dict):
    return await store.get(await redis.get(keys.telegram_chat(user["id"])))


def texts(bot_api: BotApi, user: dict) -> list[str]:
    """What the user was sent, but the queue status (it has a test of its own)."""
    return [text for text in all_texts(bot_api, user) if not is_status(text)]


def all_texts(bot_api: BotApi, user: dict) -> list[str]:
    return [message["text"] for message in bot_api.sent(user["id"])]


def is_status(text: str) -> bool:
    """Whether a text is a queue status message ("You are number 2 in the queue…")."""
    return text.startswith(("You are number ", "대기 순서: "))


async def escalated(
    bot_api: BotApi, redis: Redis, store: ConversationStore, user: dict, text: str = "/human"
):
    """The user writes (the bot is down, or they ask for a person) and waits for a person."""
    await bot_api.post(bot_api.text(user, text))
    await bot_api.wait(lambda: any(map(is_status, all_texts(bot_api, user))))  # after ESCALATED
    return await conversation_of(redis, store, user)


async def test_a_text_takes_the_widgets_path_and_is_answered_in_the_users_language(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    await start_telegram_hub()
    assert (await bot_api.post(bot_api.text(JIWOO, "안녕하세요"))).status_code == 200
    unavailable = system_message("assistant_unavailable", "ko")
    escalated = system_message("escalated", "ko")
    await bot_api.wait(lambda: texts(bot_api, JIWOO) == [unavailable, escalated])
    conversation = await conversation_of(redis, store, JIWOO)
    assert (conversation.channel, conversation.customer, conversation.language) == (
        "telegram",
        f"telegram:{JIWOO['id']}",
        "ko",
    )
    assert conversation.state is State.QUEUED  # the bot is down: a person takes over
    [said, *_] = await store.entries(conversation.id)
    assert (said.sender, said.text) == (Sender.CUSTOMER, "안녕하세요")
    assert [c.params["action"] for c in bot_api.called("sendChatAction")][:1] == ["typing"]
    assert all("parse_mode" not in m for m in bot_api.sent(JIWOO["id"]))


async def test_start_greets_with_a_button_and_human_escalates(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    await start_telegram_hub()
    await bot_api.post(bot_api.text(MINA, "/start"))
    await bot_api.wait(lambda: texts(bot_api, MINA))
    [greeting] = bot_api.sent(MINA["id"])
    assert greeting["text"] == system_message("telegram_welcome", "en")
    assert greeting["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == HUMAN
    assert await redis.get(keys.telegram_chat(MINA["id"])) is None  # no conversation yet

    greeted = bot_api.last_message(MINA["id"])
    await bot_api.post(bot_api.press(MINA, greeted, HUMAN))
    await bot_api.wait(lambda: ESCALATED in texts(bot_api, MINA))
    assert len(bot_api.called("answerCallbackQuery")) == 1
    assert "reply_markup" not in greeted  # the keyboard is removed after the press
    conversation = await conversation_of(redis, store, MINA)
    assert conversation.reason == "customer_asked"

    await bot_api.post(bot_api.text(MINA, "/human"))  # already waiting: nothing changes
    await bot_api.post(bot_api.text(MINA, "still there?"))
    await _wait_for_customer(store, conversation.id, "still there?")
    assert (await conversation_of(redis, store, MINA)).id == conversation.id
    assert texts(bot_api, MINA).count(ESCALATED) == 1


async def test_the_bots_buttons_are_an_inline_keyboard_and_a_press_is_a_button_frame(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    await start_telegram_hub()
    conversation = await escalated(bot_api, redis, store, MINA, "hello")
    await store.transition(conversation.id, "release", Entry(Sender.SYSTEM, "back to the bot"))
    buttons = (
        Button("Verify my account", "/account_verification" + "x" * 150),
        Button("No", "/deny"),
    )
    offer = Entry(sender=Sender.BOT, text="What would you like?", buttons=buttons)
    await store.append(conversation.id, offer)
    await bot_api.wait(lambda: "What would you like?" in texts(bot_api, MINA))
    keyboard = bot_api.last_message(MINA["id"])["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Verify my account", "No"]
    data = [row[0]["callback_data"] for row in keyboard]
    assert all(len(d.encode()) <= 64 and "account" not in d for d in data)  # short, opaque

    offered = bot_api.last_message(MINA["id"])
    await bot_api.post(bot_api.press(MINA, offered, data[0]))
    await bot_api.wait(lambda: texts(bot_api, MINA).count(UNAVAILABLE) == 2)
    assert "reply_markup" not in offered
    pressed = [e for e in await store.entries(conversation.id) if e.sender is Sender.CUSTOMER][-1]
    assert (pressed.text, pressed.meta["payload"]) == ("Verify my account", buttons[0].payload)

    await bot_api.post(bot_api.press(MINA, bot_api.last_message(MINA["id"]), "forged-data"))
    await bot_api.wait(lambda: system_message("button_expired", "en") in texts(bot_api, MINA))


async def test_an_agents_message_is_sent_once_as_plain_text_and_long_ones_split(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    await start_telegram_hub()
    conversation = await escalated(bot_api, redis, store, MINA)
    hostile = "<b>hi</b> *bold* _x_ [pay](javascript:alert(1)) &amp; </pre>"
    paragraphs = ["A" * 3000, "B" * 3000, "🙂" * 1500]
    for text in (hostile, "\n\n".join(paragraphs)):
        agent = Entry(sender=Sender.AGENT, text=text, author="sam", author_name="Sam")
        await store.append(conversation.id, agent)
    note = Entry(sender=Sender.AGENT, text="internal", event="note", internal=True, author="sam")
    await store.append(conversation.id, note)
    await bot_api.post(bot_api.text(MINA, "thanks"))  # the customer's own: not sent back
    await bot_api.wait(lambda: len(texts(bot_api, MINA)) >= 5)
    sent = texts(bot_api, MINA)
    assert sent[1:] == [f"Sam: {hostile}", f"Sam: {'A' * 3000}", "B" * 3000, "🙂" * 1500]
    assert all("parse_mode" not in m for m in bot_api.sent(MINA["id"]))


async def test_429_is_retried_after_retry_after_and_403_marks_and_stops(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    await start_telegram_hub()
    conversation = await escalated(bot_api, redis, store, MINA)
    bot_api.fail("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await store.append(conversation.id, Entry(sender=Sender.AGENT, text="one"))
    await bot_api.wait(lambda: "one" in texts(bot_api, MINA))
    refused, accepted = bot_api.called("sendMessage")[-2:]
    assert (refused.status, accepted.status) == (429, 200)
    assert accepted.at - refused.at >= 1

    bot_api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await store.append(conversation.id, Entry(sender=Sender.AGENT, text="two"))
    await store.append(conversation.id, Entry(sender=Sender.AGENT, text="three"))
    marked = await _wait_for_event(store, conversation.id, "blocked")
    assert marked.internal
    assert (await store.get(conversation.id)).blocked
    await store.append(conversation.id, Entry(sender=Sender.AGENT, text="four"))
    await bot_api.post(bot_api.text(MINA, "I'm back"))  # they unblocked the bot
    await _wait_for_customer(store, conversation.id, "I'm back")
    await store.append(conversation.id, Entry(sender=Sender.AGENT, text="five"))
    await bot_api.wait(lambda: "five" in texts(bot_api, MINA))
    attempted = [c.params["text"] for c in bot_api.called("sendMessage")]
    assert "three" not in attempted and "four" not in attempted
    assert texts(bot_api, MINA).count("one") == 1


async def _wait_for_event(store: ConversationStore, conversation_id: str, event: str) -> Entry:
    return await _poll_entry(store, conversation_id, lambda e: e.event == event)


async def _wait_for_customer(store: ConversationStore, conversation_id: str, text: str) -> Entry:
    return await _poll_entry(
        store, conversation_id, lambda e: e.sender is Sender.CUSTOMER and e.text == text
    )


async def _poll_entry(
    store: ConversationStore, conversation_id: str, match: Callable[[Entry], bool]
) -> Entry:
    async with asyncio.timeout(30):
        while True:
            found = [e for e in await store.entries(conversation_id) if match(e)]
            if found:
                return found[0]
            await asyncio.sleep(0.05)


def test_split_text_cuts_at_paragraphs_then_lines_then_spaces() -> None:
    assert split_text("short") == ["short"]
    assert split_text("aaa\n\nbbb ccc", limit=8) == ["aaa", "bbb ccc"]
    assert split_text("aaa bbb\nccc", limit=8) == ["aaa bbb", "ccc"]
    assert split_text("abcdefghij", limit=4) == ["abcd", "efgh", "ij"]
    assert split_text("🙂🙂🙂", limit=4) == ["🙂🙂", "🙂"]  # UTF-16 units, as Telegram counts


async def test_agent_messages_reach_the_chat_once_with_two_hub_processes(
    bot_api: BotApi, database_url: str, tmp_path: Path, redis: Redis, store: ConversationStore
) -> None:
    hubs = [settings_on_free_ports(database_url, **telegram_settings(bot_api)) for _ in range(2)]
    processes = [hub_process(s, database_url, f"hub{n}") for n, s in enumerate(hubs, 1)]
    with running(processes, tmp_path):
        await bot_api.wait(lambda: len(bot_api.called("setWebhook")) == 2)
        conversation = await escalated(bot_api, redis, store, MINA)
        said = [f"agent message {n}" for n in range(40)] + ["the last one"]
        for text in said:
            await store.append(conversation.id, Entry(sender=Sender.AGENT, text=text))
        # Deliveries to a chat are in order: once the last is there, any duplicate would be too.
        await bot_api.wait(lambda: "the last one" in texts(bot_api, MINA))
        assert texts(bot_api, MINA) == [ESCALATED, *said]
        consumers = await redis.xinfo_consumers(keys.outbox(), "telegram")
        assert len(consumers) == 2  # both hub processes work the outbox


async def test_an_update_a_dead_hub_took_and_never_finished_is_handled_by_another(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis
) -> None:
    updates = keys.telegram_updates()
    await redis.xgroup_create(updates, "telegram", id="0", mkstream=True)
    await redis.xadd(updates, {"update": json.dumps(bot_api.text(MINA, "/start"))})
    await redis.xreadgroup("telegram", "a-hub-killed-since", {updates: ">"})  # never acknowledged
    await start_telegram_hub()
    await bot_api.wait(lambda: texts(bot_api, MINA))
    assert texts(bot_api, MINA) == [system_message("telegram_welcome", "en")]
    async with asyncio.timeout(30):
        while await redis.xlen(updates):  # done once the handler returns, then deleted
            await asyncio.sleep(0.05)


async def test_polling_mode_asks_for_updates_and_answers_them(
    start_telegram_hub: StartHub, bot_api: BotApi
) -> None:
    hub = await start_telegram_hub(telegram_mode="polling", telegram_webhook_secret=SecretStr(""))
    bot_api.queue(bot_api.text(JIWOO, "/start"))
    await bot_api.wait(lambda: texts(bot_api, JIWOO))
    assert texts(bot_api, JIWOO) == [system_message("telegram_welcome", "ko")]
    assert bot_api.called("deleteWebhook") and not bot_api.called("setWebhook")
    response = await hub.client().post("/telegram/webhook", json=bot_api.text(JIWOO, "hi"))
    assert response.status_code == 404  # no webhook in polling mode


async def test_an_edited_message_is_an_edit_of_its_entry_and_never_a_question_to_the_bot(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    await start_telegram_hub()
    first = bot_api.text(MINA, "my transfer is late")
    await bot_api.post(first)
    await bot_api.wait(lambda: ESCALATED in texts(bot_api, MINA))
    conversation = await conversation_of(redis, store, MINA)
    await store.transition(conversation.id, "release", Entry(Sender.SYSTEM, "back to the bot"))
    await bot_api.post(bot_api.edit(first, "my transfer 000123 is late"))
    await bot_api.post(bot_api.text(MINA, "any news?"))
    await bot_api.wait(lambda: ESCALATED in texts(bot_api, MINA)[2:])
    # One chat's updates are handled in order: the bot answers "any news?" after the edit.
    await bot_api.wait(lambda: texts(bot_api, MINA).count(UNAVAILABLE) == 2)
    entries = await store.entries(conversation.id)
    said = [e for e in entries if e.sender is Sender.CUSTOMER]
    assert [(e.text, e.event) for e in said] == [
        ("my transfer is late", None),
        ("my transfer 000123 is late", "edited"),
        ("any news?", None),
    ]
    assert said[1].meta["edits"] == said[0].id
    assert len([e for e in entries if e.event == "assistant_unavailable"]) == 2


async def test_the_queue_place_is_one_message_edited_in_place_as_it_changes(
    start_telegram_hub: StartHub,
    bot_api: BotApi,
    redis: Redis,
    store: ConversationStore,
    staff: StaffAccounts,
) -> None:
    hub = await start_telegram_hub()
    first = await escalated(bot_api, redis, store, MINA)
    second = await escalated(bot_api, redis, store, LEO)
    status = bot_api.last_message(LEO["id"])
    assert status["text"].startswith("You are number 2 in the queue.")

    queue = hub.app.state.services.queue
    ana = (await staff(Role.AGENT)).name
    await queue.heartbeat(ana)
    await queue.claim(first.id, ana)  # Leo moves up, with an agent online: a wait
    await bot_api.wait(lambda: status["text"].startswith("You are number 1 in the queue, about"))
    assert [text for text in all_texts(bot_api, LEO) if is_status(text)] == [
        "You are number 2 in the queue. " + system_message("queue_no_agent", "en")
    ]  # one message, sent once; what changed was edited
    edits = [
        c.params for c in bot_api.called("editMessageText") if c.params["chat_id"] == LEO["id"]
    ]
    assert {edit["message_id"] for edit in edits} == {status["message_id"]}

    await queue.claim(second.id, ana)
    async with asyncio.timeout(30):
        while await redis.smembers(keys.telegram_waiting()):  # nothing more to keep up to date
            await asyncio.sleep(0.05)
    assert not await redis.exists(keys.telegram_status(second.id))


async def test_a_queued_customer_back_on_the_website_gets_no_more_status_edits_in_telegram(
    start_telegram_hub: StartHub,
    bot_api: BotApi,
    redis: Redis,
    store: ConversationStore,
    staff: StaffAccounts,
) -> None:
    hub = await start_telegram_hub()
    services = hub.app.state.services
    first = await escalated(bot_api, redis, store, MINA)
    second = await escalated(bot_api, redis, store, LEO)
    await services.intake.come_back(second, "web")  # as Leo's next message from the widget does

    ana = (await staff(Role.AGENT)).name
    await services.queue.heartbeat(ana)
    await services.queue.claim(first.id, ana)  # Leo moves up: the widget shows it, not Telegram
    async with asyncio.timeout(30):
        while second.id in await redis.smembers(keys.telegram_waiting()):
            await asyncio.sleep(0.05)
    assert not await redis.exists(keys.telegram_status(second.id))
    assert not [c for c in bot_api.called("editMessageText") if c.params["chat_id"] == LEO["id"]]
    assert (await store.get(second.id)).state is State.QUEUED  # still waiting, on the website


async def test_the_close_asks_for_a_rating_with_buttons_and_a_press_records_it_once(
    start_telegram_hub: StartHub,
    bot_api: BotApi,
    redis: Redis,
    store: ConversationStore,
    staff: StaffAccounts,
) -> None:
    hub = await start_telegram_hub()
    conversation = await escalated(bot_api, redis, store, MINA)
    queue, ana = hub.app.state.services.queue, (await staff(Role.AGENT)).name
    await queue.heartbeat(ana)
    await queue.claim(conversation.id, ana)
    await queue.close(conversation.id, ana, ["solved"])
    closed = system_message("closed", "en")
    await bot_api.wait(lambda: closed in texts(bot_api, MINA))
    asked = bot_api.last_message(MINA["id"])
    [row] = asked["reply_markup"]["inline_keyboard"]
    assert [button["text"] for button in row] == ["1", "2", "3", "4", "5"]
    four, five = row[3]["callback_data"], row[4]["callback_data"]

    await bot_api.post(bot_api.press(MINA, asked, four))
    await bot_api.wait(lambda: system_message("rated", "en") in texts(bot_api, MINA))
    assert "reply_markup" not in asked
    rated = await store.get(conversation.id)
    assert (rated.rating, rated.closed_by) == (4, ana)
    [(_, recorded)] = await redis.xrange(keys.ratings())
    assert (recorded["score"], recorded["agent"]) == ("4", ana)
    await bot_api.post(bot_api.press(MINA, asked, five))  # once only
    await bot_api.wait(lambda: len(texts(bot_api, MINA)) > texts(bot_api, MINA).index(closed) + 2)
    assert (await store.get(conversation.id)).rating == 4
    assert texts(bot_api, MINA).count(system_message("rated", "en")) == 1


async def test_an_agents_typing_shows_in_the_chat_at_most_once_every_few_seconds(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    hub = await start_telegram_hub()
    mina = await escalated(bot_api, redis, store, MINA)
    leo = await escalated(bot_api, redis, store, LEO)

    def typing_shown(user: dict) -> int:
        calls = bot_api.called("sendChatAction")
        return len([c for c in calls if c.params["chat_id"] == user["id"]])

    before = typing_shown(MINA)
    events = hub.app.state.services.events
    for _ in range(3):
        await events.typing(mina.id, "agent", True)
    await events.typing(mina.id, "customer", True)
    await events.typing(leo.id, "agent", True)  # handled after Mina's, in order
    await bot_api.wait(lambda: typing_shown(LEO))
    assert typing_shown(MINA) == before + 1
    shown = [c.params for c in bot_api.called("sendChatAction")][-2:]
    assert [s["action"] for s in shown] == ["typing", "typing"]


def test_baton_run_says_which_mode_the_channel_runs_in() -> None:
    off = Settings(telegram_token=SecretStr(""))
    assert mode_description(off).startswith("off")
    on = {"telegram_token": SecretStr("1:x"), "public_url": "https://support.example"}
    webhook = Settings(**on, telegram_webhook_secret=SecretStr("s"))
    assert mode_description(webhook).startswith(
        "webhook at https://support.example/telegram/webhook"
    )
    assert mode_description(Settings(**on, telegram_mode="polling")).startswith("polling")
