"""Two embedding models in a cascade: the fast one answers when it is sure, the other when not.

all-MiniLM-L6-v2 embeds a question in about 4 ms, all-mpnet-base-v2 in about 27 ms and is the
more accurate. Asking the larger one only when the small one's calibrated confidence is under
`below` keeps most questions at the small one's speed and gains the larger one's accuracy where
it matters (benchmarks/README.md has the figures). The gain was measured in English; in Korean
all-mpnet-base-v2 ranked the seed articles worse than the small model, so which languages get a
second opinion is a setting.
"""

from dataclasses import dataclass, replace

from knowledge_base.calibration import Calibration
from knowledge_base.embeddings import Embedder
from knowledge_base.search import Searcher, SearchResult


@dataclass(frozen=True)
class SecondOpinion:
    """The model asked, for questions in `languages`, when the first one's top confidence is
    under `below`."""

    embedder: Embedder
    calibration: Calibration
    below: float
    languages: frozenset[str]


class Cascade:
    """Searches with `first`; when its top hit's confidence is under `below` and the question's
    language is one of `languages`, with `second`."""

    def __init__(
        self, first: Searcher, second: Searcher, below: float, languages: frozenset[str]
    ) -> None:
        self.first = first
        self.second = second
        self.below = below
        self.languages = languages

    def search(self, question: str, language: str, threshold: float) -> SearchResult:
        """The first searcher's result if it is sure enough, else the second's (marked so)."""
        result = self.first.search(question, language, threshold)
        sure = result.hits and result.hits[0].confidence >= self.below
        if sure or language not in self.languages:
            return result
        return replace(self.second.search(question, language, threshold), second_opinion=True)
