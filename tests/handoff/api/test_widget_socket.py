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


async def test_a_new_widget_gets_a_new_conversation_and_a_token(widget: WidgetClient) -> None:
    welcome = await widget.connect(language="ko")
    assert welcome["resumed"] is False
    assert welcome["token"] and welcome["conversation_id"]


async def test_a_forged_token_gets_a_new_conversation_never_another(
    hub_without_bot: Settings, widget: WidgetClient
) -> None:
    victim = WidgetClient(ws_url(hub_without_bot))
    victim_id = (await victim.connect())["conversation_id"]
    await victim.close()
    forged = f"{victim_id}.forged.signature"
    welcome = await widget.connect(token=forged)
    assert welcome["resumed"] is False
    assert welcome["conversation_id"] != victim_id


async def test_the_token_resumes_the_conversation_with_its_history(
    hub_without_bot: Settings, widget: WidgetClient
) -> None:
    welcome = await widget.connect()
    await widget.say("first message")
    first = await widget.receive("entry")
    await widget.close()

    reloaded = WidgetClient(ws_url(hub_without_bot))
    again = await reloaded.connect(token=welcome["token"])
    assert again["resumed"] is True
    assert again["conversation_id"] == welcome["conversation_id"]
    replayed = await reloaded.receive("entry")
    assert (replayed["id"], replayed["text"]) == (first["id"], "first message")
    await reloaded.close()


async def test_a_reconnect_with_last_id_gets_only_what_it_missed(
    hub_without_bot: Settings, widget: WidgetClient
) -> None:
    welcome = await widget.connect()
    await widget.say("seen")
    seen = await widget.receive("entry")
    missed = await widget.receive("entry")  # the hub's notice that the assistant is down
    await widget.close()

    reconnected = WidgetClient(ws_url(hub_without_bot))
    await reconnected.connect(token=welcome["token"], last_id=seen["id"])
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
    first = await laptop.connect(**user)
    second = await phone.connect(**user)  # no token on the phone: a new conversation
    for welcome in (first, second):
        header = await shared_redis.hgetall(keys.conversation(welcome["conversation_id"]))
        assert header["customer"] == "user:cust-1001" and header["verified"] == "1"
    history = await shared_redis.zrange(keys.customer_conversations("user:cust-1001"), 0, -1)
    assert set(history) >= {first["conversation_id"], second["conversation_id"]}
    await laptop.close()
    await phone.close()


async def test_an_anonymous_visitor_is_not_verified(
    hub_without_bot: Settings, shared_redis: Redis
) -> None:
    widget = WidgetClient(ws_url(hub_without_bot))
    welcome = await widget.connect()
    await widget.close()
    header = await shared_redis.hgetall(keys.conversation(welcome["conversation_id"]))
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
    anonymous = await shared_browser.connect()
    await shared_browser.close()
    signed_in = await shared_browser.connect(token=anonymous["token"], **user)
    await shared_browser.close()
    assert not signed_in["resumed"]
    assert signed_in["conversation_id"] != anonymous["conversation_id"]
    again = await shared_browser.connect(token=signed_in["token"], **user)
    await shared_browser.close()
    assert again["resumed"] and again["conversation_id"] == signed_in["conversation_id"]
    header = await shared_redis.hgetall(keys.conversation(anonymous["conversation_id"]))
    assert header["customer"].startswith("web-")
