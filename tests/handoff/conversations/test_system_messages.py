"""What the hub itself says to customers: every message in every supported language."""

import string

import pytest

from handoff.conversations.system_messages import SYSTEM_MESSAGES, system_message
from handoff.settings import Settings


@pytest.mark.parametrize("key", sorted(SYSTEM_MESSAGES))
def test_every_message_is_in_every_language_with_the_same_placeholders(key: str) -> None:
    texts = SYSTEM_MESSAGES[key]
    assert set(texts) == set(Settings().supported_languages)
    placeholders = {
        language: {name for _, name, _, _ in string.Formatter().parse(text) if name}
        for language, text in texts.items()
    }
    assert placeholders["ko"] == placeholders["en"], placeholders


def test_values_fill_the_placeholders_and_other_languages_fall_back_to_english() -> None:
    assert system_message("agent_joined", "ko", name="Ana") == "상담원 Ana님이 대화에 참여했습니다."
    assert system_message("agent_joined", "fr", name="Ana") == system_message(
        "agent_joined", "en", name="Ana"
    )
    assert "Ana" in system_message("agent_joined", "en", name="Ana")
