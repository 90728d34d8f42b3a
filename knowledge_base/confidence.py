"""Turning a ranking into a confidence: a logistic model per language, fitted on data.

The parameters are fitted by `baton kb calibrate` (knowledge_base/confidence_fitting.py) and kept
in knowledge_base/ for the packaged model, the second model and multilingual-e5-small
(calibration.json, calibration-<model>.json), beside any other model in its folder (by
`baton kb tune` for a tuned one); here they are only applied.
"""

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge_base.e5_model import E5_MODEL
from knowledge_base.embeddings import DEFAULT_MODEL, SECOND_MODEL

if TYPE_CHECKING:
    from knowledge_base.search import Features

# The features of a ranking (search.py: Features) a calibration reads when it names none.
SCORES = ["dense", "dense_margin", "lexical", "score_margin"]
CALIBRATION_FILE = Path(__file__).resolve().parent / "calibration.json"
# The calibrations committed with the code, of the models every install has.
SHIPPED_CALIBRATIONS = {
    DEFAULT_MODEL: CALIBRATION_FILE,
    SECOND_MODEL: CALIBRATION_FILE.with_name(f"calibration-{SECOND_MODEL}.json"),
    E5_MODEL: CALIBRATION_FILE.with_name(f"calibration-{E5_MODEL}.json"),
}


def calibration_file(model: str) -> Path:
    """Where an embedding model's calibration is kept: committed for the models every install
    has, else beside the model (`baton kb tune` writes a tuned one's, `baton kb calibrate`
    another's)."""
    return SHIPPED_CALIBRATIONS.get(model, Path(model) / CALIBRATION_FILE.name)


@dataclass
class LanguageCalibration:
    """How one language's rankings are fused and how their top score maps to P(right answer)."""

    lexical_weight: float = 0.2
    centroid_weight: float = 0.0
    nearest_variants: int = 1
    lexical_half: float = 5.0
    # The variant reader's scores (variants.py) added to the fused score, times this.
    variants_weight: float = 0.0
    # Whether the variant reader reads the questions' embeddings beside their n-grams.
    reader_embeddings: bool = False
    # The ranking's features (knowledge_base/search.py: Features) the model reads, by name.
    features: list[str] = field(default_factory=lambda: list(SCORES))
    coefficients: list[float] = field(default_factory=lambda: [12.0, 8.0, 2.0, 4.0])
    intercept: float = -9.0
    # When the top article is wrong, how often the right one is at rank 2, 3, ... (fitted).
    lower_ranks: list[float] = field(default_factory=lambda: [0.5, 0.2, 0.1, 0.05])

    def probability(self, features: "Features") -> float:
        """P(the top article is the right answer) for a ranking's features."""
        z = self.intercept + sum(
            c * features.value(name)
            for c, name in zip(self.coefficients, self.features, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))


@dataclass
class Calibration:
    """The calibration of every language."""

    languages: dict[str, LanguageCalibration] = field(default_factory=dict)

    def for_language(self, language: str) -> LanguageCalibration:
        """A language's calibration (the defaults until one is fitted)."""
        return self.languages.get(language) or LanguageCalibration()

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> "Calibration":
        """Read a calibration file; the defaults if there is none."""
        if not path.exists():
            return cls()
        data = json.loads(path.read_text())
        return cls({lang: LanguageCalibration(**values) for lang, values in data.items()})

    def save(self, path: Path = CALIBRATION_FILE) -> None:
        """Write the calibration file."""
        data = {lang: asdict(values) for lang, values in sorted(self.languages.items())}
        path.write_text(json.dumps(data, indent=2) + "\n")
