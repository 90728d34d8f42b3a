"""Questions that arrive while the model is busy are embedded together, in one encode call.

Each knowledge-base search runs in a worker thread (live.py). One thread at a time encodes; the
questions that arrive meanwhile wait and go together in the next call, so a lone question waits
for nothing and many at once share the model's per-call work instead of queueing for it one by
one (benchmarks/encode_batching.py).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Encode = Callable[[list[str]], np.ndarray]


@dataclass
class _Question:
    text: str
    vector: np.ndarray | None = None
    error: BaseException | None = None
    finished: bool = False


class EncodeBatcher:
    """Embeds one text at a time for its caller, many texts a call to `encode`."""

    def __init__(self, encode: Encode, max_batch: int = 32) -> None:
        self._encode = encode
        self._max_batch = max_batch
        self._changed = threading.Condition()
        self._waiting: list[_Question] = []
        self._encoding = False

    def embed(self, text: str) -> np.ndarray:
        """The text's vector, encoded with whatever else is waiting when the model is free."""
        question = _Question(text)
        with self._changed:
            self._waiting.append(question)
        while not question.finished:
            with self._changed:
                while self._encoding and not question.finished:
                    self._changed.wait()
                if question.finished:
                    break
                self._encoding = True
                batch = self._waiting[: self._max_batch]
                del self._waiting[: self._max_batch]
            self._encode_batch(batch)
        if question.error is not None:
            raise question.error
        assert question.vector is not None
        return question.vector

    def _encode_batch(self, batch: list[_Question]) -> None:
        """Encode the batch and hand each waiting caller its vector (or the error)."""
        try:
            vectors = self._encode([question.text for question in batch])
            for question, vector in zip(batch, vectors, strict=True):
                question.vector = vector.copy()  # not a view keeping the batch alive
        except Exception as error:
            for question in batch:
                question.error = error
        finally:
            with self._changed:
                for question in batch:
                    question.finished = True
                self._encoding = False
                self._changed.notify_all()
