"""Reading a source's shards in lineage order: the mapping's poller and its shard readers.

* :class:`MappingPoller`: the mapping's view of its source.  It keeps one
  :class:`ShardReader` per shard it still has to read, learns of new shards and appends
  through the source's subscription, and pauses, resumes and stops.
* :class:`ShardReader`: reads one shard from a position.  A child shard's reader does not
  start before its parents' readers have finished (every record of the parents processed
  or given up), so a key's records are never processed out of order across a split, a merge
  or a rotation.  Records trimmed before they were read are counted as lost.  With
  ParallelizationFactor N it routes each record to one of N :class:`~._slot.Slot`\\ s by the
  hash of its partition key, so one key's records always go through the same slot.

A paused poller (the mapping disabled or still being created) makes no reader for a shard that
opens meanwhile: on resuming it makes, in the order the shards opened, a reader for every shard
continuing one it still reads, from the shard's first record, as it would have made them.  So
a mapping disabled for a month keeps the readers it had, not one per rotation.  Only when a
held shard has nothing left (closed, every record trimmed) does its reader finish while
paused, counting its unread records lost, and hand over to readers of the shards continuing
it: a held shard keeps its children, so an old one would keep every shard opened since.

Idle costs nothing: a reader with nothing to read schedules no timer; the next append to its
shard schedules one poll at the next poll tick (``anchor + k * poll_interval_ms``).  So a
simulation of a week with long quiet periods does no work in them.

AWS behaviour: rule D.3, D.4, D.5, D.12.
"""

from __future__ import annotations

from typing import cast

from streamsim._clock import Timer
from streamsim._lambda._environment import LambdaEnvironment
from streamsim._lambda._metrics import MappingMetrics
from streamsim._lambda._source import EventSource, SourceShard, TimestampSource

from ._context import MappingView, PollContext
from ._slot import Slot
from ._slot_state import BUSY, IDLE


class ShardReader:
    """Reads one shard for one mapping, from ``pos`` (an absolute record index).

    ``started`` turns True when the parent shards' readers finished (or there are none);
    ``done`` when the shard is closed and every record of it was processed or given up.
    """

    __slots__ = (
        "build_events",
        "children",
        "done",
        "expired",
        "parents",
        "poller",
        "pos",
        "shard",
        "slot_count",
        "slots",
        "started",
        "timer",
        "wake_on_append",
    )

    def __init__(
        self,
        poller: MappingPoller,
        shard: SourceShard,
        pos: int,
        parents: tuple[ShardReader, ...],
    ) -> None:
        self.poller = poller
        self.shard = shard
        self.pos = pos
        self.parents = parents
        self.children: list[ShardReader] = []
        self.started = not parents
        self.done = False
        self.timer: Timer | None = None
        self.wake_on_append = True
        #: renders this shard's records for the mapping's function (a Kinesis eventID names
        #: the shard, its invokeIdentityArn the function: rule L.6)
        self.build_events = poller.source.events_builder(shard, poller.mapping.function.arn)
        self.expired = False
        factor = poller.mapping.config.parallelization_factor
        self.slot_count = factor
        self.slots = [Slot(self, i) for i in range(factor)]
        for parent in parents:
            parent.children.append(self)

    # --- scheduling -----------------------------------------------------------------------------

    def wake(self) -> None:
        """Poll at the next poll tick (once, however many times this is called before it)."""
        self.wake_on_append = False
        if self.timer is None:
            poller = self.poller
            clock = poller.clock
            self.timer = clock.call_at(poller.tick_at(clock.now_ms), self.poll)

    def unread(self) -> int:
        """Records of the shard not read yet (trimmed ones included)."""
        return self.shard.end_position - self.pos

    # --- the poll -------------------------------------------------------------------------------

    def poll(self) -> None:
        """Read what the shard has, let every slot make progress, then sleep or finish.

        Nothing that goes wrong here leaves the shard unpolled: a ``BaseException`` passing
        through (``KeyboardInterrupt`` from a handler) and a bug of the poller (raised as
        :class:`~streamsim.SimulationError` from the bug) both leave a poll scheduled, so the
        next ``advance()`` carries on where this one stopped.
        """
        try:
            self._poll()
        except Exception as exc:
            self._ensure_polled()
            poller = self.poller
            if exc is poller.reported:
                raise
            raise poller.internal_error(exc, self.shard.shard_id) from exc
        except BaseException:
            self._ensure_polled()
            raise

    def resume(self) -> None:
        """Go on after an invocation's result was applied: :meth:`poll`, except in the common
        case where the poll would only conclude that it waits for appends (one free, empty
        slot; the open shard read to its end), which it then does at once.  Saves a poll per
        batch in a steady flow, where every shard's new records arrive between ticks."""
        poller = self.poller
        if (
            self.slot_count == 1
            and self.timer is None
            and self.pos >= self.shard.end_position
            and self.shard.is_open
            and poller.active
            and self.started
            and not self.done
            and not self.expired
            and poller.mapping.config.parallelization_factor == 1
            and self.slots[0].quiescent
        ):
            self.wake_on_append = True
            return
        self.poll()

    def _ensure_polled(self) -> None:
        if self.timer is None and not self.done:
            self.wake()

    def _poll(self) -> None:
        timer = self.timer
        if timer is not None:
            timer.cancel()
            self.timer = None
        poller = self.poller
        if not poller.active or not self.started or self.done:
            return
        if self.expired and not self._resume_from_checkpoint():
            return  # an invocation is in flight: its result wakes this reader again
        now = poller.clock.now_ms
        shard = self.shard
        first_readable = shard.first_position
        if self.pos < first_readable:
            # trimmed before this mapping read them: lost (rule D.5, D.12)
            poller.metrics.trimmed_unread += first_readable - self.pos
            self.pos = first_readable
        gate = poller.source.read_gate
        start = self.pos
        if gate is not None and start < shard.end_position:
            wait = gate.read_wait_ms(shard)
            if wait:  # the shard's read throughput is spent: read at a later poll (rule L.7)
                poller.metrics.read_throttles += 1
                self.timer = poller.clock.call_at(poller.tick_at(now + wait), self.poll)
                return
        if self.slot_count != poller.mapping.config.parallelization_factor:
            self._reslot()
        if self.slot_count > 1:
            self._route()
        closed = not shard.is_open
        drained = self.pos >= shard.end_position
        wants_appends = False
        all_idle = True
        for slot in self.slots:
            status = slot.step(now, closed and drained and not slot.queue)
            if status != BUSY:
                wants_appends = True
            if status != IDLE:
                all_idle = False
        if gate is not None and self.pos > start:
            gate.charge_read(shard, start, self.pos)  # one GetRecords call, whatever it read
        if all_idle and self.pos >= shard.end_position and all(not s.queue for s in self.slots):
            if closed and all(s.quiescent for s in self.slots):
                self._finish()
                return
            wants_appends = True
        self.wake_on_append = wants_appends

    def expire(self) -> None:
        """The mapping's iterator of this shard expired: at the next poll with nothing in
        flight, drop what was read but not processed and read again from the checkpoint."""
        if not self.done:
            self.expired = True
            self.wake()

    def _resume_from_checkpoint(self) -> bool:
        """Forget the batches held (retrying, bisected, being gathered) and re-read their
        records as new batches, with fresh retry counts (rule F.18); False while busy."""
        slots = self.slots
        if any(s.busy for s in slots):
            return False
        self.expired = False
        for slot in slots:
            if any(b.window is not None for b in (slot.batch, *slot.stack) if b is not None):
                continue
            slot.stop_waiting()  # a throttled batch is forgotten with the rest
            if slot.granted is not None:
                self.poller.concurrency.release(slot.granted)
                slot.granted = None
        sequence_number = self.poller.sequence_number
        lowest: int | None = None
        for slot in slots:
            held = [b for b in (slot.batch, *slot.stack, slot.building) if b is not None]
            if any(b.window is not None for b in held):
                continue  # a tumbling window's batches keep their state (rule D.9)
            records = sorted((r for b in held for r in b.records), key=sequence_number)
            slot.cancel_timers()
            slot.batch, slot.stack, slot.building = None, [], None
            if self.slot_count > 1 or slot.queue:
                slot.queue.extendleft(reversed(records))
            elif records:
                first = sequence_number(records[0])
                lowest = first if lowest is None else min(lowest, first)
        if lowest is not None:
            shard, low, high = self.shard, self.shard.first_position, self.pos
            while low < high:  # the position of the checkpoint's record
                middle = (low + high) // 2
                record = shard.record_at(middle)
                if record is not None and sequence_number(record) >= lowest:
                    high = middle
                else:
                    low = middle + 1
            self.pos = low
        return True

    def _route(self) -> None:
        """Hand unread records to the slots by partition-key hash (rule D.4)."""
        unread = self.shard.read(self.pos)
        if not unread:
            return
        count = self.slot_count
        route = self.poller.source.partition_hash
        slots = self.slots
        for record in unread:
            slots[route(record) % count].queue.append(record)
        self.pos += len(unread)
        self.poller.metrics.polled += len(unread)

    def _reslot(self) -> None:
        """Apply a new ParallelizationFactor once no slot holds anything in flight."""
        slots = self.slots
        if any(s.busy or s.waiting or s.batch or s.stack or s.building or s.window for s in slots):
            return
        poller = self.poller
        pending = sorted((r for s in slots for r in s.queue), key=poller.sequence_number)
        for slot in slots:
            slot.cancel_timers()
        factor = poller.mapping.config.parallelization_factor
        self.slot_count = factor
        self.slots = [Slot(self, i) for i in range(factor)]
        if not pending:
            return
        if factor == 1:
            self.slots[0].queue.extend(pending)
            return
        route = poller.source.partition_hash
        for record in pending:
            self.slots[route(record) % factor].queue.append(record)

    def _finish(self) -> None:
        """Every record of this closed shard is done: start the children (rule D.4)."""
        self.done = True
        self.wake_on_append = False
        self.poller.readers.pop(self.shard, None)
        children, self.children = self.children, []
        for child in children:
            child.started = all(parent.done for parent in child.parents)
            if child.started:
                child.parents = ()  # finished readers are not kept alive down the lineage
                child.wake()

    def finish_if_spent(self, now: int) -> bool:
        """Finish now if the poll would find nothing ever again: started, the shard closed
        before ``now`` (so every shard continuing it has opened) with every record trimmed,
        nothing held.  Its unread records count as lost, as they would at its next poll
        (rule D.5, D.12).  True if it finished."""
        shard = self.shard
        closed_ms = shard.closed_ms
        if (
            self.done
            or not self.started
            or closed_ms is None
            or closed_ms >= now
            or shard.first_position < shard.end_position
            or not all(slot.quiescent for slot in self.slots)
        ):
            return False
        if self.pos < shard.end_position:
            self.poller.metrics.trimmed_unread += shard.end_position - self.pos
            self.pos = shard.end_position
        self.cancel()
        self._finish()
        return True

    def cancel(self) -> None:
        """Stop all timers of this reader and its slots."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        for slot in self.slots:
            slot.cancel_timers()

    def __repr__(self) -> str:
        state = "done" if self.done else "started" if self.started else "waiting for parent"
        return f"<ShardReader {self.shard.shard_id} pos={self.pos} {state}>"


class MappingPoller(PollContext):
    """Everything one event source mapping does with its source.

    Created by the mapping; :meth:`attach` starts following the source (readers per the
    starting position, callbacks for appends and new shards), :meth:`set_active` pauses and
    resumes, :meth:`detach` stops for good.

    Args:
        mapping: the mapping (its configuration and function may change over time).
        environment: the service's clock, settings, concurrency pool and destinations.
        source: the stream the mapping reads.
        metrics: the mapping's counters and logs.
    """

    def __init__(
        self,
        mapping: MappingView,
        *,
        environment: LambdaEnvironment,
        source: EventSource,
        metrics: MappingMetrics,
    ) -> None:
        super().__init__(mapping, environment=environment, source=source, metrics=metrics)
        self.readers: dict[SourceShard, ShardReader] = {}
        self._missed_shards = False  # a shard opened while paused: make its reader on resuming

    # --- lifecycle ------------------------------------------------------------------------------

    def attach(self) -> None:
        """Start following the source from the mapping's StartingPosition (rule D.12)."""
        if self.attached:
            return
        self.attached = True
        source = self.source
        source.subscribe(self._on_append, self._on_new_shard)
        config = self.mapping.config
        if config.starting_position == "LATEST":
            for shard in source.open_shards():
                self.readers[shard] = ShardReader(self, shard, shard.end_position, ())
        elif config.starting_position == "AT_TIMESTAMP":  # Kinesis only (rule L.5)
            at_ms = config.starting_position_timestamp_ms
            assert at_ms is not None
            for shard, pos in cast("TimestampSource", source).positions_at(at_ms):
                self.readers[shard] = ShardReader(self, shard, pos, self._parent_readers(shard))
        else:
            for shard in source.lineage_order():
                self.readers[shard] = ShardReader(
                    self, shard, shard.first_position, self._parent_readers(shard)
                )

    def set_active(self, active: bool) -> None:
        """Pause (in-flight invocations finish) or resume from where processing stopped."""
        if active == self.active:
            return
        self.active = active
        if active:
            self.anchor_ms = self.clock.now_ms
            if self._missed_shards:
                self._catch_up()
            self.wake_all()
            return
        for reader in self.readers.values():
            for slot in reader.slots:
                if slot.waiting:
                    slot.stop_waiting()

    def expire_iterators(self) -> None:
        """Every shard iterator of the mapping expired: resume from the checkpoints."""
        for reader in list(self.readers.values()):
            reader.expire()

    def wake_all(self) -> None:
        """Poll every reader at the next poll tick (after a change of configuration)."""
        for reader in list(self.readers.values()):
            reader.wake()

    def detach(self) -> None:
        """Stop for good: no more polls, callbacks removed, in-flight results ignored."""
        self.set_active(False)
        self.detached = True
        self.source.unsubscribe(self._on_append, self._on_new_shard)
        for reader in self.readers.values():
            reader.cancel()

    def function_changed(self) -> None:
        """The mapping now invokes another function: throttled slots try the new one."""
        function_arn = self.mapping.function.arn
        for reader in self.readers.values():
            reader.build_events = self.source.events_builder(reader.shard, function_arn)
            for slot in reader.slots:
                if slot.waiting:
                    slot.stop_waiting()
                    reader.wake()

    def slots(self) -> list[Slot]:
        """Every slot of every shard reader (for invariant checks), shard by shard."""
        return [slot for reader in self.readers.values() for slot in reader.slots]

    # --- source callbacks -----------------------------------------------------------------------

    def _parent_readers(self, shard: SourceShard) -> tuple[ShardReader, ...]:
        readers = self.readers
        return tuple(readers[p] for p in self.source.parents(shard) if p in readers)

    def _on_append(self, shard: SourceShard) -> None:
        reader = self.readers.get(shard)
        if reader is not None and reader.wake_on_append:
            reader.wake()

    def _on_new_shard(self, shard: SourceShard) -> None:
        if not self.active:
            self._missed_shards = True  # bounded state while paused: see _catch_up
            self._forget_spent()
            return
        parents = self._parent_readers(shard)
        reader = ShardReader(self, shard, shard.first_position, parents)
        self.readers[shard] = reader
        for parent in parents:
            parent.wake()  # it may be finished now that its shard closed

    def _catch_up(self) -> None:
        """Make the readers of the shards that opened while the poller was paused.

        Every shard continuing a shard still read gets a reader from its first record
        (position 0: trimmed records then count as lost, as they would have), in the order
        the shards opened, exactly as :meth:`_on_new_shard` would have made them then.
        """
        self._missed_shards = False
        readers = self.readers
        for shard in self.source.descendants(list(readers)):
            if shard not in readers:
                readers[shard] = ShardReader(self, shard, 0, self._parent_readers(shard))

    def _forget_spent(self) -> None:
        """While paused, finish the readers whose shards have nothing left (closed before now,
        every record trimmed), as their first poll after resuming would, and make readers of the
        shards that continue them directly (from their first record, as :meth:`_catch_up`
        would).  Without this a mapping disabled for days would keep its first shards, and
        through them (a shard keeps its children) every shard the stream opened since.
        """
        source = self.source
        readers = self.readers
        now = self.clock.now_ms
        spent = [shard for shard, reader in list(readers.items()) if reader.finish_if_spent(now)]
        while spent:
            shard = spent.pop(0)
            for child in source.descendants([shard]):
                if child not in readers and shard in source.parents(child):
                    reader = ShardReader(self, child, 0, self._parent_readers(child))
                    readers[child] = reader
                    if reader.finish_if_spent(now):
                        spent.append(child)

    def _check(self) -> None:
        """Assert the poller's invariants."""
        concurrency = self.concurrency
        sequence_number = self.sequence_number
        for shard, reader in self.readers.items():
            assert reader.shard is shard
            assert not reader.done
            assert reader.pos <= shard.end_position
            if any(not parent.done for parent in reader.parents):
                assert not reader.started
            if self.active and reader.started and reader.timer is None:
                pending = reader.unread() > 0 or any(slot.queue for slot in reader.slots)
                moving = any(
                    slot.busy
                    or slot.waiting
                    or slot.granted is not None
                    or slot.retry_timer is not None
                    or slot.wake_timer is not None
                    for slot in reader.slots
                )
                assert moving or not pending, f"{reader!r} has records but nothing will poll it"
            for slot in reader.slots:
                assert not (slot.busy and slot.waiting)
                assert slot.waiting == concurrency.is_waiting(slot)
                if slot.waiting:
                    assert slot.batch is not None
                sns = [sequence_number(r) for r in slot.queue]
                assert sns == sorted(sns)
