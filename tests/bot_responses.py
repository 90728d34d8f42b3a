"""What the bot says, from bot/domain.yml and the seed articles, to check replies against."""

from functools import cache

import yaml

from handoff.settings import PROJECT_ROOT
from knowledge_base.articles import Article
from knowledge_base.files import ARTICLES_DIR, published_articles, read_article

# An expected reply that is an article's short answer: answered ("kb:slug") or declined with it.
ARTICLE_PREFIXES = ("kb:", "declines:")


@cache
def _responses() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "bot" / "domain.yml").read_text())["responses"]


def response_texts(name: str, language: str) -> set[str]:
    """Every text variant of a response in a language (English is the unconditioned default)."""
    texts = set()
    for variant in _responses()[name]:
        conditions = variant.get("condition") or []
        variant_language = next(
            (c["value"] for c in conditions if c.get("name") == "language"), "en"
        )
        if variant_language == language:
            texts.add(variant["text"].strip())
    if not texts:
        raise KeyError(f"{name} has no {language} text")
    return texts


def article_answer(slug: str, language: str) -> str:
    """The short answer the bot gives from a seed article."""
    _, _, content = read_article(ARTICLES_DIR / language / f"{slug}.md")
    return Article(**content.model_dump(), slug=slug, language=language).short_answer


def declining_article(text: str, language: str) -> str | None:
    """The slug of the seed article on what Hanbit Remit does not do whose short answer this is."""
    articles = published_articles(ARTICLES_DIR)[language]
    return next((a.slug for a in articles if a.declines and a.short_answer == text), None)


def expected_texts(expected: str, language: str) -> set[str]:
    """What the bot may say: a response's variants, or (ARTICLE_PREFIXES: "kb:slug",
    "declines:slug") an article's short answer."""
    for prefix in ARTICLE_PREFIXES:
        if expected.startswith(prefix):
            return {article_answer(expected.removeprefix(prefix), language)}
    return response_texts(expected, language)
