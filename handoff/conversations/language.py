"""Which language a customer writes in, from the script of the message."""

import unicodedata


def detect_language(text: str, default: str) -> str:
    """'ko' if there is any Hangul, 'en' for Latin letters only, else (digits, emoji) the default.

    Korean customers often write English terms ("KYC 인증"); English speakers rarely write Hangul.
    """
    has_latin = False
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("HANGUL"):
            return "ko"
        has_latin = has_latin or name.startswith("LATIN")
    return "en" if has_latin else default
