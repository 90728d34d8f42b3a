"""`baton eval --e2e`: the bot measured as customers meet it, not the knowledge base alone.

Each question opens a new conversation through the widget's socket of a running hub, exactly as
a customer's first message, and goes through the hub, Rasa's NLU and rules, the action server and
the knowledge base. The outcome is read from the conversation once the bot's turn is over:
answered with which article, articles offered to choose from, asked to rephrase, the
out-of-scope reply, another reply, or handed to a person (why, and how urgently). When the bot
offers articles and the right one is among them, the customer presses it, as a customer would,
and the bot's answer to that press is the outcome (`chosen`): right after one press, counted
apart from the right answers at once.

The test CSV is the evaluation contract's (`text,category`, `oos` for out of scope), with two
additions: a `language` column (else every row is in --language), and `handover:<why>`
categories (fraud, complaint, human) for messages that must reach a person.
"""

import asyncio
import csv
import ipaddress
import json
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import websockets
from redis.asyncio import Redis

from handoff.assistant.rasa_client import article_slug
from handoff.cli import processes
from handoff.conversations.model import Entry, Sender
from handoff.conversations.store import ConversationStore
from handoff.settings import Settings
from knowledge_base.evaluate import median_and_p95

OUT_OF_SCOPE = "oos"
ARTICLE_BUTTON = "/ask_faq"  # an offered article's button: this intent, the article as entity
HANDOVER = "handover:"
REPLY_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Question:
    """A labelled customer message: an article slug, "oos", or "handover:<why>"."""

    text: str
    category: str
    language: str


@dataclass(frozen=True)
class Outcome:
    """What the bot did with a question: answer, suggest, rephrase, out_of_scope, other or
    handover."""

    kind: str
    slug: str | None = None  # the article it answered with
    suggested: tuple[str, ...] = ()  # the articles it offered to choose from
    chosen: bool = False  # answered once the customer pressed the right article offered
    reason: str | None = None  # why it handed over
    priority: str | None = None  # how urgently
    intent: str | None = None  # what Rasa's NLU made of the question
    reply_ms: float = 0.0  # from sending the message to the end of the bot's turn


def read_questions(path: Path, language: str) -> list[Question]:
    """The rows of a test CSV (text, category and, if given, language)."""
    with path.open(newline="", encoding="utf-8") as file:
        return [
            Question(row["text"].strip(), row["category"].strip(), row.get("language") or language)
            for row in csv.DictReader(file)
        ]


async def ask(ws_url: str, store: ConversationStore, question: Question, number: int) -> Outcome:
    """Ask in a new conversation, as a customer would; the outcome once the bot's turn ends.

    Each question comes from a customer of its own, at an address of its own (as the hub's
    proxy would forward it), so the limits on one address's new conversations do not apply.
    """
    address = {"X-Forwarded-For": str(ipaddress.IPv4Address("10.0.0.0") + number)}
    async with websockets.connect(ws_url, additional_headers=address) as socket:
        await socket.send(json.dumps({"type": "hello", "language": question.language}))
        await _frame(socket, "welcome")
        started = time.perf_counter()
        message = {"type": "message", "text": question.text, "client_id": uuid.uuid4().hex}
        await socket.send(json.dumps(message))
        conversation_id = (await _frame(socket, "conversation"))["conversation_id"]
        await _bot_turn(socket)
        reply_ms = (time.perf_counter() - started) * 1000
        outcome = await outcome_of(store, conversation_id, reply_ms)
        if question.category not in outcome.suggested:
            return outcome
        button = await _offered(store, conversation_id, question.category)
        await socket.send(json.dumps({"type": "button", **button, "client_id": uuid.uuid4().hex}))
        await _bot_turn(socket)
        chosen = await outcome_of(store, conversation_id, reply_ms)
        pressed = chosen.kind == "answer"
        return replace(chosen, suggested=outcome.suggested, chosen=pressed, intent=outcome.intent)


async def _bot_turn(socket: websockets.ClientConnection) -> None:
    """Until the bot's typing goes off: its turn is over."""
    while (await _frame(socket, "typing"))["on"]:
        continue


async def _offered(store: ConversationStore, conversation_id: str, slug: str) -> dict[str, str]:
    """The button of the offered article with this slug (its title and payload)."""
    entries = await store.entries(conversation_id)
    buttons = [b for e in entries for b in e.buttons if article_choice(b.payload) == slug]
    return {"title": buttons[-1].title, "payload": buttons[-1].payload}


async def _frame(socket: websockets.ClientConnection, kind: str) -> dict:
    """The next frame of this type (the bot's typing off ends its turn)."""
    async with asyncio.timeout(REPLY_TIMEOUT_SECONDS):
        while True:
            frame = json.loads(await socket.recv())
            if frame["type"] == kind and (kind != "typing" or frame.get("sender") == "bot"):
                return frame


async def outcome_of(store: ConversationStore, conversation_id: str, reply_ms: float) -> Outcome:
    """Read what the bot did in its latest turn from the conversation's header and transcript."""
    conversation = await store.get(conversation_id)
    replies = _latest_turn(await store.entries(conversation_id))
    intent = replies[0].meta.get("intent") if replies else conversation.intent
    if conversation.reason:
        return Outcome(
            "handover",
            reason=conversation.reason,
            priority=conversation.priority,
            intent=intent,
            reply_ms=reply_ms,
        )
    link = next((e.meta["link"]["url"] for e in replies if "link" in e.meta), None)
    if link:
        return Outcome("answer", slug=article_slug(link), intent=intent, reply_ms=reply_ms)
    decision = replies[0].meta.get("decision") if replies else None
    offered = [article_choice(b.payload) for e in replies for b in e.buttons]
    suggested = tuple(slug for slug in offered if slug)
    return Outcome(
        reply_kind(decision, intent), suggested=suggested, intent=intent, reply_ms=reply_ms
    )


def _latest_turn(entries: list[Entry]) -> list[Entry]:
    """The bot's entries after the customer's latest message."""
    latest = max((i for i, e in enumerate(entries) if e.sender is Sender.CUSTOMER), default=-1)
    return [e for e in entries[latest + 1 :] if e.sender is Sender.BOT]


def article_choice(payload: str) -> str | None:
    """The slug a button's payload chooses (actions/respond.py: suggest), or None."""
    intent, brace, entities = payload.partition("{")
    if intent != ARTICLE_BUTTON or not brace:
        return None
    return json.loads(brace + entities).get("article")


def reply_kind(decision: str | None, intent: str | None) -> str:
    """What a turn that neither answered nor handed over was: a request to rephrase, the
    out-of-scope reply (or an article's on what Hanbit Remit does not do), or another reply (a
    greeting, thanks)."""
    if decision in ("suggest", "rephrase"):
        return decision
    return "out_of_scope" if intent == "out_of_scope" or decision == "decline" else "other"


def score(questions: list[Question], outcomes: list[Outcome]) -> dict[str, dict]:
    """Per language: right and wrong answers, needless and urgent hand-overs, out-of-scope
    questions not answered with an article, hand-overs that reached a person, reply times."""
    figures = {}
    for language in sorted({q.language for q in questions}):
        pairs = [(q, o) for q, o in zip(questions, outcomes, strict=True) if q.language == language]
        in_scope = [(q, o) for q, o in pairs if q.category != OUT_OF_SCOPE and not _handover(q)]
        out_of_scope = [o for q, o in pairs if q.category == OUT_OF_SCOPE]
        handovers = [(q, o) for q, o in pairs if _handover(q)]
        figures[language] = {
            "questions": len(pairs),
            "in_scope": len(in_scope),
            "right_answer": _percent(
                [o.kind == "answer" and o.slug == q.category and not o.chosen for q, o in in_scope]
            ),
            "right_after_choosing": _percent([o.chosen for _, o in in_scope]),
            "wrong_answer": _percent(
                [o.kind == "answer" and o.slug != q.category for q, o in in_scope]
            ),
            "needless_handover": _percent([o.kind == "handover" for _, o in in_scope]),
            "needless_urgent_handover": _percent([_urgent(o) for _, o in in_scope]),
            "asked_to_rephrase": _percent([o.kind == "rephrase" for _, o in in_scope]),
            "offered_articles": _percent([bool(o.suggested) for _, o in in_scope]),
            "offered_without_the_right_one": _percent([o.kind == "suggest" for _, o in in_scope]),
            "out_of_scope": len(out_of_scope),
            "out_of_scope_not_answered": _percent([o.kind != "answer" for o in out_of_scope]),
            "out_of_scope_offered_articles": _percent([o.kind == "suggest" for o in out_of_scope]),
            "out_of_scope_urgent_handover": _percent([_urgent(o) for o in out_of_scope]),
            "handover_cases": len(handovers),
            "handover_reached_person": {
                why: _percent([o.kind == "handover" for q, o in handovers if _handover(q) == why])
                for why in sorted({_handover(q) for q, _ in handovers})
            },
            "reply_ms": median_and_p95([o.reply_ms for _, o in pairs]),
        }
    return figures


def _handover(question: Question) -> str | None:
    """Why the message must reach a person ("fraud", "complaint", "human"), or None."""
    category = question.category
    return category.removeprefix(HANDOVER) if category.startswith(HANDOVER) else None


def _urgent(outcome: Outcome) -> bool:
    return outcome.kind == "handover" and outcome.priority == "urgent"


def _percent(hits: list[bool]) -> float | None:
    return round(100 * sum(hits) / len(hits), 2) if hits else None


async def evaluate_e2e(settings: Settings, redis: Redis, questions: list[Question]) -> dict:
    """Ask every question through the hub these settings name; the report with each outcome."""
    store = ConversationStore(redis, settings)
    ws_url = f"ws://127.0.0.1:{settings.port}/ws/widget"
    outcomes = [await ask(ws_url, store, q, number) for number, q in enumerate(questions)]
    return {
        "languages": score(questions, outcomes),
        "outcomes": [asdict(q) | asdict(o) for q, o in zip(questions, outcomes, strict=True)],
    }


@contextmanager
def private_stack(log_dir: Path) -> Iterator[Settings]:
    """Redis (in a temporary folder), the seed articles, Rasa, the action server and a hub, on
    free ports, as `make run` starts them; their settings. Rasa loads its model while the hub
    embeds the articles: side by side, not one after the other."""
    redis_port = processes.free_port()
    settings = processes.settings_on_free_ports(f"redis://127.0.0.1:{redis_port}/0")
    with (
        tempfile.TemporaryDirectory() as data,
        processes.running([processes.redis_process(redis_port, Path(data))], log_dir),
    ):
        processes.wait_for_redis(settings.redis_url)
        asyncio.run(processes.import_seed_articles(settings))
        stack = [
            *processes.bot_processes(settings, settings.redis_url),
            processes.hub_process(settings, settings.redis_url),
        ]
        with processes.running(stack, log_dir):
            yield settings


def run_e2e(test: Path, language: str, log_dir: Path) -> dict:
    """`baton eval --e2e`: a private stack, every question of the CSV asked through it."""
    questions = read_questions(test, language)
    started = time.monotonic()
    with private_stack(log_dir) as settings:
        setup_seconds = round(time.monotonic() - started, 1)

        async def evaluate() -> dict:
            async with processes.redis_client(settings) as redis:
                return await evaluate_e2e(settings, redis, questions)

        report = asyncio.run(evaluate())
    return {"test": str(test), "setup_seconds": setup_seconds} | report


# How each outcome is shown in the plot, in this order, and its colour.
SHOWN = {
    "right answer": "tab:green",
    "right after choosing": "yellowgreen",
    "wrong answer": "tab:red",
    "answered": "tab:red",
    "offered articles": "khaki",
    "asked to rephrase": "tab:olive",
    "out-of-scope reply": "tab:gray",
    "other reply": "tab:purple",
    "handed over": "tab:blue",
    "handed over, urgent": "tab:orange",
}


def _shown(row: dict) -> str:
    """How an outcome of the report is shown in the plot."""
    if row["kind"] == "answer":
        if row["category"] == OUT_OF_SCOPE or row["category"].startswith(HANDOVER):
            return "answered"
        if row["slug"] != row["category"]:
            return "wrong answer"
        return "right after choosing" if row["chosen"] else "right answer"
    if row["kind"] == "handover":
        return "handed over, urgent" if row["priority"] == "urgent" else "handed over"
    shown = {
        "suggest": "offered articles",
        "rephrase": "asked to rephrase",
        "out_of_scope": "out-of-scope reply",
    }
    return shown.get(row["kind"], "other reply")


def _group(category: str) -> str:
    if category.startswith(HANDOVER):
        return "must reach\na person"
    return "out of scope" if category == OUT_OF_SCOPE else "in scope"


def plot(report: dict, path: Path) -> None:
    """The share of each outcome, per language and kind of question."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups: dict[str, dict[str, int]] = {}
    for row in report["outcomes"]:
        counts = groups.setdefault(f"{row['language']}: {_group(row['category'])}", {})
        counts[_shown(row)] = counts.get(_shown(row), 0) + 1
    figure, axes = plt.subplots(figsize=(9, 4))
    bottoms = [0.0] * len(groups)
    for shown, colour in SHOWN.items():
        shares = [100 * counts.get(shown, 0) / sum(counts.values()) for counts in groups.values()]
        axes.bar(list(groups), shares, bottom=bottoms, label=shown, color=colour)
        bottoms = [b + s for b, s in zip(bottoms, shares, strict=True)]
    axes.set_ylabel("questions (%)")
    axes.set_title(f"{report['name']}: the bot as customers meet it")
    axes.tick_params(axis="x", labelsize=8)
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
