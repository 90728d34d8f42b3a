"""A customer's own words that make a message urgent: fraud they suffered (a transfer or login
they did not make, an account taken over, a scam or theft), or a complaint they lodge, told in
the first person.

DIET reads most fraud reports rightly, but a report that names an amount and a country can read
as a transfer question or as out of scope at full confidence, and a complaint about a slow
verification finds the article on verification. These words are the decision's second signal:
a message that says them reaches a person (knowledge_base/decision.py decides how urgently).
They name events and acts, not topics: "how do I avoid scams?" and "how do I file a complaint?"
say none of them. Per language, like the NLU data; a language without a list has no such signal.
"""

from handoff.assistant.word_lists import joined, says

_ENGLISH_FRAUD = [
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
    # a scam told as something that happened: "it was a scam", "I fell for it", "a victim of"
    r"\b(it|this|that|he|she|they)\s+(was|were|turned\s+out\s+to\s+be)\s+(all\s+)?(an?\s+)?"
    r"(scam|scammers?|fraud|fraudsters?)\b",
    r"\bfell\s+for\b.{0,30}\b(scam|trick|fraud|lie)",
    r"\blost\b.{0,40}\bto\s+(an?\s+)?(\w+\s+)?(scam|scammers?|fraudsters?)\b",
    r"\bvictim\s+of\s+(an?\s+)?(\w+\s+)?(scam|fraud|theft|phishing)",
    # someone posing as family or a friend: "a man pretending to be my son"
    r"\b(pretend(ed|ing)|claim(ed|ing)|pos(ed|ing))\s+(to\s+be|as)\s+(my|our)\b",
]

# Family and friends, as impostors name themselves ("엄마, 나 폰 고장났어").
_KIN = (
    r"(아들|딸|자녀|엄마|아빠|어머니|아버지|할머니|할아버지|남편|아내|동생|형|오빠|누나|언니|조카|"
    r"삼촌|이모|고모|사촌|친구|여자\s*친구|남자\s*친구|애인|가족|지인)"
)

_KOREAN_FRAUD = [
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
    # a scam told as something that happened: "사기였어요", "속아서 보냈어요"
    r"사기(였|이었)",
    r"속(았|아서|은\s*(거|것))",
    # someone posing as family or a friend: "아들이라고 문자가 와서", "딸이 아니었어요"
    rf"{_KIN}\S{{0,2}}\s*(이라고|라고)\s*(해서|하면서|하길래|하는|한|했|카톡|문자|메시지|연락|전화)",
    rf"{_KIN}\S{{0,2}}\s*(이|가)\s*아니었",
]

# "I want to complain", "I'm making a formal complaint", "민원 넣을게요", "항의합니다": the
# customer lodges one now; asking how to, or saying they are not, is a question.
_ENGLISH_COMPLAINTS = [
    r"\b(i|we)\s*('d|would|want|wanna|wish|need|am going|'m going|will|'ll)\s*(like\s+)?(to\s+)?"
    r"(make|file|lodge|raise|submit|register|put in|send)\s+(a|an|my|this)\s+"
    r"(formal\s+|official\s+|written\s+)?complaint",
    r"\b(i|we)\s*('m|am|are)\s+(making|filing|lodging|raising|submitting)\s+(a|an|my)\s+"
    r"(formal\s+|official\s+|written\s+)?complaint",
    r"\b(i|we)\s*('d|would|want|wanna|wish|need)\s*(like\s+)?(to\s+)?complain\b",
    r"\b(i|we)\s*('m|am|are)\s+complaining\b",
    r"\bthis\s+is\s+a\s+(formal\s+|official\s+)?complaint\b",
    # a demand: "I demand a refund", "I expect compensation", "this is unacceptable"
    r"\b(i|we)\s+(demand|insist)\b",
    r"\b(want|demand|deserve|expect)\s+(some\s+|full\s+|a\s+)?compensation\b",
    r"\bunacceptable\b",
]

_KOREAN_COMPLAINTS = [
    r"(민원|항의|불만)\s*(을|를|도)?\s*(제기|접수)?\s*"
    r"(할게|할께|하겠|합니다|할\s*거|할\s*겁니다|해\s*주세요|해\s*주십시오|하고\s*싶|하려고\s*합니다|"
    r"넣을게|넣을께|넣겠|넣습니다|넣는다|넣을\s*거|넣어\s*주세요|넣고\s*싶)",
    # a demand: "당장 환불하세요", "보상해 주세요"
    r"(당장|즉시|얼른)\s*(환불|처리|해결|돌려)",
    r"(보상|배상)\s*(해|하|받)",
]


_FRAUD = {"en": joined(_ENGLISH_FRAUD), "ko": joined(_KOREAN_FRAUD)}
_COMPLAINT = {"en": joined(_ENGLISH_COMPLAINTS), "ko": joined(_KOREAN_COMPLAINTS)}


def reports_fraud(text: str, language: str) -> bool:
    """Whether the customer's words report fraud they suffered, in this language's list."""
    return says(_FRAUD, text, language)


def lodges_complaint(text: str, language: str) -> bool:
    """Whether the customer's words lodge a complaint, in this language's list."""
    return says(_COMPLAINT, text, language)
