"""Run in the Rasa environment by test_rasa_speedups.py: what the bounded tracker store, the
action-reply check, the kept-alive connections (Rasa's to the action server, the action
server's to the hub) and the events' classes found by name do,
printed as one JSON object. Argument: a Redis URL for the store."""

import ast
import asyncio
import contextlib
import gc
import importlib
import inspect
import json
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import redis.connection
import yaml
from aiohttp import web
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.tracker_store import RedisTrackerStore, SerializedTrackerAsText
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import events as sdk

from actions.hub import post_to_hub
from bot import (
    action_failures,
    action_results,
    debug_copies,
    event_types,
    fast_json,
    kept_connections,
)
from bot.tracker_store import BoundedRedisTrackerStore

TURNS = 100


def long_tracker(
    domain: Domain, sender_id: str = "long", form: str | None = None
) -> DialogueStateTracker:
    """A conversation of TURNS messages whose language was set once, at its start, and the form
    that started then, if any, still active."""
    events = [ActionExecuted("action_session_start"), SlotSet("language", "ko")]
    if form:
        events.append(ActiveLoop(form))
    for n in range(TURNS):
        events += [
            ActionExecuted("action_listen"),
            UserUttered(f"message {n}", {"name": "greet", "confidence": 1.0}),
            ActionExecuted("action_respond"),
            SlotSet("kb_answered", n == TURNS - 1),
            BotUttered(f"reply {n}"),
        ]
    events.append(ActionExecuted("action_listen"))
    return DialogueStateTracker.from_events(sender_id, events, slots=domain.slots)


def sdk_events() -> list[dict]:
    """An event of every kind the action server can send, as rasa_sdk writes them."""
    return [
        sdk.ActionExecuted("action_respond", "policy", 0.9), sdk.ActionExecutionRejected("a"),
        sdk.ActionReverted(), sdk.ActiveLoop("form"), sdk.AgentUttered("hi", {"a": 1}),
        sdk.AllSlotsReset(), sdk.BotUttered("hi", {"buttons": [{"title": "t"}]}, {"m": 1}),
        sdk.ConversationPaused(), sdk.ConversationResumed(), sdk.FollowupAction("action_x"),
        sdk.Form("form"), sdk.FormValidation(False), sdk.LoopInterrupted(True),
        sdk.ReminderCancelled("r"), sdk.ReminderScheduled("greet", datetime(2026, 1, 1)),
        sdk.Restarted(), sdk.SessionStarted(), sdk.SlotSet("language", "ko"),
        sdk.StoryExported(), sdk.UserUtteranceReverted(),
        sdk.UserUttered("hi", {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}),
        {"event": "entities", "entities": [{"entity": "article", "value": "fees"}]},
        {"event": "user_featurization", "use_text_for_featurization": False},
    ]  # fmt: skip


def replies_to_check() -> list:
    """Action server replies, right and wrong: each kind of event as sent, then with each of its
    fields given a value of another type, named as each other kind, unnamed, or not an object;
    and replies whose events or responses are not lists of objects."""
    events = sdk_events()
    kinds = [event["event"] for event in events]
    wrong = []
    for event in events:
        for key in event:
            wrong += [event | {key: value} for value in (5, 0.5, "text", [], {}, None, True)]
        wrong += [event | {"event": kind} for kind in [*kinds, "no_such_event"]]
        wrong.append({key: value for key, value in event.items() if key != "event"})
    wrong += [5, "slot", None, []]
    replies = [{"events": [event], "responses": []} for event in events + wrong]
    replies += [{"events": events, "responses": [{"text": "hi"}]}, {"events": events[:3]}, {}]
    replies += [{"events": value} for value in (None, 5, {}, "slot")]
    replies += [{"responses": value} for value in (None, 5, [5], ["text"])]
    return [*replies, None, [], "reply"]


def verdicts() -> dict:
    """What Rasa's whole schema and bot/action_results.py say of replies_to_check()."""
    schema = RemoteAction.action_response_format_spec()
    whole = validators.validator_for(schema)(schema)
    replies = replies_to_check()
    return {
        "by_the_schema": [whole.is_valid(reply) for reply in replies],
        "by_kind": [action_results.is_valid(reply) for reply in replies],
    }


def rejection(result: dict) -> str | None:
    """The error Rasa's RemoteAction raises for an action server reply, None if it accepts it."""
    try:
        RemoteAction("action_respond", None)._validate_action_result(result)
    except ValidationError as error:
        return error.message
    return None


def resolutions() -> list[list[str | None]]:
    """The class each event type name resolves to (twice each), with and without a default;
    for a name Rasa does not know, its error."""
    names = sorted({cls.type_name for cls in all_subclasses(Event)} | {"topic", "no_such_event"})
    found = []
    for name in [*names, *names]:
        for default in (None, SlotSet):
            try:
                resolved = Event.resolve_by_type(name, default)
            except ValueError as error:
                found.append([name, f"error: {error}"])
            else:
                found.append([name, resolved.__qualname__ if resolved else None])
    return found


@asynccontextmanager
async def local_server(
    webhook: Callable[[web.Request], Awaitable[web.Response]],
) -> AsyncIterator[str]:
    """An aiohttp server on a free loopback port answering POST /webhook; its URL."""
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    finally:
        await runner.cleanup()


async def connections_for(calls: int, call: Callable[[str, int], Awaitable[dict]]) -> dict:
    """How many connections a local server accepted for `calls` calls `call(its url, n)` made,
    and what they got back (the JSON body each call sent)."""
    peers: set[int] = set()

    async def webhook(request: web.Request) -> web.Response:
        peers.add(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": [await request.json()]})

    async with local_server(webhook) as url:
        answers = [await call(url, n) for n in range(calls)]
    return {"connections": len(peers), "answers": answers}


async def failures_noted(tracker: DialogueStateTracker, domain: Domain) -> list[list[str]]:
    """The actions bot/action_failures.py notes: run against an action server that is down,
    that fails, and that rejects the action (as a form's validation does)."""

    async def fails(request: web.Request) -> web.Response:
        return web.json_response({"error": "boom"}, status=500)

    async def rejects(request: web.Request) -> web.Response:
        return web.json_response({"action_name": "action_respond", "error": "no"}, status=400)

    noted = []
    async with local_server(fails) as failing, local_server(rejects) as rejecting:
        with socket.socket() as probe:  # a port nothing listens on
            probe.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
        for url in (closed, failing, rejecting):
            action = RemoteAction("action_respond", EndpointConfig(f"{url}/webhook"))
            with action_failures.noted() as failed, contextlib.suppress(RasaException):
                await action.run(CollectingOutputChannel(), None, tracker, domain)
            noted.append(failed)
    return noted


async def by_rasas_endpoint(url: str, n: int) -> dict:
    """A call as Rasa makes it to the action server."""
    return await EndpointConfig(f"{url}/webhook").request(json={"call": n})


async def by_the_action_server(url: str, n: int) -> dict:
    """A call as the action server makes it to the hub."""
    os.environ |= {"BATON_HUB_URL": url, "BATON_INTERNAL_TOKEN": "test"}
    return await post_to_hub("/webhook", {"call": n})


def action_calls(tracker: DialogueStateTracker, domain: Domain) -> dict:
    """What goes to the action server for some actions, with bot/endpoints.yml's action
    endpoint: whether the domain goes with the call, and the call's size in bytes. Rasa sends
    it to the actions named validate_<form> and those the domain marks `send_domain`."""
    endpoints = yaml.safe_load(Path("bot/endpoints.yml").read_text())
    endpoint = EndpointConfig.from_dict(endpoints["action_endpoint"])
    calls = {}
    for name in ("action_respond", "action_transfer_status", "validate_transfer_reference_form"):
        call = RemoteAction(name, endpoint)._action_call_format(tracker, domain)
        written = fast_json.dumps(call)
        calls[name] = {
            "domain": "domain" in call,
            "bytes": len(written),
            "read_alike": json.loads(written) == json.loads(json.dumps(call)),
        }
    return calls


def deep_copies(module_name: str) -> dict[str, int]:
    """How many deep copies a module's source makes, and how many of them are arguments of a
    structlog debug line."""
    tree = ast.parse(inspect.getsource(importlib.import_module(module_name)))
    copies, in_debug_lines = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "copy.deepcopy":
            copies.add(id(node))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "structlogger.debug":
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            in_debug_lines |= {
                id(inner)
                for argument in arguments
                for inner in ast.walk(argument)
                if isinstance(inner, ast.Call) and ast.unparse(inner.func) == "copy.deepcopy"
            }
    return {"copies": len(copies), "in_debug_lines": len(copies & in_debug_lines)}


def debug_copies_made() -> dict:
    """Whether the processor's deep copies copy, with its logger at INFO and at DEBUG."""
    debug_copies.install()
    processor = importlib.import_module("rasa.core.processor")
    logger, events = logging.getLogger("rasa.core.processor"), [{"event": "user", "text": "hi"}]
    level = logger.level
    made = {}
    for name, at in (("info", logging.INFO), ("debug", logging.DEBUG)):
        logger.setLevel(at)
        copied = processor.copy.deepcopy(events)
        made[name] = {"same_object": copied is events, "equal": copied == events}
    logger.setLevel(level)
    return made


async def main(redis_url: str) -> dict:
    domain = Domain.load("bot/domain.yml")
    url = urlsplit(redis_url)
    connection = {"host": url.hostname, "port": url.port, "db": url.path.strip("/") or 0}
    bounded = BoundedRedisTrackerStore(domain, key_prefix="bounded", max_events=30, **connection)
    whole = RedisTrackerStore(domain, key_prefix="whole", **connection)
    tracker = long_tracker(domain)
    await bounded.save(tracker)
    await whole.save(tracker)
    kept = await bounded.retrieve("long")
    await bounded.save(long_tracker(domain, "in_a_form", form="transfer_reference_form"))
    kept_in_a_form = await bounded.retrieve("in_a_form")
    good = {"events": [{"event": "slot", "name": "kb_answered", "value": True}], "responses": []}
    bad = {"events": [{"event": "slot", "name": 5}], "responses": "not a list"}
    before = [rejection(good), rejection(bad)]
    action_results.install()
    action_failures.install()
    by_rasa = await connections_for(3, by_rasas_endpoint)
    kept_connections.install()
    pooled = await connections_for(3, by_rasas_endpoint)
    to_the_hub = await connections_for(3, by_the_action_server)
    resolved_by_rasa = resolutions()
    event_types.install()
    resolved_installed = resolutions()
    kept_again = await bounded.retrieve("long")
    stored = bounded.red.get(bounded.key_prefix + "long")
    written_by_rasa = SerializedTrackerAsText.serialise_tracker(kept)
    session_serialiser = kept_connections.pooled_session(EndpointConfig("http://x"))._json_serialize
    frozen_before = gc.get_freeze_count()
    from bot import channel  # only now: importing it installs every cut checked above

    channel.keep_out_of_collections()
    frozen_after = gc.get_freeze_count()
    gc.unfreeze()
    listeners = channel.HubInput().blueprint(None)._future_listeners
    await kept_connections.connection_pool().close()
    return {
        "connections_by_rasa": by_rasa,
        "connections_kept": pooled,
        "connections_to_the_hub": to_the_hub,
        "redis_reply_parser": redis.connection.DefaultParser.__name__,
        "events_given": len(tracker.events),
        "events_kept": len(kept.events),
        "bytes_bounded": len(stored),
        "stored_as_rasa_writes_it": json.loads(stored) == json.loads(written_by_rasa),
        "action_calls_written_by": f"{session_serialiser.__module__}.{session_serialiser.__name__}",
        "bytes_whole": len(whole.red.get(whole.key_prefix + "long")),
        "slots_given": tracker.current_slot_values(),
        "slots_kept": kept.current_slot_values(),
        "latest_message": kept.latest_message.text,
        "loop_kept": kept_in_a_form.active_loop_name,
        "events_kept_in_a_form": len(kept_in_a_form.events),
        "first_kept_events": [event.type_name for event in list(kept.events)[:3]],
        "sessions_kept": sum(1 for event in kept.events if event.type_name == "session_started"),
        "rejections_by_rasa": before,
        "rejections_installed": [rejection(good), rejection(bad)],
        "check_installed": RemoteAction._validate_action_result.__module__,
        "verdicts": verdicts(),
        "failures_noted": await failures_noted(tracker, domain),
        "action_calls": action_calls(kept, domain),
        "events_resolved_by_rasa": resolved_by_rasa,
        "events_resolved_installed": resolved_installed,
        "resolver_installed": Event.resolve_by_type.__module__,
        "frozen": [frozen_before, frozen_after],
        "deep_copies": {name: deep_copies(name) for name in debug_copies.MODULES},
        "debug_copies_made": debug_copies_made(),
        "listeners": [[f.listener.__name__, str(f.event)] for f in listeners],
        "read_alike": [e.as_dict() for e in kept_again.events]
        == [e.as_dict() for e in kept.events],
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
