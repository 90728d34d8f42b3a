"""A customer's own words that ask for a person: "can I talk to a real person", "transfer me to
someone on your team", "I want this escalated", "상담원 연결해 주세요", "책임자 나오라고 해".

DIET reads most such requests rightly, but "transfer me to someone" also reads as a question
about a money transfer. These words are a second signal: a message that says them reaches a
person (knowledge_base/decision.py), whatever else it reads as, unless it says it does not want
one ("I don't need to talk to anyone, just tell me the fee") or wants one by phone or email
(the article on contacting support answers that) and not here in the chat. A customer who asks
to be called ("can someone call me back", "전화 한 통 해주실 수 있나요") asks for a person all the
same: someone has to call. Per language, like the NLU data.
"""

from handoff.assistant.word_lists import joined, says

_PEOPLE_EN = (
    r"(a|an|some|the|your)?\s*(real|live|actual|human)?\s*"
    r"(human|person|people|agent|someone|somebody|representative|rep|operator|advis[oe]r|staff|"
    r"employee|manager|supervisor|member\s+of\s+(staff|(your|the)\s+(\w+\s+)?team)|customer\s+service|support\s+team)\b"
)

_ENGLISH = [
    rf"\b(talk|speak|chat)\s+(to|with)\s+{_PEOPLE_EN}",
    rf"\b(transfer|connect|put|pass|hand)\s+me\s+(through\s+|over\s+)?(to|with)\s+{_PEOPLE_EN}",
    rf"\bget\s+me\s+{_PEOPLE_EN}",
    # the preposition at the end: "is there a person I can chat with?"
    rf"{_PEOPLE_EN}\s+(i|we)\s+(can|could|may)\s+(talk|speak|chat)\s+(to|with)\b",
    # "could I be connected with a member of your team" (not "can the money be transferred to...")
    rf"\b((can|could|may)\s+i|(like|want|wish|need)\s+to)\s+be\s+"
    rf"(connected|transferred|put\s+through|passed)\s+(to|with)\s+{_PEOPLE_EN}",
    r"\b(want|need|get|is\s+there)\s+(a|an|any)\s+(real|live|actual)\s+(human|person|agent)\b",
    r"\b(bot|automated|machine)\b.{0,40}\b(human|person|someone|agent|staff)\b",
    rf"{_PEOPLE_EN}[,.!]?\s+not\s+(a|the|your|some)\s+(bot|robot|machine)\b",
    # "I want a manager.", "I demand a supervisor" (not "an agent", where cash is picked up)
    r"\b(want|need|demand)\s+(a|an|the|your)\s+(manager|supervisor)\b",
    r"\bhuman\s+(being|please|pls|agent)\b",
    r"^\W*(an?\s+)?(agent|human|operator|representative|person)\W*(please|pls)?\W*$",
    # ... after a greeting: "hi good evening, operator please"
    r"\b(operator|human|representative)\s+(please|pls|plz)\W*$",
    rf"^\W*(customer\s+service\s+|support\s+)?{_PEOPLE_EN}\W*(please|pls|plz)\b",
    r"\blive\s+(chat|support)\s+(please|pls|now|asap)\b",
    r"\bescalat(e|ed|ing)\b",  # "I want this escalated": to someone above the bot
]
# Not a request for a person in this chat: one refused, or one by phone or email, which the
# article on contacting support answers.
_ENGLISH_ELSEWHERE = [
    r"\b(do\s*n[o']?t|dont|do\s+not|no\s+need\s+to|never)\s+(want|need)\s+"
    r"(to\s+(talk|speak|chat)\s+(to|with)\s+)?(a\s+person|an?\s+agent|anyone|someone|a\s+human)",
    r"\b(phone|call|calling|ring|e-?mail)\b",
]

_KOREAN = [
    r"상담\s*(원|사|직원)\s*(님|분)?\s*(연결|바꿔|불러|이랑|랑|과|하고|좀|ㄱㄱ)",
    r"^\W*상담\s*(원|사)\s*(님|분)?\W*(요|연결)?\W*$",
    # not the recipient: "받는 사람 바꿔 주세요" asks to change who receives the money
    r"(?<!받는 )(?<!받는)(사람|직원|담당자|매니저)\s*(님|분)?\s*"
    r"(이랑|랑|과|하고|한테|에게|께|으로|로)?\s*(연결|바꿔|불러)",
    r"(직원|상담\s*(원|사)|담당자|매니저)\s*(님|분)?\s*(이랑|랑|과|와|하고|한테|에게)\s*(직접\s*)?"
    r"(얘기|이야기|대화|채팅|상담|넘겨)",
    r"(실제|진짜|실제\s*로)\s*(사람|직원)",
    # "사람이 좀 봐주면 좋겠어요 연결 부탁드려요" (not the recipient, "받는 사람이")
    r"(?<!받는 )(?<!받는)사람이\s*(좀\s*)?(봐\s*주|봐\s*줬|도와\s*주|확인해\s*주)",
    r"(실시간|라이브|1\s*(:|대)\s*1)\s*(상담|채팅)\s*(ㄱㄱ|ㄱ|연결|해\s*주세요|해\s*줘|하고\s*싶|원해|원합니다|"
    r"요청|부탁)",
    r"(챗\s*)?(봇|기계|자동\s*응답)\s*(말고|아니고|이랑\s*말고)",
    r"(책임자|상급자|윗\s*사람)\s*(님|분)?\s*(좀|이랑|랑|하고|한테|에게)?\s*(연결|바꿔|불러|나오|나와)",
]
_KOREAN_ELSEWHERE = [
    r"(연결|상담)\s*(은|는)?\s*(안\s*해도|필요\s*없|괜찮)",
    r"(전화|통화|이메일|메일)",
]

# Asked to be called: "can somebody give me a call back", "PLEASE CAN SOMEONE TELEPHONE ME",
# "저한테 전화 좀 주세요" (not "can I call you?", "전화해도 돼요?").
_ENGLISH_CALL_ME = [
    r"\b(can|could|would|will)\s+(you|u|someone|somebody|anyone|one\s+of\s+you|a\s+person|"
    r"an\s+agent)\s+(please\s+|pls\s+)?(call|ring|phone|telephone)\s+me\b",
    r"\b(please|pls|plz)\s+(call|ring|phone|telephone)\s+me\b",
    r"\b(call|ring|phone)\s+me\s+back\b",
    r"\bgive\s+me\s+a\s+(quick\s+)?(call|ring)\b",
    r"\b(request|want|need|get|arrange|book)\s+(a\s+)?call\s*back\b",
]
_KOREAN_CALL_ME = [
    r"전화\s*(한\s*통\s*)?(좀\s*)?(해\s*주|주세요|주실|줄\s*수|주시면|주십시오|줘요|줘\b|부탁)",
    r"콜\s*백",
]

_ASKS = {"en": joined(_ENGLISH), "ko": joined(_KOREAN)}
_ELSEWHERE = {"en": joined(_ENGLISH_ELSEWHERE), "ko": joined(_KOREAN_ELSEWHERE)}
# ... unless it wants the person here, in the chat: "통화는 어려워서요 채팅으로 사람 연결
# 가능할까요?"
_HERE = {
    "en": joined([r"\b(in|by|over|via)\s+(this\s+|the\s+)?chat\b"]),
    "ko": joined([r"채팅\s*(으로|에서|로|상)", r"여기\s*(서|에서)"]),
}
_CALL_ME = {"en": joined(_ENGLISH_CALL_ME), "ko": joined(_KOREAN_CALL_ME)}

# Any word of a person one might ask for, or of asking for one: a message DIET reads as a request
# for a person without any ("Is that card good enough or does it have to be my passport?", "can
# I pay you cash somewhere?", "sell me peso banknotes?") is a question it misread
# (handoff/assistant/understanding.py).
_PERSON_NOUNS = {
    "en": joined(
        [
            rf"\b{_PEOPLE_EN}",
            r"\b(humans|anyone|anybody|agents|team|reps|boss|real|live|man|woman|guy|lady|"
            r"officer|support|escalat\w*)\b",
        ]
    ),
    "ko": joined(
        [
            r"직원|상담|사람|담당|매니저|책임자|관리자|상급자|누구|ㅅㄷㅇ|실제|진짜|"
            r"분\S{0,2}\s*(계|있|연결|없)|human|person|staff|agent|operator",
        ]
    ),
}


def asks_for_a_person(text: str, language: str) -> bool:
    """Whether the customer's words ask for a person in this chat, or to be called, in this
    language's list."""
    elsewhere = says(_ELSEWHERE, text, language) and not says(_HERE, text, language)
    in_this_chat = says(_ASKS, text, language) and not elsewhere
    return in_this_chat or says(_CALL_ME, text, language)


def names_a_person(text: str, language: str) -> bool:
    """Whether the message names a person it might ask for, in this language's list, or asks for
    one in words (`asks_for_a_person`: "1:1 채팅 연결 부탁해요", "give me a call"), or is a
    button's payload ("/request_human", sure by itself); in a language without a list, always
    (DIET's reading stands)."""
    if language not in _PERSON_NOUNS or text.lstrip().startswith("/"):
        return True
    return says(_PERSON_NOUNS, text, language) or asks_for_a_person(text, language)
