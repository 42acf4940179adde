"""Run one consumer scenario end to end: chaos, heal, drain, check.

A :class:`Scenario` is a value (``repr`` is Python that rebuilds it): the writes to a source
table (:class:`Put`, :class:`Delete`), time (:class:`Advance`, :class:`Throttle`), the event
source mapping's parameters, a :class:`~._faults.FaultPlan` and a seed.
:func:`run_consumer_test` builds a fresh simulation (source table ``src`` with hash key
``pk`` and a stream, sink table ``sink`` with hash key ``key``), wires the consumer, then:

1. **chaos**: applies the operations with the faults on (``Advance`` moves virtual time, so
   the poller invokes the consumer between writes; ``Throttle`` does too, with the consumer's
   reserved concurrency at 0);
2. **heal**: switches the faults off;
3. **drain**: ``sim.run_until_idle`` until the mapping is caught up (or blocked);
4. **check**: no lost change, no duplicate processing, per-item order, lineage order, and the
   sink converged to ``expected(source items)``.

It returns a :class:`ConsumerRun`; ``run.check()`` raises ``AssertionError`` with the
scenario's ``repr`` (to replay), the anomalies and the consumer's trace.

Source items are ``{"pk": key, "n": value}``; a consumer is a callable taking the sink (a
Table, behind a proxy that :class:`~._faults.DownstreamError` can fail) and returning the
handler.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import attrs

from streamsim._dynamodb._splits import SplitPolicy
from streamsim._simulation import Simulation
from streamsim._streams._settings import StreamSettings

from ._consumer import (
    ConsumerHistory,
    check_consumer_order,
    check_convergence,
    check_lineage_order,
    check_no_duplicate_effect,
    check_no_lost_change,
    shard_parents,
    table_items,
)
from ._faults import FaultInjector, FaultPlan
from ._history import Anomaly, CheckResult, WriteLog

SOURCE = "src"
SINK = "sink"


@attrs.frozen
class Put:
    """Put ``{"pk": key, "n": n}`` into the source table."""

    key: str
    n: int = 1


@attrs.frozen
class Delete:
    """Delete the item ``key`` of the source table (a no-op when it does not exist)."""

    key: str


@attrs.frozen
class Advance:
    """Move virtual time forward by ``ms`` milliseconds (the poller works meanwhile)."""

    ms: int


@attrs.frozen
class Throttle:
    """Throttle the consumer for ``ms`` milliseconds (reserved concurrency 0), then restore.

    AWS behaviour: rule D.4: a throttled batch waits for an instance without using a retry.
    """

    ms: int


Operation = Put | Delete | Advance | Throttle


def _operations(value: Any) -> tuple[Operation, ...]:
    ops = tuple(value)
    for op in ops:
        if not isinstance(op, Put | Delete | Advance | Throttle):
            raise TypeError(f"not an operation: {op!r}")
    return ops


def _params(value: Any) -> tuple[tuple[str, Any], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), v) for k, v in items))


@attrs.frozen(kw_only=True)
class Scenario:
    """One consumer test case, as a value: ``eval(repr(scenario))`` rebuilds it.

    Attributes:
        operations: the writes and time advances of the chaos phase, in order.
        mapping: CreateEventSourceMapping parameters (``BatchSize``,
            ``FunctionResponseTypes``, ...), as sorted ``(name, value)`` pairs.
        faults: the :class:`~._faults.FaultPlan` of the chaos phase.
        seed: the simulation's seed.
        partitions: partitions of the source table.
        splits: when set, a partition splits once it takes more than this many writes within
            one second (``SplitPolicy.max_writes_per_second``), so shards split mid-workload.
        sequence_number_lengths: ``StreamSettings.sequence_number_lengths`` of the source's
            stream (``"growing"``: every rotation or split lengthens the numbers).
    """

    operations: tuple[Operation, ...] = attrs.field(default=(), converter=_operations)
    mapping: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=_params)
    faults: FaultPlan = attrs.field(factory=FaultPlan)
    seed: int = 0
    partitions: int = 2
    splits: int | None = None
    sequence_number_lengths: str = "varied"


@attrs.frozen(kw_only=True, eq=False)
class ConsumerRun:
    """What :func:`run_consumer_test` found.

    Attributes:
        scenario: the scenario run; result: the combined :class:`~._history.CheckResult`.
        history: the consumer's :class:`~._consumer.ConsumerHistory`; sim: the simulation.
        injector: the fault plan's running state (which faults struck).
    """

    scenario: Scenario
    result: CheckResult
    history: ConsumerHistory
    sim: Any
    injector: FaultInjector

    @property
    def valid(self) -> bool:
        """True when every check passed."""
        return self.result.valid

    def report(self) -> str:
        """The scenario (to replay), the anomalies, the faults that struck and the trace."""
        return "\n".join(
            [
                f"scenario: {self.scenario!r}",
                self.result.explanation,
                f"faults struck: {self.injector.struck}",
                "trace:",
                self.history.render(),
            ]
        )

    def check(self) -> None:
        """Raise ``AssertionError`` with :meth:`report` unless every check passed."""
        if not self.result.valid:
            raise AssertionError(self.report())


class ConsumerWorld:
    """A simulation set up for one consumer test: source, sink, recorded and faulted consumer.

    :func:`run_consumer_test` and :class:`~streamsim.testing.stateful.StreamConsumerMachine`
    share it: :meth:`apply` runs one operation of the chaos phase, :meth:`finish` heals,
    drains and checks.

    Args:
        consumer: called with the sink table (behind the fault proxy), returns the handler.
        mapping: CreateEventSourceMapping parameters.
        faults: the plan of the chaos phase; seed, partitions: of the simulation and source.
        splits, sequence_number_lengths: see :class:`Scenario`.
    """

    def __init__(
        self,
        consumer: Callable[[Any], Callable[..., Any]],
        *,
        mapping: Mapping[str, Any] = {},
        faults: FaultPlan | None = None,
        seed: int = 0,
        partitions: int = 2,
        splits: int | None = None,
        sequence_number_lengths: str = "varied",
    ) -> None:
        policy = None
        if splits is not None:
            policy = SplitPolicy(max_writes_per_second=splits, window=timedelta(seconds=1))
        streams = StreamSettings(sequence_number_lengths=sequence_number_lengths)
        sim = Simulation(seed=seed, split_policy=policy, stream_settings=streams)
        self.sim = sim
        self.source = sim.create_table(
            SOURCE, hash_key="pk", partitions=partitions, stream_view_type="NEW_AND_OLD_IMAGES"
        )
        self.sink = sim.create_table(SINK, hash_key="key")
        self.log = WriteLog(self.source)
        self.history = ConsumerHistory(sim, sinks=[self.sink])
        self.injector = (faults or FaultPlan()).start(sim)
        self.injector.create_function(
            sim,
            "consumer",
            consumer(self.injector.table(self.sink)),
            outer=self.history.wrap,
            timeout=60,
        )
        self._params = {"StartingPosition": "TRIM_HORIZON", **dict(mapping)}
        self.stream_arns: list[str] = []
        self._map(self.source.latest_stream_arn)

    def _map(self, stream_arn: str | None) -> None:
        """Map the consumer to a stream of the source (a StreamToggle makes new ones)."""
        assert stream_arn is not None
        self.stream_arns.append(stream_arn)
        self.sim.client("lambda").create_event_source_mapping(
            FunctionName="consumer", EventSourceArn=stream_arn, **self._params
        )

    def _map_new_streams(self) -> None:
        for arn in self.injector.new_streams[len(self.stream_arns) - 1 :]:
            self._map(arn)

    def apply(self, op: Operation) -> None:
        """Run one operation (faults stay as they are), then map any stream a fault enabled."""
        self._apply(op)
        self._map_new_streams()

    def _apply(self, op: Operation) -> None:
        if isinstance(op, Put):
            self.source.put_item(Item={"pk": op.key, "n": op.n})
        elif isinstance(op, Delete):
            self.source.delete_item(Key={"pk": op.key})
        elif isinstance(op, Throttle):
            lam = self.sim.client("lambda")
            lam.put_function_concurrency(FunctionName="consumer", ReservedConcurrentExecutions=0)
            self.sim.advance(milliseconds=op.ms)
            lam.delete_function_concurrency(FunctionName="consumer")
        else:
            self.sim.advance(milliseconds=op.ms)

    def finish(
        self,
        *,
        expected: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
        observed: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
        sink_key: Sequence[str] = ("key",),
        drain: timedelta = timedelta(hours=2),
    ) -> CheckResult:
        """Heal, drain, and run every check (see :func:`run_consumer_test`)."""
        sim, history = self.sim, self.history
        self.injector.heal()
        self._map_new_streams()
        idle = sim.run_until_idle(drain)
        mappings = sim.lambda_service.mappings.values()
        result = check_no_duplicate_effect(history) + check_consumer_order(history)
        parents: dict[str, str | None] = {}
        for stream_arn in self.stream_arns:
            parents.update(shard_parents(sim, stream_arn))
        result = result + check_lineage_order(history, parents)
        if not any(m.metrics.discards for m in mappings):  # given up on: lost by design (D.7)
            result = result + check_no_lost_change(history, self.log)
            if idle.idle and not idle.blocked:
                items = table_items(self.sink)
                result = result + check_convergence(
                    observed(items) if observed is not None else items,
                    expected(table_items(self.source)),
                    key=sink_key,
                    history=history,
                )
        for uuid, why in idle.blocked:
            result = result + CheckResult((Anomaly("blocked", str(why), {"mapping": uuid}),))
        return result


def run_consumer_test(
    consumer: Callable[[Any], Callable[..., Any]],
    scenario: Scenario,
    *,
    expected: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    observed: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    sink_key: Sequence[str] = ("key",),
    drain: timedelta = timedelta(hours=2),
) -> ConsumerRun:
    """Run ``scenario`` against ``consumer``: chaos, heal, drain, check.

    Args:
        consumer: called with the sink table, returns ``handler(event, context)``.
        scenario: the :class:`Scenario`.
        expected: the sink's items a correct consumer leaves, from the source's items.
        observed: how to read the sink's items before comparing (default: as they are).
        sink_key: key attribute names of the items ``expected`` and ``observed`` return.
        drain: the most virtual time the drain may take.

    Returns:
        a :class:`ConsumerRun` (call ``.check()`` in a test).
    """
    world = ConsumerWorld(
        consumer,
        mapping=dict(scenario.mapping),
        faults=scenario.faults,
        seed=scenario.seed,
        partitions=scenario.partitions,
        splits=scenario.splits,
        sequence_number_lengths=scenario.sequence_number_lengths,
    )
    for op in scenario.operations:  # chaos
        world.apply(op)
    result = world.finish(expected=expected, observed=observed, sink_key=sink_key, drain=drain)
    return ConsumerRun(
        scenario=scenario,
        result=result,
        history=world.history,
        sim=world.sim,
        injector=world.injector,
    )
