"""Business hours: when agents work, in the company's time zone."""

from datetime import UTC, datetime

import pytest

from handoff.queue.hours import BusinessHours


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (datetime(2026, 11, 23, 0, 30, tzinfo=UTC), True),  # Monday 09:30 in Seoul
        (datetime(2026, 11, 23, 9, 30, tzinfo=UTC), False),  # Monday 18:30 in Seoul
        (datetime(2026, 11, 28, 2, 0, tzinfo=UTC), True),  # Saturday 11:00
        (datetime(2026, 11, 29, 2, 0, tzinfo=UTC), False),  # Sunday
    ],
)
def test_business_hours(moment: datetime, is_open: bool) -> None:
    hours = BusinessHours.parse("mon-fri 09:00-18:00, sat 10:00-14:00", "Asia/Seoul")
    assert hours.is_open(moment) is is_open


@pytest.mark.parametrize("text", ["", "weekdays 9-5", "mon-fri 18:00-09:00", "mon-xyz 09:00-18:00"])
def test_malformed_business_hours_are_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError, match="business hours"):
        BusinessHours.parse(text, "UTC")
