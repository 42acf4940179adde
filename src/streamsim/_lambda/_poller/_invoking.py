"""Invoking: concurrency, retries, bisection, partial batch responses, tumbling-window state.

A slot invokes its function with one batch at a time.  It takes an instance from the
account's :class:`~streamsim._lambda._concurrency.ConcurrencyPool` (or waits in its queue
when throttled), applies the result when the invocation's virtual duration is over, and
then commits the batch, retries it after a back-off, bisects it, retries the part a
ReportBatchItemFailures response names, or gives it up (:mod:`._discarding`).

AWS behaviour: rule D.4 (throttles), D.5 (retries, bisection, record age), D.6
(ReportBatchItemFailures), D.9 (tumbling-window state).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from streamsim._lambda._functions import Function, InvocationResult
from streamsim._lambda._metrics import (
    CHECKPOINT,
    FUNCTION_ERROR,
    PARTIAL_FAILURE,
    RECORD_AGE_EXCEEDED,
    RETRY,
    RETRY_ATTEMPTS_EXHAUSTED,
    SUCCESS,
    THROTTLED,
    TIMEOUT,
)
from streamsim._lambda._source import SourceRecord
from streamsim._lambda._windows import MAX_STATE_BYTES, response_state

from ._batch import Batch
from ._discarding import Discarding

#: ReportBatchItemFailures verdict for a response that fails the whole batch
FULL_FAILURE = -1


def item_failures(
    response: Any,
    records: list[SourceRecord],
    sequence_number: Callable[[SourceRecord], int],
    *,
    unknown_fails: bool,
) -> int | None:
    """Read a ReportBatchItemFailures response (rule D.6).

    Args:
        response: the handler's response.
        records: the batch's records, in order.
        sequence_number: the source's ``sequence_number(record)``.
        unknown_fails: an identifier not in the batch fails the whole batch (UNCONFIRMED,
            ``LambdaSettings.unknown_item_identifier_fails``); False ignores it.

    Returns:
        None for full success (no failures listed: an empty or null list, an empty or null
        response); the index of the lowest reported sequence number (that record and all
        after it are retried); or ``-1`` for a full failure (an empty, null or non-string
        ``itemIdentifier``, an entry without ``itemIdentifier`` or with other members, a
        malformed list, or an unknown identifier when ``unknown_fails``).

    >>> item_failures({"batchItemFailures": [{"itemIdentifier": "7"}]}, [5, 7, 9], int,
    ...               unknown_fails=True)
    1
    """
    if not isinstance(response, dict):
        return None
    failures = response.get("batchItemFailures")
    if failures is None or failures == []:
        return None
    if not isinstance(failures, list):
        return FULL_FAILURE
    index: dict[str, int] | None = None
    lowest: int | None = None
    for entry in failures:
        if not isinstance(entry, dict) or "itemIdentifier" not in entry or len(entry) != 1:
            return FULL_FAILURE  # no identifier, or members besides it (rule D.6)
        ident = entry["itemIdentifier"]
        if not isinstance(ident, str) or not ident:
            return FULL_FAILURE
        if index is None:
            index = {str(sequence_number(r)): i for i, r in enumerate(records)}
        position = index.get(ident)
        if position is None:
            if unknown_fails:
                return FULL_FAILURE
            continue
        if lowest is None or position < lowest:
            lowest = position
    return lowest


class Invoking(Discarding):
    """The part of a slot that invokes the function and applies the result (rule D.4-D.6)."""

    __slots__ = ()

    def _attempt(self, now: int) -> None:
        """Invoke the function with ``batch``, unless its records are too old or it is throttled."""
        batch = self.batch
        assert batch is not None
        poller = self.reader.poller
        cfg = poller.mapping.config
        concurrency = poller.concurrency
        if batch.records:
            oldest = poller.created_ms(batch.records[0])
            too_old = oldest < now - poller.retention_ms or (
                cfg.maximum_record_age_s >= 0 and now - oldest > cfg.maximum_record_age_s * 1000
            )
            if too_old:
                self.batch = None
                if self.granted is not None:
                    concurrency.release(self.granted)
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
            concurrency.release(granted)  # the mapping moved to another function
        if not concurrency.acquire(function):
            # throttled: wait for a free instance; no retry attempt is used (rule D.4)
            function.note_throttle()
            poller.metrics.throttles += 1
            poller.metrics.history.append((now, THROTTLED, self.reader.shard.shard_id, None, None))
            self.waiting = True
            concurrency.wait(function, self)
            if batch.records:
                # throttles are retried until the records are too old (rule D.4)
                limit = poller.retention_ms
                if cfg.maximum_record_age_s >= 0:
                    limit = min(limit, cfg.maximum_record_age_s * 1000)
                deadline = poller.created_ms(batch.records[0]) + limit + 1
                self.age_timer = poller.clock.call_at(deadline, self._age_due)
            return
        self._invoke(batch, now, function)

    def stop_waiting(self) -> None:
        """Leave the concurrency pool's queue of throttled slots (if in it)."""
        if self.waiting:
            self.reader.poller.concurrency.cancel(self)
        self.waiting = False
        if self.age_timer is not None:
            self.age_timer.cancel()
            self.age_timer = None

    def _age_due(self) -> None:
        self.age_timer = None
        if self.waiting:
            self.stop_waiting()
            self.reader.poll()

    def on_grant(self, function: Function) -> None:
        """An instance of ``function`` was reserved for this waiting slot: use it at once."""
        self.waiting = False
        if self.age_timer is not None:
            self.age_timer.cancel()
            self.age_timer = None
        self.granted = function
        clock = self.reader.poller.clock
        clock.call_at(clock.now_ms, self._grant_due)

    def _grant_due(self) -> None:
        poller = self.reader.poller
        granted = self.granted
        if granted is None:
            return
        if not poller.active or self.batch is None:
            self.granted = None
            poller.concurrency.release(granted)
            return
        self.reader.poll()

    def _invoke(self, batch: Batch, now: int, function: Function) -> None:
        """Invoke ``function`` with ``batch`` (an instance is held) and schedule the result.

        The handler's own failures come back as a failed result (:meth:`Function.invoke`).
        A ``BaseException`` that interrupted the handler (``KeyboardInterrupt``,
        ``SystemExit``) is re-raised once the failed result is scheduled, so the next
        ``advance()`` applies it and the batch is retried like any failed invocation.
        """
        reader = self.reader
        poller = reader.poller
        try:
            events = batch.rendered(reader.build_events)  # now: the fast path and retries
            batch.events = None
            event: dict[str, Any] = {"Records": events}
            window = batch.window
            if window is not None:
                event.update(
                    window.event_fields(
                        reader.shard.shard_id,
                        poller.source_arn,
                        final=batch.final,
                        early=batch.early,
                    )
                )
        except BaseException:
            poller.concurrency.release(function)
            raise
        batch.attempts += 1
        metrics = poller.metrics
        metrics.invoked += len(events)
        metrics.invocations += 1
        self.busy = True
        try:
            result = function.invoke(event)
        except BaseException:  # not the handler's doing: a bug of the simulator
            self.busy = False
            poller.concurrency.release(function)
            raise
        poller.clock.call_at(result.end_ms, lambda: self._complete(batch, result, function))
        if result.escaped is not None:
            raise result.escaped

    def _verdict(
        self, batch: Batch, result: InvocationResult
    ) -> tuple[int | None, str, str | None, dict[str, Any] | None]:
        """Judge a result: ``(verdict, outcome, error, window state)`` (rule D.5, D.6, D.9).

        The verdict is None for success, an index into the records for a partial failure
        (that record and the later ones are retried), or :data:`FULL_FAILURE`.
        """
        poller = self.reader.poller
        records = batch.records
        if not result.ok:
            outcome = TIMEOUT if result.timed_out else FUNCTION_ERROR
            return FULL_FAILURE, outcome, f"{result.error_type}: {result.error_message}", None
        state: dict[str, Any] | None = None
        if batch.window is not None:
            has_state, state = response_state(result.response)
            if not has_state and not batch.final:
                error = "the response of a tumbling-window invocation must hold 'state'"
                return FULL_FAILURE, FUNCTION_ERROR, error, state
        if poller.mapping.config.report_batch_item_failures and records:
            verdict = item_failures(
                result.response,
                records,
                poller.sequence_number,
                unknown_fails=poller.settings.unknown_item_identifier_fails,
            )
            if verdict == FULL_FAILURE:
                error = "ReportBatchItemFailures response failed the whole batch"
                return FULL_FAILURE, FUNCTION_ERROR, error, state
            if verdict is not None:
                return verdict, PARTIAL_FAILURE, None, state
        return None, SUCCESS, None, state

    def _complete(self, batch: Batch, result: InvocationResult, function: Function) -> None:
        """Apply an invocation's result when its virtual duration is over (rule D.5, D.6).

        A bug while applying it is raised as :class:`~streamsim.SimulationError` from the bug,
        with the slot woken at once, so the mapping says what happened and carries on.
        """
        try:
            self._apply(batch, result, function)
        except BaseException as exc:
            poller = self.reader.poller
            if self.wake_timer is None:
                self._wake_at(poller.clock.now_ms)
            if not isinstance(exc, Exception) or exc is poller.reported:
                raise
            raise poller.internal_error(exc, self.reader.shard.shard_id) from exc

    def _apply(self, batch: Batch, result: InvocationResult, function: Function) -> None:
        reader = self.reader
        poller = reader.poller
        mapping = poller.mapping
        poller.concurrency.release(function)
        self.busy = False
        now = poller.clock.now_ms
        self.last_done_ms = now
        if poller.detached:
            return
        cfg = mapping.config
        metrics = poller.metrics
        records = batch.records
        request_id = result.request_id
        batch.last_request_id = request_id
        window = batch.window
        failed = result.error_type is not None  # not result.ok
        if failed or window is not None or cfg.report_batch_item_failures:
            verdict, outcome, error, state = self._verdict(batch, result)
        else:  # the common case: a plain success
            verdict, outcome, error, state = None, SUCCESS, None, None
        batch.last_error = failed
        shard_id = reader.shard.shard_id
        sequence_number = poller.sequence_number
        first = str(sequence_number(records[0])) if records else None
        last = str(sequence_number(records[-1])) if records else None
        # plain tuples, the fields in order: read as Invocation and IteratorAge (EntryLog),
        # kept untracked by the cyclic garbage collector
        metrics.invocation_log.rows.append(
            (
                result.start_ms,  # start_ms
                now,  # end_ms
                shard_id,
                first,  # first_sequence_number
                last,  # last_sequence_number
                len(records),  # batch_size
                batch.retries + 1,  # attempt
                outcome,
                error,
                request_id,
                self.index,  # slot
                None if window is None else window.start_ms,  # window_start_ms
                batch.final,  # final_for_window
            )
        )
        if records:
            age = now - poller.created_ms(records[-1])
            metrics.iterator_ages.rows.append((now, age, shard_id))
        self.batch = None
        if verdict is None:
            mapping.last_processing_result = "OK"
            if last is not None:
                metrics.history.append((now, CHECKPOINT, shard_id, last, None))
            if window is not None:
                self._window_success(batch, state)
        elif verdict == FULL_FAILURE:
            mapping.last_processing_result = "PROBLEM: Function call failed"
            metrics.failed_invoke += len(records)
            metrics.errors += 1
            if cfg.bisect_batch_on_function_error and len(records) > 1:
                # split in halves, not counted as a retry (rule D.5)
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
            if verdict:
                # the checkpoint moved: the rest is a new batch, with its own invoke count and
                # retries (rule D.6: its first invocation is not a retry)
                remainder.attempts = 0
                remainder.retries = -1
            self._retry(remainder, now)
        reader.resume()

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
                self.window = None  # checkpointed, state dropped (rule D.9)
            return
        window.has_records = True
        if state is not None:
            window.state = state
            if window.state_bytes() > MAX_STATE_BYTES:
                window.terminate_early = True

    def _retry(self, batch: Batch, now: int) -> None:
        """Retry a failed batch after the back-off, or discard it (rule D.5)."""
        poller = self.reader.poller
        limit = poller.mapping.config.maximum_retry_attempts
        if limit >= 0 and batch.retries >= limit:
            self._discard(batch, RETRY_ATTEMPTS_EXHAUSTED, invoked=True)
            return
        batch.retries += 1
        self.batch = batch
        delay = poller.settings.retry_delay_ms(max(batch.retries, 1))
        first = str(poller.sequence_number(batch.records[0])) if batch.records else None
        poller.metrics.history.append(
            (
                now,
                RETRY,
                self.reader.shard.shard_id,
                first,
                f"retry {batch.retries} after {delay} ms",
            )
        )
        self.retry_timer = poller.clock.call_at(now + delay, self._retry_due)

    def _retry_due(self) -> None:
        self.retry_timer = None
        self.reader.poll()
