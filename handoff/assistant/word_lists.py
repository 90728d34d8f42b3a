"""Lists of regular expressions, one per language, that tell what a customer's own words say
(urgent_words.py, person_words.py, other_providers.py)."""

import re
from collections.abc import Iterator


def joined(patterns: list[str]) -> re.Pattern[str]:
    """One case-blind pattern that matches where any of these does."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def found(
    patterns: dict[str, re.Pattern[str]], text: str, language: str
) -> Iterator[re.Match[str]]:
    """Where the text matches its language's pattern; nowhere in a language without one."""
    pattern = patterns.get(language)
    return iter(()) if pattern is None else pattern.finditer(text)


def says(patterns: dict[str, re.Pattern[str]], text: str, language: str) -> bool:
    """Whether the text matches its language's pattern; a language without one says nothing."""
    return next(found(patterns, text, language), None) is not None
