"""Other money-transfer, payment and banking services a customer may name: "how much does Wise
charge?", "my Western Union transfer hasn't arrived", "토스 비밀번호 어떻게 바꿔요?".

Such questions read like Hanbit Remit's own (the article on fees, on a late transfer, on
passwords finds them confidently), and the NLU calls them out of scope only when it knows the
name. A message that names one is not answered at once: the articles are offered, with the
out-of-scope reply's words (knowledge_base/decision.py: ANOTHER_PROVIDER). Only services Hanbit
Remit does not work with are listed: the payout wallets and payment methods its articles name
(GCash, bKash, Apple Pay, Google Pay) are not (tests/handoff/assistant/test_other_providers.py
checks the seed articles); banks and wallets, where recipients are paid, only with their own app,
PIN, password or lock ("my bank's app locked me out", "my gcash mpin").
Both scripts in either language: a Korean message may say "PayPal".
"""

from handoff.assistant.word_lists import joined

# banks where customers may hold their own accounts, English names
_BANKS = (
    r"chase|bank\s+of\s+america|bofa|wells\s+fargo|citi(bank)?|capital\s+one|barclays|hsbc|"
    r"lloyds|natwest|santander|halifax|bdo|bpi|metrobank|landbank|unionbank|security\s+bank|rcbc|"
    r"sbi|hdfc|icici|kookmin|shinhan|woori|hana\s+bank|nonghyup|credit\s+union"
)

# mobile wallets where recipients are paid, by the names customers write
_WALLETS = r"g-?cash|지캐시|b-?kash|paymaya|maya\s+wallet|nagad|easypaisa|jazz\s*cash|m-?pesa|paytm"

_NAMES = [
    # remittance companies
    r"western\s*union",
    r"money\s*gram",
    r"transfer\s*wise",
    r"\bwise\s+(charges?|fees?|transfers?|account|app|rates?|card)\b",
    r"\b(on|with|via|through|from|than|like|use|using|at)\s+wise\b",
    r"\bwise\s*(계정|앱|어플|수수료|카드|송금|환율|에서|으로|로|는|가|랑|보다)",
    r"remitly",
    r"world\s*remit",
    r"\bxoom\b",
    r"\bria\s+money",
    r"send\s*wave",
    r"taptap\s*send",
    r"\bazimo\b",
    r"hanpass",
    r"sentbe",
    r"wire\s*barley",
    r"\bgme\s+remit",
    r"웨스턴\s*유니[온언]",
    r"머니\s*그램",
    r"트랜스퍼\s*와이즈",
    r"와이즈",
    r"리밋리",
    r"월드\s*리밋",
    r"한패스",
    r"센트비",
    r"와이어\s*바알리",
    # wallets, payment apps and banks' apps
    r"pay\s*pal",
    r"\bvenmo\b",
    r"\bzelle\b",
    r"cash\s*app\b",
    r"revolut",
    r"payoneer",
    r"skrill",
    r"\bmonzo\b",
    r"\bn26\b",
    r"ali\s*pay",
    r"we\s*chat\s*pay",
    r"\btoss\b",
    r"kakao\s*(bank|pay)",
    # a phone carrier's bill ("보다폰 요금 두번 빠져나감"); not a number moved to it, nor a bill
    # as proof of address
    r"^(?![\s\S]*(proof|증명|서류|document))[\s\S]*(vodafone|t-?mobile|verizon|at&t|보다폰|티모바일|버라이즌)\S{0,3}\s*.{0,10}"
    r"(요금|bill|plan|charges?|청구)",
    r"naver\s*pay",
    r"samsung\s*pay",
    r"페이팔",
    r"벤모",
    r"레볼루트",
    r"페이오니아",
    r"알리\s*페이",
    r"위챗\s*페이",
    r"토스(?!트)",
    r"카카오\s*(뱅크|페이)",
    r"카뱅",
    r"네이버\s*페이",
    r"삼성\s*페이",
    # a bank's or a mail service's own app, online banking or password ("my BDO app keeps logging
    # me out", "농협 통장 비밀번호"); banks are named alone too, as the recipient's ("his BDO
    # account")
    rf"\b({_BANKS}|gmail|hotmail|yahoo|outlook)\s*(bank\s*)?('s\s+)?(mobile\s+|online\s+)?"
    r"(app|online\s+banking|internet\s+banking|password|pin|log\s*in|login)\b",
    # a bank's own fees ("bank of america's fees for a wire", "the ATM fee at BPI"); not a fee
    # where a recipient is paid ("does BDO charge my mum to receive it?")
    rf"\b({_BANKS})(\s*bank)?'s\s+(\w+\s+)?(fees?|charges?)\b",
    rf"\b(fees?|charges?)\s+(at|of)\s+({_BANKS})\b",
    r"((국민|KB|신한|농협|NH|IBK|우체국|체이스|BDO|HSBC|지메일|네이버)\s*(은행|뱅크)?|"
    r"(우리|하나|기업|케이|씨티|시티|SC\s*제일)\s*(은행|뱅크))\s*(통장\s*)?"
    r"(앱|어플|(인터넷|스마트|모바일)\s*뱅킹|비밀번호|비번|OTP|공인\s*인증서|메일\s*비밀번호)",
    # a bank account's own status ("한국 은행 계좌 비거주자로 바꿔야 한다던데")
    r"(계좌|통장)\S{0,2}\s*비거주자\S{0,2}\s*(로\s*)?(전환|변경|바꿔|바꾸)",
    r"비거주자\s*(계좌|통장)\S{0,2}\s*(로\s*)?(전환|변경|바꿔|바꾸|만들|개설)",
    # a card declined in a shop: the card issuer's matter ("my debit card got declined at the gas
    # pump", "barclays keeps declining my debit card at the petrol station"), not a card declined
    # paying for a transfer
    r"\b((card|debit|credit)\b.{0,30}\b(declined|rejected|refused)|(declin|reject|refus)\w*\s+"
    r"(my\s+|the\s+)?(\w+\s+){0,2}(card|debit|credit))\s+at\s+(the\s+|a\s+)?(\w+\s+){0,3}"
    r"(pumps?|(gas|petrol|fuel)\s+stations?|stores?|shops?|supermarkets?|atms?|restaurants?|tills?|"
    r"pharmac(y|ies)|truck\s+stops?|cafes?|markets?)\b",
    # a payout wallet's own account: its PIN, password, lock or cash-out ("my gcash got locked
    # after 3 wrong mpins", "bkash cash out charge", "GCash says my account is restricted");
    # named alone, it is where a recipient is paid ("the GCash number to put", "bkash limit?")
    rf"\b({_WALLETS})\b(\W+\w+){{0,5}}?\W+((m-?pin|pins?|passwords?|passcode|locked|unlock|"
    r"suspended|blocked|restricted|limited|frozen|cash\s*out|savings|e-?kyc)\b|비번|비밀번호|잠겼|잠김|정지)",
    # a bank's own app or online banking locked, unnamed ("my bank's app locked me out",
    # "locked out of my online banking after typing the password wrong")
    r"\b(bank('s)?|banking)\s+(mobile\s+)?app\b(\W+\w+){0,5}?\W+"
    r"(locked|lock(s|ed)?\s+me\s+out|unlock|passwords?|m-?pin)\b",
    r"\b(locked|lock(s|ed)?\s+me)\s+out\s+of\s+(my\s+)?(online|internet|mobile)\s+banking",
    r"(online|internet|mobile)\s+banking\b(\W+\w+){0,5}?\W+(locked|unlock|passwords?)\b",
    r"은행\s*(앱|어플|인터넷\s*뱅킹).{0,15}(잠겼|잠김|비번|비밀번호)",
    # a card company's own services ("신한카드 해외결제 수수료"); not a card paid with
    # ("국민카드로")
    r"(신한|국민|KB|삼성|현대|롯데|하나|우리|비씨|BC|NH|농협)\s*(체크\s*|신용\s*)?카드\s*(의\s*)?"
    r"(해외\s*(결제|이용|사용)|연회비|앱|어플|포인트|비밀번호|비번)",
    r"(신한|국민|KB|삼성|현대|롯데|하나|우리|비씨|BC|NH|농협)\s*카드로\s*해외\s*(결제|직구|쇼핑)",
]

_PATTERN = joined(_NAMES)

# Hanbit Remit itself, addressed beside another service: the customer compares ("Comparing you
# with Wise, what's your fee?", "토스는 잘 되는데 왜 여기만 이래요", "한빛은 환율을 어떻게"),
# and asks about Hanbit Remit's own service. Not "you" alone: "can you raise my PayPal limit?"
# asks about PayPal's.
_OURS = joined(
    [
        r"hanbit",
        r"한빛",
        # not "not your app, my KakaoBank one"
        r"(?<!not )\byour\s+(\w+\s+)?(fees?|rates?|app|service|charges?|transfers?|tracking)\b",
        r"(?<!not )\byou\s+(lot|guys)\b",
        r"\b(with|than)\s+(you|u)\b",
        r"\bcompar\w*\s+(you|u)\b",
        r"여기(만|는|서|에서|가)",
        r"이\s*(앱|어플)",
    ]
)


def mentions_another_provider(text: str) -> bool:
    """Whether the text names a money-transfer, payment or banking service other than Hanbit
    Remit's own and its partners'."""
    return _PATTERN.search(text) is not None


def names_another_provider(text: str) -> bool:
    """Whether the message names another service (`mentions_another_provider`) and asks about
    it: one that addresses Hanbit Remit too compares the two, a question for its articles."""
    return mentions_another_provider(text) and _OURS.search(text) is None
