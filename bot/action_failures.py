"""The custom actions that failed in a turn, for the hub's channel to tell the hub.

Rasa 3.6 logs a custom action whose call to the action server failed (down, an error, a timeout)
and goes on without its events: the turn's answer is then wrong (no knowledge-base answer, no
hand-over), yet the webhook answers 200. The channel (bot/channel.py) notes each failed call of
its turn and answers 502 instead, so the hub hands the customer over, as when Rasa is down. Every
turn runs a custom action (bot/rules.yml: each intent goes to action_respond), so no separate
health check of the action server is needed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

RASAS_RUN = RemoteAction.run
_failed: ContextVar[list[str]] = ContextVar("failed_actions")


async def run_noting_failure(action: RemoteAction, *args: Any, **kwargs: Any) -> Any:
    """Rasa's own run of a custom action; a failure is noted, then raised as before.
    A rejection (a form's validation said no) is not a failure."""
    try:
        return await RASAS_RUN(action, *args, **kwargs)
    except ActionExecutionRejection:
        raise
    except Exception:
        failed = _failed.get(None)
        if failed is not None:
            failed.append(action.name())
        raise


@contextmanager
def noted() -> Iterator[list[str]]:
    """The custom actions that fail within the block (and the tasks it starts), in order."""
    failed: list[str] = []
    token = _failed.set(failed)
    try:
        yield failed
    finally:
        _failed.reset(token)


def install() -> None:
    """Every custom action's failure is noted."""
    RemoteAction.run = run_noting_failure  # type: ignore[method-assign]
