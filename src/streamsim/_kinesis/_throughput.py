"""Per-shard throughput limits as token buckets on virtual time (rule K.14).

A bucket holds up to one second of its rate and refills continuously (integer arithmetic:
levels are kept in thousandths of a unit, refilled by ``rate`` thousandths per millisecond), so
whether a call is throttled depends only on the virtual times and sizes of the calls before it.

Writes: 1 MiB/s of data and partition keys, and 1,000 records/s, per shard; a record that does
not fit either bucket is refused (ProvisionedThroughputExceededException).  Reads: 5 GetRecords
calls/s and 2 MiB/s per shard.  A call may return more than the bytes left (up to 10 MiB): the
byte bucket then goes into debt, and calls are refused until it has refilled above zero, so a
10 MiB call blocks the shard's reads for about 4 to 5 seconds, as AWS documents.
GetShardIterator: 5 calls/s per shard.
"""

from __future__ import annotations

from collections.abc import Sequence

MIB = 1024 * 1024
WRITE_BYTES_PER_S = MIB  # rule K.14
WRITE_RECORDS_PER_S = 1_000  # rule K.14
READ_CALLS_PER_S = 5  # rule K.14
READ_BYTES_PER_S = 2 * MIB  # rule K.14
ITERATORS_PER_S = 5  # rule K.14: GetShardIterator calls per shard


class Bucket:
    """A token bucket of ``rate`` units per second holding at most one second's worth."""

    __slots__ = ("at_ms", "cap", "level", "rate")

    def __init__(self, rate: int, now_ms: int) -> None:
        self.rate = rate
        self.cap = rate * 1_000
        self.level = self.cap  # thousandths of a unit
        self.at_ms = now_ms

    def refill(self, now_ms: int) -> int:
        """Bring the level to ``now_ms`` and return it (in thousandths of a unit)."""
        if now_ms > self.at_ms:
            self.level = min(self.cap, self.level + (now_ms - self.at_ms) * self.rate)
            self.at_ms = now_ms
        return self.level

    def take(self, units: int) -> None:
        """Use ``units`` (the level may go below zero: a debt paid back by refilling)."""
        self.level -= units * 1_000


class ShardThroughput:
    """The write and read buckets of one shard."""

    __slots__ = ("iterators", "read_bytes", "read_calls", "write_bytes", "write_records")

    def __init__(self, now_ms: int) -> None:
        self.write_bytes = Bucket(WRITE_BYTES_PER_S, now_ms)
        self.write_records = Bucket(WRITE_RECORDS_PER_S, now_ms)
        self.read_calls = Bucket(READ_CALLS_PER_S, now_ms)
        self.read_bytes = Bucket(READ_BYTES_PER_S, now_ms)
        self.iterators = Bucket(ITERATORS_PER_S, now_ms)

    def admit_writes(self, now_ms: int, sizes: Sequence[int]) -> list[bool]:
        """For records of ``sizes`` bytes written at ``now_ms``, in order: take each one if
        both write buckets hold it (True), else leave the buckets as they are (False: a record
        too large for what is left fails alone, and a later, smaller one may still fit).

        >>> ShardThroughput(0).admit_writes(0, [MIB - 10, 20, 10])
        [True, False, True]
        """
        wb, wr = self.write_bytes, self.write_records
        left_bytes, left_records = wb.refill(now_ms), wr.refill(now_ms)
        count, total = len(sizes), sum(sizes)
        if left_bytes >= total * 1_000 and left_records >= count * 1_000:  # all of them fit
            wb.level, wr.level = left_bytes - total * 1_000, left_records - count * 1_000
            return [True] * count
        admitted = []
        for size in sizes:
            units = size * 1_000
            taken = left_bytes >= units and left_records >= 1_000
            if taken:
                left_bytes -= units
                left_records -= 1_000
            admitted.append(taken)
        wb.level, wr.level = left_bytes, left_records
        return admitted

    def admit_read(self, now_ms: int) -> bool:
        """Take one GetRecords call if a call is left and the byte bucket is not in debt."""
        calls = self.read_calls
        if calls.refill(now_ms) < 1_000 or self.read_bytes.refill(now_ms) <= 0:
            return False
        calls.take(1)
        return True

    def admit_iterator(self, now_ms: int) -> bool:
        """Take one GetShardIterator call if one is left this second."""
        iterators = self.iterators
        if iterators.refill(now_ms) < 1_000:
            return False
        iterators.take(1)
        return True

    def charge_read(self, size: int) -> None:
        """Count ``size`` bytes returned by an admitted call."""
        self.read_bytes.take(size)

    def read_wait_ms(self, now_ms: int) -> int:
        """0 when a GetRecords call would be admitted now, else the ms until one would be.

        >>> t = ShardThroughput(0)
        >>> for _ in range(5):
        ...     t.charge_call(0, 0)
        >>> t.read_wait_ms(0), t.read_wait_ms(200)
        (200, 0)
        """
        if self.read_calls.level >= 1_000 and self.read_bytes.level > 0:
            return 0  # refilling only raises the levels: admitted already
        calls = self.read_calls.refill(now_ms)
        left = self.read_bytes.refill(now_ms)
        wait = 0
        if calls < 1_000:  # a call needs a whole unit: 1000 thousandths at 5 per ms
            wait = -(-(1_000 - calls) // self.read_calls.rate)
        if left <= 0:  # the byte bucket in debt: calls wait until it is above zero
            wait = max(wait, -left // self.read_bytes.rate + 1)
        return wait

    def charge_call(self, now_ms: int, size: int, calls: int = 1) -> None:
        """Take ``calls`` GetRecords calls and ``size`` bytes at ``now_ms`` without checking
        (both may go into debt): what a reader that checked :meth:`read_wait_ms` first read."""
        read_calls, read_bytes = self.read_calls, self.read_bytes
        read_calls.refill(now_ms)  # the levels must stand at now_ms before anything is taken
        read_bytes.refill(now_ms)
        read_calls.level -= calls * 1_000
        read_bytes.level -= size * 1_000
