"""What the bot's intents and a message's size mean to the decision."""

import pytest

from handoff.assistant.understanding import (
    KIND_OF_INTENT,
    SMALL_TALK_CHARS,
    TOPIC_OF_INTENT,
    is_small_talk,
    is_small_talk_sized,
    understanding_of,
)
from knowledge_base.confidence_fitting import nlu_examples
from knowledge_base.decision import MessageKind
from knowledge_base.files import ARTICLES_DIR, published_articles

SOCIAL_INTENTS = sorted(i for i, kind in KIND_OF_INTENT.items() if kind is MessageKind.SOCIAL)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_small_talk_the_nlu_learnt_from_is_small_talk(language: str) -> None:
    examples = nlu_examples(language, SOCIAL_INTENTS)
    assert len(examples) > 100
    assert [text for text in examples if not is_small_talk(text, language)] == []


@pytest.mark.parametrize(
    ("text", "language", "small_talk"),
    [
        ("refund not received yet", "en", False),
        ("APP NOT OPENING AGAIN", "en", False),
        ("wrong name on transfer!!", "en", False),
        ("방금보낸송금취소해줘", "ko", False),
        ("thanks, my transfer arrived", "en", True),  # small talk's own word beside the matter
        ("ok the app works now", "en", True),
        ("no that's all, bye", "en", True),
        ("송금 잘 받았대요 감사해요", "ko", True),
        ("안녕하세요 한빛송금 맞죠", "ko", True),  # the service's name is no matter
    ],
)
def test_a_short_message_naming_a_matter_without_small_talks_words_is_not_small_talk(
    text: str, language: str, small_talk: bool
) -> None:
    assert is_small_talk(text, language) is small_talk


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Hello there! I moved to Canada last month, how do I change my phone number?"),
        ("ko", "안녕하세요. 이번에 번호를 바꿨는데 앱에서 어떻게 변경하나요?"),
    ],
)
def test_a_greeting_with_a_question_is_not_small_talk(language: str, text: str) -> None:
    understood = understanding_of("greet", 1.0, text, language)
    assert understood.kind is MessageKind.SOCIAL and not understood.small_talk
    assert understanding_of("greet", 1.0, text.split()[0], language).small_talk


def test_a_language_without_nlu_data_gets_the_longest_small_talk() -> None:
    longest = max(SMALL_TALK_CHARS.values())
    assert is_small_talk_sized("x" * longest, "ja")
    assert not is_small_talk_sized("x" * (longest + 1), "ja")


@pytest.mark.parametrize(
    ("text", "language", "asks"),
    [
        ("someone called saying they're from you, is that real?", "en", True),
        ("이거 피싱이지\uff1f", "ko", True),  # the full-width mark of Korean keyboards
        ("How can I lock my account quickly", "en", True),
        ("I think my crewmate saw my password. how do i lock it", "en", True),
        ("한빛 로고 박힌 메일이 왔는데 피싱 같은데 어떻게 해야돼요", "ko", True),
        ("알려 주어도 되는 것인지 문의드립니다. 괜찮은 건가요", "ko", True),
        ("급할 때 계정을 멈추는 방법을 알려 주십시오.", "ko", True),
        ("계정 동결하는 법 좀 알려줘", "ko", True),
        ("i think my roommate saw my password, how to lock the account", "en", True),
        ("혹시 남이 들어온거면 어떻게 막아둬야 됨", "ko", True),
        ("그런 연락이 오면 어디로 신고하는지 미리 알아두고 싶어요", "ko", True),
        ("할인코드 넣었는데 적용이 안됨 ㅡㅡ 유효기간은 안 지났는데 왜그럼", "ko", True),
        ("한도올리기ㄱㄱ 어디서함", "ko", True),  # asks where, wherever it does
        ("인증번호를 알려줬어요", "ko", False),
        ("a guy online offers me a better rate if I send through him, is that legit", "en", True),
        ("someone took money from my account", "en", False),
        ("my money is gone, this is a scam", "en", False),
        ("this is my account, I sent the money", "en", False),
        ("내 계정에서 돈이 나갔어요", "ko", False),
        ("how could you let this happen", "ja", False),  # no list: the mark alone
    ],
)
def test_a_message_asks_something_with_a_question_mark_or_a_questions_words(
    text: str, language: str, asks: bool
) -> None:
    assert understanding_of("report_fraud", 1.0, text, language).asks is asks


@pytest.mark.parametrize("language", ["en", "ko"])
def test_each_intents_topic_tags_seed_articles(language: str) -> None:
    articles = published_articles(ARTICLES_DIR)[language]
    tags = {tag for article in articles for tag in article.tags}
    assert set(TOPIC_OF_INTENT.values()) <= tags
    assert understanding_of("check_transfer_status", 1.0, "어디쯤 왔어요", language).topic == (
        "transfers"
    )
