"""The NLU's tokenizer keeps the Korean words Rasa's WhitespaceTokenizer drops, each at its place
in the text, and splits everything else as Rasa does."""

import pytest

from tests.bot.test_rasa_speedups import rasa_side

KOREAN = "HR204918375 이거 취소해 주세요"
KOREAN_ALONE = "송금버튼만 누르면 앱이 팅겨요ㅠㅠ"
ENGLISH = "how do I verify my account? 😀 thanks!"
MIXED = "50만원을 필리핀으로 보냈어요 😀 HB-2026-000123"


@pytest.fixture(scope="module")
def seen() -> dict:
    return rasa_side("tests.bot.hangul_tokenizer_checks", KOREAN, KOREAN_ALONE, ENGLISH, MIXED)


def words(tokens: list[list]) -> list[str]:
    return [text for text, _, _ in tokens]


def test_rasas_tokenizer_loses_korean_words(seen: dict) -> None:
    # Why there is a tokenizer of our own: Rasa's takes Hangul for an emoji.
    assert words(seen[KOREAN]["rasa"]) == ["HR204918375"]
    assert words(seen[KOREAN_ALONE]["rasa"]) == [KOREAN_ALONE]


def test_korean_words_are_kept_each_at_its_place(seen: dict) -> None:
    assert words(seen[KOREAN]["ours"]) == ["HR204918375", "이거", "취소해", "주세요"]
    assert words(seen[KOREAN_ALONE]["ours"]) == KOREAN_ALONE.split()
    assert words(seen[MIXED]["ours"]) == ["50만원을", "필리핀으로", "보냈어요", "HB-2026-000123"]
    for text, tokens in seen.items():
        for word, start, end in tokens["ours"]:
            assert text[start:end] == word


def test_everything_else_is_split_as_rasa_splits_it(seen: dict) -> None:
    assert seen[ENGLISH]["ours"] == seen[ENGLISH]["rasa"]
    assert "😀" not in words(seen[ENGLISH]["ours"])
