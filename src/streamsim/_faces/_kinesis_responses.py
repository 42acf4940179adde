"""The AWS shapes of Kinesis objects: shards, records, stream descriptions, child shards.

One renderer per shape, shared by every Kinesis operation that returns it.  Absent optional
members are omitted, not null (rule K.4); timestamps are UTC datetimes and ``Data`` is
``bytes``, as boto3 hands them out.
"""

from __future__ import annotations

from typing import Any

from streamsim._clock import ms_to_datetime
from streamsim._kinesis._shard import ARRIVAL, DATA, KEY, SEQ, KinesisRecord, KinesisShard
from streamsim._kinesis._stream import KinesisStream


def shard_dict(shard: KinesisShard) -> dict[str, Any]:
    """``Shard`` of DescribeStream and ListShards (rule K.4, K.10)."""
    out: dict[str, Any] = {"ShardId": shard.shard_id}
    if shard.parent_shard_id is not None:
        out["ParentShardId"] = shard.parent_shard_id
    if shard.adjacent_parent_shard_id is not None:
        out["AdjacentParentShardId"] = shard.adjacent_parent_shard_id
    out["HashKeyRange"] = hash_key_range(shard)
    numbers = {"StartingSequenceNumber": str(shard.starting_sequence_number)}
    if shard.ending_sequence_number is not None:
        numbers["EndingSequenceNumber"] = str(shard.ending_sequence_number)
    out["SequenceNumberRange"] = numbers
    return out


def hash_key_range(shard: KinesisShard) -> dict[str, str]:
    """``HashKeyRange``: decimal strings."""
    return {
        "StartingHashKey": str(shard.starting_hash_key),
        "EndingHashKey": str(shard.ending_hash_key),
    }


def child_shard_dict(child: KinesisShard) -> dict[str, Any]:
    """``ChildShard`` of GetRecords: the child, every parent of it, its range (rule K.10)."""
    parents = [child.parent_shard_id, child.adjacent_parent_shard_id]
    return {
        "ShardId": child.shard_id,
        "ParentShards": [p for p in parents if p is not None],
        "HashKeyRange": hash_key_range(child),
    }


def record_dict(record: KinesisRecord) -> dict[str, Any]:
    """``Record`` of GetRecords (rule K.9): no EncryptionType on an unencrypted stream."""
    return {
        "SequenceNumber": str(record[SEQ]),
        "ApproximateArrivalTimestamp": ms_to_datetime(record[ARRIVAL]),
        "Data": record[DATA],
        "PartitionKey": record[KEY],
    }


def mode_details(stream: KinesisStream) -> dict[str, str]:
    """``StreamModeDetails``."""
    return {"StreamMode": stream.mode}


def description(stream: KinesisStream, shards: list[KinesisShard], more: bool) -> dict[str, Any]:
    """``StreamDescription`` of DescribeStream with one page of shards."""
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStatus": stream.status,
        "StreamModeDetails": mode_details(stream),
        "Shards": [shard_dict(s) for s in shards],
        "HasMoreShards": more,
        "RetentionPeriodHours": stream.retention_hours,
        "StreamCreationTimestamp": ms_to_datetime(stream.created_ms),
        "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
        "EncryptionType": "NONE",
    }


def summary(stream: KinesisStream) -> dict[str, Any]:
    """``StreamDescriptionSummary`` of DescribeStreamSummary."""
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStatus": stream.status,
        "StreamModeDetails": mode_details(stream),
        "RetentionPeriodHours": stream.retention_hours,
        "StreamCreationTimestamp": ms_to_datetime(stream.created_ms),
        "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
        "EncryptionType": "NONE",
        "OpenShardCount": stream.open_shard_count,
        "ConsumerCount": 0,
        "MaxRecordSizeInKiB": 1024,
    }


def stream_summary(stream: KinesisStream) -> dict[str, Any]:
    """``StreamSummary`` of ListStreams."""
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStatus": stream.status,
        "StreamModeDetails": mode_details(stream),
        "StreamCreationTimestamp": ms_to_datetime(stream.created_ms),
    }
