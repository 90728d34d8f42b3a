"""JSON written by orjson where the Rasa server writes a lot of it: the tracker it stores every
turn (bot/tracker_store.py) and the tracker state it sends the action server every turn
(bot/kept_connections.py). The standard library's encoder took 5% of the server's busy samples;
orjson writes the same JSON in a tenth of the time (benchmarks/rasa-turn-profile.md)."""

from typing import Any

import orjson


def dumps(value: Any) -> str:
    """`value` as JSON text, as json.dumps reads it back (dictionary keys that are not text
    written as text, as json.dumps does)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
