"""Entity precision, recall and F1 of the trained Rasa model on an entity test set (make
eval-entities). Runs in the Rasa environment: the model parses each utterance in this process,
as the Rasa server's /model/parse would.

.venv-rasa/bin/python -m benchmarks.entity_eval --model models/baton.tar.gz \
    --test benchmarks/data/entities-test.jsonl --out benchmarks/results/entities.json

Several test sets (`--test A --out A.json --test B --out B.json`) share one load of the model.
"""

import argparse
import asyncio
import json
import logging
from pathlib import Path

from benchmarks.entity_scores import Entity, load_cases, report, table


async def extract(model: Path, texts: list[str]) -> list[list[Entity]]:
    """The (entity, value) pairs the model finds in each text."""
    from rasa.core.agent import Agent  # Rasa is in the Rasa environment only
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # not a debug line for each message parsed
    agent = Agent.load(model)
    found = []
    for text in texts:
        parsed = await agent.parse_message(text)
        found.append([(e["entity"], str(e["value"])) for e in parsed["entities"]])
    return found


def main() -> None:
    """Parse each test set with the model, print the figures and write each JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True, action="append")
    parser.add_argument("--out", type=Path, required=True, action="append")
    args = parser.parse_args()
    if len(args.test) != len(args.out):
        parser.error("give one --out for each --test")
    sets = [load_cases(test) for test in args.test]
    found = asyncio.run(extract(args.model, [case.text for cases in sets for case in cases]))
    for test, out, cases in zip(args.test, args.out, sets, strict=True):
        figures = {"model": str(args.model), "test": str(test)} | report(cases, found[: len(cases)])
        found = found[len(cases) :]
        out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
        print(table(figures))
        print(f"{len(figures['mistakes'])} utterances not all right; report: {out}")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
