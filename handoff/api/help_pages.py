"""The public help centre: each published article on a page of its own."""

import html
from pathlib import Path
from string import Template
from typing import Annotated

from fastapi import APIRouter, HTTPException, status
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from handoff.api.deps import ServicesDep
from knowledge_base.articles import SLUG, Status
from knowledge_base.markdown import render

PAGE = Template((Path(__file__).resolve().parent.parent / "templates" / "help.html").read_text())
router = APIRouter(tags=["help centre"])


@router.get("/help/{language}/{slug}", response_class=HTMLResponse)
async def help_article(
    language: Annotated[str, PathParam(pattern=r"^[a-z]{2}$")],
    slug: Annotated[str, PathParam(pattern=SLUG, max_length=80)],
    services: ServicesDep,
) -> HTMLResponse:
    """A published article, its Markdown rendered and sanitised."""
    article = await services.articles.get(language, slug)
    if article is None or article.status is not Status.PUBLISHED:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such article.")
    page = PAGE.substitute(
        language=language, title=html.escape(article.title), body=render(article.body)
    )
    return HTMLResponse(page)
