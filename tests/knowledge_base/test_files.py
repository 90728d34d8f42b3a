from pathlib import Path

import pytest
from redis.asyncio import Redis

from knowledge_base.articles import Article, Status
from knowledge_base.files import (
    ARTICLES_DIR,
    export_articles,
    import_articles,
    read_article,
    write_article,
)
from knowledge_base.store import ArticleStore


@pytest.fixture
def store(redis: Redis) -> ArticleStore:
    return ArticleStore(redis)


def sample(language: str, slug: str, title: str) -> Article:
    return Article(
        slug=slug,
        language=language,
        title=title,
        body="First paragraph.\n\n### Steps\n\n1. Open *Profile*\n2. Tap **Verify**\n",
        questions=["how do i verify?", "인증은 어떻게 해요?"],
        tags=["verification"],
        status=Status.PUBLISHED,
    )


async def test_import_then_export_loses_nothing(store: ArticleStore, tmp_path: Path) -> None:
    originals = [sample("en", "verify-account", "Verify"), sample("ko", "verify-account", "인증")]
    for article in originals:
        write_article(article, tmp_path / "in")
    report = await import_articles(store, tmp_path / "in", by="test")
    assert sorted(report.created) == ["en:verify-account", "ko:verify-account"]

    await export_articles(store, tmp_path / "out")
    for article in originals:
        path = Path(article.language) / f"{article.slug}.md"
        assert read_article(tmp_path / "out" / path) == read_article(tmp_path / "in" / path)

    again = await import_articles(store, tmp_path / "out", by="test")
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 2)


async def test_an_edited_file_is_imported_as_a_new_revision(
    store: ArticleStore, tmp_path: Path
) -> None:
    write_article(sample("en", "fees", "Fees"), tmp_path)
    await import_articles(store, tmp_path, by="test")
    write_article(sample("en", "fees", "Our fees"), tmp_path)
    kept = await import_articles(store, tmp_path, by="test", update_existing=False)
    assert kept.unchanged == ["en:fees"] and (await store.get("en", "fees")).title == "Fees"
    report = await import_articles(store, tmp_path, by="test")
    assert report.updated == ["en:fees"]
    assert (await store.get("en", "fees")).revision == 2


def test_the_seed_articles_are_complete_in_both_languages() -> None:
    files = sorted(ARTICLES_DIR.glob("*/*.md"))
    by_language: dict[str, set[str]] = {}
    for path in files:
        language, slug, content = read_article(path)
        assert (language, slug) == (path.parent.name, path.stem)
        assert len(content.questions) >= 5, path
        assert content.status is Status.PUBLISHED
        by_language.setdefault(language, set()).add(slug)
    assert by_language["en"] == by_language["ko"]
    assert len(by_language["en"]) >= 24
