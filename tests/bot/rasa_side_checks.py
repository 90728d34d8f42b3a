"""Run in the Rasa environment by test_rasa_speedups.py: what the bounded tracker store and the
action-reply check do, printed as one JSON object. Argument: a Redis URL for the store."""

import asyncio
import json
import sys
from urllib.parse import urlsplit

from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import action_results
from bot.tracker_store import BoundedRedisTrackerStore

TURNS = 100


def long_tracker(domain: Domain) -> DialogueStateTracker:
    """A conversation of TURNS messages whose language was set once, at its start."""
    events = [ActionExecuted("action_session_start"), SlotSet("language", "ko")]
    for n in range(TURNS):
        events += [
            ActionExecuted("action_listen"),
            UserUttered(f"message {n}", {"name": "greet", "confidence": 1.0}),
            ActionExecuted("action_respond"),
            SlotSet("kb_answered", n == TURNS - 1),
            BotUttered(f"reply {n}"),
        ]
    events.append(ActionExecuted("action_listen"))
    return DialogueStateTracker.from_events("long", events, slots=domain.slots)


def rejection(result: dict) -> str | None:
    """The error Rasa's RemoteAction raises for an action server reply, None if it accepts it."""
    try:
        RemoteAction("action_respond", None)._validate_action_result(result)
    except ValidationError as error:
        return error.message
    return None


async def main(redis_url: str) -> dict:
    domain = Domain.load("bot/domain.yml")
    url = urlsplit(redis_url)
    connection = {"host": url.hostname, "port": url.port, "db": url.path.strip("/") or 0}
    bounded = BoundedRedisTrackerStore(domain, key_prefix="bounded", max_events=60, **connection)
    whole = RedisTrackerStore(domain, key_prefix="whole", **connection)
    tracker = long_tracker(domain)
    await bounded.save(tracker)
    await whole.save(tracker)
    kept = await bounded.retrieve("long")
    good = {"events": [{"event": "slot", "name": "kb_answered", "value": True}], "responses": []}
    bad = {"events": [{"event": "slot", "name": 5}], "responses": "not a list"}
    before = [rejection(good), rejection(bad)]
    action_results.install()
    return {
        "events_given": len(tracker.events),
        "events_kept": len(kept.events),
        "bytes_bounded": len(bounded.red.get(bounded.key_prefix + "long")),
        "bytes_whole": len(whole.red.get(whole.key_prefix + "long")),
        "slots_given": tracker.current_slot_values(),
        "slots_kept": kept.current_slot_values(),
        "latest_message": kept.latest_message.text,
        "first_kept_events": [event.type_name for event in list(kept.events)[:3]],
        "sessions_kept": sum(1 for event in kept.events if event.type_name == "session_started"),
        "rejections_by_rasa": before,
        "rejections_installed": [rejection(good), rejection(bad)],
        "check_installed": RemoteAction._validate_action_result.__module__,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
