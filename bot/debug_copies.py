"""Rasa's deep copies for debug log lines made only while those lines are written.

Rasa 3.6 deep-copies events, slots and policy states for its debug log lines whether or not
debug logging is on (`structlogger.debug("processor.actions.log", rasa_events=copy.deepcopy(
events))`): 5% of the Rasa server's busy samples (benchmarks/rasa-turn-profile.md). In the
modules below every deep copy is such an argument, and structlog drops the line unless the
module's logger is enabled for debug (`structlog.stdlib.filter_by_level`); there the copy is
made as before, elsewhere the line gets the value itself, which nothing then keeps.
"""

import copy
import importlib
import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

MODULES = (
    "rasa.core.processor",
    "rasa.core.policies.rule_policy",
)


def copier_for(module_name: str) -> Callable[[Any], Any]:
    """deepcopy as seen by one of MODULES: a copy only while its debug lines are written."""
    logger = logging.getLogger(module_name)

    def deepcopy_for_debug_line(value: Any) -> Any:
        return copy.deepcopy(value) if logger.isEnabledFor(logging.DEBUG) else value

    return deepcopy_for_debug_line


def install() -> None:
    """Each of MODULES sees, as `copy`, a module whose deepcopy copies only for debug lines."""
    for name in MODULES:
        importlib.import_module(name).copy = SimpleNamespace(deepcopy=copier_for(name))
