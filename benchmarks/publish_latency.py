"""From publishing an article in one hub process to another hub answering with it.

Starts its own Redis and two hubs sharing it (no Rasa needed). Each round an editor publishes
a new article through the first hub; the second hub is asked, through the editor's "try a
question", until the new article is its answer. With --articles N, the knowledge base first
holds N more published articles (those of benchmarks/search_latency.py), so that every publish
re-indexes a language of that size.
Run: `.venv/bin/python -m benchmarks.publish_latency [--articles 10000]`.
"""

import argparse
import asyncio
import secrets
import tempfile
import time
from pathlib import Path

from redis.asyncio import Redis

from benchmarks import reports
from benchmarks.search_latency import articles
from handoff.cli.processes import (
    free_port,
    hub_process,
    redis_process,
    running,
    settings_on_free_ports,
)
from handoff.staff.users import Role, UserStore
from knowledge_base.evaluate import median_and_p95
from knowledge_base.files import content_of
from knowledge_base.store import ArticleStore
from tests.support import staff_client

EDITOR, PASSWORD = "benchmark-editor", "benchmark password"
TIMEOUT = 10.0


def article(round_number: int) -> tuple[str, str, dict]:
    """A new article (slug, a question it answers, its content), unlike the seed articles."""
    animal = f"animal {secrets.token_hex(3)}"
    question = f"do you insure my pet {animal} when I travel abroad, round {round_number}"
    content = {
        "title": f"Travel insurance for a pet {animal}",
        "body": f"We insure a pet {animal} when you travel abroad.",
        "questions": [question, f"is my {animal} covered", f"cover for a {animal} abroad"],
        "tags": ["insurance"],
        "status": "published",
    }
    return f"pet-{animal.replace(' ', '-')}", question, content


async def measure(writer_url: str, reader_url: str, rounds: int) -> list[float]:
    """Seconds from each publish (the editor's request returning) to the other hub's answer."""
    writer = await staff_client(writer_url, EDITOR, PASSWORD)
    reader = await staff_client(reader_url, EDITOR, PASSWORD)
    seconds = []
    for round_number in range(rounds):
        slug, question, content = article(round_number)
        saved = await writer.put(
            f"/kb/api/articles/en/{slug}", json={"content": content, "base_revision": 0}
        )
        saved.raise_for_status()
        published_at = time.perf_counter()
        while time.perf_counter() - published_at < TIMEOUT:
            asked = {"question": question, "language": "en"}
            decision = (await reader.post("/kb/api/try", json=asked)).json()
            if decision["results"] and decision["results"][0]["slug"] == slug:
                seconds.append(time.perf_counter() - published_at)
                break
        else:
            raise TimeoutError(f"round {round_number}: not answered within {TIMEOUT} s")
    for client in (writer, reader):
        await client.aclose()
    return seconds


async def prepare(redis_url: str, count: int) -> None:
    """The editor, and `count` published articles besides the seed ones."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    await UserStore(redis).add(EDITOR, PASSWORD, Role.EDITOR)
    store = ArticleStore(redis)
    for extra in articles(count):
        await store.save("en", extra.slug, content_of(extra), by=EDITOR, base_revision=0)
    await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--articles", type=int, default=0, help="published articles beforehand")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/publish-latency.json"))
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="baton-publish-bench-"))  # logs stay for a look
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    hubs = [settings_on_free_ports(redis_url), settings_on_free_ports(redis_url)]
    with running([redis_process(port, scratch / "redis")], scratch / "logs"):
        time.sleep(0.3)
        asyncio.run(prepare(redis_url, args.articles))
        processes = [hub_process(s, redis_url, f"hub{n}") for n, s in enumerate(hubs, start=1)]
        startup = 180 + args.articles / 20  # each hub embeds every article's texts at start
        with running(processes, scratch / "logs", timeout=startup):
            writer, reader = (f"http://127.0.0.1:{s.port}" for s in hubs)
            seconds = asyncio.run(measure(writer, reader, args.rounds))
    report = {
        "benchmark": "publish in one hub process until another hub answers with the article",
        "rounds": len(seconds),
        "articles_beforehand": args.articles,
        "publish_to_answer_ms": median_and_p95([s * 1000 for s in seconds]),
        "target_ms": 1000,
        "machine": reports.machine(),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
