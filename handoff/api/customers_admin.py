"""The admins' API for customers' personal data: export, erase, and the audit trail."""

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from handoff.api.deps import AdminDep, ServicesDep
from handoff.conversations.attachments import AttachmentStore
from handoff.customers.personal_data import CustomerData, Erasure
from handoff.services import Services

router = APIRouter(prefix="/api/admin/customers", tags=["customers' personal data"])


class CustomerRequest(BaseModel):
    """Whose data: a customer id as conversations name it ("user:42", "telegram:7", "web-…")."""

    customer: str = Field(min_length=1, max_length=200, pattern=r"^\S+$")


def customer_data(services: Services) -> CustomerData:
    """The customers' data on the hub's Redis."""
    attachments = AttachmentStore.from_settings(services.settings)
    return CustomerData(services.redis, services.conversations, attachments)


def actor(admin: AdminDep) -> str:
    """Who asked, as the audit names them."""
    return f"admin:{admin.user.name}"


@router.post("/export")
async def export(
    request: CustomerRequest, admin: AdminDep, services: ServicesDep
) -> dict[str, Any]:
    """All of the customer's conversations, transcripts and ratings (audited)."""
    return await customer_data(services).export(request.customer, actor(admin))


@router.post("/erase")
async def erase(request: CustomerRequest, admin: AdminDep, services: ServicesDep) -> Erasure:
    """Delete the customer's conversations and what hangs on them, for good (audited)."""
    return await customer_data(services).erase(request.customer, actor(admin))


@router.get("/audit")
async def audit(admin: AdminDep, services: ServicesDep) -> list[dict[str, str]]:
    """The latest exports and erasures, newest first."""
    return await customer_data(services).audit_trail()
