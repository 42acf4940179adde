"""Virtual time and the scheduler that runs timed work in order.

Time is an integer count of milliseconds since the Unix epoch.  It never moves on its own and
never backwards: only :meth:`Clock.advance_to` moves it, running every scheduled callback whose
time has come, earliest first.  Among callbacks due at the same millisecond, those with a lower
*priority* run first (producers, :mod:`streamsim._producers`, before the simulation's own work),
and first-scheduled first within a priority (a ``(time, priority, seq)`` heap, as in SimPy).
A cancelled callback stays in the heap until its time comes, unless cancelled ones become most
of the heap: then the heap is rebuilt without them (as asyncio's event loop does), so work
scheduled far ahead and cancelled soon after (a throttled Lambda batch's age limit, a day out)
neither piles up in memory nor reaches the garbage collector's oldest generation.

Inside a running Lambda handler, the handler has a clock of its own (a :class:`HandlerTime`
on :attr:`Clock.frames`): it starts at the invocation's start and moves only when the
handler spends time (:meth:`Clock.spend`); the scheduler does not run meanwhile.  Spending
past the invocation's deadline raises :class:`HandlerTimedOut` in the handler, as AWS stops
a function at its timeout.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from ._errors import SimulationError

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

#: Default start instant of a simulation: 2024-01-01T00:00:00Z.
DEFAULT_START_MS = 1_704_067_200_000

MS_PER_SECOND = 1_000
MS_PER_MINUTE = 60_000
MS_PER_HOUR = 3_600_000
MS_PER_DAY = 86_400_000
#: Priority of the simulation's own work (rotation, polls, invocations) at an instant.
WORK_PRIORITY = 0
#: the scheduler drops its cancelled callbacks once there are more than this many and they
#: are over half of its heap
MIN_CANCELLED_TO_COMPACT = 100


def ms_to_datetime(ms: int) -> datetime:
    """Return the timezone-aware UTC datetime of a virtual instant.

    >>> ms_to_datetime(1_704_067_200_000).isoformat()
    '2024-01-01T00:00:00+00:00'
    """
    return EPOCH + timedelta(milliseconds=ms)


def ms_to_iso_seconds(ms: int) -> str:
    """A virtual instant as AWS writes it to the second, in UTC: ``2019-11-14T00:13:19Z``.

    (Tumbling-window bounds, rule D.9, and on-failure arrival times, rule D.7.)

    >>> ms_to_iso_seconds(1_704_067_200_999)
    '2024-01-01T00:00:00Z'
    """
    return ms_to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%SZ")


def datetime_to_ms(value: datetime) -> int:
    """Return the virtual instant of a timezone-aware datetime.

    Raises:
        ValueError: the datetime is naive (it would depend on the machine's time zone).
    """
    if value.tzinfo is None:
        raise ValueError("start must be a timezone-aware datetime (e.g. tzinfo=timezone.utc)")
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000 + delta.microseconds // 1_000


def amount_ms(
    by: timedelta | None,
    *,
    milliseconds: float = 0,
    seconds: float = 0,
    minutes: float = 0,
    hours: float = 0,
    days: float = 0,
    verb: str = "advance",
) -> int:
    """Whole milliseconds of a ``timedelta`` plus amounts of units (``sim.advance``'s form).

    Raises:
        TypeError: ``by`` is not a timedelta, or an amount is not a number.
        ValueError: negative, infinite, or not a whole number of milliseconds.

    >>> amount_ms(timedelta(seconds=1), milliseconds=5)
    1005
    """
    if (
        by is None
        and type(milliseconds) is int
        and type(seconds) is int
        and type(minutes) is int
        and type(hours) is int
        and type(days) is int
    ):
        # whole units (the common case, a loop advancing by a tick): exact in ints
        ms = (
            milliseconds
            + seconds * MS_PER_SECOND
            + minutes * MS_PER_MINUTE
            + hours * MS_PER_HOUR
            + days * MS_PER_DAY
        )
        if ms < 0:
            raise ValueError(f"time can't go backwards: asked to {verb} by {ms} ms")
        return ms
    total = Decimal(0)
    if by is not None:
        if not isinstance(by, timedelta):
            raise TypeError(
                f"{verb}() takes a datetime.timedelta or keyword units "
                f"(e.g. {verb}(timedelta(seconds=5)) or {verb}(seconds=5)), got {by!r}"
            )
        total += Decimal((by.days * 86_400 + by.seconds) * 1_000_000 + by.microseconds) / 1000
    for amount, unit in (
        (milliseconds, 1),
        (seconds, MS_PER_SECOND),
        (minutes, MS_PER_MINUTE),
        (hours, MS_PER_HOUR),
        (days, MS_PER_DAY),
    ):
        if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal)):
            raise TypeError(f"durations must be numbers, got {amount!r}")
        total += Decimal(str(amount)) * unit
    if not total.is_finite():
        raise ValueError(f"durations must be finite, got {total} ms")
    if total < 0:
        raise ValueError(f"time can't go backwards: asked to {verb} by {total} ms")
    if total != total.to_integral_value():
        raise ValueError(f"durations must add up to whole milliseconds, got {total} ms")
    return int(total)


class Timer:
    """A handle on scheduled work; :meth:`cancel` stops it from running."""

    __slots__ = ("at_ms", "callback", "cancelled", "clock")

    def __init__(self, at_ms: int, callback: Callable[[], None], clock: Clock) -> None:
        self.at_ms = at_ms
        self.callback = callback
        self.cancelled = False
        #: the clock whose heap holds this work (told of the cancel)
        self.clock = clock

    def cancel(self) -> None:
        """Do not run this work (a no-op once it ran or was cancelled)."""
        if not self.cancelled:
            self.cancelled = True
            self.clock.note_cancelled()

    def __repr__(self) -> str:
        state = "cancelled" if self.cancelled else "pending"
        return f"<Timer at={self.at_ms} {state}>"


class HandlerTimedOut(BaseException):
    """Raised inside a handler whose virtual time reached the function's timeout.

    A ``BaseException`` (like the runtime killing the process): ``except Exception`` in the
    handler does not stop it, so nothing the handler would do after its deadline happens.
    """


class HandlerTime:
    """The virtual time of one running handler: start, deadline and the time it spent."""

    __slots__ = ("deadline_ms", "spent_ms", "start_ms", "timed_out")

    def __init__(self, start_ms: int, deadline_ms: int) -> None:
        self.start_ms = start_ms
        self.deadline_ms = deadline_ms
        self.spent_ms = 0
        self.timed_out = False

    @property
    def now_ms(self) -> int:
        """The handler's virtual instant: its start plus the time it spent."""
        return self.start_ms + self.spent_ms

    def __repr__(self) -> str:
        return f"<HandlerTime start={self.start_ms} spent={self.spent_ms} ms>"


class Clock:
    """Integer-millisecond virtual time with a deterministic scheduler.

    >>> clock = Clock(0)
    >>> seen = []
    >>> _ = clock.call_at(20, lambda: seen.append(("b", clock.now_ms)))
    >>> _ = clock.call_at(10, lambda: seen.append(("a", clock.now_ms)))
    >>> clock.advance_to(15); seen
    [('a', 10)]
    >>> clock.advance_to(30); seen
    [('a', 10), ('b', 20)]
    """

    __slots__ = ("_cancelled", "_counter", "_heap", "_running", "frames", "now_ms")

    def __init__(self, start_ms: int) -> None:
        self.now_ms = start_ms
        self._heap: list[tuple[int, int, int, Timer]] = []
        self._cancelled = 0  # cancelled timers still in the heap
        self._counter = itertools.count()
        self._running = False
        #: the running handlers' own clocks, innermost last (empty outside handlers)
        self.frames: list[HandlerTime] = []

    def handler_now_ms(self) -> int:
        """The innermost running handler's instant, or :attr:`now_ms` outside handlers."""
        frames = self.frames
        return frames[-1].start_ms + frames[-1].spent_ms if frames else self.now_ms

    def spend(self, ms: int) -> int:
        """The running handler spends ``ms`` of virtual time; return its new instant.

        Raises:
            SimulationError: no handler is running.
            HandlerTimedOut: the handler's deadline is reached (its clock stops there).
        """
        if not self.frames:
            raise SimulationError(
                "spend() is for a running Lambda handler; outside one, use advance()"
            )
        frame = self.frames[-1]
        if frame.timed_out or frame.now_ms + ms > frame.deadline_ms:
            frame.spent_ms = frame.deadline_ms - frame.start_ms
            frame.timed_out = True
            raise HandlerTimedOut(f"the handler reached its deadline at {frame.deadline_ms} ms")
        frame.spent_ms += ms
        return frame.now_ms

    def call_at(
        self, at_ms: int, callback: Callable[[], None], priority: int = WORK_PRIORITY
    ) -> Timer:
        """Schedule ``callback`` to run when virtual time reaches ``at_ms``.

        Work scheduled for the past or the present runs at the current instant, after the work
        of the same or a lower ``priority`` already due then.  At one instant, a lower
        ``priority`` runs first (producers use negative ones).
        """
        now = self.now_ms
        if at_ms < now:  # max(int(at_ms), now) without two builtin calls (a hot path)
            at_ms = now
        elif type(at_ms) is not int:
            at_ms = int(at_ms)
        timer = Timer(at_ms, callback, self)
        heapq.heappush(self._heap, (at_ms, priority, next(self._counter), timer))
        return timer

    def note_cancelled(self) -> None:
        """Count one more cancelled timer in the heap; once cancelled timers are more than
        :data:`MIN_CANCELLED_TO_COMPACT` and over half of the heap, rebuild the heap without
        them (in place: :meth:`advance_to` holds it while callbacks run)."""
        self._cancelled += 1
        heap = self._heap
        if self._cancelled > MIN_CANCELLED_TO_COMPACT and 2 * self._cancelled > len(heap):
            heap[:] = [entry for entry in heap if not entry[3].cancelled]
            heapq.heapify(heap)
            self._cancelled = 0

    def call_later(self, delay_ms: int, callback: Callable[[], None]) -> Timer:
        """Schedule ``callback`` to run ``delay_ms`` milliseconds from now."""
        return self.call_at(self.now_ms + delay_ms, callback)

    def next_due_ms(self) -> int | None:
        """Time of the earliest pending work, or None when nothing is scheduled."""
        heap = self._heap
        while heap and heap[0][3].cancelled:
            heapq.heappop(heap)
            self._cancelled -= 1
        return heap[0][0] if heap else None

    def advance_to(self, target_ms: int) -> None:
        """Move time forward to ``target_ms``, running all work due on the way, in order.

        Raises:
            ValueError: ``target_ms`` is in the past ("time can't go backwards").
            SimulationError: called from inside scheduled work or a handler.
        """
        if target_ms < self.now_ms:
            raise ValueError(
                f"time can't go backwards: now is {self.now_ms} ms, asked for {target_ms} ms"
            )
        if self._running:
            raise SimulationError(
                "time cannot be advanced from inside scheduled work or a Lambda handler; "
                "advance the simulation from the outside"
            )
        self._running = True
        try:
            heap = self._heap
            pop = heapq.heappop
            while heap and heap[0][0] <= target_ms:
                at_ms, _, _, timer = pop(heap)
                if timer.cancelled:
                    self._cancelled -= 1
                    continue
                self.now_ms = at_ms
                timer.cancelled = True  # ran: a late cancel() is a no-op
                timer.callback()
            self.now_ms = target_ms
        finally:
            self._running = False

    @property
    def running(self) -> bool:
        """True while scheduled work runs (time may not be advanced then)."""
        return self._running

    def pending(self) -> int:
        """Number of scheduled, not cancelled callbacks."""
        return sum(1 for *_, t in self._heap if not t.cancelled)

    def _check(self) -> None:
        """Assert the scheduler's invariants."""
        assert all(at >= self.now_ms for at, _, _, t in self._heap if not t.cancelled)
        assert self._cancelled == sum(1 for *_, t in self._heap if t.cancelled)
        for i in range(1, len(self._heap)):
            assert self._heap[(i - 1) // 2][:3] <= self._heap[i][:3]
