"""Answers from the knowledge base, through the hub's internal API."""

import logging
import os
from typing import Any

import aiohttp
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.hand_over import hand_over

logger = logging.getLogger(__name__)

HUB_TIMEOUT = aiohttp.ClientTimeout(total=5)
# A button press arrives as "/intent": it gets the intent's own response, not a search.
INTENT_RESPONSES = {
    "account_verification": "utter_account_verification",
    "check_transfer_status": "utter_transfer_status",
    "ask_faq": "utter_ask_faq",
}


async def ask_hub(tracker: Tracker, question: str) -> dict[str, Any]:
    """The hub's decision for the latest question (knowledge_base/decision.py: Decision);
    raises on any failure."""
    url = f"{os.environ['BATON_HUB_URL'].rstrip('/')}/internal/kb/answer"
    headers = {"Authorization": f"Bearer {os.environ['BATON_INTERNAL_TOKEN']}"}
    intent = tracker.latest_message.get("intent") or {}
    body = {
        "question": question,
        "language": tracker.get_slot("language") or "en",
        "conversation_id": tracker.sender_id,
        "intent": intent.get("name"),
    }
    async with (
        aiohttp.ClientSession(timeout=HUB_TIMEOUT) as session,
        session.post(url, json=body, headers=headers) as response,
    ):
        response.raise_for_status()
        return await response.json()


class ActionAnswerFromKnowledgeBase(Action):
    """Carries out the hub's decision: answer with the best article and ask if it helped, ask
    the customer to rephrase, or hand over to a person. The hub decides; this only acts."""

    def name(self) -> str:
        return "action_answer_from_knowledge_base"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Search the knowledge base with the customer's words."""
        text = (tracker.latest_message.get("text") or "").strip()
        if text.startswith("/"):
            intent = tracker.get_intent_of_latest_message()
            dispatcher.utter_message(response=INTENT_RESPONSES.get(intent, "utter_default"))
            return [SlotSet("kb_answered", False)]
        try:
            decision = await ask_hub(tracker, text)
        except (aiohttp.ClientError, TimeoutError, KeyError, ValueError) as error:
            logger.error("The knowledge base could not be asked: %r", error)
            dispatcher.utter_message(response="utter_kb_unavailable")
            hand_over(dispatcher, tracker, "knowledge_base_unavailable")
            return [SlotSet("kb_answered", False)]
        if decision["decision"] == "escalate":
            hand_over(dispatcher, tracker, decision["reason"])
            return [SlotSet("kb_answered", False)]
        if decision["decision"] != "answer":
            dispatcher.utter_message(response="utter_kb_no_answer")
            return [SlotSet("kb_answered", False)]
        best = decision["results"][0]
        dispatcher.utter_message(
            text=best["short_answer"],
            json_message={"article": {"title": best["title"], "url": best["url"]}},
        )
        if (decision.get("note") or "").startswith("only_in:"):
            dispatcher.utter_message(response="utter_kb_other_language")
        dispatcher.utter_message(response="utter_kb_feedback")
        return [SlotSet("kb_answered", True)]
