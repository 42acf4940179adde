"""Shards: append-only runs of stream records, linked parent to children.

A shard is open while it takes records and closed once it has an ending sequence number.  It
closes when it has been open for the rotation period, when its partition splits (two children
share it as parent) or when its stream is disabled (no child).  Records older than the retention
period are trimmed: they stop being readable at that instant (the rule is evaluated against
virtual time on every access), and are dropped from memory in amortised steps.

AWS behaviour: spec A.3 (identifier formats), A.5 (listing), A.10 (lifecycle), A.9 (retention).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from operator import itemgetter

from streamsim._clock import Clock

from ._records import CREATED, SEQ, RawRecord, StreamFacts
from ._view import StreamRecord

_SEQ = itemgetter(SEQ)
_CREATED = itemgetter(CREATED)


class Shard:
    """One shard of a stream.

    Attributes:
        shard_id: ``shardId-<20 digits: creation epoch ms>-<8 hex>`` (spec A.3).
        stream: the stream this shard belongs to (known here only by its
            :class:`~._records.StreamFacts`, which its records' views show).
        parent: the shard this one continues, or None for a root.
        children: shards that continue this one (empty while open).
        partition_id: the table partition whose writes this shard took.
        created_ms / closed_ms: virtual times of opening and closing (closed_ms None while open).
        starting_sequence_number / ending_sequence_number: the shard's SequenceNumberRange
            (ending None while open).  Every record's number lies within the range.
    """

    __slots__ = (
        "_base",
        "_clock",
        "_last_sn",
        "_records",
        "_retention_ms",
        "_start",
        "_trimmed_through",
        "children",
        "closed_ms",
        "created_ms",
        "ending_sequence_number",
        "parent",
        "partition_id",
        "shard_id",
        "starting_sequence_number",
        "stream",
    )

    def __init__(
        self,
        stream: StreamFacts,
        shard_id: str,
        partition_id: int,
        created_ms: int,
        starting_sequence_number: int,
        parent: Shard | None,
        *,
        clock: Clock,
        retention_ms: int,
    ) -> None:
        """Open a shard; ``clock`` and ``retention_ms`` (spec A.9) decide what is trimmed."""
        self.stream = stream
        self._clock = clock
        self._retention_ms = retention_ms
        self.shard_id = shard_id
        self.partition_id = partition_id
        self.created_ms = created_ms
        self.starting_sequence_number = starting_sequence_number
        self.ending_sequence_number: int | None = None
        self.closed_ms: int | None = None
        self.parent = parent
        self.children: list[Shard] = []
        self._records: list[RawRecord] = []  # tuples of atomic values (see _records)
        self._start = 0  # index of the first record still held in memory
        self._base = 0  # records dropped from the front of _records: absolute index of [0]
        self._last_sn: int | None = None
        self._trimmed_through = 0  # highest sequence number trimmed away (0: none)
        if parent is not None:
            parent.children.append(self)

    # --- state ----------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True while the shard takes new records."""
        return self.ending_sequence_number is None

    @property
    def records(self) -> list[StreamRecord]:
        """The records still readable (not trimmed), oldest first (a new list of views)."""
        self.trim()
        return [StreamRecord(self, raw) for raw in self._records[self._start :]]

    def __len__(self) -> int:
        self.trim()
        return len(self._records) - self._start

    @property
    def last_sequence_number(self) -> int | None:
        """Sequence number of the newest record ever appended, or None if none was."""
        return self._last_sn

    @property
    def trimmed_through(self) -> int:
        """The highest sequence number trimmed away so far (0 when nothing was trimmed)."""
        self.trim()
        return self._trimmed_through

    def is_expired(self, now_ms: int) -> bool:
        """True once a closed shard has nothing readable left and leaves DescribeStream.

        A closed shard stays listed while any of its records is within retention; a closed
        shard that never held a record stays listed for one retention period after it closed
        (spec A.5, A.10; exact removal time UNCONFIRMED).
        """
        if self.closed_ms is None:
            return False
        horizon = now_ms - self._retention_ms
        if self._last_sn is None:  # never held a record
            return self.closed_ms < horizon
        self.trim()
        return self._start >= len(self._records)

    # --- lineage --------------------------------------------------------------------------------

    def ancestors(self) -> Iterator[Shard]:
        """Parent, grandparent, ... up to the root."""
        shard = self.parent
        while shard is not None:
            yield shard
            shard = shard.parent

    def descendants(self) -> Iterator[Shard]:
        """Children, grandchildren, ... parents before children (breadth first)."""
        queue = list(self.children)
        i = 0
        while i < len(queue):
            shard = queue[i]
            i += 1
            yield shard
            queue.extend(shard.children)

    # --- writing and trimming -------------------------------------------------------------------

    def close(self, ending_sequence_number: int, now_ms: int) -> None:
        """Close the shard at ``ending_sequence_number`` (>= every record in it)."""
        self.ending_sequence_number = ending_sequence_number
        self.closed_ms = now_ms

    def trim(self) -> None:
        """Drop records older than the retention period from the readable range (spec A.9)."""
        recs = self._records
        start = self._start
        if start >= len(recs):
            return
        horizon = self._clock.now_ms - self._retention_ms
        if recs[start][CREATED] >= horizon:
            return
        new_start = bisect_left(recs, horizon, lo=start, key=_CREATED)
        self._trimmed_through = recs[new_start - 1][SEQ]
        if new_start == len(recs):
            self._base += len(recs)
            recs.clear()
            new_start = 0
        elif new_start > 1024 and new_start * 2 > len(recs):
            self._base += new_start
            del recs[:new_start]
            new_start = 0
        self._start = new_start

    def append(self, record: RawRecord) -> None:
        """Add the newest record (its sequence number above every record's before it)."""
        self._records.append(record)
        self._last_sn = record[SEQ]

    # --- reading by position --------------------------------------------------------------------
    #
    # A *position* is a record's absolute index in the shard: the first record ever appended is
    # at 0, and a record keeps its position when older ones are trimmed and dropped.  Readers
    # (the poller, the Streams client) keep positions, never indexes into the held list.

    @property
    def first_position(self) -> int:
        """Position of the oldest readable record (trimmed records are not readable)."""
        self.trim()
        return self._base + self._start

    @property
    def end_position(self) -> int:
        """Position one past the newest record: where the next append goes."""
        return self._base + len(self._records)

    def read(self, position: int, limit: int | None = None) -> list[RawRecord]:
        """The records from ``position`` on (at most ``limit``), oldest first.

        ``position`` must not be below :attr:`first_position` (trimmed records are gone).
        """
        i = position - self._base
        assert i >= self._start, "reading trimmed records"
        recs = self._records
        return recs[i:] if limit is None else recs[i : i + limit]

    def record_at(self, position: int) -> RawRecord | None:
        """The record at ``position``, or None past the newest."""
        i = position - self._base
        recs = self._records
        return recs[i] if i < len(recs) else None

    def position_of_sequence(self, sequence_number: int) -> int:
        """Position of the first readable record numbered >= ``sequence_number``."""
        self.trim()
        i = bisect_left(self._records, sequence_number, lo=self._start, key=_SEQ)
        return self._base + i

    def position_at_time(self, created_ms: int) -> int:
        """Position of the first readable record created at or after ``created_ms``."""
        self.trim()
        i = bisect_left(self._records, created_ms, lo=self._start, key=_CREATED)
        return self._base + i

    def _check(self) -> None:
        """Assert the shard's invariants (numbers increase within the sequence-number range)."""
        held = self._records[self._start :]
        sns = [r[SEQ] for r in held]
        assert sns == sorted(set(sns)), "sequence numbers strictly increase in a shard"
        if sns:
            assert self.starting_sequence_number <= sns[0]
            assert sns[-1] == self._last_sn
            if self.ending_sequence_number is not None:
                assert sns[-1] <= self.ending_sequence_number
        assert 0 <= self._start <= len(self._records)

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        parent = self.parent.shard_id if self.parent else None
        return f"<Shard {self.shard_id} {state} records={len(self)} parent={parent}>"
