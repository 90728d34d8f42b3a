"""Fine-tuning the embedder on a tiny knowledge base: unseen paraphrases move to their article."""

import json
import random
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from handoff.cli.main import app
from handoff.settings import get_settings
from knowledge_base.articles import Article, Status, dense_units
from knowledge_base.confidence_fitting import FOLDS, Asked
from knowledge_base.e5_model import E5_MODEL
from knowledge_base.embeddings import DEFAULT_MODEL, Embedder
from knowledge_base.text import Tokenizer
from knowledge_base.tune import (
    RECORD,
    TuneSettings,
    base_of,
    batches,
    epoch_pairs,
    groups_of,
    prune,
    tune,
    tune_and_calibrate,
)

VARIANTS = {
    "card-arrival": [
        "when will my new card arrive",
        "my card still hasn't come in the post",
        "how long does card delivery take",
        "I am still waiting for my card",
        "card not delivered yet",
    ],
    "exchange-rate": [
        "what exchange rate do you use",
        "how is the currency conversion rate set",
        "is your fx rate the market rate",
        "what rate will I get for euros",
        "how do you calculate the exchange rate",
    ],
    "lost-card": [
        "I lost my card",
        "my card was stolen, what do I do",
        "can't find my card anywhere",
        "someone took my wallet with my card",
        "I misplaced my card",
    ],
    "top-up-failed": [
        "my top up did not go through",
        "why was my top-up declined",
        "adding money to my account failed",
        "the top up keeps failing",
        "I couldn't top up with my debit card",
    ],
}
UNSEEN = [
    ("it's been two weeks and the card is not here", "card-arrival"),
    ("which conversion rate applies to my transfer", "exchange-rate"),
    ("help, my card is gone, I think it was stolen", "lost-card"),
    ("loading funds onto the account didn't work", "top-up-failed"),
]
# Customer messages for the calibration (never trained on): half answered, half out of scope.
MESSAGES = [Asked(text, slug) for text, slug in UNSEEN] + [
    Asked("still no sign of the card you posted", "card-arrival"),
    Asked("the wallet with my card in it is gone", "lost-card"),
    *(
        Asked(text, None)
        for text in [
            "what's the weather like tomorrow",
            "recommend me a good pizza place",
            "who won the football last night",
            "how do I bake sourdough bread",
            "tell me a joke about cats",
            "what time does the cinema open",
        ]
    ),
]
QUICK = TuneSettings(epochs=6, batch_size=4, learning_rate=1e-4)


def articles() -> list[Article]:
    return [
        Article(
            slug=slug,
            language="en",
            title=slug.replace("-", " ").capitalize(),
            body="",
            questions=questions,
            status=Status.PUBLISHED,
        )
        for slug, questions in VARIANTS.items()
    ]


def mean_margin(embedder: Embedder) -> float:
    """How much closer each unseen question is to its article than to the nearest other one."""
    units = {a.slug: embedder.embed(dense_units(a)) for a in articles()}
    margins = []
    for question, slug in UNSEEN:
        vector = embedder.embed([question])[0]
        best = {s: float((vectors @ vector).max()) for s, vectors in units.items()}
        margins.append(best.pop(slug) - max(best.values()))
    return float(np.mean(margins))


def test_batches_never_hold_an_article_twice() -> None:
    groups = groups_of(articles())
    pairs = epoch_pairs(groups, random.Random(0))
    assert len(pairs) == sum(map(len, groups)) == 24
    for batch in batches(pairs, 3):
        assert len({pair.group for pair in batch}) == len(batch) > 1


def test_each_text_meets_distinct_partners_of_its_own_article() -> None:
    groups = groups_of(articles())
    pairs = epoch_pairs(groups, random.Random(0), partners=3)
    assert len(pairs) == 3 * sum(map(len, groups))
    for group_number, group in enumerate(groups):
        for text in group:
            partners = [p.second for p in pairs if p.group == group_number and p.first == text]
            assert len(set(partners)) == 3 and text not in partners
            assert set(partners) <= set(group)
    # More partners than the article has other texts: each is paired with all of them once.
    everyone = epoch_pairs(groups, random.Random(0), partners=50)
    assert len(everyone) == sum(len(g) * (len(g) - 1) for g in groups)


def test_tuning_moves_unseen_paraphrases_to_their_article(tmp_path: Path) -> None:
    before = mean_margin(Embedder())
    path, record = tune(DEFAULT_MODEL, articles(), QUICK, tmp_path)
    assert path.parent == tmp_path and record["steps"] >= 30
    assert mean_margin(Embedder(str(path))) > before + 0.1  # measured: 0.31 -> 0.64
    assert base_of(str(path)) == DEFAULT_MODEL
    # The same base, settings and texts: the tuned model is reused, not trained again.
    assert tune(DEFAULT_MODEL, articles(), QUICK, tmp_path) == (path, record)


def tuned_and_calibrated(models_dir: Path, once_into: Path | None = None) -> tuple:
    """tune_and_calibrate on the tiny knowledge base, one out-of-scope question and MESSAGES."""
    return tune_and_calibrate(
        DEFAULT_MODEL,
        {"en": articles()},
        {"en": ["what is the weather"]},
        Tokenizer(),
        QUICK,
        models_dir,
        {"en": MESSAGES},
        once_into,
    )


def test_calibration_comes_from_a_model_that_did_not_see_its_questions(tmp_path: Path) -> None:
    path, calibration, reports, record = tuned_and_calibrated(tmp_path)
    held_out = [json.loads((p / RECORD).read_text()) for p in tmp_path.iterdir() if p != path]
    # A small knowledge base: each fold (one variant an article) was held out of its own model,
    # and every variant was asked.
    assert len(held_out) == FOLDS and all(h["texts"] == 24 - len(VARIANTS) for h in held_out)
    assert reports[0].in_scope == 20 and reports[0].out_of_scope == 1
    # The customer messages were asked too, each confidence from a fold fitted without it.
    assert set(reports[0].messages) == set(MESSAGES)
    assert "en" in calibration.languages and record["texts"] == 24
    assert sorted(record["held_out"]) == sorted(str(p) for p in tmp_path.iterdir() if p != path)

    # Pruning after a new tuning deletes older models and leftovers, never the new ones.
    older, interrupted, unrelated = tmp_path / "older", tmp_path / "x.partial", tmp_path / "mine"
    for folder in (older, interrupted, unrelated):
        folder.mkdir()
    (older / RECORD).write_text("{}")
    assert prune([str(path), *record["held_out"]], tmp_path) == [older, interrupted]
    assert sorted(tmp_path.iterdir()) == sorted([path, unrelated, *map(Path, record["held_out"])])


def test_tuning_once_calibrates_and_uses_the_model_that_did_not_see_one_fold(
    tmp_path: Path,
) -> None:
    once = tmp_path / "once"
    path, calibration, reports, record = tuned_and_calibrated(tmp_path / "models", once)
    # One training, into the folder: without the first fold (one variant an article), which
    # alone was asked, beside the customer messages.
    assert path == once and record["held_out"] == [] and not (tmp_path / "models").exists()
    assert json.loads((once / RECORD).read_text())["texts"] == 24 - len(VARIANTS)
    assert reports[0].in_scope == len(VARIANTS) and set(reports[0].messages) == set(MESSAGES)
    assert "en" in calibration.languages


def test_a_model_in_its_own_engine_is_refused_before_any_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """multilingual-e5-small is no sentence-transformers model: tuning it would look for it on a
    hub. The library refuses it, and both commands that tune say why."""
    with pytest.raises(ValueError, match="cannot be tuned"):
        tune_and_calibrate(E5_MODEL, {"en": articles()}, {"en": []}, Tokenizer(), QUICK, tmp_path)
    assert not any(tmp_path.iterdir())
    monkeypatch.setenv("BATON_EMBEDDING_MODEL", E5_MODEL)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        tuned = runner.invoke(app, ["kb", "tune", "--out", str(tmp_path / "tuned")])
        train = tmp_path / "train.csv"
        train.write_text("text,category\nwhen will my card arrive,card-arrival\n")
        evaluated = runner.invoke(
            app, ["eval", "--train", str(train), "--test", str(train), "--tune"]
        )
    finally:
        get_settings.cache_clear()
    for result in (tuned, evaluated):
        assert result.exit_code == 1
        assert "cannot be tuned" in result.output
    assert not (tmp_path / "tuned").exists()
