"""For loaded_model_checks.py, in the Rasa environment: with the real model loaded as the Rasa
server loads it (bot/diet_inference.py), every message parsed with DIET's intents from NumPy and
from Rasa's own TensorFlow path, and what each understood."""

import csv
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.training_data.loading import load_data


def messages_of(nlu_data: Path, messages_csv: Path) -> list[list[str]]:
    """[text, language, where from] for every NLU training example and every row of the CSV."""
    examples = [
        [example.get("text"), folder.name, "nlu"]
        for folder in sorted(path for path in nlu_data.iterdir() if path.is_dir())
        for example in load_data(str(folder)).intent_examples
    ]
    with messages_csv.open(encoding="utf-8") as rows:
        return examples + [
            [row["text"], row["language"], messages_csv.stem] for row in csv.DictReader(rows)
        ]


async def rankings(processor: MessageProcessor, messages: list) -> list[dict[str, Any]]:
    """For each message: the NLU's intent (after the FallbackClassifier) and DIET's ranking."""
    seen = []
    for text, *_ in messages:
        parsed = await processor.parse_message(UserMessage(text))
        seen.append({"intent": parsed["intent"]["name"], "ranking": parsed["intent_ranking"]})
    return seen


def counting_tensorflow_calls(classifier: DIETClassifier) -> list[int]:
    """A count, kept up to date, of the calls to the classifier's TensorFlow inference."""
    calls = [0]
    run_inference = classifier.model.run_inference

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return run_inference(*args, **kwargs)

    classifier.model.run_inference = counted
    return calls


async def diet_seen(processor: MessageProcessor, messages: list[list[str]]) -> dict[str, Any]:
    """The loaded model's DIET intents for every message, from NumPy then from TensorFlow."""
    from bot.diet_inference import DietIntents, UnknownDiet

    nodes = processor.graph_runner._instantiated_nodes.values()
    (classifier,) = [node._component for node in nodes if type(node._component) is DIETClassifier]
    numpy_intents = classifier.numpy_intents
    tensorflow_calls = counting_tensorflow_calls(classifier)
    by_numpy = await rankings(processor, messages)
    calls_by_numpy = tensorflow_calls[0]
    classifier.numpy_intents = None  # what a DIET this module does not know gets: TensorFlow
    by_rasa = await rankings(processor, messages)
    classifier.component_config = {
        **classifier.component_config,
        "use_key_relative_attention": True,
    }
    try:
        DietIntents.of(classifier)
        unknown = ""
    except UnknownDiet as error:
        unknown = str(error)
    return {
        "numpy_intents": type(numpy_intents).__module__,
        "messages": messages,
        "by_numpy": by_numpy,
        "by_rasa": by_rasa,
        "tensorflow_calls": {
            "by_numpy": calls_by_numpy,
            "by_rasa": tensorflow_calls[0] - calls_by_numpy,
        },
        "unknown_configuration": unknown,
    }
