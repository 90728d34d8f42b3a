"""Where is my transfer? Answered from the customer's own records: the one they name, or a
choice of their recent ones, asked for by transfer_reference_form."""

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.hand_over import hand_over
from actions.record_words import money, when, word
from actions.records import link, look_up, reference_in
from bot.intents import best_intent

SLOT = "transfer_reference"
# Intents of an answer to "Which transfer?" that is meant as one, even without a reference.
STILL_ASKING = frozenset({"check_transfer_status", "nlu_fallback", None})
FORM = "transfer_reference_form"
RESPONSE_OF_STATUS = {
    "paid_out": "utter_transfer_paid_out",
    "in_progress": "utter_transfer_in_progress",
    "delayed": "utter_transfer_delayed",
    "failed": "utter_transfer_failed",
    "cancelled": "utter_transfer_cancelled",
    "compliance_hold": "utter_transfer_on_hold",
}
REFUND_RESPONSES = {
    "refunded": "utter_transfer_refunded",
    "refund_pending": "utter_transfer_refund_pending",
}
# The record needs a person (the hub's reason): what to say before handing over.
BEFORE_HAND_OVER = {
    "records_compliance_hold": None,  # utter_transfer_on_hold says it already
    "records_transfer_overdue": "utter_transfer_overdue",
    "records_refund_failed": "utter_transfer_refund_failed",
}


def facts(transfer: dict[str, Any], language: str) -> dict[str, str]:
    """A transfer's facts as its answers word them."""
    return {
        "reference": transfer["reference"],
        "amount": money(transfer["send_amount"], transfer["send_currency"]),
        "received": money(transfer["receive_amount"], transfer["receive_currency"]),
        "recipient": transfer["recipient"],
        "method": word(language, "payout_method", transfer["payout_method"]),
        "country": word(language, "country", transfer["to_country"]),
        "stage": word(language, "stage", transfer.get("stage")),
        "delay_reason": word(language, "delay_reason", transfer.get("delay_reason")),
        "failure_reason": word(language, "failure_reason", transfer.get("failure_reason")),
        "arrival": when(language, transfer.get("expected_arrival")),
        "created": when(language, transfer["created_at"]),
        "since": when(language, reached(transfer, transfer["status"])),
        "paid_at": when(language, reached(transfer, "paid_out")),
        "refunded_at": when(language, reached(transfer, "refunded")),
    }


def reached(transfer: dict[str, Any], status: str) -> str | None:
    """When the transfer's timeline reached a status (ISO 8601), or None."""
    steps = [step["at"] for step in transfer.get("timeline", []) if step["status"] == status]
    return steps[-1] if steps else None


def choice(transfer: dict[str, Any], language: str) -> dict[str, str]:
    """A button that asks about one of the customer's recent transfers."""
    status = word(language, "status", transfer["status"])
    amount = money(transfer["send_amount"], transfer["send_currency"])
    country = word(language, "country", transfer["to_country"])
    reference = transfer["reference"]
    return {
        "title": f"{reference} · {amount} → {country} · {status}",
        "payload": f'/check_transfer_status{{"{SLOT}":"{reference}"}}',
    }


class ActionTransferStatus(Action):
    """Answers about the transfer the customer names, or lets them choose one of theirs."""

    def name(self) -> str:
        return "action_transfer_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Look the transfer up in the customer's records and say what they say."""
        text = tracker.latest_message.get("text")
        reference = reference_in(tracker.get_slot(SLOT)) or reference_in(text)
        lookup, answered = await look_up(dispatcher, tracker, "transfer", reference)
        if lookup is None:
            return [*answered, SlotSet(SLOT, None)]
        language = tracker.get_slot("language") or "en"
        if reference is None:
            return self._choose(dispatcher, lookup["recent"], language)
        transfer = lookup["transfer"]
        if transfer is None:
            dispatcher.utter_message(response="utter_transfer_not_found", reference=reference)
            return [SlotSet(SLOT, None)]
        said = facts(transfer, language)
        refund = transfer.get("refund_status")
        dispatcher.utter_message(response=RESPONSE_OF_STATUS[transfer["status"]], **said)
        if refund in REFUND_RESPONSES:
            dispatcher.utter_message(response=REFUND_RESPONSES[refund], **said)
        link(dispatcher, lookup)
        reason = lookup.get("needs_person")
        if reason:
            if BEFORE_HAND_OVER.get(reason):
                dispatcher.utter_message(response=BEFORE_HAND_OVER[reason], **said)
            hand_over(dispatcher, reason, best_intent(tracker.latest_message))
        return [SlotSet(SLOT, None)]

    @staticmethod
    def _choose(
        dispatcher: CollectingDispatcher, recent: list[dict[str, Any]], language: str
    ) -> list[EventType]:
        """No reference: none to show, or the recent ones as buttons, the form waiting for one."""
        if not recent:
            dispatcher.utter_message(response="utter_transfer_none")
            return []
        dispatcher.utter_message(
            response="utter_transfer_choose",
            buttons=[choice(transfer, language) for transfer in recent],
        )
        return [ActiveLoop(FORM), SlotSet("requested_slot", SLOT)]


class ValidateTransferReferenceForm(FormValidationAction):
    """Takes the reference from the customer's answer: an entity, a button, or the text."""

    def name(self) -> str:
        return "validate_transfer_reference_form"

    async def extract_transfer_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A reference written anywhere in the latest message (an entity may have found it
        already). Asked again while the customer still asks about transfers; anything else
        leaves it to the other rules, and the form asks again after them."""
        if tracker.get_slot("requested_slot") != SLOT:
            return {}
        found = reference_in(tracker.latest_message.get("text")) or tracker.get_slot(SLOT)
        if found or best_intent(tracker.latest_message)["name"] in STILL_ASKING:
            return {SLOT: found}
        return {}

    def validate_transfer_reference(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accept a reference written the records' way; ask again otherwise."""
        found = reference_in(slot_value if isinstance(slot_value, str) else None)
        if found is None:
            dispatcher.utter_message(response="utter_transfer_reference_invalid")
        return {SLOT: found}
