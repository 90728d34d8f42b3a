"""Knowledge gaps: the questions the bot could not answer, whose answer did not help, or that it
declined, grouped by meaning per language, so that content staff see which articles to write
next (and which questions an article on what Hanbit Remit does not do caught wrongly).

Questions are vectors (knowledge_base/gap_vectors.py) grouped by agglomerative clustering
(scikit-learn, average linkage) under a cosine distance threshold per language, chosen on
BANKING77's training questions (benchmarks/gap_clustering.py). Within a group, questions that
normalise to the same text, or lie within NEAR_DUPLICATE of one already listed, collapse into it.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel
from sklearn.cluster import AgglomerativeClustering

DISTANCE = {"en": 0.4, "ko": 0.95}  # the threshold per language (benchmarks/gap_clustering.py)
DEFAULT_DISTANCE = 0.5
NEAR_DUPLICATE = 0.1  # cosine distance under which two questions are the same question
MAX_QUESTIONS = 20  # distinct questions listed per group (the variants a draft starts with)
WEEK_SECONDS = 7 * 86400
_PUNCTUATION = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class Asked:
    """One time a question went unanswered ("unanswered"), was answered unhelpfully
    ("not_helpful") or declined ("declined"), and when (epoch seconds)."""

    question: str
    kind: str
    at: float


@dataclass
class Tally:
    """A question as its normalised text, asked `count` times: the latest wording is shown."""

    question: str
    count: int = 0
    not_helpful: int = 0
    declined: int = 0
    this_week: int = 0
    last_week: int = 0
    last_seen: float = 0.0


class GapQuestion(BaseModel):
    """A distinct question of a group (near-duplicates counted in), as customers asked it."""

    question: str
    count: int


class GapGroup(BaseModel):
    """Questions of one meaning: how often asked, this week against the week before, examples."""

    id: str
    language: str
    count: int
    not_helpful: int
    declined: int
    this_week: int
    last_week: int
    last_seen: float
    questions: list[GapQuestion]


def normalised(question: str) -> str:
    """The text two askings share when they differ only by case, spacing or punctuation."""
    return " ".join(_PUNCTUATION.sub(" ", question.casefold()).split())


def tally(asked: list[Asked], now: float) -> list[Tally]:
    """Askings counted by normalised text, newest wording kept; most asked first."""
    tallies: dict[str, Tally] = {}
    for one in sorted(asked, key=lambda a: a.at):
        found = tallies.setdefault(normalised(one.question), Tally(one.question))
        found.question = one.question
        found.count += 1
        found.not_helpful += one.kind == "not_helpful"
        found.declined += one.kind == "declined"
        found.this_week += now - one.at <= WEEK_SECONDS
        found.last_week += WEEK_SECONDS < now - one.at <= 2 * WEEK_SECONDS
        found.last_seen = max(found.last_seen, one.at)
    return sorted(tallies.values(), key=lambda t: (-t.count, -t.last_seen))


def cluster(vectors: np.ndarray, distance: float) -> np.ndarray:
    """A group label per row of unit vectors: average linkage, merged while closer than
    `distance` in cosine distance."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    clustering = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=distance
    )
    return clustering.fit_predict(vectors)


def groups(tallies: list[Tally], vectors: np.ndarray, language: str) -> list[GapGroup]:
    """The tallied questions grouped by meaning (one unit vector per tally), biggest first."""
    labels = cluster(vectors, DISTANCE.get(language, DEFAULT_DISTANCE))
    found = [
        _group([tallies[i] for i in members], vectors[members], language)
        for members in (np.flatnonzero(labels == label) for label in np.unique(labels))
    ]
    return sorted(found, key=lambda g: (-g.count, -g.last_seen))


def _group(members: list[Tally], vectors: np.ndarray, language: str) -> GapGroup:
    """One group; its members come most asked first, and collapse into near-duplicates."""
    kept: list[int] = []
    counts: Counter[int] = Counter()
    for i, member in enumerate(members):
        similar = [k for k in kept if float(vectors[i] @ vectors[k]) >= 1 - NEAR_DUPLICATE]
        into = similar[0] if similar else i
        if not similar:
            kept.append(i)
        counts[into] += member.count
    questions = [GapQuestion(question=members[k].question, count=counts[k]) for k in kept]
    questions.sort(key=lambda q: -q.count)
    return GapGroup(
        id=hashlib.sha256(questions[0].question.encode()).hexdigest()[:12],
        language=language,
        count=sum(m.count for m in members),
        not_helpful=sum(m.not_helpful for m in members),
        declined=sum(m.declined for m in members),
        this_week=sum(m.this_week for m in members),
        last_week=sum(m.last_week for m in members),
        last_seen=max(m.last_seen for m in members),
        questions=questions[:MAX_QUESTIONS],
    )
