"""multilingual-e5-small from its PyPI wheel: a model that reads Korean, offline."""

import numpy as np

from knowledge_base.e5_model import E5_MODEL
from knowledge_base.embeddings import DEFAULT_MODEL, Embedder


def cosines(embedder: Embedder, question: str, others: list[str]) -> np.ndarray:
    vectors = embedder.embed([question, *others])
    return vectors[1:] @ vectors[0]


def test_it_embeds_unit_vectors_by_name() -> None:
    embedder = Embedder(E5_MODEL)
    vectors = embedder.embed(["how do I verify my account?", "계좌 인증은 어떻게 하나요?"])
    assert vectors.shape == (2, 384) == (2, embedder.dimensions)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(embedder.embed_question("how do I verify my account?"), vectors[0])
    assert embedder.model_id != Embedder(DEFAULT_MODEL).model_id  # its own vector cache


def test_it_reads_korean_by_meaning() -> None:
    question = "송금한 돈이 아직 안 들어왔어요"
    paraphrase, elsewhere = "보낸 돈이 도착하지 않았어요", "이번 주말 부산 날씨 어때요?"
    near, far = cosines(Embedder(E5_MODEL), question, [paraphrase, elsewhere])
    assert near > far + 0.05
