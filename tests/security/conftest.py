"""Attacks on the hub run on the hub's test fixtures: a Redis database of each test's own, the
hub in process, widgets and staff (tests/handoff/conftest.py)."""

from tests.handoff.conftest import *  # noqa: F403
from tests.security.serving import serve  # noqa: F401
