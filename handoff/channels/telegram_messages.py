"""How a transcript entry reads in Telegram: plain text (nothing in it is markup), cut into
messages Telegram accepts, and the bot's buttons as an inline keyboard of short opaque tokens."""

import secrets

from redis.asyncio import Redis
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handoff import keys
from handoff.conversations.model import Button, Entry, Sender
from handoff.conversations.system_messages import system_message

MAX_MESSAGE_UNITS = 4096  # Telegram's limit, counted in UTF-16 code units
BUTTON_TTL_SECONDS = 7 * 24 * 3600
RECAP_CHARS = 300  # of each message in the recap of a conversation that moves to Telegram
HUMAN = "human"  # the callback data of "Talk to a person" (button tokens are longer)
RATE = "rate:"  # a rating button's payload: "rate:<score>" (never sent to the bot)


def message_text(entry: Entry, language: str) -> str:
    """The entry as the customer reads it: the agent's name, the text, the article's link."""
    text = entry.text
    if entry.sender is Sender.AGENT and entry.author_name:
        text = f"{entry.author_name}: {text}"
    link = entry.meta.get("link") or {}
    url = str(link.get("url", ""))
    if url.startswith(("https://", "http://")):
        label = system_message("read_more", language)
        title = str(link.get("title", ""))
        text += f"\n\n{label}{f': {title}' if title else ''}\n{url}"
    return text


def recap_text(entries: list[Entry], language: str) -> str:
    """The latest messages of a conversation that moves here, each shortened, oldest first."""
    lines = [system_message("recap", language)]
    for entry in entries:
        if entry.sender is Sender.CUSTOMER:
            who = system_message("recap_you", language)
        elif entry.sender is Sender.AGENT and entry.author_name:
            who = entry.author_name
        else:
            who = system_message("recap_assistant", language)
        text = entry.text if len(entry.text) <= RECAP_CHARS else entry.text[:RECAP_CHARS] + "…"
        lines.append(f"{who}: {text}")
    return "\n\n".join(lines)


def split_text(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """The text in parts of at most `limit` UTF-16 units, cut at a paragraph break if one fits,
    else at a line break, else at a space, else where the limit falls."""
    parts = []
    rest = text.strip()
    while _units(rest) > limit:
        fits = _longest_prefix(rest, limit)
        cut = next(
            (at for sep in ("\n\n", "\n", " ") if (at := rest.rfind(sep, 0, fits + 1)) > 0),
            fits,
        )
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest]


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _longest_prefix(text: str, limit: int) -> int:
    """How many characters of the text fit in `limit` UTF-16 units."""
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


class InlineButtons:
    """The bot's buttons as inline keyboards; a press finds its button again by its token."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def keyboard(
        self, conversation_id: str, buttons: tuple[Button, ...]
    ) -> InlineKeyboardMarkup:
        """One button a row; each button's callback data is a new token (16 characters)."""
        inline = await self._inline(conversation_id, buttons)
        return InlineKeyboardMarkup([[button] for button in inline])

    async def rating(self, conversation_id: str) -> InlineKeyboardMarkup:
        """Five buttons in a row, 1 to 5, to rate a closed conversation."""
        buttons = tuple(Button(str(score), f"{RATE}{score}") for score in range(1, 6))
        return InlineKeyboardMarkup([await self._inline(conversation_id, buttons)])

    async def _inline(
        self, conversation_id: str, buttons: tuple[Button, ...]
    ) -> list[InlineKeyboardButton]:
        """Each button with a new token as its callback data, remembered for a week."""
        inline = []
        async with self._redis.pipeline(transaction=False) as pipe:
            for button in buttons:
                token = secrets.token_urlsafe(12)
                key = keys.telegram_button(token)
                fields = {"conversation": conversation_id, "title": button.title}
                pipe.hset(key, mapping=fields | {"payload": button.payload})
                pipe.expire(key, BUTTON_TTL_SECONDS)
                inline.append(InlineKeyboardButton(button.title, callback_data=token))
            await pipe.execute()
        return inline

    async def pressed(self, token: str) -> tuple[str, Button] | None:
        """The conversation and button a token stands for; None if unknown or expired."""
        found = await self._redis.hgetall(keys.telegram_button(token))
        if not found:
            return None
        return found["conversation"], Button(found["title"], found["payload"])


def rating_score(button: Button) -> int | None:
    """The score a rating button gives; None for the bot's buttons."""
    if not button.payload.startswith(RATE):
        return None
    return int(button.payload.removeprefix(RATE))


def human_keyboard(language: str) -> InlineKeyboardMarkup:
    """The "Talk to a person" button."""
    title = system_message("talk_to_person", language)
    return InlineKeyboardMarkup([[InlineKeyboardButton(title, callback_data=HUMAN)]])
