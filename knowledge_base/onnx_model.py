"""A sentence-transformers model run by ONNX Runtime: the same vectors, sooner.

Embedding one query took median 6.2 ms against 9.6 ms with torch (benchmarks/search_latency.py,
this 2-core machine). The model's transformer is exported once, with its tokenizer, to the
folder embeddings.export_folder names (a hub without torch runs from it); the vectors
are its mean-pooled, normalised token embeddings. Each export is checked against
sentence-transformers' own vectors, so a model that pools otherwise is refused rather than
silently embedded wrong.
"""

import json
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import onnxruntime

MODELS_DIR = Path(__file__).resolve().parent.parent / "models" / "onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")  # those the tokenizer gives
PROBES = ["where is my transfer?", "계정 인증은 어떻게 하나요?", "x"]
TOLERANCE = 1e-4


class OnnxSentenceModel:
    """Embeds texts with a model exported by `export`, on the CPU."""

    def __init__(self, folder: Path) -> None:
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        settings = json.loads((folder / "baton.json").read_text())
        self.max_length, self.inputs = settings["max_seq_length"], settings["inputs"]
        options = onnxruntime.SessionOptions()
        # One thread that does not spin once done. Two embed a lone query faster (median 4.6
        # against 6.4 ms) but, in interleaved runs, made no steady difference to a whole search
        # on 10,000 articles, and they leave no core for the hub's other requests.
        options.intra_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.dimensions: int = self.session.get_outputs()[0].shape[-1]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (float32), one row per text."""
        encoded = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_length, return_tensors="np"
        )
        feed = {name: encoded[name].astype(np.int64) for name in self.inputs}
        tokens = self.session.run(None, feed)[0]
        mask = encoded["attention_mask"][..., None].astype(np.float32)
        pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)


def export(location: str, folder: Path) -> None:
    """Export a sentence-transformers model's transformer and tokenizer to `folder`.

    Raises ValueError if the exported model's vectors differ from sentence-transformers' own.
    Exporting needs the training libraries (the `train` extra); running an export does not.
    """
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as missing:
        raise RuntimeError(
            f"{location} has no ONNX export in {folder} yet, and exporting it needs the training "
            "libraries: pip install -e '.[train]' (make does), or copy the export there"
        ) from missing

    model = SentenceTransformer(location, device="cpu").eval()
    sample = model.tokenizer(PROBES[:1], return_tensors="pt")
    inputs = [name for name in INPUTS if name in sample]
    encoder = model[0].auto_model

    class TokenEmbeddings(torch.nn.Module):
        """The encoder with its inputs passed by name, as export cannot."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, *tensors):
            return self.encoder(**dict(zip(inputs, tensors, strict=True))).last_hidden_state

    partial = folder.with_name(f"{folder.name}.{os.getpid()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    axes = {0: "texts", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracing notes, checked below by comparing vectors
        torch.onnx.export(
            TokenEmbeddings().eval(),
            tuple(sample[name] for name in inputs),
            str(partial / "model.onnx"),
            input_names=inputs,
            output_names=["token_embeddings"],
            dynamic_axes={name: axes for name in [*inputs, "token_embeddings"]},
            dynamo=False,
            opset_version=17,
        )
    model.tokenizer.save_pretrained(str(partial))
    settings = {"max_seq_length": model.max_seq_length, "inputs": inputs}
    (partial / "baton.json").write_text(json.dumps(settings))
    expected = model.encode(PROBES, normalize_embeddings=True, convert_to_numpy=True)
    difference = float(np.abs(OnnxSentenceModel(partial).embed(PROBES) - expected).max())
    if difference > TOLERANCE:
        shutil.rmtree(partial)
        raise ValueError(
            f"{location}: its ONNX export embeds differently (by {difference:.3g}); only "
            "mean-pooled sentence-transformers models are supported"
        )
    try:
        partial.rename(folder)
    except OSError:  # another process finished the same export first
        shutil.rmtree(partial)
