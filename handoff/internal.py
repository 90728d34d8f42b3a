"""The hub's internal API for the action server: knowledge-base answers (a shared secret)."""

import secrets
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from handoff.deps import ServicesDep
from handoff.policy import EscalationPolicy
from knowledge_base.api import Decision, decision_of
from knowledge_base.unanswered import UnansweredQuestions

router = APIRouter(prefix="/internal", tags=["internal"])

NLU_NOT_CONFIDENT = frozenset({"nlu_fallback"})


async def require_internal_token(request: Request, services: ServicesDep) -> None:
    """Only callers holding BATON_INTERNAL_TOKEN (the action server) get through."""
    expected = services.settings.internal_token.get_secret_value()
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not expected or not secrets.compare_digest(sent, expected):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Internal token required.")


Internal = Annotated[None, Depends(require_internal_token)]


class AnswerRequest(BaseModel):
    """A customer's question, as the bot received it, and what its NLU made of it."""

    question: str = Field(min_length=1, max_length=4000)
    language: str = Field(pattern=r"^[a-z]{2}$")
    conversation_id: str = Field(default="", max_length=64)
    intent: str | None = Field(default=None, max_length=100)
    intent_confidence: float | None = None


class BotDecision(Decision):
    """The knowledge base's decision, turned into the bot's next step by the policy."""

    decision: Literal["answer", "rephrase", "escalate"]
    reason: str | None = None


@router.post("/kb/answer")
async def answer(request: AnswerRequest, _: Internal, services: ServicesDep) -> BotDecision:
    """The bot's next step for a question; the ones it cannot answer are kept for editors."""
    settings = services.settings
    result = await services.knowledge.search(
        request.question, request.language, settings.kb_answer_threshold
    )
    if result.answer is None:
        await UnansweredQuestions(services.redis).record(request.question, request.language)
    step = await EscalationPolicy(services.redis, settings.max_consecutive_misses).next_step(
        request.conversation_id,
        answered=result.answer is not None,
        nlu_confident=request.intent not in NLU_NOT_CONFIDENT,
    )
    found = decision_of(result, settings.base_url)
    return BotDecision(**(found.model_dump() | {"decision": step.action, "reason": step.reason}))
