"""Rasa's prediction graph run in an order worked out once, with Rasa's own results.

Rasa 3.6 runs its model graph through dask on every NLU parse and every policy prediction
(`DaskGraphRunner`): each call rebuilds the graph's minimal schema, has dask order it, work out
every node's dependencies and schedule it: 6.4% of the Rasa server's busy time, the nodes'
own work apart (benchmarks/rasa-turn-profile.md). The graph never changes once the model is
loaded, so for each set of targets and inputs this runner records once the sequence dask's
synchronous scheduler executes, and then executes that sequence with dask's own task call:
the same nodes, the same inputs, in the same order.
"""

from dataclasses import dataclass
from typing import Any

import dask.local
import rasa.core.processor
from dask.core import _execute_task
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

Graph = dict[str, Any]


@dataclass(frozen=True)
class Plan:
    """What running a graph for some targets from some inputs takes, worked out once."""

    graph: Graph  # dask's graph of the minimal schema, inputs as placeholders
    sequence: list[str]  # the keys in the order dask's synchronous scheduler executes them
    dependencies: dict[str, set[str]]  # each executed key's inputs among the graph's keys


def scheduled_sequence(graph: Graph, targets: list[str]) -> tuple[list[str], dict[str, set]]:
    """The keys dask's synchronous scheduler (`dask.get`) executes, in its order, with each
    one's dependencies: its own bookkeeping, run on the graph without running a task."""
    key_order = dask.local.order(graph)
    state = dask.local.start_state_from_dask(graph, cache={}, sortkey=key_order.get)
    if state["waiting"] and not state["ready"]:
        raise ValueError("Found no accessible jobs in dask")
    sequence = []
    while state["ready"]:
        key = state["ready"].pop()
        state["running"].add(key)
        sequence.append(key)
        state["cache"][key] = None
        dask.local.finish_task(graph, key, state, set(targets), key_order.get)
    return sequence, {key: state["dependencies"][key] for key in sequence}


class PlannedGraphRunner(DaskGraphRunner):
    """A DaskGraphRunner that schedules each kind of run once (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As DaskGraphRunner."""
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[tuple[str, ...], tuple[str, ...]], Plan] = {}

    def run(
        self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        """Runs the graph (as DaskGraphRunner.run, which it answers for)."""
        run_targets = targets if targets else self._graph_schema.target_names
        plan = self._plan(run_targets, list(inputs or {}))
        graph = dict(plan.graph)
        self._add_inputs_to_graph(inputs, graph)
        results = {name: graph[name] for name in inputs or {}}
        try:
            for key in plan.sequence:
                data = {name: results[name] for name in plan.dependencies[key]}
                results[key] = _execute_task(graph[key], data)
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(dask.local.nested_get(run_targets, results))

    def _plan(self, targets: list[str], input_names: list[str]) -> Plan:
        """The plan for these targets and inputs, worked out on the first such run."""
        key = (tuple(targets), tuple(input_names))
        if key not in self._plans:
            graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(targets))
            self._add_inputs_to_graph({name: None for name in input_names}, graph)
            sequence, dependencies = scheduled_sequence(graph, targets)
            self._plans[key] = Plan(graph, sequence, dependencies)
        return self._plans[key]


def install() -> None:
    """The Rasa server's processor loads its models with the planned runner."""
    rasa.core.processor.DaskGraphRunner = PlannedGraphRunner  # type: ignore[misc]
