"""A customer's own words that report fraud or lodge a complaint, in English and Korean;
questions about fraud or complaints, and other companies' troubles, are neither."""

import pytest

from handoff.assistant.understanding import understanding_of
from handoff.assistant.urgent_words import (
    fraud_in_words,
    lodges_complaint,
    tells_money_sent,
)
from knowledge_base.articles import OUT_OF_SCOPE_TAG
from knowledge_base.confidence_fitting import nlu_examples
from knowledge_base.decision import FraudTold
from knowledge_base.files import ARTICLES_DIR, published_articles

REPORTS = [
    ("ko", "동생이 제 폰으로 50만원을 보냈어요 저는 허락한 적 없어요"),
    ("en", "paid the deposit on the flat and now the landlord's phone is dead"),
    ("en", "they say I have to deposit an extra fee to withdraw my profits"),
    ("en", "sent him 300 dollars last week and the manager won't answer anymore"),
    ("ko", "결혼하자던 사람 프로필 사진이 남의 거였어요"),
    ("ko", "선입금 보냈는데 다음날 그 쇼핑몰 사이트가 사라졌어요"),
    ("ko", "비자 수수료 보냈는데 사무실도 없어지고 담당자는 카톡 탈퇴했어요"),
    ("en", "i sent the deposit for the room and the landlord blocked us everywhere"),
    ("en", "I paid the agent 2,500 USD for the visa. Now his office is closed"),
    ("en", "i sent her 6000 dollars for the ticket, now her facebook deleted"),
    ("ko", "출금하려니까 세금부터 내라고 또 보내래요"),
    ("en", "now there are 2 transfers on his account that he never made, what do we do"),
    ("en", "I have never sent anything to Indonesia and I don't know this person"),
    ("ko", "브로커한테 2천달러 보냈는데 그 뒤로 전화를 안 받아요"),
    ("en", "my number was moved to a new sim that I never asked for, now money is gone"),
    ("en", "then my real son called and he knew nothing about it"),
    ("en", "paid the agency and now the recruiter's account is deleted"),
    ("ko", "보내자마자 차단당했어요"),
    ("ko", "출금하려니까 세금 먼저 내래요"),
    ("ko", "누가 제 번호로 유심을 새로 만들었대요"),
    ("en", "got a text my email was changed, i not do this, cant log in"),
    ("en", "sent her money for months, now my son says i got catfished"),
    ("en", "paid the deposit, the real landlord never rented it out to anyone"),
    ("en", "my daughter said she never asked for that money, but I already sent it"),
    ("en", "sent 400 for the puppy and after two days her number is disconnected"),
    ("ko", "딸이라면서 문자가 와서 200만원 보냈어요"),
    ("ko", "사장님 메일로 요청이 와서 송금했는데 사장님은 그런 적 없대요"),
    ("ko", "은행 직원이라며 전화가 와서 인증번호를 불러주셨대요"),
    ("ko", "검사라는 사람이 시키는 대로 3천달러를 보냈어요"),
    ("en", "Someone hacked my account, what if they send money again?"),
    ("en", "who took 300 dollars from my account last night??"),
    ("en", "paid a deposit for a flat and turns out the ad was fake"),
    ("en", "I think we were duped, the recruiter wanted another fee"),
    ("ko", "수취인이 저는 전혀 모르는 사람이에요 HR 번호도 처음 봐요"),
    ("ko", "어제 새벽에 이체 3건이 나갔는데 그때 저 자고 있었어요"),
    ("ko", "자는 사이에 결제가 두 번 됐어요"),
    ("ko", "제가 하지도 않은 송금이 두 건이나 있어요!! 빨리 막아주세요"),
    ("en", "I read my code to a woman who said she was from your fraud team"),
    ("en", "There is a $900 transfer to Vietnam on my account that I didn't make"),
    ("en", "i never authorized this payment, please stop it"),
    ("en", "Someone logged into my account last night and changed my email"),
    ("en", "I think I've been scammed, the buyer never sent the goods"),
    ("en", "my phone was stolen at the airport and now there are transfers"),
    ("en", "a guy said he was from your bank and I gave him my code"),
    ("en", "The job agency took my 'training deposit' and vanished. It was a scam"),
    ("en", "i fell for their lottery trick and paid the release fee twice"),
    ("en", "We lost 2000 pounds to an investment scam through your app"),
    ("en", "I'm a victim of a romance scam, the money went to Lagos"),
    ("en", "a woman claiming to be my niece asked me to send her rent"),
    ("ko", "제가 보낸 적 없는 송금이 두 건 있어요"),
    ("ko", "계정이 해킹된 것 같아요 비번이 바뀌었어요"),
    ("ko", "중고거래 사기당했어요 돈 보냈는데 물건이 안 와요"),
    ("ko", "지갑을 도둑맞았는데 신분증도 같이 있었어요"),
    ("ko", "경찰이라고 하면서 돈을 옮기라고 해서 옮겼어요"),
    ("ko", "명의도용 당한 것 같습니다"),
    ("ko", "송금하지도 않았는데 출금 알림이 왔어요"),
    ("ko", "해외 취업 보증금이라고 해서 보냈는데 사기였어요"),
    ("ko", "투자 수익 준다는 말에 속아서 세 번이나 송금했네요"),
    ("ko", "조카라고 문자가 와서 급하다길래 보냈어요"),
    ("ko", "전화한 사람이 동생이 아니었어요 돈은 벌써 보냈고요"),
    ("en", "I paid a landlord's deposit through your app and now his number is disconnected"),
    ("en", "my card was charged without my permission on your app"),
    ("en", "I gave the caller my one-time code before I realised"),
    ("en", "they tricked me into sending my savings abroad"),
    ("ko", "알바 보증금 보냈는데 담당자가 잠수탔어요"),
    ("ko", "누가 몰래 제 계정 비밀번호를 바꿨어요"),
    ("ko", "인증번호를 불러줬더니 송금이 나갔어요"),
    ("ko", "제 계정이 털린 것 같아요"),
    ("ko", "무단 결제가 세 건 있어요"),
    ("ko", "HR294817305 이 송금은 제가 보낸 것이 아닙니다"),
    ("ko", "누가 제 체크카드를 몰래 등록해서 결제했어요"),
    ("en", "clicked the link in an email from 'hanbit' and entered my card details"),
    ("ko", "카톡으로 온 링크 눌러서 인증번호 입력했어요"),
    ("ko", "아버지가 고객센터라는 사람한테 인증번호를 불러주셨대요"),
    ("ko", "병원비 급하다고 해서 다섯번 보냈는데 갑자기 연락이 끊겼어요"),
    ("ko", "나 돈 안보냈어요 근데 앱에 송금 있어요"),
    ("en", "sent money to a trading mentor and now the platform won't let me withdraw"),
    ("ko", "어제 이체 한 건 출금됐는데 나 안 했어"),
    ("en", "today i see transfer 300 dollar to some name, i am not do this"),
    ("ko", "제 비밀번호를 누가 바꿔놨어요"),
    ("ko", "인터넷 카페에서 노트북 산다고 40만원 보냈는데 택배는 안오고 답도 없어요"),
    ("ko", "장학재단이라고 해서 두번 입금했는데 그런 재단은 존재하지 않는대요"),
    # The fifteenth held-out set's reports the lists missed blind.
    ("en", "800 euro sent, not by me!!"),
    (
        "en",
        "the agent there sent me a link to 'verify' and I logged in. An hour later $900 went out",
    ),
    ("ko", "Anydesk 깔라고 해서 깔았더니 폰 화면이 혼자 막 움직이고 앱이 열리더니 송금이 됐어요"),
    ("ko", "경품 수수료랑 세금을 먼저 내라길래 두번이나 송금했는데 이제 연락이 안되요"),
    ("ko", "구속된다는 전화를 받고 정신없이 800만원을 보냈는데, 아들은 멀쩡하게 학교에 있대요"),
    # The sixteenth's.
    ("en", "HR-5532-1098 not me. never sent this"),
    (
        "en",
        "sent 40,000 pesos to the 'doctor'. My nephew is fine, he was never in hospital",
    ),
    ("en", "Office is shut now, he's not answering anyone and other families lost money"),
    ("ko", "내계좌에서 돈빠져나감 빨리 막아주세요!!!!!"),
    ("ko", "입금하라길래 3번에 걸쳐 6천달러 넣었는데 출금이 안돼요. 오늘 보니 방도 없어졌어요"),
    # The seventeenth's: an overpayment scam.
    ("en", "sent me a cheque and asked me to forward 1,400. I did, and now the cheque bounced"),
    # A take-over told beside a loss.
    ("en", "got an alert about an unrecognised device login and 500 euro was sent to Ghana"),
    ("ko", "모르는 기기에서 로그인했다는 알림 오고 수취인 목록에 모르는 사람이 추가됐어요"),
    ("ko", "누가 제 계정에 들어와서 이메일이랑 전화번호를 바꿔놨습니다"),
    (
        "ko",
        "폰 잃어버렸는데 앱 로그인 돼있었거든요. 방금 보니까 송금내역에 모르는 사람 이름이 있어요",
    ),
    # The eighteenth held-out set's, missed blind: a change not made, and a transfer.
    (
        "ko",
        "폰번호가 변경됐다는 메일이 왔는데 저 안바꿨거든요? 방금 네팔로 송금도 하나 됐어요",
    ),
    ("en", "got an email my email was changed. i didnt change anything!! now i cant log in"),
    # The nineteenth's: a remote app installed for a caller, an agency vanished.
    ("ko", "은행 직원이라는 사람이 원격 앱 깔라고 해서 깔았는데 그 사이에 송금이 나갔어요"),
    ("ko", "유학원이라는 곳에 학비 보냈는데 학교에서 입금 안 됐대요. 유학원 홈피도 닫혔어요"),
    ("en", "I paid £800 deposit for a room to the landlord. Today the listing is deleted"),
    # The twentieth's: a code read to a caller, a SIM swap, a prize's fees, an office empty.
    (
        "en",
        "guy said hes ur security team, i read him the 6 digit code. then $1,450 gone to Thailand",
    ),
    ("en", "Debit card linked to Hanbit charged 4x today. I was on the ferry all day, no signal!!"),
    ("ko", "번호 변경완료 메일이랑 €2,000 송금 알림 옴 저 아무것도 안했어요 지금 통신사 가는중"),
    ("ko", "경품 당첨됐다고 통관비 내라고 해서 필리핀 계좌로 두 번 보냈는데 이상해요"),
    ("ko", "통관비 냈는데 이번엔 세금 명목으로 또 보내래요"),
    # The twenty-first's: "not me", a code given and pounds gone, a SIM swapped, a pickup
    # collected by someone else, a cousin impersonated.
    ("en", "HR-7719-0042 not me, never sent"),
    ("en", "He ask me the code, I give him. Today I see 800 pounds gone to Indonesia."),
    ("en", "someone else already collected the cash at the outlet, my mum never went"),
    ("ko", "통신사에서 유심 재발급됐다고 함 (난 신청 안함). 그사이 한빛에서 두번 송금됨"),
    ("ko", "마닐라로 현금수령 보낸 돈을 누가 먼저 찾아갔대요. 엄마는 가지도 않으셨는데"),
    ("ko", "whatsapp으로 사촌형 행세한 놈한테 인도 계좌로 6만 루피 보냄;;"),
    (
        "ko",
        "유학원에 인도 계좌로 £3,000 보냈는데 유학원 사무실 가보니 텅 비어있고 전화도 안 받아요",
    ),
]

# A take-over feared, nothing lost: weaker than a report (knowledge_base/decision.py).
TAKE_OVERS_FEARED = [
    ("en", "got an alert about an unrecognised device login"),
    ("en", "someone is using my account, there are logins from Brazil"),
    ("en", "I got an email that a new device logged into my account and it wasn't me. What now?"),
    ("en", "My phone was stolen last week and the network gave me a totally new number"),
    ("ko", "지하철에서 폰 잃어버렸어요 앱 로그인 되어있는데 어떡해요"),
    (
        "ko",
        "폰 잃어버렸는데 앱 로그인 된 상태 그대로라 좀 불안함. 누가 주워서 송금해버리면 어떡함?",
    ),
    ("ko", "모르는 기기에서 로그인했다고 알림 떴음 베트남에서 접속했다는데 난 런던임"),
    (
        "ko",
        "폰을 지하철에서 잃어버렸는데 앱이 로그인 된 상태로 있어요 ㅠㅠ 누가 돈 보내면 어떡하죠",
    ),
    # Nothing changed but by them: the article that answers the rest answers it (the decision).
    ("en", "the app opens for one second and closes. I did not change anything on the phone"),
]

NOT_REPORTS = [
    ("ko", "혹시 누가 제 계정 쓰는 거 같으면 일단 뭐부터 해야돼요?"),
    ("ko", "계정을 없애려고 하는데요, 그동안 보낸 송금 기록은 어떻게 되나요?"),
    (
        "ko",
        "은행 직원이라는 사람이 전화해서 제 계정이 해킹당했다고 화면 공유 앱을 깔라고 "
        "하더라고요. 아직 아무것도 안 깔았고 돈도 안 보냈어요.",
    ),
    (
        "en",
        "IT WENT TO MY OTHER COUSIN IN CEBU. CAN YOU TAKE IT BACK? SHE IS NOT ANSWERING MY CALLS",
    ),
    ("ko", "통장에서 바로 빠져나가게 할 수 있나요 아니면 카드만 돼요?"),
    ("ko", "요즘 주변에 계정 털렸다는 얘기가 많아서 ㅎㄷㄷ 미리 알아두고 싶어요"),
    ("ko", "모르는 기기에서 로그인했다는 알림이 왔어요. 거래 내역 보니까 이상한 송금은 없고"),
    ("ko", "제 통장에서 돈은 이미 빠져나갔거든요. 그 돈이 한빛에 있나요?"),
    ("en", "an unknown device logged in but no money has gone, how do I lock my account?"),
    ("en", "I got a scam text and clicked the link, I haven't given them anything yet"),
    ("ko", "모르는 기기 로그인 알림이 왔는데 아직 돈은 안 나갔어요"),
    ("en", "he asked her to install a screen sharing app for her transfer. She didn't do it"),
    ("ko", "계정이 해킹당했으니 돈을 옮기라는 전화였어요. 아직 아무것도 안 했는데 사기 맞죠?"),
    ("ko", "모르는 기기에서 로그인 알림이 왔는데 아직 이상한 송금은 없어요. 동결하고 싶습니다"),
    ("ko", "reset 메일 링크 눌렀는데 인증번호 입력하래요"),
    ("ko", "만약에 제가 안 보낸 송금이 내역에 뜨면 어떻게 해요?"),
    ("ko", "은행 직원이라면서 인증번호 불러달래요 아직 안 알려줬어요"),
    ("en", "what do I do if someone hacked my account?"),
    ("ko", "혹시 제가 안 보낸 송금이 보이면 어디로 연락해요?"),
    ("ko", "누가 몰래 로그인할까봐 걱정돼요 2단계 인증 있나요?"),
    ("ko", "엄마가 돈 받은 적 없대요 어디서 확인해요?"),
    ("en", "who sent the confirmation email, is it from you?"),
    ("en", "it turns out the bank is closed today, when will it arrive?"),
    ("ko", "송금했는데 그때 자고 있어서 알림을 못 봤어요 도착했나요?"),
    ("ko", "받는 사람 이름을 모르는데 보낼 수 있어요?"),
    ("ko", "폰을 잃어버려서 번호를 바꿨어요 어디서 변경해요?"),
    ("en", "how do I protect my account from scams?"),
    ("en", "what should I do if my phone is stolen?"),
    ("en", "I didn't get the verification email"),
    ("en", "my transfer hasn't arrived yet, it says processing"),
    ("en", "can I send money to someone I don't know well?"),
    ("ko", "보이스피싱 예방하려면 어떻게 해야 돼요?"),
    ("ko", "사기 거래 신고는 어디서 하나요?"),
    ("ko", "인증 메일이 안 와요"),
    ("ko", "송금이 아직 안 왔어요"),
    ("ko", "남편 대신 제가 송금해도 되나요?"),
    ("en", "is this text from you a scam or real?"),
    ("en", "what do scammers pretend to be, so I know?"),
    ("ko", "이 문자 사기인가요?"),
    ("ko", "가족이라고 하면 신분증 없이 받을 수 있어요?"),
    ("en", "the money left my account but my mom hasn't received it"),
    ("en", "can I give my code to my son so he can log in for me?"),
    ("en", "I sent money to the wrong account, can I get it back?"),
    ("ko", "돈은 빠져나갔는데 아직 도착을 안 했어요"),
    ("ko", "인증번호를 알려 달라는 문자가 왔는데 진짜예요?"),
    ("ko", "모르는 사람한테 잘못 보냈어요"),
    ("en", "I shared my referral code with friends but got nothing"),
    ("en", "I clicked the reset link and entered my new password but it says invalid"),
    ("en", "I sent money to my brother and now the app stopped responding"),
    ("en", "the money is missing, my mom still hasn't got it"),
    ("ko", "메일 링크 눌러서 새 비밀번호 입력했는데 안 돼요"),
    ("ko", "재설정 문자 링크 누르고 비번 입력했는데 오류가 나요"),
    ("en", "I clicked the reset link and entered a new password but it says expired"),
    ("ko", "엄마가 보내라고 해서 보냈는데 아직 안 갔어요"),
    ("ko", "매달 자동으로 송금되게 할 수 있어요?"),
    ("ko", "아직 돈 안 보냈는데 수수료가 얼마예요?"),
    (
        "en",
        "someone called claiming to be from hanbit and asked me to read out my code, is it real?",
    ),
    ("en", "a caller wants me to read out the 6 digit code, is that normal?"),
    ("en", "my transfer failed, is my $300 gone for good or do I get it back?"),
    ("ko", "한빛 직원이라며 전화가 와서 인증번호를 불러 달라는데 알려줘도 되나요"),
    ("ko", "한빛 로고 메일이 왔는데 피싱 같아요 어떻게 해야 돼요"),
    ("en", "why won't the app let me withdraw? I only use it to send"),
    ("ko", "결제하려는데 카드가 차단당했어요"),
    ("ko", "누가 송금했는지 확인할 수 있나요?"),
    ("ko", "수수료로 완전 털렸네요"),
    ("en", "I sent money to a friend who said he was from Manila, how long does it take?"),
    ("ko", "인증 제가 안 했는데 송금 돼요?"),
    ("ko", "송금이 나갔는데 수취인 확인은 안 했어요 괜찮을까요?"),
    ("ko", "누가 제 폰에 로그인한 것 같을 때 어떻게 막아요?"),
    (
        "en",
        "last week the app showed 1,720 won for a pound but I didn't send, and today it's lower",
    ),
    (
        "en",
        "I got the reset link and logged in with my new password, where is the transfer I sent?",
    ),
]

COMPLAINTS = [
    ("en", "the guy who picked up the phone at your office was so rude to my dad"),
    ("ko", "이대로면 블라인드에 다 올릴 거예요"),
    ("ko", "이게 몇 번째 항의인지 모르겠네요"),
    ("ko", "이번 주 안에 안 돌려주면 금융당국에 민원 넣겠습니다"),
    ("ko", "해결 안 되면 금융감독기관에 신고하겠습니다"),
    ("en", "you kept the fee although it failed, thats stealing"),
    ("en", "ur app charged me twice for one transfer"),
    ("en", "1 star on play store tonight unless someone sorts this out"),
    ("en", "this is the third time I'm writing about the same refund"),
    ("ko", "상담원이 채팅 끊어버렸어요"),
    ("ko", "그 직원 이름 알려줘요"),
    ("ko", "앱스토어 리뷰 기대하세요"),
    ("en", "until then I'm telling every nurse on my ward to stay away from you"),
    ("en", "I would like a written apology and an explanation"),
    ("en", "I'm done, moving to another app and taking my whole family with me"),
    ("ko", "공식적인 사과와 수수료 환불을 요청드립니다"),
    ("ko", "이번주 안에 안 들어오면 Financial Ombudsman에 신고할 거예요"),
    ("ko", "이거 앱스토어 리뷰에 다 올릴 거예요"),
    ("ko", "수수료 차액 돌려주셈"),
    ("en", "you took the card fee twice, not acceptable"),
    ("en", "you ruined our holiday, you owe me compensation"),
    ("en", "I expect you to pay me for the lost day of work"),
    ("ko", "추가 비용 그쪽에서 물어내야 되는 거 아닌가요"),
    ("en", "I'm filing a complaint with the CFPB about this transfer"),
    ("en", "cancelled without reason and kept the fee, refund everything"),
    ("en", "I want the missing 50 euro back"),
    ("ko", "차액 돌려주시고 왜 이런지 설명해 주세요"),
    ("ko", "이러면 플레이스토어에 별 하나 줄 거예요"),
    ("ko", "사과라도 받아야겠어요"),
    ("ko", "앱 오류로 수수료를 두 번 냈으니 이건 회사가 책임지셔야죠"),
    ("en", "I want to complain about how slow my verification was"),
    ("en", "I'd like to make a formal complaint about your agent"),
    ("en", "I am filing a complaint, this is the third delay"),
    ("en", "this is a complaint about the fees you took"),
    ("ko", "상담원이 불친절해서 민원 넣을게요"),
    ("ko", "이 건은 정식으로 항의합니다"),
    ("ko", "불만 접수해 주세요"),
    ("ko", "수수료 두 번 빠져서 항의하고 싶어요"),
    ("en", "I demand to speak to whoever approved this fee"),
    ("en", "three weeks and no refund. I expect compensation for this"),
    ("en", "Losing my money for a week is unacceptable"),
    ("ko", "이틀째 묶인 돈 당장 돌려주세요"),
    ("ko", "환율 차이만큼 보상해 주세요"),
    ("en", "the lady on the phone was rude and then hung up on me"),
    ("en", "I'll report you to the financial ombudsman if this isn't fixed"),
    ("en", "my complaint from March still has no answer"),
    ("en", "I'm furious, three days and the money is still stuck"),
    ("ko", "상담원이 너무 불친절했어요"),
    ("ko", "두 번이나 결제됐는데 이게 말이 됩니까"),
    ("ko", "지난달에 넣은 민원에 아직도 답이 없어요"),
    ("ko", "책임자한테 공식 사과 받고 싶습니다"),
    ("en", "you took the fee twice, this is ridiculous, i want my money back now"),
    ("en", "what she got is less than you showed, you cheated me out of 2000 pesos"),
    ("ko", "수수료 왜 두번 빠짐? 환불해줘 짜증나게 진짜"),
    ("en", "stuck for a week. fix this today or im going to the ombudsman"),
    ("ko", "2주째 환불이 안 들어왔어요. 금감원에 신고할거예요"),
    ("en", "not back by friday and i'm going straight to the financial ombudsman"),
    ("en", "the late fee is your fault and I expect you to compensate her"),
    ("ko", "수수료 환불해주시고 보상도 해주세요"),
    ("ko", "송금 지연으로 생긴 손해에 대해 배상을 청구합니다"),
    ("ko", "세 번이나 실패했어요 회사에 불만 있어요"),
    ("ko", "소비자원에 접수하기 전에 마지막으로 연락드립니다"),
    ("ko", "늦게 도착한 만큼 보상받고 싶습니다"),
    ("en", "I was charged twice for one transfer and nobody replies"),
    ("en", "refund my fee. the transfer was 2 days late"),
    ("en", "the rate was worse than you showed, I want the difference paid back"),
    ("en", "you raised the fees without telling anyone, we want the extra fees refunded"),
    ("en", "it arrived two days late. I would like my 3.99 fee refunded"),
    ("ko", "늦게 도착했으니까 수수료 돌려줘요"),
    ("ko", "받은 금액이 달라요. 보상 받을 수 있는 거죠? 너무 화나네요"),
    ("en", "you took 30 dollars more than the app said. I want my money back"),
    ("en", "my solicitor will be in touch about this"),
    ("en", "we are taking legal action over the frozen funds"),
    ("ko", "환불 요청을 몇 번이나 했는데 여전히 처리 안 됐네요"),
    ("en", "I have emailed you five times about the held transfer and nobody replies"),
    ("en", "fix the upload and compensate me for the days I lost"),
    ("en", "If this is not resolved I will refer the matter to the Financial Ombudsman"),
    ("en", "I'm making a video about how you handled my dad's transfer, 20k people will see it"),
    ("ko", "지연 보상 건으로 정식으로 이의를 제기합니다"),
    ("ko", "납득할 수 있는 해명을 요구합니다"),
    ("ko", "다음 주까지 처리 안 되면 법적 대응하겠습니다"),
    ("ko", "방송국에 제보할 거예요 진짜"),
    ("ko", "이번이 네번째 연락이에요 아직도 해결이 안 됐어요"),
    ("en", "THIS IS THE THIRD TIME I WRITE!!! my mother in Dhaka still waiting"),
    ("en", "you treat us like criminals, four times you rejected my passport"),
    ("ko", "인증서류 네번이나 냈는데 또 거절. 사람 범죄자 취급하는것도 정도가 있지"),
    # Sarcasm: praise beside what went wrong (the fifteenth held-out set, missed blind).
    (
        "en",
        "Wow, amazing service. 'Usually under 30 minutes' you said. It's day 4. Really impressed",
    ),
    ("en", "charged card fee, still undelivered. lovely."),
    (
        "ko",
        "네네 빠르고 안전한 송금 잘 봤습니다ㅋㅋ 보낸지 열흘 된 돈이 아직 네팔 어딘가에",
    ),
    # The sixteenth held-out set's, missed blind.
    ("en", "i missed my daughter's school fee deadline because of you people"),
    ("ko", "어제 채팅한 상담원 복붙만 하다가 그냥 나가버림. 직원교육 이따위로 시키냐"),
    ("ko", "이메일 답장 오는데 5일 걸림. 영업일 1일이라며? 캡처 다 해서 트위터에 올린다"),
    # The seventeenth's.
    (
        "en",
        "not back by Friday and I will report Hanbit Remit to the Financial Conduct Authority",
    ),
    ("ko", "돈 보낸지 열흘째인데 아직도 안들어갔다고 장난하냐?? 니네 때문에 병원비 못냈어 책임져"),
    # The eighteenth's.
    ("en", "wow. great service. 10 days for an 'instant' transfer to Kenya. truly impressed."),
    ("en", "you say no markup but the rate was worse than google. thats a lie in your advertising"),
    ("en", "Making a TikTok tonight about how Hanbit Remit held my $1,200 for a month"),
    ("en", "Tagging the local news too. Maybe then someone will answer me"),
    # The nineteenth's.
    ("en", "Great job guys. The money for the funeral arrived two days AFTER the funeral."),
    ("en", "I'm about to post exactly how you treated me and my grandmother. Last chance"),
    ("en", "verification took 10 days. this is not ok and someone needs to answer for it"),
    ("ko", "실제로 빠져나간 금액이 달라요. 이건 명백히 부당하고 차액 환불 요구합니다"),
    # The twentieth's.
    (
        "en",
        "Oh great, 'no mark-up'. My dong was 1.2% below Google's rate. Pay me the difference.",
    ),
    ("en", "gonna post on tiktok how u froze my acct 10 days for no reason. 40k followers. fix it"),
    ("ko", "30분이면 간다며 이틀 걸림. 그 사이 연체료 냄. 연체료 너네가 물어내"),
    # The twenty-first's.
    ("en", "expect a letter from my lawyer"),
    ("en", "charging me 4.99 to send 20 dollars to my nephew is robbery"),
    ("en", "This is cheating poor workers. Kindly refund the difference"),
    ("ko", "이걸 싸다고 하는 건 기만이라고 봅니다. 불만 사항으로 기록해 두세요"),
    # The twenty-second's.
    ("en", "fix this or 1 star everywhere"),
    ("en", "posting this on tiktok tonight if nobody calls me"),
    ("ko", "매니저 나오라고 해요 당장. 이게 몇번째야"),
    ("ko", "개인정보 관리를 어떻게 하시는 건가요? 당국에 신고하기 전에 해명하세요"),
]

NOT_COMPLAINTS = [
    ("en", "how do I file a complaint with the ombudsman if I need to?"),
    ("ko", "컴플레인 넣는 메일 주소가 따로 있나요? 나중에 필요할까봐 미리 물어봐요"),
    ("en", "is this not ok? I sent it twice"),
    ("ko", "계좌번호를 잘못 넣으면 누가 책임져야 해요?"),
    ("en", "how do I make a complaint?"),
    ("en", "What's the process for filing a formal complaint? Just asking"),
    ("en", "I don't want to complain, but the app is slow today"),
    ("en", "where can I see my complaint's status"),
    ("ko", "민원 접수하는 방법 알려주세요"),
    ("ko", "불만 접수하는 절차가 어떻게 되나요?"),
    ("ko", "항의 메일은 어디로 보내요?"),
    ("en", "do I get compensated if a transfer is late?"),
    ("ko", "환불은 언제 처리되나요?"),
    ("en", "how long does a complaint take to be answered?"),
    ("en", "is it rude to ask my recipient for their ID number?"),
    ("en", "My transfer failed. I want my money back, how long will that take?"),
    ("ko", "불만 접수하면 답변까지 얼마나 걸려요?"),
    ("ko", "통화 중에 전화가 끊겼어요 다시 걸어도 되나요?"),
    ("ko", "그게 무슨 말이에요?"),
    ("en", "is it ridiculous to send 20 dollars at a time?"),
    ("ko", "앱이 자꾸 꺼져서 짜증나요 어떻게 해요"),
    ("ko", "송금 실패하면 환불은 언제 돌려받아요?"),
    ("ko", "금감원에 신고하면 처리가 더 빨라지나요?"),
    ("en", "will you compensate me if my transfer is late?"),
    ("ko", "불만 있으면 어디에 말해요?"),
    ("ko", "친구한테 추천하면 보상 받는 게 있나요"),
    ("en", "my phone company charged me twice this month, how do I get it back?"),
    ("en", "can you refund my fee if the transfer fails?"),
    ("en", "if I cancel, do I get the fee refunded?"),
    ("ko", "취소하면 수수료도 돌려줘요?"),
    ("en", "if the transfer is returned, do I get my fee back too?"),
    ("en", "my lawyer said I should keep the receipt, where do I download it?"),
    ("ko", "비밀번호 몇 번 틀렸는데 아직 잠겨 있어요"),
    ("en", "great service, my mum got the money in 2 days, thanks!"),
    ("en", "well done on the new app, how do I add a second recipient?"),
    ("ko", "와 진짜 빠르네요ㅋㅋ 엄마가 벌써 받았대요 감사합니다"),
]


@pytest.mark.parametrize(("language", "text"), REPORTS)
def test_first_person_reports_of_fraud_are_found(language: str, text: str) -> None:
    assert fraud_in_words(text, language) == FraudTold.REPORTED


@pytest.mark.parametrize(("language", "text"), TAKE_OVERS_FEARED)
def test_a_take_over_feared_with_nothing_lost_is_not_a_report(language: str, text: str) -> None:
    assert fraud_in_words(text, language) == FraudTold.FEARED
    assert fraud_in_words(text, language) != FraudTold.REPORTED


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "Left my phone in a taxi, it was logged in. nothing has been sent. How do I lock it?",
        ),
        ("en", "a login I don't recognise! I haven't sent anything yet, what do I do"),
        ("ko", "폰을 잃어버렸는데 아직 이상한 송금 내역은 없는 것 같아요. 뭘 먼저 해야 돼요?"),
        ("ko", "폰을 택시에 두고 내렸어요. 아직 별일은 없는데 일단 뭘 해야 하나요?"),
        ("ko", "모르는 기기 로그인 알림이 왔는데 아직 돈 나간 건 없어요"),
    ],
)
def test_words_that_say_nothing_is_lost_yet_are_read_so_whatever_else_they_tell(
    language: str, text: str
) -> None:
    assert fraud_in_words(text, language) == FraudTold.NOTHING_LOST


@pytest.mark.parametrize(("language", "text"), REPORTS + NOT_REPORTS)
def test_a_report_or_a_question_fears_no_take_over(language: str, text: str) -> None:
    """A report is one already; a question supposes it, or says nothing is lost."""
    assert fraud_in_words(text, language) != FraudTold.FEARED


@pytest.mark.parametrize(("language", "text"), NOT_REPORTS)
def test_questions_about_fraud_and_plain_troubles_are_not_reports(language: str, text: str) -> None:
    assert fraud_in_words(text, language) != FraudTold.REPORTED


@pytest.mark.parametrize(("language", "text"), COMPLAINTS)
def test_complaints_lodged_in_the_first_person_are_found(language: str, text: str) -> None:
    assert lodges_complaint(text, language)
    assert fraud_in_words(text, language) != FraudTold.REPORTED


@pytest.mark.parametrize(("language", "text"), NOT_COMPLAINTS + REPORTS + NOT_REPORTS)
def test_questions_about_complaints_and_reports_of_fraud_lodge_none(
    language: str, text: str
) -> None:
    assert not lodges_complaint(text, language)


def test_a_language_without_a_list_has_no_such_signal() -> None:
    assert fraud_in_words("I didn't make this transfer", "vi") != FraudTold.REPORTED
    assert not lodges_complaint("I want to make a complaint", "vi")


def test_the_decision_reads_the_words_beside_the_intent() -> None:
    words = "제가 안 한 이체가 있어요"
    assert understanding_of("out_of_scope", 1.0, words, "ko").reports_fraud
    assert not understanding_of("out_of_scope", 1.0, "날씨 알려줘", "ko").reports_fraud
    assert understanding_of("ask_faq", 1.0, "I want to complain", "en").lodges_complaint
    assert not understanding_of("ask_faq", 1.0, "I want to send money", "en").lodges_complaint


@pytest.mark.parametrize("language", ["en", "ko"])
def test_most_fraud_reports_of_the_nlu_data_tell_an_event_the_words_find(language: str) -> None:
    """The rest name only a topic ("scam", "report fraud") or a contact that may be a question
    ("someone called saying they're from hanbit remit"): the NLU and the articles weigh those."""
    reports = nlu_examples(language, ["report_fraud"])
    found = [text for text in reports if fraud_in_words(text, language) is not None]
    assert len(found) >= 0.75 * len(reports), [t for t in reports if t not in found]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_half_the_complaints_of_the_nlu_data_are_lodged_in_words_the_reader_finds(
    language: str,
) -> None:
    """The rest are displeasure alone ("worst app ever") or questions about complaining."""
    complaints = nlu_examples(language, ["complaint"])
    found = [text for text in complaints if lodges_complaint(text, language)]
    assert len(found) >= 0.5 * len(complaints), [t for t in complaints if t not in found]


def article_questions(language: str, leaving_out: set[str]) -> list[str]:
    """The question variants of a language's seed articles but those with any of these tags."""
    articles = published_articles(ARTICLES_DIR)[language]
    return [q for a in articles if not leaving_out & set(a.tags) for q in a.questions]


# An article's question that tells of a change the customer did not make: a person looks too.
TAKE_OVER_SIGNS = {
    "got an email saying my phone number changed but I didn't do it",
    "내가 안 바꿨는데 휴대폰 번호 변경됐다는 메일이 왔어",
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_question_about_the_service_reads_as_a_fraud_report(language: str) -> None:
    """Every article's but those on fraud and on what Hanbit Remit does not do (another
    company's account taken over is still someone's fraud)."""
    questions = article_questions(language, leaving_out={"fraud", OUT_OF_SCOPE_TAG})
    assert len(questions) > 1000
    read = {q for q in questions if fraud_in_words(q, language) == FraudTold.REPORTED}
    assert read <= TAKE_OVER_SIGNS


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_question_of_the_articles_lodges_a_complaint(language: str) -> None:
    """Not even the article on contacting support's ("how do I make a complaint")."""
    questions = article_questions(language, leaving_out=set())
    assert [q for q in questions if lodges_complaint(q, language)] == []


@pytest.mark.parametrize(
    ("language", "text", "sent"),
    [
        ("en", "I sent 850 dollars right away, then he blocked me", True),
        ("en", "we paid the invoice and the team never got it", True),
        ("en", "my transfer HR215530476 is not there", True),
        ("en", "Ref HR-3391-0045, my family borrowed that money", True),
        ("en", "I SENT 3 TRANSFERS TO INDIA LIKE HE SAID", True),
        ("en", "Message said I won a car. Sent 300 euros to an account in Bangladesh", True),
        ("en", "sent 200 euro to my brother an hour ago, has it gone through yet", True),
        ("en", "Will it be sent 200 euros or less?", False),
        ("en", "it took 24 hr 48 hours to arrive", False),
        ("ko", "브로커한테 수수료라고 2천달러 보냈는데", True),
        ("ko", "HB-2026-000123 건 확인해 주세요", True),
        ("en", "he wants me to send $500 first, should I?", False),
        ("en", "how much does it cost to send 500 dollars?", False),
        ("ko", "판매자가 태국 계좌로 보내달래서 400유로 보냈어요", True),
        ("ko", "앱에서 2500파운드씩 두번 빠져나갔어요", True),
        ("ko", "200달러 보내달라는데 아직 안 보냈어요", False),
        ("ko", "500달러 보내면 수수료 얼마예요?", False),
    ],
)
def test_money_already_sent_is_told(language: str, text: str, sent: bool) -> None:
    assert tells_money_sent(text, language) is sent
