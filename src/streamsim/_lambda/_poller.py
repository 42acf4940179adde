"""The poller of one event source mapping: shard readers, slots, batches, retries.

Structure (one object per concept, all driven by the simulation's clock):

* :class:`MappingPoller`: the mapping's view of its stream.  It keeps one :class:`ShardReader`
  per shard it still has to read, discovers new shards through ``stream.on_new_shard`` and
  wakes idle readers through ``stream.on_append``.
* :class:`ShardReader`: reads one shard from a position.  A child shard's reader does not
  start before its parent's reader has finished (every record of the parent processed or
  given up), so a key's records are never processed out of order across a split or a
  rotation.  With ParallelizationFactor N it routes each record to one of N :class:`Slot`\\ s
  by the hash of its partition key, so one key's records always go through the same slot.
* :class:`Slot`: builds batches (BatchSize, batching window, 6 MB payload, tumbling window,
  filters, record age) and invokes the function with one batch at a time; a failed batch is
  retried (blocking the slot), bisected, partially committed or discarded to the OnFailure
  destination.
* :class:`Batch`: the records of one invocation and their retry bookkeeping.

Idle costs nothing: a reader with nothing to read schedules no timer; the next append to its
shard schedules one poll at the next poll tick (``anchor + k * poll_interval_ms``).  So a
simulation of a week with long quiet periods does no work in them.

AWS behaviour: spec D.3-D.12 (see each method).  Differs from AWS: a throttled batch waits
in first-come-first-served order for a free instance and starts as soon as one frees (AWS
retries throttles with back-off); see also :mod:`._windows` and :mod:`._service` settings.
"""

from __future__ import annotations

from collections import deque
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from streamsim._clock import Timer
from streamsim._gc import paused_gc
from streamsim._streams._partitions import partition_hash
from streamsim._streams._records import CREATED, HASH, RANGE, SEQ, SIZE

from ._destinations import on_failure_record, s3_object_key
from ._events import ENVELOPE_BYTES, PAYLOAD_FACTOR, event_record_builder, payload_bytes
from ._metrics import (
    FUNCTION_ERROR,
    PARTIAL_FAILURE,
    RECORD_AGE_EXCEEDED,
    RETRY_ATTEMPTS_EXHAUSTED,
    SUCCESS,
    TIMEOUT,
    Discard,
    Invocation,
    IteratorAge,
)
from ._windows import MAX_STATE_BYTES, WindowState, response_state, window_of

if TYPE_CHECKING:
    from streamsim._streams._records import RawRecord
    from streamsim._streams._shard import Shard

    from ._functions import Function, InvocationResult
    from ._mapping import EventSourceMapping

_record_size = itemgetter(SIZE)

# what Slot.step reports
IDLE = 0  # nothing to do and nothing of its own waiting
WAITING = 1  # gathering a batch or holding an open tumbling window: wants appends
BUSY = 2  # invocation in flight, throttled, or backing off: it will poll again itself

# ReportBatchItemFailures verdict for a response that fails the whole batch
_FULL_FAILURE = -1

#: bytes a tumbling window's members add to an event besides the state
_WINDOW_FIELDS_BYTES = 512


class Batch:
    """The records of one invocation, and what happened to them so far.

    Attributes:
        records: stream records, in sequence-number order, all from one shard.
        events: their event records for the first attempt (None once used: retries rebuild
            fresh ones).
        retries: retries used, counted against MaximumRetryAttempts.
        attempts: invocations these records were part of (``approximateInvokeCount``).
        gather_start_ms: when the batching window of this batch began.
        window: the tumbling window the batch belongs to, if any; final: True for the final
            invocation of that window (no records); early: the window ends early because its
            state outgrew 1 MB.
    """

    __slots__ = (
        "attempts",
        "bound",
        "early",
        "events",
        "exact",
        "final",
        "gather_start_ms",
        "last_error",
        "last_request_id",
        "records",
        "retries",
        "window",
    )

    def __init__(
        self,
        records: list[RawRecord],
        events: list[dict[str, Any]] | None,
        *,
        gather_start_ms: int = 0,
        retries: int = 0,
        attempts: int = 0,
        window: WindowState | None = None,
        final: bool = False,
        early: bool = False,
    ) -> None:
        self.records = records
        self.events = events
        self.retries = retries
        self.attempts = attempts
        self.gather_start_ms = gather_start_ms
        self.window = window
        self.final = final
        self.early = early
        self.bound = ENVELOPE_BYTES  # payload estimate (an upper bound until exact)
        self.exact = False
        self.last_request_id: str | None = None
        self.last_error = False

    def split(self, records: list[RawRecord]) -> Batch:
        """A batch of some of these records that keeps the retry bookkeeping."""
        part = Batch(
            records,
            None,
            gather_start_ms=self.gather_start_ms,
            retries=self.retries,
            attempts=self.attempts,
            window=self.window,
        )
        part.last_request_id = self.last_request_id
        part.last_error = self.last_error
        return part

    def __repr__(self) -> str:
        if not self.records:
            return f"<Batch final-window retries={self.retries}>"
        return (
            f"<Batch {len(self.records)} records {self.records[0][SEQ]}.."
            f"{self.records[-1][SEQ]} retries={self.retries}>"
        )


class Slot:
    """One of a shard's ParallelizationFactor lanes: at most one batch in flight.

    A slot is in one of these situations: free (builds the next batch), gathering (a batch
    waits for the batching window), busy (an invocation runs), waiting (throttled), backing
    off (a failed batch waits for its retry).  ``batch`` is the batch being tried; ``stack``
    holds bisected halves still to try (top = next); ``building`` the batch being gathered.
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
        "waiting_on",
        "wake_timer",
        "window",
    )

    def __init__(self, reader: ShardReader, index: int) -> None:
        self.reader = reader
        self.index = index
        self.queue: deque[RawRecord] = deque()  # routed records (ParallelizationFactor > 1)
        self.batch: Batch | None = None
        self.stack: list[Batch] = []
        self.building: Batch | None = None
        self.busy = False
        self.waiting = False
        self.waiting_on: Function | None = None  # the function whose waiters hold this slot
        self.age_timer: Timer | None = None  # gives up a throttled batch once it is too old
        self.granted: Function | None = None  # an instance reserved for this slot
        self.retry_timer: Timer | None = None
        self.wake_timer: Timer | None = None
        self.last_done_ms = 0
        self.window: WindowState | None = None

    # --- state ----------------------------------------------------------------------------------

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

    def stop_waiting(self) -> None:
        """Leave the function's queue of throttled slots (if in it)."""
        function = self.waiting_on
        if function is not None:
            function.waiters.remove(self)
        self.waiting = False
        self.waiting_on = None
        if self.age_timer is not None:
            self.age_timer.cancel()
            self.age_timer = None

    # --- the step -------------------------------------------------------------------------------

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

    # --- building batches (spec D.3, D.8, D.9) --------------------------------------------------

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

    def _new_building(self, now: int) -> Batch:
        b = Batch([], [], gather_start_ms=max(now, self.last_done_ms))
        if self.window is not None:
            b.bound += self.window.state_bytes() + _WINDOW_FIELDS_BYTES
        self.building = b
        return b

    def _fill_fast(self, now: int, batch_size: int) -> bool:
        """The hot path: one slot, straight from the shard, no filter, window or age limit."""
        reader = self.reader
        shard = reader.shard
        if reader.pos >= shard.end_position:
            return False
        b = self.building or self._new_building(now)
        chunk = shard.read(reader.pos, batch_size - len(b.records))
        poller = reader.poller
        with paused_gc():  # the one GC policy for rendering records (streamsim._gc)
            events = list(map(poller.build_event, chunk))
        bound = (
            b.bound
            + poller.record_overhead * len(chunk)
            + PAYLOAD_FACTOR * sum(map(_record_size, chunk))
        )
        if not b.exact and bound <= poller.max_payload:
            b.records.extend(chunk)
            assert b.events is not None
            b.events.extend(events)
            b.bound = bound
            reader.pos += len(chunk)
            poller.metrics.polled += len(chunk)
            return len(b.records) >= batch_size
        # near the payload limit: measure each record exactly
        taken = 0
        full = False
        for record, event in zip(chunk, events, strict=True):
            if not self._fits(b, event):
                full = True
                break
            b.records.append(record)
            assert b.events is not None
            b.events.append(event)
            taken += 1
        reader.pos += taken
        poller.metrics.polled += taken
        return full or len(b.records) >= batch_size

    def _exact(self, b: Batch) -> bool:
        """Switch a batch's payload figure from the bound to the exact size."""
        assert b.events is not None
        size = ENVELOPE_BYTES + sum(map(payload_bytes, b.events))
        if self.window is not None:
            size += self.window.state_bytes() + _WINDOW_FIELDS_BYTES
        b.bound = size
        b.exact = True
        return True

    def _fits(self, b: Batch, event: dict[str, Any]) -> bool:
        """Add ``event``'s bytes to ``b``'s payload if it stays within 6 MB (spec D.3)."""
        poller = self.reader.poller
        if not b.exact:
            self._exact(b)
        size = payload_bytes(event)
        if b.records and b.bound + size > poller.max_payload:
            return False
        b.bound += size
        return True

    def _fill(self, now: int, cfg: Any, window_ms: int) -> tuple[bool, bool]:
        """The general path: filters, record age, tumbling windows, routed queues.

        Returns ``(full, finalize)``: the batch is complete, or the open tumbling window must
        be finalized before the next record (which belongs to a later window).
        """
        reader = self.reader
        poller = reader.poller
        metrics = poller.metrics
        build = poller.build_event
        record_filter = cfg.record_filter
        batch_size = cfg.batch_size
        horizon = now - poller.retention_ms
        age_limit = now - cfg.maximum_record_age_s * 1000 if cfg.maximum_record_age_s >= 0 else None
        aged: list[RawRecord] = []
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
                if record[CREATED] < horizon:  # trimmed while it waited: lost (spec D.5)
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
            if age_limit is not None and record[CREATED] < age_limit:
                # older than MaximumRecordAgeInSeconds: discarded unread (spec D.5)
                self._consume(in_queue)
                aged.append(record)
                if len(aged) >= batch_size:
                    self._discard(Batch(aged, None), RECORD_AGE_EXCEEDED, invoked=False)
                    aged = []
                continue
            event = build(record)
            if record_filter is not None and not record_filter.matches(event):
                self._consume(in_queue)  # filtered out: skipped and checkpointed (spec D.8)
                metrics.filtered_out += 1
                continue
            if window_ms:
                start = window_of(record[CREATED], window_ms)
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
                b = self._new_building(now)
                b.window = self.window
            if not b.exact and b.bound + poller.bound_of(record) > poller.max_payload:
                self._exact(b)
            if b.exact and not self._fits(b, event):
                full = True
                break
            if not b.exact:
                b.bound += poller.bound_of(record)
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

    # --- invoking (spec D.4, D.5) ---------------------------------------------------------------

    def _attempt(self, now: int) -> None:
        """Invoke the function with ``batch``, unless its records are too old or it is throttled."""
        batch = self.batch
        assert batch is not None
        poller = self.reader.poller
        cfg = poller.mapping.config
        if batch.records:
            oldest = batch.records[0][CREATED]
            too_old = oldest < now - poller.retention_ms or (
                cfg.maximum_record_age_s >= 0 and now - oldest > cfg.maximum_record_age_s * 1000
            )
            if too_old:
                self.batch = None
                if self.granted is not None:
                    poller.service.release(self.granted)
                    self.granted = None
                self._discard(batch, RECORD_AGE_EXCEEDED, invoked=batch.attempts > 0)
                return
        function = poller.mapping.function
        granted = self.granted
        if granted is not None:
            self.granted = None
            if granted is function:
                self._invoke(batch, now, function)
                return
            poller.service.release(granted)  # the mapping moved to another function
        if not poller.service.try_acquire(function):
            # throttled: wait for a free instance; no retry attempt is used (spec D.4)
            function.throttles += 1
            poller.metrics.throttles += 1
            self.waiting = True
            self.waiting_on = function
            function.waiters.append(self)
            if batch.records:
                # throttles are retried until the records are too old (spec D.4)
                limit = poller.retention_ms
                if cfg.maximum_record_age_s >= 0:
                    limit = min(limit, cfg.maximum_record_age_s * 1000)
                deadline = batch.records[0][CREATED] + limit + 1
                self.age_timer = poller.clock.call_at(deadline, self._age_due)
            return
        self._invoke(batch, now, function)

    def _age_due(self) -> None:
        self.age_timer = None
        if self.waiting:
            self.stop_waiting()
            self.reader.poll()

    def on_grant(self, function: Function) -> None:
        """An instance of ``function`` was reserved for this waiting slot: use it at once."""
        self.waiting = False
        self.waiting_on = None
        if self.age_timer is not None:
            self.age_timer.cancel()
            self.age_timer = None
        self.granted = function
        self.reader.poller.clock.call_at(self.reader.poller.clock.now_ms, self._grant_due)

    def _grant_due(self) -> None:
        poller = self.reader.poller
        granted = self.granted
        if granted is None:
            return
        if not poller.active or self.batch is None:
            self.granted = None
            poller.service.release(granted)
            return
        self.reader.poll()

    def _invoke(self, batch: Batch, now: int, function: Function) -> None:
        reader = self.reader
        poller = reader.poller
        events = batch.events
        if events is None:
            events = list(map(poller.build_event, batch.records))
        batch.events = None
        event: dict[str, Any] = {"Records": events}
        window = batch.window
        if window is not None:
            event.update(
                window.event_fields(
                    reader.shard.shard_id,
                    poller.stream_arn,
                    final=batch.final,
                    early=batch.early,
                )
            )
        batch.attempts += 1
        metrics = poller.metrics
        metrics.invoked += len(events)
        metrics.invocations += 1
        self.busy = True
        try:
            result = function.invoke(event)
        except BaseException:
            self.busy = False
            poller.service.release(function)
            raise
        poller.clock.call_at(result.end_ms, lambda: self._complete(batch, result, function))

    def _complete(self, batch: Batch, result: InvocationResult, function: Function) -> None:
        """Apply an invocation's result when its virtual duration is over (spec D.5, D.6)."""
        reader = self.reader
        poller = reader.poller
        mapping = poller.mapping
        poller.service.release(function)
        self.busy = False
        now = poller.clock.now_ms
        self.last_done_ms = now
        if poller.detached:
            return
        cfg = mapping.config
        metrics = poller.metrics
        records = batch.records
        batch.last_request_id = result.request_id
        verdict: int | None = None  # None: success; index: partial failure; -1: full failure
        error: str | None = None
        outcome = SUCCESS
        state: dict[str, Any] | None = None
        if not result.ok:
            verdict = _FULL_FAILURE
            outcome = TIMEOUT if result.timed_out else FUNCTION_ERROR
            error = f"{result.error_type}: {result.error_message}"
        else:
            if batch.window is not None:
                has_state, state = response_state(result.response)
                if not has_state and not batch.final:
                    verdict = _FULL_FAILURE
                    outcome = FUNCTION_ERROR
                    error = "the response of a tumbling-window invocation must hold 'state'"
            if verdict is None and cfg.report_batch_item_failures and records:
                verdict = poller.item_failures(result.response, records)
                if verdict == _FULL_FAILURE:
                    outcome = FUNCTION_ERROR
                    error = "ReportBatchItemFailures response failed the whole batch"
                elif verdict is not None:
                    outcome = PARTIAL_FAILURE
        batch.last_error = not result.ok
        first = str(records[0][SEQ]) if records else None
        last = str(records[-1][SEQ]) if records else None
        metrics.invocation_log.append(
            Invocation(
                start_ms=result.start_ms,
                end_ms=now,
                shard_id=reader.shard.shard_id,
                first_sequence_number=first,
                last_sequence_number=last,
                batch_size=len(records),
                attempt=batch.retries + 1,
                outcome=outcome,
                error=error,
                request_id=result.request_id,
                slot=self.index,
                window_start_ms=batch.window.start_ms if batch.window is not None else None,
                final_for_window=batch.final,
            )
        )
        if records:
            metrics.iterator_ages.append(
                IteratorAge(now, now - records[-1][CREATED], reader.shard.shard_id)
            )
        self.batch = None
        if verdict is None:
            mapping.last_processing_result = "OK"
            self._window_success(batch, state)
        elif verdict == _FULL_FAILURE:
            mapping.last_processing_result = "PROBLEM: Function call failed"
            metrics.failed_invoke += len(records)
            metrics.errors += 1
            if cfg.bisect_batch_on_function_error and len(records) > 1:
                # split in halves, not counted as a retry (spec D.5)
                half = len(records) // 2
                self.stack.append(batch.split(records[half:]))
                self.stack.append(batch.split(records[:half]))
            else:
                self._retry(batch, now)
        else:
            mapping.last_processing_result = "OK"
            metrics.failed_invoke += len(records) - verdict
            self._window_success(batch, state)
            remainder = batch.split(records[verdict:])
            self._retry(remainder, now)
        reader.poll()

    def _window_success(self, batch: Batch, state: dict[str, Any] | None) -> None:
        window = batch.window
        if window is None or window is not self.window:
            return
        if batch.final:
            if batch.early:
                window.state = {}
                window.terminate_early = False
                window.has_records = False
            else:
                self.window = None  # checkpointed, state dropped (spec D.9)
            return
        window.has_records = True
        if state is not None:
            window.state = state
            if window.state_bytes() > MAX_STATE_BYTES:
                window.terminate_early = True

    def _retry(self, batch: Batch, now: int) -> None:
        """Retry a failed batch after the back-off, or discard it (spec D.5)."""
        poller = self.reader.poller
        cfg = poller.mapping.config
        limit = cfg.maximum_retry_attempts
        if limit >= 0 and batch.retries >= limit:
            self._discard(batch, RETRY_ATTEMPTS_EXHAUSTED, invoked=True)
            return
        batch.retries += 1
        self.batch = batch
        delay = poller.service.settings.retry_delay_ms(batch.retries)
        self.retry_timer = poller.clock.call_at(now + delay, self._retry_due)

    def _retry_due(self) -> None:
        self.retry_timer = None
        self.reader.poll()

    # --- giving up (spec D.7) -------------------------------------------------------------------

    def _discard(self, batch: Batch, condition: str, *, invoked: bool) -> None:
        """Drop a batch's records and send an on-failure record to the destination."""
        records = batch.records
        if batch.window is not None and batch.final:
            self.window = None  # the final invocation of a window was given up
        if not records:
            return
        reader = self.reader
        poller = reader.poller
        mapping = poller.mapping
        service = poller.service
        metrics = poller.metrics
        now = poller.clock.now_ms
        metrics.dropped += len(records)
        if condition == RECORD_AGE_EXCEEDED:
            condition = service.settings.record_age_condition
        first = str(records[0][SEQ])
        last = str(records[-1][SEQ])
        destination_arn = mapping.config.on_failure_destination
        delivered: str | None = None
        if destination_arn is not None:
            destination = service.destination(destination_arn)
            include_response = invoked or service.settings.response_context_when_not_invoked
            record = on_failure_record(
                request_id=batch.last_request_id or service.new_uuid(),
                function_arn=mapping.function.arn,
                condition=condition,
                invoke_count=batch.attempts,
                function_error="Unhandled" if invoked and batch.last_error else None,
                include_response_context=include_response,
                now_ms=now,
                shard_id=reader.shard.shard_id,
                start_sequence_number=first,
                end_sequence_number=last,
                first_arrival_ms=records[0][CREATED],
                last_arrival_ms=records[-1][CREATED],
                batch_size=len(records),
                stream_arn=poller.stream_arn,
            )
            if destination is None:
                metrics.destination_delivery_failures += 1
            else:
                payload = None
                if destination.kind == "s3":
                    payload = {"Records": list(map(poller.build_event, records))}
                key = s3_object_key(mapping.uuid, reader.shard.shard_id, now, service.new_uuid())
                destination.deliver(record, payload, key)
                metrics.on_failure_delivered += len(records)
                delivered = destination_arn
        metrics.discards.append(
            Discard(
                at_ms=now,
                shard_id=reader.shard.shard_id,
                first_sequence_number=first,
                last_sequence_number=last,
                batch_size=len(records),
                condition=condition,
                invoke_count=batch.attempts,
                delivered_to=delivered,
            )
        )

    def __repr__(self) -> str:
        state = "busy" if self.busy else "waiting" if self.waiting else "free"
        return f"<Slot {self.reader.shard.shard_id}#{self.index} {state} batch={self.batch!r}>"


class ShardReader:
    """Reads one shard for one mapping, from ``pos`` (an absolute record index).

    ``started`` turns True when the parent shard's reader finished (or there is none);
    ``done`` when the shard is closed and every record of it was processed or given up.
    """

    __slots__ = (
        "children",
        "done",
        "parent",
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
        self, poller: MappingPoller, shard: Shard, pos: int, parent: ShardReader | None
    ) -> None:
        self.poller = poller
        self.shard = shard
        self.pos = pos
        self.parent = parent
        self.children: list[ShardReader] = []
        self.started = parent is None
        self.done = False
        self.timer: Timer | None = None
        self.wake_on_append = True
        factor = poller.mapping.config.parallelization_factor
        self.slot_count = factor
        self.slots = [Slot(self, i) for i in range(factor)]
        if parent is not None:
            parent.children.append(self)

    # --- scheduling -----------------------------------------------------------------------------

    def wake(self) -> None:
        """Poll at the next poll tick (once, however many times this is called before it)."""
        self.wake_on_append = False
        if self.timer is None:
            poller = self.poller
            self.timer = poller.clock.call_at(poller.next_tick(), self.poll)

    def unread(self) -> int:
        """Records of the shard not read yet (trimmed ones included)."""
        return self.shard.end_position - self.pos

    # --- the poll -------------------------------------------------------------------------------

    def poll(self) -> None:
        """Read what the shard has, let every slot make progress, then sleep or finish."""
        timer = self.timer
        if timer is not None:
            timer.cancel()
            self.timer = None
        poller = self.poller
        if not poller.active or not self.started or self.done:
            return
        now = poller.clock.now_ms
        shard = self.shard
        first_readable = shard.first_position
        if self.pos < first_readable:
            # trimmed before this mapping read them: lost (spec D.5, D.12)
            poller.metrics.trimmed_unread += first_readable - self.pos
            self.pos = first_readable
        if self.slot_count != poller.mapping.config.parallelization_factor:
            self._reslot()
        if self.slot_count > 1:
            self._route()
        closed = not shard.is_open
        drained = self.unread() == 0
        wants_appends = False
        all_idle = True
        for slot in self.slots:
            status = slot.step(now, closed and drained and not slot.queue)
            if status != BUSY:
                wants_appends = True
            if status != IDLE:
                all_idle = False
        if all_idle and self.unread() == 0 and all(not s.queue for s in self.slots):
            if closed and all(s.quiescent for s in self.slots):
                self._finish()
                return
            wants_appends = True
        self.wake_on_append = wants_appends

    def _route(self) -> None:
        """Hand unread records to the slots by partition-key hash (spec D.4)."""
        unread = self.shard.read(self.pos)
        if not unread:
            return
        count = self.slot_count
        route = self.poller.route_hash
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
        pending = sorted((r for s in slots for r in s.queue), key=itemgetter(SEQ))
        for slot in slots:
            slot.cancel_timers()
        factor = self.poller.mapping.config.parallelization_factor
        self.slot_count = factor
        self.slots = [Slot(self, i) for i in range(factor)]
        if not pending:
            return
        if factor == 1:
            self.slots[0].queue.extend(pending)
            return
        route = self.poller.route_hash
        for record in pending:
            self.slots[route(record) % factor].queue.append(record)

    def _finish(self) -> None:
        """Every record of this closed shard is done: start the children (spec D.4)."""
        self.done = True
        self.wake_on_append = False
        poller = self.poller
        poller.readers.pop(self.shard, None)
        for child in self.children:
            child.started = True
            child.wake()

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


class MappingPoller:
    """Everything one event source mapping does with its stream.

    Created by the mapping; :meth:`attach` starts following the stream (readers per the
    starting position, callbacks for appends and new shards), :meth:`set_active` pauses and
    resumes, :meth:`detach` stops for good.
    """

    def __init__(self, mapping: EventSourceMapping) -> None:
        self.mapping = mapping
        service = mapping.service
        self.service = service
        self.clock = service.clock
        stream = mapping.stream
        self.stream = stream
        self.stream_arn = stream.arn
        self.hash_type = stream.key_types[0]
        self.range_type = (
            stream.key_types[1]
            if service.settings.order_by_full_key and len(stream.key_types) > 1
            else None
        )
        self.retention_ms = stream.settings.retention_ms
        self.metrics = mapping.metrics
        self.build_event = event_record_builder(stream)
        settings = service.settings
        self.interval_ms = settings.poll_interval_ms
        self.max_payload = settings.max_payload_bytes
        self.record_overhead = 1_024 + 2 * len(stream.arn)
        self.anchor_ms = self.clock.now_ms
        self.readers: dict[Shard, ShardReader] = {}
        self.active = False
        self.attached = False
        self.detached = False

    # --- lifecycle ------------------------------------------------------------------------------

    def attach(self) -> None:
        """Start following the stream from the mapping's StartingPosition (spec D.12)."""
        if self.attached:
            return
        self.attached = True
        stream = self.stream
        stream.on_append.append(self._on_append)
        stream.on_new_shard.append(self._on_new_shard)
        if self.mapping.config.starting_position == "LATEST":
            for shard in stream.open_shards:
                self.readers[shard] = ShardReader(self, shard, shard.end_position, None)
        else:
            for shard in stream.lineage_order():
                parent = self.readers.get(shard.parent) if shard.parent is not None else None
                self.readers[shard] = ShardReader(self, shard, shard.first_position, parent)

    def set_active(self, active: bool) -> None:
        """Pause (in-flight invocations finish) or resume from where processing stopped."""
        if active == self.active:
            return
        self.active = active
        if active:
            self.anchor_ms = self.clock.now_ms
            for reader in list(self.readers.values()):
                reader.wake()
            return
        for reader in self.readers.values():
            for slot in reader.slots:
                if slot.waiting:
                    slot.stop_waiting()

    def detach(self) -> None:
        """Stop for good: no more polls, callbacks removed, in-flight results ignored."""
        self.set_active(False)
        self.detached = True
        stream = self.stream
        if self._on_append in stream.on_append:
            stream.on_append.remove(self._on_append)
        if self._on_new_shard in stream.on_new_shard:
            stream.on_new_shard.remove(self._on_new_shard)
        for reader in self.readers.values():
            reader.cancel()

    def function_changed(self) -> None:
        """The mapping now invokes another function: throttled slots try the new one."""
        for reader in self.readers.values():
            for slot in reader.slots:
                if slot.waiting:
                    slot.stop_waiting()
                    reader.wake()

    # --- stream callbacks -----------------------------------------------------------------------

    def _on_append(self, shard: Shard) -> None:
        reader = self.readers.get(shard)
        if reader is not None and reader.wake_on_append:
            reader.wake()

    def _on_new_shard(self, shard: Shard) -> None:
        parent = self.readers.get(shard.parent) if shard.parent is not None else None
        reader = ShardReader(self, shard, shard.first_position, parent)
        self.readers[shard] = reader
        if parent is not None:
            parent.wake()  # it may be finished now that its shard closed

    # --- helpers --------------------------------------------------------------------------------

    def next_tick(self) -> int:
        """The next poll tick at or after now (ticks are ``anchor + k * poll_interval_ms``)."""
        now = self.clock.now_ms
        return now + (self.anchor_ms - now) % self.interval_ms

    def route_hash(self, record: RawRecord) -> int:
        """The hash that picks a record's slot: of its partition key (or its full key).

        AWS keeps records of one partition key in order with ParallelizationFactor > 1
        (spec D.4); whether it groups by partition key or full primary key is UNCONFIRMED
        (F.9): ``LambdaSettings.order_by_full_key``.
        """
        h = partition_hash(self.hash_type, record[HASH])
        if self.range_type is not None:
            h = h * 1_000_003 + partition_hash(self.range_type, record[RANGE])
        return h

    def bound_of(self, record: RawRecord) -> int:
        """Upper bound of a record's bytes in the event (see :data:`._events.PAYLOAD_FACTOR`)."""
        return PAYLOAD_FACTOR * record[SIZE] + self.record_overhead

    def item_failures(self, response: Any, records: list[RawRecord]) -> int | None:
        """Read a ReportBatchItemFailures response (spec D.6).

        Returns:
            None for full success (no failures listed: an empty or null list, an empty or
            null response); the index in ``records`` of the lowest reported sequence number
            (that record and all after it are retried); or ``-1`` for a full failure (an empty
            or null ``itemIdentifier``, an entry without ``itemIdentifier``, a malformed
            list, or, by default, an identifier not in the batch: UNCONFIRMED, see
            ``LambdaSettings.unknown_item_identifier_fails``).
        """
        if not isinstance(response, dict):
            return None
        failures = response.get("batchItemFailures")
        if failures is None or failures == []:
            return None
        if not isinstance(failures, list):
            return _FULL_FAILURE
        index: dict[str, int] | None = None
        lowest: int | None = None
        for entry in failures:
            if not isinstance(entry, dict) or "itemIdentifier" not in entry:
                return _FULL_FAILURE
            ident = entry["itemIdentifier"]
            if not isinstance(ident, str) or not ident:
                return _FULL_FAILURE
            if index is None:
                index = {str(r[SEQ]): i for i, r in enumerate(records)}
            position = index.get(ident)
            if position is None:
                if self.service.settings.unknown_item_identifier_fails:
                    return _FULL_FAILURE
                continue
            if lowest is None or position < lowest:
                lowest = position
        return lowest

    def _check(self) -> None:
        """Assert the poller's invariants."""
        for shard, reader in self.readers.items():
            assert reader.shard is shard
            assert not reader.done
            assert reader.pos <= shard.end_position
            if reader.parent is not None and not reader.parent.done:
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
                if slot.waiting:
                    assert slot.batch is not None
                    assert slot.waiting_on is not None
                    assert slot in slot.waiting_on.waiters
                sns = [r[SEQ] for r in slot.queue]
                assert sns == sorted(sns)
