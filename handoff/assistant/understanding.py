"""What the bot's intents mean to the decision: each Rasa intent (bot/domain.yml) is a kind of
message (knowledge_base/decision.py: MessageKind)."""

from dataclasses import replace

from handoff.assistant.matter_words import names_a_matter
from handoff.assistant.other_providers import names_another_provider
from handoff.assistant.person_words import asks_for_a_person, names_a_person
from handoff.assistant.question_words import asks_something
from handoff.assistant.urgent_words import fraud_in_words, lodges_complaint, tells_money_sent
from knowledge_base.decision import FRAUD, MessageKind, Understanding

KIND_OF_INTENT = {
    "greet": MessageKind.SOCIAL,
    "goodbye": MessageKind.SOCIAL,
    "thanks": MessageKind.SOCIAL,
    "affirm": MessageKind.SOCIAL,
    "deny": MessageKind.SOCIAL,
    "out_of_scope": MessageKind.OUT_OF_SCOPE,
    "report_fraud": MessageKind.URGENT,
    "complaint": MessageKind.URGENT,
    "request_human": MessageKind.PERSON,
}
# The tag of the articles about an intent's matter: such an article agrees with it.
TOPIC_OF_INTENT = {
    "report_fraud": FRAUD,
    "complaint": "complaint",
    "check_transfer_status": "transfers",
    "account_verification": "verification",
}
# Per language, the most characters of the social intents' examples in the NLU data
# (nlu_data/<language>/nlu.yml): a longer message read as one of them says more than small talk.
SMALL_TALK_CHARS = {"en": 36, "ko": 19}


def understanding_of(
    intent: str | None, confidence: float | None, text: str, language: str
) -> Understanding:
    """The NLU's best intent as the decision reads it, beside whether the message's own words
    report fraud, fear a take-over or say nothing is lost yet, lodge a complaint, tell of money
    sent, name another provider or ask for a person, whether it is of small talk's size and
    whether it asks something (a question mark, or a question's words); an intent the hub does
    not know (or none) is a question, as is a request for a person that names none (`kind_of`),
    and no confidence counts as sure (an NLU that could not be asked)."""
    return Understanding(
        intent=intent,
        confidence=1.0 if confidence is None else confidence,
        kind=kind_of(intent, text, language),
        topic=TOPIC_OF_INTENT.get(intent or ""),
        fraud_told=fraud_in_words(text, language),
        lodges_complaint=lodges_complaint(text, language),
        tells_money_sent=tells_money_sent(text, language),
        names_another_provider=names_another_provider(text),
        asks_for_a_person=asks_for_a_person(text, language),
        small_talk=is_small_talk(text, language),
        asks=asks_something(text, language),
    )


def kind_of(intent: str | None, text: str, language: str) -> MessageKind:
    """The kind of message the intent makes it (a question for an intent the hub does not know);
    a request for a person that names no person is a question DIET misread
    (person_words.names_a_person)."""
    kind = KIND_OF_INTENT.get(intent or "", MessageKind.QUESTION)
    if kind is MessageKind.PERSON and not names_a_person(text, language):
        return MessageKind.QUESTION
    return kind


def asks_the_scope_reader(understanding: Understanding) -> bool:
    """Whether the scope reader (knowledge_base/scope.py) is asked about a message: the NLU
    calls it out of scope, which a confident article then does not outweigh if the reader
    reads it as in scope."""
    return understanding.kind is MessageKind.OUT_OF_SCOPE


def with_scope_reading(understanding: Understanding, in_scope: bool | None) -> Understanding:
    """The understanding with the scope reader's reading (None: no reader in the language)."""
    return replace(understanding, read_in_scope=bool(in_scope))


def is_small_talk(text: str, language: str) -> bool:
    """Whether the message is small talk: of its size, and not naming a matter of the service
    without small talk's own words ("refund not received yet": matter_words.py)."""
    return is_small_talk_sized(text, language) and not names_a_matter(text, language)


def is_small_talk_sized(text: str, language: str) -> bool:
    """Whether the message is no longer than the language's small talk in the NLU data (the
    longest of any language's for one without NLU data)."""
    longest = SMALL_TALK_CHARS.get(language, max(SMALL_TALK_CHARS.values()))
    return len(text.strip()) <= longest
