"""The customer's company records, through the hub (POST /internal/records): the action server
names only the conversation; the hub decides whose records, if any, it may see."""

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.hand_over import hand_over
from actions.hub import HUB_ERRORS, post_to_hub
from actions.respond import respond
from bot.intents import best_intent

logger = logging.getLogger(__name__)

# A transfer reference anywhere in a message, e.g. "HB-2026-000123" (any case; Korean particles
# may stick to its end: "HB-2026-000123입니다").
REFERENCE = re.compile(r"(?<![A-Za-z0-9])HB-?(\d{4})-?(\d{6})(?!\d)", re.IGNORECASE)


def reference_in(text: str | None) -> str | None:
    """The first transfer reference in a text, written the records' way, or None."""
    found = REFERENCE.search(text or "")
    return f"HB-{found.group(1)}-{found.group(2)}" if found else None


async def look_up(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str, reference: str | None
) -> tuple[dict[str, Any] | None, list[EventType]]:
    """The records the hub grants for the conversation's customer, or None with the events of
    the answer given instead (not verified: the general answer and how to sign in; too many
    lookups; records unavailable: a person)."""
    body = {"conversation_id": tracker.sender_id, "topic": topic, "reference": reference}
    try:
        lookup = await post_to_hub("/internal/records", body)
    except HUB_ERRORS as error:
        logger.error("The hub's records could not be asked: %r", error)
        lookup = {"access": "unavailable"}
    events: list[EventType] = []
    match lookup["access"]:
        case "granted":
            return lookup, events
        case "unverified":
            events = await respond(dispatcher, tracker, note="utter_records_sign_in")
        case "rate_limited":
            dispatcher.utter_message(
                response="utter_records_rate_limited", seconds=lookup.get("retry_after") or 60
            )
        case _:
            dispatcher.utter_message(response="utter_records_unavailable")
            hand_over(dispatcher, "records_unavailable", best_intent(tracker.latest_message))
    return None, events


def link(dispatcher: CollectingDispatcher, lookup: dict[str, Any]) -> None:
    """The help article the hub chose for the answer, linked under the text before it."""
    if lookup.get("article"):
        dispatcher.utter_message(json_message={"article": lookup["article"]})
