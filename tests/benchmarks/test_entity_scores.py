"""The entity evaluator's figures, on a small set whose counts are worked out by hand."""

import json
from pathlib import Path

import pytest

from benchmarks.entity_scores import Case, load_cases, report, score
from handoff.settings import PROJECT_ROOT

CASES = [
    Case(
        "HB-2026-000123 for 500 dollars",
        "en",
        (("transfer_reference", "HB-2026-000123"), ("amount", "500"), ("currency", "USD")),
    ),
    Case("sent 500 USD and 500 USD", "en", (("amount", "500"), ("amount", "500"))),
    Case(
        "베트남으로 보낸 50만원", "ko", (("country", "VN"), ("amount", "50만"), ("currency", "KRW"))
    ),
]
FOUND = [
    # reference and amount right; the currency missed; a country that is not there
    [("transfer_reference", "HB-2026-000123"), ("amount", "500"), ("country", "US")],
    # one of the two amounts found
    [("amount", "500")],
    # the country right, the amount with the wrong value, the currency right
    [("country", "VN"), ("amount", "50"), ("currency", "KRW")],
]


def test_counts_each_expected_entity_once_per_language_and_type() -> None:
    counts = score(CASES, FOUND)
    en, ko = counts["en"], counts["ko"]
    assert (en["amount"].true_positives, en["amount"].false_negatives) == (2, 1)
    assert (en["currency"].true_positives, en["currency"].false_negatives) == (0, 1)
    assert (en["country"].false_positives, en["country"].recall) == (1, 1.0)
    assert en["country"].precision == 0.0
    assert en["amount"].precision == 1.0
    assert en["amount"].recall == pytest.approx(2 / 3)
    assert en["amount"].f1 == pytest.approx(0.8)
    assert (ko["amount"].true_positives, ko["amount"].false_positives) == (0, 1)
    assert ko["amount"].false_negatives == 1
    assert ko["country"].f1 == ko["currency"].f1 == 1.0


def test_the_report_lists_the_utterances_not_all_right() -> None:
    figures = report(CASES, FOUND)
    assert figures["utterances"] == {"en": 2, "ko": 1}
    assert [m["text"] for m in figures["mistakes"]] == [case.text for case in CASES]
    right = report(CASES[:1], [list(CASES[0].entities)])
    assert right["mistakes"] == []
    assert right["languages"]["en"]["currency"]["f1"] == 1.0


def test_a_result_list_of_another_length_is_refused() -> None:
    with pytest.raises(ValueError, match="3 cases but 2 results"):
        score(CASES, FOUND[:2])


def test_a_malformed_test_line_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    good = {
        "text": "to Nepal",
        "language": "en",
        "entities": [{"entity": "country", "value": "NP"}],
    }
    path.write_text(json.dumps(good) + "\n\n" + json.dumps({"text": "no language"}) + "\n")
    with pytest.raises(ValueError, match=r"set.jsonl:3"):
        load_cases(path)
    path.write_text(json.dumps(good) + "\n")
    assert load_cases(path) == [Case("to Nepal", "en", (("country", "NP"),))]


def test_the_committed_test_set_is_large_enough_and_in_both_languages() -> None:
    cases = load_cases(PROJECT_ROOT / "benchmarks" / "data" / "entities-test.jsonl")
    languages = [case.language for case in cases]
    assert len(cases) >= 150
    assert languages.count("en") >= 75 and languages.count("ko") >= 75
