"""The bot's responses as written in bot/domain.yml, to check replies against."""

from functools import cache

import yaml

from handoff.settings import PROJECT_ROOT


@cache
def _responses() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "bot" / "domain.yml").read_text())["responses"]


def response_texts(name: str, language: str) -> set[str]:
    """Every text variant of a response in a language (English is the unconditioned default)."""
    texts = set()
    for variant in _responses()[name]:
        conditions = variant.get("condition") or []
        variant_language = next(
            (c["value"] for c in conditions if c.get("name") == "language"), "en"
        )
        if variant_language == language:
            texts.add(variant["text"].strip())
    if not texts:
        raise KeyError(f"{name} has no {language} text")
    return texts
