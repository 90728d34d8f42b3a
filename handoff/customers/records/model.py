"""What the company's records say about one customer: their verification case and recent
transfers. The HTTP backend's JSON contract is these models (README, "Company records")."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

REFERENCE_PATTERN = r"^HB-\d{4}-\d{6}$"


class TransferStatus(StrEnum):
    """Where a transfer stands."""

    PAID_OUT = "paid_out"
    IN_PROGRESS = "in_progress"
    DELAYED = "delayed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    COMPLIANCE_HOLD = "compliance_hold"


class VerificationStatus(StrEnum):
    """Where a customer's identity verification stands."""

    UNDER_REVIEW = "under_review"
    REJECTED = "rejected"
    APPROVED = "approved"


class Step(BaseModel):
    """One step of a transfer's timeline: a status or stage, and when it was reached."""

    status: str = Field(max_length=40)
    at: datetime


class Transfer(BaseModel):
    """One transfer, as the customer may be told about it (the recipient already masked)."""

    reference: str = Field(pattern=REFERENCE_PATTERN)
    created_at: datetime
    send_amount: Decimal
    send_currency: str = Field(pattern=r"^[A-Z]{3}$")
    receive_amount: Decimal
    receive_currency: str = Field(pattern=r"^[A-Z]{3}$")
    from_country: str = Field(pattern=r"^[A-Z]{2}$")
    to_country: str = Field(pattern=r"^[A-Z]{2}$")
    payout_method: Literal["bank_deposit", "cash_pickup", "mobile_wallet"]
    recipient: str = Field(max_length=80, description="Masked, e.g. 'N*** V** A*** (••••4821)'.")
    status: TransferStatus
    stage: str | None = Field(default=None, max_length=40, description="While in progress.")
    delay_reason: str | None = Field(default=None, max_length=40)
    failure_reason: str | None = Field(default=None, max_length=40)
    refund_status: Literal["refunded", "refund_pending", "refund_failed"] | None = None
    expected_arrival: datetime | None = None
    timeline: list[Step] = Field(default_factory=list)

    def reached(self, status: str) -> datetime | None:
        """When the timeline reached a status, or None."""
        return next((step.at for step in reversed(self.timeline) if step.status == status), None)


class Document(BaseModel):
    """A document the customer sent for their verification."""

    kind: str = Field(max_length=40)
    submitted_at: datetime


class Verification(BaseModel):
    """A customer's identity verification case."""

    status: VerificationStatus
    submitted_at: datetime
    decided_at: datetime | None = None
    documents: list[Document] = Field(default_factory=list)
    reason_codes: list[str] = Field(default_factory=list, description="Why it was rejected.")


class CustomerRecords(BaseModel):
    """Everything the records hold about one customer: their case and recent transfers."""

    verification: Verification | None = None
    transfers: list[Transfer] = Field(default_factory=list, description="Newest first.")
