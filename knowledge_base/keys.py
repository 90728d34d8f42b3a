"""Every Redis key name the knowledge base uses; its caller gives it the Redis client."""

PREFIX = "baton:kb"


def article(language: str, slug: str) -> str:
    """String: the current version of a knowledge-base article, as JSON."""
    return f"{PREFIX}:article:{language}:{slug}"


def article_revisions(language: str, slug: str) -> str:
    """List: every saved version of an article, oldest first, as JSON."""
    return f"{PREFIX}:revisions:{language}:{slug}"


def article_index() -> str:
    """Set: "language:slug" of every article."""
    return f"{PREFIX}:articles"


KB_CHANGES_CHANNEL = f"{PREFIX}:changes"  # pub/sub: "language:slug" of each saved article


def embedding(model: str, text_digest: str) -> str:
    """String: a cached embedding (float32 bytes) of a text under a model."""
    return f"{PREFIX}:embedding:{model}:{text_digest}"


def unanswered(language: str) -> str:
    """Sorted set: questions the bot could not answer, scored by how often they were asked."""
    return f"{PREFIX}:unanswered:{language}"


def unanswered_seen(language: str) -> str:
    """Hash: when each unanswered question was last asked (epoch seconds)."""
    return f"{PREFIX}:unanswered-seen:{language}"


def gap_log(language: str) -> str:
    """Stream: each time a question went unanswered or its answer did not help (the gap loop)."""
    return f"{PREFIX}:gaps:{language}"
