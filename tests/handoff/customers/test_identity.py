"""Verified customers: a user id signed by the company's site, checked by the hub."""

import pytest
import websockets
from redis.asyncio import Redis

from handoff import keys
from handoff.customers.identity import IdentityRejected, IdentityVerifier
from handoff.settings import Settings
from tests.support import WidgetClient, ws_url


def test_only_the_secret_holder_can_vouch_for_a_user() -> None:
    site = IdentityVerifier("shared-secret")
    assert site.customer("42", site.sign("42")) == "user:42"
    assert site.customer("42", site.sign("42").upper()) == "user:42"
    with pytest.raises(IdentityRejected):
        site.customer("43", site.sign("42"))  # someone else's hash
    with pytest.raises(IdentityRejected):
        site.customer("42", IdentityVerifier("another-secret").sign("42"))
    with pytest.raises(IdentityRejected):
        IdentityVerifier("").customer("42", IdentityVerifier("").sign("42"))  # no secret set


def signed(settings: Settings, user_id: str) -> dict[str, str]:
    """The hello fields the company's site puts on the widget tag for a signed-in user."""
    verifier = IdentityVerifier(settings.identity_secret.get_secret_value())
    return {"user_id": user_id, "user_hash": verifier.sign(user_id)}


async def test_a_signed_in_user_is_verified_with_their_history_on_every_device(
    hub_without_bot: Settings, redis: Redis
) -> None:
    user = signed(hub_without_bot, "cust-1001")
    laptop, phone = WidgetClient(ws_url(hub_without_bot)), WidgetClient(ws_url(hub_without_bot))
    first = await laptop.connect(**user)
    second = await phone.connect(**user)  # no token on the phone: a new conversation
    for welcome in (first, second):
        header = await redis.hgetall(keys.conversation(welcome["conversation_id"]))
        assert header["customer"] == "user:cust-1001" and header["verified"] == "1"
    history = await redis.zrange(keys.customer_conversations("user:cust-1001"), 0, -1)
    assert set(history) >= {first["conversation_id"], second["conversation_id"]}
    await laptop.close()
    await phone.close()


async def test_an_anonymous_visitor_is_not_verified(
    hub_without_bot: Settings, redis: Redis
) -> None:
    widget = WidgetClient(ws_url(hub_without_bot))
    welcome = await widget.connect()
    await widget.close()
    header = await redis.hgetall(keys.conversation(welcome["conversation_id"]))
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
    hub_without_bot: Settings, redis: Redis
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
    header = await redis.hgetall(keys.conversation(anonymous["conversation_id"]))
    assert header["customer"].startswith("web-")
