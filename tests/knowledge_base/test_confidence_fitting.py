"""Fitting the calibration: where the right article stood when the top one was wrong, which
features tell right from wrong on customer messages, and the article bar they give."""

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.articles import OUT_OF_SCOPE_TAG, Article, Status
from knowledge_base.confidence import Calibration, LanguageCalibration
from knowledge_base.confidence_fitting import (
    SCORES,
    Asked,
    FusionTable,
    article_bar,
    choose_features,
    every_fold,
    fit_language,
    lower_ranks,
    top_is_right,
)
from knowledge_base.embeddings import Embedder
from knowledge_base.files import ARTICLES_DIR, published_articles
from knowledge_base.search import TOP_K, Features, Hit, offline_searcher
from knowledge_base.text import Tokenizer


def ranking(*slugs: str) -> list[Hit]:
    articles = [
        Article(slug=s, language="en", title=s, body="", questions=[], status=Status.PUBLISHED)
        for s in slugs
    ]
    return [
        Hit(article=a, score=1.0 - i / 10, dense=0.0, lexical=0.0, matched="")
        for i, a in enumerate(articles)
    ]


def test_lower_ranks_are_shares_of_the_questions_the_top_article_missed() -> None:
    ranked = ranking("a", "b", "c")
    results = [
        (Asked("right at the top", "a"), ranked),
        (Asked("second", "b"), ranked),
        (Asked("third", "c"), ranked),
        (Asked("third again", "c"), ranked),
        (Asked("not ranked at all", "d"), ranked),
        (Asked("out of scope", None), ranked),
    ]
    assert lower_ranks(results) == [0.25, 0.5, 0.0, 0.0][: TOP_K - 1]


def test_no_missed_question_gives_the_lower_ranks_nothing() -> None:
    assert lower_ranks([(Asked("right", "a"), ranking("a", "b"))]) == [0.0] * (TOP_K - 1)


def features(right: bool, noise: float) -> Features:
    """A ranking whose scores say nothing, whose best variant's cosine tells right from wrong."""
    return Features(
        dense=0.5 + noise,
        dense_margin=0.1 - noise,
        lexical=0.3 + noise,
        score_margin=0.05,
        variant=0.9 if right else 0.6,
    )


def test_the_feature_set_that_separates_right_from_wrong_messages_is_chosen() -> None:
    """Only `variant` tells right from wrong here: a set with it is chosen, and its
    cross-validated confidences answer every right message and no wrong one."""
    noise = np.random.default_rng(0).uniform(-0.1, 0.1, 80)
    labels = np.array([i % 2 == 0 for i in range(80)])
    is_message = np.array([i >= 40 for i in range(80)])
    outcomes = [(Asked(f"m{i}", "a"), bool(labels[i])) for i in range(80)]
    table = [features(bool(labels[i]), noise[i]) for i in range(80)]
    names, scored = choose_features(table, labels, is_message, outcomes)
    assert "variant" in names and names != SCORES
    assert set(scored) == {asked for asked, _ in outcomes[40:]}
    assert article_bar(scored)[1:] == (20, 0, 0)


def test_the_article_bar_is_the_lowest_with_few_wrong_answers() -> None:
    scored = {
        Asked("right, sure", "a"): (True, 0.95),
        Asked("wrong, fairly sure", "a"): (False, 0.8),
        Asked("right, less sure", "a"): (True, 0.7),
        Asked("out of scope", None): (False, 0.75),
        Asked("out of scope, declined", None): (True, 0.72),
        Asked("wrong, unsure", "a"): (False, 0.4),
        Asked("right, unsure", "a"): (True, 0.3),
    }
    assert article_bar(scored, max_wrong=0.0) == (0.95, 1, 0, 0)
    assert article_bar(scored, max_wrong=0.25) == (0.7, 2, 1, 1)  # 1 wrong of 5 in scope
    assert article_bar(scored, max_wrong=0.4) == (0.3, 3, 2, 1)


def test_an_out_of_scope_question_is_read_right_by_an_article_that_declines_it() -> None:
    declining = ranking("other-companies", "reset-password")
    declining[0].article.tags = [OUT_OF_SCOPE_TAG]
    out_of_scope, in_scope = (
        Asked("my gmail password?", None),
        Asked("my password?", "reset-password"),
    )
    assert top_is_right(out_of_scope, declining) and not top_is_right(in_scope, declining)
    assert not top_is_right(out_of_scope, ranking("reset-password"))
    assert not top_is_right(out_of_scope, [])
    assert top_is_right(in_scope, ranking("reset-password"))


def test_a_calibration_reads_the_features_it_names() -> None:
    calibration = LanguageCalibration(features=["variant"], coefficients=[10.0], intercept=-7.0)
    assert calibration.probability(features(True, 0.0)) > 0.85
    assert calibration.probability(features(False, 0.0)) < 0.4


def test_a_calibration_file_without_feature_names_reads_the_four_scores(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"en": {"coefficients": [1.0, 0.0, 0.0, 0.0], "intercept": 0.0}}))
    calibration = Calibration.load(path).for_language("en")
    assert calibration.features == SCORES
    ranking = Features(dense=2.0, dense_margin=9.0, lexical=9.0, score_margin=9.0)
    assert calibration.probability(ranking) == pytest.approx(1 / (1 + math.exp(-2.0)))


def test_the_fusion_table_ranks_first_what_the_index_ranks_first() -> None:
    """The fitting scores hundreds of fusions at once; each must pick the article that the
    index's own ranking puts first, question by question."""
    embedder, tokenizer = Embedder(), Tokenizer()
    english = published_articles(ARTICLES_DIR)["en"][:8]
    index = offline_searcher({"en": english}, embedder, tokenizer, Calibration()).indexes["en"]
    questions = ["where is my money", "how do I close my account", "fees to manila", "app broke"]
    signals = [index.signals(embedder.embed_question(q), tokenizer.terms(q), q) for q in questions]
    for fusion in [
        LanguageCalibration(lexical_weight=lexical, centroid_weight=centroid, variants_weight=read)
        for lexical, centroid, read in [(0.0, 0.0, 0.0), (0.3, 0.5, 0.2), (1.0, 1.0, 0.5)]
    ]:
        index.calibration = replace(fusion, nearest_variants=2)
        firsts = [index.ranking_of(query)[0][0].article.slug for query in signals]
        for slug, question, query in zip(firsts, questions, signals, strict=True):
            table = FusionTable([(index, Asked(question, slug), query)])
            assert table.accuracy(index.calibration) == 1.0, (fusion, question)
        unknown = [Asked(question, "no-such-article") for question in questions]
        rows = [(index, asked, query) for asked, query in zip(unknown, signals, strict=True)]
        assert FusionTable(rows).accuracy(index.calibration) == 0.0


class MeaningEmbedder:
    """Embeds each text as the direction of the article it means: a question variant's by its
    first word (its article's slug), a message's as given; without meanings, all alike."""

    dimensions = 3

    def __init__(self, meant: dict[str, str] | None = None) -> None:
        self.meant = meant

    def embed(self, texts: list[str]) -> np.ndarray:
        axes = {"alpha": 0, "beta": 1}  # a third for what means neither
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            meant = None if self.meant is None else self.meant.get(text, text.split()[0])
            vectors[row, axes.get(meant, 2)] = 1.0
        return vectors


def nonsense(generator: np.random.Generator, letters: str, words: int) -> str:
    return " ".join("".join(generator.choice(list(letters), 5)) for _ in range(words))


@pytest.mark.parametrize("meaning", [True, False])
def test_the_reader_reads_embeddings_where_they_read_more_messages_as_their_article(
    meaning: bool,
) -> None:
    """Messages that share no letter with the variants: only a meaningful embedding reads them
    (one of every text alike adds nothing, and n-grams alone are kept)."""
    generator = np.random.default_rng(0)
    articles = [
        Article(
            slug=slug,
            language="xx",
            title=slug,
            body="",
            questions=[f"{slug} {nonsense(generator, 'qwrtzp', 3)}" for _ in range(10)],
            status=Status.PUBLISHED,
        )
        for slug in ("alpha", "beta")
    ]
    meant = {nonsense(generator, "yuiovbnm", 2): s for s in ("alpha", "beta") for _ in range(8)}
    embedder = MeaningEmbedder(meant if meaning else None)
    messages = [Asked(text, slug) for text, slug in meant.items()]
    fitted, report = fit_language(
        "xx", articles, ["mmm nnn"], every_fold(embedder), Tokenizer(), messages
    )
    assert fitted.reader_embeddings is report.reader_embeddings is meaning
