"""New questions embedded from several threads at once (the hub's searches run in worker
threads), each alone in its own encode call against the encode batcher
(knowledge_base/encode_batcher.py): CPU milliseconds and wall milliseconds a question, rounds
interleaved, medians.

`.venv/bin/python -m benchmarks.encode_batching` (about a minute). Distinct questions from
BANKING77's test set, so no cache helps either.
"""

import argparse
import csv
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks import reports
from knowledge_base.embeddings import Embedder
from knowledge_base.encode_batcher import EncodeBatcher

QUESTIONS_CSV = Path("../shared/data/banking77/test.csv")
THREADS = (1, 6)  # 6: asyncio.to_thread's pool on these 2 cores


def questions(path: Path, count: int) -> list[str]:
    """The first `count` distinct questions of the file."""
    with path.open(newline="") as rows:
        texts = list(dict.fromkeys(row["text"] for row in csv.DictReader(rows)))
    return texts[:count]


def one_round(embed: Callable[[str], object], texts: list[str], threads: int) -> dict:
    """Every text embedded, `threads` at a time: CPU and wall milliseconds a question."""
    cpu, wall = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(embed, texts))
    count = len(texts)
    return {
        "cpu_ms": 1000 * (time.process_time() - cpu) / count,
        "wall_ms": 1000 * (time.perf_counter() - wall) / count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=Path, default=QUESTIONS_CSV)
    parser.add_argument("--per-round", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/encode-batching.json"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    embedder = Embedder()
    texts = questions(args.questions, args.per_round * args.rounds * 2 * len(THREADS))
    ways = {
        "alone": lambda text: embedder.embed([text]),
        "batched": EncodeBatcher(embedder.embed).embed,
    }
    embedder.embed(texts[:8])  # warm up
    rounds: dict[str, list[dict]] = {}
    start = 0
    for _ in range(args.rounds):
        for threads in THREADS:
            for way, embed in ways.items():
                chunk = texts[start : start + args.per_round]
                start += args.per_round
                rounds.setdefault(f"{way}, {threads} threads", []).append(
                    one_round(embed, chunk, threads)
                )
    figures = {
        name: {
            measure: round(statistics.median(r[measure] for r in runs), 2)
            for measure in ("cpu_ms", "wall_ms")
        }
        for name, runs in rounds.items()
    }
    report = {
        "benchmark": "new questions embedded alone or batched (benchmarks/encode_batching.py)",
        "questions_per_round": args.per_round,
        "rounds": args.rounds,
        "median_per_question": figures,
    } | reports.shared_machine(load_before)
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
