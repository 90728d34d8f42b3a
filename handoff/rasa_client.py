"""The hub's client of Rasa's REST channel: one customer message in, the bot's replies out."""

import asyncio
import logging
from dataclasses import dataclass

import httpx

from handoff.conversations import Button

logger = logging.getLogger(__name__)


class AssistantUnavailable(RuntimeError):
    """Rasa, or the action server behind it, did not answer."""


@dataclass(frozen=True)
class Link:
    """A link the bot attaches to its message, e.g. the full knowledge-base article."""

    title: str
    url: str


@dataclass(frozen=True)
class BotReply:
    """One message of the bot."""

    text: str
    buttons: tuple[Button, ...] = ()
    link: Link | None = None


class RasaClient:
    """Sends customer messages to Rasa's REST webhook."""

    def __init__(self, http: httpx.AsyncClient, rasa_url: str, action_server_url: str) -> None:
        self._http = http
        self._webhook = f"{rasa_url.rstrip('/')}/webhooks/rest/webhook"
        self._action_server_health = f"{action_server_url.rstrip('/')}/health"

    async def send(self, conversation_id: str, text: str, language: str) -> list[BotReply]:
        """Forward a message; the conversation id is Rasa's sender id.

        Rasa answers even when its action server is down (in the wrong language, without the
        actions' work), so the action server's health is checked alongside, at no extra wait.
        """
        body = {"sender": conversation_id, "message": text, "metadata": {"language": language}}
        try:
            response, health = await asyncio.gather(
                self._http.post(self._webhook, json=body),
                self._http.get(self._action_server_health),
            )
            response.raise_for_status()
            health.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("Rasa did not answer for conversation %s: %r", conversation_id, error)
            raise AssistantUnavailable(str(error)) from error
        return _replies(messages)


def _replies(messages: list[dict]) -> list[BotReply]:
    """Rasa's messages as replies; an article link (a custom message) joins the text before it."""
    replies: list[BotReply] = []
    for message in messages:
        article = (message.get("custom") or {}).get("article")
        if article and replies and str(article.get("url", "")).startswith(("https://", "http://")):
            link = Link(title=str(article.get("title", "")), url=str(article["url"]))
            replies[-1] = BotReply(replies[-1].text, replies[-1].buttons, link)
        if message.get("text"):
            buttons = tuple(
                Button(title=str(b["title"]), payload=str(b["payload"]))
                for b in message.get("buttons") or ()
                if b.get("title") and b.get("payload")
            )
            replies.append(BotReply(text=str(message["text"]), buttons=buttons))
    return replies
