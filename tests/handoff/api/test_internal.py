"""The internal API the action server calls: the bot's decision for a question, on the hub in
process (its Rasa is a closed port)."""

import inspect
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from handoff.api.internal import router
from handoff.conversations.store import ConversationStore
from tests.handoff.conftest import ANSWERED
from tests.support import InProcessHub

MISSED = ("what is the weather like in seoul", "how many legs does a spider have")


@pytest.fixture
def action_server(hub_offering_nothing: InProcessHub) -> httpx.AsyncClient:
    """A client holding the internal token, as the action server does (a miss asks to
    rephrase)."""
    client = hub_offering_nothing.client()
    token = hub_offering_nothing.settings.internal_token.get_secret_value()
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture
async def conversation_id(store: ConversationStore) -> str:
    return (await store.create("web", "en")).id


async def ask(
    client: httpx.AsyncClient,
    conversation_id: str,
    question: str,
    intent: str | None = None,
    confidence: float | None = None,
) -> httpx.Response:
    body = {"question": question, "language": "en", "conversation_id": conversation_id}
    return await client.post(
        "/internal/kb/answer", json=body | {"intent": intent, "confidence": confidence}
    )


async def decision_of(
    client: httpx.AsyncClient, conversation_id: str, question: str, *understood: str | float
) -> tuple[str, str | None]:
    response = await ask(client, conversation_id, question, *understood)
    assert response.status_code == 200, response.text
    return response.json()["decision"], response.json()["reason"]


def dependency_calls(dependant: Dependant) -> Iterator[Callable]:
    """Every dependency a route's handler waits for, those of its dependencies included."""
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from dependency_calls(dependency)


def test_the_action_servers_requests_wait_for_no_worker_thread() -> None:
    # FastAPI runs a plain function dependency in a worker thread: a hop on every bot turn.
    routes = [route for route in router.routes if isinstance(route, APIRoute)]
    assert routes
    for route in routes:
        for call in dependency_calls(route.dependant):
            assert inspect.iscoroutinefunction(call), f"{route.path}: {call.__name__}"


async def test_only_the_internal_token_gets_through(
    hub_with_articles: InProcessHub, conversation_id: str
) -> None:
    stranger = hub_with_articles.client()
    assert (await ask(stranger, conversation_id, ANSWERED)).status_code == 401
    stranger.headers["Authorization"] = "Bearer not-the-token"
    assert (await ask(stranger, conversation_id, ANSWERED)).status_code == 401


async def test_an_unknown_conversation_is_not_found(action_server: httpx.AsyncClient) -> None:
    for question in (MISSED[0], ANSWERED):
        response = await ask(action_server, uuid.uuid4().hex, question)
        assert response.status_code == 404, question


async def test_malformed_requests_are_refused(
    action_server: httpx.AsyncClient, conversation_id: str
) -> None:
    assert (await ask(action_server, "not-an-id", ANSWERED)).status_code == 422
    assert (await ask(action_server, conversation_id, "")).status_code == 422
    too_long = "a" * 4001
    assert (await ask(action_server, conversation_id, too_long)).status_code == 422


async def test_a_question_the_knowledge_base_answers_is_answered(
    action_server: httpx.AsyncClient, conversation_id: str
) -> None:
    response = await ask(action_server, conversation_id, ANSWERED, intent="ask_password")
    decision = response.json()
    assert (decision["decision"], decision["reason"]) == ("answer", None)
    assert decision["results"][0]["slug"] == "reset-password"
    assert decision["results"][0]["url"].endswith("/help/en/reset-password")


async def test_two_misses_in_a_row_ask_to_rephrase_then_escalate(
    action_server: httpx.AsyncClient, conversation_id: str
) -> None:
    assert await decision_of(action_server, conversation_id, MISSED[0]) == ("rephrase", None)
    assert await decision_of(action_server, conversation_id, MISSED[1]) == (
        "escalate",
        "repeated_misses",
    )


async def test_an_answer_between_misses_starts_the_count_again(
    action_server: httpx.AsyncClient, conversation_id: str
) -> None:
    assert (await decision_of(action_server, conversation_id, MISSED[0]))[0] == "rephrase"
    assert (await decision_of(action_server, conversation_id, ANSWERED))[0] == "answer"
    assert (await decision_of(action_server, conversation_id, MISSED[1]))[0] == "rephrase"


async def test_a_miss_the_nlu_was_unsure_of_too_escalates_at_once(
    action_server: httpx.AsyncClient, conversation_id: str
) -> None:
    assert await decision_of(action_server, conversation_id, MISSED[0], "ask_faq", 0.3) == (
        "escalate",
        "low_confidence",
    )


async def test_the_article_a_customer_pressed_is_the_answer(
    action_server: httpx.AsyncClient, conversation_id: str
) -> None:
    body = {
        "question": '/ask_faq{"article":"reset-password"}',
        "language": "en",
        "conversation_id": conversation_id,
    }
    response = await action_server.post(
        "/internal/kb/answer", json=body | {"article": "reset-password"}
    )
    assert response.json()["decision"] == "answer"
    assert [r["slug"] for r in response.json()["results"]] == ["reset-password"]
    for malformed in ("../fees", "Reset-Password", "x" * 81):
        refused = await action_server.post(
            "/internal/kb/answer", json=body | {"article": malformed}
        )
        assert refused.status_code == 422
