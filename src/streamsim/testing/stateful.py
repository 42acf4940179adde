"""``StreamConsumerMachine``: a Hypothesis state machine to subclass with a consumer and a model.

Needs ``hypothesis`` (a test extra).  Each step is a write to the source table, a time advance
(biased to the 4-hour rotation) or a throttling spell, while a fault plan drawn at the start
strikes the consumer; after every step the simulation's invariants hold; at the end the faults
heal, the mapping drains and every consumer check runs (see
:func:`~streamsim.testing.run_consumer_test`).

Subclass it with ``consumer`` (the sink table -> handler) and ``expected`` (source items ->
sink items), optionally ``observed``, ``mapping`` and ``fault_kinds``::

    class TotalsMachine(StreamConsumerMachine):
        consumer = staticmethod(totals_consumer)
        expected = staticmethod(totals_model)

    TestTotals = TotalsMachine.TestCase
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from ._faults import FaultPlan
from ._runner import Advance, ConsumerWorld, Delete, Put, Throttle
from .strategies import FAULT_KINDS, advances, fault_plans, keys, throttles


class StreamConsumerMachine(RuleBasedStateMachine):
    """Random writes, advances and throttling against a consumer under a fault plan.

    Class attributes to set:
        consumer: ``consumer(sink) -> handler``; expected: ``expected(source_items) -> items``.
        observed: ``observed(sink_items) -> items`` (default: as they are).
        sink_key: key names of the sink items (default ``("key",)``).
        mapping: CreateEventSourceMapping parameters (default: BatchSize 10).
        fault_kinds: the faults to draw (default: all); partitions: of the source table.
    """

    consumer: ClassVar[Callable[[Any], Callable[..., Any]]]
    expected: ClassVar[Callable[[list[dict[str, Any]]], list[dict[str, Any]]]]
    observed: ClassVar[Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None] = None
    sink_key: ClassVar[tuple[str, ...]] = ("key",)
    mapping: ClassVar[dict[str, Any]] = {"BatchSize": 10}
    fault_kinds: ClassVar[tuple[str, ...]] = FAULT_KINDS
    partitions: ClassVar[int] = 2

    def __init__(self) -> None:
        super().__init__()
        self.world: ConsumerWorld | None = None
        self.plan = FaultPlan()
        self.steps: list[Any] = []

    @initialize(plan=fault_plans(), seed=st.integers(0, 3))
    def start(self, plan: FaultPlan, seed: int) -> None:
        """Build the world with a drawn fault plan (restricted to ``fault_kinds``)."""
        kinds = {"Crash": "crash", "Timeout": "timeout", "Duplicate": "duplicate"}
        allowed = tuple(
            f
            for f in plan.faults
            if kinds.get(type(f).__name__, "downstream") in type(self).fault_kinds
        )
        self.plan = FaultPlan(faults=allowed, seed=plan.seed)
        self.world = ConsumerWorld(
            type(self).consumer,
            mapping=type(self).mapping,
            faults=self.plan,
            seed=seed,
            partitions=type(self).partitions,
        )

    def _apply(self, op: Any) -> None:
        assert self.world is not None
        self.steps.append(op)
        self.world.apply(op)

    @rule(key=keys(), n=st.integers(1, 9))
    def put(self, key: str, n: int) -> None:
        """Put an item."""
        self._apply(Put(key, n))

    @rule(key=keys())
    def delete(self, key: str) -> None:
        """Delete an item (a no-op when absent)."""
        self._apply(Delete(key))

    @rule(advance=advances())
    def advance(self, advance: Advance) -> None:
        """Let virtual time pass (the poller invokes the consumer meanwhile)."""
        self._apply(advance)

    @rule(throttle=throttles())
    def throttle(self, throttle: Throttle) -> None:
        """A throttling spell."""
        self._apply(throttle)

    @invariant()
    def simulation_holds_its_invariants(self) -> None:
        """Every invariant of the simulation holds after each step."""
        if self.world is not None:
            self.world.sim._check()

    def teardown(self) -> None:
        """Heal, drain and check; fail with the plan, the steps and the trace."""
        world = self.world
        if world is None:
            return
        cls = type(self)
        result = world.finish(expected=cls.expected, observed=cls.observed, sink_key=cls.sink_key)
        if not result.valid:
            raise AssertionError(
                f"faults: {self.plan!r}\nsteps: {self.steps!r}\n{result.explanation}\n"
                f"trace:\n{world.history.render()}"
            )
