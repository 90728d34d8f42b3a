"""The widget's WebSocket, up to its welcome: which conversation, whose, resumed from where.
Against the session's hub process (its Rasa is down) and its database."""

import json

import pytest
import websockets
from redis.asyncio import Redis

from handoff import keys
from handoff.customers.identity import IdentityVerifier
from handoff.settings import Settings
from tests.support import WidgetClient, ws_url


async def test_a_new_widget_gets_its_conversation_and_token_with_its_first_message(
    widget: WidgetClient,
) -> None:
    welcome = await widget.connect(language="ko")
    assert welcome["resumed"] is False and welcome["conversation_id"] is None
    await widget.say("안녕하세요")
    started = await widget.receive("conversation")
    assert started["token"] and started["conversation_id"]


async def test_a_forged_token_gets_a_new_conversation_never_another(
    hub_without_bot: Settings, widget: WidgetClient
) -> None:
    victim = WidgetClient(ws_url(hub_without_bot))
    await victim.connect()
    victim_id = await victim.start()
    await victim.close()
    forged = f"{victim_id}.forged.signature"
    welcome = await widget.connect(token=forged)
    assert welcome["resumed"] is False
    assert await widget.start() != victim_id


async def test_the_token_resumes_the_conversation_with_its_history(
    hub_without_bot: Settings, widget: WidgetClient
) -> None:
    await widget.connect()
    await widget.say("first message")
    first = await widget.receive("entry")
    await widget.close()

    reloaded = WidgetClient(ws_url(hub_without_bot))
    again = await reloaded.connect(token=widget.token)
    assert again["resumed"] is True
    assert again["conversation_id"] == widget.conversation_id
    replayed = await reloaded.receive("entry")
    assert (replayed["id"], replayed["text"]) == (first["id"], "first message")
    await reloaded.close()


async def test_a_reconnect_with_last_id_gets_only_what_it_missed(
    hub_without_bot: Settings, widget: WidgetClient
) -> None:
    await widget.connect()
    await widget.say("seen")
    seen = await widget.receive("entry")
    missed = await widget.receive("entry")  # the hub's notice that the assistant is down
    await widget.close()

    reconnected = WidgetClient(ws_url(hub_without_bot))
    await reconnected.connect(token=widget.token, last_id=seen["id"])
    assert (await reconnected.receive("entry"))["id"] == missed["id"]
    await reconnected.close()


async def test_a_bad_hello_is_refused_with_an_error(hub_without_bot: Settings) -> None:
    widget = WidgetClient(ws_url(hub_without_bot))
    widget.socket = await websockets.connect(ws_url(hub_without_bot))
    await widget.socket.send(json.dumps({"type": "message", "text": "no hello"}))
    assert (await widget.receive("error"))["code"] == "bad_frame"
    with pytest.raises(websockets.ConnectionClosed):
        await widget.socket.recv()


def signed(settings: Settings, user_id: str) -> dict[str, str]:
    """The hello fields the company's site puts on the widget tag for a signed-in user."""
    verifier = IdentityVerifier(settings.identity_secret.get_secret_value())
    return {"user_id": user_id, "user_hash": verifier.sign(user_id)}


async def test_a_signed_in_user_is_verified_with_their_history_on_every_device(
    hub_without_bot: Settings, shared_redis: Redis
) -> None:
    user = signed(hub_without_bot, "cust-1001")
    laptop, phone = WidgetClient(ws_url(hub_without_bot)), WidgetClient(ws_url(hub_without_bot))
    await laptop.connect(**user)
    await phone.connect(**user)  # no token on the phone: a new conversation
    started = [await laptop.start(), await phone.start()]
    for conversation_id in started:
        header = await shared_redis.hgetall(keys.conversation(conversation_id))
        assert header["customer"] == "user:cust-1001" and header["verified"] == "1"
    history = await shared_redis.zrange(keys.customer_conversations("user:cust-1001"), 0, -1)
    assert set(history) >= set(started)
    await laptop.close()
    await phone.close()


async def test_an_anonymous_visitor_is_not_verified(
    hub_without_bot: Settings, shared_redis: Redis
) -> None:
    widget = WidgetClient(ws_url(hub_without_bot))
    await widget.connect()
    conversation_id = await widget.start()
    await widget.close()
    header = await shared_redis.hgetall(keys.conversation(conversation_id))
    assert header["customer"].startswith("web-") and "verified" not in header


async def test_a_forged_hash_is_refused_and_the_socket_closed(hub_without_bot: Settings) -> None:
    widget = WidgetClient(ws_url(hub_without_bot))
    forged = signed(hub_without_bot, "cust-1001") | {"user_id": "cust-1002"}
    await widget.say_hello(language="ko", **forged)
    error = await widget.receive("error")
    assert error["code"] == "bad_identity" and "본인 확인" in error["message"]
    with pytest.raises(websockets.ConnectionClosed):
        await widget.socket.recv()


async def test_a_token_resumes_only_its_own_customers_conversation(
    hub_without_bot: Settings, shared_redis: Redis
) -> None:
    shared_browser = WidgetClient(ws_url(hub_without_bot))
    user = signed(hub_without_bot, "cust-2002")
    await shared_browser.connect()
    anonymous = await shared_browser.start()
    await shared_browser.close()
    signed_in = await shared_browser.connect(token=shared_browser.token, **user)
    assert not signed_in["resumed"]
    assert await shared_browser.start() != anonymous
    await shared_browser.close()
    again = await shared_browser.connect(token=shared_browser.token, **user)
    await shared_browser.close()
    assert again["resumed"] and again["conversation_id"] == shared_browser.conversation_id
    header = await shared_redis.hgetall(keys.conversation(anonymous))
    assert header["customer"].startswith("web-")
