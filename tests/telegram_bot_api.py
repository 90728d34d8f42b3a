"""A stand-in for Telegram's Bot API on loopback, spoken to over real HTTP.

It answers the methods Baton calls as the real API does (form-encoded parameters with JSON
values; `{"ok": false, "error_code", "description", "parameters": {"retry_after"}}` errors with
real HTTP statuses), records every call, fails a call on request (400, 403, 429) or holds it
(a slow Telegram), and delivers updates: posted to the webhook set with setWebhook (with its
secret token header), or kept for getUpdates.
"""

import asyncio
import contextlib
import itertools
import json
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from handoff.cli.processes import free_port
from tests.support import serving

BOT = {"id": 7000001, "is_bot": True, "first_name": "Baton", "username": "baton_test_bot"}
JSON_PARAMETERS = {"reply_markup", "allowed_updates", "entities", "link_preview_options"}
INTEGER_PARAMETERS = {"chat_id", "message_id", "offset", "limit", "timeout"}
MAX_TEXT_UNITS = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile serves files up to 20 MB
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class ApiError(Exception):
    """A Bot API error, as Telegram answers it."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after

    def response(self) -> JSONResponse:
        body = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return JSONResponse(body, status_code=self.status)


@dataclass
class Call:
    """One call the stand-in received, and the HTTP status it answered."""

    method: str
    params: dict
    status: int = 200
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """The next `times` calls of a method fail so."""

    method: str
    error: ApiError
    times: int


@dataclass
class BotApi:
    """The stand-in: `async with BotApi(token).running():`, then `base_url` for PTB."""

    token: str
    port: int = field(default_factory=free_port)
    calls: list[Call] = field(default_factory=list)
    webhook_url: str = ""
    webhook_secret: str = ""
    _updates: list[dict] = field(default_factory=list)
    _faults: list[Fault] = field(default_factory=list)
    _held: dict[str, asyncio.Event] = field(default_factory=dict)  # method -> its release
    _messages: dict[tuple[int, int], dict] = field(default_factory=dict)
    _files: dict[str, bytes] = field(default_factory=dict)  # file_id -> content
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    # Update ids are not monotonic across a quiet week: start anywhere.
    _update_ids: itertools.count = field(
        default_factory=lambda: itertools.count(random.randrange(10**6, 10**8))
    )
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _poster: httpx.AsyncClient | None = None  # while running

    @property
    def base_url(self) -> str:
        """What PTB's base_url (BATON_TELEGRAM_API_URL) is set to; the token follows."""
        return f"http://127.0.0.1:{self.port}/bot"

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Serve the API on its loopback port for the duration of the block (and post updates
        over kept-alive connections, as Telegram does)."""
        app = FastAPI()
        app.add_api_route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])
        app.add_api_route("/file/bot{token}/{file_path:path}", self._download, methods=["GET"])
        async with httpx.AsyncClient() as self._poster, serving(app, self.port):
            yield

    def fail(
        self, method: str, status: int, description: str, retry_after: int | None = None, times=1
    ) -> None:
        """Make the next `times` calls of a method fail with this error."""
        self._faults.append(Fault(method, ApiError(status, description, retry_after), times))

    def hold(self, method: str) -> None:
        """Make calls of a method wait (a slow Telegram) until `release(method)`."""
        self._held[method] = asyncio.Event()

    def release(self, method: str) -> None:
        """Answer the held calls of a method, and the next ones at once."""
        self._held.pop(method).set()

    def sent(self, chat_id: int) -> list[dict]:
        """The messages sent to a chat (accepted sendMessage calls), in order."""
        return [
            c.params
            for c in self.calls
            if c.method == "sendMessage" and c.status == 200 and c.params["chat_id"] == chat_id
        ]

    def called(self, method: str) -> list[Call]:
        """Every call of a method, failed ones included."""
        return [call for call in self.calls if call.method == method]

    async def wait(self, done: Callable[[], object], timeout: float = 30) -> None:
        """Wait until `done()` is true (checked after every call)."""
        async with asyncio.timeout(timeout):
            while not done():
                self._changed.clear()
                await self._changed.wait()

    # Updates, as Telegram builds and delivers them.

    def text(self, user: dict, text: str) -> dict:
        """A private message from a user (a command's entity marked, as Telegram does)."""
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user["id"], "type": "private", "first_name": user["first_name"]},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": next(self._update_ids), "message": message}

    def edit(self, sent: dict, text: str) -> dict:
        """The user edited a message they sent (an update of theirs) to read `text`."""
        message = sent["message"] | {"text": text, "edit_date": int(time.time())}
        return {"update_id": next(self._update_ids), "edited_message": message}

    def photo(self, user: dict, content: bytes, caption: str | None = None) -> dict:
        """A photo, in the two sizes Telegram makes of it (the content is the larger)."""
        sizes = [
            self._file(content[:100], width=90, height=90),
            self._file(content, width=1280, height=960),
        ]
        return self._media(user, {"photo": sizes}, caption)

    def document(
        self, user: dict, content: bytes, name: str, mime_type: str, caption: str | None = None
    ) -> dict:
        """A file sent as a document, with the name and type the user's app gave it."""
        document = self._file(content, file_name=name, mime_type=mime_type)
        return self._media(user, {"document": document}, caption)

    def _file(self, content: bytes, **described: object) -> dict:
        file_id = f"file-{next(self._message_ids)}"
        self._files[file_id] = content
        unique = {"file_unique_id": f"u{file_id}", "file_size": len(content)}
        return {"file_id": file_id, **unique, **described}

    def _media(self, user: dict, media: dict, caption: str | None) -> dict:
        update = self.text(user, "")
        message = update["message"]
        del message["text"]
        message |= media | ({"caption": caption} if caption else {})
        return update

    def press(self, user: dict, message: dict, data: str) -> dict:
        """A press on an inline button of a message the bot sent."""
        query = {
            "id": str(next(self._update_ids)),
            "from": user,
            "chat_instance": f"ci-{user['id']}",
            "data": data,
            "message": self._messages[(message["chat"]["id"], message["message_id"])],
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    async def post(self, update: dict, secret: str | bytes | None = None) -> httpx.Response:
        """Post an update to the webhook as Telegram does (the secret it was given, unless
        another is named)."""
        secret = self.webhook_secret if secret is None else secret
        headers = {SECRET_HEADER: secret}
        return await self._poster.post(self.webhook_url, json=update, headers=headers)

    def queue(self, update: dict) -> None:
        """Keep an update for getUpdates (no webhook)."""
        self._updates.append(update)
        self._changed.set()

    def last_message(self, chat_id: int) -> dict:
        """The latest message the bot sent to a chat, as Telegram keeps it (edits applied)."""
        return max(
            (m for (chat, _), m in self._messages.items() if chat == chat_id),
            key=lambda m: m["message_id"],
        )

    # The API.

    async def _endpoint(self, token: str, method: str, request: Request) -> JSONResponse:
        params = await _params(request)
        call = Call(method, params)
        self.calls.append(call)
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            self._fault(method)
            self._changed.set()
            if gate := self._held.get(method):
                await gate.wait()
            handler = getattr(self, f"_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
        except ApiError as error:
            call.status = error.status
            return error.response()
        finally:
            self._changed.set()
        return JSONResponse({"ok": True, "result": result})

    def _fault(self, method: str) -> None:
        for fault in self._faults:
            if fault.method == method and fault.times > 0:
                fault.times -= 1
                raise fault.error

    async def _getMe(self, params: dict) -> dict:
        return BOT

    async def _setWebhook(self, params: dict) -> bool:
        self.webhook_url, self.webhook_secret = params["url"], params.get("secret_token", "")
        return True

    async def _deleteWebhook(self, params: dict) -> bool:
        self.webhook_url = self.webhook_secret = ""
        return True

    async def _getUpdates(self, params: dict) -> list[dict]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = params.get("offset", 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            waiting = self._changed
            waiting.clear()
            try:
                await asyncio.wait_for(waiting.wait(), params.get("timeout", 0))
            except TimeoutError:
                return []
        return self._updates[: params.get("limit", 100)]

    async def _sendMessage(self, params: dict) -> dict:
        text = params.get("text", "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > MAX_TEXT_UNITS:
            raise ApiError(400, "Bad Request: message is too long")
        _check_markup(params.get("reply_markup"))
        chat_id = params["chat_id"]
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
            "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[(chat_id, message["message_id"])] = message
        return message

    async def _getFile(self, params: dict) -> dict:
        content = self._files.get(params.get("file_id", ""))
        if content is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(content) > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        file_id = params["file_id"]
        path = {"file_path": f"documents/{file_id}"}
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
        } | path

    async def _download(self, token: str, file_path: str) -> Response:
        self.calls.append(Call("download", {"file_path": file_path}))
        self._changed.set()
        content = self._files.get(file_path.removeprefix("documents/"))
        if token != self.token or content is None:
            return Response(status_code=404)
        return Response(content, media_type="application/octet-stream")

    async def _sendChatAction(self, params: dict) -> bool:
        return True

    async def _answerCallbackQuery(self, params: dict) -> bool:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        return True

    async def _editMessageText(self, params: dict) -> dict:
        message = self._message(params)
        if message["text"] == params["text"]:
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"] = params["text"]
        return message

    async def _editMessageReplyMarkup(self, params: dict) -> dict:
        message = self._message(params)
        markup = params.get("reply_markup") or None
        if message.get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified")
        _check_markup(markup)
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    def _message(self, params: dict) -> dict:
        found = self._messages.get((params.get("chat_id"), params.get("message_id")))
        if found is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return found


async def _params(request: Request) -> dict:
    """The call's parameters: a form (values JSON-encoded where not plain), JSON, or a query."""
    if request.headers.get("content-type", "").startswith("application/json"):
        return await request.json()
    # Baton uploads no files: every call is urlencoded (multipart is for uploads).
    raw = dict(request.query_params) | dict(parse_qsl((await request.body()).decode()))
    params = {}
    for name, value in raw.items():
        if name in JSON_PARAMETERS:
            params[name] = json.loads(value)
        elif name in INTEGER_PARAMETERS:
            params[name] = int(value)
        else:
            params[name] = value
    return params


def _check_markup(markup: dict | None) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data", "")
            if not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
