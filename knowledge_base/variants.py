"""A second reading of a question: which article's own questions it reads like, by a linear
classifier over the character n-grams of each article's title and question variants.

The search ranks articles by embeddings and BM25 and calibrates how sure its top one is; on
Korean, which the packaged embedding model hardly reads, a confident top article can still be
the wrong one. This reader learns from the variants alone which n-grams tell one article from
the others, so it errs elsewhere than the search: when the two name different articles, the bot
offers the leading articles instead of answering (knowledge_base/decision.py). It is fitted
whenever a language's index is built (about 0.1 s of CPU for the seed articles), so an editor's
change counts at once.
"""

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from knowledge_base.articles import Article

# Character n-grams within words, 1 to 4 long: Korean particles and endings stick to the words
# they follow, and misspellings change a few n-grams, not the word's every one.
NGRAMS = (1, 4)
# Fitting grows with articles times variants (one-vs-rest): above this many articles a language
# has no reader, and its confident answers stand alone (10,000 articles would take minutes).
MOST_ARTICLES = 1000


class VariantReader:
    """Reads a question as the article whose title and question variants it is most like."""

    def __init__(self, articles: list[Article]) -> None:
        texts = [text for article in articles for text in (article.title, *article.questions)]
        slugs = [article.slug for article in articles for _ in (article.title, *article.questions)]
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True
        )
        self._classifier = LinearSVC(C=1.0).fit(self._vectorizer.fit_transform(texts), slugs)

    @classmethod
    def fitted(cls, articles: list[Article]) -> "VariantReader | None":
        """A reader of these articles, or None when there are too few or too many to tell."""
        if not 2 <= len({article.slug for article in articles}) <= MOST_ARTICLES:
            return None
        return cls(articles)

    def read(self, question: str) -> str:
        """The slug of the article the question reads most like."""
        return str(self._classifier.predict(self._vectorizer.transform([question]))[0])
