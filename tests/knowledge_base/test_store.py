import asyncio

import pytest
from redis.asyncio import Redis

from knowledge_base import keys
from knowledge_base.articles import ArticleContent, Status
from knowledge_base.store import ArticleStore, EditConflict


@pytest.fixture
def store(redis: Redis) -> ArticleStore:
    return ArticleStore(redis)


def content(title: str = "Fees", **changes: object) -> ArticleContent:
    values = {"title": title, "body": "We charge a flat fee.", "questions": ["how much is it?"]}
    return ArticleContent(**(values | changes))


async def test_each_save_is_a_revision_with_who_and_when(store: ArticleStore) -> None:
    first = await store.save("en", "fees", content(), by="mina", base_revision=0)
    second = await store.save(
        "en", "fees", content(status=Status.PUBLISHED), by="joon", base_revision=1, action="publish"
    )
    assert (first.revision, second.revision) == (1, 2)
    assert (await store.get("en", "fees")).status is Status.PUBLISHED
    history = await store.revisions("en", "fees")
    assert [(r.article.revision, r.article.updated_by, r.action) for r in history] == [
        (1, "mina", "edit"),
        (2, "joon", "publish"),
    ]
    assert history[1].article.updated_at >= history[0].article.updated_at > 0


async def test_a_stale_save_is_refused_not_lost(store: ArticleStore) -> None:
    await store.save("en", "fees", content(), by="mina", base_revision=0)
    await store.save("en", "fees", content(body="New fee table."), by="mina", base_revision=1)
    with pytest.raises(EditConflict) as conflict:
        await store.save("en", "fees", content(body="Old view."), by="joon", base_revision=1)
    assert conflict.value.current_revision == 2
    assert (await store.get("en", "fees")).body == "New fee table."


async def test_concurrent_saves_from_the_same_revision_let_one_through(store: ArticleStore) -> None:
    await store.save("ko", "fees", content(), by="mina", base_revision=0)
    results = await asyncio.gather(
        *(
            store.save("ko", "fees", content(body=f"v{i}"), by="x", base_revision=1)
            for i in range(10)
        ),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert len(await store.revisions("ko", "fees")) == 2


async def test_restore_makes_an_old_revision_the_newest(store: ArticleStore) -> None:
    await store.save("en", "fees", content(body="one"), by="mina", base_revision=0)
    await store.save("en", "fees", content(body="two"), by="mina", base_revision=1)
    restored = await store.restore("en", "fees", 1, by="joon", base_revision=2)
    assert (restored.revision, restored.body) == (3, "one")
    assert (await store.revisions("en", "fees"))[-1].note == "restored revision 1"


async def test_every_save_is_announced_to_searchers(store: ArticleStore, redis: Redis) -> None:
    pubsub = redis.pubsub()
    await pubsub.subscribe(keys.KB_CHANGES_CHANNEL)
    await pubsub.get_message(timeout=1)  # the subscribe confirmation
    await store.save("ko", "verify-account", content(), by="mina", base_revision=0)
    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=2)
    assert message["data"] == "ko:verify-account"
    await pubsub.aclose()


async def test_all_lists_every_language_and_status(store: ArticleStore) -> None:
    await store.save("ko", "fees", content(), by="m", base_revision=0)
    await store.save("en", "fees", content(status=Status.PUBLISHED), by="m", base_revision=0)
    assert [a.key for a in await store.all()] == ["en:fees", "ko:fees"]


async def test_published_articles_come_by_language_without_drafts(store: ArticleStore) -> None:
    published = content(status=Status.PUBLISHED)
    await store.save("en", "limits", published, by="mina", base_revision=0)
    await store.save("en", "fees", published, by="mina", base_revision=0)
    await store.save("en", "draft", content(), by="mina", base_revision=0)
    await store.save("ko", "fees", published, by="mina", base_revision=0)
    by_language = await store.published()
    assert {lang: [a.slug for a in articles] for lang, articles in by_language.items()} == {
        "en": ["fees", "limits"],
        "ko": ["fees"],
    }
