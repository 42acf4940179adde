"""Hash keys: the 128-bit space partition keys map into, and how shards divide it.

AWS behaviour: rule K.5 (MD5 routing, ExplicitHashKey), K.3 (initial ranges), K.12 (uniform
scaling).
"""

from __future__ import annotations

from functools import lru_cache
from hashlib import md5

HASH_SPACE = 1 << 128  # rule K.5: hash keys are 0 .. 2^128 - 1
MAX_HASH_KEY = HASH_SPACE - 1


@lru_cache(maxsize=4_096)
def hash_key(partition_key: str) -> int:
    """The hash key of a partition key: MD5 of its UTF-8 bytes, big-endian (rule K.5).

    Memoized for the most recent 4,096 keys: a stream's writers mostly reuse a modest set of
    partition keys (devices, sensors, users), and a lookup costs a tenth of hashing a short
    key anew (most of that is hashlib setting up an MD5 object).

    >>> hash_key("a") == int(md5(b"a").hexdigest(), 16)
    True
    """
    return int.from_bytes(md5(partition_key.encode("utf-8")).digest(), "big")


def uniform_ranges(count: int) -> list[tuple[int, int]]:
    """``count`` inclusive ranges tiling the hash space, AWS's layout (rule K.3).

    ``step = floor(2^128 / count)``; range i is ``[i*step, (i+1)*step - 1]``, and the last ends
    at ``2^128 - 1``.

    >>> uniform_ranges(2)[1][0] == 1 << 127
    True
    >>> uniform_ranges(3)[2][1] == MAX_HASH_KEY
    True
    """
    step = HASH_SPACE // count
    ranges = [(i * step, (i + 1) * step - 1) for i in range(count)]
    ranges[-1] = (ranges[-1][0], MAX_HASH_KEY)
    return ranges
