"""A faster check of the action server's replies, with Rasa's own verdicts.

Rasa 3.6 checks every reply of the action server against its events schema with
`jsonschema.validate`, which first re-checks that large schema itself: 64 ms of CPU a call, two
calls a turn, more than half of a turn's CPU (benchmarks/rasa-turn-profile.md). A validator of
the same schema built once says the same in under a millisecond; a reply it rejects goes to
Rasa's own check, which raises Rasa's own error.
"""

from functools import cache
from typing import Any

import jsonschema
from rasa.core.actions.action import RemoteAction

RASAS_OWN_CHECK = RemoteAction._validate_action_result


@cache
def validator() -> Any:
    """The jsonschema validator of Rasa's action server reply format, built once."""
    schema = RemoteAction.action_response_format_spec()
    return jsonschema.validators.validator_for(schema)(schema)


def validate_action_result(action: RemoteAction, result: dict[str, Any]) -> bool:
    """True if the reply is of the right format; Rasa's own ValidationError if not."""
    return validator().is_valid(result) or RASAS_OWN_CHECK(action, result)


def install() -> None:
    """Every RemoteAction checks replies with the validator built once."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
