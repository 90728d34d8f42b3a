"""Fitting the decision's thresholds on made-up readings: the fit moves each threshold to where
its decisions cost least, and the costs weigh mistakes as the policy_fit module says."""

from dataclasses import replace

from handoff.cli.customer_eval import Question
from handoff.cli.policy_fit import Reading, SecondReading, cost, figures, fit, outcome
from knowledge_base.decision import MessageKind, Policy, Understanding
from tests.knowledge_base.test_decision import result


def reading(
    category: str, kind: MessageKind, nlu: float, kb: float | None, read_as: str | None = None
) -> Reading:
    """A question of `category` the NLU read as `kind`, whose top article ("fees") has the
    confidence `kb`, and which the articles' variants read as `read_as`."""
    intent = {MessageKind.URGENT: "report_fraud", MessageKind.OUT_OF_SCOPE: "out_of_scope"}
    understanding = Understanding(intent.get(kind, "ask_faq"), nlu, kind)
    searched = replace(result(kb), variants_read=read_as)
    return Reading(Question(f"{category} {nlu} {kb}", category, "en"), understanding, searched)


def test_a_reading_becomes_the_outcome_the_e2e_evaluation_would_record() -> None:
    policy = Policy(urgent=0.8)
    fraud = outcome(reading("handover:fraud", MessageKind.URGENT, 0.9, None), policy)
    assert (fraud.kind, fraud.reason, fraud.priority) == ("handover", "report_fraud", "urgent")
    answered = outcome(reading("fees", MessageKind.QUESTION, 0.9, 0.9), policy)
    assert (answered.kind, answered.slug) == ("answer", "fees")
    off_topic = outcome(reading("oos", MessageKind.OUT_OF_SCOPE, 0.9, None), policy)
    assert off_topic.kind == "out_of_scope"


def test_the_fit_keeps_benign_questions_out_of_the_urgent_queue() -> None:
    # Fraud reports read at 0.95 and more; a benign question the NLU took for fraud, at 0.85.
    readings = [
        reading("handover:fraud", MessageKind.URGENT, 0.95, None),
        reading("handover:fraud", MessageKind.URGENT, 0.97, 0.2),
        reading("fees", MessageKind.URGENT, 0.85, 0.3),
        reading("fees", MessageKind.QUESTION, 0.9, 0.9),
    ]
    before = figures(readings, Policy(urgent=0.5))["en"]
    assert before["needless_urgent_handover"] == 50.0
    fitted = fit(readings, Policy(urgent=0.5))
    assert 0.85 < fitted.urgent <= 0.95
    after = figures(readings, fitted)
    assert after["en"]["needless_urgent_handover"] == 0.0
    assert after["en"]["handover_reached_person"]["fraud"] == 100.0
    assert cost(readings, fitted) < cost(readings, Policy(urgent=0.5))


def test_a_fraud_report_answered_with_an_article_costs_five_needless_hand_overs() -> None:
    readings = [reading("handover:fraud", MessageKind.URGENT, 0.6, 0.9)]
    answered = figures(readings, Policy(urgent=0.5))
    assert answered["en"]["handover_reached_person"]["fraud"] == 0.0
    assert cost(readings, Policy(urgent=0.5)) == 5
    assert cost(readings, Policy(urgent=0.5, article={"en": 0.95})) == 0


def test_offered_articles_are_pressed_when_the_right_one_is_among_them() -> None:
    policy = Policy(suggest=0.3)
    offered = outcome(reading("fees", MessageKind.QUESTION, 0.9, 0.3), policy)
    assert (offered.kind, offered.slug, offered.chosen, offered.suggested) == (
        "answer",
        "fees",
        True,
        ("fees",),
    )
    not_among = outcome(reading("close-account", MessageKind.QUESTION, 0.9, 0.3), policy)
    assert (not_among.kind, not_among.suggested) == ("suggest", ("fees",))
    readings = [reading("fees", MessageKind.QUESTION, 0.9, 0.3)]
    # A press more than an answer at once, and better than asking to rephrase.
    assert cost(readings, policy) == -0.5
    assert cost(readings, Policy(suggest=0.5)) == 1.0


def test_the_fit_lifts_the_variants_veto_only_where_it_holds_back_more_than_it_stops() -> None:
    # Right answers the variants read as another article: offered (a press) under the veto.
    right_read_otherwise = [reading("fees", MessageKind.QUESTION, 0.9, 0.9, "close-account")] * 3
    fitted = fit(right_read_otherwise, Policy(variants_agree=["en"], article={"en": 0.5}))
    assert fitted.variants_agree == []
    assert figures(right_read_otherwise, fitted)["en"]["right_answer"] == 100.0
    # With as many wrong answers the veto stops, and nothing else to tell them apart, it stays.
    wrong_read_rightly = [reading("close-account", MessageKind.QUESTION, 0.9, 0.9, "close-account")]
    mixed = right_read_otherwise + wrong_read_rightly * 3
    fitted = fit(mixed, Policy(variants_agree=["en"], article={"en": 0.5}))
    assert fitted.variants_agree == ["en"]
    assert figures(mixed, fitted)["en"]["wrong_answer"] == 0.0


def test_a_second_models_ranking_decides_where_the_bots_would() -> None:
    """As handoff/assistant/answers.py: asked when the first ranking would not answer at once and
    the NLU reads a question, taken when it does better under its own policy."""
    first, second = Policy(article={"en": 0.8}), Policy(article={"en": 0.6})
    offered = reading("fees", MessageKind.QUESTION, 0.9, 0.7)
    again = replace(offered, second=SecondReading(result(0.7), second))
    assert outcome(offered, first).chosen  # offered, the right one pressed
    answered = outcome(again, first)
    assert (answered.kind, answered.slug, answered.chosen) == ("answer", "fees", False)
    # Not for what the NLU reads as fraud, nor when the first already answers.
    fraud = reading("handover:fraud", MessageKind.URGENT, 0.3, 0.7)
    assert outcome(replace(fraud, second=again.second), first).kind == "handover"
    assert outcome(again, Policy(article={"en": 0.5})).kind == "answer"
    # A second ranking that does no better leaves the first's decision.
    unsure = replace(offered, second=SecondReading(result(0.2), second))
    assert outcome(unsure, first).chosen
