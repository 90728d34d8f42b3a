"""Other money-transfer, payment and banking services named in a message; Hanbit Remit's
partners and payment methods, and words that only look like a name, are not."""

import pytest

from handoff.assistant.other_providers import mentions_another_provider, names_another_provider
from knowledge_base.files import ARTICLES_DIR, published_articles
from knowledge_base.search import lexical_text

NAMING = [
    "how much does Wise charge to send euros to India?",
    "my Western Union transfer to Cebu is late",
    "can I track a MoneyGram reference here",
    "paypal locked my account",
    "Venmo payment failed",
    "how do I raise my zelle limit",
    "what's the Revolut exchange rate today",
    "I forgot my Toss password",
    "kakaobank app keeps crashing",
    "웨스턴유니온 수수료 얼마예요?",
    "웨스턴유니언은 한국 보낼 때 수수료 얼마예요?",
    "머니 그램으로 보낸 거 조회돼요?",
    "와이즈가 더 싸던데요",
    "토스 비밀번호 어떻게 바꿔요?",
    "토스로 보낸 돈이 안 왔어요",
    "카카오뱅크 이체 한도 올리는 법",
    "카뱅 앱이 안 열려요",
    "페이팔 계정이 잠겼어요",
    "한패스랑 수수료 비교하면 어때요?",
    "my Chase app won't let me log in",
    "how do I reset my gmail password",
    "신한은행 앱 비번 5번 틀려서 잠겼어요",
    "농협 통장 비밀번호 잊어버렸어요",
    "how much is the overdraft fee at Barclays",
    "HSBC's monthly charges are too high",
    "삼성카드 연회비 얼마예요?",
    "신한 체크카드 해외결제 수수료 몇 %예요?",
    "hsbc keeps declining my debit card at the supermarket",
    "my credit card got declined at a truck stop last night",
    "my mother's bkash wants her to do ekyc again",
    "i forgot my gcash mpin, how do i get back in",
    "my wife's bKash account got blocked yesterday",
    "my maya wallet is frozen, can you help",
    "지캐시 비밀번호를 잊어버렸어요",
    "the banking app keeps saying my password is wrong",
    "how do i unlock my internet banking, i typed the password wrong",
    "은행 앱 비밀번호 5번 틀려서 잠겼어요",
    "wise 앱 수수료가 얼마예요?",
    "현대카드로 해외결제할 때 수수료 있나요",
    "우체국 스마트뱅킹 비번 잊어버렸어요",
    "통장 비거주자로 전환 안 하면 문제 돼요?",
    "my credit union card was declined at the store",
    "보다폰 요금 두번 빠져나감 어디다말해요",
    "Vodafone charged my phone bill twice this month",
    "not your app, my KakaoBank one: it wont let me log in since I changed phone",
    "kakaobank app keeps logging me out, its my korean bank account not you guys",
]

NOT_NAMING = [
    "can my mum receive the money on GCash?",
    "is bKash supported for Bangladesh?",
    "do you accept Apple Pay or Google Pay?",
    "is it wise to send money now or wait for a better rate?",
    "otherwise how do I cancel it",
    "my transfer is late, where is it?",
    "애플페이로 결제돼요?",
    "토스트 먹다가 송금 버튼을 잘못 눌렀어요",
    "지캐시로 받을 수 있나요?",
    "송금 수수료 얼마예요?",
    "my brother says nothing arrived in his BDO account",
    "can I send to a Kookmin bank account?",
    "우리 앱이 안 열려요",
    "국민은행 계좌로 보낼 수 있어요?",
    "does BDO charge my mum a fee to receive it?",
    "what's the fee to send to a BPI account",
    "국민카드로 결제해도 수수료 같아요?",
    "my transfer to GCash failed, something about her wallet not being verified",
    "is there a limit on how much I can send to gcash?",
    "what's the gcash limit per transfer",
    "what number do I put for my brother's bKash",
    "my bank app asks me to approve the payment, should I?",
    "she refreshed her banking app and nothing is there yet",
    "GCash로 보낼 때 전화번호만 있으면 돼요?",
    "my card keeps getting declined at checkout when I send",
    "비거주자도 송금할 수 있어요?",
    "현대카드로 해외송금 돼요?",
    "is a T-Mobile bill ok for proof of address",
    "I moved my number to T-Mobile, how do I change it in the app?",
]


# Hanbit Remit addressed beside another service: a comparison, asked of Hanbit Remit's articles.
COMPARING = [
    "is it cheaper with wise than with you",
    "I used Remitly before, is your rate better?",
    "comparing you with Western Union, which countries do you cover?",
    "you guys vs remitly, who is faster to Manila?",
    "토스는 되는데 여기서는 왜 결제가 안 돼요?",
    "와이즈보다 한빛이 수수료 싸요?",
]


@pytest.mark.parametrize("text", COMPARING)
def test_a_comparison_with_hanbit_remit_is_asked_of_its_own_articles(text: str) -> None:
    assert mentions_another_provider(text)
    assert not names_another_provider(text)


def test_you_alone_does_not_make_a_comparison() -> None:
    assert names_another_provider("can you raise my PayPal limit?")
    assert names_another_provider("my Western Union transfer is late, can you check it")


@pytest.mark.parametrize("text", NAMING)
def test_a_message_naming_another_provider_is_told(text: str) -> None:
    assert names_another_provider(text)


@pytest.mark.parametrize("text", NOT_NAMING)
def test_partners_payment_methods_and_look_alikes_are_not_other_providers(text: str) -> None:
    assert not names_another_provider(text)


def test_no_seed_article_names_a_provider_the_list_calls_another() -> None:
    """A service an article names is one Hanbit Remit works with: it must leave the list; but
    for the articles that decline questions about other companies, which name them to do so."""
    declining = []
    for articles in published_articles(ARTICLES_DIR).values():
        for article in articles:
            named = mentions_another_provider(lexical_text(article))
            if article.declines:
                declining.append(named)
            else:
                assert not named, article.slug
    assert any(declining)  # the article on other companies names some
