"""`baton eval --e2e`'s scoring and reading of test files (the whole stack: tests/e2e)."""

from pathlib import Path

from handoff.cli.customer_eval import (
    Outcome,
    Question,
    article_choice,
    read_questions,
    reply_kind,
    score,
)


def test_a_test_file_gives_each_row_its_language_or_the_default(tmp_path: Path) -> None:
    with_language = tmp_path / "with.csv"
    with_language.write_text('text,category,language\n"fees, please",fees,ko\n', encoding="utf-8")
    without = tmp_path / "without.csv"
    without.write_text("text,category\n where is it? ,transfer-status\n", encoding="utf-8")
    assert read_questions(with_language, "en") == [Question("fees, please", "fees", "ko")]
    assert read_questions(without, "en") == [Question("where is it?", "transfer-status", "en")]


def test_outcomes_are_scored_per_language_and_kind_of_question() -> None:
    rows = [
        (Question("a", "fees", "en"), Outcome("answer", slug="fees", reply_ms=10)),
        (Question("b", "fees", "en"), Outcome("answer", slug="exchange-rate", reply_ms=20)),
        (
            Question("c", "close-account", "en"),
            Outcome("handover", reason="report_fraud", priority="urgent"),
        ),
        (Question("d", "fees", "en"), Outcome("rephrase", reply_ms=40)),
        (Question("e", "oos", "en"), Outcome("out_of_scope", reply_ms=50)),
        (Question("f", "oos", "en"), Outcome("answer", slug="fees", reply_ms=60)),
        (
            Question("g", "handover:fraud", "en"),
            Outcome("handover", reason="report_fraud", priority="urgent"),
        ),
        (Question("h", "handover:human", "en"), Outcome("other", reply_ms=80)),
        (Question("i", "fees", "ko"), Outcome("answer", slug="fees", reply_ms=5)),
    ]
    questions, outcomes = zip(*rows, strict=True)
    figures = score(list(questions), list(outcomes))
    english = figures["en"]
    assert (english["questions"], english["in_scope"], english["out_of_scope"]) == (8, 4, 2)
    assert (english["right_answer"], english["wrong_answer"]) == (25.0, 25.0)
    assert english["needless_handover"] == english["needless_urgent_handover"] == 25.0
    assert english["asked_to_rephrase"] == 25.0
    assert english["out_of_scope_not_answered"] == 50.0
    assert english["handover_reached_person"] == {"fraud": 100.0, "human": 0.0}
    assert figures["ko"]["right_answer"] == 100.0 and figures["ko"]["handover_reached_person"] == {}


def test_a_right_article_chosen_among_those_offered_is_counted_apart() -> None:
    rows = [
        (Question("a", "fees", "en"), Outcome("answer", slug="fees")),
        (
            Question("b", "fees", "en"),
            Outcome("answer", slug="fees", suggested=("x", "fees"), chosen=True),
        ),
        (Question("c", "fees", "en"), Outcome("suggest", suggested=("x", "y"))),
        (Question("d", "fees", "en"), Outcome("rephrase")),
        (Question("e", "oos", "en"), Outcome("suggest", suggested=("x",))),
        (Question("f", "oos", "en"), Outcome("out_of_scope")),
    ]
    questions, outcomes = zip(*rows, strict=True)
    english = score(list(questions), list(outcomes))["en"]
    assert (english["right_answer"], english["right_after_choosing"]) == (25.0, 25.0)
    assert (english["offered_articles"], english["offered_without_the_right_one"]) == (50.0, 25.0)
    assert (english["asked_to_rephrase"], english["wrong_answer"]) == (25.0, 0.0)
    assert english["out_of_scope_not_answered"] == 100.0
    assert english["out_of_scope_offered_articles"] == 50.0


def test_an_article_button_s_payload_names_the_article() -> None:
    assert article_choice('/ask_faq{"article":"close-account"}') == "close-account"
    assert article_choice("/ask_faq") is None  # the menu's "other questions" button
    assert article_choice('/check_transfer_status{"transfer_reference":"HR123"}') is None
    assert reply_kind("suggest", "ask_faq") == "suggest"
