"""A slot: one ParallelizationFactor lane of a shard, with at most one batch in flight.

:class:`Slot` puts together the parts of a slot's work, each in its own module: its state
(:mod:`._slot_state`), filling a batch (:mod:`._filling`), invoking and applying results
(:mod:`._invoking`) and giving up (:mod:`._discarding`).  Its one entry point is
:meth:`Slot.step`, called by the reader at every poll.
"""

from __future__ import annotations

from ._filling import BatchFilling
from ._invoking import Invoking
from ._slot_state import BUSY


class Slot(BatchFilling, Invoking):
    """One of a shard's ParallelizationFactor lanes (see :class:`~._slot_state.SlotState`)."""

    __slots__ = ()

    def step(self, now: int, exhausted: bool) -> int:
        """Make what progress can be made now; return IDLE, WAITING or BUSY.

        Args:
            now: the current virtual time.
            exhausted: the shard is closed and every record of it has been read.
        """
        while True:
            if self.busy or self.waiting or self.retry_timer is not None:
                return BUSY
            if self.batch is None:
                if self.stack:
                    self.batch = self.stack.pop()
                else:
                    status = self._gather(now, exhausted)
                    if self.batch is None:
                        return status
            self._attempt(now)

    def __repr__(self) -> str:
        state = "busy" if self.busy else "waiting" if self.waiting else "free"
        batch = self.batch
        shown = None if batch is None else batch.describe(self.reader.poller.sequence_number)
        return f"<Slot {self.reader.shard.shard_id}#{self.index} {state} batch={shown}>"
