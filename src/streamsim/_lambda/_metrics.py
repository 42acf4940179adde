"""What users look at after a run: the invocation log and the metrics of a mapping.

Every event source mapping keeps an append-only history of plain data (as Elle records a
history and checks it afterwards): one :class:`Invocation` per function invocation, one
:class:`Discard` per batch it gave up on, one :class:`IteratorAge` sample per invocation, and
running counters (:class:`MappingMetrics`).  :meth:`MappingMetrics.snapshot` returns an
immutable copy of the counters.

AWS behaviour: rule D.11.  ``IteratorAge`` is the age of the last record of a batch when
processing finished; the event counts are those of the opt-in ``EventCount`` metrics
(``PolledEventCount``, ``FilteredOutEventCount``, ``InvokedEventCount``,
``FailedInvokeEventCount``, ``DroppedEventCount``,
``OnFailureDestinationDeliveredEventCount``; names from third-party code, UNCONFIRMED).

Differs from AWS: nothing is aggregated per minute as CloudWatch does; every sample is kept.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, NamedTuple, TypeVar, overload

import attrs

from streamsim._clock import ms_to_datetime
from streamsim._reprs import call_repr, entry_repr

#: Outcomes of one invocation, as :attr:`Invocation.outcome` names them.
SUCCESS = "success"
PARTIAL_FAILURE = "partial_failure"
FUNCTION_ERROR = "function_error"
TIMEOUT = "timeout"

#: Discard conditions (rule D.7).
RETRY_ATTEMPTS_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


class Invocation(NamedTuple):
    """One invocation of the function by a mapping (immutable).

    A named tuple, made when the log is read: the poller keeps each entry as a plain tuple
    of these fields in order (:class:`EntryLog`).

    Attributes:
        start_ms / end_ms: virtual times the invocation started and its result was applied.
        shard_id: the shard the batch came from.
        first_sequence_number / last_sequence_number: of the batch (None for the final
            invocation of a tumbling window, which carries no records).
        batch_size: records in the event.
        attempt: 1 for the first invocation of these records, 2 for the first retry, ...
            (bisected halves and partial-failure remainders keep counting).
        outcome: ``"success"``, ``"partial_failure"`` (ReportBatchItemFailures listed
            records), ``"function_error"`` (the handler raised, returned something unusable
            or a tumbling-window response without ``state``) or ``"timeout"``.
        error: the error type and message for failures, else None.
        request_id: the invocation's ``aws_request_id``.
        slot: the shard slot (0 unless ParallelizationFactor > 1).
        window_start_ms: start of the tumbling window the batch belongs to, else None.
        final_for_window: True for the final invocation of a tumbling window.
    """

    start_ms: int
    end_ms: int
    shard_id: str
    first_sequence_number: str | None
    last_sequence_number: str | None
    batch_size: int
    attempt: int
    outcome: str
    error: str | None
    request_id: str
    slot: int = 0
    window_start_ms: int | None = None
    final_for_window: bool = False

    def __repr__(self) -> str:
        return entry_repr(self)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Discard:
    """A batch the mapping gave up on (sent to the OnFailure destination if there is one).

    Attributes:
        at_ms: when it was discarded.
        shard_id, first_sequence_number, last_sequence_number, batch_size: the records.
        condition: ``"RetryAttemptsExhausted"`` or ``"RecordAgeExceeded"`` (rule D.7).
        invoke_count: how many times these records were sent to the function.
        delivered_to: ARN of the destination the on-failure record went to, or None.
    """

    at_ms: int
    shard_id: str
    first_sequence_number: str
    last_sequence_number: str
    batch_size: int
    condition: str
    invoke_count: int
    delivered_to: str | None

    def __repr__(self) -> str:
        return entry_repr(self)


class IteratorAge(NamedTuple):
    """One ``IteratorAge`` sample: at ``at_ms`` the last record of a batch was ``age_ms`` old.

    A named tuple (immutable), made when read from its :class:`EntryLog`."""

    at_ms: int
    age_ms: int
    shard_id: str

    def __repr__(self) -> str:
        return entry_repr(self)


E = TypeVar("E", Invocation, IteratorAge)


class EntryLog(Sequence[E], Generic[E]):
    """A log of one named-tuple kind, kept as plain tuples and read as that kind.

    The poller appends one entry per invocation to :attr:`rows` as a plain tuple of the
    fields in order.  A plain tuple of numbers, strings and None is untracked by the cyclic
    garbage collector at its first young collection; a named tuple (a tuple subclass) never is.
    Kept as named tuples, the 10,000 newest entries of every mapping were promoted to the
    oldest generation one by one and set off a full collection, a walk of every container the
    simulation holds, every few thousand invocations (5% of the lab scenario's time).  Read,
    an entry is a fresh :class:`Invocation` or :class:`IteratorAge`.

    Entries are appended in the order of their field ``at`` (the virtual time they were
    logged at), so :meth:`after` reads the newest from the end and costs what it returns.

    >>> log = EntryLog(IteratorAge, "at_ms", maxlen=2)
    >>> log.rows.extend([(1, 0, "s"), (2, 5, "s"), (3, 9, "s")])
    >>> len(log), log[-1].age_ms, [sample.at_ms for sample in log], log.after(2)
    (2, 9, [2, 3], [IteratorAge(at_ms=3, age_ms=9, shard_id='s')])
    """

    __slots__ = ("_at", "_make", "rows")

    def __init__(self, kind: type[E], at: str, maxlen: int | None = None) -> None:
        self._make: Callable[[Iterable[Any]], E] = kind._make
        self._at = kind._fields.index(at)
        #: the entries as plain tuples, oldest first (a ``deque`` bounded by ``maxlen``)
        self.rows: deque[tuple[Any, ...]] = deque(maxlen=maxlen)

    def after(self, ms: int) -> list[E]:
        """The entries logged after virtual time ``ms`` (their ``at`` field), oldest first."""
        at = self._at
        fresh: list[tuple[Any, ...]] = []
        for row in reversed(self.rows):
            if row[at] <= ms:
                break
            fresh.append(row)
        make = self._make
        return [make(row) for row in reversed(fresh)]

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> E: ...

    @overload
    def __getitem__(self, index: slice) -> list[E]: ...

    def __getitem__(self, index: int | slice) -> E | list[E]:
        if isinstance(index, slice):
            return [self._make(row) for row in list(self.rows)[index]]
        return self._make(self.rows[index])

    def __iter__(self) -> Iterator[E]:
        return map(self._make, self.rows)

    def __reversed__(self) -> Iterator[E]:
        return map(self._make, reversed(self.rows))

    def __repr__(self) -> str:
        return f"<EntryLog of {len(self.rows)}>"


@attrs.frozen(kw_only=True, repr=False)
class MetricsSnapshot:
    """An immutable copy of a mapping's counters (see :class:`MappingMetrics`)."""

    def __repr__(self) -> str:
        parts = [f"{name}={value}" for name, value in attrs.asdict(self).items()]
        return call_repr("MetricsSnapshot", parts)

    polled: int
    filtered_out: int
    invoked: int
    failed_invoke: int
    dropped: int
    on_failure_delivered: int
    destination_delivery_failures: int
    trimmed_unread: int
    throttles: int
    invocations: int
    errors: int
    internal_errors: int = 0


#: kinds of :class:`MappingEvent`
THROTTLED = "throttled"
RETRY = "retry"
CHECKPOINT = "checkpoint"
DISCARDED = "discarded"
STATE = "state"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MappingEvent:
    """One entry of a mapping's history: what it did besides invoking (invocations are in
    :attr:`MappingMetrics.invocation_log`).

    Attributes:
        at_ms: virtual time of the event.
        kind: ``throttled`` (no free instance), ``retry`` (a failed batch scheduled again),
            ``checkpoint`` (the mapping moved past ``sequence_number`` on ``shard_id``),
            ``discarded`` (a batch given up, ``detail`` the condition) or ``state`` (the
            mapping's State became ``detail``).
        shard_id: the shard concerned (None for ``state``).
        sequence_number: the checkpoint, or the first record of a retried or discarded batch.
        detail: a short explanation.
    """

    at_ms: int
    kind: str
    shard_id: str | None = None
    sequence_number: str | None = None
    detail: str | None = None

    def __repr__(self) -> str:
        return entry_repr(self)

    @property
    def at(self) -> datetime:
        """The event's instant as a timezone-aware UTC datetime."""
        return ms_to_datetime(self.at_ms)


#: a :class:`MappingEvent` as the metrics keep it: ``(at_ms, kind, shard_id, sequence_number,
#: detail)``
RawEvent = tuple[int, str, str | None, str | None, str | None]


@attrs.define(kw_only=True, repr=False)
class MappingMetrics:
    """Counters and logs of one event source mapping.

    Attributes:
        polled: records read from the stream (``PolledEventCount``).
        filtered_out: records dropped by FilterCriteria (``FilteredOutEventCount``).
        invoked: records sent to the function, retries included (``InvokedEventCount``).
        failed_invoke: records in invocations that failed (``FailedInvokeEventCount``).
        dropped: records discarded after failures or for their age (``DroppedEventCount``).
        on_failure_delivered: records described by on-failure records that reached the
            destination (``OnFailureDestinationDeliveredEventCount``).
        destination_delivery_failures: on-failure records that could not be delivered (the
            destination no longer exists; ``DestinationDeliveryFailures``).
        trimmed_unread: records trimmed from the stream before the mapping read them (lost,
            rule D.5, D.12).
        throttles: attempts refused because the function had no free concurrency.
        invocations / errors: function invocations by this mapping, and those that failed as
            a whole (outcome ``function_error`` or ``timeout``; partial failures are not
            errors).
        internal_errors: bugs of the poller itself, each raised out of ``advance()`` as a
            ``SimulationError`` (not an AWS metric).
        read_throttles: polls of a Kinesis shard put off because the shard's read throughput
            (shared with its other consumers) was spent (rule L.7; not a Lambda metric: Kinesis
            counts them as ``ReadProvisionedThroughputExceeded``).
        invocation_log: every :class:`Invocation`, oldest first (bounded by
            ``LambdaSettings.invocation_log_limit``; an :class:`EntryLog`).
        discards: every :class:`Discard`, oldest first (bounded as the invocation log).
        iterator_ages: one :class:`IteratorAge` per invocation that carried records.
        history: :data:`RawEvent` tuples (:class:`MappingEvent` fields in order; made into
            events when shown, so the poller appends a tuple per invocation, not an object):
            throttles, retries, checkpoints, discards and state changes (bounded by
            ``LambdaSettings.history_limit``).
    """

    polled: int = 0
    filtered_out: int = 0
    invoked: int = 0
    failed_invoke: int = 0
    dropped: int = 0
    on_failure_delivered: int = 0
    destination_delivery_failures: int = 0
    trimmed_unread: int = 0
    throttles: int = 0
    invocations: int = 0
    errors: int = 0
    internal_errors: int = 0
    read_throttles: int = 0
    invocation_log: EntryLog[Invocation] = attrs.field(
        factory=lambda: EntryLog(Invocation, "end_ms")
    )
    discards: deque[Discard] = attrs.field(factory=deque)
    iterator_ages: EntryLog[IteratorAge] = attrs.field(
        factory=lambda: EntryLog(IteratorAge, "at_ms")
    )
    history: deque[RawEvent] = attrs.field(factory=deque)

    @classmethod
    def bounded(cls, limit: int | None, history_limit: int | None = None) -> MappingMetrics:
        """Metrics whose invocation log, iterator-age samples and discards keep at most
        ``limit`` entries and whose history keeps at most ``history_limit``."""
        return cls(
            invocation_log=EntryLog(Invocation, "end_ms", limit),
            discards=deque(maxlen=limit),
            iterator_ages=EntryLog(IteratorAge, "at_ms", limit),
            history=deque(maxlen=history_limit),
        )

    def events(self) -> list[MappingEvent]:
        """The history as :class:`MappingEvent` values, oldest first (a new list)."""
        return [
            MappingEvent(at_ms=a, kind=k, shard_id=s, sequence_number=n, detail=d)
            for a, k, s, n, d in self.history
        ]

    def snapshot(self) -> MetricsSnapshot:
        """The counters now, as an immutable value.

        >>> MappingMetrics().snapshot().polled
        0
        """
        return MetricsSnapshot(
            polled=self.polled,
            filtered_out=self.filtered_out,
            invoked=self.invoked,
            failed_invoke=self.failed_invoke,
            dropped=self.dropped,
            on_failure_delivered=self.on_failure_delivered,
            destination_delivery_failures=self.destination_delivery_failures,
            trimmed_unread=self.trimmed_unread,
            throttles=self.throttles,
            invocations=self.invocations,
            errors=self.errors,
            internal_errors=self.internal_errors,
        )

    def __repr__(self) -> str:
        """The counters a few to a line, and the logs by their lengths (not dumped whole).

        >>> print(repr(MappingMetrics()))
        MappingMetrics(
            polled=0, filtered_out=0, invoked=0, failed_invoke=0, dropped=0,
            on_failure_delivered=0, destination_delivery_failures=0, trimmed_unread=0,
            throttles=0, invocations=0, errors=0, internal_errors=0,
            invocation_log=<0 Invocation>, discards=<0 Discard>, iterator_ages=<0 IteratorAge>,
        )
        """
        counters = [f"{name}={value}" for name, value in attrs.asdict(self.snapshot()).items()]
        logs = (
            f"invocation_log=<{len(self.invocation_log)} Invocation>, "
            f"discards=<{len(self.discards)} Discard>, "
            f"iterator_ages=<{len(self.iterator_ages)} IteratorAge>,"
        )
        return (
            "MappingMetrics(\n"
            f"    {', '.join(counters[:5])},\n"
            f"    {', '.join(counters[5:8])},\n"
            f"    {', '.join(counters[8:])},\n"
            f"    {logs}\n)"
        )

    def as_cloudwatch(self) -> dict[str, Any]:
        """The counters under their CloudWatch metric names (rule D.11)."""
        return {
            "PolledEventCount": self.polled,
            "FilteredOutEventCount": self.filtered_out,
            "InvokedEventCount": self.invoked,
            "FailedInvokeEventCount": self.failed_invoke,
            "DroppedEventCount": self.dropped,
            "OnFailureDestinationDeliveredEventCount": self.on_failure_delivered,
            "DestinationDeliveryFailures": self.destination_delivery_failures,
            "Invocations": self.invocations,
            "Errors": self.errors,
            "Throttles": self.throttles,
            "IteratorAge": [sample.age_ms for sample in self.iterator_ages],
        }
