"""Knowledge-base query latency (embedding included) on a 10,000-article knowledge base.

Articles are built from BANKING77 training questions (each with three question variants);
queries are BANKING77 test questions. The report says how often the top five articles are those
that scoring every question variant (no shortlist, knowledge_base/search.py) gives.
Run: `.venv/bin/python -m benchmarks.search_latency`.
"""

import argparse
import time
from dataclasses import replace
from pathlib import Path

from benchmarks import reports
from knowledge_base.articles import Article, Status
from knowledge_base.confidence import Calibration, calibration_file
from knowledge_base.embeddings import DEFAULT_MODEL, Embedder
from knowledge_base.evaluate import median_and_p95, read_rows
from knowledge_base.search import offline_searcher
from knowledge_base.text import Tokenizer

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "banking77"


def articles(count: int) -> list[Article]:
    """`count` articles whose title and variants are real customer questions."""
    texts = [row.text for row in read_rows(DATA / "train.csv")]
    return [
        Article(
            slug=f"article-{i}",
            language="en",
            title=texts[i % len(texts)][:200],
            body=texts[(i + 3) % len(texts)],
            questions=[texts[(i + k) % len(texts)] for k in range(3)],
            status=Status.PUBLISHED,
        )
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--model", default=DEFAULT_MODEL, help="the embedding model (a setting)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/search-latency.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    embedder, tokenizer = Embedder(args.model), Tokenizer()
    searcher = offline_searcher(
        {"en": articles(args.articles)},
        embedder,
        tokenizer,
        Calibration.load(calibration_file(args.model)),
    )
    build_seconds = time.perf_counter() - started
    rows = [row.text for row in read_rows(DATA / "test.csv")]
    questions = rows[: args.queries]
    # Warm-up on other questions: the embedder keeps recent questions' vectors.
    for question in rows[args.queries : args.queries + 20]:
        searcher.search(question, "en", 0.5)
    total, embedding = [], []
    for question in questions:
        t0 = time.perf_counter()
        embedder.embed([question])
        t1 = time.perf_counter()
        searcher.search(question, "en", 0.5)
        t2 = time.perf_counter()
        embedding.append((t1 - t0) * 1000)
        total.append((t2 - t1) * 1000)
    index = searcher.indexes["en"]
    every_variant = replace(index, shortlist=len(index.articles))
    same = 0
    for question, vector in zip(questions, embedder.embed(questions), strict=True):
        terms = tokenizer.terms(question)
        shortlisted, exact = (
            [hit.article.key for hit in i.rank(vector, terms, question)]
            for i in (index, every_variant)
        )
        same += shortlisted == exact
    report = {
        "benchmark": "knowledge-base query, embedding included",
        "model": args.model,
        "articles": args.articles,
        "queries": len(questions),
        "query_ms": median_and_p95(total),
        "embedding_only_ms": median_and_p95(embedding),
        "shortlist": index.shortlist,
        "top5_as_scoring_every_variant": round(same / len(questions), 4),
        "index_build_seconds": round(build_seconds, 1),
        "machine": reports.machine(),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
