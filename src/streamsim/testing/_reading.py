"""Read a stream as a careful consumer does: every readable record, parents before children.

:func:`read_stream` uses only the public DynamoDB Streams API (``sim.client("dynamodbstreams")``,
or a real boto3 client) and returns a :class:`StreamRead`: the records in read order, with one
:class:`ShardRead` per shard (for the per-shard checks of :mod:`._history`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

# --- reading --------------------------------------------------------------------------------------


@attrs.frozen
class ShardRead:
    """What a reader got from one shard: its DescribeStream entry and its records, in order."""

    shard_id: str
    parent_shard_id: str | None
    starting_sequence_number: str
    ending_sequence_number: str | None
    records: tuple[dict[str, Any], ...]


class StreamRead(list[dict[str, Any]]):
    """The records :func:`read_stream` read, in read order (a plain list of ``Record`` dicts).

    Attributes:
        stream_arn: the stream read.
        shards: one :class:`ShardRead` per shard, in the order the shards were read.
        view_type: the stream's StreamViewType (from DescribeStream).
    """

    def __init__(self, stream_arn: str, view_type: str | None, shards: Sequence[ShardRead]) -> None:
        super().__init__(record for shard in shards for record in shard.records)
        self.stream_arn = stream_arn
        self.view_type = view_type
        self.shards = list(shards)


def _streams_client(client_or_sim: Any) -> Any:
    client = getattr(client_or_sim, "client", None)
    if callable(client) and not hasattr(client_or_sim, "get_records"):
        return client("dynamodbstreams")
    return client_or_sim


def read_stream(client_or_sim: Any, stream_arn: str, *, limit: int | None = None) -> StreamRead:
    """Read every readable record of a stream, parents before children, as a consumer would.

    Only the public DynamoDB Streams API is used: DescribeStream (following
    ``LastEvaluatedShardId``), then for each shard in lineage order (a shard after its parent,
    when the parent is listed; siblings in shard-id order) GetShardIterator at TRIM_HORIZON and
    GetRecords until ``NextShardIterator`` is absent (a closed shard read to its end) or a call
    returns no records (an open shard read up to now).

    Args:
        client_or_sim: a :class:`~streamsim.Simulation` (its ``dynamodbstreams`` client is
            used) or any boto3-shaped DynamoDB Streams client, real AWS included.
        stream_arn: the stream to read.
        limit: GetRecords ``Limit`` (default: the service's, 1000).

    Returns:
        A :class:`StreamRead`: the ``Record`` dicts in read order, with ``.shards``.

    Raises:
        whatever the API raises (ResourceNotFoundException for an unknown stream,
        LimitExceededException when too many readers read the same shard within a second).
    """
    client = _streams_client(client_or_sim)
    shards: list[dict[str, Any]] = []
    view_type: str | None = None
    params: dict[str, Any] = {"StreamArn": stream_arn}
    while True:
        description = client.describe_stream(**params)["StreamDescription"]
        view_type = description.get("StreamViewType")
        shards.extend(description["Shards"])
        last = description.get("LastEvaluatedShardId")
        if not last:
            break
        params["ExclusiveStartShardId"] = last
    listed = {s["ShardId"] for s in shards}
    children: dict[str, list[dict[str, Any]]] = {}
    queue: list[dict[str, Any]] = []
    for shard in sorted(shards, key=lambda s: s["ShardId"]):
        parent = shard.get("ParentShardId")
        if parent is not None and parent in listed:
            children.setdefault(parent, []).append(shard)
        else:
            queue.append(shard)
    reads: list[ShardRead] = []
    get: dict[str, Any] = {} if limit is None else {"Limit": limit}
    i = 0
    while i < len(queue):
        shard = queue[i]
        i += 1
        iterator = client.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        got: list[dict[str, Any]] = []
        while iterator:
            response = client.get_records(ShardIterator=iterator, **get)
            got.extend(response["Records"])
            iterator = response.get("NextShardIterator")
            if not response["Records"]:
                break
        numbers = shard["SequenceNumberRange"]
        reads.append(
            ShardRead(
                shard_id=shard["ShardId"],
                parent_shard_id=shard.get("ParentShardId"),
                starting_sequence_number=numbers["StartingSequenceNumber"],
                ending_sequence_number=numbers.get("EndingSequenceNumber"),
                records=tuple(got),
            )
        )
        queue.extend(children.get(shard["ShardId"], ()))
    return StreamRead(stream_arn, view_type, reads)
