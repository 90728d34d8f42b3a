"""The hub's internal API for the action server: knowledge-base answers (a shared secret)."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from handoff.deps import ServicesDep
from knowledge_base.api import Decision, decision_of
from knowledge_base.unanswered import UnansweredQuestions

router = APIRouter(prefix="/internal", tags=["internal"])


async def require_internal_token(request: Request, services: ServicesDep) -> None:
    """Only callers holding BATON_INTERNAL_TOKEN (the action server) get through."""
    expected = services.settings.internal_token.get_secret_value()
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not expected or not secrets.compare_digest(sent, expected):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Internal token required.")


Internal = Annotated[None, Depends(require_internal_token)]


class AnswerRequest(BaseModel):
    """A customer's question, as the bot received it."""

    question: str = Field(min_length=1, max_length=4000)
    language: str = Field(pattern=r"^[a-z]{2}$")


@router.post("/kb/answer")
async def answer(request: AnswerRequest, _: Internal, services: ServicesDep) -> Decision:
    """The bot's decision for a question; the ones it cannot answer are kept for editors."""
    settings = services.settings
    result = await services.knowledge.search(
        request.question, request.language, settings.kb_answer_threshold
    )
    if result.answer is None:
        await UnansweredQuestions(services.redis).record(request.question, request.language)
    return decision_of(result, settings.base_url)
