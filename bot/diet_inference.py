"""DIET's intent ranking computed with NumPy from the loaded model's own weights.

Rasa 3.6's DIETClassifier builds RasaModelData for each message and runs it through a
TensorFlow function: for one message through one 128-wide transformer layer, that per-call
work is most of a parse's cost, not the arithmetic (benchmarks/rasa-turn-profile.md). When a
DIETClassifier is loaded, this module reads what DIET's predict path uses (the sparse-to-dense
layers, the transformer with its positional encoding and layer norms, the text embedding and
the label embeddings DIET precomputes for prediction) into arrays, and the classifier then
computes the same confidences from the message's sparse features, step for step as
`DIET.batch_predict` does. A DIET this module does not know (entity recognition, dense
features, hidden layers, relative attention...) keeps TensorFlow, with a log line saying why.
"""

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow import constants, layers
from scipy.special import erf
from threadpoolctl import threadpool_limits

logger = logging.getLogger(__name__)

RASAS_OWN_LOAD = DIETClassifier.load.__func__  # type: ignore[attr-defined]
RASAS_OWN_PREDICT = DIETClassifier._predict
INTENT_SCORES = "i_scores"  # the key of DIET's predictions that _predict_label reads
# What this module computes as DIET does; any other value keeps TensorFlow.
KNOWN_CONFIG = {
    constants.INTENT_CLASSIFICATION: True,
    constants.ENTITY_RECOGNITION: False,
    constants.KEY_RELATIVE_ATTENTION: False,
    constants.VALUE_RELATIVE_ATTENTION: False,
    constants.UNIDIRECTIONAL_ENCODER: False,
    constants.MODEL_CONFIDENCE: constants.SOFTMAX,
    constants.SIMILARITY_TYPE: constants.INNER,
}


class UnknownDiet(Exception):
    """A trained DIET whose predict path this module does not compute."""


def gelu(x: np.ndarray) -> np.ndarray:
    """The exact GELU, as tf.nn.gelu computes it by default."""
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0).astype(x.dtype)))


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax along the last axis."""
    exponentials = np.exp(x - x.max(axis=-1, keepdims=True))
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Dense:
    """A Keras dense layer's kernel (its Rasa connection mask applied) and bias."""

    kernel: np.ndarray
    bias: np.ndarray | None

    @classmethod
    def of(cls, layer: Any, activation: str = "linear") -> "Dense":
        """The weights of a Dense, DenseForSparse or RandomlyConnectedDense layer whose
        activation (which the caller applies) is the one named."""
        if layer.activation.__name__ != activation:
            raise UnknownDiet(f"{layer.name}'s activation is {layer.activation.__name__}")
        kernel = layer.kernel.numpy()
        mask = getattr(layer, "kernel_mask", None)  # RandomlyConnectedDense applies it each call
        if mask is not None:
            kernel = kernel * mask.numpy()
        return cls(kernel, layer.bias.numpy() if layer.use_bias else None)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """x times the kernel, plus the bias."""
        y = x @ self.kernel
        return y if self.bias is None else y + self.bias

    def of_sparse(self, blocks: list[scipy.sparse.spmatrix]) -> np.ndarray:
        """The featurizers' sparse matrices side by side (as Rasa combines them) times the
        kernel, plus the bias: each row's weights over the kernel rows of its columns."""
        rows, columns, values, offset = [], [], [], 0
        for block in blocks:
            entries = block.tocoo()
            rows.append(entries.row)
            columns.append(entries.col + offset)
            values.append(entries.data)
            offset += block.shape[1]
        if offset != len(self.kernel):
            raise ValueError(f"{offset} sparse features for a layer of {len(self.kernel)}")
        row = np.concatenate(rows)
        positions = np.arange(blocks[0].shape[0])[:, np.newaxis]
        weights = np.where(positions == row, np.concatenate(values), 0).astype(self.kernel.dtype)
        return weights @ self.kernel[np.concatenate(columns)] + self.bias


@dataclass(frozen=True)
class LayerNorm:
    """A Keras LayerNormalization over the last axis."""

    gamma: np.ndarray
    beta: np.ndarray
    epsilon: float

    @classmethod
    def of(cls, layer: Any) -> "LayerNorm":
        """The weights of a LayerNormalization layer."""
        return cls(layer.gamma.numpy(), layer.beta.numpy(), layer.epsilon)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """x normalised to mean 0 and variance 1, scaled and shifted."""
        mean = x.mean(axis=-1, keepdims=True)
        variance = x.var(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(variance + self.epsilon) * self.gamma + self.beta


@dataclass(frozen=True)
class EncoderLayer:
    """One of Rasa's TransformerEncoderLayers: self-attention, then a feed-forward block."""

    attention_norm: LayerNorm
    query: Dense
    key: Dense
    value: Dense
    attention_output: Dense
    num_heads: int
    feed_forward_norm: LayerNorm
    feed_forward_in: Dense  # GELU after it
    feed_forward_out: Dense

    @classmethod
    def of(cls, layer: Any) -> "EncoderLayer":
        """The weights of a TransformerEncoderLayer."""
        attention = layer._mha
        norm, inner, _, outer, _ = layer._ffn_layers  # the dropouts do nothing at inference
        return cls(
            LayerNorm.of(layer._layer_norm),
            Dense.of(attention._query_dense_layer),
            Dense.of(attention._key_dense_layer),
            Dense.of(attention._value_dense_layer),
            Dense.of(attention._output_dense_layer),
            attention.num_heads,
            LayerNorm.of(norm),
            Dense.of(inner, "gelu"),
            Dense.of(outer),
        )

    def heads(self, x: np.ndarray) -> np.ndarray:
        """(length, units) -> (heads, length, depth)."""
        return x.reshape(x.shape[0], self.num_heads, -1).transpose(1, 0, 2)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The layer's output for one message's positions, none of them padding."""
        normed = self.attention_norm(x)
        query, key, value = (
            self.heads(dense(normed)) for dense in (self.query, self.key, self.value)
        )
        logits = query @ key.transpose(0, 2, 1) / np.sqrt(np.float32(query.shape[-1]))
        attended = (softmax(logits) @ value).transpose(1, 0, 2).reshape(x.shape)
        x = x + self.attention_output(attended)
        return x + self.feed_forward_out(gelu(self.feed_forward_in(self.feed_forward_norm(x))))


@dataclass(frozen=True)
class Encoder:
    """Rasa's TransformerEncoder: an embedding, the positional encoding, the layers, a norm."""

    embedding: Dense
    angles: np.ndarray  # each unit's angle rate in the positional encoding
    layers: list[EncoderLayer]
    norm: LayerNorm

    @classmethod
    def of(cls, encoder: Any) -> "Encoder":
        """The weights of a TransformerEncoder."""
        return cls(
            Dense.of(encoder._embedding),
            np.asarray(encoder._angles, dtype=np.float32)[0],
            [EncoderLayer.of(layer) for layer in encoder._enc_layers],
            LayerNorm.of(encoder._layer_norm),
        )

    def positional_encoding(self, length: int) -> np.ndarray:
        """Sines of the angles at the even units, cosines at the odd ones, for each position."""
        angles = np.arange(length, dtype=np.float32)[:, np.newaxis] * self.angles
        encoding = np.sin(angles)
        encoding[:, 1::2] = np.cos(angles[:, 1::2])
        return encoding

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The encoded positions of one message (length, units)."""
        units = self.embedding.kernel.shape[1]
        x = self.embedding(x) * np.sqrt(np.float32(units))
        x = x + self.positional_encoding(x.shape[0])
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


@dataclass(frozen=True)
class DietIntents:
    """What DIET's predict path computes for intents, from a message's sparse features."""

    sequence_to_dense: Dense
    sentence_to_dense: Dense
    encoder: Encoder
    text_embedding: Dense
    label_embeddings: np.ndarray  # (labels, embedding dimension), as prepare_for_predict made them

    @classmethod
    def of(cls, classifier: DIETClassifier) -> "DietIntents":
        """The arrays of a loaded DIETClassifier, or UnknownDiet if its predict path differs."""
        config, model = classifier.component_config, classifier.model
        if type(classifier) is not DIETClassifier:
            raise UnknownDiet(f"{type(classifier).__name__} predicts more than intents")
        if model is None:
            raise UnknownDiet("no trained model")
        unknown = {key: config[key] for key, value in KNOWN_CONFIG.items() if config[key] != value}
        if unknown or not config[constants.NUM_TRANSFORMER_LAYERS]:
            raise UnknownDiet(f"configuration {unknown or 'without a transformer'}")
        signature = model.data_signature[TEXT]
        for feature_type in (constants.SEQUENCE, constants.SENTENCE):
            if [feature.is_sparse for feature in signature[feature_type]] != [True]:
                raise UnknownDiet(f"{feature_type} features other than one sparse matrix")
        text = model._tf_layers[f"sequence_layer.{TEXT}"]._tf_layers
        combining = text["feature_combining"]._tf_layers
        if len(combining) != 2 or text["ffnn"]._ffn_layers or model.all_labels_embed is None:
            raise UnknownDiet("hidden layers, or no label embeddings")
        to_dense = [
            sparse_to_dense(combining[f"sparse_dense.{feature_type}"])
            for feature_type in (constants.SEQUENCE, constants.SENTENCE)
        ]
        if not all(layer.use_bias for layer in to_dense):
            raise UnknownDiet("a sparse-to-dense layer without a bias")
        return cls(
            *(Dense.of(layer) for layer in to_dense),
            Encoder.of(text["transformer"]),
            Dense.of(model._tf_layers[f"embed.{TEXT}"]._dense),
            model.all_labels_embed.numpy(),
        )

    def confidences(
        self, sequence: list[scipy.sparse.spmatrix], sentence: list[scipy.sparse.spmatrix]
    ) -> np.ndarray:
        """Each label's confidence for a message's sequence (token) and sentence features, one
        sparse matrix of each kind a featurizer."""
        tokens = np.concatenate(
            [self.sequence_to_dense.of_sparse(sequence), self.sentence_to_dense.of_sparse(sentence)]
        )
        sentence_vector = gelu(self.encoder(tokens))[-1]  # the sentence feature's position
        similarities = self.label_embeddings @ self.text_embedding(sentence_vector)
        return softmax(similarities)


def sparse_to_dense(layer: Any) -> Any:
    """The DenseForSparse layer of a ConcatenateSparseDenseFeatures layer."""
    found = layer._tf_layers[layer.SPARSE_TO_DENSE]
    if not isinstance(found, layers.DenseForSparse):
        raise UnknownDiet(f"{layer.name} without a sparse-to-dense layer")
    return found


def load(cls: type[DIETClassifier], *args: Any, **kwargs: Any) -> DIETClassifier:
    """DIETClassifier.load, then its intents' arrays read, if this module knows its DIET."""
    classifier = RASAS_OWN_LOAD(cls, *args, **kwargs)
    try:
        classifier.numpy_intents = DietIntents.of(classifier)
    except UnknownDiet as unknown:
        classifier.numpy_intents = None
        logger.info("DIET's intents run in TensorFlow, as Rasa runs them: %s", unknown)
    return classifier


def predict(self: DIETClassifier, message: Message) -> dict[str, Any] | None:
    """DIETClassifier._predict: the intents' scores from the arrays, when it has them."""
    numpy_intents = getattr(self, "numpy_intents", None)
    if numpy_intents is None or self._execution_context.should_add_diagnostic_data:
        return RASAS_OWN_PREDICT(self, message)
    featurizers = self.component_config[constants.FEATURIZERS]
    if not message.features_present(TEXT, featurizers):
        return None  # as Rasa: no features, no model data, no intent
    # The features Message.get_sparse_features would put side by side, in its order.
    sequence, sentence = message._filter_sparse_features(TEXT, featurizers)
    if not sequence or not sentence or any(message._filter_dense_features(TEXT, featurizers)):
        return RASAS_OWN_PREDICT(self, message)
    return {
        INTENT_SCORES: numpy_intents.confidences(
            [features.features for features in sequence],
            [features.features for features in sentence],
        )
    }


def install() -> None:
    """DIETClassifiers the Rasa server loads compute their intents with NumPy, on one BLAS
    thread: the server multiplies one message's small matrices at a time, and OpenBLAS's
    other threads only spin after each product (they doubled the Rasa server's CPU a turn)."""
    threadpool_limits(limits=1, user_api="blas")
    DIETClassifier.load = classmethod(load)  # type: ignore[method-assign, assignment]
    DIETClassifier._predict = predict  # type: ignore[method-assign, assignment]
