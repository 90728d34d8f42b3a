"""For loaded_model_checks.py, in the Rasa environment: the real model's graph (loaded as the Rasa
server loads it, bot/graph_runner.py) run by Rasa's own dask runner and by the planned one, what
each understood and predicted for the same messages."""

from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


async def understood(processor: MessageProcessor, messages: list) -> list[dict[str, Any]]:
    """For each message: the NLU's parse, then the action the policies predict after it and
    after that action, with their policy and every action's probability."""
    seen = []
    for text, language in messages:
        parsed = await processor.parse_message(UserMessage(text, metadata={"language": language}))
        events = [
            ActionExecuted(ACTION_SESSION_START_NAME),
            SessionStarted(),
            SlotSet("language", language),
            ActionExecuted(ACTION_LISTEN_NAME),
            UserUttered(text, parsed["intent"], parsed["entities"], parse_data=parsed),
        ]
        predictions = []
        for _ in range(2):
            tracker = DialogueStateTracker.from_events(text, events, processor.domain.slots)
            prediction = processor._predict_next_with_tracker(tracker)
            action = processor.domain.action_names_or_texts[prediction.max_confidence_index]
            predictions.append(
                {
                    "action": action,
                    "policy": prediction.policy_name,
                    "probabilities": prediction.probabilities,
                }
            )
            events.append(ActionExecuted(action))
        seen.append({"parse": parsed, "predictions": predictions})
    return seen


class RasasOwnRun:
    """A loaded graph, run by DaskGraphRunner.run itself."""

    def __init__(self, runner: DaskGraphRunner) -> None:
        self.runner = runner

    def run(self, inputs: Any = None, targets: Any = None) -> dict[str, Any]:
        """As Rasa 3.6 runs it: through dask."""
        return DaskGraphRunner.run(self.runner, inputs, targets)


async def planned_runner_seen(processor: MessageProcessor, messages: list) -> dict[str, Any]:
    """What the loaded model's graph understood and predicted, run by Rasa's own dask runner and
    by the planned one the Rasa server loads it with."""
    planned = processor.graph_runner
    processor.graph_runner = RasasOwnRun(planned)
    by_rasa = await understood(processor, messages)
    processor.graph_runner = planned
    by_planned = await understood(processor, messages)
    by_planned_again = await understood(processor, messages)
    return {
        "runner": type(planned).__module__,
        "by_rasa": by_rasa,
        "by_planned": by_planned,
        "by_planned_again": by_planned_again,
        "plans": len(planned._plans),
    }
