"""The NLU's best intent, as the hub's decision reads it (used by bot/channel.py and actions/)."""

from typing import Any

FALLBACK_INTENT = "nlu_fallback"  # FallbackClassifier's (config.yml): the best one was unsure


def best_intent(parse_data: dict[str, Any]) -> dict[str, Any]:
    """The best intent the NLU found and its confidence, past `nlu_fallback`: that one only
    says the best fell under a threshold, and the hub weighs confidence itself."""
    ranking = parse_data.get("intent_ranking") or [parse_data.get("intent") or {}]
    for candidate in ranking:
        if candidate.get("name") and candidate["name"] != FALLBACK_INTENT:
            return {"name": candidate["name"], "confidence": candidate.get("confidence")}
    return {"name": None, "confidence": None}
