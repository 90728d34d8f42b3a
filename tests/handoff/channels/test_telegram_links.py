"""Web -> Telegram: a one-time code from the widget (or a signed-in site) continues the
conversation, or links the verified customer, in a Telegram chat."""

from pydantic import SecretStr
from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.customers.identity import telegram_verified_customer
from handoff.staff.users import Role
from tests.handoff.channels.test_telegram import (
    JIWOO,
    LEO,
    MINA,
    StartHub,
    _wait_for_customer,
    conversation_of,
    escalated,
    texts,
)
from tests.support import AgentClient, StaffAccounts, WidgetClient, ws_url
from tests.telegram_bot_api import BotApi

MOVED = system_message("moved_to_telegram", "en")
INVALID = system_message("link_invalid", "en")


async def test_a_widget_conversation_continues_in_telegram_with_a_one_time_code(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    hub = await start_telegram_hub()
    services = hub.app.state.services
    web = await store.create("web", "en", "user:42", verified=True)
    await store.append(web.id, Entry(sender=Sender.CUSTOMER, text="where is my transfer?"))
    await store.append(web.id, Entry(sender=Sender.BOT, text="Let me check."))
    token = services.tokens.issue(web.id, web.customer)
    client = hub.client()
    assert (await client.post("/telegram/link", json={"token": token + "x"})).status_code == 403
    response = await client.post("/telegram/link", json={"token": token})
    assert response.status_code == 200
    link = response.json()
    assert link["url"] == f"https://t.me/baton_test_bot?start={link['code']}"
    assert len(link["code"]) <= 64 and link["expires_in"] <= 600

    await bot_api.post(bot_api.text(MINA, f"/start {link['code']}"))
    await bot_api.wait(lambda: MOVED in texts(bot_api, MINA))
    recap, _moved = texts(bot_api, MINA)  # the recap, then only what follows the move
    assert "You: where is my transfer?" in recap and "Let me check." in recap
    conversation = await conversation_of(redis, store, MINA)
    assert conversation.id == web.id  # the same conversation, transcript and customer
    assert (conversation.channel, conversation.chat) == ("telegram", str(MINA["id"]))
    assert [e.event for e in await store.entries(web.id)][-1] == "moved_to_telegram"
    await store.append(web.id, Entry(sender=Sender.AGENT, text="It arrived.", author_name="Sam"))
    await bot_api.wait(lambda: "Sam: It arrived." in texts(bot_api, MINA))
    await bot_api.post(bot_api.text(MINA, "thanks"))
    await _wait_for_customer(store, web.id, "thanks")
    assert await telegram_verified_customer(redis, MINA["id"]) == "user:42"

    await bot_api.post(bot_api.text(LEO, f"/start {link['code']}"))  # used already
    await bot_api.post(bot_api.text(LEO, "/start forged-code_123"))
    await bot_api.wait(lambda: texts(bot_api, LEO).count(INVALID) == 2)
    assert await redis.get(keys.telegram_chat(LEO["id"])) is None
    assert await telegram_verified_customer(redis, LEO["id"]) is None


async def test_a_signed_in_user_links_telegram_and_their_telegram_conversations_are_verified(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    hub = await start_telegram_hub(identity_secret=SecretStr("site-secret"))
    client = hub.client()
    signed = {"user_id": "77", "user_hash": hub.app.state.services.identities.sign("77")}
    forged = signed | {"user_hash": "0" * 64}
    assert (await client.post("/telegram/link", json=forged)).status_code == 403
    assert (await client.post("/telegram/link", json={})).status_code == 422
    code = (await client.post("/telegram/link", json=signed)).json()["code"]

    await bot_api.post(bot_api.text(JIWOO, f"/start {code}"))
    await bot_api.wait(lambda: texts(bot_api, JIWOO))
    assert texts(bot_api, JIWOO) == [system_message("telegram_linked", "ko")]
    assert await telegram_verified_customer(redis, JIWOO["id"]) == "user:77"
    await bot_api.post(bot_api.text(JIWOO, "/human"))
    await bot_api.wait(lambda: system_message("escalated", "ko") in texts(bot_api, JIWOO))
    conversation = await conversation_of(redis, store, JIWOO)
    assert (conversation.customer, conversation.verified) == ("user:77", True)


async def test_the_widget_offers_telegram_and_its_link_moves_the_conversation(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    hub = await start_telegram_hub()
    widget = WidgetClient(ws_url(hub.settings))
    try:
        assert (await widget.connect())["telegram"] is True  # the widget shows the offer
        conversation_id = await widget.start("my card was declined")
        await widget.send({"type": "telegram_link"})
        offer = await widget.receive("telegram_link")
        assert offer["url"] == f"https://t.me/baton_test_bot?start={offer['code']}"
        await bot_api.post(bot_api.text(MINA, f"/start {offer['code']}"))
        await bot_api.wait(lambda: MOVED in texts(bot_api, MINA))
        assert "You: my card was declined" in texts(bot_api, MINA)[0]
        assert (await conversation_of(redis, store, MINA)).id == conversation_id
        moved = await widget.receive("entry")  # the widget reads where the chat went
        while moved.get("event") != "moved_to_telegram":
            moved = await widget.receive("entry")
        assert moved["text"] == MOVED
    finally:
        await widget.close()


async def test_the_widget_is_told_when_telegram_is_off(start_hub) -> None:
    hub = await start_hub()
    await hub.serve()
    widget = WidgetClient(ws_url(hub.settings))
    try:
        assert (await widget.connect())["telegram"] is False
        await widget.send({"type": "telegram_link"})
        refused = await widget.receive("error")
        assert refused["code"] == "telegram_off"
    finally:
        await widget.close()


async def until_text(widget: WidgetClient, text: str) -> dict:
    """The widget's next entry with this text."""
    while (entry := await widget.receive("entry"))["text"] != text:
        pass
    return entry


async def test_a_customer_back_on_the_website_continues_the_moved_conversation_there(
    start_telegram_hub: StartHub, bot_api: BotApi, redis: Redis, store: ConversationStore
) -> None:
    hub = await start_telegram_hub(identity_secret=SecretStr("site-secret"))
    signed = {"user_id": "42", "user_hash": hub.app.state.services.identities.sign("42")}
    first = WidgetClient(ws_url(hub.settings))
    await first.connect(**signed)
    conversation_id = await first.start("where is my transfer?")
    await first.send({"type": "telegram_link"})
    code = (await first.receive("telegram_link"))["code"]
    await first.close()
    await bot_api.post(bot_api.text(MINA, f"/start {code}"))
    await bot_api.wait(lambda: MOVED in texts(bot_api, MINA))
    sam = {"sender": Sender.AGENT, "author_name": "Sam"}
    await store.append(conversation_id, Entry(text="It left on Monday.", **sam))
    await bot_api.wait(lambda: "Sam: It left on Monday." in texts(bot_api, MINA))

    # Another browser, the same signed-in user: the conversation so far, then it continues here.
    web = WidgetClient(ws_url(hub.settings))
    try:
        welcome = await web.connect(**signed)
        assert (welcome["resumed"], welcome["conversation_id"]) == (True, conversation_id)
        assert (await until_text(web, "It left on Monday."))["author"] == "Sam"
        await web.say("I am on the website now")
        back = await until_text(web, system_message("moved_to_web", "en"))
        assert back["event"] == "moved_to_web"
        await until_text(web, "I am on the website now")
        assert (await store.get(conversation_id)).channel == "web"
        await store.append(conversation_id, Entry(text="It arrives today.", **sam))
        await until_text(web, "It arrives today.")  # shown on the website, not sent to Telegram

        await bot_api.post(bot_api.text(MINA, "and now from my phone"))
        await _wait_for_customer(store, conversation_id, "and now from my phone")
        await bot_api.wait(lambda: texts(bot_api, MINA).count(MOVED) == 2)
        await until_text(web, MOVED)  # the widget says where the conversation went
        await store.append(conversation_id, Entry(text="Anything else?", **sam))
        await bot_api.wait(lambda: "Sam: Anything else?" in texts(bot_api, MINA))
    finally:
        await web.close()
    *_, recap, moved, last = texts(bot_api, MINA)
    assert "Sam: It arrives today." in recap and (moved, last) == (MOVED, "Sam: Anything else?")
    sent = texts(bot_api, MINA)
    assert "Sam: It arrives today." not in sent and sent.count("Sam: It left on Monday.") == 1
    entries = await store.entries(conversation_id)
    said = [e.text for e in entries if e.sender is Sender.CUSTOMER]
    assert said == ["where is my transfer?", "I am on the website now", "and now from my phone"]
    moves = [e.event for e in entries if e.event and e.event.startswith("moved_to_")]
    assert moves == ["moved_to_telegram", "moved_to_web", "moved_to_telegram"]
    assert (await store.get(conversation_id)).channel == "telegram"

    stale = WidgetClient(ws_url(hub.settings))  # the first browser's token opens it too
    someone_else = WidgetClient(ws_url(hub.settings))  # never another signed-in user
    try:
        token = first.token
        assert (await stale.connect(token=token, **signed))["conversation_id"] == conversation_id
        other = {"user_id": "43", "user_hash": hub.app.state.services.identities.sign("43")}
        assert (await someone_else.connect(token=token, **other))["resumed"] is False
    finally:
        await stale.close()
        await someone_else.close()


async def test_the_console_lists_a_customers_conversations_from_every_linked_channel(
    start_telegram_hub: StartHub,
    bot_api: BotApi,
    redis: Redis,
    store: ConversationStore,
    staff: StaffAccounts,
) -> None:
    hub = await start_telegram_hub(identity_secret=SecretStr("site-secret"))
    before_link = await escalated(bot_api, redis, store, MINA)  # customer telegram:<id>
    others = await escalated(bot_api, redis, store, LEO)  # someone else
    signed = {"user_id": "42", "user_hash": hub.app.state.services.identities.sign("42")}
    code = (await hub.client().post("/telegram/link", json=signed)).json()["code"]
    await bot_api.post(bot_api.text(MINA, f"/start {code}"))
    await bot_api.wait(lambda: system_message("telegram_linked", "en") in texts(bot_api, MINA))
    on_web = await store.create("web", "en", "user:42", verified=True)

    agent = AgentClient(f"http://127.0.0.1:{hub.settings.port}")
    await agent.log_in(*await staff(Role.AGENT))
    await agent.connect()
    try:
        await agent.send({"type": "open", "conversation_id": before_link.id})
        panel = await agent.receive("conversation")
        assert panel["customer"]["linked"] == ["user:42", f"telegram:{MINA['id']}"]
        assert [(p["conversation_id"], p["channel"]) for p in panel["history"]] == [
            (on_web.id, "web")
        ]
        await agent.send({"type": "open", "conversation_id": on_web.id})
        panel = await agent.receive("conversation")
        history = [(p["conversation_id"], p["channel"]) for p in panel["history"]]
        assert history == [(before_link.id, "telegram")]  # never Leo's
        await agent.send({"type": "open", "conversation_id": others.id})
        panel = await agent.receive("conversation")
        assert panel["customer"]["linked"] == [f"telegram:{LEO['id']}"] and not panel["history"]
    finally:
        await agent.close()
