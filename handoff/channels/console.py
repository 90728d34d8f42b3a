"""The agent console's session: the live queue, claims, and chats with customers.

Protocol (JSON frames). From the hub:
  hello {agent, languages, capacity, max_message_chars}, queue {items, total}, mine {items},
  conversation {conversation, customer (its ids on every channel: linked), history (the
  customer's other conversations, from every channel), records (a verified customer's)},
  entry {conversation_id, entry},
  typing {conversation_id, on}, suggestions {conversation_id, for, articles},
  articles {query, articles}, done {request, conversation_id}, error {code, message, request}.
From the console (each may carry a "request" id that `done` or `error` echoes):
  open {conversation_id, after}, claim {conversation_id}, message {conversation_id, text,
  client_id}, note {conversation_id, text}, typing {conversation_id, on}, release
  {conversation_id}, close {conversation_id, tags}, transfer {conversation_id, to},
  leave {conversation_id} (stop following it), search {query, language}, queue_more (show
  another page of the queue: the queue frame carries the first pages and `total`).
"""

import asyncio
import contextlib
import logging
from typing import Annotated, Literal

from fastapi import WebSocket
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from handoff.channels.socket_session import BadFrame, SocketSession
from handoff.conversations.model import (
    AtCapacity,
    Conversation,
    Entry,
    Refused,
    Sender,
    State,
    TransitionRefused,
)
from handoff.customers.identity import linked_customers
from handoff.queue.agent_queue import summary
from handoff.queue.live_events import Listener, QueueEvent, TypingEvent
from handoff.services import Services
from handoff.staff.users import Role, User

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5  # also how often an idle console re-checks its login session
SESSION_ENDED = 4401  # close code: logged out (maybe elsewhere), or a new password or role
AGENT_ONLY = frozenset({State.AGENT})
SUGGESTIONS = 3


class Request(BaseModel):
    """Every console frame may carry an id, echoed by the answer."""

    request: str | None = Field(default=None, max_length=64)


class ConversationRequest(Request):
    """A frame about one conversation."""

    conversation_id: str = Field(pattern=r"^[0-9a-f]{32}$")


class OpenFrame(ConversationRequest):
    type: Literal["open"]
    after: str = Field(default="0-0", pattern=r"^\d{1,20}-\d{1,20}$")


class ClaimFrame(ConversationRequest):
    type: Literal["claim"]


class MessageFrame(ConversationRequest):
    type: Literal["message"]
    text: str = Field(min_length=1)
    client_id: str | None = Field(default=None, max_length=64)


class NoteFrame(ConversationRequest):
    type: Literal["note"]
    text: str = Field(min_length=1)


class TypingFrame(ConversationRequest):
    type: Literal["typing"]
    on: bool


class ReleaseFrame(ConversationRequest):
    type: Literal["release"]


class CloseFrame(ConversationRequest):
    type: Literal["close"]
    tags: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(max_length=10)


class TransferFrame(ConversationRequest):
    type: Literal["transfer"]
    to: str = Field(min_length=2, max_length=40)


class LeaveFrame(ConversationRequest):
    type: Literal["leave"]


class SearchFrame(Request):
    type: Literal["search"]
    query: str = Field(min_length=1, max_length=500)
    language: str = Field(pattern=r"^[a-z]{2}$")


class QueueMoreFrame(Request):
    type: Literal["queue_more"]


ConsoleFrame = TypeAdapter(
    Annotated[
        OpenFrame
        | ClaimFrame
        | MessageFrame
        | NoteFrame
        | TypingFrame
        | ReleaseFrame
        | CloseFrame
        | TransferFrame
        | LeaveFrame
        | SearchFrame
        | QueueMoreFrame,
        Field(discriminator="type"),
    ]
)


def console_entry(entry: Entry) -> dict:
    """A transcript entry as agents see it: everything, annotations and notes included."""
    return {
        "id": entry.id,
        "sender": entry.sender.value,
        "text": entry.text,
        "event": entry.event,
        "state": entry.state.value if entry.state else None,  # where the event moved it
        "author": entry.author,
        "client_id": entry.client_id,  # the console confirms its own sent messages by it
        "internal": entry.internal,
        "meta": entry.meta,
        "buttons": [button.title for button in entry.buttons],
        "ts": entry.timestamp_ms,
    }


class AgentSession(SocketSession):
    """One open console of one agent."""

    def __init__(
        self, websocket: WebSocket, services: Services, agent: User, session_token: str
    ) -> None:
        super().__init__(websocket)
        self._services = services
        self._agent = agent
        self._session_token = session_token
        self._conversations = services.conversations
        self._followers: dict[str, asyncio.Task] = {}
        self._listener: Listener | None = None  # its `watching` holds the open conversations
        self._queue_shown = services.settings.console_queue_page  # grows by a page on queue_more

    async def run(self) -> None:
        """Serve the console until it disconnects."""
        with self._services.events.listen() as listener:
            self._listener = listener
            await self._services.queue.heartbeat(self._agent.name)
            await self.send(
                {
                    "type": "hello",
                    "agent": self._agent.name,
                    "languages": list(self._agent.languages),
                    "capacity": self._services.settings.agent_capacity,
                    "max_message_chars": self._services.settings.max_message_chars,
                }
            )
            await self._send_queue()
            await self._send_mine()
            try:
                await self.supervise(
                    f"Console of {self._agent.name}",
                    asyncio.create_task(self._receive()),
                    asyncio.create_task(self._live(listener)),
                    asyncio.create_task(self._heartbeat()),
                )
            finally:
                for follower in self._followers.values():
                    follower.cancel()
                await asyncio.gather(*self._followers.values(), return_exceptions=True)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            if await self._closed_if_logged_out():
                return
            await self._services.queue.heartbeat(self._agent.name)

    async def _closed_if_logged_out(self) -> bool:
        """Close the socket (SESSION_ENDED) if the agent's login session ended; whether it did."""
        found = await self._services.sessions.read(self._session_token)
        if found and found[0] == self._agent.name:
            return False
        logger.info("Console of %s closed: its login session ended", self._agent.name)
        with contextlib.suppress(RuntimeError):
            await self._websocket.close(SESSION_ENDED, "Your session has ended; log in again.")
        return True

    async def _send_queue(self) -> None:
        """The queue for this agent's languages (serialised once for all such consoles)."""
        frame = await self._services.events.queue_frame(self._agent.languages, self._queue_shown)
        await self.send_text(frame)

    async def _send_mine(self) -> None:
        """The conversations this agent holds."""
        held = await self._services.queue.held_by()
        mine = [conversation for conversation, agent in held.items() if agent == self._agent.name]
        await self.send({"type": "mine", "items": await self._summaries(mine)})

    async def _summaries(self, conversation_ids: list[str]) -> list[dict]:
        conversations = await self._conversations.get_many(conversation_ids)
        return [self._summary(conversation) for conversation in conversations]

    @staticmethod
    def _summary(conversation: Conversation) -> dict:
        return summary(conversation) | {
            "conversation_id": conversation.id,
            "state": conversation.state.value,
            "language": conversation.language,
            "assignee": conversation.assignee or None,
            "priority": conversation.priority,
            "first_response_at": conversation.first_response_at,
        }

    async def _live(self, listener: Listener) -> None:
        """Typing as it comes; the queue (and my chats) once for all the events waiting."""
        while True:
            events = [await listener.inbox.get()]
            while not listener.inbox.empty():
                events.append(listener.inbox.get_nowait())
            for event in events:
                if isinstance(event, TypingEvent) and event.sender == Sender.CUSTOMER.value:
                    await self.send(
                        {"type": "typing", "conversation_id": event.conversation_id, "on": event.on}
                    )
            changes = [event for event in events if isinstance(event, QueueEvent)]
            if changes:
                await self._send_queue()
            if any(self._agent.name in (event.assignee, event.previous) for event in changes):
                await self._send_mine()

    async def _receive(self) -> None:
        while True:
            try:
                frame = ConsoleFrame.validate_python(await self.receive_json())
            except (BadFrame, ValidationError) as error:
                await self.send({"type": "error", "code": "bad_frame", "message": str(error)[:500]})
                continue
            if await self._closed_if_logged_out():
                return
            try:
                await self._handle(frame)
            except (Refused, LookupError) as refused:
                await self.send(
                    {
                        "type": "error",
                        "code": getattr(refused, "code", "refused"),
                        "message": str(refused),
                        "request": frame.request,
                        "conversation_id": getattr(frame, "conversation_id", None),
                    }
                )
            else:
                await self.send(
                    {
                        "type": "done",
                        "request": frame.request,
                        "conversation_id": getattr(frame, "conversation_id", None),
                    }
                )

    async def _handle(self, frame: BaseModel) -> None:
        queue, agent = self._services.queue, self._agent.name
        limit = self._services.settings.max_message_chars
        if isinstance(frame, MessageFrame | NoteFrame) and len(frame.text) > limit:
            raise Refused("too_long", f"A message has at most {limit} characters.")
        match frame:
            case OpenFrame():
                await self._open(frame.conversation_id, frame.after)
            case ClaimFrame():
                await self._claim(frame.conversation_id)
            case MessageFrame():
                await self._reply(frame)
            case NoteFrame():
                await self._note(frame.conversation_id, frame.text)
            case TypingFrame():
                await self._typing(frame.conversation_id, frame.on)
            case ReleaseFrame():
                await self._require_holder(frame.conversation_id)
                await queue.release(frame.conversation_id, agent, by_admin=self._is_admin)
            case CloseFrame():
                await self._require_holder(frame.conversation_id)
                await queue.close(frame.conversation_id, agent, frame.tags, by_admin=self._is_admin)
            case TransferFrame():
                await self._transfer(frame.conversation_id, frame.to)
            case LeaveFrame():
                self._leave(frame.conversation_id)
            case SearchFrame():
                articles = await self._articles(frame.query, frame.language)
                await self.send({"type": "articles", "query": frame.query, "articles": articles})
            case QueueMoreFrame():
                self._queue_shown += self._services.settings.console_queue_page
                await self._send_queue()

    async def _open(self, conversation_id: str, after: str) -> None:
        """Send the conversation's header and customer panel, then follow its transcript."""
        conversation = await self._conversations.get(conversation_id)
        if conversation.language not in self._agent.languages and not self._is_admin:
            raise Refused("language", f"This conversation is in {conversation.language}.")
        linked = await linked_customers(self._services.redis, conversation.customer)
        history = await self._conversations.of_customers(linked)
        records = await self._services.records.panel(conversation)
        await self.send(
            {
                "type": "conversation",
                "conversation": self._summary(conversation),
                "customer": {
                    "id": conversation.customer,
                    "channel": conversation.channel,
                    "language": conversation.language,
                    "verified": conversation.verified,
                    "email": conversation.notify_email or None,
                    "linked": linked,  # the customer's ids on every channel
                },
                "history": [
                    {
                        "conversation_id": past.id,
                        "created_at": past.created_at,
                        "channel": past.channel,
                        "state": past.state.value,
                        "tags": ",".join(past.tags),
                        "rating": past.rating,
                    }
                    for past in history
                    if past.id != conversation_id
                ],
                "records": records.model_dump(mode="json") if records else None,
            }
        )
        self._listener.watching.add(conversation_id)  # the customer's typing
        if conversation_id not in self._followers:
            self._followers[conversation_id] = asyncio.create_task(
                self._follow(conversation_id, after)
            )

    def _leave(self, conversation_id: str) -> None:
        """Stop following a conversation the console has put away."""
        self._listener.watching.discard(conversation_id)
        follower = self._followers.pop(conversation_id, None)
        if follower:
            follower.cancel()

    async def _follow(self, conversation_id: str, after: str) -> None:
        """Every entry of the transcript, and suggested articles for each customer message."""
        async for entry in self._services.transcripts.follow(conversation_id, after):
            await self.send(
                {"type": "entry", "conversation_id": conversation_id, "entry": console_entry(entry)}
            )
            if entry.sender is Sender.CUSTOMER and not entry.event:
                language = entry.meta.get("language", "en")
                articles = await self._articles(entry.text, language)
                await self.send(
                    {
                        "type": "suggestions",
                        "conversation_id": conversation_id,
                        "for": entry.id,
                        "articles": articles[:SUGGESTIONS],
                    }
                )

    async def _claim(self, conversation_id: str) -> None:
        try:
            await self._services.queue.claim(conversation_id, self._agent.name)
        except AtCapacity as full:
            message = "You hold as many chats as you can; close one first."
            raise Refused("capacity", message) from full
        except TransitionRefused as refused:
            raise Refused("taken", "Another agent took this conversation first.") from refused
        await self._open(conversation_id, "0-0")

    async def _reply(self, frame: MessageFrame) -> None:
        entry = Entry(
            sender=Sender.AGENT,
            text=frame.text,
            client_id=frame.client_id,
            author=self._agent.name,
            author_name=self._agent.display_name,
        )
        appended = await self._conversations.append(
            frame.conversation_id, entry, only_in=AGENT_ONLY, held_by=self._agent.name
        )
        if appended is None:
            conversation = await self._conversations.get(frame.conversation_id)
            if conversation.assignee != self._agent.name or conversation.state is not State.AGENT:
                raise Refused("not_yours", "You do not hold this conversation.")
            return  # a resend of a message already delivered
        first_response_at = await self._conversations.record_first_response(frame.conversation_id)
        if first_response_at is not None:
            conversation = await self._conversations.get(frame.conversation_id)
            await self._services.queue.rollups.first_response(conversation, first_response_at)
        await self._services.notifier.agent_replied(frame.conversation_id, frame.text)

    @property
    def _is_admin(self) -> bool:
        return self._agent.role is Role.ADMIN

    async def _require_holder(self, conversation_id: str) -> None:
        """Refused unless this agent holds the conversation (an admin may act on any)."""
        if self._is_admin:
            return
        conversation = await self._conversations.get(conversation_id)
        if conversation.state is not State.AGENT or conversation.assignee != self._agent.name:
            raise Refused("not_yours", "You do not hold this conversation.")

    async def _note(self, conversation_id: str, text: str) -> None:
        """An internal note, by the agent who holds (or last held) the chat, or by an admin."""
        note = Entry(
            sender=Sender.AGENT, text=text, event="note", internal=True, author=self._agent.name
        )
        held_by = "" if self._is_admin else self._agent.name
        if await self._conversations.append(conversation_id, note, held_by=held_by) is None:
            raise Refused("not_yours", "You do not hold this conversation.")

    async def _typing(self, conversation_id: str, on: bool) -> None:
        """Show the customer that their agent is typing (only the agent who holds the chat)."""
        conversation = await self._conversations.get(conversation_id)
        if conversation.state is not State.AGENT or conversation.assignee != self._agent.name:
            raise Refused("not_yours", "You do not hold this conversation.")
        await self._services.events.typing(conversation_id, "agent", on)

    async def _transfer(self, conversation_id: str, to: str) -> None:
        target = await self._services.users.get(to)
        if target is None or target.role not in (Role.AGENT, Role.ADMIN):
            raise Refused("no_agent", f"There is no agent named {to}.")
        try:
            await self._services.queue.transfer(conversation_id, self._agent.name, to)
        except AtCapacity as full:
            message = f"{target.display_name} holds as many chats as they can."
            raise Refused("capacity", message) from full

    async def _articles(self, query: str, language: str) -> list[dict]:
        """The articles the bot would consider for a question: suggestions and search."""
        decision = await self._services.answers.preview(query, language)
        return [article.model_dump() for article in decision.results]
