"""Two embedding models in a cascade: the fast one answers when it is sure, the other when not.

all-MiniLM-L6-v2 embeds a question in about 4 ms, all-mpnet-base-v2 in about 27 ms. Asking the
larger one only when the small one is unsure keeps most questions at the small one's speed. A
limit is fitted per language on held-out question variants, as the calibration is
(confidence_fitting.fit_second_opinion): where the second model does not help, it is never asked.
Each language may have a second model of its own (multilingual-e5-small reads Korean, which
all-mpnet-base-v2 ranks no better than the first model): the limits remember, per language, the
model they were fitted for (SecondOpinionFit). The knowledge base alone (`Cascade`, `baton
eval`) asks it under that limit; the bot (handoff/assistant/answers.py) asks it, in the
languages with a limit, whenever the first model's ranking would not answer at once, and decides
on its ranking under its own policy.
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.confidence import Calibration, calibration_file
from knowledge_base.embeddings import Embedder
from knowledge_base.scope import ScopeReader
from knowledge_base.search import Searcher, SearchResult
from knowledge_base.urgency import UrgencyReader

logger = logging.getLogger(__name__)


def second_opinion_file(first_model: str) -> Path:
    """Where the limits fitted for a first model are kept: beside its calibration, named alike
    (second_opinion.json beside calibration.json)."""
    calibration = calibration_file(first_model)
    return calibration.with_name(calibration.name.replace("calibration", "second_opinion"))


@dataclass(frozen=True)
class SecondOpinionFit:
    """Per language, the second model its limit was fitted for, and the limit."""

    models: dict[str, str]
    below: dict[str, float]

    @classmethod
    def load(cls, path: Path) -> "SecondOpinionFit | None":
        """The fitted limits, or None if none were fitted."""
        return cls(**json.loads(path.read_text())) if path.exists() else None

    def save(self, path: Path) -> None:
        """Write the fitted limits."""
        data = {
            "models": dict(sorted(self.models.items())),
            "below": dict(sorted(self.below.items())),
        }
        path.write_text(json.dumps(data, indent=2) + "\n")


def limits_by_model(first: str, languages: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """For each second model, the limits fitted for it in the languages it is configured for
    (`languages`, by model); a configured language without one is named in the log."""
    by_model: dict[str, dict[str, float]] = {}
    for second, configured in languages.items():
        fitted = second_opinion_limits(first, second)
        by_model[second] = {lang: fitted[lang] for lang in configured if lang in fitted}
        unfitted = sorted(set(configured) - set(fitted))
        if fitted and unfitted:
            logger.warning(
                "%s is configured as the second model in %s, but its limits were fitted only in "
                "%s: it is not asked there until `baton kb calibrate` is run",
                second,
                ", ".join(unfitted),
                ", ".join(sorted(fitted)),
            )
    return by_model


def asked_languages(below: dict[str, float]) -> frozenset[str]:
    """The languages a second model is asked in: those with a limit (0 is never)."""
    return frozenset(language for language, limit in below.items() if limit > 0)


def second_opinion_limits(first: str, second: str) -> dict[str, float]:
    """The limits under which the second model is asked, in the languages they were fitted for
    with it; none (never asked) where none were."""
    path = second_opinion_file(first)
    fit = SecondOpinionFit.load(path)
    models = fit.models if fit else {}
    limits = {language: fit.below[language] for language in models if models[language] == second}
    if not limits:
        logger.warning(
            "No second-opinion limits fitted for %s with %s (%s): it is never asked until "
            "`baton kb calibrate` (or `baton kb tune`) is run with it as a second model",
            first,
            second,
            path,
        )
    return limits


@dataclass(frozen=True)
class SecondOpinion:
    """The model asked when the first one's top confidence is under its language's limit, and
    its scope and urgency readers (knowledge_base/scope.py, urgency.py), if fitted."""

    embedder: Embedder
    calibration: Calibration
    below: dict[str, float]
    scope: ScopeReader | None = None
    urgency: UrgencyReader | None = None


class Cascade:
    """Searches with `first`; when its top hit's confidence is under the question language's
    limit in `below` (none: never), with `second`."""

    def __init__(self, first: Searcher, second: Searcher, below: dict[str, float]) -> None:
        self.first = first
        self.second = second
        self.below = below

    def search(self, question: str, language: str, threshold: float) -> SearchResult:
        """The first searcher's result if it is sure enough, else the second's (marked so)."""
        result = self.first.search(question, language, threshold)
        top = result.hits[0].confidence if result.hits else 0.0
        if top >= self.below.get(language, 0.0):
            return result
        return self.second.search(question, language, threshold).as_second_opinion(result)
