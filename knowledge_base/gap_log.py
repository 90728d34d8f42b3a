"""Every time a question went unanswered, its answer did not help or the bot declined it (an
article on what Hanbit Remit does not do answered it), kept for the gap loop
(knowledge_base/gaps.py) in a capped Redis stream per language; the stream ids say when."""

import time

from redis.asyncio import Redis

from knowledge_base import keys
from knowledge_base.gap_groups import Asked

KEPT = 10_000  # askings per language, the oldest trimmed beyond (roughly: XADD MAXLEN ~)
WINDOW_SECONDS = 14 * 86400  # what the groups are made of: two weeks, for the weekly trend
WINDOW_QUESTIONS = 2_000  # and at most this many askings, the latest, so a page stays fast
MAX_CHARS = 300
UNANSWERED = "unanswered"
NOT_HELPFUL = "not_helpful"
DECLINED = "declined"  # wrongly, when the question was in scope: editors see which


class GapLog:
    """Appends askings and reads the recent ones back."""

    def __init__(self, redis: Redis, kept: int = KEPT) -> None:
        self._redis = redis
        self._kept = kept

    async def record(self, question: str, language: str, kind: str) -> None:
        """Note one asking of a question the bot could not answer (or not helpfully, or
        declined)."""
        text = " ".join(question.split())[:MAX_CHARS]
        if text:
            fields = {"question": text, "kind": kind}
            await self._redis.xadd(
                keys.gap_log(language), fields, maxlen=self._kept, approximate=True
            )

    async def recent(self, language: str, now: float | None = None) -> list[Asked]:
        """The last WINDOW_SECONDS' askings (the latest WINDOW_QUESTIONS at most), oldest first."""
        since = int(((now or time.time()) - WINDOW_SECONDS) * 1000)
        rows = await self._redis.xrevrange(
            keys.gap_log(language), min=str(since), count=WINDOW_QUESTIONS
        )
        return [
            Asked(fields["question"], fields["kind"], int(entry_id.split("-")[0]) / 1000)
            for entry_id, fields in reversed(rows)
        ]
