"""Files customers send (photos, documents): checked by what their bytes are, kept on disk
outside Redis, one folder a conversation; the transcript entry names them."""

import asyncio
import re
import secrets
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import filetype

from handoff.conversations.model import Refused
from handoff.settings import Settings

# What a customer may send, by the type its first bytes show, and the extension it is kept with.
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
_CONVERSATION_ID = re.compile(r"[0-9a-f]{32}")
_ATTACHMENT_ID = re.compile(r"[A-Za-z0-9_-]{22}\.(?:jpg|png|webp|pdf)")


class FileRefused(Refused):
    """A file too big, or of a type customers may not send."""

    def __init__(self, message: str) -> None:
        super().__init__("file_refused", message)


@dataclass(frozen=True)
class Attachment:
    """A kept file, as a transcript entry's meta names it."""

    id: str  # random, with its extension: the only name it has on disk
    name: str  # what the customer called it (shown, never used as a path)
    type: str
    size: int

    def to_meta(self) -> dict:
        """The entry's meta: {"attachment": {...}}."""
        return {"attachment": asdict(self)}


class AttachmentStore:
    """Customers' files under one folder; an attachment is reached only by its random id."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self._root = root
        self.max_bytes = max_bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> "AttachmentStore":
        """The hub's store: BATON_ATTACHMENTS_DIR, BATON_TELEGRAM_MAX_FILE_BYTES."""
        return cls(settings.attachments_dir, settings.telegram_max_file_bytes)

    def check_size(self, size: int | None, refusal: str) -> None:
        """FileRefused (with the customer's message) if a file is over the limit."""
        if size is not None and size > self.max_bytes:
            raise FileRefused(refusal)

    async def keep(self, conversation_id: str, name: str, data: bytes, refusal: str) -> Attachment:
        """Keep a file if its bytes are an allowed type within the limit; FileRefused if not."""
        self.check_size(len(data), refusal)
        kind = filetype.guess_mime(data)
        if kind not in ALLOWED_TYPES:
            raise FileRefused(refusal)
        attachment = Attachment(
            f"{secrets.token_urlsafe(16)}.{ALLOWED_TYPES[kind]}", name[:200], kind, len(data)
        )
        path = self.path(conversation_id, attachment.id)
        await asyncio.to_thread(_write, path, data)
        return attachment

    async def forget(self, conversation_id: str) -> None:
        """Delete every file a conversation was sent (erasure)."""
        if _CONVERSATION_ID.fullmatch(conversation_id):
            folder = self._root / conversation_id
            await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)

    def path(self, conversation_id: str, attachment_id: str) -> Path:
        """Where an attachment is kept; ValueError for ids no attachment could have."""
        if not (
            _CONVERSATION_ID.fullmatch(conversation_id) and _ATTACHMENT_ID.fullmatch(attachment_id)
        ):
            raise ValueError("not an attachment")
        return self._root / conversation_id / attachment_id


def media_type(attachment_id: str) -> str:
    """The content type an attachment is served with, from its extension."""
    extension = attachment_id.rsplit(".", 1)[-1]
    return next(kind for kind, ext in ALLOWED_TYPES.items() if ext == extension)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
