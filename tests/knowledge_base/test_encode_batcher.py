"""Questions embedded at the same moment in different threads share one encode call of the real
model, each caller gets its own question's vector (as embedding it alone gives), and an encode
that fails reaches every caller of that call, not the next ones."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from knowledge_base.embeddings import Embedder
from knowledge_base.encode_batcher import Encode, EncodeBatcher

QUESTIONS = [
    "how long does a transfer take?",
    "what are your fees to the Philippines",
    "송금 수수료가 얼마인가요?",
    "my account is locked",
    "can I cancel a transfer",
    "why was my verification rejected",
    "exchange rate today",
    "how do I reset my password",
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


class HeldEncode:
    """The model's encode, its first call held until released; records each call's texts."""

    def __init__(self, encode: Encode) -> None:
        self.encode = encode
        self.calls: list[list[str]] = []
        self.release = threading.Event()

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(texts)
        if len(self.calls) == 1:
            self.release.wait(timeout=30)
        return self.encode(texts)


def embed_all_at_once(batcher: EncodeBatcher, held: HeldEncode, texts: list[str]) -> list:
    """Every text embedded from a thread of its own, the first encode held until all wait."""
    with ThreadPoolExecutor(len(texts)) as threads:
        first = threads.submit(batcher.embed, texts[0])
        while not held.calls:
            time.sleep(0.01)
        others = [threads.submit(batcher.embed, text) for text in texts[1:]]
        time.sleep(0.3)  # the others reach the batcher and wait behind the held call
        held.release.set()
        return [
            future.result() if future.exception() is None else future.exception()
            for future in [first, *others]
        ]


def test_questions_asked_at_once_share_an_encode_call(embedder: Embedder) -> None:
    held = HeldEncode(embedder.embed)
    vectors = embed_all_at_once(EncodeBatcher(held), held, QUESTIONS)
    assert [len(texts) for texts in held.calls] == [1, len(QUESTIONS) - 1]
    assert sorted(held.calls[1]) == sorted(QUESTIONS[1:])
    for question, vector in zip(QUESTIONS, vectors, strict=True):
        alone = embedder.embed([question])[0]
        assert float(np.abs(vector - alone).max()) < 1e-5, question
        assert float(vector @ alone) > 0.9999


def test_a_batch_is_at_most_max_batch_and_every_caller_is_answered(embedder: Embedder) -> None:
    held = HeldEncode(embedder.embed)
    vectors = embed_all_at_once(EncodeBatcher(held, max_batch=3), held, QUESTIONS)
    assert [len(texts) for texts in held.calls] == [1, 3, 3, 1]
    for question, vector in zip(QUESTIONS, vectors, strict=True):
        assert float(vector @ embedder.embed([question])[0]) > 0.9999


def test_a_failed_encode_reaches_its_callers_only(embedder: Embedder) -> None:
    held = HeldEncode(embedder.embed)

    def fails_once(texts: list[str]) -> np.ndarray:
        if len(held.calls) == 2:
            raise RuntimeError("the model failed")
        return embedder.embed(texts)

    held.encode = fails_once
    batcher = EncodeBatcher(held)
    outcomes = embed_all_at_once(batcher, held, QUESTIONS[:4])
    assert isinstance(outcomes[0], np.ndarray)
    assert all(isinstance(outcome, RuntimeError) for outcome in outcomes[1:])
    again = batcher.embed(QUESTIONS[1])
    assert float(again @ embedder.embed([QUESTIONS[1]])[0]) > 0.9999
