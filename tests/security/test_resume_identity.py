"""A verified customer's conversation opens only with that user's valid signature: on a shared
computer, after they sign out, the token the browser kept shows nothing of it. Against the
session's hub process and its database."""

from redis.asyncio import Redis

from handoff import keys
from handoff.customers.identity import IdentityVerifier
from handoff.settings import Settings
from tests.support import WidgetClient, ws_url


def signed(settings: Settings, user_id: str) -> dict[str, str]:
    """The hello fields the company's site puts on the widget tag for a signed-in user."""
    verifier = IdentityVerifier(settings.identity_secret.get_secret_value())
    return {"user_id": user_id, "user_hash": verifier.sign(user_id)}


async def verified_conversation(settings: Settings, user: dict[str, str]) -> WidgetClient:
    """A signed-in user's widget, once it has told the hub something private; closed."""
    widget = WidgetClient(ws_url(settings))
    await widget.connect(**user)
    await widget.say("my card ending 4242 was stolen")
    await widget.receive("entry")
    await widget.close()
    return widget


async def test_a_signed_out_visitor_with_the_token_sees_nothing_of_it(
    hub_without_bot: Settings, shared_redis: Redis
) -> None:
    owner = await verified_conversation(hub_without_bot, signed(hub_without_bot, "cust-5005"))

    shared_computer = WidgetClient(ws_url(hub_without_bot))
    welcome = await shared_computer.connect(token=owner.token)  # no user id: signed out
    assert welcome["resumed"] is False
    assert welcome["conversation_id"] != owner.conversation_id
    await shared_computer.say("hello")
    conversation_id = (await shared_computer.receive("conversation"))["conversation_id"]
    entry = await shared_computer.receive("entry")
    assert "4242" not in entry["text"]
    await shared_computer.close()
    header = await shared_redis.hgetall(keys.conversation(conversation_id))
    assert header["customer"].startswith("web-") and "verified" not in header


async def test_another_users_signature_does_not_open_it_either(hub_without_bot: Settings) -> None:
    owner = await verified_conversation(hub_without_bot, signed(hub_without_bot, "cust-6006"))
    other = WidgetClient(ws_url(hub_without_bot))
    welcome = await other.connect(token=owner.token, **signed(hub_without_bot, "cust-7007"))
    await other.close()
    assert welcome["resumed"] is False and welcome["conversation_id"] != owner.conversation_id


async def test_the_same_users_signature_resumes_it(hub_without_bot: Settings) -> None:
    user = signed(hub_without_bot, "cust-8008")
    owner = await verified_conversation(hub_without_bot, user)
    again = WidgetClient(ws_url(hub_without_bot))
    welcome = await again.connect(token=owner.token, **user)
    replayed = await again.receive("entry")
    await again.close()
    assert welcome["resumed"] is True and welcome["conversation_id"] == owner.conversation_id
    assert "4242" in replayed["text"]
