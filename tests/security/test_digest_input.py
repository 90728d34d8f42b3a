"""Secrets compared with non-ASCII input: a clear refusal, never a 500 or a closed socket."""

from handoff.settings import Settings
from handoff.staff.users import Role
from tests.support import InProcessHub, StaffAccounts, WidgetClient, log_in, ws_url

NON_ASCII = "é" * 43


async def test_a_non_ascii_csrf_token_is_refused(hub: InProcessHub, staff: StaffAccounts) -> None:
    client = hub.client()
    await log_in(client, *await staff(Role.AGENT))
    headers = {"X-CSRF-Token": NON_ASCII.encode("utf-8")}
    response = await client.post("/auth/logout", headers=headers)
    assert response.status_code == 403
    assert (await client.get("/auth/me")).status_code == 200  # the session is untouched


async def test_a_non_ascii_bearer_token_is_refused(hub: InProcessHub) -> None:
    response = await hub.client().post(
        "/internal/kb/answer",
        json={"question": "fees?", "language": "en", "conversation_id": "0" * 32},
        headers={"Authorization": f"Bearer {NON_ASCII}".encode()},
    )
    assert response.status_code == 401


async def test_a_non_ascii_user_hash_is_refused_with_a_clear_error(
    hub_without_bot: Settings,
) -> None:
    widget = WidgetClient(ws_url(hub_without_bot))
    await widget.say_hello(language="en", user_id="42", user_hash=NON_ASCII)
    refused = await widget.receive()
    assert (refused["type"], refused["code"]) == ("error", "bad_identity")
    await widget.close()
