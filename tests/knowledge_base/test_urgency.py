"""The urgency reader: a regression over a sentence model's vectors of the NLU's examples and of
stories of fraud and complaints, read on every message in the languages it is fitted for."""

from pathlib import Path

import pytest

from knowledge_base import confidence_fitting, urgency
from knowledge_base.embeddings import SECOND_MODEL, Embedder
from knowledge_base.intent_regression import examples_digest
from knowledge_base.urgency import UrgencyReader, fit_language, urgency_examples
from tests.knowledge_base.test_scope import NLU as SCOPE_NLU

# A fraud story in no word of the lists (the thirteenth held-out set, missed blind).
ROMANCE_SCAM = (
    "met a lady on facebook 8 month ago, she said nurse in Cebu. i send her maybe 6000 dollars "
    "total, first for her mother hospital then for visa and plane ticket to come to me. now her "
    "facebook deleted and number not working. my daughter says i was cheated. retired army, 68 "
    "yrs. can you get it back"
)
NLU = (
    SCOPE_NLU
    + """\
  - intent: complaint
    examples: |
      - your service is terrible and I want to speak to a manager
      - I am very unhappy with how you treated me
"""
)
STORIES = """\
version: "3.1"
nlu:
  - intent: report_fraud
    examples: |
      - someone logged into my account and sent all my money to a stranger
      - a man on the phone said he was from your company, I gave him the code and my money is gone
      - I paid a landlord I found online and now he does not answer and the flat does not exist
  - intent: complaint
    examples: |
      - I have been waiting three weeks for my refund and nobody answers, this is unacceptable
      - you charged me twice and your agents keep sending copied replies, I want my money back
"""


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A language "xx" of its own: NLU data and stories, where the knowledge base reads them."""
    (tmp_path / "nlu" / "xx").mkdir(parents=True)
    (tmp_path / "nlu" / "xx" / "nlu.yml").write_text(NLU)
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "xx.yml").write_text(STORIES)
    monkeypatch.setattr(confidence_fitting, "NLU_DATA", tmp_path / "nlu")
    monkeypatch.setattr(urgency, "EXAMPLES_DIR", tmp_path / "stories")
    return tmp_path


def test_a_reader_fitted_on_nlu_examples_and_stories_reads_fraud_and_complaints(
    examples: Path, seed_embedder: Embedder, tmp_path: Path
) -> None:
    assert len(urgency_examples("xx")) == 25 + 5
    reader = UrgencyReader("some-model", {"xx": fit_language(seed_embedder, "xx")})
    assert reader.languages["xx"].intents == [
        "ask_faq",
        "complaint",
        "greet",
        "out_of_scope",
        "report_fraud",
    ]

    def read(text: str, language: str = "xx") -> str | None:
        return reader.reads_urgent(seed_embedder.embed_question(text), language)

    assert read("someone logged into my account and sent my money to a stranger") == "report_fraud"
    assert read("you charged me twice and nobody answers, I want a refund now") == "complaint"
    assert read("what is the fee to send 200 dollars") is None
    assert read("your service is terrible", "ko") is None  # no reader in that language
    # Kept as the scope reader is (test_scope.py reads one back), in a file of its own.
    assert reader.save(tmp_path).name == "urgency-some-model.json"


def test_a_language_without_fraud_examples_gets_no_reader(
    examples: Path, seed_embedder: Embedder
) -> None:
    (examples / "stories" / "xx.yml").unlink()
    with pytest.raises(ValueError, match="report_fraud"):
        fit_language(seed_embedder, "xx")


def test_the_committed_reader_was_fitted_on_the_examples_as_they_are() -> None:
    reader = UrgencyReader.load(SECOND_MODEL)
    assert reader is not None and set(reader.languages) == {"en"}
    digest = examples_digest(urgency_examples("en"))
    assert reader.languages["en"].examples == digest, "examples changed: run `baton kb fit-readers`"


def test_the_committed_reader_reads_stories_no_word_list_holds() -> None:
    """Fraud and complaints of the thirteenth held-out set that the word lists missed blind;
    and questions."""
    reader, embedder = UrgencyReader.load(SECOND_MODEL), Embedder(SECOND_MODEL)
    assert reader is not None

    def read(text: str) -> str | None:
        return reader.reads_urgent(embedder.embed_question(text), "en")

    assert read(ROMANCE_SCAM) == "report_fraud"
    assert (
        read(
            "You charged me the 4.99 fee twice for one transfer. I want my money back and an "
            "explanation."
        )
        == "complaint"
    )
    assert read("how much does it cost to send 300 pounds to Lagos") is None
    assert read("my transfer to my mum in Hanoi still says processing, when will it arrive") is None
    assert read("thanks a lot, that helped") is None
