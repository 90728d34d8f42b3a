"""The dashboard's API on the hub in process: supervisors and admins only, figures of the
period asked, each table as CSV with spreadsheet formulas defused, bad input refused."""

import datetime as dt

from redis.asyncio import Redis

from handoff.conversations.store import ConversationStore
from handoff.dashboard.rollups import Rollups
from handoff.staff.users import Role
from tests.support import InProcessHub, StaffAccounts

DAY = dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC)  # a Tuesday


async def test_only_supervisors_and_admins_read_the_dashboard(
    hub: InProcessHub, staff: StaffAccounts
) -> None:
    assert (await hub.client().get("/api/dashboard")).status_code == 401
    assert (await hub.client().get("/api/dashboard/summary.csv")).status_code == 401
    for role in (Role.AGENT, Role.EDITOR):
        client = await staff.log_in(hub.client(), role)
        assert (await client.get("/api/dashboard")).status_code == 403, role
        assert (await client.get("/api/dashboard/summary.csv")).status_code == 403, role
    for role in (Role.SUPERVISOR, Role.ADMIN):
        client = await staff.log_in(hub.client(), role)
        answer = await client.get("/api/dashboard")
        assert answer.status_code == 200, role
        assert set(answer.json()["tables"]) >= {"summary", "escalations", "sla", "agents"}
    page = await hub.client().get("/dashboard/")
    assert (
        page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    )


async def test_the_week_sums_its_days_and_a_day_is_its_own(
    hub: InProcessHub, staff: StaffAccounts, redis: Redis, store: ConversationStore
) -> None:
    rollups = Rollups(redis)
    for day_offset, intent in ((0, "check_fees"), (1, "check_fees"), (7, "greet")):
        conversation = await store.create("web", "en")
        at = (DAY + dt.timedelta(days=day_offset)).timestamp()
        turn = {"language": "en", "intent": intent, "decision": "reply", "article": None}
        await rollups.bot_turn(conversation, at, **turn)
    client = await staff.log_in(hub.client(), Role.SUPERVISOR)
    week = (
        await client.get("/api/dashboard", params={"period": "week", "day": "2026-11-05"})
    ).json()
    assert week["days"][0] == "2026-11-02" and week["days"][-1] == "2026-11-08"
    assert dict(week["tables"]["summary"]["rows"])["Conversations"] == 2
    assert [row[1] for row in week["tables"]["daily"]["rows"]] == [0, 1, 1, 0, 0, 0, 0]
    day = (await client.get("/api/dashboard", params={"day": "2026-11-10"})).json()
    assert dict(day["tables"]["summary"]["rows"])["Conversations"] == 1
    assert day["options"]["intent"] == ["greet"]
    fees = await client.get(
        "/api/dashboard", params={"period": "week", "day": "2026-11-03", "intent": "greet"}
    )
    assert dict(fees.json()["tables"]["summary"]["rows"])["Conversations"] == 0


async def test_a_table_as_csv_quotes_what_a_spreadsheet_would_run(
    hub: InProcessHub, staff: StaffAccounts, redis: Redis, store: ConversationStore
) -> None:
    conversation = await store.create("web", "en")
    turn = {"language": "en", "intent": "ask", "decision": "answer", "article": "=HYPERLINK(1)"}
    await Rollups(redis).bot_turn(conversation, DAY.timestamp(), **turn)
    client = await staff.log_in(hub.client(), Role.ADMIN)
    csv = await client.get("/api/dashboard/articles.csv", params={"day": "2026-11-03"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    assert csv.text.splitlines() == ["article,answered,not helpful", "'=HYPERLINK(1),1,0"]
    assert (await client.get("/api/dashboard/nothing.csv")).status_code == 404
    assert (await client.get("/api/dashboard", params={"day": "yesterday"})).status_code == 422
    assert (await client.get("/api/dashboard", params={"period": "year"})).status_code == 422
    assert (await client.get("/api/dashboard", params={"channel": "a|b"})).status_code == 422
