from handoff.conversations.language import detect_language


def test_hangul_is_korean_even_with_english_terms() -> None:
    assert detect_language("KYC 인증은 어떻게 하나요?", default="en") == "ko"


def test_latin_letters_are_english() -> None:
    assert detect_language("where is my transfer?", default="ko") == "en"


def test_no_letters_keeps_the_conversation_language() -> None:
    assert detect_language("12345 👍", default="ko") == "ko"
    assert detect_language("?!", default="en") == "en"
