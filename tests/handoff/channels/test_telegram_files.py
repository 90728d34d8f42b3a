"""Photos and documents from Telegram customers: fetched through the Bot API stand-in (getFile
and the file download), checked, kept outside Redis, shown only to the agent holding the chat."""

from pathlib import Path

from redis.asyncio import Redis

from handoff import keys
from handoff.channels.telegram_messages import HUMAN
from handoff.conversations.model import Sender
from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.queue.agent_queue import Escalation
from handoff.staff.users import Role
from tests.handoff.channels.test_telegram import (
    MINA,
    StartHub,
    _poll_entry,
    conversation_of,
    texts,
)
from tests.support import StaffAccounts, log_in
from tests.telegram_bot_api import BotApi


async def audit_trail(redis: Redis) -> list[dict]:
    """The personal-data audit (who opened, exported or erased whose data)."""
    return [fields for _, fields in await redis.xrange(keys.audit())]


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 60_000
UNREADABLE = system_message("files_unreadable", "en")


async def test_a_photo_is_kept_with_its_caption_and_only_the_holding_agent_gets_it(
    start_telegram_hub: StartHub,
    bot_api: BotApi,
    redis: Redis,
    store: ConversationStore,
    staff: StaffAccounts,
    tmp_path: Path,
) -> None:
    hub = await start_telegram_hub(attachments_dir=tmp_path)
    await bot_api.post(bot_api.photo(MINA, JPEG, caption="my receipt"))
    await bot_api.wait(lambda: UNREADABLE in texts(bot_api, MINA))
    offer = bot_api.last_message(MINA["id"])["reply_markup"]["inline_keyboard"]
    assert offer[0][0]["callback_data"] == HUMAN  # the bot offers a person
    conversation = await conversation_of(redis, store, MINA)
    [kept] = [e for e in await store.entries(conversation.id) if e.event == "attachment"]
    assert (kept.sender, kept.text) == (Sender.CUSTOMER, "my receipt")
    attachment = kept.meta["attachment"]
    assert (attachment["type"], attachment["size"]) == ("image/jpeg", len(JPEG))
    assert (tmp_path / conversation.id / attachment["id"]).read_bytes() == JPEG
    assert not await redis.keys(f"*{attachment['id']}*")  # the file is not in Redis

    url = f"/attachments/{conversation.id}/{attachment['id']}"
    holder, other = await staff(Role.AGENT), await staff(Role.AGENT)
    queue = hub.app.state.services.queue
    await queue.escalate(conversation.id, Escalation.because("customer_asked"))
    await queue.heartbeat(holder.name)  # a console open: the sweeper leaves the chat to them
    await queue.claim(conversation.id, holder.name)
    assert (await hub.client().get(url)).status_code == 401
    other_client = hub.client()
    await log_in(other_client, other.name, other.password)
    assert (await other_client.get(url)).status_code == 403
    holder_client = hub.client()
    await log_in(holder_client, holder.name, holder.password)
    served = await holder_client.get(url)
    assert (served.status_code, served.content) == (200, JPEG)
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["content-disposition"].startswith("attachment")
    forged = await holder_client.get(f"/attachments/{conversation.id}/..%2F..%2Fsecret.pdf")
    assert forged.status_code == 404
    assert not await audit_trail(redis)  # the holder's own chat: their job, not audited

    admin = await staff.log_in(hub.client(), Role.ADMIN)  # an admin opens any chat's files
    opened = await admin.get(url)
    assert (opened.status_code, opened.content) == (200, JPEG)
    [audited] = await audit_trail(redis)
    assert audited["action"] == "open_attachment" and audited["actor"].startswith("admin:")
    expected = (conversation.customer, conversation.id, attachment["id"])
    assert (audited["customer"], audited["conversation"], audited["attachment"]) == expected
    editor = await staff.log_in(hub.client(), Role.EDITOR)
    assert (await editor.get(url)).status_code == 403
    assert len(await audit_trail(redis)) == 1  # a refusal opens nothing


async def test_a_file_too_big_or_of_another_type_is_refused_and_nothing_is_kept(
    start_telegram_hub: StartHub,
    bot_api: BotApi,
    redis: Redis,
    store: ConversationStore,
    tmp_path: Path,
) -> None:
    await start_telegram_hub(attachments_dir=tmp_path, telegram_max_file_bytes=50_000)
    refused = system_message("file_refused", "en", megabytes=0)
    await bot_api.post(bot_api.document(MINA, PNG, "scan.png", "image/png"))
    await bot_api.wait(lambda: refused in texts(bot_api, MINA))
    assert not bot_api.called("getFile")  # refused by the size Telegram gave, not fetched
    page = b"<html><script>alert(1)</script></html>"
    await bot_api.post(bot_api.document(MINA, page, "id.pdf", "application/pdf", "my id"))
    await bot_api.wait(lambda: texts(bot_api, MINA).count(refused) == 2)
    assert len(bot_api.called("download")) == 1  # fetched, then refused by what its bytes are
    await bot_api.post(bot_api.text(MINA, "/human"))
    conversation = await conversation_of(redis, store, MINA)
    await _poll_entry(store, conversation.id, lambda e: e.event == "escalated")
    assert not [e for e in await store.entries(conversation.id) if e.event == "attachment"]
    assert not any(tmp_path.rglob("*.*"))
