"""Staff login and logout, on the hub in process."""

import httpx
import pytest

from handoff.staff.users import Role
from tests.support import Account, InProcessHub, StaffAccounts


@pytest.fixture
async def account(staff: StaffAccounts) -> Account:
    return await staff(Role.EDITOR)


@pytest.fixture
def client(hub: InProcessHub) -> httpx.AsyncClient:
    return hub.client()


async def test_login_opens_a_session_with_a_safe_cookie(client, account) -> None:
    name, password = account
    response = await client.post("/auth/login", json={"name": name, "password": password})
    assert response.status_code == 200
    assert response.json()["role"] == "editor"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    me = await client.get("/auth/me")
    assert me.json()["name"] == name and me.json()["csrf"] == response.json()["csrf"]


async def test_a_wrong_password_is_refused_and_repeated_failures_are_throttled(
    client, account
) -> None:
    name, password = account
    for _ in range(10):
        wrong = await client.post("/auth/login", json={"name": name, "password": "nope nope"})
        assert wrong.status_code == 401
    throttled = await client.post("/auth/login", json={"name": name, "password": password})
    assert throttled.status_code == 429


async def test_without_a_session_staff_pages_say_log_in(client) -> None:
    assert (await client.get("/auth/me")).status_code == 401
    client.cookies.set("baton_session", "forged-token")
    assert (await client.get("/auth/me")).status_code == 401


async def test_a_change_without_the_csrf_token_is_refused(client, account) -> None:
    name, password = account
    csrf = (await client.post("/auth/login", json={"name": name, "password": password})).json()[
        "csrf"
    ]
    assert (await client.post("/auth/logout")).status_code == 403
    assert (await client.post("/auth/logout", headers={"X-CSRF-Token": "wrong"})).status_code == 403
    assert (await client.post("/auth/logout", headers={"X-CSRF-Token": csrf})).status_code == 204
    assert (await client.get("/auth/me")).status_code == 401


async def test_malformed_login_json_is_a_clear_error(client) -> None:
    response = await client.post(
        "/auth/login", content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
