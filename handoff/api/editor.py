"""The knowledge-base editor's API: list, read, write, publish, history, diff, restore, preview,
try a question, and the questions the bot could not answer.

A save from a stale revision raises EditConflict, which the app answers with 409.
"""

import difflib
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from pydantic import BaseModel, Field

from handoff.api.deps import EditorDep, ServicesDep, refuse_oversize
from knowledge_base.articles import SLUG, Article, ArticleContent, Status
from knowledge_base.decision import Decision
from knowledge_base.files import content_of
from knowledge_base.markdown import render
from knowledge_base.unanswered import Unanswered

router = APIRouter(prefix="/kb/api", tags=["knowledge base"])

Language = Annotated[str, Path(pattern=r"^[a-z]{2}$")]
Slug = Annotated[str, Path(pattern=SLUG, max_length=80)]


class ArticleSummary(BaseModel):
    """A line of the article list."""

    slug: str
    language: str
    title: str
    status: Status
    tags: list[str]
    questions: int
    revision: int
    updated_at: float
    updated_by: str


class ArticleView(BaseModel):
    """An article with its body rendered to safe HTML."""

    article: Article
    html: str


class SaveRequest(BaseModel):
    """New content, and the revision the editor started from (0 to create)."""

    content: ArticleContent
    base_revision: int = Field(ge=0)


class StatusRequest(BaseModel):
    """Publish or unpublish, from the revision the editor sees."""

    status: Status
    base_revision: int = Field(ge=1)


class RestoreRequest(BaseModel):
    """Bring an old revision back as the newest."""

    revision: int = Field(ge=1)
    base_revision: int = Field(ge=1)


class RevisionSummary(BaseModel):
    """A line of an article's history."""

    revision: int
    action: str
    note: str
    updated_by: str
    updated_at: float
    status: Status


class PreviewRequest(BaseModel):
    """Markdown to preview."""

    markdown: str = Field(max_length=20_000)


def view_of(article: Article) -> ArticleView:
    """An article with its body rendered."""
    return ArticleView(article=article, html=render(article.body))


def _matches(article: Article, find: str) -> bool:
    text = "\n".join([article.slug, article.title, article.body, *article.questions, *article.tags])
    return find.casefold() in text.casefold()


@router.get("/articles")
async def list_articles(
    _: EditorDep,
    services: ServicesDep,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2}$")] = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    find: Annotated[str | None, Query(max_length=200)] = None,
) -> list[ArticleSummary]:
    """Articles, filtered by language, status and a text to find anywhere in them."""
    articles = [
        a
        for a in await services.articles.all()
        if (language is None or a.language == language)
        and (status_ is None or a.status == status_)
        and (not find or _matches(a, find))
    ]
    return [
        ArticleSummary(**a.model_dump(exclude={"questions", "body"}), questions=len(a.questions))
        for a in articles
    ]


async def _get(services, language: str, slug: str) -> Article:
    article = await services.articles.get(language, slug)
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No article {language}/{slug}.")
    return article


@router.get("/articles/{language}/{slug}")
async def read_article(
    language: Language, slug: Slug, _: EditorDep, services: ServicesDep
) -> ArticleView:
    """One article, with its rendered body."""
    return view_of(await _get(services, language, slug))


@router.put("/articles/{language}/{slug}")
async def save_article(
    language: Language, slug: Slug, request: SaveRequest, staff: EditorDep, services: ServicesDep
) -> ArticleView:
    """Create (base_revision 0) or update an article; 409 if someone saved it meanwhile."""
    if language not in services.settings.supported_languages:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"Unsupported language {language}."
        )
    article = await services.articles.save(
        language, slug, request.content, by=staff.user.name, base_revision=request.base_revision
    )
    return view_of(article)


@router.post("/articles/{language}/{slug}/status")
async def set_status(
    language: Language, slug: Slug, request: StatusRequest, staff: EditorDep, services: ServicesDep
) -> ArticleView:
    """Publish or unpublish."""
    current = await _get(services, language, slug)
    content = content_of(current).model_copy(update={"status": request.status})
    action = "publish" if request.status is Status.PUBLISHED else "unpublish"
    article = await services.articles.save(
        language, slug, content, by=staff.user.name, base_revision=request.base_revision,
        action=action,
    )  # fmt: skip
    return view_of(article)


@router.get("/articles/{language}/{slug}/revisions")
async def list_revisions(
    language: Language, slug: Slug, _: EditorDep, services: ServicesDep
) -> list[RevisionSummary]:
    """An article's history, newest first."""
    revisions = await services.articles.revisions(language, slug)
    if not revisions:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No article {language}/{slug}.")
    return [
        RevisionSummary(
            revision=r.article.revision,
            action=r.action,
            note=r.note,
            updated_by=r.article.updated_by,
            updated_at=r.article.updated_at,
            status=r.article.status,
        )
        for r in reversed(revisions)
    ]


@router.get("/articles/{language}/{slug}/diff")
async def diff_revisions(
    language: Language,
    slug: Slug,
    _: EditorDep,
    services: ServicesDep,
    old: Annotated[int, Query(ge=1)],
    new: Annotated[int, Query(ge=1)],
) -> dict[str, list[str]]:
    """A line diff between two revisions (title, questions, tags, status and body)."""
    revisions = await services.articles.revisions(language, slug)
    if max(old, new) > len(revisions):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such revision.")
    before, after = (_as_lines(revisions[n - 1].article) for n in (old, new))
    lines = difflib.unified_diff(before, after, f"revision {old}", f"revision {new}", lineterm="")
    return {"lines": list(lines)}


def _as_lines(article: Article) -> list[str]:
    return [
        f"title: {article.title}",
        f"status: {article.status.value}",
        f"tags: {', '.join(article.tags)}",
        *(f"question: {q}" for q in article.questions),
        "",
        *article.body.splitlines(),
    ]


@router.post("/articles/{language}/{slug}/restore")
async def restore_revision(
    language: Language, slug: Slug, request: RestoreRequest, staff: EditorDep, services: ServicesDep
) -> ArticleView:
    """Save an old revision's content as the newest revision."""
    try:
        article = await services.articles.restore(
            language,
            slug,
            request.revision,
            by=staff.user.name,
            base_revision=request.base_revision,
        )
    except LookupError as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(missing)) from missing
    return view_of(article)


@router.post("/preview")
async def preview(request: PreviewRequest, _: EditorDep) -> dict[str, str]:
    """The sanitised HTML the widget, the console and the editor would show."""
    return {"html": render(request.markdown)}


class TryRequest(BaseModel):
    """A question to try, as a customer would ask it."""

    question: str = Field(min_length=1)
    language: str = Field(pattern=r"^[a-z]{2}$")


@router.post("/try")
async def try_question(request: TryRequest, _: EditorDep, services: ServicesDep) -> Decision:
    """What the bot would do with this question in a new conversation, with the ranked
    articles it considered."""
    refuse_oversize(request.question, services.settings)
    return await services.answers.preview(request.question, request.language)


@router.get("/unanswered")
async def unanswered(
    _: EditorDep,
    services: ServicesDep,
    language: Annotated[str, Query(pattern=r"^[a-z]{2}$")] = "en",
) -> list[Unanswered]:
    """The questions the bot escalated, most asked first."""
    return await services.unanswered.most_asked(language)
