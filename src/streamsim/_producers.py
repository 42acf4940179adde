"""Producers in virtual time: work a simulation runs at chosen instants (``sim.every``,
``sim.call_at``).

A producer is an ordinary callable (a workload writing records, a clickstream, a sensor) that
the simulation calls with no arguments inside :meth:`~streamsim.Simulation.advance`, at its
virtual instants.  :class:`Producers` schedules them on the simulation's
:class:`~streamsim._clock.Clock`; each gets a :class:`ScheduledCall` handle that can
:meth:`~ScheduledCall.cancel` it.

**Order at one instant.** Producers due at the same millisecond run before the simulation's
own work of that millisecond (shard rotation, Lambda polls, invocations, retries), in the order
they were registered; so a record a producer writes at ``t`` is there for a poll at ``t``.

**Exceptions.** An exception from a producer propagates out of ``advance()`` unchanged.  Time
stops at the producer's instant; everything scheduled after it, the rest of that instant
included, stays scheduled, and the next ``advance()`` carries on from there.  A repeating
producer's next run is scheduled before it is called, so it keeps its schedule after raising
(``cancel()`` it to stop it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ._clock import Clock, Timer, datetime_to_ms, ms_to_datetime

#: Priorities of producers on the clock: below the simulation's own work (``WORK_PRIORITY``),
#: in registration order.
PRODUCER_PRIORITY_BASE = -(1 << 62)


def _delta_ms(value: timedelta, what: str) -> int:
    """A timedelta as whole milliseconds.

    Raises:
        ValueError: not a whole number of milliseconds.
    """
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if micros % 1_000:
        raise ValueError(f"{what} must be a whole number of milliseconds, got {value!r}")
    return micros // 1_000


def _name(callback: Callable[..., Any]) -> str:
    """A function's qualified name, or the type of another callable (no memory address)."""
    return str(getattr(callback, "__qualname__", None) or type(callback).__qualname__)


class ScheduledCall:
    """A producer scheduled by ``sim.every`` or ``sim.call_at``; :meth:`cancel` stops it.

    Attributes:
        callback: what is called (with no arguments).
        interval: the time between runs (None: a single call).
        runs: how many times it has been called.
    """

    __slots__ = ("_clock", "_priority", "_timer", "callback", "interval", "runs")

    def __init__(
        self,
        clock: Clock,
        callback: Callable[[], Any],
        first_ms: int,
        interval: timedelta | None,
        priority: int,
    ) -> None:
        self._clock = clock
        self._priority = priority
        self.callback = callback
        self.interval = interval
        self.runs = 0
        self._timer: Timer | None = clock.call_at(first_ms, self._fire, priority)

    def _fire(self) -> None:
        timer = self._timer
        assert timer is not None
        if self.interval is not None:  # the next run first: it survives an exception
            step = _delta_ms(self.interval, "interval")
            self._timer = self._clock.call_at(timer.at_ms + step, self._fire, self._priority)
        else:
            self._timer = None
        self.runs += 1
        self.callback()

    def cancel(self) -> None:
        """Run no more (a no-op once a single call ran or the producer was cancelled)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    @property
    def active(self) -> bool:
        """True while a run is still to come."""
        return self._timer is not None

    @property
    def next_time(self) -> datetime | None:
        """The virtual instant of the next run (None when none is to come)."""
        return None if self._timer is None else ms_to_datetime(self._timer.at_ms)

    def __repr__(self) -> str:
        what = "once" if self.interval is None else f"every {self.interval}"
        timer = self._timer
        if timer is None:
            state = "done" if self.interval is None and self.runs else "cancelled"
        else:
            state = "next=" + ms_to_datetime(timer.at_ms).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
        return f"<ScheduledCall {what} {_name(self.callback)} {state} runs={self.runs}>"


class Producers:
    """The producers of one simulation, on its clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._calls: list[ScheduledCall] = []
        self._registered = 0  # producers ever registered: their order at one instant

    def _add(self, callback: Any, first_ms: int, interval: timedelta | None) -> ScheduledCall:
        if not callable(callback):
            raise TypeError(f"a producer must be callable with no arguments, got {callback!r}")
        self._calls = [c for c in self._calls if c.active]
        priority = PRODUCER_PRIORITY_BASE + self._registered
        self._registered += 1
        call = ScheduledCall(self._clock, callback, first_ms, interval, priority)
        self._calls.append(call)
        return call

    def at_ms(self, when: Any, what: str) -> int:
        """The instant of ``when``: an aware datetime, or a timedelta from now.

        Raises:
            TypeError: neither.
            ValueError: a naive datetime, a negative delta, an instant before now, or not
                whole milliseconds.
        """
        now = self._clock.now_ms
        if isinstance(when, timedelta):
            delta = _delta_ms(when, what)
            if delta < 0:
                raise ValueError(f"time can't go backwards: {what} is {when!r} from now")
            return now + delta
        if isinstance(when, datetime):
            if when.tzinfo is None:
                raise ValueError(
                    f"{what} must be a timezone-aware datetime (e.g. tzinfo=timezone.utc)"
                )
            at = datetime_to_ms(when)
            if at < now:
                raise ValueError(
                    f"time can't go backwards: {what} {when.isoformat()} is before now "
                    f"({ms_to_datetime(now).isoformat()})"
                )
            return at
        raise TypeError(
            f"{what} must be a timezone-aware datetime or a datetime.timedelta from now, "
            f"got {when!r}"
        )

    def every(
        self, interval: Any, callback: Any, start: datetime | timedelta | None = None
    ) -> ScheduledCall:
        """Call ``callback()`` every ``interval``, first at ``start`` (default: one interval
        from now).

        Raises:
            TypeError: ``interval`` is not a timedelta, or ``callback`` is not callable.
            ValueError: a non-positive interval, or one that is not whole milliseconds.
        """
        if not isinstance(interval, timedelta):
            raise TypeError(f"interval must be a datetime.timedelta, got {interval!r}")
        step = _delta_ms(interval, "interval")
        if step <= 0:
            raise ValueError(f"interval must be positive, got {interval!r}")
        first = self._clock.now_ms + step if start is None else self.at_ms(start, "start")
        return self._add(callback, first, interval)

    def call_at(self, when: Any, callback: Any) -> ScheduledCall:
        """Call ``callback()`` once at ``when`` (an aware datetime or a timedelta from now)."""
        return self._add(callback, self.at_ms(when, "time"), None)

    @property
    def active(self) -> list[ScheduledCall]:
        """The producers with a run still to come, in registration order."""
        return [c for c in self._calls if c.active]

    def _check(self) -> None:
        """Assert that every active producer's next run is pending on the clock, not before now."""
        for call in self._calls:
            if call.next_time is not None:
                assert datetime_to_ms(call.next_time) >= self._clock.now_ms, (
                    f"{call!r} is due before now"
                )

    def __repr__(self) -> str:
        return f"<Producers active={len(self.active)}>"
