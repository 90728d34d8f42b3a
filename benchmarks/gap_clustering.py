"""How well the knowledge-gap loop's groups (knowledge_base/gaps.py) match real intents.

English: BANKING77's questions of the 20 intents the seed knowledge base covers least, i.e. whose
training questions its answer-or-escalate decision (knowledge_base/decision.py, default policy,
a sure NLU) answers least often (ties by name). The distance threshold is the one with the best
adjusted Rand index on 40 training questions per intent; the test questions of those intents
(40 each) are grouped once with it. Korean (the embedding model is English-only, so its
questions are grouped by Kiwi terms): the in-scope Korean questions of benchmarks/data/e2e-dev.csv
choose the threshold, e2e-heldout.csv is grouped once. Scores: adjusted Rand index, V-measure,
the number of groups against the number of intents, the CPU time of a grouping, and of an
editor's report on a full window of questions.
Run: `.venv/bin/python -m benchmarks.gap_clustering`.
"""

import argparse
import csv
import os
import random
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, v_measure_score

from benchmarks import reports
from knowledge_base.confidence import Calibration, calibration_file
from knowledge_base.decision import decide
from knowledge_base.embeddings import DEFAULT_MODEL, Embedder
from knowledge_base.files import published_articles
from knowledge_base.gap_groups import DISTANCE, Asked, cluster, groups, tally
from knowledge_base.gap_log import WINDOW_QUESTIONS
from knowledge_base.gaps import QuestionVectors
from knowledge_base.search import offline_searcher
from knowledge_base.text import Tokenizer

ROOT = Path(__file__).resolve().parent
PROJECT = ROOT.parent
BANKING77 = PROJECT.parent / "shared" / "data" / "banking77"
INTENTS = 20
PER_INTENT = 40  # training questions per intent the threshold is chosen on (the test has 40)
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(14)]  # 0.30 .. 0.95
KB_THRESHOLD = 0.5  # the hub's default BATON_KB_ANSWER_THRESHOLD


def rows(path: Path, language: str | None = None) -> list[dict]:
    """A CSV's rows (text, category[, language]), of one language if given."""
    with path.open(newline="") as file:
        return [r for r in csv.DictReader(file) if language in (None, r.get("language"))]


def least_covered(train: list[dict], embedder: Embedder, tokenizer: Tokenizer) -> list[dict]:
    """The INTENTS intents whose training questions the seed knowledge base answers least."""
    calibration = Calibration.load(calibration_file(DEFAULT_MODEL))
    searcher = offline_searcher(
        published_articles(PROJECT / "knowledge_base" / "articles"), embedder, tokenizer,
        calibration,
    )  # fmt: skip
    answered: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for row in train:
        result = searcher.search(row["text"], "en", KB_THRESHOLD)
        asked[row["category"]] += 1
        answered[row["category"]] += decide(result).decision == "answer"
    share = {intent: answered[intent] / asked[intent] for intent in asked}
    chosen = sorted(share, key=lambda intent: (share[intent], intent))[:INTENTS]
    return [{"intent": i, "answered_share": round(share[i], 4)} for i in chosen]


def scores(labels_true: list[str], labels: np.ndarray) -> dict:
    """Adjusted Rand index, V-measure and the number of groups."""
    return {
        "adjusted_rand": round(float(adjusted_rand_score(labels_true, labels)), 4),
        "v_measure": round(float(v_measure_score(labels_true, labels)), 4),
        "groups": len(set(labels.tolist())),
        "intents": len(set(labels_true)),
    }


def sweep(vectors: np.ndarray, labels_true: list[str]) -> tuple[float, list[dict]]:
    """Every threshold's scores, and the threshold with the best adjusted Rand index."""
    swept = [{"threshold": t} | scores(labels_true, cluster(vectors, t)) for t in THRESHOLDS]
    best = max(swept, key=lambda s: (s["adjusted_rand"], -s["threshold"]))
    return best["threshold"], swept


def grouped_once(vectors: np.ndarray, labels_true: list[str], threshold: float) -> dict:
    """The scores of one grouping, with its CPU time."""
    started = time.process_time()
    labels = cluster(vectors, threshold)
    cpu_ms = (time.process_time() - started) * 1000
    return scores(labels_true, labels) | {"questions": len(labels_true), "cpu_ms": round(cpu_ms, 1)}


def english(vectors: QuestionVectors, embedder: Embedder, tokenizer: Tokenizer, seed: int) -> dict:
    """BANKING77: intents chosen and threshold fitted on the training split, then the test."""
    train, test = rows(BANKING77 / "train.csv"), rows(BANKING77 / "test.csv")
    chosen = least_covered(train, embedder, tokenizer)
    intents = {c["intent"] for c in chosen}
    by_intent = defaultdict(list)
    for row in train:
        if row["category"] in intents:
            by_intent[row["category"]].append(row)
    sample = [
        r for i in sorted(by_intent) for r in random.Random(seed).sample(by_intent[i], PER_INTENT)
    ]
    tested = [r for r in test if r["category"] in intents]
    return {"intents": chosen} | fitted_then_tested(vectors, "en", sample, tested)


def korean(vectors: QuestionVectors) -> dict:
    """The e2e sets' in-scope Korean questions: threshold on dev, scored once on held-out."""
    dev, heldout = (
        [r for r in rows(ROOT / "data" / name, "ko") if r["category"] != "oos"]
        for name in ("e2e-dev.csv", "e2e-heldout.csv")
    )
    return fitted_then_tested(vectors, "ko", dev, heldout)


def fitted_then_tested(
    vectors: QuestionVectors, language: str, fit: list[dict], test: list[dict]
) -> dict:
    """The threshold chosen on `fit`, the scores of `test` grouped once with it, and the CPU
    time of the test questions' vectors."""
    fit_vectors = vectors.of([r["text"] for r in fit], language)
    threshold, swept = sweep(fit_vectors, [r["category"] for r in fit])
    started = time.process_time()
    test_vectors = vectors.of([r["text"] for r in test], language)
    vectors_ms = (time.process_time() - started) * 1000
    result = grouped_once(test_vectors, [r["category"] for r in test], threshold)
    return {
        "threshold": threshold,
        "threshold_in_use": DISTANCE[language],
        "fit": swept,
        "test": result | {"vectors_cpu_ms": round(vectors_ms, 1)},
    }


def window_cost(embedder: Embedder, tokenizer: Tokenizer) -> dict:
    """CPU time of one editor's report on a full window (WINDOW_QUESTIONS distinct questions):
    the first report embeds them all; the next reuses the kept embeddings."""
    questions = [r["text"] for r in rows(BANKING77 / "test.csv")][:WINDOW_QUESTIONS]
    now = time.time()
    tallies = tally([Asked(q, "unanswered", now) for q in questions], now)
    vectors = QuestionVectors(embedder, tokenizer)
    cost = {"questions": len(tallies)}
    for name in ("first", "next"):
        started = time.process_time()
        found = groups(tallies, vectors.of([t.question for t in tallies], "en"), "en")
        cost[f"{name}_report_cpu_ms"] = round((time.process_time() - started) * 1000, 1)
    started = time.process_time()
    korean = vectors.of([t.question for t in tallies], "ko")  # the lexical vectors, as Korean
    cost["lexical_vectors_cpu_ms"] = round((time.process_time() - started) * 1000, 1)
    return cost | {"groups": len(found), "lexical_dimensions": korean.shape[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "gap-clustering.json")
    args = parser.parse_args()
    load = os.getloadavg()
    embedder, tokenizer = Embedder(DEFAULT_MODEL), Tokenizer()
    vectors = QuestionVectors(embedder, tokenizer)
    report = {
        "method": "agglomerative, average linkage, cosine distance threshold (scikit-learn)",
        "model": DEFAULT_MODEL,
        "en_banking77": english(vectors, embedder, tokenizer, args.seed),
        "ko_e2e": korean(vectors),
        "window_cost": window_cost(embedder, tokenizer),
        "seed": args.seed,
    } | reports.shared_machine(load)
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
