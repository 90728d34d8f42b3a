"""The one interface every records backend offers."""

from typing import Protocol

from handoff.customers.records.model import CustomerRecords


class RecordsUnavailable(RuntimeError):
    """The records could not be read now (the backend is down, slow, or answered nonsense)."""


class RecordsBackend(Protocol):
    """Reads the records of one verified customer, never anyone else's."""

    async def records(self, user_id: str) -> CustomerRecords | None:
        """The customer's records; None if the company has none for them; RecordsUnavailable
        if they cannot be read now."""
        ...

    async def aclose(self) -> None:
        """Release the backend's connections."""
        ...
