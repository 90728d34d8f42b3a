"""The bot's answers from the knowledge base: the one decision (knowledge_base/decision.py), fed
with the conversation's misses in a row and with what Rasa's NLU made of the question."""

from handoff.assistant.rasa_client import RasaClient
from handoff.conversations.store import ConversationStore
from handoff.settings import Settings
from knowledge_base.decision import Decision, decide
from knowledge_base.live import LiveKnowledgeBase
from knowledge_base.search import SearchResult
from knowledge_base.unanswered import UnansweredQuestions

NLU_FALLBACK = "nlu_fallback"  # Rasa's intent when its NLU is not confident (config.yml)


class KnowledgeAnswers:
    """Decides for the bot in a conversation, and previews that decision for staff."""

    def __init__(
        self,
        knowledge: LiveKnowledgeBase,
        conversations: ConversationStore,
        unanswered: UnansweredQuestions,
        rasa: RasaClient,
        settings: Settings,
    ) -> None:
        self._knowledge = knowledge
        self._conversations = conversations
        self._unanswered = unanswered
        self._rasa = rasa
        self._settings = settings

    async def for_customer(
        self, conversation_id: str, question: str, language: str, intent: str | None
    ) -> Decision:
        """The bot's decision in a conversation. Its misses in a row are counted in the
        conversation's header; the questions it could not answer are kept for the editors."""
        result = await self._search(question, language)
        missed = result.answer is None
        in_a_row = await self._conversations.count_misses(conversation_id, missed)
        if missed:
            await self._unanswered.record(question, language)
        return self._decide(result, intent, misses=in_a_row - 1 if missed else 0)

    async def preview(self, question: str, language: str) -> Decision:
        """What the bot would decide were this the first question of a conversation (the
        editor's "try a question", the console's suggestions); the NLU is asked as on the bot's
        path, and taken as confident when Rasa cannot be reached."""
        intent = await self._rasa.intent_of(question)
        return self._decide(await self._search(question, language), intent, misses=0)

    async def _search(self, question: str, language: str) -> SearchResult:
        threshold = self._settings.kb_answer_threshold
        return await self._knowledge.search(question, language, threshold)

    def _decide(self, result: SearchResult, intent: str | None, misses: int) -> Decision:
        return decide(
            result,
            nlu_confident=intent != NLU_FALLBACK,
            misses=misses,
            max_misses=self._settings.max_consecutive_misses,
            base_url=self._settings.base_url,
        )
