"""Kinesis sequence numbers: 56-digit decimals with the layout observed on AWS (rule K.7).

A number is 47 hexadecimal digits, read as one integer, from the most significant end::

    2 | shard creation seconds (9) | shard index low nibble (1) | sequence index (16) |
    byte (2) | put seconds (9) | shard index (8) | 2

Within a shard the creation seconds and the index are fixed and the sequence index grows by
one per record, so numbers strictly increase in a shard whatever the put seconds; the shard
index in the low digits keeps numbers of different shards apart, so none repeats in a stream.
A shard's StartingSequenceNumber has sequence index 0; a closed shard's EndingSequenceNumber
has the largest index (``0x7fffffffffffffff``), above every record's.
"""

from __future__ import annotations

from collections.abc import Iterable

_SEQ_SHIFT = 80
_PUT_SHIFT = 36
_INDEX_SHIFT = 4
_CREATE_SHIFT = 148
_NIBBLE_SHIFT = 144
_TOP = 2 << 184
ENDING_INDEX = 0x7FFF_FFFF_FFFF_FFFF  # rule K.7: a closed shard's synthetic upper bound
_MASK_32 = 0xFFFF_FFFF
_MASK_36 = (1 << 36) - 1


def shard_base(shard_index: int, created_s: int) -> int:
    """The fixed part of every number of one shard (index and creation second)."""
    return (
        _TOP
        | ((created_s & _MASK_36) << _CREATE_SHIFT)
        | ((shard_index & 0xF) << _NIBBLE_SHIFT)
        | ((shard_index & _MASK_32) << _INDEX_SHIFT)
        | 2
    )


def sequence_number(base: int, seq_index: int, put_s: int) -> int:
    """The number of the ``seq_index``-th point of a shard, written at second ``put_s``.

    >>> base = shard_base(1, 1_704_067_200)
    >>> len(str(sequence_number(base, 1, 1_704_067_200)))
    56
    >>> sequence_number(base, 1, 9) < sequence_number(base, 2, 0)
    True
    """
    return base | (seq_index << _SEQ_SHIFT) | ((put_s & _MASK_36) << _PUT_SHIFT)


def sequence_numbers(base: int, first_index: int, arrivals_ms: Iterable[int]) -> list[int]:
    """The numbers of a run of points of one shard, from the ``first_index``-th on, written at
    ``arrivals_ms`` (one per point): :func:`sequence_number` of each, in one loop.

    >>> base = shard_base(1, 1_704_067_200)
    >>> sequence_numbers(base, 5, [7_000, 9_500]) == [
    ...     sequence_number(base, 5, 7), sequence_number(base, 6, 9)]
    True
    """
    return [
        base | (index << _SEQ_SHIFT) | ((arrival // 1_000 & _MASK_36) << _PUT_SHIFT)
        for index, arrival in enumerate(arrivals_ms, first_index)
    ]


def shard_index_of(number: int) -> int:
    """The shard index a number encodes."""
    return (number >> _INDEX_SHIFT) & _MASK_32


def created_s_of(number: int) -> int:
    """The shard creation second a number encodes."""
    return (number >> _CREATE_SHIFT) & _MASK_36
