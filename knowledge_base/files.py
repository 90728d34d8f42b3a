"""Articles as Markdown files with YAML front matter: the seed content, import and export."""

from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from knowledge_base.articles import Article, ArticleContent, Status
from knowledge_base.store import ArticleStore

ARTICLES_DIR = Path(__file__).resolve().parent / "articles"
FRONT_MATTER_KEYS = ("slug", "language", "title", "status", "tags", "questions")


def read_article(path: Path) -> tuple[str, str, ArticleContent]:
    """(language, slug, content) of an article file."""
    post = frontmatter.load(path)
    content = ArticleContent(
        title=post["title"],
        body=post.content,
        questions=post.get("questions") or [],
        tags=post.get("tags") or [],
        status=post.get("status", "draft"),
    )
    return post["language"], post["slug"], content


def write_article(article: Article, root: Path) -> Path:
    """Write an article to root/<language>/<slug>.md."""
    values = article.model_dump(mode="json", include=set(FRONT_MATTER_KEYS))
    post = frontmatter.Post(article.body, **{key: values[key] for key in FRONT_MATTER_KEYS})
    path = root / article.language / f"{article.slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n")
    return path


def published_articles(root: Path) -> dict[str, list[Article]]:
    """The published articles of a folder, by language."""
    articles: dict[str, list[Article]] = {}
    for path in sorted(root.glob("*/*.md")):
        language, slug, content = read_article(path)
        if content.status is Status.PUBLISHED:
            article = Article(**content.model_dump(), slug=slug, language=language)
            articles.setdefault(language, []).append(article)
    return articles


def content_of(article: Article) -> ArticleContent:
    """The editable part of a stored article."""
    return ArticleContent(**article.model_dump(include=set(ArticleContent.model_fields)))


@dataclass
class ImportReport:
    """What an import did, by "language:slug"."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


async def import_articles(
    store: ArticleStore, root: Path, by: str, update_existing: bool = True
) -> ImportReport:
    """Load every root/<language>/<slug>.md into the store; unchanged articles stay as they are.

    With update_existing off, only articles the store lacks are added (editors' work is kept).
    """
    report = ImportReport()
    for path in sorted(root.glob("*/*.md")):
        language, slug, content = read_article(path)
        current = await store.get(language, slug)
        key = f"{language}:{slug}"
        if current is not None and (not update_existing or content_of(current) == content):
            report.unchanged.append(key)
            continue
        base = current.revision if current else 0
        await store.save(language, slug, content, by=by, base_revision=base, action="import")
        (report.updated if current else report.created).append(key)
    return report


async def export_articles(store: ArticleStore, root: Path) -> list[Path]:
    """Write every article, drafts included, under root."""
    return [write_article(article, root) for article in await store.all()]
