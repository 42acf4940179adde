"""Partitions: the partition-key hash space and how a table divides it.

AWS behaviour (rule C.2, C.3): DynamoDB places an item by an undisclosed internal hash of its
partition-key value; a partition owns a range of that hash space, and a partition that grows too
big or too hot splits into two.  The hash function is not public, so streamsim documents its own:

    hash = first 8 bytes, big-endian, of MD5(type tag + b":" + canonical key bytes)

where the canonical key bytes are the UTF-8 of a string, the canonical decimal text of a number,
or the raw bytes of a binary value.  It is stable across processes, Python versions and
``PYTHONHASHSEED`` (Python's own ``hash()`` is not).

Differs from AWS: the real hash and split thresholds are unknown; the hash space here is
``[0, 2**64)`` and partitions split into equal halves.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import lru_cache
from hashlib import md5

from sortedcontainers import SortedDict

from streamsim._errors import ValidationException

HASH_SPACE = 1 << 64  # partition hashes are integers in [0, HASH_SPACE)


@lru_cache(maxsize=8192)  # hot keys are written again and again; MD5 is the costly part
def partition_hash(type_tag: str, key_value: str | bytes) -> int:
    """Return the documented, stable 64-bit hash of a partition-key value.

    Args:
        type_tag: the key's DynamoDB type, ``"S"``, ``"N"`` or ``"B"``.
        key_value: the canonical value (``str`` for S and N, ``bytes`` for B).

    >>> partition_hash("S", "user#1") == partition_hash("S", "user#1")
    True
    >>> 0 <= partition_hash("N", "42") < HASH_SPACE
    True
    """
    raw = key_value.encode() if isinstance(key_value, str) else key_value
    return int.from_bytes(md5(type_tag.encode() + b":" + raw).digest()[:8], "big")


class Partition:
    """One partition: a half-open range ``[lo, hi)`` of the partition-key hash space.

    ``partition_id`` is unique within its table and never reused; a split retires a partition
    and creates two new ones.
    """

    __slots__ = ("created_ms", "hi", "lo", "parent_id", "partition_id", "retired_ms")

    def __init__(
        self, partition_id: int, lo: int, hi: int, created_ms: int, parent_id: int | None = None
    ) -> None:
        self.partition_id = partition_id
        self.lo = lo
        self.hi = hi
        self.created_ms = created_ms
        self.parent_id = parent_id
        self.retired_ms: int | None = None

    def __contains__(self, h: int) -> bool:
        return self.lo <= h < self.hi

    def __repr__(self) -> str:
        share = (self.hi - self.lo) / HASH_SPACE
        return f"<Partition {self.partition_id} [{self.lo:#018x}, {self.hi:#018x}) {share:.1%}>"


class PartitionMap:
    """The live partitions of one table, ordered by hash range.

    >>> pm = PartitionMap(2, created_ms=0)
    >>> [p.partition_id for p in pm]
    [0, 1]
    >>> pm.locate(0).partition_id, pm.locate(HASH_SPACE - 1).partition_id
    (0, 1)
    >>> left, right = pm.split(1, now_ms=5)
    >>> [p.partition_id for p in pm]
    [0, 2, 3]
    """

    __slots__ = ("_by_lo", "_los", "_next_id", "_parts", "history")

    def __init__(self, count: int, *, created_ms: int) -> None:
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1024:
            raise ValidationException(
                f"partitions must be an integer from 1 to 1024, got {count!r}"
            )
        self._by_lo: SortedDict[int, Partition] = SortedDict()
        # locate() runs on every write: plain lists of the SortedDict's keys and values let it
        # use the C bisect; kept in step by _add()
        self._los: list[int] = []
        self._parts: list[Partition] = []
        self._next_id = 0
        #: every partition ever created, retired ones included, in creation order
        self.history: list[Partition] = []
        step = HASH_SPACE // count
        for i in range(count):
            lo = i * step
            hi = HASH_SPACE if i == count - 1 else (i + 1) * step
            self._add(lo, hi, created_ms, None)

    def _add(self, lo: int, hi: int, created_ms: int, parent_id: int | None) -> Partition:
        part = Partition(self._next_id, lo, hi, created_ms, parent_id)
        self._next_id += 1
        self._by_lo[lo] = part
        i = bisect_left(self._los, lo)  # keep the plain lists in step: O(n) memmove, not a walk
        if i < len(self._los) and self._los[i] == lo:  # the lower half of a split replaces it
            self._parts[i] = part
        else:
            self._los.insert(i, lo)
            self._parts.insert(i, part)
        self.history.append(part)
        return part

    def __len__(self) -> int:
        return len(self._by_lo)

    def __iter__(self) -> Iterator[Partition]:
        return iter(self._by_lo.values())

    def __getitem__(self, index: int) -> Partition:
        return self._by_lo.peekitem(index)[1]

    def locate(self, h: int) -> Partition:
        """Return the live partition whose range holds hash ``h``."""
        return self._parts[bisect_right(self._los, h) - 1]

    def split(self, index: int, *, now_ms: int) -> tuple[Partition, Partition]:
        """Split the partition at position ``index`` (in hash order) into two equal halves.

        Returns:
            the two new partitions, lower half first.

        Raises:
            ValidationException: no partition at that position, or it is too small to split.
        """
        if isinstance(index, bool) or not isinstance(index, int):
            raise ValidationException(f"partition index must be an integer, got {index!r}")
        if not -len(self) <= index < len(self):
            raise ValidationException(
                f"no partition at index {index}: the table has {len(self)} partition(s), "
                f"indexes 0 to {len(self) - 1}"
            )
        old = self[index]
        if old.hi - old.lo < 2:
            raise ValidationException(f"partition {old.partition_id} is too small to split")
        mid = old.lo + (old.hi - old.lo) // 2
        del self._by_lo[old.lo]
        old.retired_ms = now_ms
        left = self._add(old.lo, mid, now_ms, old.partition_id)
        right = self._add(mid, old.hi, now_ms, old.partition_id)
        return left, right

    def _check(self) -> None:
        """Assert that the live partitions tile the hash space exactly, without overlap."""
        expected_lo = 0
        for lo, part in self._by_lo.items():
            assert lo == part.lo == expected_lo, (lo, part)
            assert part.lo < part.hi
            assert part.retired_ms is None
            expected_lo = part.hi
        assert expected_lo == HASH_SPACE
        assert self._los == list(self._by_lo)
        assert self._parts == list(self._by_lo.values())
