"""The HTTP backend against the example records API on a real loopback socket: the records when
it answers, an honest failure when it is down, slow, refuses the token or answers nonsense, and
no more requests while its circuit is open."""

from collections.abc import AsyncIterator, Callable

import pytest

from handoff.cli.processes import free_port
from handoff.customers.records.backend import RecordsUnavailable
from handoff.customers.records.http_backend import HttpRecords
from handoff.customers.records.model import CustomerRecords
from tests.records_api import RecordsApi
from tests.support import serving

TOKEN = "records-token"


@pytest.fixture
async def api(samples: dict[str, CustomerRecords]) -> AsyncIterator[RecordsApi]:
    """The example records API, serving the sample customers on a free port."""
    api = RecordsApi(TOKEN, samples)
    api.port = free_port()
    async with serving(api.app, api.port):
        yield api
        api.released.set()  # a slow answer still waiting ends with the test


@pytest.fixture
async def backend_of() -> AsyncIterator[Callable[..., HttpRecords]]:
    """`backend_of(port, token=TOKEN, failures_to_open=3)`: an HTTP backend, closed after."""
    made: list[HttpRecords] = []

    def make(port: int, token: str = TOKEN, failures_to_open: int = 3) -> HttpRecords:
        backend = HttpRecords(f"http://127.0.0.1:{port}", token, 0.5, failures_to_open, 60)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.aclose()


async def test_it_reads_a_customers_records_and_none_for_a_stranger(
    api: RecordsApi, backend_of: Callable[..., HttpRecords], samples: dict[str, CustomerRecords]
) -> None:
    backend = backend_of(api.port)
    assert await backend.records("hb-1002") == samples["hb-1002"]
    assert await backend.records("hb-9999") is None


@pytest.mark.parametrize("mode", ["slow", "broken"])
async def test_a_slow_or_broken_api_is_unavailable(
    api: RecordsApi, backend_of: Callable[..., HttpRecords], mode: str
) -> None:
    api.mode = mode
    with pytest.raises(RecordsUnavailable):
        await backend_of(api.port).records("hb-1001")


async def test_a_refused_token_is_unavailable(
    api: RecordsApi, backend_of: Callable[..., HttpRecords]
) -> None:
    with pytest.raises(RecordsUnavailable):
        await backend_of(api.port, token="wrong").records("hb-1001")


async def test_an_api_that_is_down_is_unavailable(backend_of: Callable[..., HttpRecords]) -> None:
    with pytest.raises(RecordsUnavailable):
        await backend_of(free_port()).records("hb-1001")


async def test_after_repeated_failures_the_circuit_opens_and_asks_no_more(
    api: RecordsApi, backend_of: Callable[..., HttpRecords]
) -> None:
    backend = backend_of(api.port, failures_to_open=2)
    api.mode = "broken"
    for _ in range(2):
        with pytest.raises(RecordsUnavailable):
            await backend.records("hb-1001")
    api.mode = "up"
    with pytest.raises(RecordsUnavailable):
        await backend.records("hb-1001")
    assert api.requests == 2


async def test_a_user_id_cannot_reach_another_path(
    api: RecordsApi, backend_of: Callable[..., HttpRecords]
) -> None:
    assert await backend_of(api.port).records("../customers/hb-1001") is None
