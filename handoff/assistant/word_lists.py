"""Lists of regular expressions, one per language, that tell what a customer's own words say
(urgent_words.py, person_words.py, other_providers.py)."""

import re


def joined(patterns: list[str]) -> re.Pattern[str]:
    """One case-blind pattern that matches where any of these does."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def says(patterns: dict[str, re.Pattern[str]], text: str, language: str) -> bool:
    """Whether the text matches its language's pattern; a language without one says nothing."""
    pattern = patterns.get(language)
    return pattern is not None and pattern.search(text) is not None
