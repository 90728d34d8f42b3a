"""Whether a short message names a matter of the service ("refund not received yet", "wrong
name on transfer!!", "방금보낸송금취소해줘") and says none of small talk's own words ("thanks, my
transfer arrived", "ok the app works now").

DIET learnt greetings, thanks, yes and no from short messages that share "no", "not", "yet",
"again", "morning" with questions, so it reads a short question without a question's words as
small talk ("APP NOT OPENING AGAIN" as "no"). A message that names the service's matters without
small talk's words is a question the NLU could not read, not small talk
(handoff/assistant/understanding.py): the knowledge base is searched for it. Per language, like
the NLU data; no NLU example of small talk names one without them (tests: test_understanding).
"""

from handoff.assistant.word_lists import joined, says

_MATTERS = {
    "en": joined(
        [
            r"\b(app|apps|transfers?|transferred|money|refunds?|refunded|accounts?|fees?|rates?|"
            r"limits?|cards?|banks?|names?|recipients?|password|codes?|verif\w*|passport|"
            r"cancel\w*|sent|sending|pickup|gcash|wallet|payments?|paid|deposit|balance|receipt|"
            r"otp|sms|login|documents?|selfie|kyc|ref(erence)?)\b",
        ]
    ),
    "ko": joined(
        [
            r"(?<!한빛)송금|환불|앱|어플|계좌|수수료|환율|한도|카드|은행|이름|수취인|비밀번호|비번|"
            r"인증|취소|신분증|여권|입금|출금|결제|픽업|계정|로그인|서류|돈",
        ]
    ),
}
# The words only small talk says: a message that names a matter beside them is still small talk.
_SMALL_TALK = {
    "en": joined(
        [
            r"\b(thanks?|thank\s+you|thx|ty|cheers|bye|goodbye|ok(ay)?|yes|yeah|yep|great|perfect|"
            r"cool|awesome|nice|got\s+it|appreciated?)\b",
        ]
    ),
    "ko": joined(
        [r"감사|고마|ㄱㅅ|ㄳ|땡큐|땡스|네네|넵|넹|ㅇㅇ|안녕히|바이|ㅂㅂ|알겠|좋아요|됐어요|수고"]
    ),
}


def names_a_matter(text: str, language: str) -> bool:
    """Whether the message names a matter of the service and none of small talk's own words (in
    a language without lists: never)."""
    return says(_MATTERS, text, language) and not says(_SMALL_TALK, text, language)
