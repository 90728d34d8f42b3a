"""The editor's API on a real hub process: roles, saves, conflicts, history, preview."""

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis

from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from tests.support import staff_client


async def login_as(redis: Redis, settings: Settings, role: Role) -> httpx.AsyncClient:
    name, password = f"{role.value}-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    await UserStore(redis).add(name, password, role)
    return await staff_client(f"http://127.0.0.1:{settings.port}", name, password)


@pytest.fixture
async def editor(redis: Redis, hub_without_bot: Settings) -> AsyncIterator[httpx.AsyncClient]:
    client = await login_as(redis, hub_without_bot, Role.EDITOR)
    yield client
    await client.aclose()


def article(slug_suffix: str = "", **changes: object) -> dict:
    content = {
        "title": "Fees",
        "body": "We charge **$2.99**.\n\n<script>alert(1)</script>",
        "questions": ["how much does it cost?", "what are the fees"],
        "tags": ["fees"],
        "status": "draft",
    }
    return {"content": content | changes, "base_revision": 0}


def new_slug() -> str:
    return f"fees-{secrets.token_hex(3)}"


async def test_an_editor_creates_publishes_and_sees_history(editor: httpx.AsyncClient) -> None:
    slug = new_slug()
    created = await editor.put(f"/kb/api/articles/en/{slug}", json=article())
    assert created.status_code == 200, created.text
    assert created.json()["article"]["revision"] == 1
    assert "<strong>$2.99</strong>" in created.json()["html"]
    assert "<script" not in created.json()["html"]
    published = await editor.post(
        f"/kb/api/articles/en/{slug}/status", json={"status": "published", "base_revision": 1}
    )
    assert published.json()["article"]["status"] == "published"
    history = (await editor.get(f"/kb/api/articles/en/{slug}/revisions")).json()
    assert [(r["revision"], r["action"]) for r in history] == [(2, "publish"), (1, "edit")]
    listed = await editor.get("/kb/api/articles", params={"status": "published", "find": slug})
    assert [a["slug"] for a in listed.json()] == [slug]


async def test_a_stale_save_gets_409_and_the_newer_text_survives(editor: httpx.AsyncClient) -> None:
    slug = new_slug()
    await editor.put(f"/kb/api/articles/en/{slug}", json=article())
    newer = article(body="Newer") | {"base_revision": 1}
    assert (await editor.put(f"/kb/api/articles/en/{slug}", json=newer)).status_code == 200
    stale = article(body="Stale") | {"base_revision": 1}
    conflict = await editor.put(f"/kb/api/articles/en/{slug}", json=stale)
    assert conflict.status_code == 409 and conflict.json()["current_revision"] == 2
    body = (await editor.get(f"/kb/api/articles/en/{slug}")).json()["article"]["body"]
    assert body == "Newer"


async def test_diff_and_restore(editor: httpx.AsyncClient) -> None:
    slug = new_slug()
    await editor.put(f"/kb/api/articles/ko/{slug}", json=article(body="첫 번째"))
    await editor.put(
        f"/kb/api/articles/ko/{slug}", json=article(body="두 번째") | {"base_revision": 1}
    )
    diff = await editor.get(f"/kb/api/articles/ko/{slug}/diff", params={"old": 1, "new": 2})
    assert "-첫 번째" in diff.json()["lines"] and "+두 번째" in diff.json()["lines"]
    restored = await editor.post(
        f"/kb/api/articles/ko/{slug}/restore", json={"revision": 1, "base_revision": 2}
    )
    assert restored.json()["article"]["body"] == "첫 번째"
    assert restored.json()["article"]["revision"] == 3


async def test_bad_input_gets_clear_errors(editor: httpx.AsyncClient) -> None:
    slug = new_slug()
    assert (
        await editor.put(f"/kb/api/articles/en/{slug}", json=article(title=""))
    ).status_code == 422
    assert (await editor.put("/kb/api/articles/en/Bad_Slug", json=article())).status_code == 422
    assert (await editor.put(f"/kb/api/articles/xx/{slug}", json=article())).status_code == 422
    malformed = await editor.put(
        f"/kb/api/articles/en/{slug}",
        content=b"{nope",
        headers={"Content-Type": "application/json"},
    )
    assert malformed.status_code == 422
    assert (await editor.get("/kb/api/articles/en/no-such-article")).status_code == 404


async def test_preview_is_sanitised(editor: httpx.AsyncClient) -> None:
    html = (
        await editor.post("/kb/api/preview", json={"markdown": "[x](javascript:alert(1)) *ok*"})
    ).json()["html"]
    assert 'href="javascript' not in html and "<em>ok</em>" in html


async def test_agents_and_anonymous_visitors_cannot_edit(
    redis: Redis, hub_without_bot: Settings
) -> None:
    agent = await login_as(redis, hub_without_bot, Role.AGENT)
    assert (await agent.get("/kb/api/articles")).status_code == 403
    assert (await agent.put(f"/kb/api/articles/en/{new_slug()}", json=article())).status_code == 403
    await agent.aclose()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{hub_without_bot.port}") as anonymous:
        assert (await anonymous.get("/kb/api/articles")).status_code == 401
        put = await anonymous.put(f"/kb/api/articles/en/{new_slug()}", json=article())
        assert put.status_code == 401


async def test_an_editor_without_the_csrf_header_cannot_save(editor: httpx.AsyncClient) -> None:
    del editor.headers["X-CSRF-Token"]
    assert (
        await editor.put(f"/kb/api/articles/en/{new_slug()}", json=article())
    ).status_code == 403
