"""Customers' files, served only to the agent who holds the conversation, or to an admin (each
such opening audited), behind the login."""

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse

from handoff.api.deps import ServicesDep, StaffDep
from handoff.conversations.attachments import AttachmentStore, media_type
from handoff.conversations.model import UnknownConversation
from handoff.customers.personal_data import CustomerData
from handoff.staff.users import Role

router = APIRouter(prefix="/attachments", tags=["attachments"])


@router.get("/{conversation_id}/{attachment_id}")
async def attachment(
    conversation_id: str, attachment_id: str, staff: StaffDep, services: ServicesDep
) -> FileResponse:
    """The file, as a download (never rendered as a page); 403 unless you hold the chat or are
    an admin (whose opening is audited)."""
    store = AttachmentStore.from_settings(services.settings)
    try:
        path = store.path(conversation_id, attachment_id)
        conversation = await services.conversations.get(conversation_id)
    except (ValueError, UnknownConversation):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such file.") from None
    holder = conversation.assignee == staff.user.name
    if not holder and staff.user.role is not Role.ADMIN:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only the agent holding the chat.")
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such file.")
    if not holder:
        audit = CustomerData(services.redis, services.conversations, store)
        await audit.opened_attachment(conversation, attachment_id, f"admin:{staff.user.name}")
    return FileResponse(
        path,
        media_type=media_type(attachment_id),
        filename=attachment_id,
        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"},
    )
