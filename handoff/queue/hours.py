"""Business hours: when agents are expected to answer ("mon-fri 09:00-18:00, sat 10:00-14:00")."""

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{2}):(?P<start_min>\d{2})-(?P<end>\d{2}):(?P<end_min>\d{2})$"
)


@dataclass(frozen=True)
class Period:
    """Some weekdays (0 = Monday) and the minutes of the day between which agents work."""

    days: frozenset[int]
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class BusinessHours:
    """Opening periods in one time zone."""

    periods: tuple[Period, ...]
    timezone: ZoneInfo
    text: str

    @classmethod
    def parse(cls, text: str, timezone: str) -> "BusinessHours":
        """Parse comma-separated periods; ValueError naming the one that is malformed."""
        periods = []
        for part in (p.strip().lower() for p in text.split(",") if p.strip()):
            match = _PERIOD.match(part)
            if not match or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
                example = "like 'mon-fri 09:00-18:00'"
                raise ValueError(f"business hours: cannot read {part!r} ({example})")
            first = DAYS.index(match["first"])
            last = DAYS.index(match["last"] or match["first"])
            days = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
            start = int(match["start"]) * 60 + int(match["start_min"])
            end = int(match["end"]) * 60 + int(match["end_min"])
            if not 0 <= start < end <= 24 * 60:
                raise ValueError(f"business hours: {part!r} does not start before it ends")
            periods.append(Period(frozenset(days), start, end))
        if not periods:
            raise ValueError("business hours: no period given")
        return cls(tuple(periods), ZoneInfo(timezone), text)

    def is_open(self, moment: datetime) -> bool:
        """Whether the moment (timezone-aware) falls in an opening period."""
        local = moment.astimezone(self.timezone)
        minute = local.hour * 60 + local.minute
        return any(
            local.weekday() in p.days and p.start_minute <= minute < p.end_minute
            for p in self.periods
        )
