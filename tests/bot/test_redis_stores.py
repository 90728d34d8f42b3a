"""The Rasa lock store (bot/redis_stores.py) across Rasa servers, checked inside the Rasa
environment against the real Redis: tickets unique and increasing however many servers and
threads ask at once, lock() serialising a conversation's turns, three round trips a turn, and a
ticket nobody returns expiring with its lifetime. Rasa's own RedisLockStore fails the first two."""

from collections.abc import Iterator

import pytest

from tests.bot.test_rasa_speedups import rasa_side

THREADS, TICKETS_PER_THREAD = 8, 5


@pytest.fixture(scope="module")
def seen(redis_server: str, _database_numbers: Iterator[int]) -> dict:
    database = f"{redis_server}/{next(_database_numbers)}"  # emptied by the checks
    return rasa_side("tests.bot.redis_stores_checks", database, "baton")


def test_tickets_from_two_servers_at_once_are_unique_and_increasing(seen: dict) -> None:
    issued = seen["issued"]
    assert sorted(ticket for tickets in issued for ticket in tickets) == list(
        range(THREADS * TICKETS_PER_THREAD)
    )
    assert all(tickets == sorted(tickets) for tickets in issued)


def test_lock_serialises_a_conversations_turns_across_two_servers(seen: dict) -> None:
    locked = seen["locked"]
    assert locked["lock_errors"] == 0
    assert locked["most_inside"] == 1
    assert locked["counter"] == locked["turns"]  # no read-modify-write lost
    assert locked["lock_left"] == 0  # the last turn's cleanup deleted the lock


def test_a_turn_costs_three_round_trips(seen: dict) -> None:
    assert seen["commands"]["sent"] == {"evalsha": 2.0, "get": 1.0}
    assert seen["commands"]["ran"]["evalsha"] == 2.0


def test_a_ticket_nobody_returns_expires_with_its_lifetime(seen: dict) -> None:
    expiring = seen["expiring"]
    assert expiring["ticket"] == 0
    assert expiring["seen_tickets"] == [0]  # Rasa's get_lock reads the lock the script wrote
    assert expiring["waiting"] is True
    assert expiring["lock_left_after_lifetime"] == 0
