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
* :class:`Timeout`: the handler gets the first ``after`` records, then the invocation runs
  past the function's timeout (outcome ``timeout``): the effects of those records happen, the
  rest do not.
* :class:`Duplicate`: the handler is called twice with the same event (a duplicate delivery).
* :class:`DownstreamError`: the handler's own DynamoDB writes through
  :meth:`FaultInjector.table` raise an AWS error (``ProvisionedThroughputExceededException``,
  ``ConditionalCheckFailedException``, ``TransactionConflictException``,
  ``InternalServerError``) after ``after`` writes succeeded, before the write is applied.

:meth:`FaultPlan.start` gives a :class:`FaultInjector` (the running state: invocation count,
generator) that wraps handlers and tables; :meth:`FaultInjector.heal` switches every fault
off (the chaos, heal, drain phases).

Differs from AWS (and from a full fault model): virtual time does not pass inside a handler,
so ``context.get_remaining_time_in_millis()`` does not fall during a :class:`Timeout`; the
handler is given a prefix of the batch instead of being stopped mid-way.  Lambda throttling
(429) is a concurrency matter of the poller: set the function's reserved concurrency to 0
(``put_function_concurrency``) for a throttling phase.
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


@attrs.frozen(kw_only=True)
class Timeout:
    """The handler processes the first ``after`` records, then the invocation times out."""

    on: tuple[int, ...] = attrs.field(default=(), converter=_on)
    probability: float = attrs.field(default=0.0, validator=_probability)
    after: int = attrs.field(default=0, validator=_count)


@attrs.frozen(kw_only=True)
class Duplicate:
    """The handler is called twice with the same event in one invocation."""

    on: tuple[int, ...] = attrs.field(default=(), converter=_on)
    probability: float = attrs.field(default=0.0, validator=_probability)


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


Fault = Crash | Timeout | Duplicate | DownstreamError


def _faults(value: Any) -> tuple[Fault, ...]:
    faults = tuple(value)
    for fault in faults:
        if not isinstance(fault, Crash | Timeout | Duplicate | DownstreamError):
            raise TypeError(f"not a fault: {fault!r}")
    return faults


@attrs.frozen(kw_only=True)
class FaultPlan:
    """Which faults strike which invocations; a value whose ``repr`` rebuilds it.

    >>> plan = FaultPlan(faults=(Crash(on=[2]),), seed=7)
    >>> plan
    FaultPlan(faults=(Crash(on=(2,), probability=0.0, after=0),), seed=7)
    >>> eval(repr(plan)) == plan
    True
    """

    faults: tuple[Fault, ...] = attrs.field(default=(), converter=_faults)
    seed: int = 0

    def start(self, sim: Any) -> FaultInjector:
        """The running state of this plan in ``sim`` (wraps handlers, functions and tables)."""
        return FaultInjector(self, sim.rng(f"faults/{self.seed}"))

    def __bool__(self) -> bool:
        return bool(self.faults)


@attrs.define
class _Decision:
    """What the faults do to one invocation."""

    number: int
    cut: int | None = None  # records the handler gets before a crash or timeout
    timeout: bool = False
    timed: bool = False  # decided by the duration hook, which made the invocation time out
    duplicate: bool = False
    downstream: DownstreamError | None = None
    writes: int = 0


class FaultInjector:
    """A :class:`FaultPlan` running in one simulation: counts invocations, draws, heals.

    Attributes:
        plan: the plan; healed: True once :meth:`heal` switched every fault off.
        struck: ``(invocation number, fault name)`` for every fault that struck, in order.
    """

    def __init__(self, plan: FaultPlan, rng: random.Random) -> None:
        self.plan = plan
        self._rng = rng
        self.healed = not plan.faults
        self.invocations = 0
        self.struck: list[tuple[int, str]] = []
        self._next: _Decision | None = None
        self._current: _Decision | None = None

    def heal(self) -> None:
        """Switch every fault off from now on (the heal phase)."""
        self.healed = True

    def _decide(self, records: int) -> _Decision:
        number = self.invocations + 1
        decision = _Decision(number)
        if self.healed:
            return decision
        rng = self._rng
        for fault in self.plan.faults:
            hit = number in fault.on
            cut: int | None = None
            if isinstance(fault, Crash | Timeout):
                if hit:
                    cut = min(fault.after, records)
                elif fault.probability:
                    cut = next(
                        (i for i in range(records) if rng.random() < fault.probability), None
                    )
                if cut is not None and (decision.cut is None or cut < decision.cut):
                    decision.cut = cut
                    decision.timeout = isinstance(fault, Timeout)
            elif isinstance(fault, Duplicate):
                if hit or (fault.probability and rng.random() < fault.probability):
                    decision.duplicate = True
            elif hit or fault.probability:
                decision.downstream = fault
        return decision

    def duration(self, base: Callable[[dict[str, Any]], Any] | Any = 0.01) -> Callable[..., Any]:
        """A function ``duration`` that makes the invocations a :class:`Timeout` hits too long.

        Args:
            base: the duration otherwise (seconds, a timedelta, or a callable of the event).
        """

        def duration(event: dict[str, Any]) -> Any:
            decision = self._decide(len(event.get("Records", ())))
            decision.timed = True
            self._next = decision
            if decision.timeout:
                return 901  # past any function timeout (at most 900 s)
            return base(event) if callable(base) else base

        return duration

    def wrap(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """``handler`` with the plan's faults applied to each call.

        A :class:`Timeout` needs the function's ``duration`` to be :meth:`duration` too (as
        :meth:`create_function` does); without it, it strikes as a crash.
        """

        @functools.wraps(handler)
        def faulty(event: dict[str, Any], context: Any) -> Any:
            records = event.get("Records", [])
            decision = self._next
            self._next = None
            if decision is None or decision.number != self.invocations + 1:
                decision = self._decide(len(records))
            self.invocations = decision.number
            self._current = decision
            try:
                if decision.cut is not None:
                    kind = "Timeout" if decision.timeout else "Crash"
                    self.struck.append((decision.number, kind))
                    if decision.cut:
                        handler({**event, "Records": records[: decision.cut]}, context)
                    if decision.timeout and decision.timed:
                        return None  # the duration already runs past the timeout
                    what = (
                        "timeout (without the duration hook: a crash)"
                        if decision.timeout
                        else "crash"
                    )
                    raise InjectedFault(
                        f"injected {what} in invocation {decision.number} after "
                        f"{decision.cut} of {len(records)} records"
                    )
                if decision.duplicate:
                    self.struck.append((decision.number, "Duplicate"))
                    handler(event, context)
                return handler(event, context)
            finally:
                self._current = None

        return faulty

    def create_function(
        self,
        sim: Any,
        name: str,
        handler: Callable[..., Any],
        *,
        outer: Callable[[Callable[..., Any]], Callable[..., Any]] | None = None,
        **options: Any,
    ) -> Any:
        """``sim.create_function`` with the handler wrapped and the duration faulted.

        Args:
            outer: a wrapper applied outside the faults (``outer=history.wrap`` records what
                the poller delivered and what the faults made of it).
            options: ``sim.create_function`` options (``duration`` is the base duration).
        """
        options["duration"] = self.duration(options.get("duration", 0.01))
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
