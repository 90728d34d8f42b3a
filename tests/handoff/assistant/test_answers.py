"""The bot's answers from the knowledge base: misses counted in the conversation, unanswered
questions kept for the editors, previews that count nothing (the hub in process)."""

import pytest

from handoff.assistant.answers import KnowledgeAnswers, helpfulness
from handoff.assistant.rasa_client import RasaClient
from handoff.conversations.store import ConversationStore
from handoff.services import Services
from knowledge_base.cascade import SecondOpinion
from knowledge_base.confidence import Calibration
from knowledge_base.decision import (
    COMPLAINT_READING,
    FRAUD_READING,
    FRAUD_STORY,
    FRAUD_TOPIC,
    NLU_DISAGREES,
    Decision,
    Policy,
)
from knowledge_base.embeddings import Embedder
from knowledge_base.gap_log import GapLog
from knowledge_base.live import LiveKnowledgeBase
from knowledge_base.scope import ScopeReader
from knowledge_base.scope import fit_language as fit_scope
from knowledge_base.text import Tokenizer
from knowledge_base.unanswered import UnansweredQuestions
from knowledge_base.urgency import UrgencyReader
from knowledge_base.urgency import fit_language as fit_urgency
from tests.handoff.conftest import ANSWERED
from tests.knowledge_base.test_morpheme_urgency import PASTOR_SCAM, SARCASM
from tests.knowledge_base.test_urgency import ROMANCE_SCAM
from tests.support import InProcessHub

MISSED = "what's the weather like in Seoul"


@pytest.fixture
def answers(hub_with_articles: InProcessHub) -> KnowledgeAnswers:
    return hub_with_articles.app.state.services.answers


@pytest.fixture
def unanswered(hub_with_articles: InProcessHub) -> UnansweredQuestions:
    return hub_with_articles.app.state.services.unanswered


async def test_misses_are_counted_in_the_conversation_and_an_answer_clears_them(
    answers: KnowledgeAnswers, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    await answers.for_customer(conversation.id, MISSED, "en", None)
    assert (await store.get(conversation.id)).misses == 1
    answered = await answers.for_customer(conversation.id, ANSWERED, "en", None)
    assert answered.decision == "answer"
    assert (await store.get(conversation.id)).misses == 0


async def test_questions_the_bot_could_not_answer_are_kept_for_the_editors(
    answers: KnowledgeAnswers, unanswered: UnansweredQuestions, store: ConversationStore
) -> None:
    for _ in range(2):
        conversation = await store.create("web", "en")
        await answers.for_customer(conversation.id, MISSED, "en", None)
        await answers.for_customer(conversation.id, ANSWERED, "en", None)
    [kept] = await unanswered.most_asked("en")
    assert (kept.question, kept.count) == (MISSED, 2)


async def test_the_unanswered_list_masks_phone_numbers_and_emails(
    answers: KnowledgeAnswers, unanswered: UnansweredQuestions, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    question = "what's the weather in Seoul? text 010-1234-5678 or mail kim@example.com"
    await answers.for_customer(conversation.id, question, "en", None)
    [kept] = await unanswered.most_asked("en")
    assert kept.question == "what's the weather in Seoul? text [phone] or mail [email]"


async def test_a_preview_decides_as_a_first_question_and_counts_nothing(
    hub_offering_nothing: InProcessHub,
) -> None:
    services = hub_offering_nothing.app.state.services
    answers, unanswered = services.answers, services.unanswered
    for _ in range(3):  # never "repeated_misses": each preview is a first question
        decision = await answers.preview(MISSED, "en")
        # Rasa is down here: its NLU is taken as confident, so a miss asks to rephrase.
        assert (decision.decision, decision.reason) == ("rephrase", None)
    assert await unanswered.most_asked("en") == []
    assert (await answers.preview(ANSWERED, "en")).results[0].slug == "reset-password"


async def test_a_reply_to_small_talk_or_out_of_scope_is_no_miss(
    answers: KnowledgeAnswers, unanswered: UnansweredQuestions, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    await answers.for_customer(conversation.id, MISSED, "en", None)
    for text, intent in [("hello there", "greet"), (MISSED, "out_of_scope")]:
        decision = await answers.for_customer(conversation.id, text, "en", intent, 0.99)
        assert (decision.decision, decision.intent) == ("reply", intent)
    assert (await store.get(conversation.id)).misses == 0
    [kept] = await unanswered.most_asked("en")
    assert (kept.question, kept.count) == (MISSED, 1)


async def test_a_sure_fraud_report_in_words_of_an_event_no_article_answers_jumps_the_queue(
    hub_answering_nothing: InProcessHub, store: ConversationStore
) -> None:
    answers = hub_answering_nothing.app.state.services.answers
    conversation = await store.create("web", "en")
    reported = f"{MISSED} someone sent money from my account that I never made"
    sure = await answers.for_customer(conversation.id, reported, "en", "report_fraud", 0.9995)
    assert (sure.decision, sure.reason) == ("escalate", "report_fraud")
    # The same reading without the customer's words of an event: ahead of the normal queue.
    topical = await answers.for_customer(conversation.id, MISSED, "en", "report_fraud", 0.9995)
    assert (topical.decision, topical.reason) == ("escalate", FRAUD_TOPIC)
    unsure = await answers.for_customer(conversation.id, MISSED, "en", "report_fraud", 0.3)
    assert (unsure.decision, unsure.reason) == ("escalate", "low_confidence")


async def test_a_sure_greeting_searches_nothing_a_doubtful_one_is_searched(
    answers: KnowledgeAnswers, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    # Not asked (a message that asks is searched whatever the NLU), and small talk's own word
    # beside the matter (a matter named without one is searched too: matter_words.py).
    said = "ok thanks, reset my password"
    sure = await answers.for_customer(conversation.id, said, "en", "greet", 0.995)
    assert (sure.decision, sure.results) == ("reply", [])
    doubtful = await answers.for_customer(conversation.id, said, "en", "greet", 0.5)
    assert doubtful.decision == "answer"
    assert doubtful.results[0].slug == "reset-password"
    asked = await answers.for_customer(conversation.id, ANSWERED, "en", "greet", 0.995)
    assert asked.decision == "answer"
    named = await answers.for_customer(conversation.id, "reset my password", "en", "greet", 0.995)
    assert (named.decision, named.results[0].slug) == ("answer", "reset-password")


async def test_a_sure_out_of_scope_reading_is_searched_and_a_confident_article_offered(
    answers: KnowledgeAnswers, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    offered = await answers.for_customer(conversation.id, ANSWERED, "en", "out_of_scope", 0.995)
    assert (offered.decision, offered.reason) == ("suggest", NLU_DISAGREES)
    assert offered.suggestions[0].slug == "reset-password"
    missed = await answers.for_customer(conversation.id, MISSED, "en", "out_of_scope", 0.995)
    assert (missed.decision, missed.reason) == ("reply", None)


async def test_the_article_a_customer_chose_answers_while_it_is_published(
    answers: KnowledgeAnswers, unanswered: UnansweredQuestions, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    await answers.for_customer(conversation.id, MISSED, "en", None)
    payload = '/ask_faq{"article":"reset-password"}'
    decision = await answers.for_customer(
        conversation.id, payload, "en", "ask_faq", 1.0, "reset-password"
    )
    assert (decision.decision, [r.slug for r in decision.results]) == ("answer", ["reset-password"])
    assert (await store.get(conversation.id)).misses == 0
    # A draft, or an article unpublished since it was offered: asked again, not answered.
    for slug in ("fees", "no-such-article"):
        payload = f'/ask_faq{{"article":"{slug}"}}'
        gone = await answers.for_customer(conversation.id, payload, "en", "ask_faq", 1.0, slug)
        assert (gone.decision, gone.results) == ("rephrase", [])
    # The presses are not questions the editors should answer.
    assert [kept.question for kept in await unanswered.most_asked("en")] == [MISSED]


async def knowledge_asking_again(
    services: Services, embedder: Embedder, *, scope: bool = False, urgency: bool = False
) -> LiveKnowledgeBase:
    """The hub's articles, loaded, with `embedder` asked again in English only (and, if asked
    for, its scope and urgency readers, fitted in English only)."""
    scope_reader = ScopeReader("packaged", {"en": fit_scope(embedder, "en")}) if scope else None
    urgent = UrgencyReader("packaged", {"en": fit_urgency(embedder, "en")}) if urgency else None
    second_opinion = SecondOpinion(embedder, Calibration.load(), {"en": 1.0}, scope_reader, urgent)
    live = LiveKnowledgeBase(
        services.articles,
        embedder,
        Tokenizer(),
        Calibration.load(),
        services.binary_redis,
        [second_opinion],
    )
    await live.load()
    return live


def bot_of(
    services: Services,
    live: LiveKnowledgeBase,
    first: Policy | None = None,
    second: Policy | None = None,
) -> KnowledgeAnswers:
    """The bot on this knowledge base, with these policies for the first and the second model
    (the hub's own where not given)."""
    settings = services.settings
    policies = {
        "decision_policy": first or settings.decision_policy,
        "second_opinion_policy": second or settings.second_opinion_policy,
    }
    settings = services.settings.model_copy(update=policies)
    rasa = RasaClient(services.http, settings.rasa_urls)
    gap_log = GapLog(services.redis)
    return KnowledgeAnswers(
        live, services.conversations, services.unanswered, gap_log, rasa, settings
    )


async def test_an_out_of_scope_reading_the_scope_reader_disputes_lets_the_article_answer(
    hub_with_articles: InProcessHub,
) -> None:
    services = hub_with_articles.app.state.services
    live = await knowledge_asking_again(services, Embedder(), scope=True)
    bot = bot_of(services, live)
    conversation = await services.conversations.create("web", "en")
    answered = await bot.for_customer(conversation.id, ANSWERED, "en", "out_of_scope", 0.995)
    assert (answered.decision, answered.results[0].slug) == ("answer", "reset-password")
    assert (await bot.preview(ANSWERED, "en")).decision == "answer"
    # What the reader reads as out of scope stays so.
    missed = await bot.for_customer(conversation.id, MISSED, "en", "out_of_scope", 0.995)
    assert (missed.decision, missed.reason) == ("reply", None)
    # Where the first model would not answer it, a second model's article answers such a
    # message only beside the first's: both rank it first (here, one model asked twice).
    offers = Policy(article={"en": 1.0})
    alone = Policy(article={"en": 0.0}, variants_agree=[])
    agreeing = alone.model_copy(update={"agreeing": {"en": 0.0}})
    for second, expected in [(alone, ("suggest", False)), (agreeing, ("answer", True))]:
        bot = bot_of(services, live, offers, second)
        decided = await bot.for_customer(conversation.id, ANSWERED, "en", "out_of_scope", 0.995)
        assert (decided.decision, decided.second_opinion) == expected


async def test_a_story_the_urgency_reader_reads_as_fraud_reaches_a_person(
    hub_with_articles: InProcessHub,
) -> None:
    services = hub_with_articles.app.state.services
    bot = bot_of(services, await knowledge_asking_again(services, Embedder(), urgency=True))
    conversation = await services.conversations.create("web", "en")
    decided = await bot.for_customer(conversation.id, ROMANCE_SCAM, "en", "ask_faq", 0.9)
    assert (decided.decision, decided.reason) == ("escalate", FRAUD_READING)
    assert (await bot.preview(ROMANCE_SCAM, "en")).reason == FRAUD_READING
    # Read with the hub's own knowledge base, which has no urgency reader, it is not.
    hub = hub_with_articles.app.state.services.answers
    plain = await hub.for_customer(conversation.id, ROMANCE_SCAM, "en", "ask_faq", 0.9)
    assert plain.reason != FRAUD_READING
    # Nor in Korean, which it cannot read.
    korean = await bot.for_customer(conversation.id, ROMANCE_SCAM, "ko", "ask_faq", 0.9)
    assert korean.reason != FRAUD_READING


async def test_korean_stories_the_reader_by_morphemes_reads_reach_a_person(
    hub_with_articles: InProcessHub,
) -> None:
    hub = hub_with_articles.app.state.services.answers
    conversation = await hub_with_articles.app.state.services.conversations.create("web", "ko")
    # The story in no words of the lists (they know "존재하지 않는대요").
    story = PASTOR_SCAM.replace("존재하지 않는대요", "없대요")
    fraud = await hub.for_customer(conversation.id, story, "ko", "ask_faq", 0.9)
    assert (fraud.decision, fraud.reason) == ("escalate", FRAUD_READING)
    complaint = await hub.for_customer(conversation.id, SARCASM, "ko", "thanks", 0.99)
    assert (complaint.decision, complaint.reason) == ("escalate", COMPLAINT_READING)
    assert (await hub.preview(story, "ko")).reason == FRAUD_READING
    fees = "송금 수수료 얼마예요?"
    question = await hub.for_customer(conversation.id, fees, "ko", "ask_faq", 0.9)
    assert question.decision != "escalate"


async def test_a_second_model_decides_under_its_policy_what_the_first_would_not_answer(
    hub_with_articles: InProcessHub,
) -> None:
    services = hub_with_articles.app.state.services
    # The same model twice: the two policies tell them apart.
    live = await knowledge_asking_again(services, Embedder())

    def answers_with(first: Policy, second: Policy) -> KnowledgeAnswers:
        return bot_of(services, live, first, second)

    answers, offers, never = (
        Policy(article={"en": 0.0}, variants_agree=[]),
        Policy(article={"en": 1.0}),
        Policy(article={"en": 1.0}, suggest=1.0),
    )
    decision = await answers_with(first=offers, second=answers).preview(ANSWERED, "en")
    assert (decision.decision, decision.second_opinion) == ("answer", True)
    assert decision.results[0].slug == "reset-password"
    # Articles offered beat a request to rephrase.
    decision = await answers_with(first=never, second=offers).preview(ANSWERED, "en")
    assert (decision.decision, decision.second_opinion) == ("suggest", True)
    # A second ranking that does no better leaves the first's decision.
    decision = await answers_with(first=offers, second=never).preview(ANSWERED, "en")
    assert (decision.decision, decision.second_opinion) == ("suggest", False)
    # What the first answers at once, the second is not asked about.
    decision = await answers_with(first=answers, second=answers).preview(ANSWERED, "en")
    assert (decision.decision, decision.second_opinion) == ("answer", False)
    # In a language the second model is not asked in, the first's miss stands.
    korean = await answers_with(first=offers, second=answers).preview("비밀번호 잊어버렸어요", "ko")
    assert not korean.second_opinion
    # Nor is a message the NLU reads as a complaint, however unsurely, read again.
    conversation = await services.conversations.create("web", "en")
    bot = answers_with(first=offers, second=answers)
    complaint = await bot.for_customer(conversation.id, ANSWERED, "en", "complaint", 0.3)
    assert (complaint.decision, complaint.reason, complaint.second_opinion) == (
        "escalate",
        "low_confidence",
        False,
    )
    question = await bot.for_customer(conversation.id, ANSWERED, "en", "ask_faq", 0.3)
    assert (question.decision, question.second_opinion) == ("answer", True)


def test_a_fraud_story_only_the_second_ranking_tells_outranks_any_offer_or_answer() -> None:
    def decided(decision: str, reason: str | None = None) -> Decision:
        return Decision(
            decision=decision,
            reason=reason,
            threshold=0.5,
            note=None,
            second_opinion=True,
            results=[],
        )

    ranked = sorted(
        [
            decided("escalate", "low_confidence"),
            decided("answer"),
            decided("escalate", FRAUD_STORY),
            decided("suggest"),
            decided("rephrase"),
        ],
        key=helpfulness,
        reverse=True,
    )
    assert [(d.decision, d.reason) for d in ranked[:3]] == [
        ("escalate", FRAUD_STORY),
        ("answer", None),
        ("suggest", None),
    ]
