"""A sentence-transformers model run by ONNX Runtime: the same vectors, sooner.

Embedding one query took median 6.2 ms against 9.6 ms with torch (benchmarks/search_latency.py,
this 2-core machine). The model's transformer is exported once, with its tokenizer, to the
folder embeddings.export_folder names. A hub runs from it without torch or transformers: the
tokenizer is read from its tokenizer.json by `tokenizers` (a hub with both models 210 MB lighter
than through transformers, which imports torch where it is installed). The vectors are its
mean-pooled, normalised token embeddings. Each export is checked against
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
from tokenizers import Encoding, Tokenizer

MODELS_DIR = Path(__file__).resolve().parent.parent / "models" / "onnx"
# The model inputs the tokenizer gives, and where an encoding keeps each.
INPUTS = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}
PROBES = ["where is my transfer?", "계정 인증은 어떻게 하나요?", "x"]
TOLERANCE = 1e-4


class OnnxSentenceModel:
    """Embeds texts with a model exported by `export`, on the CPU."""

    def __init__(self, folder: Path) -> None:
        settings = json.loads((folder / "baton.json").read_text())
        self.max_length, self.inputs = settings["max_seq_length"], settings["inputs"]
        self.tokenizer = fast_tokenizer(folder, self.max_length)
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
        encoded = self.tokenizer.encode_batch(texts)
        feed = {name: _column(encoded, INPUTS[name], np.int64) for name in self.inputs}
        tokens = self.session.run(None, feed)[0]
        mask = _column(encoded, "attention_mask", np.float32)[..., None]
        pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)


def fast_tokenizer(folder: Path, max_length: int) -> Tokenizer:
    """The model's tokenizer (its tokenizer.json, no torch or transformers needed) set as
    sentence-transformers calls it: a batch padded to its longest text, texts cut at
    max_length tokens."""
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    pad = json.loads((folder / "tokenizer_config.json").read_text())["pad_token"]
    pad = pad["content"] if isinstance(pad, dict) else pad
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad), pad_token=pad)
    tokenizer.enable_truncation(max_length)
    return tokenizer


def _column(encoded: list[Encoding], field: str, dtype: type) -> np.ndarray:
    """One field of a batch's encodings (all of one length) as an array, a row per text."""
    return np.array([getattr(encoding, field) for encoding in encoded], dtype=dtype)


def export(location: str, folder: Path) -> None:
    """Export a sentence-transformers model's transformer and tokenizer to `folder`.

    Raises ValueError if the exported model's vectors differ from sentence-transformers' own.
    Exporting needs the training libraries (the `train` extra); running an export does not.
    """
    try:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging
    except ImportError as missing:
        raise RuntimeError(
            f"{location} has no ONNX export in {folder} yet, and exporting it needs the training "
            "libraries: pip install -e '.[train]' (make does), or copy the export there"
        ) from missing

    transformers_logging.disable_progress_bar()  # keep command output clean
    model = SentenceTransformer(location, device="cpu").eval()
    if not model.tokenizer.is_fast:
        raise ValueError(f"{location}: its tokenizer has no tokenizer.json (a fast one is needed)")
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
