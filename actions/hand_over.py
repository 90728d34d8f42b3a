"""Hand the conversation to a person: the hub queues it when it reads the hand-over message."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# The latest intent -> why the bot hands over ("deny" answers "Did this answer your question?").
REASON_OF_INTENT = {
    "request_human": "customer_asked",
    "report_fraud": "report_fraud",
    "complaint": "complaint",
    "deny": "not_helped",
}


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> None:
    """Ask the hub to queue the conversation, with the intent and confidence that led here."""
    intent = tracker.latest_message.get("intent") or {}
    dispatcher.utter_message(
        json_message={
            "handoff": {
                "reason": reason,
                "intent": intent.get("name"),
                "confidence": intent.get("confidence"),
            }
        }
    )


class ActionHandOver(Action):
    """The customer asked for a person, reported fraud, complained, or was not helped."""

    def name(self) -> str:
        return "action_hand_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Send the hand-over message; the hub tells the customer who comes, and when."""
        intent = tracker.get_intent_of_latest_message()
        hand_over(dispatcher, tracker, REASON_OF_INTENT.get(intent, "customer_asked"))
        return []
