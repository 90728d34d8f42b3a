"""The widget's messages both ways, on the session's hub process (its Rasa is down here):
limits, bad frames, resends, HTML, and the hand-over when the assistant is unavailable."""

from redis.asyncio import Redis

from handoff import keys
from handoff.settings import Settings
from tests.support import WidgetClient


async def test_an_oversize_message_is_refused_and_the_conversation_survives(
    hub_without_bot: Settings, widget: WidgetClient, shared_redis: Redis
) -> None:
    await widget.connect()
    refused = await widget.say("x" * (hub_without_bot.max_message_chars + 1))
    error = await widget.receive("error", "entry")
    assert error["type"] == "error" and error["code"] == "too_long"
    assert error["client_id"] == refused
    assert "4000" in error["message"]
    await widget.say("x" * hub_without_bot.max_message_chars)
    accepted = await widget.receive("entry")
    assert len(accepted["text"]) == hub_without_bot.max_message_chars
    stored = await shared_redis.xrange(keys.transcript(widget.conversation_id))
    customer_texts = [fields["text"] for _, fields in stored if fields["sender"] == "customer"]
    assert [len(text) for text in customer_texts] == [hub_without_bot.max_message_chars]


async def test_empty_and_malformed_frames_get_clear_errors(widget: WidgetClient) -> None:
    await widget.connect()
    await widget.say("   ")
    assert (await widget.receive("error"))["code"] == "empty"
    await widget.socket.send("{not json")
    assert (await widget.receive("error"))["code"] == "bad_frame"
    await widget.socket.send(b"\x00\x01binary")
    assert (await widget.receive("error"))["code"] == "bad_frame"
    await widget.send({"type": "message"})
    assert (await widget.receive("error"))["code"] == "bad_frame"
    await widget.send({"type": "launch_missiles", "text": "hi"})
    assert (await widget.receive("error"))["code"] == "bad_frame"
    await widget.say("still here")
    assert (await widget.receive("entry"))["text"] == "still here"


async def test_a_resent_message_is_stored_once(widget: WidgetClient, shared_redis: Redis) -> None:
    await widget.connect()
    await widget.say("only once", client_id="same-id")
    await widget.say("only once", client_id="same-id")
    await widget.receive("entry")
    await widget.say("marker")
    texts = []
    while "marker" not in texts:
        texts.append((await widget.receive("entry"))["text"])
    stored = await shared_redis.xrange(keys.transcript(widget.conversation_id))
    assert [fields["text"] for _, fields in stored].count("only once") == 1


async def test_hostile_html_is_stored_and_sent_back_verbatim(widget: WidgetClient) -> None:
    await widget.connect()
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    await widget.say(hostile)
    assert (await widget.receive("entry"))["text"] == hostile


async def test_rasa_down_hands_over_to_a_person_and_keeps_every_message(
    widget: WidgetClient, shared_redis: Redis
) -> None:
    await widget.connect(language="ko")
    entries = await widget.replies_to("제 송금은 어디 있나요?")
    assert [e.get("event") for e in entries] == ["assistant_unavailable", "escalated"]
    assert "사용할 수 없습니다" in entries[0]["text"] and "상담원" in entries[1]["text"]
    place = await widget.receive("queue")
    assert place["position"] >= 1
    await widget.say("hello? still there")  # queued: kept for the agent, the bot stays silent
    assert (await widget.receive("entry"))["text"] == "hello? still there"
    stored = await shared_redis.xrange(keys.transcript(widget.conversation_id))
    assert [f["text"] for _, f in stored if f["sender"] == "customer"] == [
        "제 송금은 어디 있나요?",
        "hello? still there",
    ]
    assert [f.get("event") for _, f in stored].count("escalated") == 1
