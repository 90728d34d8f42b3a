import pytest
from redis.asyncio import Redis

from handoff import keys
from handoff.staff.users import InvalidAccount, Role, UserStore


@pytest.fixture
def users(redis: Redis) -> UserStore:
    return UserStore(redis)


async def test_passwords_are_stored_as_argon2_hashes_and_checked(
    users: UserStore, redis: Redis
) -> None:
    await users.add("mina", "correct horse battery", Role.EDITOR, ("en", "ko"))
    stored = await redis.hget(keys.user("mina"), "password_hash")
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    user = await users.authenticate("mina", "correct horse battery")
    assert (user.name, user.role, user.languages) == ("mina", Role.EDITOR, ("en", "ko"))
    assert await users.authenticate("mina", "wrong password!") is None
    assert await users.authenticate("nobody", "correct horse battery") is None


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("Mina", "long enough pw"),
        ("a", "long enough pw"),
        ("mina", "short"),
        ("../x", "long pw 123"),
    ],
)
async def test_bad_names_and_short_passwords_are_refused(
    users: UserStore, name: str, password: str
) -> None:
    with pytest.raises(InvalidAccount):
        await users.add(name, password, Role.AGENT)
