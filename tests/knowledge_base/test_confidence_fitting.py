"""Fitting the calibration: where the right article stood when the top one was wrong, and
where each model's calibration is kept."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handoff.cli.main import app
from handoff.settings import get_settings
from knowledge_base.articles import Article, Status
from knowledge_base.cascade import SecondOpinionFit, second_opinion_file
from knowledge_base.confidence import CALIBRATION_FILE, Calibration, calibration_file
from knowledge_base.confidence_fitting import Asked, lower_ranks
from knowledge_base.embeddings import DEFAULT_MODEL, model_location
from knowledge_base.search import TOP_K, Hit


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


def test_another_model_is_calibrated_into_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kb calibrate with other models leaves the packaged model's calibration alone; with a
    second opinion, both are calibrated and when the second is asked is fitted."""
    model, second = tmp_path / "other-model", tmp_path / "second-model"
    for copy in (model, second):
        shutil.copytree(model_location(DEFAULT_MODEL), copy)
    shared = CALIBRATION_FILE.read_bytes()
    monkeypatch.setenv("BATON_EMBEDDING_MODEL", str(model))
    monkeypatch.setenv("BATON_SECOND_OPINION_MODEL", str(second))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["kb", "calibrate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert calibration_file(str(model)) == model / CALIBRATION_FILE.name
    for copy in (model, second):
        assert set(Calibration.load(copy / CALIBRATION_FILE.name).languages) == {"en", "ko"}
    assert CALIBRATION_FILE.read_bytes() == shared
    assert calibration_file(DEFAULT_MODEL) == CALIBRATION_FILE
    fit = SecondOpinionFit.load(second_opinion_file(str(model)))
    assert fit is not None and fit.model == str(second)
    assert fit.below == {"en": 0.0, "ko": 0.0}  # the same model again would never help
