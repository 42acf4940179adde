"""The state of one slot (a ParallelizationFactor lane) and the reader it belongs to.

:class:`SlotState` is the data every part of a slot's work shares (batch filling in
:mod:`._filling`, invoking in :mod:`._invoking`, giving up in :mod:`._discarding`) and the
small operations on it: timers, leaving the queue of throttled slots.  The reader is seen
through :class:`ReaderView`, so slots do not import the reader that creates them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from streamsim._clock import Timer
from streamsim._lambda._functions import Function
from streamsim._lambda._source import EventRecord, SourceRecord, SourceShard
from streamsim._lambda._windows import WindowState

from ._batch import Batch
from ._context import PollContext

# what Slot.step reports
IDLE = 0  # nothing to do and nothing of its own waiting
WAITING = 1  # gathering a batch or holding an open tumbling window: wants appends
BUSY = 2  # invocation in flight, throttled, or backing off: it will poll again itself


class ReaderView(Protocol):
    """What a slot uses of its shard's reader (:class:`~._reading.ShardReader`)."""

    pos: int
    #: renders records of the shard as the function's event records
    build_events: Callable[[Sequence[SourceRecord]], list[EventRecord]]

    @property
    def poller(self) -> PollContext:
        """The mapping-wide state."""

    @property
    def shard(self) -> SourceShard:
        """The shard read."""

    @property
    def slot_count(self) -> int:
        """How many slots the reader has (ParallelizationFactor)."""

    def poll(self) -> None:
        """Read the shard and let every slot make progress."""

    def resume(self) -> None:
        """Go on after an invocation's result was applied (a poll, unless it has no work)."""


class SlotState:
    """One of a shard's ParallelizationFactor lanes: at most one batch in flight.

    A slot is in one of these situations: free (builds the next batch), gathering (a batch
    waits for the batching window), busy (an invocation runs), waiting (throttled), backing
    off (a failed batch waits for its retry).  ``batch`` is the batch being tried; ``stack``
    holds bisected halves still to try (top = next); ``building`` the batch being gathered;
    ``queue`` the records routed to it (ParallelizationFactor > 1); ``granted`` an instance
    of a function taken for it while it waited.
    """

    __slots__ = (
        "age_timer",
        "batch",
        "building",
        "busy",
        "granted",
        "index",
        "last_done_ms",
        "queue",
        "reader",
        "retry_timer",
        "stack",
        "waiting",
        "wake_timer",
        "window",
    )

    def __init__(self, reader: ReaderView, index: int) -> None:
        self.reader = reader
        self.index = index
        self.queue: deque[SourceRecord] = deque()  # routed records (ParallelizationFactor > 1)
        self.batch: Batch | None = None
        self.stack: list[Batch] = []
        self.building: Batch | None = None
        self.busy = False
        self.waiting = False  # in the concurrency pool's queue of throttled slots
        self.age_timer: Timer | None = None  # gives up a throttled batch once it is too old
        self.granted: Function | None = None  # an instance reserved for this slot
        self.retry_timer: Timer | None = None
        self.wake_timer: Timer | None = None
        self.last_done_ms = 0
        self.window: WindowState | None = None

    @property
    def quiescent(self) -> bool:
        """True when the slot holds nothing: no batch, no records, no window, nothing running."""
        return not (
            self.busy
            or self.waiting
            or self.batch is not None
            or self.stack
            or self.building is not None
            or self.queue
            or self.window is not None
            or self.retry_timer is not None
        )

    def cancel_timers(self) -> None:
        """Cancel the retry and wake-up timers."""
        if self.retry_timer is not None:
            self.retry_timer.cancel()
            self.retry_timer = None
        if self.wake_timer is not None:
            self.wake_timer.cancel()
            self.wake_timer = None
        if self.age_timer is not None:
            self.age_timer.cancel()
            self.age_timer = None

    def _wake_at(self, at_ms: int) -> None:
        timer = self.wake_timer
        if timer is not None:
            if timer.at_ms == at_ms and not timer.cancelled:
                return
            timer.cancel()
        self.wake_timer = self.reader.poller.clock.call_at(at_ms, self._wake_due)

    def _wake_due(self) -> None:
        self.wake_timer = None
        self.reader.poll()
