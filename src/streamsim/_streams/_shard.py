"""Shards: append-only runs of stream records, linked parent to children.

A shard is open while it takes records and closed once it has an ending sequence number.  It
closes when it has been open for the rotation period, when its partition splits (two children
share it as parent) or when its stream is disabled (no child).  Records older than the retention
period are trimmed: they stop being readable at that instant (the rule is evaluated against
virtual time on every access), and are dropped from memory a chunk at a time.

Records are stored in sealed chunks of :data:`CHUNK` records, each a tuple, plus an open tail
list.  A record tuple holds only atomic values and frozen items, so the collector stops tracking
it, and a sealed chunk of them stops being tracked too: a full collection walks one list entry
per chunk, not one per record, so retained records cost the cyclic garbage collector nothing.

AWS behaviour: rule A.3 (identifier formats), A.5 (listing), A.10 (lifecycle), A.9 (retention).
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

#: ``_next_trim_ms`` of a shard with nothing readable: no trim is ever due
NEVER = 2**63

#: records per sealed chunk (a tuple the garbage collector no longer tracks once sealed)
CHUNK = 1_024


class Shard:
    """One shard of a stream.

    Attributes:
        shard_id: ``shardId-<20 digits: creation epoch ms>-<8 hex>`` (rule A.3).
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
        "_chunks",
        "_clock",
        "_last_sn",
        "_next_trim_ms",
        "_retention_ms",
        "_start",
        "_tail",
        "_trimmed_through",
        "children",
        "closed_ms",
        "created_ms",
        "end_position",
        "ending_sequence_number",
        "listed_until_ms",
        "parent",
        "parent_shard_id",
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
        """Open a shard; ``clock`` and ``retention_ms`` (rule A.9) decide what is trimmed."""
        self.stream = stream
        self._clock = clock
        self._retention_ms = retention_ms
        self.shard_id = shard_id
        self.partition_id = partition_id
        self.created_ms = created_ms
        self.starting_sequence_number = starting_sequence_number
        self.ending_sequence_number: int | None = None
        self.closed_ms: int | None = None
        #: the first instant DescribeStream no longer lists the shard (set when it closes)
        self.listed_until_ms: int | None = None
        self.parent = parent
        #: the parent's id, kept when the parent itself leaves memory (DescribeStream names it)
        self.parent_shard_id = None if parent is None else parent.shard_id
        self.children: list[Shard] = []
        # held records (tuples of atomic values, see _records): sealed chunks of CHUNK, then
        # the open tail (fewer than CHUNK); an *index* counts from the first held record
        self._chunks: list[tuple[RawRecord, ...]] = []
        self._tail: list[RawRecord] = []
        self._start = 0  # index of the first readable (untrimmed) record
        self._base = 0  # records dropped from memory: the position of index 0
        #: position one past the newest record: where the next append goes (read-only
        #: outside this class; an attribute, not a property, as the poller reads it per poll)
        self.end_position = 0
        # the instant after which the oldest readable record is trimmed (NEVER: none held)
        self._next_trim_ms = NEVER
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
        return [StreamRecord(self, raw) for raw in self._slice(self._start, self._held())]

    def __len__(self) -> int:
        self.trim()
        return self._held() - self._start

    # --- the chunked store ----------------------------------------------------------------------

    def _held(self) -> int:
        """Records held in memory (trimmed ones not yet dropped included)."""
        return self.end_position - self._base

    def _get(self, index: int) -> RawRecord:
        """The held record at ``index`` (0 <= index < _held())."""
        c, o = divmod(index, CHUNK)
        chunks = self._chunks
        return chunks[c][o] if c < len(chunks) else self._tail[o]

    def _slice(self, i: int, j: int) -> list[RawRecord]:
        """The held records at indexes ``i`` to ``j`` (excluded), as a new list."""
        sealed = len(self._chunks) * CHUNK
        if i >= sealed:  # the common case: a reader near the newest records
            return self._tail[i - sealed : j - sealed]
        out: list[RawRecord] = []
        chunks = self._chunks
        while i < j:
            c, o = divmod(i, CHUNK)
            take = min(j - i, CHUNK - o)
            if c < len(chunks):
                out += chunks[c][o : o + take]
            else:
                out += self._tail[o : o + take]
            i += take
        return out

    def _bisect(self, x: int, lo: int, key: itemgetter[int]) -> int:
        """The first index >= ``lo`` whose record's ``key`` is >= ``x`` (keys ascend).

        Only the choice of chunk is a Python loop (over chunks' last records); within the tail
        or a chunk, :func:`bisect.bisect_left` searches in C.  Every GetRecords call and every
        trim starts here.
        """
        chunks, tail = self._chunks, self._tail
        sealed = len(chunks) * CHUNK
        if lo >= sealed or (tail and key(tail[0]) < x):  # the answer is in the tail
            return sealed + bisect_left(tail, x, max(lo - sealed, 0), key=key)
        c, high = lo // CHUNK, len(chunks)
        while c < high:  # the first chunk (from lo's) whose last record's key is >= x
            mid = (c + high) // 2
            if key(chunks[mid][-1]) < x:
                c = mid + 1
            else:
                high = mid
        if c == len(chunks):
            return sealed
        return c * CHUNK + bisect_left(chunks[c], x, max(lo - c * CHUNK, 0), key=key)

    @property
    def last_sequence_number(self) -> int | None:
        """Sequence number of the newest record ever appended, or None if none was."""
        return self._last_sn

    @property
    def short_id(self) -> str:
        """The last 8 hex characters of the shard id: what reprs and pictures show."""
        return self.shard_id.rsplit("-", 1)[-1]

    @property
    def newest_created_ms(self) -> int | None:
        """Write time of the newest record still in memory, or None if none is held."""
        held = self._held()
        return None if held == 0 else self._get(held - 1)[CREATED]

    @property
    def trimmed_through(self) -> int:
        """The highest sequence number trimmed away so far (0 when nothing was trimmed)."""
        self.trim()
        return self._trimmed_through

    def is_expired(self, now_ms: int) -> bool:
        """True once a closed shard has nothing readable left and leaves DescribeStream.

        A closed shard stays listed while any of its records is within retention; a closed
        shard that never held a record stays listed for one retention period after it closed
        (rule A.5, A.10; exact removal time UNCONFIRMED).
        """
        if self.closed_ms is None:
            return False
        horizon = now_ms - self._retention_ms
        if self._last_sn is None:  # never held a record
            return self.closed_ms < horizon
        self.trim()
        return self._start >= self._held()

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
        """Drop records older than the retention period from the readable range (rule A.9).

        Called on every access; it returns after one comparison until the oldest readable
        record's retention is over (``_next_trim_ms``).
        """
        now = self._clock.now_ms
        if now <= self._next_trim_ms:
            return
        start = self._start
        held = self._held()
        horizon = now - self._retention_ms
        new_start = self._bisect(horizon, start, _CREATED)
        self._trimmed_through = self._get(new_start - 1)[SEQ]
        if new_start == held:  # everything trimmed: drop it all
            self._base += held
            self._chunks.clear()
            self._tail = []
            new_start = 0
        else:  # drop the sealed chunks wholly trimmed
            drop = min(new_start // CHUNK, len(self._chunks))
            if drop:
                del self._chunks[:drop]
                self._base += drop * CHUNK
                new_start -= drop * CHUNK
        self._start = new_start
        held = self._held()
        self._next_trim_ms = (
            self._get(new_start)[CREATED] + self._retention_ms if new_start < held else NEVER
        )

    def append(self, record: RawRecord) -> None:
        """Add the newest record (its sequence number above every record's before it)."""
        tail = self._tail
        tail.append(record)
        self._last_sn = record[SEQ]
        self.end_position += 1
        if self._next_trim_ms == NEVER:  # the readable range was empty
            self._next_trim_ms = record[CREATED] + self._retention_ms
        if len(tail) == CHUNK:
            self._chunks.append(tuple(tail))
            self._tail = []

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

    def read(self, position: int, limit: int | None = None) -> list[RawRecord]:
        """The records from ``position`` on (at most ``limit``), oldest first.

        ``position`` must not be below :attr:`first_position` (trimmed records are gone).
        """
        i = position - self._base
        assert i >= self._start, "reading trimmed records"
        held = self._held()
        return self._slice(i, held if limit is None else min(held, i + limit))

    def record_at(self, position: int) -> RawRecord | None:
        """The record at ``position``, or None past the newest."""
        i = position - self._base
        return self._get(i) if i < self._held() else None

    def position_of_sequence(self, sequence_number: int) -> int:
        """Position of the first readable record numbered >= ``sequence_number``."""
        self.trim()
        return self._base + self._bisect(sequence_number, self._start, _SEQ)

    def position_at_time(self, created_ms: int) -> int:
        """Position of the first readable record created at or after ``created_ms``."""
        self.trim()
        return self._base + self._bisect(created_ms, self._start, _CREATED)

    def _check(self) -> None:
        """Assert the shard's invariants (numbers increase within the sequence-number range)."""
        assert all(len(chunk) == CHUNK for chunk in self._chunks), "a sealed chunk is not full"
        assert len(self._tail) < CHUNK, "the open tail should have been sealed"
        held = self._slice(self._start, self._held())
        sns = [r[SEQ] for r in held]
        assert sns == sorted(set(sns)), "sequence numbers strictly increase in a shard"
        if sns:
            assert self.starting_sequence_number <= sns[0]
            assert sns[-1] == self._last_sn
            if self.ending_sequence_number is not None:
                assert sns[-1] <= self.ending_sequence_number
        assert 0 <= self._start <= self._held()
        assert self.end_position == self._base + len(self._chunks) * CHUNK + len(self._tail)
        if self._start < self._held():
            assert self._next_trim_ms == self._get(self._start)[CREATED] + self._retention_ms
        else:
            assert self._next_trim_ms == NEVER, "nothing readable: no trim is due"

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        parent = self.parent_shard_id
        shown = "root" if parent is None else f"parent={parent.rsplit('-', 1)[-1]}"
        return (
            f"<Shard {self.short_id} partition={self.partition_id} {state} "
            f"records={len(self)} {shown}>"
        )
