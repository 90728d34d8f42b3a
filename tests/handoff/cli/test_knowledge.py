"""`baton kb calibrate`: where each model's calibration, and its second opinion's limits, are
kept."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handoff.cli.main import app
from handoff.settings import Settings, get_settings
from knowledge_base.cascade import SecondOpinionFit, second_opinion_file, second_opinion_limits
from knowledge_base.confidence import CALIBRATION_FILE, Calibration, calibration_file
from knowledge_base.confidence_fitting import FEATURE_SETS
from knowledge_base.e5_model import E5_MODEL
from knowledge_base.embeddings import (
    DEFAULT_MODEL,
    INSTALLED_MODELS_DIR,
    SECOND_MODEL,
    model_location,
)
from knowledge_base.files import ARTICLES_DIR


def some_articles(tmp_path: Path, per_language: int = 8) -> Path:
    """A few of the seed articles of each language (calibrating on all takes minutes a model)."""
    folder = tmp_path / "articles"
    for language in ("en", "ko"):
        (folder / language).mkdir(parents=True)
        for article in sorted((ARTICLES_DIR / language).glob("*.md"))[:per_language]:
            shutil.copy(article, folder / language)
    return folder


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
        result = CliRunner().invoke(app, ["kb", "calibrate", str(some_articles(tmp_path))])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert calibration_file(str(model)) == model / CALIBRATION_FILE.name
    for copy in (model, second):
        calibration = Calibration.load(copy / CALIBRATION_FILE.name)
        assert set(calibration.languages) == {"en", "ko"}
        for fitted in calibration.languages.values():  # chosen on the development set's messages
            assert fitted.features in FEATURE_SETS
    assert result.output.count("customer messages, top-1") == 4, result.output
    assert CALIBRATION_FILE.read_bytes() == shared
    assert calibration_file(DEFAULT_MODEL) == CALIBRATION_FILE
    fit = SecondOpinionFit.load(second_opinion_file(str(model)))
    assert fit is not None and fit.models == {"en": str(second), "ko": str(second)}
    assert fit.below == {"en": 0.0, "ko": 0.0}  # the same model again would never help


def test_the_second_model_ships_with_its_calibration_and_limits() -> None:
    """The default second opinion needs no calibrating after `make setup`: its calibration and
    the limits fitted for the packaged model are committed, and the name finds the install."""
    assert model_location(SECOND_MODEL) == str(INSTALLED_MODELS_DIR / SECOND_MODEL)
    assert calibration_file(SECOND_MODEL).parent == CALIBRATION_FILE.parent
    calibration = Calibration.load(calibration_file(SECOND_MODEL))
    assert set(calibration.languages) == {"en", "ko"}
    assert calibration.languages["en"] != Calibration.load().languages["en"]  # its own fit
    assert Settings.model_fields["second_opinion_model"].default == SECOND_MODEL
    limits = second_opinion_limits(DEFAULT_MODEL, SECOND_MODEL)
    assert limits["en"] > 0  # asked in English
    # Korean's own second model, multilingual-e5-small, comes with its limit too.
    assert Settings.model_fields["second_opinion_by_language"].default_factory() == {"ko": E5_MODEL}
    assert second_opinion_limits(DEFAULT_MODEL, E5_MODEL)["ko"] > 0
    # Were it the first model, its limits would go beside its calibration, not over these.
    assert second_opinion_file(SECOND_MODEL) != second_opinion_file(DEFAULT_MODEL)
    assert second_opinion_file(SECOND_MODEL).parent == CALIBRATION_FILE.parent
