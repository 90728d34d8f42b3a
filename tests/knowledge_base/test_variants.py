"""The second reading of a question, by the articles' own question variants."""

import csv

import numpy as np
import pytest
import scipy.sparse as sparse

from handoff.settings import PROJECT_ROOT
from knowledge_base import variants
from knowledge_base.articles import Article, Status, dense_units
from knowledge_base.embeddings import Embedder
from knowledge_base.files import ARTICLES_DIR, published_articles
from knowledge_base.variants import VariantReader


def article(slug: str, title: str, questions: list[str], language: str = "en") -> Article:
    return Article(
        slug=slug,
        language=language,
        title=title,
        body="…",
        questions=questions,
        status=Status.PUBLISHED,
    )


ARTICLES = [
    article(
        "transfer-delayed", "My transfer is late", ["why is my transfer late", "still not arrived"]
    ),
    article(
        "processing-hours", "Processing hours", ["when do you process at weekends", "opening hours"]
    ),
    article("fees", "Fees", ["how much does it cost", "what is the fee to send"]),
]
DEVELOPMENT_SET = PROJECT_ROOT / "benchmarks" / "data" / "e2e-dev.csv"
KOREAN = [
    article("transfer-delayed", "송금이 늦어요", ["송금이 왜 늦어요", "아직 안 들어왔어요"], "ko"),
    article("processing-hours", "처리 시간", ["주말에도 처리되나요", "영업시간이 언제예요"], "ko"),
]


@pytest.mark.parametrize(
    ("articles", "question", "slug"),
    [
        (ARTICLES, "my transfer is so late, it has not arrived", "transfer-delayed"),
        (ARTICLES, "do you process transfers at the weekend?", "processing-hours"),
        (ARTICLES, "what's the fee?", "fees"),
        (KOREAN, "보낸 돈이 아직도 안 들어왔네요", "transfer-delayed"),
        (KOREAN, "토요일에도 처리돼요?", "processing-hours"),
    ],
)
def test_a_question_reads_as_the_article_whose_variants_it_is_like(
    articles: list[Article], question: str, slug: str
) -> None:
    reader = VariantReader.fitted(articles)
    assert reader is not None and reader.read(question) == slug


def test_an_edit_counts_at_once_since_the_reader_is_fitted_from_the_articles() -> None:
    edited = [*ARTICLES[:2], article("fees", "Fees", ["what will it cost me to send to Manila"])]
    reader = VariantReader.fitted(edited)
    assert reader is not None and reader.read("cost of sending money to Manila") == "fees"


def test_one_article_or_too_many_variants_have_no_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    assert VariantReader.fitted(ARTICLES[:1]) is None
    monkeypatch.setattr(variants, "MOST_ARTICLES_TIMES_VARIANTS", 3 * 9)  # three of three each
    assert VariantReader.fitted(ARTICLES) is not None
    longer = [*ARTICLES[:2], article("fees", "Fees", ["cost", "fee", "price"])]
    assert VariantReader.fitted(longer) is None


def questions_of_the_development_set(language: str) -> list[str]:
    with DEVELOPMENT_SET.open(newline="") as file:
        return [row["text"] for row in csv.DictReader(file) if row["language"] == language]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_reading_is_the_fitted_classifier_s_own_prediction(language: str) -> None:
    # The seed articles and the development set's 179 messages a language, which read
    # otherwise when the sums are not scikit-learn's (raw counts, no unit length: tried).
    questions = questions_of_the_development_set(language)
    # Two articles: one line, not one per article.
    for articles in (published_articles(ARTICLES_DIR)[language], ARTICLES[:2]):
        reader = VariantReader.fitted(articles)
        assert reader is not None
        predicted = reader._classifier.predict(reader._vectorizer.transform(questions))
        assert [reader.read(q) for q in questions] == list(predicted)


def test_a_question_without_a_shared_ngram_has_no_reading() -> None:
    reader = VariantReader.fitted(ARTICLES)
    assert reader is not None and reader.read("") is None


def test_a_reader_of_embeddings_reads_the_question_s_meaning_beside_its_words() -> None:
    # Each article's texts share one direction, orthogonal to the other's: the same words
    # read as the article whose direction the question's embedding has.
    directions = {"transfer-delayed": [1.0, 0.0], "processing-hours": [0.0, 1.0]}
    vectors = {
        text: np.asarray(directions[a.slug]) for a in ARTICLES[:2] for text in dense_units(a)
    }
    reader = VariantReader.fitted(ARTICLES[:2], vectors)
    assert reader is not None and reader.reads_embeddings
    for slug, direction in directions.items():
        assert reader.read("hello there", np.asarray(direction)) == slug
    with pytest.raises(ValueError, match="embeddings"):
        reader.read("hello there")


def test_a_reading_by_embeddings_too_is_the_fitted_classifier_s_own_prediction(
    seed_embedder: Embedder,
) -> None:
    articles = published_articles(ARTICLES_DIR)["en"]
    texts = [text for a in articles for text in dense_units(a)]
    vectors = dict(zip(texts, seed_embedder.embed(texts), strict=True))
    reader = VariantReader.fitted(articles, vectors)
    assert reader is not None and reader.reads_embeddings
    questions = questions_of_the_development_set("en")
    embedded = seed_embedder.embed(questions)
    features = sparse.hstack(
        [reader._vectorizer.transform(questions), sparse.csr_matrix(embedded)], format="csr"
    )
    predicted = reader._classifier.predict(features)
    assert [reader.read(q, e) for q, e in zip(questions, embedded, strict=True)] == list(predicted)
