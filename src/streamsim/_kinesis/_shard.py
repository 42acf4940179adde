"""Kinesis shards: a hash-key range, a run of records, and lineage to up to two parents.

A shard is OPEN while it takes records and CLOSED once a split or merge ends it (it then has
an EndingSequenceNumber and one or two children); it is EXPIRED, and no longer listed, once
nothing it holds is within the retention period (rule K.11).

A shard keeps its records in three parallel columns, one slot each per record: the arrival
instant (an ``array`` of 64-bit ints), the partition key (interned with ``sys.intern``, so a
key's records share one string whoever built it: a botocore request decodes a new one per
record) and the data (each a :class:`Column`, whose full chunks are tuples). Nothing else is
stored per record, because everything else follows from those and the record's position: its
sequence number is the shard's fixed part, its position plus one and its arrival second (rule
K.7, :func:`~._sequence.sequence_number`), and the hash key that routed it is its partition
key's MD5 (an ExplicitHashKey's is kept aside, by position, for the rare record that had one).
So a record retained for the day costs its data and three slots (about 100 bytes with 50 bytes
of data, where a tuple holding the sequence number and hash key took 270). And the cyclic
garbage collector walks none of it: an ``array`` is not a container it tracks, and a tuple of
strings or bytes it stops tracking. (A list is always tracked, and every full collection visits
each of its elements: three lists of a day's records made each full collection walk millions of
slots, so the pipeline's cost per record grew with the records retained.)

Reads hand out records as tuples ``(sequence number, arrival ms, partition key, data)`` (the
field indexes below), built for the records read: each record is read about once (by the
Lambda poller or GetRecords), so building its tuple costs less than keeping it.

Readers address records by *position*: a record's index since the shard opened, which
trimming never changes (the read API the Lambda poller's sources share, ``first_position``,
``end_position``, ``read``, ``record_at``).

AWS behaviour: rule K.3 (ids), K.7 (sequence numbers), K.10-K.12 (lineage, retention).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise
from operator import attrgetter
from sys import intern
from typing import Any, Final, Protocol, TypeAlias

from streamsim._clock import Clock

from ._hashing import hash_key
from ._sequence import ENDING_INDEX, sequence_number, sequence_numbers, shard_base
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


#: a record as reads hand it out: (sequence number, arrival ms, partition key, data)
KinesisRecord: TypeAlias = tuple[int, int, str, bytes]
SEQ: Final = 0
ARRIVAL: Final = 1
KEY: Final = 2
DATA: Final = 3
#: a record as a stream writes it: (partition key, data, hash key, size in bytes, explicit),
#: ``explicit`` telling an ExplicitHashKey's hash key from the partition key's MD5
WriteRecord: TypeAlias = tuple[str, bytes, int, int, bool]
#: records per chunk of a :class:`Column`; trimmed records leave memory a whole chunk at a time
CHUNK: Final = 4_096


class Column:
    """An append-only sequence of atomic values (``str``, ``bytes``) that the cyclic garbage
    collector does not walk: every :data:`CHUNK` values appended become one tuple, which the
    collector stops tracking, and only the last, partial chunk is a list.  Index ``i`` is
    value ``i`` appended since the column began, less the chunks dropped from the front.

    >>> column = Column()
    >>> for n in range(CHUNK + 2):
    ...     column.append(str(n))
    >>> len(column), column[CHUNK + 1], column.slice(CHUNK - 1, CHUNK + 1)
    (4098, '4097', ['4095', '4096'])
    >>> column.drop_chunks(1); len(column), column[0]
    (2, '4096')
    """

    __slots__ = ("_chunks", "_tail")

    def __init__(self) -> None:
        self._chunks: list[tuple[Any, ...]] = []
        self._tail: list[Any] = []

    def __len__(self) -> int:
        return len(self._chunks) * CHUNK + len(self._tail)

    def append(self, value: Any) -> None:
        """Add a value at the end."""
        tail = self._tail
        tail.append(value)
        if len(tail) == CHUNK:
            self._chunks.append(tuple(tail))
            self._tail = []

    def __getitem__(self, index: int) -> Any:
        chunk, at = divmod(index, CHUNK)
        chunks = self._chunks
        return chunks[chunk][at] if chunk < len(chunks) else self._tail[at]

    def slice(self, start: int, end: int) -> list[Any]:
        """The values at indexes ``start`` to ``end`` (not included), as a new list."""
        chunks = self._chunks
        out: list[Any] = []
        while start < end:
            chunk, at = divmod(start, CHUNK)
            part = (chunks[chunk] if chunk < len(chunks) else self._tail)[at : at + end - start]
            if not part:
                break
            out += part
            start += len(part)
        return out

    def drop_chunks(self, count: int) -> None:
        """Forget the first ``count`` chunks (``count * CHUNK`` values)."""
        del self._chunks[:count]


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
        "_arrivals",
        "_base",
        "_data",
        "_explicit",
        "_keys",
        "_offset",
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
        # the records, one slot each (see the module docstring); index i is position
        # _offset + i, and the record at position p has sequence index p + 1
        self._arrivals = array("q")
        self._keys = Column()
        self._data = Column()
        self._explicit: dict[int, int] = {}  # position -> an ExplicitHashKey's hash key
        self._offset = 0  # the position of index 0
        self._start = 0  # index of the first readable record
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

    def append_all(self, now_ms: int, records: Iterable[WriteRecord]) -> list[int]:
        """Store records written at ``now_ms``, in order; return their sequence numbers (rule
        K.7).  Of a record's hash key only an ExplicitHashKey's is kept (a partition key's MD5
        is not stored)."""
        first = self.end_position
        keys, data_list, explicit_keys = self._keys, self._data, self._explicit
        for partition_key, data, key, _, explicit in records:
            if explicit:
                explicit_keys[self._offset + len(data_list)] = key
            # a str subclass cannot be interned (and is kept)
            keys.append(intern(partition_key) if type(partition_key) is str else partition_key)
            data_list.append(data)
        arrivals = [now_ms] * (self.end_position - first)
        self._arrivals.extend(arrivals)
        return sequence_numbers(self._base, first + 1, arrivals)

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
        arrivals = self._arrivals
        start = self._start
        if start >= len(arrivals):
            return
        horizon = self.stream.clock.now_ms - self.stream.retention_ms
        if arrivals[start] >= horizon:
            return
        start = bisect_left(arrivals, horizon, start)
        chunks = start // CHUNK
        if chunks:  # whole chunks of trimmed records leave memory
            dropped = chunks * CHUNK
            del arrivals[:dropped]
            self._keys.drop_chunks(chunks)
            self._data.drop_chunks(chunks)
            self._offset += dropped
            if self._explicit:
                offset = self._offset
                self._explicit = {p: k for p, k in self._explicit.items() if p >= offset}
            start -= dropped
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
        return self._offset + len(self._data)

    def _number_at(self, index: int) -> int:
        """The sequence number of the record at ``index`` of the lists (rule K.7)."""
        return sequence_number(self._base, self._offset + index + 1, self._arrivals[index] // 1_000)

    @property
    def last_sequence_number(self) -> int | None:
        """The newest record's sequence number, or None if the shard never held one."""
        count = len(self._data)
        return self._number_at(count - 1) if count else None

    def read(self, position: int, limit: int | None = None) -> list[KinesisRecord]:
        """The records from ``position`` on (at most ``limit``), oldest first.

        ``position`` must not be below :attr:`first_position` (trimmed records are gone).
        """
        i = position - self._offset
        assert i >= self._start, "reading trimmed records"
        end = len(self._data) if limit is None else min(i + limit, len(self._data))
        if i >= end:
            return []
        arrivals = self._arrivals[i:end]
        numbers = sequence_numbers(self._base, position + 1, arrivals)
        keys, data = self._keys.slice(i, end), self._data.slice(i, end)
        return list(zip(numbers, arrivals, keys, data, strict=True))

    def size_between(self, start: int, end: int) -> int:
        """The size of the records at positions ``start`` to ``end`` (not included): their
        data's bytes plus their partition keys' characters, as GetRecords counts them."""
        i, j = start - self._offset, end - self._offset
        assert self._start <= i <= j <= len(self._data), "sizing records not held"
        return sum(map(len, self._data.slice(i, j))) + sum(map(len, self._keys.slice(i, j)))

    def record_at(self, position: int) -> KinesisRecord | None:
        """The record at ``position``, or None past the newest."""
        i = position - self._offset
        if i >= len(self._data):
            return None
        return self._number_at(i), self._arrivals[i], self._keys[i], self._data[i]

    def hash_key_at(self, position: int) -> int:
        """The hash key that routed the record at ``position``: its ExplicitHashKey's, or its
        partition key's MD5 (rule K.5)."""
        explicit = self._explicit.get(position)
        if explicit is not None:
            return explicit
        return hash_key(self._keys[position - self._offset])

    def position_of_sequence(self, number: int) -> int:
        """Position of the first readable record numbered ``number`` or above."""
        self.trim()
        end = len(self._data)
        return self._offset + bisect_left(range(end), number, self._start, end, key=self._number_at)

    def position_at_time(self, at_ms: int) -> int:
        """Position of the first readable record that arrived at ``at_ms`` or later."""
        self.trim()
        return self._offset + bisect_left(self._arrivals, at_ms, self._start)

    def _check(self) -> None:
        """Assert the shard's invariants (numbers strictly increase inside the range)."""
        assert len(self._arrivals) == len(self._keys) == len(self._data)
        assert all(a <= b for a, b in pairwise(self._arrivals)), "arrivals in time order"
        assert all(p >= self._offset for p in self._explicit), "a dropped record's hash key"
        first = self._offset + self._start
        records = self.read(first)
        sns = [r[SEQ] for r in records]
        assert all(a < b for a, b in pairwise(sns)), "numbers must increase"
        if sns:
            assert self.starting_sequence_number < sns[0]
            end = self.ending_sequence_number
            assert end is None or sns[-1] < end, "a record numbered past the shard's end"
        for position in range(first, self.end_position):
            assert self.contains(self.hash_key_at(position)), "a record outside the hash range"
        assert (self.closed_ms is None) == (self.ending_sequence_number is None)
        assert self.is_open or self.children, "a closed shard has children"
        assert 0 <= self._start <= len(self._data)

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
