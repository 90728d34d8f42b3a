"""How many widget sockets each client address holds open in this hub process, up to a cap."""

import contextlib
from collections import Counter
from collections.abc import Iterator


class TooManySockets(Exception):
    """The client address already holds as many sockets as it may."""


class OpenSockets:
    """Counts the open sockets of each client address, refusing one past the cap."""

    def __init__(self, per_address: int) -> None:
        self._per_address = per_address
        self._open: Counter[str] = Counter()

    @contextlib.contextmanager
    def hold(self, address: str) -> Iterator[None]:
        """Count one socket of the address while the block lasts; TooManySockets past the cap."""
        if self._open[address] >= self._per_address:
            raise TooManySockets(address)
        self._open[address] += 1
        try:
            yield
        finally:
            self._open[address] -= 1
            if not self._open[address]:
                del self._open[address]
