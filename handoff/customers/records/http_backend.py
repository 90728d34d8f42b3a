"""The HTTP backend: the company's records API (README, "Company records"), behind short
timeouts and a circuit breaker, so that a records API in trouble costs a customer seconds at most
and then nothing until it recovers."""

import logging
from urllib.parse import quote

import httpx
from purgatory import AsyncCircuitBreakerFactory
from purgatory.domain.model import OpenedState
from pydantic import ValidationError

from handoff.customers.records.backend import RecordsUnavailable
from handoff.customers.records.model import CustomerRecords

logger = logging.getLogger(__name__)

CIRCUIT = "records"


class HttpRecords:
    """GET {url}/customers/{user_id}/records with a bearer token: 200 with CustomerRecords,
    404 for a customer the company does not know."""

    def __init__(
        self,
        url: str,
        token: str,
        timeout_seconds: float,
        failures_to_open: int,
        open_seconds: float,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout_seconds,
        )
        self._breakers = AsyncCircuitBreakerFactory(
            default_threshold=failures_to_open, default_ttl=open_seconds
        )

    async def records(self, user_id: str) -> CustomerRecords | None:
        """The customer's records, or None; RecordsUnavailable on any failure, or at once while
        the circuit is open after repeated failures."""
        try:
            breaker = await self._breakers.get_breaker(CIRCUIT)
            async with breaker:
                return await self._fetch(user_id)
        except OpenedState as error:
            raise RecordsUnavailable("the records API failed repeatedly; waiting") from error
        except (httpx.HTTPError, ValidationError) as error:
            logger.warning("Records API failed for a lookup: %r", error)
            raise RecordsUnavailable(str(error)) from error

    async def _fetch(self, user_id: str) -> CustomerRecords | None:
        """One request; raises on any answer but 200 and 404."""
        response = await self._http.get(f"/customers/{quote(user_id, safe='')}/records")
        if response.status_code == httpx.codes.NOT_FOUND:
            return None
        response.raise_for_status()
        return CustomerRecords.model_validate_json(response.content)

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()
