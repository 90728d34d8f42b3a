"""How is my verification going? Answered from the customer's own verification case."""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.record_words import when, words
from actions.records import link, look_up
from actions.respond import respond


class ActionVerificationStatus(Action):
    """Says where the customer's verification stands: under review, rejected (why, what to send
    again) or approved; without a case, the general answer."""

    def name(self) -> str:
        return "action_verification_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Look the case up in the customer's records and say what they say."""
        lookup, answered = await look_up(dispatcher, tracker, "verification", None)
        if lookup is None:
            return answered
        case = lookup.get("verification")
        if case is None:
            return await respond(dispatcher, tracker)
        language = tracker.get_slot("language") or "en"
        dispatcher.utter_message(
            response=f"utter_verification_{case['status']}",
            since=when(language, case["submitted_at"]),
            decided=when(language, case.get("decided_at")),
            reasons=words(language, "reason_code", case.get("reason_codes", [])),
            send_again=words(language, "send_again", case.get("reason_codes", [])),
        )
        link(dispatcher, lookup)
        return []
