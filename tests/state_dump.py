"""A canonical dump of a simulation's state through the public API, for "nothing changed" checks.

Every table (DescribeTable minus nothing, DescribeTimeToLive, every item by a paged Scan),
every stream (DescribeStream, and every record of every shard read with GetRecords from
TRIM_HORIZON), every event source mapping, and the messages of the queues given.  Two dumps
are equal exactly when a test can see no difference.  Reading the shards needs
``StreamSettings(max_readers_per_shard=None)`` (the dump is one more reader of each shard).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from streamsim import Simulation


def _strip(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata", None)
    return response


def _pages(call: Any, token_in: str, token_out: str, **params: Any) -> list[dict[str, Any]]:
    pages = []
    while True:
        page = _strip(call(**params))
        pages.append(page)
        token = page.get(token_out)
        if token is None:
            return pages
        params[token_in] = token


def _shard_records(streams: Any, arn: str, shard_id: str) -> list[Any]:
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[Any] = []
    while iterator is not None:
        page = streams.get_records(ShardIterator=iterator)
        if not page["Records"]:
            break
        records.extend(page["Records"])
        iterator = page.get("NextShardIterator")
    return records


def dump_state(sim: Simulation, queues: Iterable[Any] = ()) -> str:
    """The canonical text of everything the public API shows of ``sim`` (and ``queues``)."""
    dynamodb = sim.client("dynamodb")
    streams = sim.client("dynamodbstreams")
    out: list[Any] = []
    names = [
        n
        for p in _pages(dynamodb.list_tables, "ExclusiveStartTableName", "LastEvaluatedTableName")
        for n in p["TableNames"]
    ]
    for name in names:
        items = [
            item
            for page in _pages(
                dynamodb.scan,
                "ExclusiveStartKey",
                "LastEvaluatedKey",
                TableName=name,
                ConsistentRead=True,
            )
            for item in page["Items"]
        ]
        out.append(
            (
                name,
                _strip(dynamodb.describe_table(TableName=name)),
                _strip(dynamodb.describe_time_to_live(TableName=name)),
                sorted(repr(sorted(item.items())) for item in items),
            )
        )
    for page in _pages(streams.list_streams, "ExclusiveStartStreamArn", "LastEvaluatedStreamArn"):
        for summary in page["Streams"]:
            arn = summary["StreamArn"]
            shards = [
                shard
                for p in _pages(
                    streams.describe_stream,
                    "ExclusiveStartShardId",
                    "LastEvaluatedShardId",
                    StreamArn=arn,
                )
                for shard in p["StreamDescription"]["Shards"]
            ]
            out.append((arn, shards, [_shard_records(streams, arn, s["ShardId"]) for s in shards]))
    mappings = sim.client("lambda").list_event_source_mappings()["EventSourceMappings"]
    out.append(sorted(repr(sorted(m.items())) for m in mappings))
    out.append([list(queue.messages) for queue in queues])
    return repr(out)
