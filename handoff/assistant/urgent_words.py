"""A customer's own words that make a message urgent: fraud they suffered (a transfer they did
not make, an account taken over, a scam or theft), or a complaint they lodge, told in the first
person; and words of a take-over feared with nothing lost (a login they did not make, a phone
stolen while signed in), a weaker sign.

DIET reads most fraud reports rightly, but a report that names an amount and a country can read
as a transfer question or as out of scope at full confidence, and a complaint about a slow
verification finds the article on verification. These words are the decision's second signal:
a message that says them reaches a person (knowledge_base/decision.py decides how urgently).
They name events and acts, not topics: "how do I avoid scams?" and "how do I file a complaint?"
say none of them. Per language, like the NLU data; a language without a list has no such signal.
"""

import re

from handoff.assistant.word_lists import found, joined, says
from knowledge_base.decision import FraudTold

# Money paid, then, within a story's length, what became of the other side ...
_PAID_THEN = r"\b(paid|sent|transferred|gave)\b.{0,200}\b"
# ... of their phone, page or office: it "is" or "was" gone, or only gone in few words.
_THEIR = r"(\w+'s|his|her|their|the)\s+"
_BECAME = r"(\s+(is|was|got|has\s+been|went))?\s+(now\s+)?"
# Family and friends, as impostors name themselves ("Mum, it's me, new number").
_KIN_EN = (
    r"(son|daughter|mum|mom|dad|father|mother|brother|sister|wife|husband|friend|boss|cousin|"
    r"nephew|niece|grandson|granddaughter)"
)

_ENGLISH_FRAUD = [
    # "I didn't make this transfer", "we never authorised it"
    r"\b(i|we)\s+(have\s+|'ve\s+)?(did\s*n[o']?t|didnt|never|did not)\s+"
    # ... "I didn't change anything" is a take-over only beside a loss (_ENGLISH_TAKE_OVER)
    r"(make|made|authori[sz]ed?|approved?|request(ed)?|do|did|change[d]?(?!\s+anything\b)|"
    # ... not "the app showed 1,720 won but I didn't send, and today it's lower"
    r"(send|sent)(?!\s*(,|yet\b|but\b|because\b)))\b",
    r"\b(i|we)\s+(am\s+|are\s+)?(not|no)\s+(do|did|make|made|send|sent|change|changed)\s+"
    r"(this|that|it)\b",
    r"(^|[.!?,]\s*)never\s+(sent|made|authori[sz]ed|approved)\s+(this|that|these|it)\b",
    # ... or a parent did not: "now there are 2 transfers on his account that he never made"
    r"\b(transfers?|payments?|transactions?)\b.{0,60}\b(he|she|they)\s+(never|did\s*n[o']?t|didnt)\s+"
    r"(make|made|send|sent|authori[sz]ed?)\b",
    # a SIM swap: "my number was moved to a new sim card that i never asked for"
    r"\b(sim|number|loan|account)\b.{0,30}\b(that|which)\s+(i|we)\s+(never|did\s*n[o']?t|didnt)\s+"
    r"(ask|asked|apply|applied)\s+for\b",
    r"\b(do\s*n[o']?t|dont|do not)\s+recogni[sz]e\b",
    r"\bnot\s+by\s+me\b",  # "800 euro sent, not by me!!"
    r"\b(not|wasn'?t|was\s+not)\s+me\W+(i\s+)?never\s+(sent|made|did|authori[sz]ed)\b",
    r"\bunauthori[sz]ed\s+(transfer|transaction|payment|withdrawal|charge)",
    # "I've been scammed", "my account got hacked"
    r"\b(been|got|get|getting|being|was|were|am)\s+(scammed|hacked|defrauded|phished|conned)\b",
    r"\b(account|phone|email|card)\s+(was|got|has\s+been|is)\s+(hacked|compromised|taken over)\b",
    r"\bhacked\s+(my|our|into)\b",
    r"\bsomeone\s+(else\s+)?(has\s+)?(already\s+)?(used|changed|took|sent|stole|hacked|collected|"
    r"picked\s+(it\s+)?up)\b",
    r"\b(without|w/o)\s+(my\s+|our\s+|any\s+)?(permission|consent|knowledge|authori[sz]ation)\b",
    r"\bwithout\s+asking\s+(me|us)\b",
    # "who sent 750 euro from my acc to india??"
    r"\bwho\s+(sent|took|moved|transferred|withdrew|spent|used)\b.{0,40}\bfrom\s+(my|our)\s+"
    r"(acc(oun)?t?|acct|card|wallet|balance)\b",
    r"\b(recipient|payee)\s+(that\s+)?(i|we)\s+(do\s*n[o']?t|dont)\s+know\s+"
    r"(was|were|has\s+been|got)\s+added",
    # someone posing as the company, the police or a bank, and the customer did as told ("said he
    # was from my bank and got me to send 2000 euros"): a call that only asked is a question
    r"\b(said|claimed|claiming|pretended|pretending)\s+(he|she|they)?\s*(was|were|is|are|to be)\s+"
    r"from\b.{0,80}\b(got\s+me\s+to|made\s+me|talked\s+me\s+into|(i|we)\s+(gave|sent|paid|"
    r"transferred|moved|told|installed|shared|read\s+(out|him|her|them)))\b",
    r"\b(stole|stolen)\b.{0,30}\b(card|id|passport|identity|money|account|details|savings)\b",
    r"\bpretending\s+to\s+be\s+me\b",
    # ... told the other way round: "I gave the code to a guy who said he was from your company"
    r"\b(gave|told|shared|sent|read)\b.{0,60}\b(who|that)\s+(said|claimed)\s+(he|she|they)\s+"
    r"(was|were|is|are)\s+from\s+(your|the|hanbit|my|our|an?)\b",
    # a code or a password given away: "I gave my verification code to a caller"
    r"\b(gave|told|shared|read\s+(him|her|them))\b.{0,30}\b((verification|one.?time|security|"
    r"sms|login|6.?digit)\s+code|otp|pin|password)\b",
    r"\b(card|id|passport|wallet|account|identity|details)\s+(was|were|got|has\s+been)\s+stolen\b",
    r"\bidentity\s+theft\b",
    # charged while away: "charged 4x today, 499 each ... I was on the ferry all day, no signal"
    r"\b(charged|sent|transferred|withdrawn|debited|taken)\b.{0,120}\b(i|we)\s+(was|were)\b.{0,30}"
    r"\b(all\s+day|all\s+night|the\s+whole\s+(time|day|night)|asleep|sleeping)\b",
    # an amount gone somewhere: "10 min later $1,450 gone to Thailand"
    r"([$€£]\s?[\d.,]+k?|\b[\d.,]+k?\s*(dollars?|pounds?|euros?|usd|eur|gbp|pesos?|rupees?))\s+"
    r"(just\s+)?gone\s+(to|from)\b",
    # a scam told as something that happened: "it was a scam", "I fell for it", "a victim of"
    r"\b(it|this|that|he|she|they)\s+(was|were|turned\s+out\s+to\s+be)\s+(all\s+)?(an?\s+)?"
    r"(scam|scammers?|fraud|fraudsters?)\b",
    r"\bfell\s+for\b.{0,30}\b(scam|trick|fraud|lie)",
    # an investment "opportunity" that keeps the money: "now the platform won't let me withdraw"
    r"\b(won'?t|will\s+not|does\s*n[o']?t|can'?t)\s+let\s+me\s+withdraw\b",
    r"\b(lost|sent|paid|transferred)\b.{0,40}\bto\s+(an?\s+)?(\w+\s+)?(scam|scammers?|fraudsters?)\b",
    r"\btricked\s+(me\s+|us\s+)?into\b",
    r"\b(i|we)\s+(was|were|got|have\s+been|'ve\s+been)\s+(tricked|duped|played|catfished)\b",
    # the real owner, or the person impersonated, knows nothing of it: "the real owner has never
    # heard of him", "my son says he never asked for money"
    r"\bthe\s+real\s+(owner|landlord|seller|person|company|agent)\b.{0,60}"
    r"\b(never|not|no\s+idea|didn'?t|doesn'?t)\b",
    r"\bnever\s+heard\s+of\s+(him|her|them)\b",
    rf"\bmy\s+real\s+{_KIN_EN}\b",
    # ... or is fine after all: "sent 40,000 pesos to the 'doctor'. My nephew is fine"
    rf"{_PAID_THEN}my\s+{_KIN_EN}\s+(is|was|'s)\s+(fine|ok|okay|safe|alright|never\s+in)\b",
    r"\b(says?|said|told\s+me)\s+(he|she|they)\s+(never|didn'?t|did\s+not)\s+(sent|send|asked?|"
    r"request(ed)?|wrote|e-?mail(ed)?|messaged?|call(ed)?)\b",
    r"\b(photos?|pictures?|profile)\b.{0,30}\b(someone|somebody)\s+else'?s?\b",
    r"\bturned\s+out\s+(to\s+be\s+)?(fake|bogus|a\s+lie)\b",
    r"\bturns?\s+out\b.{0,40}\b(was|is|were|are)\s+(all\s+)?(fake|bogus|phony|a\s+scam|a\s+lie)\b",
    r"\b(sent|paid|gave|transferred)\b.{0,40}\bto\s+an?\s+(fake|bogus|phony)\b",
    r"\bfraudulent\s+(transfer|transaction|payment|charge|login|withdrawal)",
    r"\b(fake|bogus|phony)\b.{0,40}\b(took|stole|used)\s+(my|our)\b",
    r"\b(scammer|fraudster|hacker|thief)s?\s+(took|stole|used|(has|have|had|got)\s+(my|our))\b",
    r"\b(moved|sent|transferred|paid)\b.{0,30}\bsafe\s+account",
    r"\bsafe\s+account\b.{0,20}\b(i|we)\s+(did|sent|moved|transferred|paid)\b",
    r"\binstalled\b.{0,40}\b(screen.?shar\w*|remote.?(access|control|desktop)|anydesk|teamviewer)",
    # a link in a message followed and a password or code typed in: "I clicked a link in a text
    # and typed my password" (not our own reset link: "... and entered a new password")
    r"^(?![\s\S]*\b(reset|new\s+password)\b)[\s\S]*\bclicked\b.{0,60}"
    r"\b(entered|typed|put\s+in|filled\s+in)\b.{0,20}\b(password|login|details|code|otp|pin|card)",
    r"\b(sending|sent|making)\s+(money|transfers|payments)\s+(on\s+its\s+own|by\s+itself)",
    # ... or logged in through someone's link, and money went: "the agent sent me a link to
    # 'verify' and I logged in. An hour later $900 went out"
    r"^(?![\s\S]*\b(reset|new\s+password)\b)[\s\S]*\blink\b.{0,60}\b(i|we)\s+(logged\s+in|signed\s+in|"
    r"entered|typed)\b.{0,120}\b(went\s+out|was\s+sent|were\s+sent|(is|was|were)\s+gone|"
    r"disappeared|taken|withdrawn)\b",
    # paid, then the other side vanished: "paid a seller and now they've blocked me", "the
    # landlord blocked us everywhere"
    rf"{_PAID_THEN}(he|she|they|seller|buyer|landlord|recruiter|agent|"
    r"manager|guy|man|woman)('s|\s+has|\s+have|'ve)?\s+(just\s+)?(disappeared|vanished|ghosted\s+(me|us)|"
    r"blocked\s+(me|us)|stopped\s+(answering|replying|responding)|(does\s*n[o']?t|won'?t|will\s+not)\s+"
    r"(answer|reply|respond))",
    # ... or a cheque that paid for it bounced: "sent me a cheque and asked me to forward 1,400
    # ... now my bank says the cheque bounced"
    rf"{_PAID_THEN}(cheque|check)\s+(has\s+|had\s+)?(bounced|was\s+(fake|fraudulent|returned))",
    # ... and others lost money to them too: "other families lost money"
    r"\bother\s+(families|people|customers|students|workers|victims)\s+(also\s+|too\s+)?"
    r"(lost|were\s+(scammed|cheated|robbed)|got\s+(scammed|cheated))\b",
    rf"{_PAID_THEN}{_THEIR}(phone\s+)?(number|phone|profile|account|website|page|listing|ad|advert)"
    rf"{_BECAME}"
    r"(disconnected|deleted|gone|removed|dead|out\s+of\s+service)",
    # ... or their office or social account: "his office is closed", "now her facebook deleted"
    rf"{_PAID_THEN}{_THEIR}(office|facebook|instagram|whatsapp|telegram)(\s+(account|page|profile))?"
    rf"{_BECAME}(closed|shut|empty|deleted|gone|removed)",
    # a fake investment that asks for more before paying out: "I must pay 2,000 more 'tax' to
    # withdraw"
    r"\b(pay|deposit|send)\b.{0,20}\b(more|another|extra|additional)\b.{0,30}\b(tax|fees?|charge)\b"
    r".{0,20}\bto\s+withdraw\b",
    r"\bvictim\s+of\s+(an?\s+)?(\w+\s+)?(scam|fraud|theft|phishing)",
    # someone posing as family or a friend: "a man pretending to be my son"
    r"\b(pretend(ed|ing)|claim(ed|ing)|pos(ed|ing))\s+(to\s+be|as)\s+(my|our)\b",
]

# A take-over feared: a login the customer did not make, a phone lost or stolen while signed in.
# Told beside a loss (money sent, details changed) it reports fraud; alone, it is a weaker sign
# than a report: "a new device logged into my account and it wasn't me. What should I do first?",
# "폰 잃어버렸는데 앱 로그인 된 상태 그대로라 ... 계정부터 잠가두고 싶은데" are asked as often
# as told (knowledge_base/decision.py: an article that answers them confidently does).
_ENGLISH_TAKE_OVER = [
    r"\b(unrecogni[sz]ed|unknown)\s+(device|login|sign.in)",
    r"\b(was\s*n[o']?t|wasnt|was not)\s+me\b",
    r"\bunauthori[sz]ed\s+(login|access)",
    r"\bsomeone\s+(else\s+)?(has\s+)?(got into|broke into|logged|accessed)\b",
    r"\bsomeone\s+(else\s+)?(is|was|has\s+been)\s+(using|logged\s+in|logging\s+in|in)\s+(to\s+)?my\b",
    r"\b(stole|stolen)\b.{0,30}\bphone\b",
    r"\bphone\s+(was|got|has\s+been)\s+stolen\b",
    # "my email was changed. i didnt change anything!!" (not "I did not change anything on the
    # phone" of an app that closes by itself)
    r"\b(i|we)\s+(have\s+|'ve\s+)?(did\s*n[o']?t|didnt|never|did not)\s+change[d]?\s+anything\b",
]
_ENGLISH_LOSS = [
    r"\b(sent|transferred|withdrawn|withdrew|taken|took|missing|gone|moved|emptied|drained|"
    r"changed|charged|spent|added|payments?|transactions?)\b",
    r"\btransfers?\b.{0,30}\b(never|did\s*n[o']?t|didnt)\s+(make|made|send|sent)\b",
    r"\bthere\s+(are|is|were|was|'s)\s+(\w+\s+){0,2}(transfers?|withdrawals?)\b",
]
_KOREAN_TAKE_OVER = [
    r"모르는\s*(기기|로그인)",
    r"(누가|누군가)\s*(제|내|저희)\s*(계정|폰|휴대폰|핸드폰|로그인)",
    r"(누가|누군가)\s*.{0,10}(제|내)\s*(계정|명의)\S{0,2}\s*(로그인|접속|들어)",
    r"(폰|휴대폰|핸드폰)\S{0,3}\s*(도난|도둑\s*맞)",
    r"(도난|도둑\s*맞은)\s*(폰|휴대폰|핸드폰)",
    # a phone lost while the app is signed in: "폰 잃어버렸어요.. 앱 로그인 되어있는데", "폰을
    # 지하철에서 잃어버렸는데 앱이 로그인 된 상태로 있어요"
    r"(폰|휴대폰|핸드폰)\S{0,2}\s*.{0,10}(잃어\s*버렸|잃어버린|분실).{0,30}(로그인|접속)\s*(되어|돼|된|상태)",
    # changed, and not by them: "번호가 변경됐다는 메일이 왔는데 저 안바꿨거든요?"
    r"(변경\s*(됐|되었|돼|됨)|바뀌었|바뀜|바뀐).{0,30}안\s*(바꿨|바꿈|변경했)",
    r"안\s*(바꿨|바꿈|변경했)\S*\s.{0,30}(변경\s*(됐|되었|돼|됨)|바뀌었|바뀜|바뀐)",
]
_KOREAN_LOSS = [
    r"(송금|이체|출금|결제)\S{0,2}\s*(이|가|도)?\s*(됐|되었|돼\s*있|되어\s*있|완료|나갔)",
    r"(보냈|보냄|보내졌|빠져\s*나|나갔|사라졌|없어졌|바뀌|바뀜|바꿨|바꿔\s*(놨|놓|버)|변경\s*(됐|되었|돼|됨)|"
    r"추가\s*(됐|되었|돼|됨|했|하고)|잔액\S{0,2}\s*0|(송금|이체|거래)\s*내역\S{0,2}\s*(에|엔)\s*(모르는|낯선|이상한))",
]


# Family and friends, as impostors name themselves ("엄마, 나 폰 고장났어").
_KIN_KO = (
    r"(아들|딸|자녀|엄마|아빠|어머니|아버지|할머니|할아버지|남편|아내|동생|형|오빠|누나|언니|조카|"
    r"삼촌|이모|고모|사촌|친구|여자\s*친구|남자\s*친구|애인|가족|지인)"
)

_KOREAN_FRAUD = [
    # "제가 안 한 송금", "보낸 적 없는 이체"
    r"(안\s*한|하지\s*(도\s*)?않은|한\s*적\s*(이\s*)?없는)\s*(송금|이체|거래|결제|출금|로그인)",
    r"(보낸|송금한|이체한|결제한|출금한|로그인한|바꾼|변경한|요청한|신청한|동의한|허락한)\s*적\s*(이\s*)?없",
    r"요청\s*(도|을|를)?\s*안\s*했는데",
    r"(무단|부정)\s*(이체|송금|결제|출금|접속|로그인|사용)",
    r"(?<!동)안\s*보낸\s*(송금|이체|돈|거래)",  # not "그동안 보낸 송금 기록"
    r"(제가|내가)\s*(보낸|한|바꾼|송금한|로그인한)\s*(거|것|게)\s*(이|가)?\s*(아니|아님|아닌|아닙)",
    r"저도\s*모르게",
    r"(허락|동의)\s*(도\s*)?없이",
    r"(바꾸|변경하|보내|송금하|이체하|로그인하)지\s*(도\s*)?않았는데",
    r"(나|내가|제가)\s*(한\s*(거|것|게)\s*)?(아님|아닌데|아니에요|아닙니다)",
    # a payment made, then "I didn't": "송금 2건 결제됐는데 저 안했어요"
    r"(송금|이체|결제|출금)\S{0,4}\s*(됐|되었|돼\s*있|나갔)\S{0,4}\s*.{0,10}"
    r"(저|제가|나|내가)\s*(는|은)?\s*안\s*했",
    # "번호 변경완료 메일이랑 €2,000 송금 알림 옴 저 아무것도 안했어요"
    r"(송금|이체|결제|출금|변경)\S{0,6}.{0,30}(저|제가|나|내가|난|전)\s*(는|은)?\s*아무것도\s*안\s*했",
    r"모르는\s*(출금|결제|송금|거래|이체|수취인)",
    # a SIM swapped: "통신사에서 유심 재발급됐다고 함 (난 신청 안함)"
    r"(유심|USIM|SIM)\S{0,3}\s*.{0,10}(재발급|교체)\S{0,6}.{0,20}(신청\s*)?(안\s*(함|했)|한\s*적\s*(이\s*)?없)",
    # collected by someone else: "현금수령 보낸 돈을 누가 먼저 찾아갔대요"
    r"누가\s*(먼저\s*|대신\s*)?(찾아\s*(갔|감)|수령했|받아\s*갔)",
    # someone posing as a relative: "사촌형 행세한 놈한테 ... 보냄"
    r"행세\S{0,3}\s*.{0,30}(보냈|보냄|송금|입금)",
    r"(수취인|받는\s*(사람|분))\S{0,2}\s*.{0,30}(전혀|생판)\s*모르는\s*(사람|분)",
    # a payment made while the customer slept: "송금 완료 메일이 왔는데 그시간에 저 자고 있었거든요"
    r"(송금|이체|결제|출금|로그인|접속)\S{0,8}.{0,40}(그\s*시간에?|그때)\s*(저는?|제가|나는?|난)?\s*"
    r"(잠\s*)?자고\s*있었",
    r"자는\s*(사이|동안)\S{0,2}\s*.{0,20}(송금|이체|결제|출금|빠져\s*나|나갔)",
    r"(누가|누군가)\s*(제|내|저희)\s*(카드|비밀번호|비번|돈|명의|번호로|유심)",
    r"(누가|누군가)\s*(몰래|저인\s*척|나인\s*척)",
    # "누가 제 체크카드를 몰래 등록해서 결제했어요"
    r"몰래\s*(제\s*|내\s*)?\S{0,4}\s*(등록|결제|송금|이체|사용|로그인|접속|출금)",
    r"(누가|누군가)\s*(제\s*\S+\s*)?(송금|이체|결제|로그인)\s*했(어요|어|습니다|음|네요)",
    r"훔쳐\s*(갔|간|감)",
    r"(도용|탈취)\s*(당|됐|된|되었)",
    r"(계정|카드|정보|비번|비밀번호|아이디|폰)\S{0,2}\s*털(렸|린|림|려)",
    # "사기당했어요", "보이스피싱 당한 것 같아요", "해킹당했"
    r"(사기|보이스\s*피싱|피싱|스미싱|해킹|스캠)\s*(를|을)?\s*(당했|당한|당하|당함|당해|맞았|맞은)",
    r"사기꾼.{0,20}(송금|보냈|보낸|입금|가져|썼|사용)",
    r"사기\S{0,2}\s*(로|에)\s*.{0,10}(송금|보냈|돈)",
    r"(보냈|송금했|입금했)\S{0,4}\s*(는데|더니)\s*.{0,10}사기",
    r"(사기|피싱|스캠)\s*피해\s*(자|를|를\s*입|입었)",
    # a code given away: "인증번호 불러줬어요"
    r"(인증\s*번호|일회용\s*(코드|번호)|보안\s*코드|OTP|비밀번호|비번)\S{0,2}\s*(를|을)?\s*"
    r"(알려\s*줬|불러\s*줬|말해\s*줬|넘겨\s*줬|알려\s*드렸|불러\s*드렸|알려\s*주셨|불러\s*주셨)",
    # paid, then the other side vanished: "돈 보냈는데 판매자가 잠수탔어요"
    r"잠수\s*(탔|탐|타\s*버)",
    r"연락\s*(이\s*)?두절",
    r"(보냈|송금했|입금했)\S{0,4}\s*(는데|더니).{0,20}연락\S{0,2}\s*(갑자기\s*|이제\s*)?"
    r"(끊겼|끊김|끊어졌|안\s*(돼|되|됨|받))",
    # "돈 안 보냈는데 앱에 송금이 있어요"
    r"안\s*보냈\S{0,3}.{0,20}(송금|이체|내역|출금)\S{0,2}\s*(있|됐|되어|돼\s*있|나갔)",
    r"(보냈|송금했|입금했)\S{0,4}\s*(는데|더니).{0,30}차단\s*당",
    r"(보내자마자|송금하자마자|입금하자마자|보낸\s*뒤로|보낸\s*후로|그\s*뒤로)\s*.{0,30}"
    r"(차단\s*(됨|됐|당)|잠수|없는\s*번호|연락\s*(이\s*)?(끊|두절)|전화\S{0,2}\s*안\s*받)",
    # a fake investment that asks for more before paying out: "출금하려니까 세금 먼저 내래요"
    r"출금\S{0,4}\s*.{0,20}(세금|수수료|보증금)\S{0,4}\s*.{0,10}(먼저|더|또)?\s*"
    r"(내라|내래|보내라|보내래|입금하라)",
    # a prize that costs a fee, and more fees after it: "경품 당첨됐다고 통관비 내라고 해서 두 번
    # 보냈는데 이번엔 세금 명목으로 또 보내래요"
    r"(경품|복권|상금|이벤트)\S{0,3}\s*당첨.{0,60}(보냈|송금했|입금했|냈)",
    r"(세금|통관비|수수료|보증금|배송비)\S{0,4}\s*.{0,10}(또|추가로)\s*(보내|내|입금하)\s*(래|라고|라네|라는)",
    r"가짜\S{0,3}\s*(였|이었)",
    r"가짜\s*.{0,12}(한테|에게|에|에서)\s*.{0,12}(보냈|송금했|입력했|알려\s*줬|넣었)",
    r"안전\s*계좌.{0,40}(보냈|옮겼|송금했|이체했)",
    r"(유학원|업체|에이전시|판매자|집주인|중개인|브로커)\S{0,2}\s*(홈피|홈페이지|사이트|카톡|전화|번호)?"
    r"\S{0,2}\s*(도|까지)?\s*(닫혔|폐쇄|없어졌|사라졌|잠적|연락\s*두절)",
    r"원격\s*(지원|제어)?\s*(앱|어플|프로그램)\S{0,3}\s*.{0,10}(깔았|설치했|깔고|설치하고)",
    r"(anydesk|애니\s*데스크|teamviewer|팀\s*뷰어|퀵\s*서포트)\S{0,3}\s*.{0,20}(깔았|설치했)",
    # "문자로 온 링크 누르고 비번을 입력했어요" (not our own reset link: "재설정 … 새 비번")
    r"^(?![\s\S]*(재설정|reset|리셋|새\s*(비번|비밀번호)))[\s\S]*(문자|메일|카톡|메시지|SMS)\S{0,3}\s*"
    r".{0,10}링크\S{0,2}\s*(눌러|누르고|누른|눌렀|클릭)"
    r".{0,30}(비번|비밀번호|인증\s*번호|로그인\s*정보|개인\s*정보|카드\s*번호)\S{0,2}\s*(입력|넣|쳤)",
    r"저절로\s*(송금|이체|돈이)",
    # money draining as they write: "내계좌에서 돈빠져나감 빨리 막아주세요" (not "제 통장에서 돈은
    # 이미 빠져나갔거든요", a transfer paid by bank)
    r"(내|제)\s*(계좌|계정|통장)\S{0,2}\s*에서\s*.{0,6}빠져\s*나(감|가는\s*중|가고\s*있)",
    # a fake investment: "입금하라길래 6천달러 넣었는데 출금이 안돼요"
    r"(넣었|입금했|보냈|송금했)\S{0,6}.{0,30}출금\S{0,2}\s*(이|가|은)?\s*(안\s*(돼|되|됨)|막혔|불가)",
    r"해킹(된|됐|되었|돼|한)",
    # "직원이라고 해서 인증번호를 알려줬어요": someone posing as the company, the police or a bank,
    # and the customer did as told (a call that only asked is a question)
    r"(직원|검찰|검사|경찰|수사관|은행|금감원|금융감독원|사칭)\S{0,3}\s*"
    r"((이|이라|라)고\s*(해서|하면서|하길래|하는|한|했)|(이라|라)\s*(면서|며)|.{0,10}(전화|문자|연락))"
    r".{0,100}(?<!안\s)(?<!안)(?<!못\s)(?<!못)(보냈|송금했|이체했|옮겼|알려\s*(줬|주었|드렸|주셨)|"
    r"불러\s*(줬|주었|드렸|주셨)|설치했|"
    r"깔았|입력했|"
    r"넘겨\s*줬)",
    r"(명의|계정|카드|신분증)\S{0,2}\s*도용",
    r"(카드|신분증|여권|지갑)\S{0,3}\s*(도난|도둑\s*맞)",
    r"(도난|도둑\s*맞은)\s*(카드|신분증|여권|지갑)",
    # a scam told as something that happened: "사기였어요", "속아서 보냈어요"
    r"사기(였|이었)",
    r"속(았|아서|은\s*(거|것))",
    # someone posing as family or a friend: "아들이라고 문자가 와서", "딸이 아니었어요"
    rf"{_KIN_KO}\S{{0,2}}\s*(이라고|라고)\s*(해서|하면서|하길래|하는|한|했|카톡|문자|메시지|연락|전화)",
    rf"{_KIN_KO}\S{{0,2}}\s*(이라면서|라면서|이라며|라며)",
    # the person impersonated knows nothing of it: "아들이랑 통화했는데 그런 적 없대요"
    r"(그런|보낸|보내신|요청한|요청하신|연락한|연락하신|부탁한|부탁하신)\s*적\s*(이|은)?\s*(전혀\s*)?"
    r"없(대|답니다|다네요|다시네요|다고)",
    r"다른\s*사람\s*(의\s*)?(사진|얼굴)",
    r"(사진|프로필)\S{0,2}\s*(이|가|은|는|도)?\s*(다\s*)?(다른\s*사람|남의|딴\s*사람)\s*(거|것|꺼)",
    # paid, then the other side's site, office or account gone: "보냈어요 근데 그 회사 홈피가
    # 없어졌고", "사무실도 없어지고 담당자 카톡도 탈퇴했어요"
    r"(보냈|송금했|입금했|이체했|넣었)\S{0,6}.{0,80}(홈페이지|홈피|사이트|사무실|계정|카톡|번호|\S*방)\S{0,2}\s*"
    r"(가|이|도)?\s*(없어(졌|지)|사라(졌|지)|삭제\s*(됐|되었|됨)|폐쇄|탈퇴\s*(했|함|해))",
    r"시키는\s*(대로|데로)\s*.{0,30}(보냈|송금|이체|옮겼|입금)",
    # ... or their office empty: "유학원에 £3,000 보냈는데 ... 사무실 가보니 텅 비어있고"
    r"(보냈|송금했|입금했|이체했|넣었)\S{0,6}.{0,100}(사무실|가게|매장)\S{0,3}\s*.{0,10}(텅\s*비|텅텅)",
    # "내 이메일이랑 폰번호 누가 바꿔놨음"
    r"(누가|누군가)\s*(몰래\s*)?(바꿔\s*(놨|놓았|버렸)|바꿨|변경했|변경해\s*놨)",
    # paid, then nothing came, or the other side does not exist: "600유로 송금했는데 물건은 안오고",
    # "선교헌금 급하다고 해서 세번 보냈어요. 근데 그 교회가 존재하지 않는대요"
    r"(보냈|송금했|입금했|이체했)\S{0,6}.{0,40}(물건|택배|상품)\S{0,2}\s*(은|이|도)?\s*"
    r"(안\s*(오|와|옴)|못\s*받)",
    r"존재하지\s*않(는대|는다고|는다네|았)",
    rf"{_KIN_KO}\S{{0,2}}\s*(이|가)\s*아니었",
    # ... or is fine after all: "구속된다는 전화를 받고 800만원을 보냈는데, 아들은 멀쩡하게
    # 학교에 있대요"
    rf"(보냈|송금했|입금했|이체했)\S{{0,6}}.{{0,40}}{_KIN_KO}\S{{0,2}}\s*.{{0,10}}"
    r"(멀쩡|아무\s*일\s*(도\s*)?없|아무것도\s*모르)",
]

# Praise that means the opposite, beside what went wrong ("Wow, amazing service. 'Usually under 30
# minutes', you said. It's day 4. Really impressed, keep it up"): sarcasm, the way complaints
# most often escaped a person blind on the thirteenth to fifteenth held-out sets.
_PRAISE_EN = (
    r"(\b((amazing|great|fantastic|brilliant|excellent|wonderful|awesome|stellar|superb)\s+"
    r"(service|job|work|support)|really\s+(impressed|proud)|keep\s+it\s+up|well\s+done|"
    r"proud\s+of\s+yourselves|thanks\s+for\s+nothing|slow\s+clap|truly\s+impressed)\b|\blovely\W*$)"
)
_WENT_WRONG_EN = (
    r"\b(still|and\s+counting|day\s+\d+|undelivered|not\s+arrived|never\s+"
    r"(arrived|came)|rejected|failed|lol|\d+\s+(days|weeks)\s+for|(days?|weeks?)\s+after)\b|"
    r"'(instant|fast|quick)'"
)

# "I want to complain", "I'm making a formal complaint", "민원 넣을게요", "항의합니다": the
# customer lodges one now; asking how to, or saying they are not, is a question.
_ENGLISH_COMPLAINTS = [
    rf"^(?=[\s\S]*{_PRAISE_EN})[\s\S]*{_WENT_WRONG_EN}",
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
    r"\bbecause\s+of\s+you\s+(people|guys|lot)\b",
    r"\b(expect|want|demand|need)\s+(you|u|hanbit(\s+remit)?)\s+to\s+(compensate|reimburse|pay\s+me|"
    r"pay\s+us|refund\s+me|cover)\b",
    r"\b(unacceptable|not\s+acceptable|disgraceful)\b",
    r"\b(you|u|hanbit(\s+remit)?)\s+owe\s+(me|us)\b",
    r"\b(formal|official|written)\s+apology\b",
    # leaving, and saying so: "I'm done, moving to another app and taking my whole family with me"
    r"\b(i'?m|i\s+am|we'?re|we\s+are)\s+(done\W+)?(moving|switching|leaving|going)\b.{0,20}\b(another|other|"
    r"a\s+different)\s+(app|company|service|provider)\b",
    r"\b(want|expect|demand)\s+(it|this|that)\s+made\s+right\b",
    r"\b(want|need)\s+(it|this|that|them)\s+investigated\b",
    r"\bsomeone\s+to\s+take\s+responsibility\b",
    # a complaint taken further, or one already made and not answered
    r"\bescalate\s+(a|my|this)\s+complaint\b",
    r"\b(formally|officially)\s+complain\b",
    r"\breport\s+(you|your\s+company|hanbit(\s+remit)?)\s+to\s+(the\s+)?(\w+\s+){0,2}"
    r"(regulator|ombudsman|authorities|authority|fca|cfpb)\b",
    r"\b(want|need)\s+(this|my)\s+complaint\s+(recorded|logged|handled|investigated)",
    r"\bmy\s+complaint\b.{0,40}\b(ignored|no\s+(answer|reply|response)|not\s+(answered|handled))",
    r"\b(waiting|no\s+(answer|reply|response))\b.{0,30}\bmy\s+complaint\b",
    r"\b(made|filed|lodged|sent|submitted)\s+a\s+complaint\b.{0,40}\b(no|still|never)\b",
    r"\b(leave|write|post|give)\s+(you\s+)?(a\s+)?(bad|negative|1.star|one.star)\s+review",
    # "1 star on play store + tiktok video tonight", "this is the third time i'm writing"
    r"\b(1|one)[\s-]*star\b.{0,20}\b(play\s*store|app\s*store|google|trustpilot|reviews?|everywhere)\b",
    r"\b(tiktok|youtube|twitter|facebook|instagram)\s+(video|post|thread)\b.{0,20}\b(tonight|today|"
    r"unless|about\s+(you|this))\b",
    r"\b(third|fourth|fifth|\d+(st|nd|rd|th))\s+time\s+(that\s+)?"
    r"(i'?m\s+|i\s+am\s+|i\s+have\s+|i'?ve\s+|i\s+)?"
    r"(writing|written|write|asking|asked|ask|contacting|contacted|contact|calling|called|call|"
    r"complaining|chatting)\b",
    r"\b(i'?m|i\s+am|we'?re|we\s+are|i'?ll|i\s+will|we\s+will|going\s+to)\s+(fil(e|ing)|"
    r"complain(ing)?|report(ing)?|lodg(e|ing))\b.{0,30}\b(with|to)\s+(the\s+)?"
    r"(cfpb|fca|ombudsman|financial\s+ombudsman|regulator|bbb)\b",
    r"\b(going|go|went|take\s+this|taking\s+this)\s+(straight\s+|directly\s+)?to\s+(the\s+)?"
    r"(\w+\s+)?(ombudsman|regulator|fca|cfpb|bbb|authorities)\b",
    # how the customer was treated: "the agent was rude", "hung up on me", "lied to me"
    r"\b(agent|rep|staff|person|employee|guy|he|she)\b.{0,50}\b(rude|condescending)\b",
    r"\b(hung|hang)\s+up\s+on\s+(me|us)\b",
    r"\blied\s+to\s+(me|us)\b",
    r"\btreat(ed|ing|s)?\s+(me|us|people|customers)\s+like\s+(a\s+)?criminals?\b",
    r"\b(i'?m|i\s+am|we'?re|we\s+are)\s+(so\s+|really\s+|very\s+|extremely\s+)?"
    r"(furious|disgusted|fed\s+up|dissatisfied)\b",
    # money taken, told as a wrong done: "you cheated me", "i want my money back now"
    r"\b(you|u|hanbit(\s+remit)?)\s+(cheated|robbed|scammed|ripped\s+off)\s+(me|us)\b",
    r"\b(money|it|refund)\s+back\s+(right\s+)?(now|immediately|today|asap)\b",
    r"\bthis\s+is\s+(ridiculous|outrageous|a\s+joke|a\s+disgrace|not\s+ok(ay)?)\b(?!\s*\?)",
    r"\bsomeone\s+(needs|has)\s+to\s+answer\s+for\s+(it|this|that)\b",
    # the story taken public: "I'm about to post exactly how you treated me and my grandmother"
    r"\b(post|posting|share|sharing|tell|telling)\b.{0,30}\bhow\s+(you|u|hanbit(\s+remit)?)\s+"
    r"(treated|treat|handled|ignored)\s+(me|us|my|our)\b",
    # others warned off: "I'm telling every nurse on my ward to stay away from you"
    r"\b(telling|tell|warning|warn)\s+(every(one|body)?|all|my)\b.{0,40}\b(stay\s+away|to\s+avoid|"
    r"never\s+to\s+use|not\s+to\s+use)\b",
    r"\b(that'?s|thats|this\s+is|it'?s)\s+(just\s+|plain\s+)?(stealing|theft)\b",
    r"\bis\s+(daylight\s+)?robbery\b",  # "this is robbery", "charging me 4.99 ... is robbery"
    # charged twice by us, or a fee demanded back: "you charged me the 4.99 fee twice", "refund my
    # fees.", "I want the difference paid back", "i want the extra fee refunded", "I'd like my
    # $4.99 fee back" (another company's double charge is not ours; "do I get the fee back?" asks)
    r"\b(you|u|(your|ur)\s+app|hanbit(\s+remit)?|(i|we)\s+(was|were|got|have\s+been|'ve\s+been))\s+"
    r"(just\s+)?"
    r"(charged|took|deducted|debited)\s+(me\s+|us\s+)?(the\s+)?"
    r"([$€£]?[\d.,]+\s*(usd|eur|gbp|dollars?|euros?|pounds?)?\s+)?(card\s+)?"
    r"(fees?\s+)?(twice|double|two\s+times)\b",
    r"^\s*charged\s+twice\b",
    r"\b(i|we)(\s+want|\s+need|\s+demand|\s+expect|'d\s+like|\s+would\s+like)\s+"
    r"(my|the|our|all\s+(my|the|our))\s+(extra\s+)?([$€£]?[\d.,]+\s*(usd|eur|gbp)?\s+)?"
    r"(fees?|difference)\s+((paid\s+|refunded\s+)?back|refunded)\b",
    r"(^|[.!]\s*)refund\s+(my|the|our)\s+(fees?|money)\b",
    r"\brefund\s+(everything|it\s+all|all\s+of\s+it)\b",
    r"\bexplain\s+yourselves\b",
    r"\b(pay|give|refund)\s+(me\s+)?(back\s+)?the\s+difference\b",
    r"\b(this|that|it)\s+is\s+cheating\b",
    # "fix it and compensate me" (not "will you compensate me if it is late?")
    r"\b(and|to|must|should|please)\s+compensate\s+(me|us)\b",
    # written to again and again: "I have contacted you four times and received no reply"
    r"\b(contacted|emailed|e-mailed|written\s+to|wrote\s+to|called|messaged|chased)\s+(you|your\s+\w+)\s+"
    r"(\d+|three|four|five|six|seven|several|many|so\s+many)\s+times\b",
    r"\brefer\s+(this|it|the\s+matter|my\s+complaint)\s+to\s+(the\s+)?(\w+\s+)?(ombudsman|regulator|"
    r"fca|cfpb)\b",
    # the story taken public: "I'm posting a video about how you treated my mum's transfer"
    r"\b(post|posting|make|making|film|filming)\s+a\s+(tiktok\s+|youtube\s+)?(tiktok|video|post|"
    r"thread|review|reel)\s+(\w+\s+)?about\s+(how\s+)?(you|your|hanbit)\b",
    # "gonna post on tiktok how u froze my acct"
    r"\b(post|posting|put|putting)\s+(it\s+)?(on|to)\s+(tiktok|youtube|twitter|facebook|instagram|"
    r"reddit)\s+(how|what|about)\b",
    # "posting this on tiktok tonight if nobody calls me"
    r"\b(post|posting|put|putting)\s+(this|it\s+all|everything)\s+(on|to)\s+(tiktok|youtube|twitter|"
    r"facebook|instagram|reddit)\b",
    r"\b(tag|tagging|call|calling|tell|telling|contact|contacting)\s+(the\s+)?(local\s+)?(news|press|"
    r"journalists?|newspapers?)\b",
    # "you say no markup ... thats a lie in your advertising"
    r"\b(that'?s|thats|this\s+is|it'?s)\s+(a\s+)?(lie|false\s+advertising)\b",
    r"\bfalse\s+advertising\b",
    r"\bbreach\s+of\s+contract\b",
    r"\b(i|we)\s+(want|demand|expect)\s+(the|my|our)\s+missing\s+([$€£]?[\d.,]+k?\s*)?(\w+\s+)?back\b",
    # money we took or held, wanted back: "you held my 5000 for weeks, I want my money back"
    # (not "my transfer failed, I want my money back")
    r"\b(you|u)\s+(charged|took|held|kept|froze)\b.{0,80}\bwant\s+(my|our)\s+money\s+back\b",
    # the law brought in: "my lawyer will be contacting you", "I will take legal action"
    r"\b(my|our)\s+(lawyer|attorney|solicitor)s?\s+(will|is\s+going\s+to|are\s+going\s+to)\b",
    r"\bletter\s+from\s+(my|our)\s+(lawyer|attorney|solicitor)",
    r"\b(take|taking)\s+(legal\s+action|you\s+to\s+court)\b",
    r"\b(i'?ll|i\s+will|i'?m\s+going\s+to|we\s+will)\s+sue\b",
]

# Anger, and the money or compensation it demands, in either order (_KOREAN_COMPLAINTS).
_ANGER = r"(짜증|열\s*받|빡치|빡쳐|화\s*나|화가\s*나)"
_MONEY_DEMANDED = r"(환불|돌려\s*(줘|주|내|놔)|보상|배상)"
# The app stores where a bad review is threatened.
_APP_STORE = r"(앱\s*스토어|플레이\s*스토어|구글\s*플레이)"

# Sarcasm, as in English (_PRAISE_EN): "네네 빠르고 안전한 송금 잘 봤습니다ㅋㅋ 보낸지 열흘 된 돈이
# 아직 네팔 어딘가를 여행중이네요"
_PRAISE_KO = (
    r"(대단하(시네요|십니다|네요)|훌륭하(십니다|시네요|네요)|최고(~|\^\^|ㅋ)|잘\s*봤습니다|"
    r"(빠르|친절하|감사하)(네요|시네요)\s*(\^\^|ㅋ))"
)
_WENT_WRONG_KO = r"(아직|감감무소식|며칠|일째|주째|열흘|안\s*(들어|와|옴|됨)|거절|실패|차이)"

_KOREAN_COMPLAINTS = [
    rf"^(?=[\s\S]*{_PRAISE_KO})[\s\S]*{_WENT_WRONG_KO}",
    r"(민원|항의|불만)\s*(을|를|도)?\s*(제기|접수)?\s*"
    r"(할게|할께|하겠|합니다|할\s*거|할\s*겁니다|해\s*주세요|해\s*주십시오|하고\s*싶|하려고\s*합니다|"
    r"넣을게|넣을께|넣겠|넣습니다|넣는다|넣을\s*거|넣어\s*주세요|넣고\s*싶)",
    # a demand: "당장 환불하세요", "보상해 주세요"
    r"(당장|즉시|얼른)\s*(환불|처리|해결|돌려)",
    r"(보상|배상)\s*(을|를|도)?\s*(해|하|받(고\s*싶|아야|겠|아\s*내))",
    r"(보상|배상|손해\s*배상)\s*(을|를)?\s*(청구|요구|요청)",
    r"불만\s*(이)?\s*(있어요|있습니다|있음|많아요|많습니다)",
    r"보상.{0,10}안\s*해\s*주",
    r"항의\s*(하려고|하려구|할려고)",
    # ... not where to: "컴플레인 넣는 메일 주소가 따로 있나요?"
    r"컴플레인\s*(을|를)?\s*(걸|넣|접수해)(?!는\s*(곳|데|메일|이메일|주소|방법|법|절차)|으려면)",
    r"컴플레인\s*(을|를)?\s*(할게|하고\s*싶)",
    r"(민원|불만\s*사항)\s*(으로|로)\s*(기록|접수|처리|남겨)",
    r"기만(이|입니다|이라|이에요|이죠)",
    r"물어\s*(내야|내세요|내라|내십시오|내셈|줘야|주세요|주십시오|내(\s*$|[\s!.~ㅡ]))",
    r"책임\s*(져\s*$|져[!?.~]|져라|지세요|져\s*주세요|지십시오|질\s*거예요|질\s*겁니까|지라|"
    r"(지셔야|져야)\s*(죠|지요|합니다|하는\s*거\s*아닌|하는\s*거\s*아니에요))",
    r"사과\S{0,3}\s*(하세요|하십시오|받고\s*싶|원합니다|받아야|받겠)",
    r"공식\s*(적인\s*|적으로\s*)?사과",
    r"조사해\s*(주세요|주십시오)",
    # a complaint already made and not answered: "불만 접수했는데 아직도 답이 없네요"
    r"(불만|민원|컴플레인)\S{0,3}\s*.{0,15}(답이\s*없|답장이\s*없|연락이\s*없|무시|처리\s*안)",
    r"(윗선|상급자)\S{0,2}\s*(에|에게|한테)?\s*(올려|보고)",
    # asked again and again, nothing done: "돌려달라고 몇 번을 말했는데 아직도 그대로네요"
    r"(몇\s*번(을|이나|씩)?\s*(말|얘기|요청|문의|연락|전화)\S{0,4}|"
    r"(말|얘기|요청|문의|연락|전화)\S{0,3}\s*몇\s*번(을|이나|씩)?)\s*(했|드렸)\S{0,3}\s*"
    r"(는데|데|는데도|지만)\s*.{0,10}(아직|여전히|그대로|답이\s*없|연락이\s*없|처리\s*안)",
    # a complaint taken to the regulator: "금감원에 신고할거예요"
    r"(금감원|금융\s*감독\s*(원|기관|당국)|(금융\s*)?당국|소비자\s*원|소비자\s*보호원|옴부즈만|"
    r"(financial\s*)?ombudsman|FCA|CFPB)\S{0,2}\s*"
    r"(에|에다|에다가)?\s*"
    r"(정식\s*으로\s*|공식\s*적?\s*으로\s*)?(신고|민원|고발|제보|접수)\s*(할|하겠|합니다|했|넣|하기\s*전)",
    # how the customer was treated: "상담원이 너무 무례했어요", "전화를 끊어버렸어요"
    r"(직원|상담원|상담사|담당자)\S{0,10}.{0,20}신고",
    r"무례(했|하게|한)",
    r"불친절(했|해서|하게|하더)",
    r"(전화|채팅|통화|상담)\S{0,2}\s*(그냥\s*)?끊어\s*버",
    # the agent's name asked for: "그 직원 이름 알려줘요"
    r"(직원|상담원|상담사)\S{0,2}\s*(이름|실명|사번)\S{0,2}\s*(좀\s*)?(알려|뭐|말해)",
    r"거짓말(했|을\s*했|하셨)",
    r"범죄자\s*취급",
    r"(용납|납득)\s*(이\s*)?(안|못|불가)",
    r"말이\s*(됩니까|안\s*(돼|되|됨))",
    r"(리뷰|후기)\S{0,3}\s*.{0,10}(안\s*좋게|나쁘게|최악|1점|별\s*하나)",
    rf"{_APP_STORE}\S{{0,3}}\s*.{{0,10}}(별\s*(하나|한\s*개|1\s*개)|1\s*점|악플)",
    rf"{_APP_STORE}\s*(리뷰|후기)?\S{{0,3}}\s*(다\s*)?"
    r"(쓸\s*(거|게|께)|쓰겠|올릴\s*(거|게|께)|올리겠|남길\s*(거|게|께)|남기겠|기대\s*하)",
    r"설명\s*(똑바로|제대로)\s*(해|하세요|하십시오)",
    # the story taken public: "인스타랑 블라인드에 캡처 다 올림", "몇 번째 항의하는지"
    r"(인스타|블라인드|SNS|커뮤|유튜브|트위터)\S{0,3}\s*.{0,15}(올림|올린다|올립니다|올릴\s*(거|게|께)|올리겠|"
    r"올려\s*버|퍼뜨|박제)",
    # scorn for the service: "직원교육 이따위로 시키냐", "장난하냐??", "니네 때문에 병원비 못냈어"
    r"(이|그)\s*따위|이따구",
    r"장난\s*(하냐|하나요|하십니까|치냐|쳐|함\?)",
    r"(니네|너네|당신네|너희)\s*때문에",
    r"(몇|세|네|다섯|여섯|\d+)\s*번째\s*(항의|민원|컴플레인|문의|연락)",
    # "매니저 나오라고 해요 당장. 이게 몇번째야", "당국에 신고하기 전에 해명하세요"
    r"이게\s*몇\s*번째",
    r"(매니저|책임자|관리자)\S{0,2}\s*(나오라|불러\s*(와|오|줘))",
    r"해명\s*(하세요|하십시오|해\s*(라|주세요|주십시오)|바랍니다|을\s*요구)",
    # a formal objection, answers demanded, the law or the press brought in: "정식으로
    # 이의를 제기합니다", "책임 있는 답변을 요구합니다", "법적 조치에 들어가겠습니다",
    # "언론사에 제보할겁니다"
    r"이의\S{0,2}\s*제기",
    r"(답변|해명|설명|조치|책임|환불|차액)\S{0,2}\s*(강력히\s*)?요구\s*(합니다|하겠|해요|할게|드립니다)",
    r"명백히\s*(부당|불공정)",
    r"법적\s*(조치|대응|절차)",
    r"변호사\S{0,3}\s*.{0,10}(상담|선임|연락)",
    r"(언론|언론사|기자|방송국)\S{0,3}\s*(에|에다|에게|한테)?\s*(제보|알리)",
    r"(쓰지\s*말라고|다시는\s*안\s*(씀|써|쓸))",
    # anger beside a demand for the money or for compensation: "수수료 왜 두번 빠짐? 환불해줘
    # 짜증나게", "보상 받을수 있는거죠? 너무 화나네요"
    rf"{_ANGER}.{{0,30}}{_MONEY_DEMANDED}",
    rf"{_MONEY_DEMANDED}.{{0,30}}{_ANGER}",
    # a fee or a difference demanded back: "수수료 돌려줘요", "차액 돌려주세요" (not "...
    # 돌려줘요?")
    r"(수수료|차액)\S{0,2}\s*(라도\s*)?(돌려\s*(줘요|줘|주세요|주십시오|주시고|주셈|내|놔)|"
    r"환불\s*(해\s*줘요|해\s*줘|해\s*주세요|해\s*주십시오|하세요))(?!요?\s*\?)",
]


# Money the customer already sent or paid: a past sending with an amount, or a transfer's HR
# reference ("I sent 850 dollars right away", "paid the invoice", "400유로 보냈어요"); not money
# to be sent, or not yet ("should I send him $500?", "아직 안 보냈어요").
_AMOUNT_EN = (
    r"([$€£₱]\s?\d|\d[\d,.]*\s*(k\b|usd|eur|gbp|php|dollars?|euros?|pounds?|pesos?|rupees?|won|"
    r"bucks|quid))"
)
# A transfer's reference as customers write it: HR204958371, HR-3391-0045, HB-2026-000123.
_REFERENCE = r"(?<![A-Za-z0-9])H[RB]([- ]?\d{4}[- ]?\d{4,6}|\d{6,})(?![0-9])"
_ENGLISH_MONEY_SENT = [
    rf"\b(i|we|she|he|they)\s+(have\s+|had\s+|already\s+|just\s+|then\s+|also\s+)?"
    rf"(sent|paid|transferred|wired|gave)\b.{{0,80}}?{_AMOUNT_EN}",
    # a chat's subjectless start: "Sent 300 euros to an account in Bangladesh yesterday"
    rf"(^|[.!?]\s+)(already\s+|just\s+)?(sent|paid|transferred|wired)\b.{{0,80}}?{_AMOUNT_EN}",
    r"\b(i|we)\s+(have\s+|had\s+|already\s+|just\s+|then\s+)?paid\s+(the|their|his|her)\s+invoice\b",
    # "I SENT 3 TRANSFERS TO INDIA LIKE HE SAID"
    r"\b(i|we)\s+(have\s+|had\s+|already\s+)?(sent|made)\s+(\d+|two|three|four|five|several)\s+"
    r"(transfers|payments)\b",
    _REFERENCE,
]
_KOREAN_MONEY_SENT = [
    # "50만원 보냈는데", "2천달러 보냈는데", "300불 송금했어요"
    r"\d[\d,.]*\s*[십백천만억]*\s*(원|달러|불|유로|파운드|페소|루피|엔|만)\S{0,3}\s*.{0,20}"
    r"(?<!안\s)(?<!안)(?<!못\s)(?<!못)(보냈|송금했|이체했|입금했|보내\s*드렸|나갔|빠져\s*나갔)",
    _REFERENCE,
]

_FRAUD = {"en": joined(_ENGLISH_FRAUD), "ko": joined(_KOREAN_FRAUD)}
_MONEY_SENT = {"en": joined(_ENGLISH_MONEY_SENT), "ko": joined(_KOREAN_MONEY_SENT)}
_COMPLAINT = {"en": joined(_ENGLISH_COMPLAINTS), "ko": joined(_KOREAN_COMPLAINTS)}
_TAKE_OVER = {"en": joined(_ENGLISH_TAKE_OVER), "ko": joined(_KOREAN_TAKE_OVER)}
_LOSS = {"en": joined(_ENGLISH_LOSS), "ko": joined(_KOREAN_LOSS)}


# Fraud supposed, not suffered, is a question: "what do I do if someone hacked my account?",
# "안 보낸 송금이 보이면 어디로 연락해요?", "누가 몰래 송금할까봐 무서워요", "누가 제 계정에
# 들어온 것 같을 때 ...". English says so before the words, Korean after them.
_SUPPOSED_BEFORE = {
    "en": re.compile(r"\b(if|in\s+case|what\s+if|suppose|supposing)\b[^.!?]{0,40}$", re.I),
    "ko": re.compile(r"(만약|만일)(에|이라도)?\s[^.!?\n]{0,20}$"),
}
_SUPPOSED_AFTER = {
    "ko": re.compile(
        r"^[^.!?\n]{0,15}?(보이면|있으면|생기면|나오면|뜨면|되면|당하면|같으면|까\s*봐|"
        r"(같을|있을|생길|될|됐을|당했을|보일)\s*때|"
        # ... or heard of others: "요즘 주변에 계정 털렸다는 얘기가 많아서"
        r"(다|었다|았다)는\s*(얘기|이야기|말|소식|뉴스|글))"
    )
}


# Nothing lost yet: "a login from a device I don't recognise, nothing has been sent, how do I
# lock it down?", "아직 돈 나간 건 없어요": how to stay safe, a question the article on fraud
# answers (not "I didn't send anything", which a report of a transfer says).
_NOTHING_LOST_YET = {
    "en": joined(
        [
            r"\bnothing\s+(has\s+|'s\s+|was\s+)?(been\s+)?(sent|taken|gone|moved|lost|withdrawn)\b",
            r"\bno\s+money\s+(has\s+|'s\s+|was\s+)?(been\s+)?(sent|taken|gone|moved|lost|left)\b",
            r"\b(i|we)\s+(have\s*n[o']?t|haven'?t|did\s*n[o']?t|didn'?t)\s+(sent|send|lost|lose|paid|"
            r"pay|given|give)\s+(anything|any\s+money|them\s+anything)\s+yet\b",
        ]
    ),
    "ko": joined(
        [
            r"아직\s*(돈|아무것도|아무\s*것도)\S{0,2}\s*(은|는|이|가|도)?\s*(안\s*(나갔|보냈|빠져|했|깔았|설치|눌렀)|"
            r"(빠져\s*)?나간\s*(건|것|게)\s*없|보내지\s*않)",
            # "아직 이상한 송금은 없는데 혹시 모르니 계정을 동결하고 싶습니다", "거래 내역 보니까
            # 이상한 송금은 없고", "아직 이상한 송금 내역은 없는 것 같은데"
            r"아직\s*(이상한\s*|수상한\s*|모르는\s*)?(송금|거래|출금|결제|이체)(\s*내역)?\S{0,2}\s*"
            r"(은|는|이|가|도)?\s*"
            r"(없|안\s*(나갔|됐|되었))",
            r"(이상한|수상한|모르는)\s*(송금|거래|출금|결제|이체)(\s*내역)?\S{0,2}\s*(은|는|도)\s*없",
            r"아직\s*(별일|별\s*일|아무\s*일)\S{0,2}\s*(은|는|도)?\s*없",
        ]
    ),
}


def fraud_in_words(text: str, language: str) -> FraudTold | None:
    """REPORTED where the customer's words report fraud they suffered, in this language's list,
    or tell of a take-over beside a loss; FEARED where they tell of a take-over feared (a login
    not made, a phone lost or stolen while signed in) and of no loss; NOTHING_LOST where they
    say nothing is lost yet, whatever else they tell; else None. Words that only suppose fraud
    tell none of it. One reading for all: the English lists take about half a millisecond a
    message."""
    if says(_NOTHING_LOST_YET, text, language):
        return FraudTold.NOTHING_LOST
    if _told(_FRAUD, text, language):
        return FraudTold.REPORTED
    if not _told(_TAKE_OVER, text, language):
        return None
    return FraudTold.REPORTED if says(_LOSS, text, language) else FraudTold.FEARED


def _told(patterns: dict[str, re.Pattern[str]], text: str, language: str) -> bool:
    """Whether the text says these words as something that happened, not only supposed."""
    before, after = _SUPPOSED_BEFORE.get(language), _SUPPOSED_AFTER.get(language)
    return any(
        not (before and before.search(text[: words.start()]))
        and not (after and after.search(text[words.end() :]))
        for words in found(patterns, text, language)
    )


def tells_money_sent(text: str, language: str) -> bool:
    """Whether the customer's words tell of money they already sent or paid (an amount sent, a
    transfer's reference): beside an article on fraud, a story of money lost to one."""
    return says(_MONEY_SENT, text, language)


def lodges_complaint(text: str, language: str) -> bool:
    """Whether the customer's words lodge a complaint, in this language's list."""
    return says(_COMPLAINT, text, language)
