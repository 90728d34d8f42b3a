"""`baton eval` on a small labelled set: the contract's figures, report, plot and last line."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from handoff.cli.main import app
from handoff.settings import get_settings
from knowledge_base.embeddings import DEFAULT_MODEL
from knowledge_base.evaluate import Row, per_category, slug_of

TRAIN = {
    "card_arrival": [
        "when will my new card arrive",
        "my card still hasn't come in the post",
        "how long does card delivery take",
        "I am still waiting for my card",
        "card not delivered yet",
    ],
    "exchange_rate": [
        "what exchange rate do you use",
        "how is the currency conversion rate set",
        "is your fx rate the market rate",
        "what rate will I get for euros",
        "how do you calculate the exchange rate",
    ],
    "lost_card": [
        "I lost my card",
        "my card was stolen, what do I do",
        "can't find my card anywhere",
        "someone took my wallet with my card",
        "I misplaced my card",
    ],
}
TEST = [
    ("my card has not arrived yet, it's been a week", "card_arrival"),
    ("which conversion rate applies to my transfer", "exchange_rate"),
    ("help, my card is gone, I think it was stolen", "lost_card"),
    ("what is the capital of mongolia", "oos"),
    ("recommend a good pizza topping", "oos"),
]


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["text", "category"])
        writer.writerows(rows)
    return path


def test_eval_reports_the_contract_figures(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", [(t, c) for c, ts in TRAIN.items() for t in ts])
    test = write_csv(tmp_path / "test.csv", TEST)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        app, ["eval", "--train", str(train), "--test", str(test), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["queries"] == 5 and summary["train_rows"] == 15
    assert summary["model"] == DEFAULT_MODEL  # which embedder the figures belong to
    assert summary["in_scope_accuracy"] == 100.0
    assert summary["out_of_scope_recall"] == 100.0
    assert summary["accuracy"] >= 80.0
    assert {"escalation_rate", "query_latency_ms"} <= summary.keys()
    assert summary["second_opinion_rate"] == 0.0  # no second model is set
    assert json.loads(out.read_text()) == summary
    assert out.with_suffix(".png").stat().st_size > 1000


def test_several_test_sets_are_for_fitting_the_policy_only(tmp_path: Path) -> None:
    test = write_csv(tmp_path / "test.csv", TEST)
    out = tmp_path / "report.json"
    result = CliRunner().invoke(
        app, ["eval", "--test", str(test), "--test", str(test), "--e2e", "--out", str(out)]
    )
    assert result.exit_code != 0
    assert "one --test, except with --fit-policy" in result.output
    assert not out.exists()


def test_eval_fits_when_the_second_model_is_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same model as a second opinion would not help: it is never asked."""
    train = write_csv(tmp_path / "train.csv", [(t, c) for c, ts in TRAIN.items() for t in ts])
    test = write_csv(tmp_path / "test.csv", TEST)
    monkeypatch.setenv("BATON_SECOND_OPINION_MODEL", DEFAULT_MODEL)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app,
            ["eval", "--train", str(train), "--test", str(test), "--out", str(tmp_path / "r.json")],
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["second_opinion"]["model"] == DEFAULT_MODEL
    assert summary["second_opinion"]["below"] == {"en": 0.0}
    assert summary["second_opinion_rate"] == 0.0
    assert summary["in_scope_accuracy"] == 100.0


def test_shots_take_a_fixed_sample_per_category() -> None:
    rows = [Row(f"q{i}", f"c{i % 3}") for i in range(30)]
    sample = per_category(rows, 4, seed=0)
    assert len(sample) == 12 and sample == per_category(rows, 4, seed=0)
    assert sample != per_category(rows, 4, seed=1)


def test_category_names_become_slugs() -> None:
    assert slug_of("Reverted_card_payment?") == "reverted-card-payment"
