"""The editor's knowledge-gap loop: the unanswered and not-helpful questions grouped by meaning;
a draft article started from a group, or its questions added to an article as variants; and how
many of a group's questions the bot would now answer (the one answer-or-escalate decision)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field

from handoff.api.deps import EditorDep, ServicesDep, refuse_oversize
from handoff.api.editor import ArticleView, view_of
from knowledge_base.articles import MAX_QUESTION_CHARS, SLUG, ArticleContent, Status
from knowledge_base.files import content_of
from knowledge_base.gaps import GapReport

router = APIRouter(prefix="/kb/api/gaps", tags=["knowledge base"])

LanguageField = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
Questions = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_CHARS)]],
    Field(min_length=1, max_length=50),
]


class DraftRequest(BaseModel):
    """A new draft article whose variants are a group's questions."""

    language: LanguageField
    slug: str = Field(pattern=SLUG, max_length=80)
    title: str = Field(min_length=1, max_length=200)
    questions: Questions


class VariantsRequest(BaseModel):
    """A group's questions, to add to an existing article as variants."""

    language: LanguageField
    slug: str = Field(pattern=SLUG, max_length=80)
    questions: Questions


class CoverageRequest(BaseModel):
    """A group's questions, to try as customers would ask them."""

    language: LanguageField
    questions: Questions


class Covered(BaseModel):
    """One question and what the bot would do with it now."""

    question: str
    decision: str
    slug: str | None


class Coverage(BaseModel):
    """How many of the questions the bot would now answer."""

    answered: int
    total: int
    questions: list[Covered]


@router.get("")
async def gap_groups(
    _: EditorDep,
    services: ServicesDep,
    language: Annotated[str, Query(pattern=r"^[a-z]{2}$")] = "en",
) -> GapReport:
    """The last two weeks' unanswered and not-helpful questions, grouped, biggest first."""
    return await services.gaps.report(language)


@router.post("/draft")
async def start_draft(
    request: DraftRequest, staff: EditorDep, services: ServicesDep
) -> ArticleView:
    """Save a new draft with the group's questions as its variants; 409 if the slug is taken."""
    if request.language not in services.settings.supported_languages:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"Unsupported language {request.language}."
        )
    if await services.articles.get(request.language, request.slug):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"There is already an article {request.language}/{request.slug}.",
        )
    content = ArticleContent(
        title=request.title, body="", questions=request.questions, status=Status.DRAFT
    )
    article = await services.articles.save(
        request.language, request.slug, content, by=staff.user.name, base_revision=0,
        note="started from a knowledge gap",
    )  # fmt: skip
    return view_of(article)


@router.post("/variants")
async def add_variants(
    request: VariantsRequest, staff: EditorDep, services: ServicesDep
) -> ArticleView:
    """Add the group's questions to an article's variants (those it has already are kept once)."""
    current = await services.articles.get(request.language, request.slug)
    if current is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"No article {request.language}/{request.slug}."
        )
    content = content_of(current).model_dump()
    content["questions"] = [*current.questions, *request.questions]
    article = await services.articles.save(
        request.language,
        request.slug,
        ArticleContent(**content),
        by=staff.user.name,
        base_revision=current.revision,
        note="questions from a knowledge gap",
    )
    return view_of(article)


@router.post("/coverage")
async def coverage(request: CoverageRequest, _: EditorDep, services: ServicesDep) -> Coverage:
    """What the bot would now do with each question, as "try a question" shows it."""
    covered = []
    for question in request.questions:
        refuse_oversize(question, services.settings)
        decision = await services.answers.preview(question, request.language)
        answer = decision.results[0].slug if decision.decision == "answer" else None
        covered.append(Covered(question=question, decision=decision.decision, slug=answer))
    answered = sum(c.decision == "answer" for c in covered)
    return Coverage(answered=answered, total=len(covered), questions=covered)
