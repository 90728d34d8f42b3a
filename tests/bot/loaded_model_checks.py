"""Run in the Rasa environment by test_rasa_speedups.py: the real model loaded once, as the Rasa
server loads it (bot/channel.py installs the server's speed-ups), then the planned graph runner's
checks (graph_runner_checks.py) and DIET's NumPy intents' (diet_inference_checks.py), what each
saw printed as one JSON object. Arguments: the model's path, the graph runner's messages
([text, language] pairs) in JSON, the NLU data's folder (a folder per language), a CSV of
messages (text, category, language) for DIET."""

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent

from tests.bot.diet_inference_checks import diet_seen, messages_of
from tests.bot.graph_runner_checks import planned_runner_seen


async def main(model: str, runner_messages: list, diet_messages: list) -> dict[str, Any]:
    import bot.channel  # noqa: F401  (installs the speed-ups, as the Rasa server does)

    processor = Agent.load(model).processor
    return {
        "graph_runner": await planned_runner_seen(processor, runner_messages),
        "diet": await diet_seen(processor, diet_messages),  # last: it turns DIET's path over
    }


if __name__ == "__main__":
    model, runner_messages, nlu_data, messages_csv = sys.argv[1:]
    diet_messages = messages_of(Path(nlu_data), Path(messages_csv))
    seen = asyncio.run(main(model, json.loads(runner_messages), diet_messages))
    print(json.dumps(seen, ensure_ascii=False))
