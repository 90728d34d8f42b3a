"""Storage has bounds: conversations, transcripts and Rasa trackers expire after the retention
period, a transcript and a customer's list of conversations are capped, the editors' list of
unanswered questions is trimmed, and every key a chat leaves behind either expires or belongs
to a structure of bounded size."""

from redis.asyncio import Redis

from handoff import keys
from handoff.assistant.rasa_client import RasaClient, http_client
from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.customers.follow_up import FollowUps
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from knowledge_base import keys as kb_keys
from knowledge_base.unanswered import MAX_KEPT, UnansweredQuestions

DAY = 86400
# Keys that live as long as the service, each of a bounded size (README: Production).
SERVICE_KEYS = {
    keys.queue(),  # open conversations only
    keys.queue_languages(),  # open conversations only
    keys.assignments(),  # held conversations only
    keys.events(),  # MAXLEN ~10,000
    keys.ratings(),  # MAXLEN ~100,000: the dashboard's figures, apart from conversations
    keys.handle_times(),  # the latest few hundred
    keys.agents_seen(),  # one per agent
    keys.users(),  # one per account
    keys.user("ana"),
}


def settings_with(database_url: str, **overrides: object) -> Settings:
    return settings_on_free_ports(database_url, **overrides)


async def test_a_transcript_keeps_about_its_cap(redis: Redis, database_url: str) -> None:
    store = ConversationStore(redis, settings_with(database_url, transcript_max_entries=100))
    conversation = await store.create("web", "en", "customer-1")
    for n in range(600):
        await store.append(conversation.id, Entry(sender=Sender.CUSTOMER, text=f"spam {n}"))
    length = await redis.xlen(keys.transcript(conversation.id))
    assert 100 <= length <= 200  # approximate trimming drops whole stream nodes (100 entries)
    [latest] = await store.recent(conversation.id, 1)
    assert latest.text == "spam 599"


async def test_a_conversation_expires_the_retention_after_its_last_entry(
    redis: Redis, database_url: str
) -> None:
    settings = settings_with(database_url, retention_days=2)
    store = ConversationStore(redis, settings)
    conversation = await store.create("web", "en", "customer-1")
    assert 2 * DAY - 60 < await redis.ttl(keys.conversation(conversation.id)) <= 2 * DAY
    await store.transition(conversation.id, "escalate", Entry(sender=Sender.SYSTEM, text=""))
    await store.transition(conversation.id, "close", Entry(sender=Sender.SYSTEM, text=""))
    for key in (keys.conversation(conversation.id), keys.transcript(conversation.id)):
        assert 2 * DAY - 60 < await redis.ttl(key) <= 2 * DAY, key


async def test_a_customers_list_keeps_the_latest_conversations(
    redis: Redis, database_url: str
) -> None:
    store = ConversationStore(redis, settings_with(database_url, customer_max_conversations=3))
    created = [(await store.create("web", "en", "customer-1")).id for _ in range(5)]
    assert [c.id for c in await store.of_customer("customer-1")] == created[::-1][:3]
    assert await redis.zcard(keys.customer_conversations("customer-1")) == 3
    assert await redis.ttl(keys.customer_conversations("customer-1")) > 0


async def test_the_unanswered_questions_and_their_times_are_trimmed_together(
    redis: Redis,
) -> None:
    unanswered = UnansweredQuestions(redis)
    for n in range(MAX_KEPT + 20):
        await unanswered.record(f"question number {n}", "en")
    assert await redis.zcard(kb_keys.unanswered("en")) == MAX_KEPT
    assert await redis.hlen(kb_keys.unanswered_seen("en")) == MAX_KEPT


async def test_every_key_a_whole_chat_leaves_expires_or_is_bounded(
    redis: Redis, database_url: str
) -> None:
    settings = settings_with(database_url)
    store = ConversationStore(redis, settings)
    users = UserStore(redis)
    await users.add("ana", "correct horse battery", Role.AGENT, ("en",))
    queue = AgentQueue(redis, store, users, settings)
    conversation = await store.create("web", "en", "customer-1")
    hello = Entry(sender=Sender.CUSTOMER, text="hello", client_id="c1")
    await store.append(conversation.id, hello)
    await queue.escalate(conversation.id, Escalation.because("customer_asked"))
    await FollowUps(store, queue.rollups).leave_email(conversation.id, "customer@example.com")
    await queue.heartbeat("ana")
    await queue.claim(conversation.id, "ana")
    await queue.close(conversation.id, "ana", ["resolved"])
    await FollowUps(store, queue.rollups).rate(conversation.id, 5, "thanks")
    forever = [key async for key in redis.scan_iter() if await redis.ttl(key) == -1]
    assert set(forever) <= SERVICE_KEYS, set(forever) - SERVICE_KEYS


async def test_rasas_tracker_expires_as_conversations_do(
    bot_stack: Settings, redis_url: str
) -> None:
    async with http_client(30) as http:
        rasa = RasaClient(http, bot_stack.rasa_urls)
        await rasa.send("retention-test", "hello", "en")
    shared = Redis.from_url(redis_url)
    try:
        ttl = await shared.ttl("baton:tracker:retention-test")
    finally:
        await shared.aclose()
    retention = bot_stack.retention_days * DAY
    assert retention - 600 < ttl <= retention
