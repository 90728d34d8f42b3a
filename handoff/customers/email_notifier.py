"""Email to customers who left an address: an agent replied to their conversation."""

import asyncio
import logging
import time
from email.headerregistry import Address
from email.message import EmailMessage

import aiosmtplib

from handoff.conversations.store import ConversationStore
from handoff.conversations.system_messages import system_message
from handoff.customers.follow_up import one_address
from handoff.keys import ConversationField as F
from handoff.settings import Settings

logger = logging.getLogger(__name__)

# One email per burst of replies: a customer is not mailed for every line an agent types.
NOTIFY_EVERY_SECONDS = 600


class EmailNotifier:
    """Sends "an agent replied" emails over SMTP (a real server; tests run one on loopback)."""

    def __init__(self, settings: Settings, conversations: ConversationStore) -> None:
        self._settings = settings
        self._conversations = conversations
        self._sending: set[asyncio.Task] = set()

    @property
    def configured(self) -> bool:
        """Whether an SMTP server is set (BATON_SMTP_HOST)."""
        return bool(self._settings.smtp_host)

    async def agent_replied(self, conversation_id: str, text: str) -> None:
        """Email the customer if they asked to be told and were not told in the last minutes."""
        if not self.configured:
            return
        conversation = await self._conversations.get(conversation_id)
        address, last = conversation.notify_email, conversation.notified_at or 0
        if not address or time.time() - last < NOTIFY_EVERY_SECONDS:
            return
        try:
            address = one_address(address)
        except ValueError:
            logger.warning("Conversation %s keeps an invalid email address", conversation_id)
            return
        await self._conversations.update(conversation_id, {F.NOTIFIED_AT: repr(time.time())})
        task = asyncio.create_task(self._send(address, conversation.language, text))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, address: str, language: str, text: str) -> None:
        settings = self._settings
        message = EmailMessage()
        message["From"] = settings.smtp_sender
        message["To"] = Address(addr_spec=address)
        message["Subject"] = system_message("email_subject", language)
        message.set_content(
            system_message("email_body", language, text=text, url=f"{settings.base_url}/")
        )
        try:
            await aiosmtplib.send(
                message,
                recipients=[address],  # never read from the headers
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=settings.smtp_password.get_secret_value() or None,
                start_tls=settings.smtp_starttls,
                timeout=30,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            logger.error("Could not send a notification email: %r", error)

    async def drain(self) -> None:
        """Wait for emails being sent (at shutdown)."""
        if self._sending:
            await asyncio.wait(self._sending, timeout=10)
