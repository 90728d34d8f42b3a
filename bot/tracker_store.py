"""Rasa's Redis tracker store with a bounded tracker: a conversation's slots and its latest
events, so that a turn late in a long conversation costs what an early one does.

The hub keeps the whole transcript; Rasa needs only what its policies look at (a few turns) and
the slots. Rasa's own store also reads and merges the stored tracker before every write, a guard
for trackers read one session at a time; this one is read whole, and Rasa's lock store already
keeps two turns of a conversation apart, so it writes without reading.
"""

from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import fast_json
from bot.redis_stores import SentinelTrackerStore

# About three turns (a turn is eight to ten events); the longest rule looks one turn back. At 60,
# message 100 of a conversation cost 1.4x message 1's CPU (benchmarks/results/
# conversation-length-before.json).
DEFAULT_MAX_EVENTS = 30


class BoundedRedisTrackerStore(SentinelTrackerStore):
    """Keeps at most max_events of a conversation's latest events, with its slots; on Redis or
    the master Sentinels name (bot/redis_stores.py)."""

    def __init__(self, *args: Any, max_events: int | str = DEFAULT_MAX_EVENTS, **kwargs: Any):
        """As SentinelTrackerStore; max_events may come from endpoints.yml as text."""
        super().__init__(*args, **kwargs)
        self.max_events = int(max_events)

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Write the tracker, bounded, with the store's expiry."""
        await self.stream_events(tracker)
        bounded = latest_events(tracker, self.max_events)
        self.red.set(
            self.key_prefix + tracker.sender_id,
            self.serialise_tracker(bounded),
            ex=timeout or self.record_exp,
        )

    @staticmethod
    def serialise_tracker(tracker: DialogueStateTracker) -> str:
        """The tracker as Rasa's Redis store writes it, by orjson (bot/fast_json.py)."""
        return fast_json.dumps(tracker.as_dialogue().as_dict())


def latest_events(tracker: DialogueStateTracker, max_events: int) -> DialogueStateTracker:
    """The tracker itself if short enough; else a new session holding its slots and its active
    form, then its events from the first customer message among the last max_events."""
    events = list(tracker.events)
    if len(events) <= max_events:
        return tracker
    kept = events[-max_events:]
    first_message = next((n for n, e in enumerate(kept) if isinstance(e, UserUttered)), 0)
    kept = kept[first_message:]
    when = kept[0].timestamp
    head: list[Event] = [
        ActionExecuted(ACTION_SESSION_START_NAME, timestamp=when),
        SessionStarted(timestamp=when),
        *(SlotSet(name, value, timestamp=when) for name, value in slot_values(tracker).items()),
        *(
            [ActiveLoop(tracker.active_loop_name, timestamp=when)]
            if tracker.active_loop_name
            else []
        ),
        ActionExecuted(ACTION_LISTEN_NAME, timestamp=when),
    ]
    return DialogueStateTracker.from_events(
        tracker.sender_id, head + kept, slots=tracker.slots.values()
    )


def slot_values(tracker: DialogueStateTracker) -> dict[str, Any]:
    """The slots that hold something other than their initial value."""
    return {
        name: slot.value for name, slot in tracker.slots.items() if slot.value != slot.initial_value
    }
