import time

import pytest

from handoff.customers.tokens import Claims, ConversationTokens


def test_a_token_names_its_conversation_and_customer() -> None:
    tokens = ConversationTokens("secret", max_age_seconds=60)
    assert tokens.read(tokens.issue("abc123", "cust9")) == Claims("abc123", "cust9")


@pytest.mark.parametrize("token", ["", "garbage", "eyJjb252ZXJzYXRpb24iOiJ4In0.AAAA.BBBB"])
def test_malformed_tokens_name_nothing(token: str) -> None:
    assert ConversationTokens("secret", 60).read(token) is None


def test_a_token_signed_with_another_key_is_refused() -> None:
    forged = ConversationTokens("attacker", 60).issue("victim", "attacker")
    assert ConversationTokens("secret", 60).read(forged) is None


def test_an_expired_token_is_refused() -> None:
    tokens = ConversationTokens("secret", max_age_seconds=1)
    token = tokens.issue("abc123", "cust9")
    time.sleep(2.1)
    assert tokens.read(token) is None


def test_a_missing_secret_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="BATON_SECRET_KEY"):
        ConversationTokens("", 60)
