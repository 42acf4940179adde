"""What the lab observes while it runs: deliveries per function, and each mapping's instances.

* :class:`Deliveries`: every record a function was handed, by the producer's sequence number
  (a byte per record, so a day at 100 records/s costs 8.6 MB), and whether each partition key's
  records came in the order they were produced.
* :class:`MappingWatch`: reads a mapping's invocation log and iterator-age samples as the run
  goes (the logs keep only their newest entries, ``LambdaSettings.invocation_log_limit``), and
  keeps what the lab reports: the most instances that ran at once on one shard, the shards
  read, and the largest iterator age in each window of hours.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from streamsim._faces._lambda_views import EventSourceMapping

#: Iterator ages are reported as the largest in each window of this many hours.
AGE_WINDOW_HOURS = 4
_AGE_WINDOW_MS = AGE_WINDOW_HOURS * 3_600_000


@attrs.frozen(kw_only=True)
class DeliverySummary:
    """What one function received of the produced records.

    Attributes:
        received: records handed to it (a record handed twice counts twice).
        missing: produced records it never received.
        duplicates: produced records it received more than once.
        out_of_order: records that came after a later record of the same partition key.
    """

    received: int
    missing: int
    duplicates: int
    out_of_order: int

    @property
    def exactly_once_in_order(self) -> bool:
        """Every produced record received exactly once, each key's records in order."""
        return not (self.missing or self.duplicates or self.out_of_order)


class Deliveries:
    """The records one function received, by the producer's sequence number (0, 1, 2, ...).

    >>> seen = Deliveries()
    >>> for key, seq in [("a", 0), ("b", 1), ("a", 2), ("a", 2)]:
    ...     seen.record(key, seq)
    >>> seen.summary(produced=4)
    DeliverySummary(received=4, missing=1, duplicates=1, out_of_order=0)
    """

    __slots__ = ("_counts", "_last_by_key", "out_of_order", "received")

    def __init__(self) -> None:
        self._counts = bytearray()
        self._last_by_key: dict[str, int] = {}
        self.out_of_order = 0
        self.received = 0

    def record(self, key: str, seq: int) -> None:
        """Note that record ``seq`` of partition key ``key`` was handed to the function."""
        self.record_all(((key, seq),))

    def record_all(self, deliveries: Iterable[tuple[str, int]]) -> None:
        """Note each ``(partition key, seq)`` handed to the function, in the order handed (one
        call per event: the handlers hand over a whole batch)."""
        counts = self._counts
        last_by_key = self._last_by_key
        last_of = last_by_key.get
        received = late = 0
        for key, seq in deliveries:
            if seq >= len(counts):
                counts.extend(bytes(seq + 1 - len(counts) + 4096))
            if counts[seq] < 255:
                counts[seq] += 1
            received += 1
            last = last_of(key, -1)
            if seq > last:
                last_by_key[key] = seq
            elif seq < last:
                late += 1
        self.received += received
        self.out_of_order += late

    def summary(self, produced: int) -> DeliverySummary:
        """The counts against ``produced`` records (sequence numbers 0 to ``produced - 1``)."""
        counts = self._counts[:produced]
        counts.extend(bytes(produced - len(counts)))
        missing = counts.count(0)
        return DeliverySummary(
            received=self.received,
            missing=missing,
            duplicates=produced - missing - counts.count(1),
            out_of_order=self.out_of_order,
        )


@attrs.frozen(kw_only=True)
class Instances:
    """A mapping's instances as the lab saw them.

    Attributes:
        shards_read: shards it invoked the function for.
        most_per_shard: the most invocations that ran at once for one shard.
        slots: the most shard slots used for one shard (ParallelizationFactor's concurrent
            batches).
        invocations: invocations that finished.
        max_iterator_age_ms: the largest iterator age of a batch.
        age_windows: the largest iterator age in each window of ``AGE_WINDOW_HOURS`` hours,
            ``(window start hour, ms)``, for windows with a batch.
        complete: False when the mapping's logs dropped entries before the lab read them.
    """

    shards_read: int
    most_per_shard: int
    slots: int
    invocations: int
    max_iterator_age_ms: int
    age_windows: tuple[tuple[int, int], ...]
    complete: bool


def most_at_once(spans: Iterable[tuple[int, int]]) -> int:
    """The most half-open ``(start, end)`` spans that overlap at one instant.

    >>> most_at_once([(0, 10), (5, 15), (10, 20)])
    2
    """
    edges = sorted(e for start, end in spans for e in ((start, 1), (end, -1)))
    most = current = 0
    for _, step in edges:  # an end sorts before a start at the same instant
        current += step
        most = max(most, current)
    return most


class MappingWatch:
    """Follows one mapping's logs between calls of :meth:`collect`.

    Args:
        mapping: the mapping to follow.
        start_ms: the run's start (iterator-age windows count from it).
        horizon_ms: the longest an invocation can run (its function's timeout): spans that
            ended longer ago than this cannot overlap one that has not ended yet.
        log_limit: the mapping's log bound (None: unbounded), to tell whether entries were lost.
    """

    def __init__(
        self, mapping: EventSourceMapping, *, start_ms: int, horizon_ms: int, log_limit: int | None
    ) -> None:
        self.mapping = mapping
        self._start_ms = start_ms
        self._horizon_ms = horizon_ms
        self._log_limit = log_limit
        self._seen_ms = start_ms - 1
        self._recent: dict[str, list[tuple[int, int]]] = {}
        self._most_per_shard = 0
        self._slots: dict[str, int] = {}
        self._invocations = 0
        self._ages: dict[int, int] = {}
        self._complete = True

    def collect(self, until_ms: int) -> None:
        """Take the log entries that ended after the previous call, up to ``until_ms``.

        Call it when the simulation is at ``until_ms``: entries are appended in time order when
        an invocation ends, so every entry up to now is in the logs and none is later.
        """
        since = self._seen_ms
        metrics = self.mapping.metrics
        fresh = metrics.invocations_after(since)
        if self._log_limit is not None and len(fresh) >= self._log_limit:
            # every entry kept is new: the log may have dropped older new ones
            self._complete = False
        touched: set[str] = set()
        for entry in fresh:
            shard = entry.shard_id
            self._recent.setdefault(shard, []).append((entry.start_ms, entry.end_ms))
            self._slots[shard] = max(self._slots.get(shard, 0), entry.slot + 1)
            touched.add(shard)
        self._invocations += len(fresh)
        oldest = until_ms - self._horizon_ms
        for shard in sorted(touched):
            spans = self._recent[shard]
            self._most_per_shard = max(self._most_per_shard, most_at_once(spans))
            self._recent[shard] = [span for span in spans if span[1] > oldest]
        for sample in metrics.iterator_ages_after(since):
            window = (sample.at_ms - self._start_ms) // _AGE_WINDOW_MS
            self._ages[window] = max(self._ages.get(window, 0), sample.age_ms)
        self._seen_ms = until_ms

    def instances(self) -> Instances:
        """What was collected so far."""
        return Instances(
            shards_read=len(self._slots),
            most_per_shard=self._most_per_shard,
            slots=max(self._slots.values(), default=0),
            invocations=self._invocations,
            max_iterator_age_ms=max(self._ages.values(), default=0),
            age_windows=tuple(
                (window * AGE_WINDOW_HOURS, age) for window, age in sorted(self._ages.items())
            ),
            complete=self._complete,
        )
