"""A customer's own words that report fraud: a transfer or login they did not make, an account
taken over, a scam or theft they suffered, told in the first person.

DIET reads most fraud reports rightly, but a report that names an amount and a country can read
as a transfer question or as out of scope at full confidence. These words are the decision's
second signal: a message that says them reaches a person (knowledge_base/decision.py decides how
urgently). They name events, not topics: "how do I avoid scams?" says none of them.
Per language, like the NLU data; a language without a list has no such signal.
"""

import re

_ENGLISH = [
    # "I didn't make this transfer", "we never authorised it"
    r"\b(i|we)\s+(did\s*n[o']?t|didnt|never|did not)\s+"
    r"(make|made|send|sent|authori[sz]ed?|approved?|request(ed)?|do|did|change[d]?)\b",
    r"\b(do\s*n[o']?t|dont|do not)\s+recogni[sz]e\b",
    r"\b(unrecogni[sz]ed|unknown)\s+(device|login|sign.in|transfer|transaction|withdrawal)",
    r"\b(was\s*n[o']?t|wasnt|was not)\s+me\b",
    r"\bunauthori[sz]ed\s+(transfer|transaction|payment|withdrawal|login|access|charge)",
    # "I've been scammed", "my account got hacked"
    r"\b(been|got|get|getting|was|were|am)\s+(scammed|hacked|defrauded|phished|conned)\b",
    r"\b(account|phone|email|card)\s+(was|got|has\s+been|is)\s+(hacked|compromised|taken over)\b",
    r"\bhacked\s+(my|our|into)\b",
    r"\bsomeone\s+(else\s+)?(has\s+)?"
    r"(got into|broke into|logged|accessed|used|changed|took|sent|stole|hacked)\b",
    # someone posing as the company, the police or a bank
    r"\b(said|claimed|pretended|pretending)\s+(he|she|they)?\s*(was|were|is|are|to be)\s+from\b",
    r"\b(stole|stolen)\b.{0,30}\b(phone|card|id|passport|identity|money|account)\b",
    r"\b(phone|card|id|passport|wallet)\s+(was|got|has\s+been)\s+stolen\b",
    r"\bidentity\s+theft\b",
]

_KOREAN = [
    # "제가 안 한 송금", "보낸 적 없는 이체"
    r"(안\s*한|하지\s*않은|한\s*적\s*(이\s*)?없는)\s*(송금|이체|거래|결제|출금|로그인)",
    r"(보낸|송금한|이체한|결제한|출금한|로그인한)\s*적\s*(이\s*)?없",
    r"(바꾸|변경하|보내|송금하|이체하|로그인하)지\s*(도\s*)?않았는데",
    r"(나|내가|제가)\s*(한\s*(거|것|게)\s*)?(아님|아닌데|아니에요|아닙니다)",
    r"모르는\s*(기기|로그인|출금|결제)",
    r"(누가|누군가)\s*(제|내|저희)\s*(계정|폰|휴대폰|핸드폰|카드|비밀번호|비번)",
    # "사기당했어요", "보이스피싱 당한 것 같아요", "해킹당했"
    r"(사기|보이스\s*피싱|피싱|스미싱|해킹)\s*(를|을)?\s*(당했|당한|당하|당함|맞았|맞은)",
    r"해킹(된|됐|되었|돼|한)",
    r"(보이스\s*피싱|스미싱|피싱)\s*(같|인\s*것\s*같|인가|이에요|입니다)",
    r"사칭",
    # "직원이라고 해서 …": someone posing as the company, the police or a bank
    r"(직원|검찰|검사|경찰|수사관|은행|금감원|금융감독원)\S{0,3}\s*(이|이라|라)고\s*(해서|하면서|하길래|하는|한|했)",
    r"(명의|계정|카드|신분증)\s*도용",
    r"(폰|휴대폰|핸드폰|카드|신분증|여권|지갑)\S{0,3}\s*(도난|도둑\s*맞)",
    r"(도난|도둑\s*맞은)\s*(폰|휴대폰|핸드폰|카드|신분증|여권|지갑)",
]

_PATTERNS = {
    "en": re.compile("|".join(f"(?:{p})" for p in _ENGLISH), re.IGNORECASE),
    "ko": re.compile("|".join(f"(?:{p})" for p in _KOREAN)),
}


def reports_fraud(text: str, language: str) -> bool:
    """Whether the customer's words report fraud they suffered, in this language's list."""
    pattern = _PATTERNS.get(language)
    return pattern is not None and pattern.search(text) is not None
