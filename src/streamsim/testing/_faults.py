"""Fault plans: frozen, printable, replayable misbehaviour for a stream consumer.

A :class:`FaultPlan` is a value: a tuple of faults and a seed.  Its ``repr`` is Python that
rebuilds it (``eval(repr(plan))`` with ``from streamsim.testing import *``), so a failing
property test prints a plan that replays without Hypothesis.  Each fault picks its
invocations either by number (``on=(2, 5)``: the 2nd and 5th calls of the handler) or by a
probability drawn per delivered record (or per write, for downstream errors) from the
simulation's seeded generator ``sim.rng(f"faults/{seed}")``; ``after`` is how many records
the handler processes (or writes it makes) before the fault strikes, so faults land
part-way through a batch:

* :class:`Crash`: the handler gets the first ``after`` records, then the invocation raises
  :class:`InjectedFault` (a function error: the whole batch is retried).
* :class:`Timeout`: the handler gets the first ``after`` records, then works on until the
  function's timeout (``sim.spend``): its clock reaches the deadline, where the invocation is
  stopped (outcome ``timeout``): the effects of those records happen, the rest do not, and
  ``context.get_remaining_time_in_millis()`` has fallen to 0.
* :class:`Duplicate`: the handler is called twice with the same event (a duplicate delivery).
* :class:`DownstreamError`: the handler's own DynamoDB writes through
  :meth:`FaultInjector.table` raise an AWS error (``ProvisionedThroughputExceededException``,
  ``ConditionalCheckFailedException``, ``TransactionConflictException``,
  ``InternalServerError``) after ``after`` writes succeeded, before the write is applied.
* :class:`IteratorExpiry`: after the invocation, the mapping's shard iterators expire; each
  shard resumes from its checkpoint, so a batch being retried is read again as a new batch.
* :class:`StreamToggle`: after the invocation, the source table's stream is disabled and
  enabled again: a new stream (new ARN); the mapping reads the old one to its end, and
  whoever consumes the table must map the new one (:attr:`FaultInjector.new_streams`).

Besides ``on`` and ``probability``, a fault may strike the batches a predicate matches:
``when=BatchHasKey("k1")``, ``BatchSizeAtLeast(3)``, ``BatchHasEvent("REMOVE")`` (values, so
the plan still prints as Python).

:meth:`FaultPlan.start` gives a :class:`FaultInjector` (the running state: invocation count,
generator) that wraps handlers and tables; :meth:`FaultInjector.heal` switches every fault
off (the chaos, heal, drain phases).

Differs from AWS (and from a full fault model): the handler is given a prefix of the batch
for a crash or timeout part-way, instead of being stopped mid-way through its own loop (a
handler that spends virtual time itself, ``sim.spend``, is stopped exactly at its deadline).
Lambda throttling (429) is a concurrency matter of the poller: :class:`~._runner.Throttle`
sets the function's reserved concurrency to 0 for a while.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Any

import attrs

from streamsim._errors import (
    ConditionalCheckFailedException,
    InternalServerError,
    ProvisionedThroughputExceededException,
    StreamsimError,
    TransactionConflictException,
)

from ._predicates import BatchPredicate, predicate

#: DownstreamError's ``error`` names, and the AWS error each raises.
DOWNSTREAM_ERRORS: dict[str, type[StreamsimError]] = {
    "ProvisionedThroughputExceededException": ProvisionedThroughputExceededException,
    "ConditionalCheckFailedException": ConditionalCheckFailedException,
    "TransactionConflictException": TransactionConflictException,
    "InternalServerError": InternalServerError,
}
#: Table methods that write (what DownstreamError fails).
WRITE_METHODS = frozenset(
    {"put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"}
)


class InjectedFault(Exception):
    """Raised inside a handler by a :class:`Crash` fault."""


def _on(value: Any) -> tuple[int, ...]:
    numbers = tuple(sorted(set(value)))
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in numbers):
        raise ValueError(f"on= takes invocation numbers 1, 2, ..., got {value!r}")
    return numbers


def _probability(_: Any, attribute: Any, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{attribute.name} must be between 0 and 1, got {value!r}")


def _count(_: Any, attribute: Any, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{attribute.name} must be an int >= 0, got {value!r}")


@attrs.frozen(kw_only=True)
class Crash:
    """The handler processes the first ``after`` records, then the invocation raises."""

    on: tuple[int, ...] = attrs.field(default=(), converter=_on)
    probability: float = attrs.field(default=0.0, validator=_probability)
    after: int = attrs.field(default=0, validator=_count)
    when: BatchPredicate | None = attrs.field(default=None, converter=predicate)


@attrs.frozen(kw_only=True)
class Timeout:
    """The handler processes the first ``after`` records, then the invocation times out."""

    on: tuple[int, ...] = attrs.field(default=(), converter=_on)
    probability: float = attrs.field(default=0.0, validator=_probability)
    after: int = attrs.field(default=0, validator=_count)
    when: BatchPredicate | None = attrs.field(default=None, converter=predicate)


@attrs.frozen(kw_only=True)
class Duplicate:
    """The handler is called twice with the same event in one invocation."""

    on: tuple[int, ...] = attrs.field(default=(), converter=_on)
    probability: float = attrs.field(default=0.0, validator=_probability)
    when: BatchPredicate | None = attrs.field(default=None, converter=predicate)


@attrs.frozen(kw_only=True)
class IteratorExpiry:
    """After the invocation, the mapping's iterators expire: shards resume from checkpoints."""

    on: tuple[int, ...] = attrs.field(default=(), converter=_on)
    probability: float = attrs.field(default=0.0, validator=_probability)
    when: BatchPredicate | None = attrs.field(default=None, converter=predicate)


@attrs.frozen(kw_only=True)
class StreamToggle:
    """After the invocation, the source table's stream is disabled and enabled again."""

    on: tuple[int, ...] = attrs.field(default=(), converter=_on)
    probability: float = attrs.field(default=0.0, validator=_probability)
    when: BatchPredicate | None = attrs.field(default=None, converter=predicate)


def _error_name(_: Any, attribute: Any, value: str) -> None:
    if value not in DOWNSTREAM_ERRORS:
        raise ValueError(f"error must be one of {sorted(DOWNSTREAM_ERRORS)}, got {value!r}")


@attrs.frozen(kw_only=True)
class DownstreamError:
    """The handler's writes through :meth:`FaultInjector.table` fail after ``after`` writes.

    ``on`` picks invocations (every write after the first ``after`` of them fails);
    ``probability`` fails each write independently.
    """

    on: tuple[int, ...] = attrs.field(default=(), converter=_on)
    probability: float = attrs.field(default=0.0, validator=_probability)
    after: int = attrs.field(default=0, validator=_count)
    error: str = attrs.field(
        default="ProvisionedThroughputExceededException", validator=_error_name
    )
    when: BatchPredicate | None = attrs.field(default=None, converter=predicate)


Fault = Crash | Timeout | Duplicate | DownstreamError | IteratorExpiry | StreamToggle
FAULT_KINDS = (Crash, Timeout, Duplicate, DownstreamError, IteratorExpiry, StreamToggle)


def _faults(value: Any) -> tuple[Fault, ...]:
    faults = tuple(value)
    for fault in faults:
        if not isinstance(fault, FAULT_KINDS):
            raise TypeError(f"not a fault: {fault!r}")
    return faults


@attrs.frozen(kw_only=True)
class FaultPlan:
    """Which faults strike which invocations; a value whose ``repr`` rebuilds it.

    >>> plan = FaultPlan(faults=(Crash(on=[2]),), seed=7)
    >>> plan
    FaultPlan(faults=(Crash(on=(2,), probability=0.0, after=0, when=None),), seed=7)
    >>> eval(repr(plan)) == plan
    True
    """

    faults: tuple[Fault, ...] = attrs.field(default=(), converter=_faults)
    seed: int = 0

    def start(self, sim: Any) -> FaultInjector:
        """The running state of this plan in ``sim`` (wraps handlers, functions and tables)."""
        return FaultInjector(self, sim.rng(f"faults/{self.seed}"), sim)

    def __bool__(self) -> bool:
        return bool(self.faults)


@attrs.define
class _Decision:
    """What the faults do to one invocation."""

    number: int
    cut: int | None = None  # records the handler gets before a crash or timeout
    timeout: bool = False
    duplicate: bool = False
    expire: bool = False  # the mapping's iterators expire after the invocation
    toggle: bool = False  # the source table's stream is toggled after the invocation
    downstream: DownstreamError | None = None
    writes: int = 0


class FaultInjector:
    """A :class:`FaultPlan` running in one simulation: counts invocations, draws, heals.

    Attributes:
        plan: the plan; healed: True once :meth:`heal` switched every fault off.
        struck: ``(invocation number, fault name)`` for every fault that struck, in order.
        new_streams: ARNs of the streams :class:`StreamToggle` faults enabled.
    """

    def __init__(self, plan: FaultPlan, rng: random.Random, sim: Any = None) -> None:
        self.plan = plan
        self._rng = rng
        self._sim = sim
        self.healed = not plan.faults
        self.invocations = 0
        self.struck: list[tuple[int, str]] = []
        #: ARNs of the streams a StreamToggle enabled, oldest first
        self.new_streams: list[str] = []
        self._current: _Decision | None = None

    def heal(self) -> None:
        """Switch every fault off from now on (the heal phase)."""
        self.healed = True

    def _decide(self, records: list[dict[str, Any]]) -> _Decision:
        number = self.invocations + 1
        decision = _Decision(number)
        if self.healed:
            return decision
        rng = self._rng
        count = len(records)
        for fault in self.plan.faults:
            hit = number in fault.on or (fault.when is not None and fault.when(records))
            cut: int | None = None
            if isinstance(fault, Crash | Timeout):
                if hit:
                    cut = min(fault.after, count)
                elif fault.probability:
                    cut = next((i for i in range(count) if rng.random() < fault.probability), None)
                if cut is not None and (decision.cut is None or cut < decision.cut):
                    decision.cut = cut
                    decision.timeout = isinstance(fault, Timeout)
            elif isinstance(fault, DownstreamError):
                if hit or fault.probability:
                    decision.downstream = fault
            elif hit or (fault.probability and rng.random() < fault.probability):
                if isinstance(fault, Duplicate):
                    decision.duplicate = True
                elif isinstance(fault, IteratorExpiry):
                    decision.expire = True
                else:
                    decision.toggle = True
        return decision

    def wrap(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """``handler`` with the plan's faults applied to each call."""

        @functools.wraps(handler)
        def faulty(event: dict[str, Any], context: Any) -> Any:
            records = event.get("Records", [])
            decision = self._decide(records)
            self.invocations = decision.number
            self._current = decision
            try:
                if decision.cut is not None:
                    return self._cut(handler, event, context, decision)
                if decision.duplicate:
                    self.struck.append((decision.number, "Duplicate"))
                    handler(event, context)
                return handler(event, context)
            finally:
                self._current = None
                self._after(decision, event, context)

        return faulty

    def _cut(
        self, handler: Callable[..., Any], event: dict[str, Any], context: Any, decision: _Decision
    ) -> Any:
        """A crash or timeout after ``decision.cut`` records."""
        records = event.get("Records", [])
        kind = "Timeout" if decision.timeout else "Crash"
        self.struck.append((decision.number, kind))
        if decision.cut:
            handler({**event, "Records": records[: decision.cut]}, context)
        if decision.timeout and self._sim is not None:
            # the handler works on until its deadline, where it is stopped (HandlerTimedOut)
            self._sim.spend(milliseconds=context.get_remaining_time_in_millis() + 1)
        what = "timeout (outside a Lambda handler: a crash)" if decision.timeout else "crash"
        raise InjectedFault(
            f"injected {what} in invocation {decision.number} after "
            f"{decision.cut} of {len(records)} records"
        )

    def _after(self, decision: _Decision, event: dict[str, Any], context: Any) -> None:
        """Faults that strike the mapping or the source once the invocation is over."""
        if not (decision.expire or decision.toggle) or self._sim is None:
            return
        sim = self._sim
        records = event.get("Records", [])
        arn = records[0].get("eventSourceARN", "") if records else ""
        if decision.expire:
            self.struck.append((decision.number, "IteratorExpiry"))
            for mapping in sim.lambda_service.function(context.function_name).mappings:
                if mapping.event_source_arn == arn:
                    mapping.expire_iterators()
        if decision.toggle and arn:
            self.struck.append((decision.number, "StreamToggle"))
            table = sim.table(arn.split("/")[1])
            spec = table.stream_specification or {}
            if table.latest_stream_arn == arn and spec.get("StreamEnabled"):
                view_type = spec["StreamViewType"]
                table.disable_stream()
                self.new_streams.append(table.enable_stream(view_type).arn)

    def create_function(
        self,
        sim: Any,
        name: str,
        handler: Callable[..., Any],
        *,
        outer: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
        **options: Any,
    ) -> Any:
        """``sim.create_function`` with the handler wrapped in the faults.

        Args:
            outer: a wrapper applied outside the faults (``outer=history.wrap`` records what
                the poller delivered and what the faults made of it).
            options: ``sim.create_function`` options.
        """
        wrapped = self.wrap(handler)
        return sim.create_function(name, wrapped if outer is None else outer(wrapped), **options)

    def table(self, table: Any) -> Any:
        """A proxy of ``table`` (or a DynamoDB client) whose writes a DownstreamError can fail."""
        return _FaultyTable(table, self)

    def before_write(self, what: str) -> None:
        """Called by a faulty table before each write: raise if a DownstreamError strikes."""
        decision = self._current
        if decision is None or self.healed or decision.downstream is None:
            return
        fault = decision.downstream
        decision.writes += 1
        if decision.number in fault.on:
            strike = decision.writes > fault.after
        else:
            strike = self._rng.random() < fault.probability
        if strike:
            self.struck.append((decision.number, f"DownstreamError:{fault.error}"))
            operation = "".join(part.title() for part in what.split("_"))
            raise DOWNSTREAM_ERRORS[fault.error](
                f"injected {fault.error} on {what} (write {decision.writes} of invocation "
                f"{decision.number})"
            ).with_operation(operation)

    def __repr__(self) -> str:
        return (
            f"<FaultInjector {self.plan!r} invocations={self.invocations} "
            f"struck={len(self.struck)}{' healed' if self.healed else ''}>"
        )


class _FaultyTable:
    """A table whose write methods first ask the injector whether to fail."""

    def __init__(self, table: Any, injector: FaultInjector) -> None:
        self._table = table
        self._injector = injector

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._table, name)
        if name not in WRITE_METHODS:
            return attribute
        injector = self._injector

        @functools.wraps(attribute)
        def write(*args: Any, **kwargs: Any) -> Any:
            injector.before_write(name)
            return attribute(*args, **kwargs)

        return write

    def __repr__(self) -> str:
        return f"<faulty {self._table!r}>"
