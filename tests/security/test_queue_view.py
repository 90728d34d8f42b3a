"""The consoles' view of the queue costs the same however long the queue grows (issue 15,
weakness 2): commands counted with Redis MONITOR, not time; consoles get a page and a count."""

import json
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from handoff.cli.processes import settings_on_free_ports
from handoff.conversations.store import ConversationStore
from handoff.queue.agent_queue import AgentQueue, Escalation
from handoff.queue.live_events import EventHub
from handoff.staff.users import Role, UserStore
from tests.security.serving import Serve
from tests.support import AgentClient, InProcessHub, StaffAccounts

PAGE = 5


async def queue_of(redis: Redis, database_url: str, length: int) -> AgentQueue:
    """An agent queue of the test's database with `length` English chats waiting."""
    settings = settings_on_free_ports(database_url, console_queue_page=PAGE)
    store = ConversationStore(redis)
    queue = AgentQueue(redis, store, UserStore(redis), settings)
    for _ in range(length):
        conversation = await store.create("web", "en", f"web-{uuid.uuid4().hex}")
        await queue.escalate(conversation.id, Escalation.because("customer_asked"))
    return queue


async def commands_of(database_url: str, work: Callable[[], Awaitable[object]]) -> Counter[str]:
    """The Redis commands `work` sends to the test's database, by name (MONITOR)."""
    database = int(database_url.rsplit("/", 1)[1])
    marker = f"end-{uuid.uuid4().hex}"
    watcher = Redis.from_url(database_url, decode_responses=True)
    counted: Counter[str] = Counter()
    async with watcher.monitor() as monitor:
        await work()
        await watcher.echo(marker)
        async for seen in monitor.listen():
            if seen["command"] == f"ECHO {marker}":
                break
            if seen["db"] == database:
                counted[seen["command"].split()[0].upper()] += 1
    await watcher.aclose()
    return counted


async def test_the_queue_view_sends_as_many_commands_for_a_long_queue_as_for_a_short_one(
    redis: Redis, database_url: str
) -> None:
    short = await queue_of(redis, database_url, PAGE + 1)
    short_commands = await commands_of(database_url, short.view)
    await queue_of(redis, database_url, 6 * PAGE)  # the same queue, 36 long now
    long_commands = await commands_of(database_url, short.view)
    assert long_commands == short_commands
    assert long_commands["HGETALL"] <= PAGE + 2  # the first page, assignments, languages


async def test_consoles_get_the_first_page_and_the_count(redis: Redis, database_url: str) -> None:
    queue = await queue_of(redis, database_url, 3 * PAGE)
    events = EventHub(redis, queue)
    first = json.loads(await events.queue_frame(("en",), PAGE))
    two_pages = json.loads(await events.queue_frame(("en",), 2 * PAGE))
    waiting = [queued.conversation_id for queued in await queue.waiting()]
    assert first["total"] == two_pages["total"] == 3 * PAGE
    assert [item["conversation_id"] for item in first["items"]] == waiting[:PAGE]
    assert [item["conversation_id"] for item in two_pages["items"]] == waiting[: 2 * PAGE]


async def test_a_console_asks_for_more_of_the_queue(
    start_hub: Callable[..., Awaitable[InProcessHub]],
    serve: Serve,
    staff: StaffAccounts,
    redis: Redis,
    database_url: str,
) -> None:
    hub = await start_hub(console_queue_page=PAGE)
    await queue_of(redis, database_url, 2 * PAGE + 1)
    base_url = f"http://127.0.0.1:{await serve(hub.app)}"
    console = AgentClient(base_url)
    await console.log_in(*await staff(Role.AGENT, ("en",)))
    await console.connect()
    first = await console.receive("queue")
    assert len(first["items"]) == PAGE and first["total"] == 2 * PAGE + 1
    for shown in (2 * PAGE, 2 * PAGE + 1):
        await console.send({"type": "queue_more"})
        more = await console.receive("queue")
        assert len(more["items"]) == shown and more["items"][:PAGE] == first["items"]
    await console.close()
