"""Hand the conversation to a person: the hub queues it when it reads the hand-over message."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.intents import best_intent


def hand_over(dispatcher: CollectingDispatcher, reason: str, intent: dict[str, Any]) -> None:
    """Ask the hub to queue the conversation, with the intent and confidence that led here."""
    dispatcher.utter_message(
        json_message={
            "handoff": {
                "reason": reason,
                "intent": intent["name"],
                "confidence": intent["confidence"],
            }
        }
    )


class ActionHandOver(Action):
    """The customer said no to "Did this answer your question?" (bot/rules.yml)."""

    def name(self) -> str:
        return "action_hand_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        """Send the hand-over message; the hub tells the customer who comes, and when."""
        hand_over(dispatcher, "not_helped", best_intent(tracker.latest_message))
        return []
