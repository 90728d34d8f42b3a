"""What the hub itself says to customers, in each supported language."""

NOTICES: dict[str, dict[str, str]] = {
    "assistant_unavailable": {
        "en": (
            "Sorry, our assistant is unavailable right now. Your message is saved; "
            "please try again in a moment."
        ),
        "ko": (
            "죄송합니다. 지금은 상담 봇을 사용할 수 없습니다. "
            "메시지는 저장되었으니 잠시 후 다시 시도해 주세요."
        ),
    },
    "empty": {
        "en": "Please type a message before sending.",
        "ko": "메시지를 입력한 뒤 보내 주세요.",
    },
    "too_long": {
        "en": "That message is too long: please keep it under {limit} characters.",
        "ko": "메시지가 너무 깁니다. {limit}자 이내로 보내 주세요.",
    },
    "bad_frame": {
        "en": "The chat could not read that message. Please try again.",
        "ko": "메시지를 읽을 수 없습니다. 다시 시도해 주세요.",
    },
}


def notice(key: str, language: str, **values: object) -> str:
    """The notice in the language, falling back to English."""
    texts = NOTICES[key]
    return texts.get(language, texts["en"]).format(**values)
