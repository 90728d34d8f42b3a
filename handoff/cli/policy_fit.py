"""`baton eval --fit-policy`: fit the decision's thresholds (knowledge_base/decision.py: Policy)
on a development set, never on the held-out one.

Each question is read once, as the bot reads it: Rasa's NLU (the parse endpoint of a private
stack's Rasa server) and the knowledge base (the seed articles, the configured model and its
calibration). Then each threshold in turn takes the value whose decisions cost least, the
others held, twice over. The cost counts each question's outcome by what it costs a customer
(COSTS): a fraud report that misses a person or a wrong article far more than a needless
hand-over, and a needless urgent hand-over more than a plain one.
"""

import asyncio
import statistics
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from handoff.assistant.answers import asks_a_second_model, helpfulness
from handoff.assistant.rasa_client import RasaClient, http_client
from handoff.assistant.understanding import (
    asks_the_scope_reader,
    understanding_of,
    with_scope_reading,
)
from handoff.cli import customer_eval
from handoff.cli.customer_eval import Outcome, Question
from handoff.queue.agent_queue import Escalation
from handoff.settings import PROJECT_ROOT, Settings
from knowledge_base.articles import Article
from knowledge_base.cascade import asked_languages, limits_by_model
from knowledge_base.confidence import Calibration, calibration_file
from knowledge_base.decision import Policy, Understanding, decide
from knowledge_base.embeddings import Embedder
from knowledge_base.files import published_articles
from knowledge_base.morpheme_urgency import MorphemeUrgencyReader
from knowledge_base.scope import ScopeReader
from knowledge_base.search import Searcher, SearchResult, offline_searcher
from knowledge_base.text import Tokenizer
from knowledge_base.urgency import UrgencyReader

SEED_ARTICLES = PROJECT_ROOT / "knowledge_base" / "articles"
# 0.30 … 0.99, 0.999 (DIET's "certain": its 1.0 is not stable across retraining), 1.00 (never)
CANDIDATES = [round(0.3 + 0.01 * step, 2) for step in range(70)] + [0.999, 1.0]
THRESHOLDS = ("unsure", "urgent", "disputed", "person", "out_of_scope", "social")
# What each question's outcome costs (negative: a gain). A fraud report or complaint that does
# not reach a person costs as much as five needless hand-overs (the development set holds far
# more of them than a day of real chats does); a wrong article, three.
COSTS = {
    "right_answer": -1.0,
    "right_after_choosing": -0.5,  # one press more than an answer at once
    "wrong_answer": 3.0,
    "needless_handover": 1.0,
    "needless_urgent_handover": 5.0,  # on top of the hand-over: it holds back real fraud
    "asked_to_rephrase": 1.0,  # a failure to answer, as a needless hand-over is
    "offered_without_the_right_one": 1.0,  # as asking to rephrase
    "other_reply": 1.0,
    "out_of_scope_answered": 3.0,
    "fraud_or_complaint_missed": 5.0,
    "human_missed": 3.0,
}


@dataclass(frozen=True)
class SecondReading:
    """A second model's ranking of a question, and the policy the bot decides on it with."""

    result: SearchResult
    policy: Policy


@dataclass(frozen=True)
class Reading:
    """A question as the bot reads it: what the NLU understood, what the knowledge base found,
    and, in a language where the bot asks a second model, that model's ranking."""

    question: Question
    understanding: Understanding
    result: SearchResult
    second: SecondReading | None = None


async def read_all(settings: Settings, questions: list[Question]) -> list[Reading]:
    """Every question through Rasa's NLU and the knowledge base, as the hub would: the first
    model's ranking and, in the languages the bot asks a second model in, that one's."""
    articles = published_articles(SEED_ARTICLES)
    searcher = _searcher(settings.embedding_model, articles)
    seconds = _second_models(settings, articles)
    by_morphemes = MorphemeUrgencyReader.load(Tokenizer())
    threshold = settings.kb_answer_threshold
    readings = []
    async with http_client(settings.rasa_timeout_seconds) as http:
        rasa = RasaClient(http, settings.rasa_urls)
        for question in questions:
            intent, confidence = await rasa.intent_of(question.text)
            if intent is None:
                raise RuntimeError(f"Rasa's NLU did not answer for {question.text!r}")
            second = seconds.get(question.language)
            understanding = _understood(intent, confidence, question, second, by_morphemes)
            result = searcher.search(question.text, question.language, threshold)
            again = _read_again(second, question, result, settings)
            readings.append(Reading(question, understanding, result, again))
    return readings


@dataclass(frozen=True)
class _SecondModel:
    """A second model's searcher, over the languages the bot asks it in, and its scope and
    urgency readers."""

    searcher: Searcher
    scope: ScopeReader | None
    urgency: UrgencyReader | None


def _understood(
    intent: str,
    confidence: float | None,
    question: Question,
    second: _SecondModel | None,
    by_morphemes: MorphemeUrgencyReader | None,
) -> Understanding:
    """What the NLU made of a question, with the urgency reader's reading and the scope reader's
    where the hub asks them (handoff/assistant/answers.py: KnowledgeAnswers._understood), on the
    second model's vector."""
    text, language = question.text, question.language
    understanding = understanding_of(intent, confidence, text, language)
    urgent = _urgent_reading(question, second, by_morphemes)
    understanding = replace(understanding, read_urgent=urgent)
    if second is None:
        return understanding
    vector = second.searcher.embedder.embed_question  # cached: one embedding for both readers
    scope = second.scope
    read = scope is not None and language in scope.languages
    if not read or not asks_the_scope_reader(understanding):
        return understanding
    return with_scope_reading(understanding, scope.reads_in_scope(vector(text), language))


def _urgent_reading(
    question: Question, second: _SecondModel | None, by_morphemes: MorphemeUrgencyReader | None
) -> str | None:
    """The urgency reader's reading, as the hub's (knowledge_base/live.py: LiveKnowledgeBase.
    reads_urgent): the second model's reader where it reads the language, else by morphemes."""
    text, language = question.text, question.language
    urgency = second.urgency if second is not None else None
    if urgency is not None and language in urgency.languages:
        return urgency.reads_urgent(second.searcher.embedder.embed_question(text), language)
    return by_morphemes.reads_urgent(text, language) if by_morphemes is not None else None


def _searcher(model: str, articles: dict[str, list[Article]]) -> Searcher:
    return offline_searcher(
        articles, Embedder(model), Tokenizer(), Calibration.load(calibration_file(model))
    )


def _second_models(
    settings: Settings, articles: dict[str, list[Article]]
) -> dict[str, _SecondModel]:
    """By language, the second model the bot asks in it (as the hub indexes them,
    knowledge_base/live.py); none where there is no second opinion."""
    seconds: dict[str, _SecondModel] = {}
    for model, below in limits_by_model(settings.embedding_model, settings.second_models()).items():
        asked_in = asked_languages(below)
        asked = {language: found for language, found in articles.items() if language in asked_in}
        if not asked:
            continue
        searcher = _searcher(model, asked)
        second = _SecondModel(searcher, ScopeReader.load(model), UrgencyReader.load(model))
        for language in asked:
            seconds.setdefault(language, second)
    return seconds


def _read_again(
    second: _SecondModel | None, question: Question, first: SearchResult, settings: Settings
) -> SecondReading | None:
    """The second model's reading of a question beside the first model's (`first`), in the
    languages it is asked in."""
    if second is None:
        return None
    threshold = settings.kb_answer_threshold
    result = second.searcher.search(question.text, question.language, threshold)
    return SecondReading(result.as_second_opinion(first), settings.second_opinion_policy)


def outcome(reading: Reading, policy: Policy) -> Outcome:
    """What the bot would do with a question, as the e2e evaluation records it (the second
    model's ranking decides where the bot's would, handoff/assistant/answers.py)."""
    decision = decide(reading.result, reading.understanding, policy=policy)
    second = reading.second
    if second is not None and asks_a_second_model(decision, reading.understanding):
        decided = decide(second.result, reading.understanding, policy=second.policy)
        if helpfulness(decided) > helpfulness(decision):
            decision = decided
    intent = reading.understanding.intent
    if decision.decision == "answer":
        return Outcome("answer", slug=decision.results[0].slug, intent=intent)
    if decision.decision == "suggest":
        offered = tuple(article.slug for article in decision.suggestions)
        if reading.question.category in offered:  # the customer presses it
            slug = reading.question.category
            return Outcome("answer", slug=slug, suggested=offered, chosen=True, intent=intent)
        return Outcome("suggest", suggested=offered, intent=intent)
    if decision.decision == "escalate":
        priority = Escalation.because(decision.reason or "").priority.name.lower()
        return Outcome("handover", reason=decision.reason, priority=priority, intent=intent)
    return Outcome(customer_eval.reply_kind(decision.decision, intent), intent=intent)


def figures(readings: list[Reading], policy: Policy) -> dict[str, dict]:
    """The e2e figures per language, were the bot to decide with this policy."""
    questions = [reading.question for reading in readings]
    return customer_eval.score(questions, [outcome(reading, policy) for reading in readings])


def cost(readings: list[Reading], policy: Policy) -> float:
    """What the policy's decisions on these questions cost, all told."""
    return sum(question_cost(r.question, outcome(r, policy)) for r in readings)


def question_cost(question: Question, outcome_: Outcome) -> float:
    """What one question's outcome costs (COSTS)."""
    category = question.category
    handed_over = outcome_.kind == "handover"
    urgent = handed_over and outcome_.priority == "urgent"
    if category.startswith(customer_eval.HANDOVER):
        if handed_over:
            return 0.0
        serious = category.removeprefix(customer_eval.HANDOVER) in ("fraud", "complaint")
        return COSTS["fraud_or_complaint_missed" if serious else "human_missed"]
    penalty = COSTS["needless_urgent_handover"] if urgent else 0.0
    if category == customer_eval.OUT_OF_SCOPE:
        return penalty + (COSTS["out_of_scope_answered"] if outcome_.kind == "answer" else 0.0)
    if outcome_.kind == "answer":
        if outcome_.slug != category:
            return COSTS["wrong_answer"]
        return COSTS["right_after_choosing" if outcome_.chosen else "right_answer"]
    if handed_over:
        return penalty + COSTS["needless_handover"]
    unanswered = {"rephrase": "asked_to_rephrase", "suggest": "offered_without_the_right_one"}
    return COSTS[unanswered.get(outcome_.kind, "other_reply")]


def fit(readings: list[Reading], start: Policy) -> Policy:
    """From `start`, each threshold in turn at the value that costs least, then each language's
    article threshold together with whether its variants must agree; twice over."""
    policy = start
    languages = sorted({reading.question.language for reading in readings})
    for _ in range(2):
        for name in THRESHOLDS:
            policy = _cheapest(readings, [policy.model_copy(update={name: v}) for v in CANDIDATES])
        for language in languages:
            best_bars = [
                _cheapest(
                    readings,
                    [_with_article_rule(policy, language, bar, agree) for bar in CANDIDATES],
                )
                for agree in (True, False)  # on a tie, the variants agreeing
            ]
            policy = min(best_bars, key=lambda candidate: cost(readings, candidate))
    return policy


def _with_article_rule(policy: Policy, language: str, bar: float, agree: bool) -> Policy:
    """`policy` with a language's article bar, and its variants made to agree or not."""
    others = [code for code in policy.variants_agree if code != language]
    return policy.model_copy(
        update={
            "article": policy.article | {language: bar},
            "variants_agree": sorted([*others, language] if agree else others),
        }
    )


def _cheapest(readings: list[Reading], candidates: list[Policy]) -> Policy:
    """The candidate policy whose decisions cost least (the middle one of a tie, candidates
    being in order of one threshold)."""
    costs = [cost(readings, candidate) for candidate in candidates]
    tied = [i for i, c in enumerate(costs) if c == min(costs)]
    return candidates[statistics.median_low(tied)]


def run_fit(tests: list[Path], language: str, log_dir: Path) -> dict:
    """`baton eval --fit-policy`: the policy fitted on these sets' questions together, with the
    figures before and after."""
    questions = [q for test in tests for q in customer_eval.read_questions(test, language)]
    with customer_eval.private_stack(log_dir) as settings:
        readings = asyncio.run(read_all(settings, questions))
    fitted = fit(readings, settings.decision_policy)
    return {
        "test": [str(test) for test in tests],
        "policy": fitted.model_dump(),
        "before": {"policy": settings.decision_policy.model_dump()}
        | figures(readings, settings.decision_policy),
        "after": figures(readings, fitted),
        "readings": [shown(reading, fitted) for reading in readings],
    }


def shown(reading: Reading, policy: Policy) -> dict:
    """A reading and its outcome under the policy, to see where the decision goes wrong."""
    top = reading.result.hits[0] if reading.result.hits else None
    return {
        "text": reading.question.text,
        "category": reading.question.category,
        "language": reading.question.language,
        "intent": reading.understanding.intent,
        "intent_confidence": round(reading.understanding.confidence, 4),
        "article": top.article.slug if top else None,
        "article_confidence": round(top.confidence, 4) if top else None,
        "outcome": asdict(outcome(reading, policy)),
    }
