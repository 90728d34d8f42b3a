"""Password hashing off the event loop: right and wrong passwords, and a bound on the pile."""

import asyncio

import pytest

from handoff.staff.passwords import Passwords, PasswordsBusy


async def test_a_hash_checks_its_password_only() -> None:
    passwords = Passwords()
    stored = await passwords.hash("correct horse battery")
    assert await passwords.verify(stored, "correct horse battery")
    assert not await passwords.verify(stored, "wrong horse battery")
    assert not await passwords.verify(None, "correct horse battery")  # no account
    assert not await passwords.verify("not a hash", "correct horse battery")


async def test_checks_beyond_the_bound_are_refused_not_piled_up() -> None:
    passwords = Passwords(workers=1, waiting=1)
    running = asyncio.create_task(passwords.verify(None, "first"))
    waiting = asyncio.create_task(passwords.verify(None, "second"))
    await asyncio.sleep(0)  # both start: one hashes in a thread, one waits for it
    with pytest.raises(PasswordsBusy):
        await passwords.verify(None, "third")
    assert await asyncio.gather(running, waiting) == [False, False]
    assert not await passwords.verify(None, "fourth")  # room again
