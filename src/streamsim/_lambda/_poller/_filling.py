"""Filling a batch: BatchSize, the 6 MB payload, the batching window, filters, record age
and tumbling windows.

Two paths fill a batch.  The fast path (:meth:`BatchFilling._fill_fast`) serves the common
mapping (one slot, no filter, no tumbling window, no record-age limit): it reads a chunk of
the shard at once and checks the payload against an upper bound, measuring records exactly
only near the limit, and leaves rendering the events to the invocation.  The general path
(:meth:`BatchFilling._fill`) takes one record at a time from the slot's routed queue or the
shard, rendering each (a filter matches the event).  Every record a mapping reads passes
through one of them, so they are written for speed (locals bound once per call).

AWS behaviour: rule D.3 (BatchSize, 6 MB, batching window), D.5 (record age, trimmed
records), D.8 (filters), D.9 (tumbling windows).
"""

from __future__ import annotations

from typing import Any

from streamsim._gc import call_paused
from streamsim._lambda._config import MappingConfig
from streamsim._lambda._events import ENVELOPE_BYTES
from streamsim._lambda._metrics import RECORD_AGE_EXCEEDED
from streamsim._lambda._source import EventRecord, SourceRecord
from streamsim._lambda._windows import WindowState, window_of

from ._batch import Batch
from ._discarding import Discarding
from ._slot_state import BUSY, IDLE, WAITING

#: bytes a tumbling window's members add to an event besides the state
_WINDOW_FIELDS_BYTES = 512


class BatchFilling(Discarding):
    """The part of a slot that reads records into the batch being built (rule D.3, D.8, D.9)."""

    __slots__ = ()

    def _gather(self, now: int, exhausted: bool) -> int:
        """Read records into the batch being built; promote it to ``batch`` when it is due."""
        window = self.window
        if window is not None and window.terminate_early and self.building is None:
            # the state outgrew 1 MB: end the window early, then go on with fresh state
            self.batch = Batch([], None, gather_start_ms=now, window=window, final=True, early=True)
            return BUSY
        reader = self.reader
        poller = reader.poller
        cfg = poller.mapping.config
        b = self.building
        window_ms = cfg.tumbling_window_s * 1000
        finalize = False
        full = False
        if (
            cfg.record_filter is None
            and not window_ms
            and cfg.maximum_record_age_s < 0
            and not self.queue
            and reader.slot_count == 1
        ):
            full = self._fill_fast(now, cfg.batch_size)
            b = self.building
        else:
            full, finalize = self._fill(now, cfg, window_ms)
            b = self.building
        if b is not None and b.records:
            batching_ms = cfg.maximum_batching_window_s * 1000
            due = b.gather_start_ms + batching_ms
            if full or finalize or not batching_ms or now >= due or exhausted:
                if self.wake_timer is not None:
                    self.wake_timer.cancel()
                    self.wake_timer = None
                self.building = None
                self.batch = b
                return BUSY
            self._wake_at(due)
            return WAITING
        self.building = None
        window = self.window
        if window is not None:
            no_more = finalize or exhausted or now >= window.end_ms
            if no_more:
                if window.has_records:
                    self.batch = Batch([], None, gather_start_ms=now, window=window, final=True)
                    return BUSY
                self.window = None  # nothing was invoked in it: it closes silently
                return self._gather(now, exhausted) if finalize else IDLE
            self._wake_at(window.end_ms)
            return WAITING
        return IDLE

    def _new_building(self, now: int, events: list[EventRecord] | None) -> Batch:
        """Start the batch being built (``events``: ``[]`` to render records as they come,
        None to render them when the batch is invoked)."""
        last_done_ms = self.last_done_ms
        b = Batch([], events, now if now > last_done_ms else last_done_ms)  # gather_start_ms
        if self.window is not None:
            b.bound += self.window.state_bytes() + _WINDOW_FIELDS_BYTES
        self.building = b
        return b

    def _fill_fast(self, now: int, batch_size: int) -> bool:
        """The hot path: one slot, straight from the shard, no filter, window or age limit.

        Records are taken by the chunk, their payload checked against an upper bound; their
        events are rendered when the batch is invoked (:meth:`Invoking._invoke`), so a batch
        that waits (a batching window, a throttled function) holds no rendered event.  Only
        near the 6 MB limit are events rendered here, to measure each record exactly.
        """
        reader = self.reader
        shard = reader.shard
        if reader.pos >= shard.end_position:
            return False
        b = self.building or self._new_building(now, None)
        chunk = shard.read(reader.pos, batch_size - len(b.records))
        poller = reader.poller
        bound = b.bound + poller.payload_bound(chunk)
        if not b.exact and bound <= poller.max_payload:
            b.records.extend(chunk)
            if b.events is not None:  # begun by the general path: it renders as it goes
                b.events.extend(call_paused(reader.build_events, chunk))
            b.bound = bound
            reader.pos += len(chunk)
            poller.metrics.polled += len(chunk)
            return len(b.records) >= batch_size
        # near the payload limit: measure each record exactly
        # the one GC policy for rendering records (streamsim._gc)
        events = call_paused(reader.build_events, chunk)
        taken = 0
        full = False
        for record, event in zip(chunk, events, strict=True):
            if not self._fits(b, event):
                full = True
                break
            b.records.append(record)
            assert b.events is not None  # rendered by _fits
            b.events.append(event)
            taken += 1
        reader.pos += taken
        poller.metrics.polled += taken
        return full or len(b.records) >= batch_size

    def _exact(self, b: Batch) -> bool:
        """Switch a batch's payload figure from the bound to the exact size (rendering its
        records' events if they were left for the invocation)."""
        events = b.rendered(self.reader.build_events)
        size = ENVELOPE_BYTES + sum(map(self.reader.poller.event_bytes, events))
        if self.window is not None:
            size += self.window.state_bytes() + _WINDOW_FIELDS_BYTES
        b.bound = size
        b.exact = True
        return True

    def _fits(self, b: Batch, event: dict[str, Any]) -> bool:
        """Add ``event``'s bytes to ``b``'s payload if it stays within 6 MB (rule D.3)."""
        poller = self.reader.poller
        if not b.exact:
            self._exact(b)
        size = poller.event_bytes(event)
        if b.records and b.bound + size > poller.max_payload:
            return False
        b.bound += size
        return True

    def _fill(self, now: int, cfg: MappingConfig, window_ms: int) -> tuple[bool, bool]:
        """The general path: filters, record age, tumbling windows, routed queues.

        Returns ``(full, finalize)``: the batch is complete, or the open tumbling window must
        be finalized before the next record (which belongs to a later window).
        """
        reader = self.reader
        poller = reader.poller
        metrics = poller.metrics
        build = reader.build_events
        view = poller.filter_view
        created = poller.created_ms
        record_bound = poller.record_bound
        record_filter = cfg.record_filter
        batch_size = cfg.batch_size
        horizon = now - poller.retention_ms
        age_limit = now - cfg.maximum_record_age_s * 1000 if cfg.maximum_record_age_s >= 0 else None
        aged: list[SourceRecord] = []
        queue = self.queue
        shard = reader.shard
        from_shard = reader.slot_count == 1
        b = self.building
        full = False
        finalize = False
        while True:
            # the next record: the slot's queue first, then (one slot) the shard itself
            if queue:
                record = queue[0]
                if created(record) < horizon:  # trimmed while it waited: lost (rule D.5)
                    queue.popleft()
                    metrics.trimmed_unread += 1
                    continue
                in_queue = True
            elif from_shard:
                at = shard.record_at(reader.pos)
                if at is None:
                    break
                record = at
                in_queue = False
            else:
                break
            if age_limit is not None and created(record) < age_limit:
                # older than MaximumRecordAgeInSeconds: discarded unread (rule D.5)
                self._consume(in_queue)
                aged.append(record)
                if len(aged) >= batch_size:
                    self._discard(Batch(aged, None), RECORD_AGE_EXCEEDED, invoked=False)
                    aged = []
                continue
            event = build((record,))[0]
            if record_filter is not None and not record_filter.matches(
                event if view is None else view(event)
            ):
                self._consume(in_queue)  # filtered out: skipped and checkpointed (rule D.8)
                metrics.filtered_out += 1
                continue
            if window_ms:
                start = window_of(created(record), window_ms)
                window = self.window
                if window is None:
                    window = self.window = WindowState(start, window_ms)
                elif window.start_ms != start:
                    if b is not None and b.records:
                        full = True
                    else:
                        finalize = True
                    break
            if b is None:
                b = self._new_building(now, [])
                b.window = self.window
            elif b.events is None:  # begun by the fast path (the config changed since)
                b.rendered(build)
            if not b.exact and b.bound + record_bound(record) > poller.max_payload:
                self._exact(b)
            if b.exact and not self._fits(b, event):
                full = True
                break
            if not b.exact:
                b.bound += record_bound(record)
            self._consume(in_queue)
            b.records.append(record)
            assert b.events is not None
            b.events.append(event)
            if len(b.records) >= batch_size:
                full = True
                break
        if aged:
            self._discard(Batch(aged, None), RECORD_AGE_EXCEEDED, invoked=False)
        return full, finalize

    def _consume(self, in_queue: bool) -> None:
        if in_queue:
            self.queue.popleft()
        else:
            reader = self.reader
            reader.pos += 1
            reader.poller.metrics.polled += 1
