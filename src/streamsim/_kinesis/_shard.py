"""Kinesis shards: a hash-key range, a run of records, and lineage to up to two parents.

A shard is OPEN while it takes records and CLOSED once a split or merge ends it (it then has
an EndingSequenceNumber and one or two children); it is EXPIRED, and no longer listed, once
nothing it holds is within the retention period (rule K.11).

A stored record is a tuple of atomic values ``(sequence number, arrival ms, partition key,
data)`` (the field indexes below), so the cyclic garbage collector stops tracking it, and it
holds nothing a day of retained records could do without (about 220 bytes with 50 bytes of
data): the arrival instant is the clock's own ``int``, shared by every record of one write call
and instant; the partition key is interned (``sys.intern``), so a key's records share one
string whoever built it (a botocore request decodes a new one per record); the hash key the
record was routed by is the partition key's MD5 (:func:`record_hash_key`), stored as a fifth
field only when an ExplicitHashKey chose it.

Readers address records by *position*: a record's index since the shard opened, which
trimming never changes (the read API the Lambda poller's sources share, ``first_position``,
``end_position``, ``read``, ``record_at``).

AWS behaviour: rule K.3 (ids), K.7 (sequence numbers), K.10-K.12 (lineage, retention).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise
from operator import attrgetter, itemgetter
from sys import intern
from typing import Final, Protocol, TypeAlias

from streamsim._clock import Clock

from ._hashing import hash_key
from ._sequence import ENDING_INDEX, sequence_number, shard_base
from ._throughput import ShardThroughput


class ShardOwner(Protocol):
    """What a shard knows of its stream (the stream module imports this one, not back)."""

    name: str
    arn: str
    account_id: str
    clock: Clock
    created_ms: int
    generation: int

    @property
    def retention_ms(self) -> int:
        """How long a record stays readable."""
        ...


#: a stored record: (sequence number, arrival ms, partition key, data[, explicit hash key])
KinesisRecord: TypeAlias = tuple[int, int, str, bytes] | tuple[int, int, str, bytes, int]
SEQ: Final = 0
ARRIVAL: Final = 1
KEY: Final = 2
DATA: Final = 3
HASH: Final = 4  # present only when an ExplicitHashKey chose the hash key
_SEQ = itemgetter(SEQ)
_ARRIVAL = itemgetter(ARRIVAL)
#: trimmed records are dropped from memory once this many have accumulated
_COMPACT = 4_096


def record_hash_key(record: KinesisRecord) -> int:
    """The hash key a record was routed by: its ExplicitHashKey, else its partition key's MD5.

    >>> record_hash_key((1, 0, "a", b"")) == hash_key("a"), record_hash_key((1, 0, "a", b"", 7))
    (True, 7)
    """
    return record[HASH] if len(record) > HASH else hash_key(record[KEY])


def shard_id_of(index: int) -> str:
    """The id of the ``index``-th shard of a stream (rule K.3).

    >>> shard_id_of(3)
    'shardId-000000000003'
    """
    return f"shardId-{index:012d}"


class KinesisShard:
    """One shard of a Kinesis stream.

    Attributes:
        stream: the stream it belongs to.
        index / shard_id: its number in the stream and ``shardId-<12 digits>``.
        starting_hash_key / ending_hash_key: its inclusive hash-key range.
        parents: the live shards it continues (one after a split, two after a merge: the
            ``ShardToMerge`` first); ``parent_shard_id`` / ``adjacent_parent_shard_id`` keep
            their ids after they leave memory.
        children: the shards continuing it (empty while open).
        created_ms / closed_ms: virtual instants it opened and closed (None while open).
        starting_sequence_number / ending_sequence_number: its SequenceNumberRange (ending
            None while open).
    """

    __slots__ = (
        "_base",
        "_next_index",
        "_offset",
        "_records",
        "_start",
        "adjacent_parent_shard_id",
        "children",
        "closed_ms",
        "created_ms",
        "ending_hash_key",
        "ending_sequence_number",
        "index",
        "parent_shard_id",
        "parents",
        "shard_id",
        "starting_hash_key",
        "starting_sequence_number",
        "stream",
        "throughput",
    )

    def __init__(
        self,
        stream: ShardOwner,
        index: int,
        hash_range: tuple[int, int],
        parents: tuple[KinesisShard, ...],
        now_ms: int,
    ) -> None:
        self.stream = stream
        self.index = index
        self.shard_id = shard_id_of(index)
        self.starting_hash_key, self.ending_hash_key = hash_range
        self.parents = parents
        self.parent_shard_id = parents[0].shard_id if parents else None
        self.adjacent_parent_shard_id = parents[1].shard_id if len(parents) > 1 else None
        self.children: list[KinesisShard] = []
        for parent in parents:
            parent.children.append(self)
        self.created_ms = now_ms
        self.closed_ms: int | None = None
        self._base = shard_base(index, now_ms // 1_000)
        self.starting_sequence_number = sequence_number(self._base, 0, now_ms // 1_000)
        self.ending_sequence_number: int | None = None
        self._next_index = 1
        self._records: list[KinesisRecord] = []
        self._offset = 0  # the position of _records[0]
        self._start = 0  # index in _records of the first readable record
        self.throughput = ShardThroughput(now_ms)

    # --- state ----------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True while the shard takes new records."""
        return self.closed_ms is None

    @property
    def hash_range(self) -> tuple[int, int]:
        """``(StartingHashKey, EndingHashKey)``, both inclusive."""
        return self.starting_hash_key, self.ending_hash_key

    def contains(self, key: int) -> bool:
        """True if hash key ``key`` falls in this shard's range."""
        return self.starting_hash_key <= key <= self.ending_hash_key

    def is_expired(self, now_ms: int) -> bool:
        """True once a closed shard holds nothing within retention (rule K.11).

        A closed shard that never held a record expires one retention period after closing.
        """
        closed = self.closed_ms
        if closed is None:
            return False
        if self.end_position == 0:
            return closed <= now_ms - self.stream.retention_ms
        return self.first_position >= self.end_position

    def ancestors(self) -> Iterator[KinesisShard]:
        """Every live shard this one continues, directly or not (parents before grandparents)."""
        return _breadth_first(self.parents, attrgetter("parents"))

    def descendants(self) -> Iterator[KinesisShard]:
        """Every shard continuing this one, directly or not, once each, breadth first."""
        return _breadth_first(self.children, attrgetter("children"))

    # --- writing --------------------------------------------------------------------------------

    def append(
        self, now_ms: int, partition_key: str, data: bytes, explicit_key: int | None = None
    ) -> int:
        """Store one record written at ``now_ms``; return its sequence number (rule K.7).

        ``explicit_key``: the hash key an ExplicitHashKey gave it (None: its partition key's
        MD5, which is not stored; see the module docstring).
        """
        sn = sequence_number(self._base, self._next_index, now_ms // 1_000)
        self._next_index += 1
        if type(partition_key) is str:  # a str subclass cannot be interned (and is kept)
            partition_key = intern(partition_key)
        if explicit_key is None:
            self._records.append((sn, now_ms, partition_key, data))
        else:
            self._records.append((sn, now_ms, partition_key, data, explicit_key))
        return sn

    def close(self, now_ms: int) -> None:
        """Close the shard: no more records; its EndingSequenceNumber bounds them all."""
        self.closed_ms = now_ms
        self.ending_sequence_number = sequence_number(self._base, ENDING_INDEX, now_ms // 1_000)

    def forget_parent(self, parent: KinesisShard) -> None:
        """Drop the link to a parent leaving memory (its id stays in ``parent_shard_id``)."""
        self.parents = tuple(p for p in self.parents if p is not parent)

    # --- retention ------------------------------------------------------------------------------

    def trim(self) -> None:
        """Make records older than the stream's retention unreadable (rule K.11)."""
        records = self._records
        start = self._start
        if start >= len(records):
            return
        horizon = self.stream.clock.now_ms - self.stream.retention_ms
        if records[start][ARRIVAL] >= horizon:
            return
        start = bisect_left(records, horizon, start, key=_ARRIVAL)
        if start >= _COMPACT:
            del records[:start]
            self._offset += start
            start = 0
        self._start = start

    # --- reading by position --------------------------------------------------------------------

    @property
    def first_position(self) -> int:
        """Position of the oldest readable record (trimmed records are not readable)."""
        self.trim()
        return self._offset + self._start

    @property
    def end_position(self) -> int:
        """Position one past the newest record: where the next append goes."""
        return self._offset + len(self._records)

    @property
    def last_sequence_number(self) -> int | None:
        """The newest record's sequence number, or None if the shard never held one."""
        return self._records[-1][SEQ] if self._records else None

    def read(self, position: int, limit: int | None = None) -> list[KinesisRecord]:
        """The records from ``position`` on (at most ``limit``), oldest first.

        ``position`` must not be below :attr:`first_position` (trimmed records are gone).
        """
        i = position - self._offset
        assert i >= self._start, "reading trimmed records"
        return self._records[i:] if limit is None else self._records[i : i + limit]

    def record_at(self, position: int) -> KinesisRecord | None:
        """The record at ``position``, or None past the newest."""
        i = position - self._offset
        return self._records[i] if i < len(self._records) else None

    def position_of_sequence(self, number: int) -> int:
        """Position of the first readable record numbered ``number`` or above."""
        self.trim()
        return self._offset + bisect_left(self._records, number, self._start, key=_SEQ)

    def position_at_time(self, at_ms: int) -> int:
        """Position of the first readable record that arrived at ``at_ms`` or later."""
        self.trim()
        return self._offset + bisect_left(self._records, at_ms, self._start, key=_ARRIVAL)

    def _check(self) -> None:
        """Assert the shard's invariants (numbers strictly increase inside the range)."""
        records = self._records[self._start :]
        sns = [r[SEQ] for r in records]
        assert all(a < b for a, b in pairwise(sns)), "numbers must increase"
        if sns:
            assert self.starting_sequence_number < sns[0]
            end = self.ending_sequence_number
            assert end is None or sns[-1] < end, "a record numbered past the shard's end"
        for record in records:
            assert self.contains(record_hash_key(record)), "a record outside its hash range"
        assert (self.closed_ms is None) == (self.ending_sequence_number is None)
        assert self.is_open or self.children, "a closed shard has children"
        assert 0 <= self._start <= len(self._records)

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return f"<KinesisShard {self.shard_id} {state} records={self.end_position}>"


def _breadth_first(
    start: Iterable[KinesisShard], step: Callable[[KinesisShard], Iterable[KinesisShard]]
) -> Iterator[KinesisShard]:
    """The shards reachable from ``start`` by ``step`` (parents or children), once each,
    nearest first: a merge makes the lineage a graph, so a shard can be reached twice."""
    seen: set[int] = set()
    queue = list(start)
    i = 0
    while i < len(queue):
        shard = queue[i]
        i += 1
        if shard.index not in seen:
            seen.add(shard.index)
            yield shard
            queue.extend(step(shard))
