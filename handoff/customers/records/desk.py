"""The records desk: what the bot may tell a conversation's customer from the company's records.

Identity first: only a verified customer's own records are read (the conversation names the
customer; the caller never does), a reference that is not theirs looks exactly like one that
does not exist, lookups are rate-limited per customer, and each leaves an agents-only entry in
the transcript with the record it read.
"""

import logging
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal, Protocol

from pydantic import BaseModel

from handoff.conversations.model import Conversation, Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.customers.identity import VERIFIED_PREFIX
from handoff.customers.rate_limits import Action, RateLimited, RateLimits
from handoff.customers.records.backend import RecordsBackend, RecordsUnavailable
from handoff.customers.records.model import (
    CustomerRecords,
    Transfer,
    TransferStatus,
    Verification,
    VerificationStatus,
)

logger = logging.getLogger(__name__)

RECENT_TRANSFERS = 5
Topic = Literal["transfer", "verification"]


class Access(StrEnum):
    """Whether the records could be read for this customer now."""

    GRANTED = "granted"
    UNVERIFIED = "unverified"  # the channel does not vouch for who the customer is
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"  # the records backend is down, slow or broken


class NeedsPerson(StrEnum):
    """Records the bot must not handle alone: the hand-over's reason."""

    COMPLIANCE_HOLD = "records_compliance_hold"
    OVERDUE = "records_transfer_overdue"
    REFUND_FAILED = "records_refund_failed"


class Titled(Protocol):
    """An article, as far as a link to it needs."""

    title: str


class Articles(Protocol):
    """Where the desk finds help articles (knowledge_base.store.ArticleStore)."""

    async def get(self, language: str, slug: str) -> Titled | None:
        """The article, or None."""
        ...


class ArticleLink(BaseModel):
    """A help article to point to, in the conversation's language."""

    title: str
    url: str


class Lookup(BaseModel):
    """What the bot may say: the record asked for, or the customer's recent transfers."""

    access: Access
    retry_after: int | None = None
    verification: Verification | None = None
    transfer: Transfer | None = None  # the one referenced, if it is the customer's
    recent: list[Transfer] = []  # without a reference: the latest few, newest first
    needs_person: NeedsPerson | None = None
    article: ArticleLink | None = None


ARTICLE_OF_TRANSFER = {
    TransferStatus.DELAYED: "transfer-delayed",
    TransferStatus.FAILED: "transfer-failed-refund",
}
REJECTED_ARTICLE = "verification-rejected"


def needs_person(transfer: Transfer, now: datetime) -> NeedsPerson | None:
    """Whether a transfer's state calls for a person, and why."""
    if transfer.status is TransferStatus.COMPLIANCE_HOLD:
        return NeedsPerson.COMPLIANCE_HOLD
    late = transfer.expected_arrival is not None and transfer.expected_arrival < now
    if transfer.status is TransferStatus.DELAYED and late:
        return NeedsPerson.OVERDUE
    if transfer.status is TransferStatus.FAILED and transfer.refund_status == "refund_failed":
        return NeedsPerson.REFUND_FAILED
    return None


class Panel(BaseModel):
    """A verified customer's records as agents see them beside the chat."""

    available: bool  # False: the records could not be read now
    verification: Verification | None = None
    transfers: list[Transfer] = []


def verified_user(conversation: Conversation) -> str | None:
    """The company's user id of a conversation's customer, if the channel vouched for them."""
    if conversation.verified and conversation.customer.startswith(VERIFIED_PREFIX):
        return conversation.customer.removeprefix(VERIFIED_PREFIX)
    return None


class RecordsDesk:
    """Looks up a conversation's customer's records, under the identity rules above."""

    def __init__(
        self,
        backend: RecordsBackend,
        conversations: ConversationStore,
        rate_limits: RateLimits,
        articles: Articles,
        base_url: str,
    ) -> None:
        self._backend = backend
        self._conversations = conversations
        self._rate_limits = rate_limits
        self._articles = articles
        self._base_url = base_url

    async def look_up(self, conversation_id: str, topic: Topic, reference: str | None) -> Lookup:
        """The records the conversation's customer asked about (LookupError: no conversation)."""
        conversation = await self._conversations.get(conversation_id)
        user_id, language = verified_user(conversation), conversation.language
        if user_id is None:
            return Lookup(access=Access.UNVERIFIED)
        try:
            await self._rate_limits.hit_customer(
                Action.RECORDS_LOOKUP, language, customer=conversation.customer
            )
        except RateLimited as limited:
            return Lookup(access=Access.RATE_LIMITED, retry_after=limited.retry_after)
        try:
            records = await self._backend.records(user_id)
        except RecordsUnavailable as error:
            logger.warning("Records unavailable for conversation %s: %s", conversation_id, error)
            await self._note(conversation_id, topic, reference, "unavailable", None)
            return Lookup(access=Access.UNAVAILABLE)
        lookup = self._answer(records or CustomerRecords(), topic, reference)
        lookup.article = await self._article(lookup, language)
        record = lookup.transfer or (lookup.verification if topic == "verification" else None)
        outcome = _outcome(lookup, topic, reference)
        await self._note(conversation_id, topic, reference, outcome, record)
        return lookup

    def _answer(self, records: CustomerRecords, topic: Topic, reference: str | None) -> Lookup:
        """The part of the customer's records that answers the question."""
        if topic == "verification":
            return Lookup(access=Access.GRANTED, verification=records.verification)
        if reference is None:
            return Lookup(access=Access.GRANTED, recent=records.transfers[:RECENT_TRANSFERS])
        own = {transfer.reference: transfer for transfer in records.transfers}
        transfer = own.get(reference.upper())
        return Lookup(
            access=Access.GRANTED,
            transfer=transfer,
            needs_person=needs_person(transfer, datetime.now(UTC)) if transfer else None,
        )

    async def _article(self, lookup: Lookup, language: str) -> ArticleLink | None:
        """The help article that goes with the answer, if there is one in the language."""
        slug = None
        if lookup.transfer is not None:
            slug = ARTICLE_OF_TRANSFER.get(lookup.transfer.status)
        elif lookup.verification and lookup.verification.status is VerificationStatus.REJECTED:
            slug = REJECTED_ARTICLE
        article = await self._articles.get(language, slug) if slug else None
        if article is None:
            return None
        return ArticleLink(title=article.title, url=f"{self._base_url}/help/{language}/{slug}")

    async def _note(
        self,
        conversation_id: str,
        topic: Topic,
        reference: str | None,
        outcome: str,
        record: Transfer | Verification | None,
    ) -> None:
        """Leave the lookup, and the record it read, in the transcript for agents only."""
        asked = reference or ("the verification case" if topic == "verification" else "recent")
        meta = {"records": {"topic": topic, "reference": reference, "outcome": outcome}}
        if record is not None:
            meta["records"]["record"] = record.model_dump(mode="json")
        entry = Entry(
            sender=Sender.SYSTEM,
            text=f"Records lookup ({asked}): {outcome}",
            event="records_lookup",
            meta=meta,
            internal=True,
        )
        await self._conversations.append(conversation_id, entry)

    async def panel(self, conversation: Conversation) -> Panel | None:
        """What the agents' customer panel shows of a verified customer's records; None for
        a customer who is not verified."""
        user_id = verified_user(conversation)
        if user_id is None:
            return None
        try:
            records = await self._backend.records(user_id) or CustomerRecords()
        except RecordsUnavailable:
            return Panel(available=False)
        return Panel(
            available=True,
            verification=records.verification,
            transfers=records.transfers[:RECENT_TRANSFERS],
        )

    async def aclose(self) -> None:
        """Close the backend's connections."""
        await self._backend.aclose()


def _outcome(lookup: Lookup, topic: Topic, reference: str | None) -> str:
    """The lookup's result in a few words, for agents."""
    if topic == "verification":
        return lookup.verification.status.value if lookup.verification else "no case"
    if reference is None:
        return f"{len(lookup.recent)} recent transfers"
    if lookup.transfer is None:
        return "not among the customer's transfers"
    person = f", needs a person ({lookup.needs_person.value})" if lookup.needs_person else ""
    return lookup.transfer.status.value + person
