"""One answer-or-escalate decision: the same questions asked through the bot (a customer in the
widget), the editor's "try a question", the agent console's search and `baton eval` get the
same decisions."""

import secrets
import uuid

import pytest
from redis.asyncio import Redis

from handoff.cli.customer_eval import article_choice
from handoff.conversations.store import ConversationStore
from handoff.settings import Settings
from handoff.staff.users import Role, UserStore
from knowledge_base.confidence import Calibration
from knowledge_base.embeddings import Embedder
from knowledge_base.evaluate import Row, evaluate
from knowledge_base.search import offline_searcher
from knowledge_base.store import ArticleStore
from knowledge_base.text import Tokenizer
from tests.bot_responses import (
    ARTICLE_PREFIXES,
    article_answer,
    declining_article,
    response_texts,
)
from tests.e2e.test_chat import ENGLISH, KOREAN
from tests.support import AgentClient, WidgetClient, staff_client, ws_url

pytestmark = pytest.mark.e2e

# Product questions (Rasa hands them to the knowledge base): those the chat tests expect an
# article for (or an article that declines them), and two the knowledge base cannot answer.
QUESTIONS = [
    *((text, "en") for text, expected in ENGLISH if expected.startswith(ARTICLE_PREFIXES)),
    *((text, "ko") for text, expected in KOREAN if expected.startswith(ARTICLE_PREFIXES)),
    ("will the quantum ledger cover my goat's retirement plan", "en"),
    ("양자 원장이 우리 라마 연금도 지원하나요?", "ko"),
]


async def bot_decision(hub: Settings, redis: Redis, question: str, language: str) -> tuple:
    """What the bot did with the question, as the first of a new conversation."""
    widget = WidgetClient(ws_url(hub))
    await widget.connect(language=language)
    replies = await widget.replies_to(question)
    conversation = await ConversationStore(redis).get(widget.conversation_id)
    await widget.close()
    if conversation.reason:
        return ("escalate", conversation.reason, None)
    first = replies[0]
    if first["text"] in response_texts("utter_kb_no_answer", language):
        return ("rephrase", None, None)
    offers = ("utter_kb_suggest", "utter_kb_suggest_out_of_scope")
    if any(first["text"] in response_texts(offer, language) for offer in offers):
        offered = [article_choice(button["payload"]) for button in first["buttons"]]
        return ("suggest", None, tuple(slug for slug in offered if slug))
    if "link" not in first:  # the intent's own reply, or an article's that declines
        declined = declining_article(first["text"], language)
        return ("decline", None, declined) if declined else ("reply", None, None)
    slug = first["link"]["url"].rsplit("/", 1)[-1]
    assert first["text"] == article_answer(slug, language)
    return ("answer", None, slug)


async def test_the_bot_the_editor_the_console_and_eval_decide_alike(
    stack_hub: Settings, redis: Redis, seed_embedder: Embedder
) -> None:
    base_url = f"http://127.0.0.1:{stack_hub.port}"
    name, password = f"staff-{secrets.token_hex(4)}", secrets.token_urlsafe(12)
    await UserStore(redis).add(name, password, Role.ADMIN, ("en", "ko"))
    editor = await staff_client(base_url, name, password)
    # The articles the hub has now: other tests of the same stack publish more than the seed.
    # Built before the console's socket opens: the build holds this event loop for seconds, and
    # the hub closes a socket whose pings go unanswered.
    published = await ArticleStore(redis).published()
    searcher = offline_searcher(published, seed_embedder, Tokenizer(), Calibration.load())
    console = AgentClient(base_url)
    await console.log_in(name, password)
    await console.connect()
    threshold = stack_hub.kb_answer_threshold
    decisions = set()
    for question, language in QUESTIONS:
        bot = await bot_decision(stack_hub, redis, question, language)
        tried = (
            await editor.post("/kb/api/try", json={"question": question, "language": language})
        ).json()
        top = tried["results"][0]["slug"] if tried["results"] else None
        offered = tuple(article["slug"] for article in tried["suggestions"])
        shown = {"answer": top, "decline": top, "suggest": offered}.get(bot[0])
        # Why a person is recorded with the escalation; why articles are offered is not.
        reason = tried["reason"] if tried["decision"] == "escalate" else None
        assert (tried["decision"], reason, shown) == bot, question

        await console.send(
            {"type": "search", "query": question, "language": language, "request": uuid.uuid4().hex}
        )
        articles = (await console.receive("articles"))["articles"]
        assert [a["slug"] for a in articles] == [r["slug"] for r in tried["results"]], question

        policy = stack_hub.decision_policy
        asked = evaluate(searcher, [Row(question, top or "none")], language, threshold, policy)
        [evaluated] = asked["outcomes"]
        assert (evaluated["answered"], evaluated["top"]) == (bot[0] == "answer", top), question
        decisions.add(bot[0])
    assert "answer" in decisions and len(decisions) > 1  # answered and unanswered were asked
    await console.close()
    await editor.aclose()
