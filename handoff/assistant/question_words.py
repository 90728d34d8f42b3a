"""Whether a customer's message asks something: a question mark, or the words of a question
where customers leave the mark out ("how do I lock my account quickly", "피싱 같은데 어떻게
해야돼요"). The decision answers a question about fraud with the article on fraud, where the NLU
alone would send it to a person (knowledge_base/decision.py: FRAUD_TOPIC)."""

from handoff.assistant.word_lists import joined, says

QUESTION_MARKS = ("?", "\uff1f")  # and the full-width one of CJK keyboards

# A sentence that opens as a question does.
_ENGLISH = [
    r"(^|[.!\n]\s*)(how|what|where|when|why|which|can|could|is|are|do|does|should|will|would)\b",
    # ... or a clause after a comma that does: "a guy says he can get me a better rate, is that
    # legit"
    r"[,;]\s*(is|are|was|were|do|does|did|can|could|should|will|would)\s+"
    r"(that|this|it|they|he|she|you|i|we)\b",
    # ... or asks how to: "i think my roommate saw my password, how to lock the account"
    r"[,;]\s*how\s+(to|do|can|should)\b",
]
# A sentence that ends as a question does, at any politeness level ("되나요", "어떻게 해야돼요").
_KOREAN = [
    r"(나요|까요|습니까|는지요|[건는인]가요|되나요|하나요|맞죠|맞나요|뭐예요|뭐에요|"
    r"[해둬놔어]야\s*(돼|되|됨)\S*|어떻게\s*해\S*|문의\s*드립니다|궁금(합니다|해요)|"
    r"알려\s*(주십시오|주세요|줘요|줘|주실래요))(?=[\s.!~;ㅠㅜ]*(\n|$))",
    # ... or says it wants to know: "미리 알아두고 싶어요", "절차가 어떻게 되는지 알고 싶습니다"
    r"(알고|알아\s*두고)\s*싶(어요|습니다|은데)",
    # ... or asks why or where, wherever it does ("유효기간은 안 지났는데 왜그럼", "왜 안 돼요",
    # "한도올리기ㄱㄱ 어디서함")
    r"왜|어디",
]
_ASKING = {"en": joined(_ENGLISH), "ko": joined(_KOREAN)}


def asks_something(text: str, language: str) -> bool:
    """Whether the message has a question mark or, in a language with a list, a question's
    words."""
    return any(mark in text for mark in QUESTION_MARKS) or says(_ASKING, text, language)
