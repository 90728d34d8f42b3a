"""The Hanbit Remit sample customers `make run` loads into the demo backend: one of each case a
support desk meets, dated relative to the moment they are loaded.

- hb-1001 (verified): transfers to Viet Nam paid out, in progress, delayed (within its promise),
  failed and refunded, cancelled.
- hb-1002 (verified): transfers to the Philippines delayed past their promise, on compliance
  hold, failed with a refund that failed, paid out for cash pickup.
- hb-1003: verification rejected (expired ID, selfie mismatch); no transfers.
- hb-1004: verification under review; no transfers.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from handoff.customers.records.demo import DemoRecords
from handoff.customers.records.model import (
    CustomerRecords,
    Document,
    Step,
    Transfer,
    TransferStatus,
    Verification,
    VerificationStatus,
)

VIET_NAM = {"send_currency": "KRW", "receive_currency": "VND", "from_country": "KR"}
PHILIPPINES = {"send_currency": "KRW", "receive_currency": "PHP", "from_country": "KR"}


def _transfer(
    now: datetime, reference: str, hours_ago: float, amounts: tuple[str, str], **fields: Any
) -> Transfer:
    """A transfer created `hours_ago`, its timeline's steps given in hours after creation."""
    created = now - timedelta(hours=hours_ago)
    steps = [Step(status="created", at=created)] + [
        Step(status=status, at=created + timedelta(hours=after))
        for status, after in fields.pop("steps", ())
    ]
    arrival = fields.pop("arrives_in_hours", None)
    return Transfer(
        reference=reference,
        created_at=created,
        send_amount=Decimal(amounts[0]),
        receive_amount=Decimal(amounts[1]),
        timeline=steps,
        expected_arrival=now + timedelta(hours=arrival) if arrival is not None else None,
        **fields,
    )


def _verified(now: datetime, days_ago: int) -> Verification:
    """An approved verification case."""
    submitted = now - timedelta(days=days_ago)
    return Verification(
        status=VerificationStatus.APPROVED,
        submitted_at=submitted,
        decided_at=submitted + timedelta(hours=3),
        documents=[
            Document(kind="residence_card", submitted_at=submitted),
            Document(kind="selfie", submitted_at=submitted),
        ],
    )


def sample_records(now: datetime) -> dict[str, CustomerRecords]:
    """The sample customers' records, by user id."""
    minh = VIET_NAM | {"to_country": "VN", "recipient": "N*** V** A*** (••••4821)"}
    maria = PHILIPPINES | {"to_country": "PH", "recipient": "J*** D** C*** (••••7730)"}
    return {
        "hb-1001": CustomerRecords(
            verification=_verified(now, 60),
            transfers=[
                _transfer(
                    now,
                    "HB-2026-000124",
                    5,
                    ("300000", "5475000"),
                    **minh,
                    payout_method="bank_deposit",
                    status=TransferStatus.IN_PROGRESS,
                    stage="sent_to_partner",
                    steps=[("funds_received", 0.2), ("sent_to_partner", 1)],
                    arrives_in_hours=20,
                ),
                _transfer(
                    now,
                    "HB-2026-000125",
                    30,
                    ("200000", "3650000"),
                    **minh,
                    payout_method="bank_deposit",
                    status=TransferStatus.DELAYED,
                    delay_reason="bank_holiday",
                    steps=[("funds_received", 0.2), ("sent_to_partner", 1), ("delayed", 20)],
                    arrives_in_hours=26,
                ),
                _transfer(
                    now,
                    "HB-2026-000123",
                    72,
                    ("500000", "9125000"),
                    **minh,
                    payout_method="bank_deposit",
                    status=TransferStatus.PAID_OUT,
                    steps=[("funds_received", 0.2), ("sent_to_partner", 1), ("paid_out", 6)],
                ),
                _transfer(
                    now,
                    "HB-2026-000126",
                    240,
                    ("150000", "2737500"),
                    **minh,
                    payout_method="bank_deposit",
                    status=TransferStatus.FAILED,
                    failure_reason="recipient_account_closed",
                    refund_status="refunded",
                    steps=[("funds_received", 0.2), ("failed", 8), ("refunded", 30)],
                ),
                _transfer(
                    now,
                    "HB-2026-000127",
                    480,
                    ("100000", "1825000"),
                    **minh,
                    payout_method="mobile_wallet",
                    status=TransferStatus.CANCELLED,
                    steps=[("cancelled", 0.5)],
                ),
            ],
        ),
        "hb-1002": CustomerRecords(
            verification=_verified(now, 200),
            transfers=[
                _transfer(
                    now,
                    "HB-2026-000201",
                    96,
                    ("400000", "16800"),
                    **maria,
                    payout_method="bank_deposit",
                    status=TransferStatus.DELAYED,
                    delay_reason="partner_bank_delay",
                    steps=[("funds_received", 0.2), ("sent_to_partner", 1), ("delayed", 24)],
                    arrives_in_hours=-40,
                ),
                _transfer(
                    now,
                    "HB-2026-000202",
                    50,
                    ("3000000", "126000"),
                    **maria,
                    payout_method="bank_deposit",
                    status=TransferStatus.COMPLIANCE_HOLD,
                    steps=[("funds_received", 0.2), ("compliance_hold", 1)],
                ),
                _transfer(
                    now,
                    "HB-2026-000203",
                    300,
                    ("250000", "10500"),
                    **maria,
                    payout_method="mobile_wallet",
                    status=TransferStatus.FAILED,
                    failure_reason="wallet_limit_exceeded",
                    refund_status="refund_failed",
                    steps=[("funds_received", 0.2), ("failed", 5), ("refund_failed", 50)],
                ),
                _transfer(
                    now,
                    "HB-2026-000204",
                    700,
                    ("200000", "8400"),
                    **maria,
                    payout_method="cash_pickup",
                    status=TransferStatus.PAID_OUT,
                    steps=[("funds_received", 0.2), ("ready_for_pickup", 1), ("paid_out", 30)],
                ),
            ],
        ),
        "hb-1003": CustomerRecords(
            verification=Verification(
                status=VerificationStatus.REJECTED,
                submitted_at=now - timedelta(days=3),
                decided_at=now - timedelta(days=2),
                documents=[
                    Document(kind="passport", submitted_at=now - timedelta(days=3)),
                    Document(kind="selfie", submitted_at=now - timedelta(days=3)),
                ],
                reason_codes=["document_expired", "selfie_mismatch"],
            )
        ),
        "hb-1004": CustomerRecords(
            verification=Verification(
                status=VerificationStatus.UNDER_REVIEW,
                submitted_at=now - timedelta(hours=20),
                documents=[
                    Document(kind="national_id", submitted_at=now - timedelta(hours=20)),
                    Document(kind="selfie", submitted_at=now - timedelta(hours=20)),
                ],
            )
        ),
    }


async def load_sample(records: DemoRecords, now: datetime) -> int:
    """Store the sample customers' records (replacing theirs); how many customers."""
    samples = sample_records(now)
    for user_id, customer_records in samples.items():
        await records.save(user_id, customer_records)
    return len(samples)
