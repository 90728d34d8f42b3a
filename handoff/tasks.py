"""Background tasks: stopping them without hanging and without losing what they raised."""

import asyncio
import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)

STOP_SECONDS = 5.0


async def cancel_and_wait(tasks: Iterable[asyncio.Task], timeout: float = STOP_SECONDS) -> None:
    """Cancel the tasks and wait for them, at most `timeout` (a Redis client cancelled while it
    connects may never return); an error one of them raised is logged, not lost."""
    tasks = list(tasks)
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in done:
        if not task.cancelled() and task.exception() is not None:
            logger.warning("%s ended with %r", task.get_name(), task.exception())
    for task in pending:
        logger.warning("%s did not stop within %.0f s", task.get_name(), timeout)
