"""Personal data found and masked: checksums decide, look-alikes stay."""

import pytest

from benchmarks.redaction_quality import score
from handoff.conversations.redaction import Kind, find, redact, redact_all


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My card is 4111 1111 1111 1111, thanks", "My card is [card], thanks"),
        ("card 4111-1111-1111-1111 exp 09/28", "card [card] exp 09/28"),
        ("카드번호 5555555555554444로 결제했어요", "카드번호 [card]로 결제했어요"),
        ("amex 3782 822463 10005", "amex [card]"),
        ("주민등록번호 971013-9019902입니다", "주민등록번호 [rrn]입니다"),
        ("RRN 9710139019902", "RRN [rrn]"),
        # Issued since October 2020: no check digit, so the date and the hyphen decide.
        ("주민번호는 210304-4123456이에요", "주민번호는 [rrn]이에요"),
        ("여권번호는 M123A4567입니다", "여권번호는 [passport]입니다"),
        ("passport M12345678 expires 2031", "passport [passport] expires 2031"),
        ("my passport number is 123456789", "my passport number is [passport]"),
        ("신한 계좌 110-123-456789로 보내주세요", "신한 계좌 [bank_account]로 보내주세요"),
        ("send it to account 12345678 please", "send it to account [bank_account] please"),
        ("IBAN DE89 3704 0044 0532 0130 00", "IBAN [bank_account]"),
    ],
)
def test_sensitive_numbers_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Where is transfer HB-2026-000123? I sent 1,500,000 KRW on 2026-03-15",
        "송금 HB-2026-000123 건 3,000,000원 2026.03.15에 보냈어요",
        "card 4111 1111 1111 1112 was declined",  # fails the Luhn check
        "RRN 0101014123456",  # no hyphen and a wrong check digit: any 13 digits
        "My passport expired on 20260321, can I still verify?",
        "bank fee was 150000 won for account opening",
        "통장에 20261007에 91620094원 입금됐어요",
        "my verification code 482137 does not work",
        "exchange rate 1,380.50 today",
    ],
)
def test_look_alikes_stay(text: str) -> None:
    assert redact_all(text) == text


def test_contacts_stay_for_agents_and_go_elsewhere() -> None:
    text = "010-1234-5678로 연락주세요, 메일은 minji.kim@example.co.kr로요, or +1 415 555 2671"
    assert redact(text) == text
    assert redact_all(text) == "[phone]로 연락주세요, 메일은 [email]로요, or [phone]"


def test_a_span_has_one_kind() -> None:
    found = find("card 4111111111111111, RRN 971013-9019902, call 010-1234-5678")
    assert [f.kind for f in found] == [Kind.CARD, Kind.RRN, Kind.PHONE]


def test_the_scorer_counts_spans_by_kind() -> None:
    rows = [
        {
            "language": "en",
            "text": "card 4111111111111111",
            "pii": [{"kind": "card", "value": "4111111111111111"}],
        },
        {"language": "en", "text": "order 4111111111111111", "pii": []},
        {
            "language": "ko",
            "text": "계좌 110-123-456789",
            "pii": [{"kind": "rrn", "value": "110-123-456789"}],
        },
    ]
    figures = score(rows)["figures"]
    assert figures["card"] == {"precision": 0.5, "recall": 1.0, "support": 1, "false_positives": 1}
    assert figures["rrn"]["recall"] == 0.0
    assert figures["bank_account"]["precision"] == 0.0
    assert figures["all:ko"] == {
        "precision": 0.0,
        "recall": 0.0,
        "support": 1,
        "false_positives": 1,
    }
