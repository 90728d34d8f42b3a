"""The scope reader: a regression over a sentence model's vectors of the NLU's own examples,
read where the NLU calls a message out of scope."""

from pathlib import Path

import pytest

from knowledge_base import confidence_fitting
from knowledge_base.confidence_fitting import labelled_nlu_examples
from knowledge_base.embeddings import SECOND_MODEL, Embedder
from knowledge_base.intent_regression import examples_digest
from knowledge_base.scope import ScopeReader, fit_language

NLU = """\
version: "3.1"
nlu:
  - intent: ask_faq
    examples: |
      - how much is the fee to send money
      - what does a transfer cost
      - how long does a transfer take to arrive
      - how do I verify my account
      - what documents do you need to verify me
      - how do I reset my password
      - can my family collect the money in cash
      - what is your exchange rate today
      - how much can I send in one transfer
      - how do I close my account
  - intent: greet
    examples: |
      - hello
      - hi there
      - good morning
  - intent: out_of_scope
    examples: |
      - what's the weather like tomorrow
      - tell me a joke
      - who won the football match
      - give me a recipe for soup
      - what's the capital of france
      - recommend a good movie
      - how tall is mount everest
      - write me a poem
      - what time is it in new york
      - which phone should I buy
"""


@pytest.fixture
def nlu_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """NLU data of a language "xx" of its own, as the knowledge base reads NLU data."""
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "nlu.yml").write_text(NLU)
    monkeypatch.setattr(confidence_fitting, "NLU_DATA", tmp_path)
    return tmp_path


def test_a_reader_fitted_on_nlu_examples_reads_what_is_in_scope_and_what_is_not(
    nlu_data: Path, seed_embedder: Embedder, tmp_path: Path
) -> None:
    reader = ScopeReader("some-model", {"xx": fit_language(seed_embedder, "xx")})
    assert reader.languages["xx"].intents == ["ask_faq", "greet", "out_of_scope"]

    def in_scope(text: str, language: str = "xx") -> bool | None:
        return reader.reads_in_scope(seed_embedder.embed_question(text), language)

    assert in_scope("what is the fee for sending 500 dollars to my mother") is True
    assert in_scope("will it rain this weekend") is False
    assert in_scope("how much is the fee", "ko") is None  # no reader in that language
    # Saved and read back, it reads alike.
    saved = reader.save(tmp_path)
    assert saved.name == "scope-some-model.json"
    assert ScopeReader.load("some-model", tmp_path) == reader
    assert ScopeReader.load("another-model", tmp_path) is None


def test_a_language_without_out_of_scope_examples_gets_no_reader(
    nlu_data: Path, seed_embedder: Embedder
) -> None:
    with pytest.raises(ValueError, match="out-of-scope"):
        fit_language(seed_embedder, "zz")


def test_the_committed_readers_were_fitted_on_the_nlu_data_as_it_is() -> None:
    reader = ScopeReader.load(SECOND_MODEL)
    assert reader is not None and set(reader.languages) == {"en"}
    for language, scope in reader.languages.items():
        digest = examples_digest(labelled_nlu_examples(language))
        assert scope.examples == digest, "the NLU data changed: run `baton kb fit-readers`"


def test_the_committed_reader_reads_long_questions_by_their_meaning() -> None:
    """What DIET, on the words alone, calls out of scope with certainty; and what is not ours."""
    reader, embedder = ScopeReader.load(SECOND_MODEL), Embedder(SECOND_MODEL)
    assert reader is not None

    def in_scope(text: str) -> bool | None:
        return reader.reads_in_scope(embedder.embed_question(text), "en")

    assert in_scope("I'm moving back to Kenya for good, so I want to shut my account down")
    assert in_scope("my cousin in Davao wants to pick the cash up herself, which ID must she bring")
    assert not in_scope("can you suggest a cheap mobile plan for calls to Vietnam")
    assert not in_scope("what will the weather be like in Lisbon next week")
