"""The conversation's language: the hub sends it as metadata with every customer message."""

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"
SUPPORTED_LANGUAGES = frozenset({"en", "ko"})


def metadata_language(tracker: Tracker) -> str | None:
    """The supported language sent with the latest user message, or None."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    language = metadata.get("language") if isinstance(metadata, dict) else None
    if not isinstance(language, str):
        return None
    language = language.strip().lower()
    return language if language in SUPPORTED_LANGUAGES else None


class ValidateSlotMappings(ValidationAction):
    """Sets the `language` slot from the metadata of every user message."""

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Take the language from the metadata; keep the current one if it is missing."""
        language = metadata_language(tracker)
        if language is None:
            logger.debug("No supported language in the metadata of %s", tracker.sender_id)
            return {}
        if language != tracker.get_slot(LANGUAGE_SLOT):
            logger.info("Conversation %s switches to %s", tracker.sender_id, language)
        return {LANGUAGE_SLOT: language}

    def validate_language(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accept a supported language only; anything else falls back to English."""
        if slot_value in SUPPORTED_LANGUAGES:
            return {LANGUAGE_SLOT: slot_value}
        logger.warning("Unsupported language %r in conversation %s", slot_value, tracker.sender_id)
        return {LANGUAGE_SLOT: "en"}
