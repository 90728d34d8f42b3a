"""What an article is: the content editors write, and the version the store keeps."""

import re
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, Field, field_validator

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SHORT_ANSWER_CHARS = 400
# The tag of articles that say what Hanbit Remit does not do (loans, other companies' accounts,
# tax advice): the bot declines with them instead of answering (knowledge_base/decision.py).
OUT_OF_SCOPE_TAG = "out-of-scope"
MAX_QUESTION_CHARS = 1000


class Status(StrEnum):
    """Only published articles are searched by the bot."""

    DRAFT = "draft"
    PUBLISHED = "published"


class ArticleContent(BaseModel):
    """The part of an article editors write."""

    title: str = Field(min_length=1, max_length=200)
    body: str = Field(max_length=20_000)
    questions: list[str] = Field(default_factory=list, max_length=1000)
    tags: list[str] = Field(default_factory=list, max_length=20)
    status: Status = Status.DRAFT

    @field_validator("title")
    @classmethod
    def _strip_title(cls, title: str) -> str:
        return title.strip()

    @field_validator("questions")
    @classmethod
    def _clean_questions(cls, questions: list[str]) -> list[str]:
        cleaned = list(dict.fromkeys(q.strip() for q in questions if q.strip()))
        if any(len(q) > MAX_QUESTION_CHARS for q in cleaned):
            raise ValueError(f"a question variant has at most {MAX_QUESTION_CHARS} characters")
        return cleaned

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, tags: list[str]) -> list[str]:
        return list(dict.fromkeys(t.strip().lower() for t in tags if t.strip()))[:20]


class Article(ArticleContent):
    """An article as stored: its content, identity and version."""

    slug: str = Field(pattern=SLUG, max_length=80)
    language: str = Field(pattern=r"^[a-z]{2}$")
    revision: int = 0
    updated_at: float = 0.0
    updated_by: str = ""

    @property
    def key(self) -> str:
        """ "language:slug", unique across the knowledge base."""
        return f"{self.language}:{self.slug}"

    @property
    def declines(self) -> bool:
        """Whether the article says what Hanbit Remit does not do (tagged OUT_OF_SCOPE_TAG)."""
        return OUT_OF_SCOPE_TAG in self.tags

    @property
    def short_answer(self) -> str:
        """The body's first paragraph, as plain text: what the bot says before "read more"."""
        return short_answer_of(self.body)


class Revision(BaseModel):
    """One saved version of an article, with who saved it and why."""

    article: Article
    action: str
    note: str = ""


@lru_cache(maxsize=4096)
def short_answer_of(body: str) -> str:
    """A body's first paragraph, as plain text, cut to SHORT_ANSWER_CHARS (kept per body: every
    decision lists its ranked articles' short answers, and `baton eval --fit-policy` makes
    thousands)."""
    first = next((p for p in re.split(r"\n\s*\n", body.strip()) if p.strip()), "")
    unquoted = re.sub(r"^\s*>\s?", "", first, flags=re.M)  # a blockquote marker, not "A > B"
    plain = re.sub(r"[*_`#]|\[([^\]]*)\]\([^)]*\)", r"\1", unquoted).strip()
    return plain[:SHORT_ANSWER_CHARS]


def dense_units(article: Article) -> list[str]:
    """The texts of an article that questions are compared with, its title and question
    variants: one embedding each for the search, one example each for the variants' reader."""
    return [article.title, *article.questions]
