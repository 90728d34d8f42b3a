"""The bot's decisions (knowledge_base/decision.py), fed with what Rasa's NLU made of the
message, the knowledge base's ranking and the conversation's misses in a row. Where a second
embedding model is configured, its ranking decides, under its own policy, what the first
model's would not answer at once, where it does better; its scope reader reads again a message
the NLU calls out of scope (knowledge_base/scope.py), and its urgency reader reads every message
for fraud and complaints (knowledge_base/urgency.py)."""

from dataclasses import replace

from handoff import metrics
from handoff.assistant.rasa_client import RasaClient
from handoff.assistant.understanding import (
    asks_the_scope_reader,
    understanding_of,
    with_scope_reading,
)
from handoff.conversations.redaction import redact_all
from handoff.conversations.store import ConversationStore
from handoff.settings import Settings
from knowledge_base.decision import (
    FRAUD_STORY,
    SURE_QUESTION,
    Decision,
    MessageKind,
    Policy,
    Understanding,
    chosen,
    decide,
    settled_by_the_nlu,
)
from knowledge_base.gap_log import DECLINED, UNANSWERED, GapLog
from knowledge_base.live import LiveKnowledgeBase
from knowledge_base.search import SearchResult
from knowledge_base.unanswered import UnansweredQuestions

MISS_REASONS = frozenset({"low_confidence", "repeated_misses"})


def is_miss(decision: Decision) -> bool:
    """The bot could not answer a question at once (not a greeting, the out-of-scope reply, or a
    hand-over the customer asked for): it offered articles, asked to rephrase or handed over."""
    return decision.decision in ("suggest", "rephrase") or decision.reason in MISS_REASONS


def asks_a_second_model(first: Decision, understanding: Understanding) -> bool:
    """Whether a second model is asked about a message: the first model's ranking would not
    answer it at once, and the NLU reads it as a question, or as out of scope where the scope
    reader reads it in scope (then only the two models agreeing answer it: decision.py). A
    complaint, fraud or a call for a person keeps the first model's decision: a complaint must
    not become an answer."""
    asked = understanding.kind is MessageKind.QUESTION or understanding.read_in_scope
    return is_miss(first) and asked


def helpfulness(decision: Decision) -> int:
    """How far a miss-or-answer decision helps the customer at once: a story of money lost to a
    scam that only this ranking tells (FRAUD_STORY) most, for a person must hear it; then an
    answer, articles to choose from, and a request to rephrase or another hand-over least."""
    if decision.reason == FRAUD_STORY:
        return 3
    return {"answer": 2, "suggest": 1}.get(decision.decision, 0)


class KnowledgeAnswers:
    """Decides for the bot in a conversation, and previews that decision for staff."""

    def __init__(
        self,
        knowledge: LiveKnowledgeBase,
        conversations: ConversationStore,
        unanswered: UnansweredQuestions,
        gap_log: GapLog,
        rasa: RasaClient,
        settings: Settings,
    ) -> None:
        self._knowledge = knowledge
        self._conversations = conversations
        self._unanswered = unanswered
        self._gap_log = gap_log
        self._rasa = rasa
        self._settings = settings

    async def for_customer(
        self,
        conversation_id: str,
        question: str,
        language: str,
        intent: str | None,
        confidence: float | None = None,
        article: str | None = None,
    ) -> Decision:
        """The bot's decision in a conversation. Its misses in a row are counted in the
        conversation's header (anything else ends the run); the questions it could not answer, and
        those it declined, are kept for the editors, phone numbers and emails masked too. The
        knowledge base is not searched when the NLU alone settles the decision (a sure request
        for a person): the decision then lists no articles. An article the customer chose among
        those offered (`article`, its slug) is the answer while it is published."""
        if article is not None:
            return await self._chosen(conversation_id, language, article)
        understanding = await self._understood(intent, confidence, question, language)
        policy = self._settings.decision_policy
        if settled_by_the_nlu(understanding, policy):
            result = self._nothing_found(language)
            decision = self._decide(result, understanding, policy, misses=0)
        else:
            result, policy, decision = await self._read(question, language, understanding)
        missed = is_miss(decision)
        in_a_row = await self._conversations.count_misses(conversation_id, missed)
        if decision.decision == "decline":
            await self._gap_log.record(redact_all(question), language, DECLINED)
        if not missed:
            return decision
        masked = redact_all(question)
        await self._unanswered.record(masked, language)
        await self._gap_log.record(masked, language, UNANSWERED)
        return self._decide(result, understanding, policy, misses=in_a_row - 1)

    async def _chosen(self, conversation_id: str, language: str, slug: str) -> Decision:
        """The article the customer chose is the answer (it ends a run of misses); one
        unpublished since it was offered is a miss of its own kind: the customer is asked again."""
        found = self._knowledge.article(language, slug)
        await self._conversations.count_misses(conversation_id, found is None)
        if found is None:
            nothing = self._nothing_found(language)
            return self._decide(nothing, SURE_QUESTION, self._settings.decision_policy, misses=0)
        return chosen(found, self._settings.kb_answer_threshold, self._settings.base_url)

    def _nothing_found(self, language: str) -> SearchResult:
        threshold = self._settings.kb_answer_threshold
        return SearchResult(language, hits=[], answer=None, threshold=threshold)

    async def preview(self, question: str, language: str) -> Decision:
        """What the bot would decide were this the first message of a conversation (the
        editor's "try a question", the console's suggestions); the NLU is asked as on the bot's
        path, and taken as sure of a question when Rasa cannot be reached."""
        intent, confidence = await self._rasa.intent_of(question)
        understanding = await self._understood(intent, confidence, question, language)
        _, _, decision = await self._read(question, language, understanding)
        return decision

    async def _understood(
        self, intent: str | None, confidence: float | None, question: str, language: str
    ) -> Understanding:
        """What the NLU made of the message, with the urgency reader's reading and the scope
        reader's where it is asked (handoff/assistant/understanding.py)."""
        understanding = understanding_of(intent, confidence, question, language)
        urgent = await self._knowledge.reads_urgent(question, language)
        understanding = replace(understanding, read_urgent=urgent)
        if not asks_the_scope_reader(understanding):
            return understanding
        in_scope = await self._knowledge.reads_in_scope(question, language)
        return with_scope_reading(understanding, in_scope)

    @metrics.timed(metrics.KNOWLEDGE_SEARCH)
    async def _read(
        self, question: str, language: str, understanding: Understanding
    ) -> tuple[SearchResult, Policy, Decision]:
        """The knowledge base's ranking, the policy that decides on it, and its decision as a
        first question: the first model's, unless that would not answer at once, a second model
        is asked in the language (knowledge_base/cascade.py) and its ranking does better under
        its policy: an answer where the first would offer articles, articles where it would ask
        to rephrase or hand over (`asks_a_second_model`, `helpfulness`)."""
        threshold = self._settings.kb_answer_threshold
        policy = self._settings.decision_policy
        result = await self._knowledge.search(question, language, threshold)
        first = self._decide(result, understanding, policy, misses=0)
        if not asks_a_second_model(first, understanding):
            return result, policy, first
        second = await self._knowledge.second_opinion(question, language, threshold, result)
        if second is None:
            return result, policy, first
        second_policy = self._settings.second_opinion_policy
        decided = self._decide(second, understanding, second_policy, misses=0)
        if helpfulness(decided) > helpfulness(first):
            return second, second_policy, decided
        return result, policy, first

    def _decide(
        self, result: SearchResult, understanding: Understanding, policy: Policy, misses: int
    ) -> Decision:
        return decide(
            result,
            understanding,
            policy=policy,
            misses=misses,
            max_misses=self._settings.max_consecutive_misses,
            base_url=self._settings.base_url,
        )
