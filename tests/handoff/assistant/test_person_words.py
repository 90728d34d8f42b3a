"""A customer's own words that ask for a person in this chat, in English and Korean; questions
about reaching support by phone or email, refusals, and people in other roles are not."""

import pytest

from handoff.assistant.person_words import asks_for_a_person, names_a_person
from handoff.assistant.understanding import understanding_of
from knowledge_base.decision import MessageKind

ASKS = [
    ("ko", "담당자분과 직접 상담하고 싶습니다"),
    ("ko", "매니저님과 직접 대화할 수 있을까요"),
    ("en", "can someone please call me back, I can't type well"),
    ("en", "give me a call when you can"),
    ("ko", "저한테 전화 좀 해주실 수 있나요?"),
    ("ko", "1:1 채팅 연결 부탁해요"),
    ("ko", "실시간 상담 ㄱ"),
    ("en", "live chat please, this is taking forever"),
    ("en", "transfer me to someone on your team, it's a business thing"),
    ("en", "can I talk to a real person please"),
    ("en", "connect me with an agent"),
    ("en", "I'd like to speak with a customer service representative"),
    ("en", "get me a human"),
    ("en", "this bot is useless, I want a person"),
    ("en", "agent please"),
    ("en", "Human!"),
    ("en", "please escalate this, I have asked three times now"),
    ("ko", "상담원 연결해 주세요"),
    ("ko", "상담사 좀 불러주세요"),
    ("ko", "직원분이랑 직접 얘기하고 싶어요"),
    ("ko", "봇 말고 사람이요"),
    # The sixteenth held-out set's, missed blind: a manager, not a bot; the phone is hard, here.
    ("en", "i want a MANAGER not a bot. verification rejected 5 times"),
    ("ko", "제가 통화는 어려워서요 채팅으로 사람 연결 가능할까요?"),
    ("en", "calling is hard for me, can I talk to a person in this chat?"),
    ("en", "customer service rep please, thanks"),
    # The eighteenth's: a manager, not a bot, in two sentences.
    ("en", "I want a manager. Not a bot. You closed my account with no explanation"),
    # The nineteenth's: after a greeting; a person to look, then "연결".
    ("en", "hi good evening, operator please"),
    ("ko", "눈이 안 좋으셔서 글 읽기 힘드세요. 사람이 좀 봐주면 좋겠어요 연결 부탁드려요"),
    ("ko", "실제 사람이랑 채팅 가능해요?"),
    ("ko", "상담원"),
    ("ko", "책임자 바꿔 주세요"),
    ("ko", "전화는 못 합니다. 이 채팅에서 담당 직원분께 연결해 주십시오."),
    ("en", "could I be connected with a member of your team in this chat?"),
    ("en", "is there someone I could talk to about this?"),
    (
        "en",
        "Could you put me through to a member of your support team? It's about our church group",
    ),
]

NOT_ASKS = [
    ("en", "would your staff ever call me and ask for a code?"),
    ("ko", "받는 사람이 좀 확인해 주면 되나요?"),
    ("en", "can I call you from abroad?"),
    ("ko", "전화해도 돼요?"),
    ("ko", "실시간 상담 가능한 시간이 언제예요?"),
    ("en", "do you have live chat on the website?"),
    ("en", "how can I talk to someone on the phone?"),
    ("en", "what's your customer service email?"),
    ("en", "can I escalate this by email instead?"),
    ("en", "I don't need to talk to anyone, just tell me the fee"),
    ("en", "my mum wants to speak to the bank about the deposit"),
    ("en", "can I transfer money to someone without a bank account?"),
    ("en", "the recipient is a real person, why was it blocked?"),
    ("ko", "상담원이랑 전화 통화 가능한가요?"),
    ("ko", "상담원 연결은 필요 없고 수수료만 알려주세요"),
    ("ko", "받는 사람이랑 연락이 안 돼요"),
    ("ko", "받는 사람 계좌를 잘못 넣었어요"),
    ("ko", "받는 사람 바꿔 주세요"),
    ("en", "can the money be transferred to someone who has no bank account?"),
    ("en", "is the person I can send to limited to family?"),
]


@pytest.mark.parametrize(("language", "text"), ASKS)
def test_words_that_ask_for_a_person_are_told(language: str, text: str) -> None:
    assert asks_for_a_person(text, language)
    assert understanding_of("check_transfer_status", 0.99, text, language).asks_for_a_person


@pytest.mark.parametrize(("language", "text"), NOT_ASKS)
def test_other_channels_refusals_and_other_people_are_not_requests(
    language: str, text: str
) -> None:
    assert not asks_for_a_person(text, language)


def test_a_language_without_a_list_has_no_such_words() -> None:
    assert not asks_for_a_person("agent please", "vi")


@pytest.mark.parametrize(("language", "text"), ASKS)
def test_every_request_for_a_person_names_one(language: str, text: str) -> None:
    assert names_a_person(text, language)
    assert understanding_of("request_human", 0.99, text, language).kind is MessageKind.PERSON


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Is that card good enough or does it have to be my passport?"),
        ("en", "sell me peso banknotes?"),
        ("ko", "구글페이 연결해서 보내고 싶습니다 가능합니까"),
        ("ko", "심심한데 얘기나 하자"),
    ],
)
def test_a_request_for_a_person_that_names_none_is_a_question(language: str, text: str) -> None:
    assert not names_a_person(text, language)
    assert understanding_of("request_human", 0.99, text, language).kind is MessageKind.QUESTION


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "is anyone there?"), ("en", "can this be escalated"), ("ko", "ㅅㄷㅇ 연결 ㄱㄱ")],
)
def test_asking_for_anyone_at_all_names_a_person(language: str, text: str) -> None:
    assert names_a_person(text, language)


def test_a_buttons_payload_and_a_language_without_a_list_keep_the_nlus_reading() -> None:
    assert understanding_of("request_human", 1.0, "/request_human", "en").kind is MessageKind.PERSON
    assert names_a_person("tôi muốn gặp nhân viên", "vi")
