"""Personal data found in a customer's text, and the text with it masked.

Sensitive kinds (card, resident registration, passport and bank account numbers) are masked
before a message is stored anywhere; contact kinds (phone numbers, emails) stay visible to the
agent and are masked wherever text leaves the conversation (the unanswered list, logs, exports).
Checksums come from python-stdnum (Luhn, the Korean RRN's check digit, IBAN's mod 97), phone
numbers from phonenumbers (Google's libphonenumber); the rest are patterns near a keyword.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from stdnum import iban, luhn
from stdnum.exceptions import ValidationError
from stdnum.kr import rrn


class Kind(StrEnum):
    """A kind of personal data, as its mask names it."""

    CARD = "card"
    RRN = "rrn"
    PASSPORT = "passport"
    BANK_ACCOUNT = "bank_account"
    PHONE = "phone"
    EMAIL = "email"


SENSITIVE = frozenset({Kind.CARD, Kind.RRN, Kind.PASSPORT, Kind.BANK_ACCOUNT})
CONTACT = frozenset({Kind.PHONE, Kind.EMAIL})
EVERY_KIND = SENSITIVE | CONTACT
PHONE_REGION = "KR"  # how a number without a country code is read
# Around a number: no Latin letter, digit or hyphen (Korean particles may stick to it).
_START = r"(?<![A-Za-z0-9-])"
_END = r"(?![A-Za-z0-9-])"

# 13 to 19 digits, whole or in groups of four (4-6-5 for American Express) split alike.
_CARD = re.compile(
    _START + r"(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5})" + _END
)
# Where card numbers start: Amex, Diners, JCB (3), Visa (4), Mastercard (51-55, 2221-2720),
# Discover and UnionPay (6), Korean domestic cards (9).
_CARD_START = re.compile(r"[34569]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)")
# A date written as digits: not an account or passport number.
_DATE = re.compile(r"(?:19|20)\d\d[-./ ]?(?:0[1-9]|1[0-2])[-./ ]?(?:0[1-9]|[12]\d|3[01])")
# YYMMDD, then the digit of century and sex and six more; the hyphen is the usual form.
_RRN = re.compile(_START + r"(\d{6})(-?)([0-9]\d{6})" + _END)
_IBAN = re.compile(_START + r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}" + _END)
# A Korean passport (M12345678, or the 2021 form M123A4567) wherever it is written.
_KOREAN_PASSPORT = re.compile(_START + r"[MSRGD](?:\d{8}|\d{3}[A-Z]\d{4})" + _END)
_PASSPORT_WORD = r"(?:passport|여권)"
# Not an amount or a share: "150000 won", "50000원", "30%".
_NOT_AMOUNT = r"(?![ \t]*(?:won|krw|usd|dollars?|원|만|달러|%))"
# Any other passport number: 6 to 9 letters and digits, with a digit, soon after the word.
_PASSPORT = re.compile(
    _PASSPORT_WORD
    + r"[^\n\d]{0,25}?"
    + _START
    + r"((?=[A-Z]{0,2}\d)[A-Z0-9]{6,9})"
    + _END
    + _NOT_AMOUNT,
    re.IGNORECASE,
)
_BANK_WORD = (
    r"(?:account|acct|a/c|iban|bank|계좌|통장|입금|은행"
    r"|국민|신한|우리|하나|농협|기업|카카오뱅크|토스)"
)
# 8 to 16 digits in groups split by single hyphens or spaces, soon after a bank word.
_BANK_ACCOUNT = re.compile(
    _BANK_WORD + r"[^\n\d]{0,25}?" + _START + r"(\d(?:[ -]?\d){7,15})" + _END + _NOT_AMOUNT,
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class Finding:
    """Where personal data of one kind is in a text."""

    kind: Kind
    start: int
    end: int


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _is_card(number: str) -> bool:
    """A card's start and length, with a valid Luhn check digit."""
    return bool(_CARD_START.match(number)) and luhn.is_valid(number)


def _cards(text: str) -> list[Finding]:
    return [
        Finding(Kind.CARD, m.start(), m.end())
        for m in _CARD.finditer(text)
        if _is_card(_digits(m.group()))
    ]


def _is_rrn(match: re.Match[str]) -> bool:
    """Valid with its check digit; or hyphenated with a valid birth date (numbers issued since
    October 2020 carry no check digit)."""
    number = match.group(1) + match.group(3)
    if rrn.is_valid(number):
        return True
    if not match.group(2) or match.group(3)[0] not in "12345678":
        return False
    try:
        rrn.get_birth_date(number)
    except ValidationError:
        return False
    return True


def _rrns(text: str) -> list[Finding]:
    return [Finding(Kind.RRN, m.start(), m.end()) for m in _RRN.finditer(text) if _is_rrn(m)]


def _ibans(text: str) -> list[Finding]:
    return [
        Finding(Kind.BANK_ACCOUNT, m.start(), m.end())
        for m in _IBAN.finditer(text)
        if iban.is_valid(m.group())
    ]


def _passports(text: str) -> list[Finding]:
    found = [Finding(Kind.PASSPORT, m.start(), m.end()) for m in _KOREAN_PASSPORT.finditer(text)]
    found += _after_keyword(Kind.PASSPORT, _PASSPORT, text)
    return found


def _bank_accounts(text: str) -> list[Finding]:
    return _after_keyword(Kind.BANK_ACCOUNT, _BANK_ACCOUNT, text)


def _after_keyword(kind: Kind, pattern: re.Pattern[str], text: str) -> list[Finding]:
    """The numbers a keyword pattern captures, dates left out."""
    return [
        Finding(kind, m.start(1), m.end(1))
        for m in pattern.finditer(text)
        if not _DATE.fullmatch(m.group(1))
    ]


def _phones(text: str) -> list[Finding]:
    matcher = phonenumbers.PhoneNumberMatcher(
        text, PHONE_REGION, leniency=phonenumbers.Leniency.VALID
    )
    return [Finding(Kind.PHONE, m.start, m.end) for m in matcher]


def _emails(text: str) -> list[Finding]:
    return [Finding(Kind.EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]


# In order of trust: a span one finder claims, the later ones cannot.
_FINDERS = (_rrns, _cards, _ibans, _passports, _emails, _phones, _bank_accounts)


def find(text: str) -> list[Finding]:
    """Every piece of personal data in the text, in order, none overlapping."""
    kept: list[Finding] = []
    for finder in _FINDERS:
        for finding in finder(text):
            if all(finding.end <= k.start or finding.start >= k.end for k in kept):
                kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def mask(kind: Kind) -> str:
    """What stands in a text for personal data of this kind."""
    return f"[{kind.value}]"


def redact(text: str, kinds: frozenset[Kind] = SENSITIVE) -> str:
    """The text with personal data of these kinds masked (by default the sensitive ones)."""
    parts, at = [], 0
    for finding in find(text):
        if finding.kind in kinds:
            parts += [text[at : finding.start], mask(finding.kind)]
            at = finding.end
    return "".join([*parts, text[at:]])


def redact_all(text: str) -> str:
    """The text with every kind masked, contacts too: for the unanswered list, logs, exports."""
    return redact(text, EVERY_KIND)
