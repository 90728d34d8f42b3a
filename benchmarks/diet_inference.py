"""CPU time of one NLU parse in the Rasa server, DIET's intents from NumPy (bot/diet_inference.py)
against Rasa's TensorFlow path, in the same process: the real model, every message of the dev
set (English and Korean), rounds of each path in turn, medians.

`.venv-rasa/bin/python -m benchmarks.diet_inference` (run in the Rasa environment, ~2 minutes).
"""

import argparse
import asyncio
import csv
import os
import statistics
import time
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.diet_classifier import DIETClassifier

from benchmarks import reports

PATHS = ("numpy", "tensorflow")


class TimedDiet:
    """DIETClassifier.process, its CPU time a call recorded (installed before the model loads)."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.process = DIETClassifier.process

    def __call__(self, classifier: DIETClassifier, messages: list) -> list:
        started = time.process_time()
        processed = self.process(classifier, messages)
        self.seconds.append(time.process_time() - started)
        return processed


async def parse_seconds(processor: MessageProcessor, texts: list[str]) -> list[float]:
    """The CPU time of each text's parse."""
    seconds = []
    for text in texts:
        started = time.process_time()
        await processor.parse_message(UserMessage(text))
        seconds.append(time.process_time() - started)
    return seconds


def median_ms(seconds: list[float]) -> float:
    """The median, in milliseconds."""
    return round(statistics.median(seconds) * 1000, 3)


async def measure(model: str, texts: list[str], rounds: int) -> dict[str, Any]:
    """Median CPU a parse and a DIET call, each path, rounds of both in turn."""
    import bot.channel  # noqa: F401  (installs the NumPy intents, as the Rasa server does)

    timed = TimedDiet()
    DIETClassifier.process = timed  # type: ignore[method-assign, assignment]
    processor = Agent.load(model).processor
    nodes = processor.graph_runner._instantiated_nodes.values()
    (classifier,) = [node._component for node in nodes if type(node._component) is DIETClassifier]
    numpy_intents = classifier.numpy_intents
    await parse_seconds(processor, texts)  # warm both paths up
    classifier.numpy_intents = None
    await parse_seconds(processor, texts)
    parses: dict[str, list[float]] = {path: [] for path in PATHS}
    diet_calls: dict[str, list[float]] = {path: [] for path in PATHS}
    for _ in range(rounds):
        for path in PATHS:
            classifier.numpy_intents = numpy_intents if path == "numpy" else None
            timed.seconds = []
            parses[path] += await parse_seconds(processor, texts)
            diet_calls[path] += timed.seconds
    parse_ms = {path: median_ms(parses[path]) for path in PATHS}
    diet_ms = {path: median_ms(diet_calls[path]) for path in PATHS}
    return {
        "parses_each_path": len(parses["numpy"]),
        "cpu_ms_a_parse_median": parse_ms,
        "cpu_ms_a_diet_call_median": diet_ms,
        "parse_cpu_numpy_over_tensorflow": round(parse_ms["numpy"] / parse_ms["tensorflow"], 3),
        "diet_cpu_numpy_over_tensorflow": round(diet_ms["numpy"] / diet_ms["tensorflow"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models")
    parser.add_argument("--messages", type=Path, default=Path("benchmarks/data/e2e-dev.csv"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/diet-inference.json"))
    args = parser.parse_args()
    with args.messages.open(encoding="utf-8") as rows:
        texts = [row["text"] for row in csv.DictReader(rows)]
    load_before = os.getloadavg()
    figures = asyncio.run(measure(args.model, texts, args.rounds))
    report = {
        "benchmark": "CPU of a parse, DIET from NumPy or TensorFlow (benchmarks/diet_inference.py)",
        "messages": str(args.messages),
        "rounds": args.rounds,
        **figures,
        **reports.shared_machine(load_before),
    }
    reports.write(report, args.out)


if __name__ == "__main__":
    main()
