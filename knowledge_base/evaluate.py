"""`baton eval`: the answer-or-escalate decision production makes, measured on labelled questions.

With training rows, a knowledge base is built from them (one article per category, the rows as
question variants) and calibrated as `baton kb calibrate` would (with --tune, the embedder is
fine-tuned on them and calibrated as `baton kb tune` does); test rows whose category is
"oos" should be escalated. The report has accuracy, in-scope accuracy, out-of-scope recall,
escalation rate and per-query latency, and a plot of accuracy against coverage. With a second
opinion (knowledge_base/cascade.py), the decision is the cascade's, as in production.
"""

import csv
import json
import math
import random
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.articles import Article, Status
from knowledge_base.cascade import Cascade
from knowledge_base.confidence import Calibration
from knowledge_base.confidence_fitting import (
    FitReport,
    every_fold,
    fit_language,
    out_of_scope_examples,
)
from knowledge_base.decision import Policy, decide
from knowledge_base.embeddings import Embedder
from knowledge_base.search import Searcher, offline_searcher
from knowledge_base.text import Tokenizer
from knowledge_base.tune import tune_and_calibrate

OUT_OF_SCOPE = "oos"


@dataclass(frozen=True)
class Row:
    """A labelled question: its text and its category (an article slug, or "oos")."""

    text: str
    category: str


def read_rows(path: Path) -> list[Row]:
    """Rows of a CSV with the columns text,category."""
    with path.open(newline="", encoding="utf-8") as file:
        return [Row(r["text"].strip(), slug_of(r["category"])) for r in csv.DictReader(file)]


def slug_of(category: str) -> str:
    """A category name as an article slug ("Reverted_card_payment?" -> "reverted-card-payment")."""
    return "-".join(re.findall(r"[a-z0-9]+", category.lower()))


def per_category(rows: list[Row], shots: int, seed: int) -> list[Row]:
    """At most `shots` rows of each category, drawn with a fixed seed."""
    by_category: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_category[row.category].append(row)
    generator = random.Random(seed)
    return [
        row
        for category in sorted(by_category)
        for row in generator.sample(by_category[category], min(shots, len(by_category[category])))
    ]


def articles_from(rows: list[Row], language: str) -> list[Article]:
    """One published article per category, its rows as question variants."""
    questions: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.category != OUT_OF_SCOPE:
            questions[row.category].append(row.text)
    return [
        Article(
            slug=slug,
            language=language,
            title=slug.replace("-", " ").capitalize(),
            body="",
            questions=variants,
            status=Status.PUBLISHED,
        )
        for slug, variants in sorted(questions.items())
    ]


def trained_searcher(
    train: list[Row], language: str, model: str, tokenizer: Tokenizer, tuned: bool
) -> tuple[Searcher, FitReport, dict]:
    """A searcher over a knowledge base built from training rows, calibrated on them; the
    calibration's report, and details for the evaluation report.

    With `tuned`, the embedder is first fine-tuned on the rows, as `baton kb tune` does.
    """
    articles = articles_from(train, language)
    negatives = [r.text for r in train if r.category == OUT_OF_SCOPE] or out_of_scope_examples(
        language
    )
    details: dict = {}
    if tuned:
        path, calibration, reports, record = tune_and_calibrate(
            model, {language: articles}, {language: negatives}, tokenizer
        )
        embedder, fitted, report = Embedder(str(path)), calibration.languages[language], reports[0]
        details["tuning"] = record
    else:
        embedder = Embedder(model)
        fitted, report = fit_language(
            language, articles, negatives, every_fold(embedder), tokenizer
        )
    searcher = offline_searcher(
        {language: articles}, embedder, tokenizer, Calibration({language: fitted})
    )
    details |= {"calibration": fitted.__dict__, "held_out_top1": report.top1_accuracy}
    return searcher, report, details


# The knowledge base's own decision, for one built from training rows: the bot's policy asks
# more of an article per language, a bar fitted on the seed articles' calibration, and the
# agreement of the articles' variants, chosen on the development set's messages.
KNOWLEDGE_BASE_ALONE = Policy(article={}, variants_agree=[])


def evaluate(
    searcher: Searcher | Cascade,
    test: list[Row],
    language: str,
    threshold: float,
    policy: Policy = KNOWLEDGE_BASE_ALONE,
) -> dict:
    """Ask every test question, one at a time as production does, and decide as production
    does (a question alone, as the first of a conversation: knowledge_base/decision.py): the
    figures of the evaluation contract, each outcome, and the latency of a query, its embedding
    included. A question the bot does not answer counts as escalated, whether it would hand
    over or ask to rephrase first."""
    outcomes, latencies = [], []
    for row in test:
        started = time.perf_counter()
        result = searcher.search(row.text, language, threshold)
        decision = decide(result, policy=policy)
        latencies.append((time.perf_counter() - started) * 1000)
        top = result.hits[0] if result.hits else None
        outcomes.append(
            {
                "category": row.category,
                "top": top.article.slug if top else None,
                "confidence": round(top.confidence, 4) if top else 0.0,
                "answered": decision.decision == "answer",
                "second_opinion": result.second_opinion,
            }
        )
    in_scope = [o for o in outcomes if o["category"] != OUT_OF_SCOPE]
    out_of_scope = [o for o in outcomes if o["category"] == OUT_OF_SCOPE]

    def right(o: dict) -> bool:
        if o["category"] == OUT_OF_SCOPE:
            return not o["answered"]
        return o["answered"] and o["top"] == o["category"]

    answered = [o for o in outcomes if o["answered"]]
    return {
        "queries": len(outcomes),
        "accuracy": _percent(sum(map(right, outcomes)), len(outcomes)),
        "in_scope_accuracy": _percent(
            sum(o["top"] == o["category"] for o in in_scope), len(in_scope)
        ),
        "out_of_scope_recall": _percent(
            sum(not o["answered"] for o in out_of_scope), len(out_of_scope)
        ),
        "escalation_rate": _percent(len(outcomes) - len(answered), len(outcomes)),
        "answered_precision": _percent(
            sum(o["top"] == o["category"] for o in answered), len(answered)
        ),
        "second_opinion_rate": _percent(sum(o["second_opinion"] for o in outcomes), len(outcomes)),
        "threshold": threshold,
        "query_latency_ms": median_and_p95(latencies),
        "outcomes": outcomes,
    }


def median_and_p95(milliseconds: list[float]) -> dict[str, float]:
    """The median and the 95th percentile of timings, rounded to hundredths."""
    ordered = sorted(milliseconds)
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[math.ceil(0.95 * len(ordered)) - 1], 2),  # the nearest rank
    }


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def plot(report: dict, path: Path) -> None:
    """Accuracy of the answered questions against the share answered, over thresholds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    in_scope = [o for o in report["outcomes"] if o["category"] != OUT_OF_SCOPE]
    ranked = sorted(in_scope, key=lambda o: -o["confidence"])
    coverage, precision, right = [], [], 0
    for n, outcome in enumerate(ranked, start=1):
        right += outcome["top"] == outcome["category"]
        coverage.append(100 * n / len(ranked))
        precision.append(100 * right / n)
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(coverage, precision)
    axes.set_xlabel("questions answered (%)")
    axes.set_ylabel("answered correctly (%)")
    axes.set_title(f"{report['name']}: in-scope accuracy {report['in_scope_accuracy']}%")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_report(report: dict, out: Path, draw: Callable[[dict, Path], None] = plot) -> dict:
    """Write the JSON report (without per-question outcomes) and its plot (`draw`); the
    summary."""
    out.parent.mkdir(parents=True, exist_ok=True)
    draw(report, out.with_suffix(".png"))
    summary = {k: v for k, v in report.items() if k != "outcomes"}
    out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary
