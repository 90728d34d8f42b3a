"""The hub's internal API for the action server: the bot's decision for a question, and the
conversation's customer's company records (a shared secret, BATON_INTERNAL_TOKEN)."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from handoff.api.deps import ServicesDep, refuse_oversize
from handoff.customers.records.desk import Lookup, Topic
from handoff.customers.records.model import REFERENCE_PATTERN
from knowledge_base.articles import SLUG
from knowledge_base.decision import Decision

router = APIRouter(prefix="/internal", tags=["internal"])


async def require_internal_token(request: Request, services: ServicesDep) -> None:
    """Only callers holding BATON_INTERNAL_TOKEN (the action server) get through."""
    expected = services.settings.internal_token.get_secret_value()
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Internal token required.")


Internal = Annotated[None, Depends(require_internal_token)]


class AnswerRequest(BaseModel):
    """A customer's message in a conversation, and the best intent Rasa's NLU gave it."""

    question: str = Field(min_length=1)
    language: str = Field(pattern=r"^[a-z]{2}$")
    conversation_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    intent: str | None = Field(default=None, max_length=100)
    confidence: float | None = Field(default=None, ge=0, le=1)
    # The article the customer chose among those the bot offered (a "suggest" decision).
    article: str | None = Field(default=None, pattern=SLUG, max_length=80)


@router.post("/kb/answer")
async def answer(request: AnswerRequest, _: Internal, services: ServicesDep) -> Decision:
    """The bot's decision: answer (with the ranked articles), offer articles to choose from,
    rephrase, escalate (why), or reply as the intent asks."""
    refuse_oversize(request.question, services.settings)
    try:
        return await services.answers.for_customer(
            request.conversation_id,
            request.question,
            request.language,
            request.intent,
            request.confidence,
            request.article,
        )
    except LookupError as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.") from unknown


class RecordsRequest(BaseModel):
    """What a conversation's customer asked about; the hub knows who the customer is."""

    conversation_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    topic: Topic
    reference: str | None = Field(default=None, pattern=REFERENCE_PATTERN)


@router.post("/records")
async def records(request: RecordsRequest, _: Internal, services: ServicesDep) -> Lookup:
    """The conversation's customer's own records on the topic, if they are verified (a
    reference that is not theirs is answered as one that does not exist)."""
    try:
        return await services.records.look_up(
            request.conversation_id, request.topic, request.reference
        )
    except LookupError as unknown:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such conversation.") from unknown
