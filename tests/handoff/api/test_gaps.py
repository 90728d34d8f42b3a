"""The editor's knowledge-gap loop on the hub in process (its Rasa is a closed port): questions
the bot missed (asked as the action server asks) grouped; a draft started from a group, its
questions added to an article; how many the bot would now answer, before and after publishing."""

import asyncio
import secrets

import httpx
import pytest

from handoff.conversations.store import ConversationStore
from handoff.staff.users import Role
from tests.support import InProcessHub, StaffAccounts

CRYPTO = [
    "Can I buy bitcoin with my account?",
    "can I purchase bitcoin through your app",
    "is buying bitcoin possible here",
]
OTHER = "Do you offer insurance for my dog?"


@pytest.fixture
async def editor(hub: InProcessHub, staff: StaffAccounts) -> httpx.AsyncClient:
    return await staff.log_in(hub.client(), Role.EDITOR)


async def missed(hub: InProcessHub, store: ConversationStore, *questions: str) -> None:
    """Ask the bot's decision for each question in a new conversation, as the action server
    does; each must be a miss."""
    client = hub.client()
    client.headers["Authorization"] = f"Bearer {hub.settings.internal_token.get_secret_value()}"
    for question in questions:
        conversation = await store.create("web", "en")
        body = {"question": question, "language": "en", "conversation_id": conversation.id}
        decision = (await client.post("/internal/kb/answer", json=body)).json()
        assert decision["decision"] != "answer", decision


async def group_of(editor: httpx.AsyncClient, question: str) -> dict:
    report = (await editor.get("/kb/api/gaps", params={"language": "en"})).json()
    [group] = [g for g in report["groups"] if question in {q["question"] for q in g["questions"]}]
    return group


async def answered(editor: httpx.AsyncClient, questions: list[str], expected: int) -> dict:
    """The coverage of the questions, asked until `expected` are answered (a published article
    is indexed a moment after) or five seconds have passed."""
    async with asyncio.timeout(5):
        while True:
            body = {"language": "en", "questions": questions}
            coverage = (await editor.post("/kb/api/gaps/coverage", json=body)).json()
            if coverage["answered"] == expected:
                return coverage
            await asyncio.sleep(0.05)


async def test_a_group_becomes_a_draft_and_is_answered_once_published(
    hub: InProcessHub, store: ConversationStore, editor: httpx.AsyncClient
) -> None:
    await missed(hub, store, *CRYPTO, CRYPTO[0], OTHER)
    group = await group_of(editor, CRYPTO[0])
    questions = [q["question"] for q in group["questions"]]
    assert sorted(questions) == sorted(CRYPTO) and group["count"] == 4
    assert group["this_week"] == 4 and group["last_week"] == 0
    assert (await answered(editor, questions, 0))["total"] == 3

    slug = f"crypto-{secrets.token_hex(3)}"
    draft = {"language": "en", "slug": slug, "title": "Buying crypto", "questions": questions}
    created = await editor.post("/kb/api/gaps/draft", json=draft)
    assert created.status_code == 200, created.text
    article = created.json()["article"]
    assert (article["status"], article["questions"]) == ("draft", questions)
    assert (await editor.post("/kb/api/gaps/draft", json=draft)).status_code == 409
    assert (await answered(editor, questions, 0))["answered"] == 0  # a draft answers nothing

    published = await editor.post(
        f"/kb/api/articles/en/{slug}/status", json={"status": "published", "base_revision": 1}
    )
    assert published.status_code == 200, published.text
    coverage = await answered(editor, questions, 3)
    assert {q["slug"] for q in coverage["questions"]} == {slug}


async def test_a_groups_questions_are_added_to_an_article_once(
    editor: httpx.AsyncClient,
) -> None:
    slug = f"pets-{secrets.token_hex(3)}"
    content = {"title": "Pets", "body": "No.", "questions": ["can I insure my cat"]}
    await editor.put(f"/kb/api/articles/en/{slug}", json={"content": content, "base_revision": 0})
    added = await editor.post(
        "/kb/api/gaps/variants",
        json={"language": "en", "slug": slug, "questions": [OTHER, "can I insure my cat"]},
    )
    assert added.status_code == 200, added.text
    article = added.json()["article"]
    assert (article["questions"], article["revision"]) == (["can I insure my cat", OTHER], 2)
    assert article["body"] == "No."
    missing = {"language": "en", "slug": "no-such-article", "questions": [OTHER]}
    assert (await editor.post("/kb/api/gaps/variants", json=missing)).status_code == 404


async def test_bad_input_gets_clear_errors(editor: httpx.AsyncClient) -> None:
    none = {"language": "en", "questions": []}
    assert (await editor.post("/kb/api/gaps/coverage", json=none)).status_code == 422
    bad_slug = {"language": "en", "slug": "Bad Slug", "title": "x", "questions": [OTHER]}
    assert (await editor.post("/kb/api/gaps/draft", json=bad_slug)).status_code == 422
    unsupported = bad_slug | {"slug": "fine", "language": "xx"}
    assert (await editor.post("/kb/api/gaps/draft", json=unsupported)).status_code == 422
    assert (await editor.get("/kb/api/gaps", params={"language": "eng"})).status_code == 422


async def test_only_editors_with_their_csrf_token_act_on_gaps(
    hub: InProcessHub, staff: StaffAccounts, editor: httpx.AsyncClient
) -> None:
    agent = await staff.log_in(hub.client(), Role.AGENT)
    assert (await agent.get("/kb/api/gaps")).status_code == 403
    assert (await hub.client().get("/kb/api/gaps")).status_code == 401
    del editor.headers["X-CSRF-Token"]
    draft = {"language": "en", "slug": "crypto", "title": "Crypto", "questions": [OTHER]}
    assert (await editor.post("/kb/api/gaps/draft", json=draft)).status_code == 403
