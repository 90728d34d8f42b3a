"""The admins' API for customers' personal data, on the hub in process: only admins, CSRF on
both actions, export and erase audited with the admin's name."""

from redis.asyncio import Redis

from handoff import keys
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.staff.users import Role
from tests.support import InProcessHub, StaffAccounts

CUSTOMER = {"customer": "telegram:99"}


async def test_only_admins_export_or_erase(hub: InProcessHub, staff: StaffAccounts) -> None:
    nobody = hub.client()
    assert (await nobody.post("/api/admin/customers/export", json=CUSTOMER)).status_code == 401
    for role in (Role.AGENT, Role.EDITOR):
        client = await staff.log_in(hub.client(), role)
        for action in ("export", "erase"):
            refused = await client.post(f"/api/admin/customers/{action}", json=CUSTOMER)
            assert refused.status_code == 403, (role, action)
        assert (await client.get("/api/admin/customers/audit")).status_code == 403
    admin = await staff.log_in(hub.client(), Role.ADMIN)
    del admin.headers["X-CSRF-Token"]
    assert (await admin.post("/api/admin/customers/erase", json=CUSTOMER)).status_code == 403
    assert (await admin.post("/api/admin/customers/export", json={"customer": ""})).status_code in (
        403,
        422,
    )


async def test_an_admin_exports_then_erases_and_the_audit_names_them(
    hub: InProcessHub, staff: StaffAccounts, store: ConversationStore, redis: Redis
) -> None:
    conversation = await store.create("telegram", "en", CUSTOMER["customer"])
    # Stored unmasked (as before redaction existed): exports mask it all the same.
    said = "my passport M12345678"
    await store.append(conversation.id, Entry(sender=Sender.CUSTOMER, text=said))
    name, password = await staff(Role.ADMIN)
    admin = hub.client()
    login = await admin.post("/auth/login", json={"name": name, "password": password})
    admin.headers["X-CSRF-Token"] = login.json()["csrf"]

    bad = await admin.post("/api/admin/customers/export", json={"customer": "two words"})
    assert bad.status_code == 422
    exported = await admin.post("/api/admin/customers/export", json=CUSTOMER)
    assert exported.status_code == 200, exported.text
    [only] = exported.json()["conversations"]
    assert [e["text"] for e in only["entries"]] == ["my passport [passport]"]
    erased = await admin.post("/api/admin/customers/erase", json=CUSTOMER)
    assert erased.json() | {"keys_deleted": 0} == {
        "customer": "telegram:99",
        "conversations": 1,
        "keys_deleted": 0,
        "ratings_anonymised": 0,
    }
    assert not await redis.exists(keys.transcript(conversation.id))
    trail = (await admin.get("/api/admin/customers/audit")).json()
    assert [(e["action"], e["customer"], e["actor"]) for e in trail] == [
        ("erase", "telegram:99", f"admin:{name}"),
        ("export", "telegram:99", f"admin:{name}"),
    ]
    page = await admin.get("/admin/customers/")
    assert page.status_code == 200 and "customers.js" in page.text
