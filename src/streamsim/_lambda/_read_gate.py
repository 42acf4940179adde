"""The poller's reads of a source that shares its read budget: a Kinesis shard's throughput.

A Kinesis shard serves 5 GetRecords calls and 2 MiB a second, shared by every standard
consumer of the shard (rule K.14), and Lambda's poller is one of them (rule L.7).  The poller
reads a shard at its polls; :class:`ShardReadGate` tells it whether the shard would admit a
GetRecords call now (else when it will), and charges each poll that read records as one call
returning those records.  A DynamoDB stream has no such budget here (its source has no gate).

The gate reads the stream through :class:`ReadBudget` (``_lambda`` does not import
``_kinesis``; the model hands the stream over).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ._source import SourceShard


class ReadBudget(Protocol):
    """What the gate asks of a stream whose shards have a read budget."""

    def read_wait_ms(self, shard: Any) -> int:
        """0 when ``shard`` admits a read now, else the ms until it will."""

    def charge_read(self, shard: Any, records: Sequence[Any]) -> None:
        """Charge one read call returning ``records`` against ``shard``'s budget."""


class ShardReadGate:
    """The poller's side of a stream's per-shard read budget (rule L.7)."""

    __slots__ = ("_stream",)

    def __init__(self, stream: ReadBudget) -> None:
        self._stream = stream

    def wait_ms(self, shard: SourceShard) -> int:
        """0 when the poller may read ``shard`` now, else the ms until it may."""
        return self._stream.read_wait_ms(shard)

    def charge(self, shard: SourceShard, start: int, end: int) -> None:
        """Charge one read of ``shard``'s records at positions ``start`` to ``end`` (one
        GetRecords call, however many records)."""
        self._stream.charge_read(shard, shard.read(start, end - start))
