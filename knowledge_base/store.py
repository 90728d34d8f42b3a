"""Articles in Redis: the current version, every revision, and a change feed for searchers."""

import time

from redis.asyncio import Redis

from knowledge_base import keys
from knowledge_base.articles import Article, ArticleContent, Revision, Status

# Saves an article if nobody saved it since the editor loaded it, atomically with its revision,
# the index and the change notice. KEYS: article, revisions, index.
# ARGV: the revision the editor started from, article JSON, revision JSON, "lang:slug", channel.
_SAVE_SCRIPT = """
local current = redis.call('GET', KEYS[1])
local current_revision = 0
if current then current_revision = cjson.decode(current)['revision'] end
if tonumber(ARGV[1]) ~= current_revision then return {'conflict', current_revision} end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('PUBLISH', ARGV[5], ARGV[4])
return {'ok', current_revision + 1}
"""


class EditConflict(RuntimeError):
    """Someone saved the article after this editor loaded it."""

    def __init__(self, current_revision: int) -> None:
        super().__init__(f"the article is now at revision {current_revision}; reload it")
        self.current_revision = current_revision


class ArticleStore:
    """Reads and saves articles; every save is a new revision."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._save = redis.register_script(_SAVE_SCRIPT)

    async def get(self, language: str, slug: str) -> Article | None:
        """The current version, or None."""
        stored = await self._redis.get(keys.article(language, slug))
        return Article.model_validate_json(stored) if stored else None

    async def all(self) -> list[Article]:
        """Every article, drafts included, sorted by language and slug."""
        members = sorted(await self._redis.smembers(keys.article_index()))
        if not members:
            return []
        stored = await self._redis.mget([keys.article(*m.split(":", 1)) for m in members])
        return [Article.model_validate_json(s) for s in stored if s]

    async def published(self) -> dict[str, list[Article]]:
        """The published articles by language, sorted by slug."""
        by_language: dict[str, list[Article]] = {}
        for article in await self.all():
            if article.status is Status.PUBLISHED:
                by_language.setdefault(article.language, []).append(article)
        return by_language

    async def save(
        self,
        language: str,
        slug: str,
        content: ArticleContent,
        *,
        by: str,
        base_revision: int,
        action: str = "edit",
        note: str = "",
    ) -> Article:
        """Save a new revision; EditConflict if the article moved past base_revision."""
        article = Article(
            **content.model_dump(),
            slug=slug,
            language=language,
            revision=base_revision + 1,
            updated_at=time.time(),
            updated_by=by,
        )
        revision = Revision(article=article, action=action, note=note)
        status, value = await self._save(
            keys=[
                keys.article(language, slug),
                keys.article_revisions(language, slug),
                keys.article_index(),
            ],
            args=[
                base_revision,
                article.model_dump_json(),
                revision.model_dump_json(),
                article.key,
                keys.KB_CHANGES_CHANNEL,
            ],
        )
        if status == "conflict":
            raise EditConflict(int(value))
        return article

    async def revisions(self, language: str, slug: str) -> list[Revision]:
        """Every revision, oldest first."""
        stored = await self._redis.lrange(keys.article_revisions(language, slug), 0, -1)
        return [Revision.model_validate_json(s) for s in stored]

    async def restore(
        self, language: str, slug: str, revision: int, *, by: str, base_revision: int
    ) -> Article:
        """Save an old revision's content as the newest revision."""
        stored = await self._redis.lindex(keys.article_revisions(language, slug), revision - 1)
        if stored is None:
            raise LookupError(f"{language}:{slug} has no revision {revision}")
        old = Revision.model_validate_json(stored).article
        content = ArticleContent(**old.model_dump(include=set(ArticleContent.model_fields)))
        return await self.save(
            language,
            slug,
            content,
            by=by,
            base_revision=base_revision,
            action="restore",
            note=f"restored revision {revision}",
        )
