"""Customers' files, served only to the agent who holds the conversation (behind the login)."""

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse

from handoff.api.deps import ServicesDep, StaffDep
from handoff.conversations.attachments import AttachmentStore, media_type
from handoff.conversations.model import UnknownConversation

router = APIRouter(prefix="/attachments", tags=["attachments"])


@router.get("/{conversation_id}/{attachment_id}")
async def attachment(
    conversation_id: str, attachment_id: str, staff: StaffDep, services: ServicesDep
) -> FileResponse:
    """The file, as a download (never rendered as a page); 403 unless you hold the chat."""
    store = AttachmentStore.from_settings(services.settings)
    try:
        path = store.path(conversation_id, attachment_id)
        conversation = await services.conversations.get(conversation_id)
    except (ValueError, UnknownConversation):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such file.") from None
    if conversation.assignee != staff.user.name:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Only the agent holding the chat.")
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No such file.")
    return FileResponse(
        path,
        media_type=media_type(attachment_id),
        filename=attachment_id,
        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"},
    )
