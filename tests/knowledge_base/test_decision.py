"""The bot's decision, on made-up search results and NLU readings."""

from dataclasses import replace

import pytest

from handoff.queue.agent_queue import Escalation, Priority
from knowledge_base.articles import OUT_OF_SCOPE_TAG, Article, Status
from knowledge_base.decision import (
    ANOTHER_PROVIDER,
    COMPLAINT_READING,
    COMPLAINT_WORDS,
    DECLINED,
    DISPUTED,
    FRAUD,
    FRAUD_READING,
    FRAUD_STORY,
    FRAUD_TOPIC,
    FRAUD_WORDS,
    MOST_SUGGESTIONS,
    NLU_DISAGREES,
    VARIANTS_DISAGREE,
    FraudTold,
    MessageKind,
    Policy,
    Understanding,
    chosen,
    decide,
    settled_by_the_nlu,
)
from knowledge_base.search import Hit, SearchResult

POLICY = Policy(unsure=0.5, urgent=0.8, person=0.6, out_of_scope=0.7, social=0.9)


def article(slug: str = "fees", tags: tuple[str, ...] = ()) -> Article:
    return Article(
        slug=slug,
        language="en",
        title=slug.title(),
        body="It depends.",
        tags=list(tags),
        status=Status.PUBLISHED,
    )


def result(
    confidence: float | None,
    threshold: float = 0.5,
    tags: tuple[str, ...] = (),
    others: tuple[float, ...] = (),
) -> SearchResult:
    """A search result whose top article has this confidence (None: no article at all), and
    other articles after it with the `others` confidences."""
    matched = "how much does it cost"
    hits = (
        [] if confidence is None else [Hit(article(tags=tags), 0.0, 0.0, 0.0, matched, confidence)]
    )
    hits += [Hit(article(f"other-{i}"), 0.0, 0.0, 0.0, matched, c) for i, c in enumerate(others)]
    answer = hits[0] if hits and confidence >= threshold else None
    return SearchResult(language="en", hits=hits, answer=answer, threshold=threshold)


def understood(kind: MessageKind, confidence: float, intent: str = "some_intent") -> Understanding:
    return Understanding(intent=intent, confidence=confidence, kind=kind, topic=f"{intent}-topic")


def decided(kb: float | None, nlu: Understanding, misses: int = 0) -> tuple[str, str | None]:
    decision = decide(result(kb), nlu, policy=POLICY, misses=misses)
    return decision.decision, decision.reason


def test_a_confident_article_answers_a_question_whatever_the_misses() -> None:
    unsure = understood(MessageKind.QUESTION, 0.2)
    decision = decide(result(0.8), unsure, misses=5, base_url="https://help.example")
    assert (decision.decision, decision.reason) == ("answer", None)
    assert decision.results[0].url == "https://help.example/help/en/fees"
    assert (decision.intent, decision.intent_confidence) == ("some_intent", 0.2)


@pytest.mark.parametrize(
    ("nlu_confidence", "misses", "expected"),
    [
        (0.9, 0, ("rephrase", None)),
        (0.9, 1, ("escalate", "repeated_misses")),
        (0.4, 0, ("escalate", "low_confidence")),
    ],
)
def test_a_miss_asks_to_rephrase_until_the_nlu_is_unsure_too_or_misses_repeat(
    nlu_confidence: float, misses: int, expected: tuple[str, str | None]
) -> None:
    for kb in (0.2, None):
        assert decided(kb, understood(MessageKind.QUESTION, nlu_confidence), misses) == expected


def test_the_limit_of_misses_in_a_row_is_a_setting() -> None:
    assert decide(result(0.1), misses=1, max_misses=3).decision == "rephrase"
    assert decide(result(0.1), misses=2, max_misses=3).decision == "escalate"
    assert decide(result(0.1), misses=0, max_misses=1).decision == "escalate"


def test_a_miss_offers_the_leading_articles_when_the_top_one_is_close() -> None:
    policy = POLICY.model_copy(update={"suggest": 0.3})
    sure = understood(MessageKind.QUESTION, 0.9)
    decision = decide(result(0.35, others=(0.2,)), sure, policy=policy)
    assert decision.decision == "suggest"
    assert [a.slug for a in decision.suggestions] == ["fees", "other-0"]
    many = decide(result(0.45, others=(0.4, 0.1, 0.05)), sure, policy=policy)
    assert len(many.suggestions) == MOST_SUGGESTIONS and len(many.results) == 4
    # The top one not close (whatever the lower ones' shares): rephrase.
    assert decide(result(0.25, others=(0.7,)), sure, policy=policy).decision == "rephrase"
    # An answer or a hand-over offers none.
    for answered in (result(0.9, others=(0.3,)), result(0.45, others=(0.3,))):
        decision = decide(answered, sure, policy=policy, misses=answered.answer is None)
        assert decision.decision in ("answer", "escalate") and not decision.suggestions


def test_a_confident_article_for_a_message_naming_another_provider_is_offered_not_answered() -> (
    None
):
    for kind in (MessageKind.QUESTION, MessageKind.OUT_OF_SCOPE):
        elsewhere = replace(understood(kind, 0.5), names_another_provider=True)
        decision = decide(result(0.9, others=(0.05,)), elsewhere, policy=POLICY)
        assert (decision.decision, decision.reason) == ("suggest", ANOTHER_PROVIDER)
        assert [s.slug for s in decision.suggestions] == ["fees", "other-0"]
        # No confident article: decided as any other message.
        assert decided(0.2, elsewhere) == decided(0.2, understood(kind, 0.5))
    # The customer's words of fraud still reach a person.
    robbed = Understanding(fraud_told=FraudTold.REPORTED, names_another_provider=True)
    assert decided(0.9, robbed) == ("escalate", FRAUD_WORDS)


def test_a_confident_article_that_the_variants_read_otherwise_is_offered_not_answered() -> None:
    question = understood(MessageKind.QUESTION, 0.9)
    found = result(0.9, others=(0.05, 0.02))
    read_otherwise = replace(found, variants_read="other-0")
    both = POLICY.model_copy(update={"variants_agree": ["en", "ko"]})
    decision = decide(read_otherwise, question, policy=both)
    assert (decision.decision, decision.reason) == ("suggest", VARIANTS_DISAGREE)
    assert [s.slug for s in decision.suggestions] == ["fees", "other-0", "other-1"]
    for agreeing in (found, replace(found, variants_read="fees")):
        assert decide(agreeing, question, policy=both).decision == "answer"
    # Only in the languages whose variants must agree.
    english_alone = POLICY.model_copy(update={"variants_agree": ["ko"]})
    assert decide(read_otherwise, question, policy=english_alone).decision == "answer"


def test_two_models_ranking_the_article_first_outvote_the_variants() -> None:
    question = understood(MessageKind.QUESTION, 0.9)
    bars = {"article": {"en": 0.6}, "variants_agree": ["en"], "agreeing": {"en": 0.7}}
    policy = POLICY.model_copy(update=bars)
    second = replace(result(0.75, others=(0.1,)), variants_read="other-0", second_opinion=True)
    agreed = replace(second, agrees_with_first=True)
    assert decide(agreed, question, policy=policy).decision == "answer"
    # Not when the first model ranked another article first, or the second is under the bar.
    assert decide(second, question, policy=policy).reason == VARIANTS_DISAGREE
    unsure = replace(agreed, hits=[replace(agreed.hits[0], confidence=0.65)])
    unsure = replace(unsure, answer=unsure.hits[0])
    assert decide(unsure, question, policy=policy).reason == VARIANTS_DISAGREE
    # Nor in a language without a bar for agreeing models.
    korean = replace(agreed, language="ko")
    korean_variants = policy.model_copy(update={"variants_agree": ["ko"]})
    assert decide(korean, question, policy=korean_variants).reason == VARIANTS_DISAGREE


def test_where_the_first_model_must_agree_a_second_model_s_article_answers_only_beside_it() -> None:
    question = understood(MessageKind.QUESTION, 0.9)
    policy = POLICY.model_copy(update={"first_agrees": ["en"]})
    second = replace(result(0.9, others=(0.05,)), second_opinion=True)
    assert decide(second, question, policy=policy).decision == "suggest"
    agreed = replace(second, agrees_with_first=True)
    assert decide(agreed, question, policy=policy).decision == "answer"
    # The first model's own ranking, and other languages, need no agreement.
    assert decide(replace(second, second_opinion=False), question, policy=policy).decision == (
        "answer"
    )
    korean_only = POLICY.model_copy(update={"first_agrees": ["ko"]})
    assert decide(second, question, policy=korean_only).decision == "answer"


def test_a_second_model_answers_a_disputed_out_of_scope_reading_only_beside_the_first() -> None:
    disputed = replace(understood(MessageKind.OUT_OF_SCOPE, 1.0), read_in_scope=True)
    policy = POLICY.model_copy(update={"agreeing": {"en": 0.7}})
    second = replace(result(0.9, others=(0.05,)), second_opinion=True)
    assert decide(second, disputed, policy=policy).decision == "suggest"
    agreed = replace(second, agrees_with_first=True)
    assert decide(agreed, disputed, policy=policy).decision == "answer"
    # A question's second opinion needs no agreement.
    assert decide(second, understood(MessageKind.QUESTION, 0.9), policy=policy).decision == "answer"


def test_in_korean_the_nlus_topic_and_the_variants_agreeing_lower_the_bar_to_the_searchs() -> None:
    on_transfers = replace(understood(MessageKind.QUESTION, 0.9), topic="transfers")
    found = replace(result(0.6, tags=("transfers",)), language="ko", variants_read="fees")
    assert decide(found, on_transfers, policy=POLICY).decision == "answer"
    # Not when the variants read another article, the intent is on another matter, the NLU
    # is unsure, or in a language without the rule.
    misses = [
        (replace(found, variants_read="other-0"), on_transfers, POLICY),
        (found, replace(on_transfers, topic="verification"), POLICY),
        (found, replace(on_transfers, confidence=0.4), POLICY),
        (found, on_transfers, POLICY.model_copy(update={"topic_agrees": []})),
    ]
    for search, nlu, policy in misses:
        assert decide(search, nlu, policy=policy).decision != "answer"


def test_the_article_a_customer_chose_is_the_answer() -> None:
    decision = chosen(article("close-account"), 0.5, base_url="https://help.example")
    assert (decision.decision, decision.reason, decision.suggestions) == ("answer", None, [])
    [answer] = decision.results
    assert (answer.slug, answer.title, answer.confidence) == ("close-account", "Close-Account", 1.0)
    assert answer.url == "https://help.example/help/en/close-account"


@pytest.mark.parametrize("intent", ["report_fraud", "complaint"])
def test_only_a_sure_nlu_and_no_confident_article_on_other_matters_jumps_the_queue(
    intent: str,
) -> None:
    sure, unsure = (understood(MessageKind.URGENT, c, intent) for c in (0.95, 0.6))
    assert decided(0.2, sure) == ("escalate", intent)
    assert decided(None, sure) == ("escalate", intent)
    # One signal alone: the article answers, or a person comes at normal priority.
    assert decided(0.9, sure) == ("answer", None)
    # An article on the same matter (tagged with the intent's topic) agrees with the NLU.
    agreeing = result(0.9, tags=("security", f"{intent}-topic"))
    assert decide(agreeing, sure, policy=POLICY).reason == intent
    assert decide(agreeing, unsure, policy=POLICY).decision == "answer"
    assert decided(0.2, unsure) == ("escalate", "low_confidence")
    assert decided(0.9, unsure) == ("answer", None)


def test_a_sure_reading_of_fraud_jumps_the_whole_queue_only_beside_words_of_an_event() -> None:
    # "Is your fraud line open at night?" reads as fraud and finds the article on fraud too;
    # "is ethereum a good investment?" reads as fraud and finds no article.
    sure = Understanding("report_fraud", 0.95, MessageKind.URGENT, topic=FRAUD)
    reported = replace(sure, fraud_told=FraudTold.REPORTED)
    for found in (result(0.9, tags=("security", FRAUD)), result(0.2), result(None)):
        assert decide(found, sure, policy=POLICY).reason == FRAUD_TOPIC
        assert decide(found, reported, policy=POLICY).reason == "report_fraud"
    assert Escalation.because(FRAUD_TOPIC).priority is Priority.HIGH


def test_a_question_about_fraud_that_the_article_on_fraud_answers_is_answered() -> None:
    # "someone called saying they're from you and asked for my code, is that real?"
    asked = Understanding("report_fraud", 0.95, MessageKind.URGENT, topic=FRAUD, asks=True)
    on_fraud = result(0.9, tags=("security", FRAUD))
    assert decide(on_fraud, asked, policy=POLICY).decision == "answer"
    # Not when the words tell of an event, the article on fraud is unsure, or none answers.
    reported = replace(asked, fraud_told=FraudTold.REPORTED)
    assert decide(on_fraud, reported, policy=POLICY).reason == "report_fraud"
    for found in (result(0.4, tags=("security", FRAUD)), result(0.2), result(None)):
        assert decide(found, asked, policy=POLICY).reason == FRAUD_TOPIC
    # Nor a question that tells of money already sent ("I sent him 500, what do I do now?").
    paid = replace(asked, tells_money_sent=True)
    assert decide(on_fraud, paid, policy=POLICY).reason == FRAUD_TOPIC
    # A complaint asked as a question still jumps the queue: "불만접수는 어디서 하나요? 서비스 진짜
    # 개판이네" asks where to complain and lodges one (answering such questions with the article
    # on complaints lost two complaints for one answer on the sixteen sets, thirty-sixth round).
    complaint = Understanding("complaint", 0.95, MessageKind.URGENT, topic="complaint", asks=True)
    assert decide(result(0.9, tags=("complaint",)), complaint, policy=POLICY).reason == "complaint"


def test_a_surer_nlu_of_a_complaint_that_a_confident_article_disputes_reaches_a_person() -> None:
    policy = POLICY.model_copy(update={"disputed": 0.99})
    certain, sure = (understood(MessageKind.URGENT, c, "complaint") for c in (0.995, 0.95))
    disputed = decide(result(0.9), certain, policy=policy)
    assert (disputed.decision, disputed.reason) == ("escalate", DISPUTED)
    assert Escalation.because(DISPUTED).priority is Priority.NORMAL
    assert decide(result(0.9), sure, policy=policy).decision == "answer"
    # Without a confident article there is nothing to dispute: the queue is jumped.
    assert decide(result(0.2), certain, policy=policy).reason == "complaint"
    # A question the confident article answers ("why is my transfer on hold?") is answered.
    asked = replace(certain, asks=True)
    assert decide(result(0.9), asked, policy=policy).decision == "answer"
    assert decide(result(0.2), asked, policy=policy).reason == "complaint"


def test_a_certain_fraud_reading_that_a_confident_article_disputes_is_answered() -> None:
    """DIET is as certain of fraud in "the cancel button is missing" as in a report."""
    policy = POLICY.model_copy(update={"disputed": 0.99})
    certain = Understanding("report_fraud", 1.0, MessageKind.URGENT, topic=FRAUD)
    assert decide(result(0.9), certain, policy=policy).decision == "answer"
    # Unless the customer's words tell of fraud; without a confident article, a person.
    reported = replace(certain, fraud_told=FraudTold.REPORTED)
    assert decide(result(0.9), reported, policy=policy).reason == FRAUD_WORDS
    assert decide(result(0.2), certain, policy=policy).reason == FRAUD_TOPIC


@pytest.mark.parametrize("kind", list(MessageKind))
@pytest.mark.parametrize(
    ("words", "reason"),
    [
        ({"fraud_told": FraudTold.REPORTED}, FRAUD_WORDS),
        ({"lodges_complaint": True}, COMPLAINT_WORDS),
    ],
)
def test_words_that_report_fraud_or_lodge_a_complaint_reach_a_person_whatever_else_is_read(
    kind: MessageKind, words: dict, reason: str
) -> None:
    for confidence in (0.3, 0.9, 1.0):
        nlu = Understanding(intent="x", confidence=confidence, kind=kind, **words)
        assert not settled_by_the_nlu(nlu, POLICY)
        for kb in (None, 0.2, 0.9, 1.0):
            decided_as = decided(kb, nlu, misses=1)
            assert decided_as in {("escalate", reason), ("escalate", "x")}, (kind, confidence, kb)
    assert Escalation.because(reason).priority is Priority.HIGH


def test_words_and_a_sure_nlu_that_agree_on_fraud_jump_the_whole_queue() -> None:
    fraud = Understanding(
        intent="report_fraud",
        confidence=0.95,
        kind=MessageKind.URGENT,
        fraud_told=FraudTold.REPORTED,
    )
    assert decided(0.2, fraud) == ("escalate", "report_fraud")
    assert Escalation.because("report_fraud").priority is Priority.URGENT
    # A confident article on another matter: the words still bring a person, not urgently.
    assert decided(0.9, fraud) == ("escalate", FRAUD_WORDS)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_a_take_over_feared_reaches_a_person_ahead_of_the_queue_unless_an_article_answers(
    kind: MessageKind,
) -> None:
    """Asked "a new device logged into my account and it wasn't me. What should I do first?",
    the article on fraud says what to do at once; a customer whose money is gone comes first."""
    feared = Understanding(intent="x", confidence=0.9, kind=kind, fraud_told=FraudTold.FEARED)
    assert not settled_by_the_nlu(feared, POLICY)
    for kb in (None, 0.2):
        assert decided(kb, feared) in {("escalate", FRAUD_WORDS), ("escalate", "x")}
    # With a confident article on another matter: a person, unless the message asks.
    assert decided(0.9, feared) in {("escalate", FRAUD_WORDS), ("escalate", "x")}
    asked = replace(feared, asks=True)
    assert decided(0.9, asked) == decided(0.9, replace(asked, fraud_told=None))
    # Read as fraud by a sure NLU: not urgent; the article on fraud answers a question.
    sure = Understanding("report_fraud", 0.95, MessageKind.URGENT, topic=FRAUD)
    sure = replace(sure, fraud_told=FraudTold.FEARED)
    on_fraud = result(0.9, tags=("security", FRAUD))
    assert decide(on_fraud, sure, policy=POLICY).reason == FRAUD_TOPIC
    assert decide(on_fraud, replace(sure, asks=True), policy=POLICY).decision == "answer"
    assert decide(result(0.2), sure, policy=POLICY).reason == FRAUD_TOPIC
    assert Escalation.because(FRAUD_WORDS).priority is Priority.HIGH


def test_fraud_read_where_nothing_is_lost_yet_is_answered_by_the_article_on_fraud_it_finds() -> (
    None
):
    """ "Left my phone in a taxi ... nothing has been sent. How do I lock the account?": the NLU
    reads fraud, the words say nothing is lost, the search and its variants find the article on
    fraud: three readings of a question, answered under the language's bar."""
    sure = Understanding("report_fraud", 0.95, MessageKind.URGENT, topic=FRAUD, asks=True)
    safe = replace(sure, fraud_told=FraudTold.NOTHING_LOST)
    on_fraud = result(0.6, tags=("security", FRAUD))
    read_too = replace(on_fraud, variants_read=on_fraud.hits[0].article.slug)
    assert decide(read_too, safe, policy=POLICY).decision == "answer"
    # Any reading missing: a person, ahead of the normal queue.
    assert decide(read_too, sure, policy=POLICY).reason == FRAUD_TOPIC
    assert decide(on_fraud, safe, policy=POLICY).reason == FRAUD_TOPIC
    assert decide(read_too, replace(safe, asks=False), policy=POLICY).reason == FRAUD_TOPIC
    on_fees = result(0.6, tags=("fees",))
    other = replace(on_fees, variants_read=on_fees.hits[0].article.slug)
    assert decide(other, safe, policy=POLICY).decision == "escalate"
    assert decide(result(0.4, tags=(FRAUD,)), safe, policy=POLICY).reason == FRAUD_TOPIC


def test_a_request_for_a_person_is_granted_unless_an_article_fits_a_doubtful_one() -> None:
    assert decided(0.9, understood(MessageKind.PERSON, 0.95)) == ("escalate", "customer_asked")
    assert decided(0.2, understood(MessageKind.PERSON, 0.3)) == ("escalate", "customer_asked")
    assert decided(0.9, understood(MessageKind.PERSON, 0.5)) == ("answer", None)
    # An article on what Hanbit Remit does not do answers no request for a person ("someone from
    # your team, it's a bit complicated to explain to a bot").
    declining = result(0.9, tags=(OUT_OF_SCOPE_TAG,), others=(0.05,))
    assert decide(declining, understood(MessageKind.PERSON, 0.5), policy=POLICY).reason == (
        "customer_asked"
    )


@pytest.mark.parametrize("kind", [MessageKind.QUESTION, MessageKind.PERSON, MessageKind.SOCIAL])
def test_words_that_ask_for_a_person_are_granted_whatever_the_article(kind: MessageKind) -> None:
    asked = replace(understood(kind, 0.5), asks_for_a_person=True)
    for kb in (None, 0.2, 0.9, 1.0):
        assert decided(kb, asked) == ("escalate", "customer_asked"), (kind, kb)
    # The customer's words of fraud come first: a person, sooner.
    robbed = replace(asked, fraud_told=FraudTold.REPORTED)
    assert decided(0.9, robbed) == ("escalate", FRAUD_WORDS)


@pytest.mark.parametrize(
    ("kind", "threshold"), [(MessageKind.OUT_OF_SCOPE, 0.7), (MessageKind.SOCIAL, 0.9)]
)
def test_out_of_scope_and_social_messages_get_their_reply_unless_an_article_outweighs(
    kind: MessageKind, threshold: float
) -> None:
    assert decided(None, understood(kind, 1.0)) == ("reply", None)
    assert decided(0.3, understood(kind, 1.0)) == ("reply", None)
    assert decided(0.3, understood(kind, 0.2)) == ("reply", None)
    assert decided(0.95, understood(kind, threshold - 0.01)) == ("answer", None)


def test_a_confident_article_for_a_sure_out_of_scope_reading_is_offered_not_dismissed() -> None:
    sure = understood(MessageKind.OUT_OF_SCOPE, 0.7)
    decision = decide(result(0.95, others=(0.04,)), sure, policy=POLICY)
    assert (decision.decision, decision.reason) == ("suggest", NLU_DISAGREES)
    assert [s.slug for s in decision.suggestions] == ["fees", "other-0"]
    # Two sure readings that disagree are not a run of misses that hands over.
    assert decided(0.95, sure, misses=5) == ("suggest", NLU_DISAGREES)
    # Small talk is not offered articles ("thanks, my transfer arrived").
    assert decided(0.95, understood(MessageKind.SOCIAL, 0.9)) == ("reply", None)


def test_a_sure_out_of_scope_reading_the_scope_reader_disputes_lets_the_article_answer() -> None:
    disputed = replace(understood(MessageKind.OUT_OF_SCOPE, 1.0), read_in_scope=True)
    assert decided(0.95, disputed) == ("answer", None)
    # Without a confident article, it is a miss as a question's is: the leading articles are
    # offered (with the question's words, not the out-of-scope reply's), or a rephrase asked.
    assert decided(0.4, disputed) == ("suggest", None)
    assert decided(None, disputed) == ("rephrase", None)
    assert decided(None, replace(disputed, read_in_scope=False)) == ("reply", None)


def test_in_a_language_the_scope_reader_cannot_read_a_very_confident_article_answers() -> None:
    sure = understood(MessageKind.OUT_OF_SCOPE, 1.0)
    policy = POLICY.model_copy(update={"over_out_of_scope": {"ko": 0.93}})

    def korean(confidence: float) -> tuple[str, str | None]:
        found = replace(result(confidence), language="ko")
        decision = decide(found, sure, policy=policy)
        return decision.decision, decision.reason

    assert korean(0.95) == ("answer", None)
    assert korean(0.9) == ("suggest", NLU_DISAGREES)
    # English has no such bar: the scope reader decides there.
    assert decide(result(0.99), sure, policy=policy).reason == NLU_DISAGREES


@pytest.mark.parametrize("field", ["small_talk", "asks"])
def test_a_message_longer_than_small_talk_or_asking_is_not_settled_by_a_social_reading(
    field: str,
) -> None:
    # "안녕하세요. 계정을 닫고 싶은데요 ..."; "fee??" and "what info needed for gcash", which DIET
    # reads as yes or no.
    social = understood(MessageKind.SOCIAL, 1.0)
    assert settled_by_the_nlu(social, POLICY)
    searched = (
        replace(social, small_talk=False) if field == "small_talk" else replace(social, asks=True)
    )
    assert not settled_by_the_nlu(searched, POLICY)
    assert decided(0.95, searched) == ("answer", None)
    # No article answers: searched as a question the NLU could not read ("My mum is in Harare,
    # Zimbabwe. Is that somewhere you can send to, or not yet?", read as "no"), not given the
    # social reply, nor handed over however unsure the social reading.
    assert decided(0.35, searched) == ("suggest", None)
    assert decided(None, searched) == ("rephrase", None)
    assert decided(None, replace(searched, confidence=0.3)) == ("rephrase", None)
    # Small talk that asks nothing keeps its reply, sure or not.
    assert decided(0.35, replace(social, confidence=0.5)) == ("reply", None)


def test_a_confident_article_on_what_is_not_done_declines_the_message() -> None:
    declining = result(0.9, tags=(OUT_OF_SCOPE_TAG,), others=(0.05,))
    for kind in (MessageKind.QUESTION, MessageKind.OUT_OF_SCOPE):
        for reading in (
            understood(kind, 0.99),
            replace(understood(kind, 0.5), names_another_provider=True),
        ):
            decision = decide(declining, reading, policy=POLICY, misses=5)
            assert (decision.decision, decision.reason) == ("decline", DECLINED)
            assert decision.results[0].slug == "fees" and not decision.suggestions
    # Unsure of it: as any other article that is not confident.
    unsure = result(0.3, tags=(OUT_OF_SCOPE_TAG,), others=(0.05,))
    question = understood(MessageKind.QUESTION, 0.9)
    assert decide(unsure, question, policy=POLICY).decision == "suggest"
    # A sure social reading, a person asked for, words of fraud come first.
    assert (
        decide(declining, understood(MessageKind.SOCIAL, 0.95), policy=POLICY).decision == "reply"
    )
    robbed = Understanding(fraud_told=FraudTold.REPORTED)
    assert decide(declining, robbed, policy=POLICY).reason == FRAUD_WORDS
    # It disputes no urgent reading the customer's words back: "someone took over my PayPal"
    # still jumps the queue, a complaint in words reaches a person.
    sure = understood(MessageKind.URGENT, 0.95, "complaint")
    lodged = replace(sure, lodges_complaint=True)
    assert decide(declining, lodged, policy=POLICY).reason == "complaint"
    assert decide(declining, sure, policy=POLICY).decision == "decline"
    assert decide(unsure, sure, policy=POLICY).reason == "complaint"
    fraud = Understanding("report_fraud", 0.95, MessageKind.URGENT, topic=FRAUD)
    took_over = replace(fraud, fraud_told=FraudTold.REPORTED)
    assert decide(declining, took_over, policy=POLICY).reason == "report_fraud"
    # But a sure reading of fraud without words of an event ("a chicken adobo recipe without soy
    # sauce?", "do I pay tax on what I send my parents?") is declined; unsure of it, a person.
    assert decide(declining, fraud, policy=POLICY).decision == "decline"
    assert decide(unsure, fraud, policy=POLICY).reason == FRAUD_TOPIC
    # Nor a story of money sent: "I paid an agent 2,500 USD for a work visa" finds the article
    # on visas as surely as a question on them does.
    paid = replace(fraud, tells_money_sent=True)
    assert decide(declining, paid, policy=POLICY).reason == FRAUD_TOPIC


def test_without_an_nlu_the_decision_is_the_knowledge_base_s() -> None:
    assert decide(result(0.8)).decision == "answer"
    assert decide(result(0.3)).decision == "suggest"
    assert decide(result(0.2)).decision == "rephrase"
    assert decide(result(0.3)).intent is None


def test_a_language_may_ask_more_of_an_article_than_the_search_does() -> None:
    stricter = Policy(unsure=0.5, article={"en": 0.85, "ko": 0.5})
    question = understood(MessageKind.QUESTION, 0.9)
    assert decide(result(0.8), question, policy=stricter).decision == "suggest"
    assert decide(result(0.9), question, policy=stricter).decision == "answer"
    assert decide(result(0.8), question, policy=Policy(article={"ko": 0.95})).decision == "answer"


def test_a_stricter_bar_for_answering_does_not_make_doubtful_articles_urgent() -> None:
    stricter = Policy(urgent=0.8, article={"en": 0.85})
    fraud = understood(MessageKind.URGENT, 0.95, "report_fraud")
    decision = decide(result(0.7), fraud, policy=stricter)
    assert (decision.decision, decision.reason) == ("escalate", "low_confidence")


def test_what_the_nlu_settles_no_search_result_changes() -> None:
    settled = set()
    for kind in MessageKind:
        for confidence in (0.0, 0.3, 0.59, 0.6, 0.69, 0.7, 0.89, 0.9, 1.0):
            nlu = understood(kind, confidence)
            if not settled_by_the_nlu(nlu, POLICY):
                continue
            settled.add((kind, confidence))
            outcomes = {decided(kb, nlu) for kb in (None, 0.1, 0.5, 0.8, 1.0)}
            outcomes |= {decided(0.9, nlu, misses=5)}
            assert len(outcomes) == 1, (kind, confidence, outcomes)
    assert (MessageKind.SOCIAL, 0.9) in settled and (MessageKind.SOCIAL, 0.89) not in settled
    assert (MessageKind.PERSON, 0.6) in settled and (MessageKind.PERSON, 0.59) not in settled
    assert {kind for kind, _ in settled} == {MessageKind.SOCIAL, MessageKind.PERSON}


def test_money_sent_beside_the_article_on_fraud_reaches_a_person() -> None:
    """A story of money lost to a scam: the words tell of money sent, the article on fraud leads
    the ranking. Either alone is not enough, nor an article on fraud too far to be offered."""
    sent = Understanding(tells_money_sent=True)
    on_fraud = result(0.9, tags=(FRAUD,))
    decision = decide(on_fraud, sent, policy=POLICY)
    assert (decision.decision, decision.reason) == ("escalate", FRAUD_STORY)
    assert Escalation.because(FRAUD_STORY).priority is Priority.HIGH
    assert decide(result(0.4, tags=(FRAUD,)), sent, policy=POLICY).reason == FRAUD_STORY
    assert decide(on_fraud, Understanding(), policy=POLICY).decision == "answer"
    assert decide(result(0.9), sent, policy=POLICY).decision == "answer"
    assert decide(result(0.1, tags=(FRAUD,)), sent, policy=POLICY).reason != FRAUD_STORY


@pytest.mark.parametrize(
    ("read", "reason"), [("report_fraud", FRAUD_READING), ("complaint", COMPLAINT_READING)]
)
def test_the_urgency_reader_s_reading_reaches_a_person_unless_the_article_on_fraud_answers(
    read: str, reason: str
) -> None:
    """The urgency reader (knowledge_base/urgency.py) reads the message as fraud or as a
    complaint: a person, ahead of the normal queue, whatever the NLU or another article reads,
    and even where a sure social reading would otherwise settle it."""
    for kind in (MessageKind.QUESTION, MessageKind.SOCIAL, MessageKind.OUT_OF_SCOPE):
        nlu = replace(understood(kind, 0.95), small_talk=True, read_urgent=read)
        assert not settled_by_the_nlu(nlu, POLICY)
        for kb in (None, 0.2, 0.9):
            assert decided(kb, nlu) == ("escalate", reason), (kind, kb)
        assert decided(0.9, replace(nlu, read_urgent=None))[0] != "escalate"
    assert Escalation.because(reason).priority is Priority.HIGH
    # A question about a scam reads much as a report does: the article on fraud answers it.
    asked = Understanding(read_urgent=read)
    assert decide(result(0.9, tags=(FRAUD,)), asked, policy=POLICY).decision == "answer"
    assert decide(result(0.2, tags=(FRAUD,)), asked, policy=POLICY).reason == reason
