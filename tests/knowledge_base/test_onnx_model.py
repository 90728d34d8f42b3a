"""The ONNX Runtime embedder gives sentence-transformers' vectors, and refuses what it cannot."""

from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from knowledge_base.embeddings import DEFAULT_MODEL, Embedder, export_folder, model_location
from knowledge_base.onnx_model import MODELS_DIR as EXPORTS_DIR
from knowledge_base.onnx_model import OnnxSentenceModel, export

TEXTS = [
    "how do I verify my account?",
    "송금이 아직 도착하지 않았어요",
    "<script>alert(1)</script> " * 100,  # longer than the model's window: truncated alike
    "",
]


def test_the_exported_model_embeds_as_sentence_transformers_does(tmp_path: Path) -> None:
    location = model_location(DEFAULT_MODEL)
    export(location, tmp_path / "export")
    reference = SentenceTransformer(location, device="cpu")
    expected = reference.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert np.abs(OnnxSentenceModel(tmp_path / "export").embed(TEXTS) - expected).max() < 1e-5


def test_a_model_that_pools_otherwise_is_refused(tmp_path: Path) -> None:
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

    transformer = Transformer(model_location(DEFAULT_MODEL))
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="cls")
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(tmp_path / "cls"))
    (tmp_path / "onnx").mkdir()
    with pytest.raises(ValueError, match="mean-pooled"):
        export(str(tmp_path / "cls"), tmp_path / "onnx" / "cls")
    assert not any((tmp_path / "onnx").iterdir())  # nothing half-exported left behind


def test_a_local_model_keeps_its_export_in_its_own_folder(tmp_path: Path) -> None:
    """Tuned models come and go; their exports must go with them, not pile up elsewhere.
    Exported once: a second embedder of the model reads the same export."""
    local = tmp_path / "local"
    SentenceTransformer(model_location(DEFAULT_MODEL), device="cpu").save(str(local))
    before = set(EXPORTS_DIR.iterdir()) if EXPORTS_DIR.exists() else set()
    embedder = Embedder(str(local))
    (folder,) = (local / "onnx").iterdir()
    assert folder == export_folder(str(local)) and embedder.embed(["hi"]).shape == (1, 384)
    assert (set(EXPORTS_DIR.iterdir()) if EXPORTS_DIR.exists() else set()) == before
    stamp = (folder / "model.onnx").stat().st_mtime_ns
    Embedder(str(local))
    assert (folder / "model.onnx").stat().st_mtime_ns == stamp
    assert export_folder(DEFAULT_MODEL) == EXPORTS_DIR / DEFAULT_MODEL


def test_a_missing_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="make setup"):
        Embedder(str(tmp_path / "no-such-model"))
