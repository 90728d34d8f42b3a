"""Rasa's events found by their type name once, not searched for on every event read.

Rasa 3.6's `Event.resolve_by_type` walks every subclass of Event (recursively, a new list each
time) to find the one a stored event names: for each of a tracker's events, every turn, when
the tracker store reads it (7% of the Rasa server's busy samples, benchmarks/rasa-turn-profile.md).
The class each name resolves to is kept after Rasa's own search found it; a name it did not
find (an unknown type, the old "topic") goes to Rasa's search every time, with its answer.
"""

from rasa.shared.core.events import Event

RASAS_OWN_SEARCH = Event.resolve_by_type
_found: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """The Event class of this type name, as Rasa's own search finds it."""
    found = _found.get(type_name)
    if found is None:
        found = RASAS_OWN_SEARCH(type_name, default)
        if found is not None and found is not default and found.type_name == type_name:
            _found[type_name] = found
    return found


def install() -> None:
    """Every event read finds its class by name at once."""
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
