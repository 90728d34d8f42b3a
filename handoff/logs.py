"""The hub's own log lines go to stderr beside uvicorn's, at INFO and above.

Without a handler of their own they would print nothing at all: the metrics' error counter is
a handler, and a logger that has one never falls back to Python's last-resort stderr handler.
"""

import logging

from uvicorn.logging import DefaultFormatter

SOURCES = ("handoff", "knowledge_base")
FORMAT = "%(levelprefix)s %(asctime)s %(name)s: %(message)s"  # uvicorn's look, with the time


class _StderrHandler(logging.StreamHandler):
    """Marks the handler this module added, so it is added once."""


def log_to_stderr() -> None:
    """Show the hub's INFO, warnings and errors on stderr (once, however often it is called)."""
    for source in SOURCES:
        logger = logging.getLogger(source)
        if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
            handler = _StderrHandler()
            handler.setFormatter(DefaultFormatter(FORMAT))
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
