"""A customer's sensitive numbers are masked before anything is stored: the transcript, the
agents' queue, what Rasa is told, ratings. The customer's own socket echoes the message as typed,
once; a resumed widget shows the stored, masked form."""

from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.keys import ConversationField as F
from tests.support import InProcessHub, WidgetClient
from tests.telegram_bot_api import BotApi

TYPED = "My card 4111 1111 1111 1111 was charged twice, call me on 010-1234-5678"
STORED = "My card [card] was charged twice, call me on 010-1234-5678"


async def test_the_transcript_keeps_the_masked_message_and_the_sender_sees_it_as_typed(
    widget: WidgetClient, shared_redis: Redis
) -> None:
    await widget.connect()
    client_id = await widget.say(TYPED)
    echo = await widget.receive("entry")
    assert (echo["client_id"], echo["text"]) == (client_id, TYPED)
    stored = await shared_redis.xrange(keys.transcript(widget.conversation_id))
    customer = [fields["text"] for _, fields in stored if fields["sender"] == "customer"]
    assert customer == [STORED]
    header = await shared_redis.hgetall(keys.conversation(widget.conversation_id))
    assert header[F.LAST_MESSAGE] == STORED

    resumed = WidgetClient(widget.url)
    await resumed.connect(token=widget.token)
    again = await resumed.receive("entry")
    await resumed.close()
    assert (again["client_id"], again["text"]) == (client_id, STORED)


async def test_rasa_is_told_the_masked_message(hub: InProcessHub) -> None:
    services = hub.app.state.services
    conversation = await services.conversations.create("web", "ko", "customer-1")
    typed = "주민번호 971013-9019902 여권 M12345678 입니다"
    accepted = await services.intake.accept(conversation.id, typed, "client-1")
    assert accepted.bot_text == "주민번호 [rrn] 여권 [passport] 입니다"


async def test_a_rating_comment_is_stored_masked(hub: InProcessHub, redis: Redis) -> None:
    services = hub.app.state.services
    conversation = await services.conversations.create("web", "en", "customer-1")
    opened = Entry(sender=Sender.SYSTEM, text="", event="escalated")
    await services.conversations.transition(conversation.id, "escalate", opened)
    closed = Entry(sender=Sender.SYSTEM, text="", event="closed")
    await services.conversations.transition(conversation.id, "close", closed)
    await services.follow_ups.rate(conversation.id, 5, "refund to acct 12345678, thanks")
    comment = "refund to acct [bank_account], thanks"
    rated = await redis.xrange(keys.ratings())
    assert [fields["comment"] for _, fields in rated] == [comment]
    header = await redis.hgetall(keys.conversation(conversation.id))
    assert header[F.RATING_COMMENT] == comment


async def test_a_telegram_message_is_stored_masked_and_never_sent_back(
    start_telegram_hub: Callable[..., Awaitable[InProcessHub]],
    bot_api: BotApi,
    redis: Redis,
    store: ConversationStore,
) -> None:
    await start_telegram_hub()
    user = {"id": 5550019, "is_bot": False, "first_name": "Hana", "language_code": "en"}
    await bot_api.post(bot_api.text(user, "refund to account 110-123-456789 please"))
    escalated = system_message("escalated", "en")
    await bot_api.wait(lambda: escalated in [m["text"] for m in bot_api.sent(user["id"])])
    conversation_id = await redis.get(keys.telegram_chat(user["id"]))
    [said, *_] = await store.entries(conversation_id)
    assert (said.sender, said.text) == (Sender.CUSTOMER, "refund to account [bank_account] please")
    assert not any("account" in m["text"] for m in bot_api.sent(user["id"]))
