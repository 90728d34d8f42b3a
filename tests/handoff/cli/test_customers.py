"""`baton customers export|erase`: all of a customer's data out as JSON, or gone for good with
their scores kept anonymous; both audited."""

import json
from pathlib import Path

from redis.asyncio import Redis
from typer.testing import CliRunner

from handoff import keys
from handoff.conversations.attachments import AttachmentStore
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.keys import ConversationField as F
from tests.handoff.cli.test_users import baton, baton_says  # noqa: F401

CUSTOMER = "user:42"


async def conversations_of_a_customer(store: ConversationStore, redis: Redis) -> list[str]:
    """Two conversations of CUSTOMER (one rated and closed, one queued and no longer in the
    customer's list) and one of another customer; their ids."""
    rated = await store.create("web", "en", CUSTOMER, verified=True)
    said = "refund me, call 010-1234-5678 or mail kim@example.com"
    await store.append(rated.id, Entry(sender=Sender.CUSTOMER, text=said, client_id="c1"))
    await store.append(rated.id, Entry(sender=Sender.BOT, text="Let me find a person."))
    await store.transition(rated.id, "escalate", Entry(sender=Sender.SYSTEM, text=""))
    await store.update(rated.id, {F.NOTIFY_EMAIL: "kim@example.com"})
    await store.transition(rated.id, "close", Entry(sender=Sender.SYSTEM, text=""))
    await store.rate(rated.id, 4, "quick, thanks")
    queued = await store.create("telegram", "ko", CUSTOMER, chat="777")
    await store.append(queued.id, Entry(sender=Sender.CUSTOMER, text="환불 문의"))
    await store.transition(queued.id, "escalate", Entry(sender=Sender.SYSTEM, text=""))
    await redis.zrem(keys.customer_conversations(CUSTOMER), queued.id)  # beyond the list's size
    await redis.set(keys.telegram_chat(777), queued.id)
    other = await store.create("web", "en", "user:43")
    await store.append(other.id, Entry(sender=Sender.CUSTOMER, text="someone else"))
    for conversation in (rated, queued, other):
        await redis.set(keys.rasa_tracker(conversation.id), '{"events": []}')
    return [rated.id, queued.id, other.id]


async def test_an_export_has_every_conversation_with_contacts_masked_and_is_audited(
    baton: CliRunner,  # noqa: F811
    store: ConversationStore,
    redis: Redis,
) -> None:
    rated, queued, _ = await conversations_of_a_customer(store, redis)
    exported = await baton_says(baton, "customers", "export", CUSTOMER, "--by", "admin:ana")
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.stdout)
    assert data["customer"] == CUSTOMER
    assert [c["id"] for c in data["conversations"]] == [rated, queued]
    first, second = data["conversations"]
    assert [e["text"] for e in first["entries"] if e["sender"] == "customer"] == [
        "refund me, call [phone] or mail [email]"
    ]
    assert (first["rating"], first["rating_comment"], first["notify_email"]) == (
        4,
        "quick, thanks",
        "[email]",
    )
    assert second["channel"] == "telegram" and second["state"] == "queued"
    [audited] = await redis.xrange(keys.audit())
    assert {k: audited[1][k] for k in ("action", "customer", "actor", "conversations")} == {
        "action": "export",
        "customer": CUSTOMER,
        "actor": "admin:ana",
        "conversations": "2",
    }


async def test_an_erasure_leaves_nothing_of_the_customer_but_anonymous_scores(
    baton: CliRunner,  # noqa: F811
    store: ConversationStore,
    redis: Redis,
    tmp_path: Path,
) -> None:
    rated, queued, other = await conversations_of_a_customer(store, redis)
    files = AttachmentStore(tmp_path, 1 << 20)
    for conversation_id in (queued, other):
        await files.keep(conversation_id, "id.pdf", b"%PDF-1.4 a passport scan", "too big")
    erased = await baton_says(
        baton, "customers", "erase", CUSTOMER, "--yes", BATON_ATTACHMENTS_DIR=str(tmp_path)
    )
    assert erased.exit_code == 0, erased.output
    assert "2 conversation(s) erased" in erased.output
    for conversation_id in (rated, queued):
        assert [k async for k in redis.scan_iter(f"*{conversation_id}*")] == []
    assert not await redis.exists(keys.customer_conversations(CUSTOMER), keys.telegram_chat(777))
    assert await redis.zrange(keys.queue(), 0, -1) == []
    [(_, rating)] = await redis.xrange(keys.ratings())
    assert (rating["conversation"], rating["score"], rating["comment"]) == ("", "4", "")
    assert (await store.get(other)).customer == "user:43"
    assert await redis.exists(keys.transcript(other), keys.rasa_tracker(other)) == 2
    assert [folder.name for folder in tmp_path.iterdir()] == [other]  # the customer's files gone
    [(_, audited)] = await redis.xrange(keys.audit())
    assert (audited["action"], audited["customer"]) == ("erase", CUSTOMER)
    assert audited["actor"].startswith("cli:")

    again = await baton_says(baton, "customers", "export", CUSTOMER)
    assert json.loads(again.stdout)["conversations"] == []
