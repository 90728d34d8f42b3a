"""The records desk against real Redis: a verified customer sees only their own records, the
rest learn nothing, lookups are limited per customer and noted for agents only."""

from collections.abc import Callable

import pytest
from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
from handoff.customers.rate_limits import RateLimits
from handoff.customers.records.backend import RecordsUnavailable
from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.desk import Access, NeedsPerson, RecordsDesk
from handoff.customers.records.model import CustomerRecords
from handoff.settings import Settings
from knowledge_base.articles import ArticleContent, Status
from knowledge_base.store import ArticleStore

BASE_URL = "https://help.example"


class DownRecords:
    """A backend that cannot be read, as a records API in trouble."""

    async def records(self, user_id: str) -> CustomerRecords | None:
        raise RecordsUnavailable("down")

    async def aclose(self) -> None:
        """Nothing to close."""


@pytest.fixture
def desk_of(redis: Redis, store: ConversationStore) -> Callable[..., RecordsDesk]:
    """`desk_of(backend, lookups="10/minute")`: a desk over the test's database."""

    def desk(backend: object, lookups: str = "10/minute") -> RecordsDesk:
        settings = Settings(records_lookup_rate_per_customer=lookups)
        return RecordsDesk(
            backend, store, RateLimits(redis, settings), ArticleStore(redis), BASE_URL
        )

    return desk


@pytest.fixture
def desk(desk_of: Callable[..., RecordsDesk], demo_records: DemoRecords) -> RecordsDesk:
    return desk_of(demo_records)


async def conversation_of(
    store: ConversationStore, customer: str, verified: bool = True, language: str = "en"
) -> str:
    return (await store.create("web", language, customer, verified=verified)).id


async def test_a_verified_customer_gets_their_own_transfer(
    desk: RecordsDesk, store: ConversationStore
) -> None:
    conversation = await conversation_of(store, "user:hb-1001")
    lookup = await desk.look_up(conversation, "transfer", "HB-2026-000123")
    assert lookup.access is Access.GRANTED
    assert lookup.transfer.reference == "HB-2026-000123"
    assert lookup.transfer.status == "paid_out"
    assert lookup.transfer.recipient == "N*** V** A*** (••••4821)"
    assert lookup.needs_person is None


async def test_another_customers_reference_looks_exactly_like_one_that_does_not_exist(
    desk: RecordsDesk, store: ConversationStore
) -> None:
    conversation = await conversation_of(store, "user:hb-1001")
    someone_elses = await desk.look_up(conversation, "transfer", "HB-2026-000202")
    unknown = await desk.look_up(conversation, "transfer", "HB-2026-999999")
    assert someone_elses.transfer is None
    assert someone_elses.model_dump() == unknown.model_dump()


@pytest.mark.parametrize(
    ("customer", "verified"),
    [("user:hb-1001", False), ("web-4f1c", False), ("web-4f1c", True)],
)
async def test_an_unverified_customer_learns_nothing(
    desk: RecordsDesk, store: ConversationStore, customer: str, verified: bool
) -> None:
    conversation = await conversation_of(store, customer, verified=verified)
    for topic in ("transfer", "verification"):
        lookup = await desk.look_up(conversation, topic, "HB-2026-000123")
        assert lookup.model_dump(exclude_none=True) == {"access": "unverified", "recent": []}


async def test_without_a_reference_the_recent_transfers_come_newest_first(
    desk: RecordsDesk, store: ConversationStore
) -> None:
    conversation = await conversation_of(store, "user:hb-1001")
    lookup = await desk.look_up(conversation, "transfer", None)
    created = [transfer.created_at for transfer in lookup.recent]
    assert len(created) == 5
    assert created == sorted(created, reverse=True)
    assert {t.reference for t in lookup.recent} == {f"HB-2026-00012{n}" for n in range(3, 8)}


async def test_each_lookup_leaves_the_record_in_the_transcript_for_agents_only(
    desk: RecordsDesk, store: ConversationStore
) -> None:
    conversation = await conversation_of(store, "user:hb-1002")
    await desk.look_up(conversation, "transfer", "HB-2026-000202")
    await desk.look_up(conversation, "transfer", "HB-2026-000123")
    found, missing = await store.entries(conversation)
    assert found.internal and missing.internal
    assert not found.shown_to_customer and not missing.shown_to_customer
    assert found.meta["records"]["record"]["reference"] == "HB-2026-000202"
    assert found.meta["records"]["outcome"].startswith("compliance_hold")
    assert "record" not in missing.meta["records"]


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("HB-2026-000202", NeedsPerson.COMPLIANCE_HOLD),
        ("HB-2026-000201", NeedsPerson.OVERDUE),
        ("HB-2026-000203", NeedsPerson.REFUND_FAILED),
        ("HB-2026-000204", None),
    ],
)
async def test_records_that_need_a_person_say_why(
    desk: RecordsDesk, store: ConversationStore, reference: str, reason: NeedsPerson | None
) -> None:
    conversation = await conversation_of(store, "user:hb-1002")
    assert (await desk.look_up(conversation, "transfer", reference)).needs_person == reason


async def test_a_delay_within_its_promise_needs_no_person(
    desk: RecordsDesk, store: ConversationStore
) -> None:
    conversation = await conversation_of(store, "user:hb-1001")
    lookup = await desk.look_up(conversation, "transfer", "HB-2026-000125")
    assert lookup.transfer.status == "delayed"
    assert lookup.needs_person is None


async def test_a_rejected_verification_comes_with_its_article_in_the_language(
    desk: RecordsDesk, store: ConversationStore, redis: Redis
) -> None:
    content = ArticleContent(
        title="본인 인증이 거절되었을 때", body="다시 보내 주세요.", status=Status.PUBLISHED
    )
    await ArticleStore(redis).save("ko", "verification-rejected", content, by="t", base_revision=0)
    conversation = await conversation_of(store, "user:hb-1003", language="ko")
    lookup = await desk.look_up(conversation, "verification", None)
    assert lookup.verification.status == "rejected"
    assert lookup.verification.reason_codes == ["document_expired", "selfie_mismatch"]
    assert lookup.article.model_dump() == {
        "title": "본인 인증이 거절되었을 때",
        "url": f"{BASE_URL}/help/ko/verification-rejected",
    }


async def test_lookups_are_limited_per_customer_whatever_the_conversation(
    desk_of: Callable[..., RecordsDesk], demo_records: DemoRecords, store: ConversationStore
) -> None:
    desk = desk_of(demo_records, lookups="2/minute")
    first, second = [await conversation_of(store, "user:hb-1001") for _ in range(2)]
    await desk.look_up(first, "transfer", None)
    await desk.look_up(second, "verification", None)
    limited = await desk.look_up(first, "transfer", "HB-2026-000123")
    assert limited.access is Access.RATE_LIMITED
    assert limited.transfer is None and limited.retry_after >= 1
    other = await conversation_of(store, "user:hb-1002")
    assert (await desk.look_up(other, "transfer", None)).access is Access.GRANTED


async def test_records_that_cannot_be_read_are_said_so_and_noted(
    desk_of: Callable[..., RecordsDesk], store: ConversationStore
) -> None:
    conversation = await conversation_of(store, "user:hb-1001")
    lookup = await desk_of(DownRecords()).look_up(conversation, "transfer", "HB-2026-000123")
    assert lookup.access is Access.UNAVAILABLE
    (note,) = await store.entries(conversation)
    assert note.internal and note.meta["records"]["outcome"] == "unavailable"


async def test_an_unknown_conversation_is_refused(desk: RecordsDesk) -> None:
    with pytest.raises(LookupError):
        await desk.look_up("0" * 32, "transfer", None)
