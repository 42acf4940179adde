"""Shared helpers for the Lambda tests: a simulation with a streamed table, a recording handler.

``streamed(...)`` builds a simulation and a table with a stream; ``Recorder`` is a handler that
keeps every event it was called with (deep-copied, with the virtual time) and answers what the
test tells it to; ``attach(...)`` wires a function to the table's stream through the lambda
client and returns the model's mapping object.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from streamsim import Simulation, Table
from streamsim._lambda._mapping import EventSourceMapping
from streamsim._lambda._service import LambdaSettings


def streamed(
    *,
    partitions: int = 1,
    view: str = "NEW_AND_OLD_IMAGES",
    seed: int = 1,
    range_key: str | None = None,
    **settings: Any,
) -> tuple[Simulation, Table]:
    """A simulation with one table ``tbl`` (hash key ``pk``) and its stream enabled."""
    sim = Simulation(seed=seed, lambda_settings=LambdaSettings(**settings))
    table = sim.create_table(
        "tbl", hash_key="pk", range_key=range_key, partitions=partitions, stream_view_type=view
    )
    return sim, table


class Recorder:
    """A handler that records ``(now_ms, event)`` per call and returns ``respond(event)``.

    ``respond`` may raise to make the invocation fail.
    """

    def __init__(
        self, sim: Simulation, respond: Callable[[dict[str, Any]], Any] | None = None
    ) -> None:
        self.sim = sim
        self.respond = respond
        self.calls: list[tuple[int, dict[str, Any]]] = []
        self.contexts: list[Any] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.calls.append((self.sim.now_ms, copy.deepcopy(event)))
        self.contexts.append(context)
        if self.respond is not None:
            return self.respond(event)
        return None

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events, in call order."""
        return [event for _, event in self.calls]

    @property
    def batches(self) -> list[list[str]]:
        """The sequence numbers of each call's records."""
        return [[r["dynamodb"]["SequenceNumber"] for r in e["Records"]] for e in self.events]

    def pks(self) -> list[list[str]]:
        """The ``pk`` of each call's records."""
        return [[r["dynamodb"]["Keys"]["pk"]["S"] for r in e["Records"]] for e in self.events]


def attach(
    sim: Simulation,
    handler: Callable[..., Any],
    *,
    name: str = "fn",
    function: dict[str, Any] | None = None,
    **params: Any,
) -> EventSourceMapping:
    """Create function ``name`` and map it to the first stream; return the model mapping."""
    if name not in sim.lambda_service.functions:
        sim.create_function(name, handler, **(function or {}))
    params.setdefault("StartingPosition", "TRIM_HORIZON")
    response = sim.client("lambda").create_event_source_mapping(
        FunctionName=name, EventSourceArn=sim.streams[0].arn, **params
    )
    return sim._model.lambda_service.mapping(response["UUID"])


def put(table: Table, *keys: str, **extra: Any) -> None:
    """Put one item per key (``{"pk": key, **extra}``)."""
    for key in keys:
        table.put_item(Item={"pk": key, **extra})
