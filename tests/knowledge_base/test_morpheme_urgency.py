"""The urgency reader by morphemes: a regression over the TF-IDF of Kiwi's morphemes of the NLU's
examples and of stories of fraud and complaints, for the languages no second model reads."""

from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from knowledge_base.intent_regression import examples_digest
from knowledge_base.morpheme_urgency import (
    MORPHEME_LANGUAGES,
    MorphemeUrgencyReader,
    fit_language,
    terms_of,
)
from knowledge_base.text import Tokenizer
from knowledge_base.urgency import urgency_examples
from tests.knowledge_base.test_urgency import examples  # noqa: F401 (a fixture)

# Fraud and complaints of the fourteenth held-out set that the word lists missed blind.
PASTOR_SCAM = (
    "남편 잃고 혼자 지내는데 교회에서 만났다는 목사님이 선교헌금 급하다고 해서 세번 보냈어요. "
    "근데 그 교회가 존재하지 않는대요"
)
SARCASM = (
    "와 진짜 대단하시네요ㅋㅋ 앱에 나온 환율이랑 실제 적용된 환율이 왜 다르냐고 물었더니 "
    "상담원이 '정책입니다' 한마디 하고 끝. 서비스 정말 훌륭하십니다^^"
)
THIRD_TIME = (
    "이번이 세번째 문의에요... 이제 지쳤어요. 엄마는 아직도 돈 못받으셨고 아무도 제대로 된 답을 "
    "안주네요"
)


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def test_morphemes_keep_endings_and_particles(tokenizer: Tokenizer) -> None:
    morphemes = tokenizer.morphemes("돈을 보냈는데")
    assert morphemes == ["돈/NNG", "을/JKO", "보내/VV", "었/EP", "는데/EC"]
    assert terms_of(morphemes[:2]) == ["돈/NNG", "을/JKO", "돈/NNG+을/JKO"]


def test_a_reader_fitted_on_nlu_examples_and_stories_reads_fraud_and_complaints(
    examples: Path,  # noqa: F811 (the fixture)
    tokenizer: Tokenizer,
    tmp_path: Path,
) -> None:
    reader = fit_language(tokenizer, "xx")
    assert reader.regression.intents == ["complaint", "other", "report_fraud"]
    readers = MorphemeUrgencyReader({"xx": reader}, tokenizer)
    saved = MorphemeUrgencyReader.load(tokenizer, readers.save(tmp_path / "readers.json"))
    assert saved is not None
    # Five stories are too few to generalise from: the reader reads them back.
    fraud = "someone logged into my account and sent all my money to a stranger"
    complaint = (
        "you charged me twice and your agents keep sending copied replies, I want my money back"
    )
    for kept in (readers, saved):
        assert kept.reads_urgent(fraud, "xx") == "report_fraud"
        assert kept.reads_urgent(complaint, "xx") == "complaint"
        assert kept.reads_urgent("what is the fee to send 200 dollars", "xx") is None
        assert kept.reads_urgent(fraud, "ko") is None  # no reader in that language
    # Its vector is scikit-learn's TF-IDF of the examples, as fitted.
    texts = [text for text, _ in urgency_examples("xx")]
    tfidf = TfidfVectorizer(analyzer=terms_of, sublinear_tf=True)
    tfidf.fit([tokenizer.morphemes(text) for text in texts])
    message = tokenizer.morphemes("a man said he was from your company and my money is gone")
    expected = tfidf.transform([message]).toarray()[0]
    assert np.allclose(reader.vector(message), expected, atol=1e-5)
    assert not reader.vector(["unheard/SL"]).any()


def test_a_language_without_fraud_examples_gets_no_reader(
    examples: Path,  # noqa: F811 (the fixture)
    tokenizer: Tokenizer,
) -> None:
    (examples / "stories" / "xx.yml").unlink()
    with pytest.raises(ValueError, match="report_fraud"):
        fit_language(tokenizer, "xx")


def test_the_committed_readers_were_fitted_on_the_examples_as_they_are(
    tokenizer: Tokenizer,
) -> None:
    readers = MorphemeUrgencyReader.load(tokenizer)
    assert readers is not None and set(readers.languages) == set(MORPHEME_LANGUAGES)
    for language, reader in readers.languages.items():
        digest = examples_digest(urgency_examples(language))
        assert reader.regression.examples == digest, "changed: run `baton kb fit-readers`"


def test_the_committed_korean_reader_reads_stories_no_word_list_holds(
    tokenizer: Tokenizer,
) -> None:
    readers = MorphemeUrgencyReader.load(tokenizer)
    assert readers is not None

    def read(text: str) -> str | None:
        return readers.reads_urgent(text, "ko")

    assert read(PASTOR_SCAM) == "report_fraud"
    assert read(SARCASM) == read(THIRD_TIME) == "complaint"
    assert read("필리핀으로 50만원 보내면 수수료 얼마예요?") is None
    assert read("어제 엄마한테 보낸 돈이 아직 처리중이라고 떠요 언제 도착해요?") is None
    assert read("한빛이라고 문자 왔는데 링크 안 눌렀어요 진짜 한빛에서 보낸 거예요?") is None
    assert read("감사합니다 덕분에 해결됐어요") is None
