"""The hub's channel into Rasa: the REST webhook's replies, plus what the NLU understood.

Runs inside the Rasa server (the .venv-rasa environment); credentials.yml registers it.
"""

import gc
import logging
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import (
    action_failures,
    action_results,
    debug_copies,
    diet_inference,
    event_types,
    graph_runner,
    kept_connections,
)
from bot.intents import best_intent

logger = logging.getLogger(__name__)
SUPPORTED_LANGUAGES = frozenset({"en", "ko"})
LANGUAGE_ENTITY = "language"  # it fills the `language` slot (bot/domain.yml)
action_failures.install()
action_results.install()
debug_copies.install()
diet_inference.install()
event_types.install()
graph_runner.install()
kept_connections.install()


class HubInput(InputChannel):
    """POST /webhooks/hub/webhook {sender, message, metadata} -> {messages, intent};
    POST /webhooks/hub/parse {message} -> {intent}: the NLU alone, in no conversation.
    The intent is the NLU's best (bot/intents.py), with its confidence. The channel runs the NLU
    itself and hands Rasa what it understood: one parse a message, and no tracker read after;
    the language in the metadata joins it as an entity, so no action server call sets the slot.
    A turn whose custom action failed answers 502 (bot/action_failures.py)."""

    @classmethod
    def name(cls) -> str:
        return "hub"

    def blueprint(self, on_new_message: Any) -> Blueprint:
        """The health route and the webhook."""
        hub = Blueprint("hub_webhook", __name__)

        @hub.listener("after_server_start")
        async def freeze_the_model(app: Any, loop: Any) -> None:
            keep_out_of_collections()

        @hub.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hub.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.json or {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not isinstance(text, str):
                return response.json({"error": "sender and message are required"}, status=400)
            collector = CollectingOutputChannel()
            metadata = body.get("metadata")
            # An exception here answers 500: the hub treats the bot as down and hands over.
            parsed = await request.app.ctx.agent.processor.parse_message(
                UserMessage(text, sender_id=sender, input_channel=self.name(), metadata=metadata)
            )
            parsed["entities"] = [*parsed["entities"], *language_entity(metadata, sender)]
            with action_failures.noted() as failed:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender,
                        parse_data=parsed,
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            if failed:  # the answer lacks those actions' work: the hub hands over
                error = f"the action server failed to run {', '.join(failed)}"
                return response.json({"error": error}, status=502)
            return response.json({"messages": collector.messages, "intent": best_intent(parsed)})

        @hub.route("/parse", methods=["POST"])
        async def parse(request: Request) -> HTTPResponse:
            text = (request.json or {}).get("message")
            if not isinstance(text, str):
                return response.json({"error": "message is required"}, status=400)
            parsed = await request.app.ctx.agent.parse_message(text)
            return response.json({"intent": best_intent(parsed)})

        return hub


def keep_out_of_collections() -> None:
    """Leave what the server holds once started (the model, TensorFlow, the domain: 630,000
    objects) out of Python's full garbage collections, which each walked them all: 370 ms of CPU
    during which no turn moved (benchmarks/rasa-turn-profile.md)."""
    gc.collect()
    gc.freeze()


def language_entity(metadata: Any, sender: str) -> list[dict[str, str]]:
    """The supported language the hub sent with a message, as the entity the `language` slot
    is filled from; none if it is missing or unsupported (the slot keeps its value)."""
    language = metadata.get("language") if isinstance(metadata, dict) else None
    language = language.strip().lower() if isinstance(language, str) else None
    if language not in SUPPORTED_LANGUAGES:
        logger.debug("No supported language in the metadata of %s", sender)
        return []
    return [{"entity": LANGUAGE_ENTITY, "value": language, "extractor": HubInput.name()}]
