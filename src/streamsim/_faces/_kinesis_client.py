"""``sim.client("kinesis")``: Amazon Kinesis Data Streams, shaped as boto3's client.

A thin translation over the Kinesis model (``streamsim._kinesis``): parameters are AWS's
names as keyword arguments, checked as botocore checks them (``_models/kinesis.py``) and then
against the service model's constraints (ValidationException, ``_kinesis_requests``); the
model makes the semantic checks (InvalidArgumentException, ResourceNotFoundException, ...) and
holds all state.  Responses carry the members botocore's ``kinesis`` model defines, plus
``ResponseMetadata``; ``Data`` is ``bytes`` and timestamps are timezone-aware datetimes, as
boto3 hands them out.  A rejected call changes nothing.

AWS behaviour: rule K.1-K.15.  Differs from AWS (choices, see docs/fidelity.md): no enhanced
fan-out, encryption, resource policies or account settings; ``StreamId`` is accepted and
ignored (AWS: "Not Implemented. Reserved").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamsim._clock import Clock
from streamsim._errors import InvalidArgumentException
from streamsim._kinesis._messages import stream_not_found
from streamsim._kinesis._reads import SHARD_FILTER_TYPES
from streamsim._kinesis._service import KinesisService
from streamsim._kinesis._stream import ON_DEMAND, PROVISIONED

from ._client_base import ClientExceptions, request_ids, response_metadata
from ._kinesis_data import KinesisDataPlane
from ._kinesis_paging import WAITERS, KinesisClientMeta, Paginator, StreamWaiter
from ._kinesis_requests import (
    HASH_KEY_RE,
    SHARD_ID_RE,
    STREAM_NAME_RE,
    Problems,
    check_stream,
)
from ._kinesis_responses import (
    description,
    shard_dict,
    stream_summary,
    summary,
)
from ._models.kinesis import OPERATIONS as KINESIS_OPERATIONS
from ._params import ParamValidationError
from ._streams_requests import timestamp_ms

DESCRIBE_LIMIT = 100  # rule K.4: DescribeStream returns at most 100 shards
LIST_STREAMS_LIMIT = 100  # rule K.4
LIST_SHARDS_LIMIT = 1_000  # rule K.4
LIST_TAGS_LIMIT = 10  # UNCONFIRMED default page of ListTagsForStream
SCALING_TYPES = ("UNIFORM_SCALING",)
STREAM_MODES = (PROVISIONED, ON_DEMAND)

#: boto3 method -> operation
METHODS = {
    "add_tags_to_stream": "AddTagsToStream",
    "create_stream": "CreateStream",
    "decrease_stream_retention_period": "DecreaseStreamRetentionPeriod",
    "delete_stream": "DeleteStream",
    "describe_stream": "DescribeStream",
    "describe_stream_summary": "DescribeStreamSummary",
    "get_records": "GetRecords",
    "get_shard_iterator": "GetShardIterator",
    "increase_stream_retention_period": "IncreaseStreamRetentionPeriod",
    "list_shards": "ListShards",
    "list_streams": "ListStreams",
    "list_tags_for_stream": "ListTagsForStream",
    "merge_shards": "MergeShards",
    "put_record": "PutRecord",
    "put_records": "PutRecords",
    "remove_tags_from_stream": "RemoveTagsFromStream",
    "split_shard": "SplitShard",
    "update_shard_count": "UpdateShardCount",
}


class KinesisClient(KinesisDataPlane):
    """The Kinesis Data Streams low-level client of a :class:`~streamsim.Simulation`.

    Get it with ``sim.client("kinesis")``.  Method names, parameters and responses are boto3's:
    a producer or consumer written for ``boto3.client("kinesis")`` runs unchanged.

    >>> from streamsim import Simulation
    >>> sim = Simulation(seed=1)
    >>> kinesis = sim.client("kinesis")
    >>> _ = kinesis.create_stream(StreamName="clicks", ShardCount=2)
    >>> kinesis.get_waiter("stream_exists").wait(StreamName="clicks")
    >>> kinesis.put_record(StreamName="clicks", Data=b"hi", PartitionKey="a")["ShardId"]
    'shardId-000000000000'
    """

    _CHECKS = KINESIS_OPERATIONS

    def __init__(self, service: KinesisService, clock: Clock, rng: Any) -> None:
        self._service = service
        self._reads = service.reads
        self._clock = clock
        self._request_ids = request_ids(rng)
        self.meta = KinesisClientMeta(service.region, METHODS)
        self.exceptions = ClientExceptions(
            "kinesis", {"ParamValidationError": ParamValidationError}
        )

    def __repr__(self) -> str:
        return f"<KinesisClient region={self._service.region}>"

    def _response_metadata(self, operation: str) -> dict[str, Any]:
        return response_metadata(self._request_ids(), 200, "application/x-amz-json-1.1")

    # --- boto3's helpers ------------------------------------------------------------------------

    def can_paginate(self, operation_name: str) -> bool:
        """Whether :meth:`get_paginator` supports ``operation_name`` (boto3 method name)."""
        return operation_name in ("describe_stream", "list_streams", "list_shards")

    def get_paginator(self, operation_name: str) -> Paginator:
        """A paginator for ``describe_stream``, ``list_streams`` or ``list_shards``."""
        if not self.can_paginate(operation_name):
            raise ValueError(f"Operation cannot be paginated: {operation_name}")
        return Paginator(getattr(self, operation_name), operation_name)

    def get_waiter(self, waiter_name: str) -> StreamWaiter:
        """A waiter: ``stream_exists`` or ``stream_not_exists``."""
        if waiter_name not in WAITERS:
            raise ValueError(f"Waiter does not exist: {waiter_name}")
        return StreamWaiter(self.describe_stream, self._clock, waiter_name)

    def close(self) -> None:
        """Nothing to release (boto3 closes its HTTP connections here)."""

    # --- streams --------------------------------------------------------------------------------

    def create_stream(self, **params: Any) -> dict[str, Any]:
        """CreateStream: a stream, CREATING for ``KinesisSettings.status_delay`` (rule K.4)."""
        return self._call("CreateStream", params, self._create_stream)

    def _create_stream(self, **p: Any) -> dict[str, Any]:
        problems = Problems()
        problems.text(p["StreamName"], "streamName", 128, STREAM_NAME_RE)
        problems.number(p.get("ShardCount"), "shardCount", 1, 100_000)
        mode = (p.get("StreamModeDetails") or {}).get("StreamMode", PROVISIONED)
        problems.enum(mode, "streamModeDetails.streamMode", STREAM_MODES)
        problems.tags(p.get("Tags"))
        problems.number(p.get("MaxRecordSizeInKiB"), "maxRecordSizeInKiB", 1024, 10240)
        problems.raise_any()
        if p.get("MaxRecordSizeInKiB", 1024) != 1024 or p.get("WarmThroughputMiBps"):
            raise InvalidArgumentException(
                "streamsim simulates the default record size (1024 KiB) and no warm throughput."
            )
        if p.get("RecordDistributionStrategy") not in (None, "USER_PARTITION_KEY"):
            raise InvalidArgumentException(
                "streamsim routes records by partition key only (USER_PARTITION_KEY)."
            )
        self._service.create_stream(p["StreamName"], p.get("ShardCount"), mode, p.get("Tags"))
        return {}

    def delete_stream(self, **params: Any) -> dict[str, Any]:
        """DeleteStream: DELETING, then gone (rule K.4)."""
        return self._call("DeleteStream", params, self._delete_stream)

    def _delete_stream(self, **p: Any) -> dict[str, Any]:
        check_stream(p).raise_any()
        self._service.delete_stream(self._stream(p))
        return {}

    def describe_stream(self, **params: Any) -> dict[str, Any]:
        """DescribeStream: the stream and one page of at most 100 listed shards (rule K.4)."""
        return self._call("DescribeStream", params, self._describe_stream)

    def _describe_stream(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.number(p.get("Limit"), "limit", 1, 10_000)
        problems.text(p.get("ExclusiveStartShardId"), "exclusiveStartShardId", 128, SHARD_ID_RE)
        problems.raise_any()
        stream = self._stream(p)
        limit = min(p.get("Limit", DESCRIBE_LIMIT), DESCRIBE_LIMIT)
        shards = stream.shards
        start = p.get("ExclusiveStartShardId")
        if start is not None:
            shards = [s for s in shards if s.shard_id > start]
        return {"StreamDescription": description(stream, shards[:limit], len(shards) > limit)}

    def describe_stream_summary(self, **params: Any) -> dict[str, Any]:
        """DescribeStreamSummary: the stream without its shards (rule K.4)."""
        return self._call("DescribeStreamSummary", params, self._describe_stream_summary)

    def _describe_stream_summary(self, **p: Any) -> dict[str, Any]:
        check_stream(p).raise_any()
        return {"StreamDescriptionSummary": summary(self._stream(p))}

    def list_streams(self, **params: Any) -> dict[str, Any]:
        """ListStreams: stream names and summaries by name, in pages (rule K.4)."""
        return self._call("ListStreams", params, self._list_streams)

    def _list_streams(self, **p: Any) -> dict[str, Any]:
        problems = Problems()
        problems.number(p.get("Limit"), "limit", 1, 10_000)
        problems.text(p.get("ExclusiveStartStreamName"), "exclusiveStartStreamName", 128, None)
        problems.raise_any()
        limit = min(p.get("Limit", LIST_STREAMS_LIMIT), LIST_STREAMS_LIMIT)
        after = p.get("ExclusiveStartStreamName")
        if p.get("NextToken") is not None:
            after = self._reads.open_next_token("streams", p["NextToken"])[0]
        streams = self._service.streams()
        if after is not None:
            streams = [s for s in streams if s.name > after]
        page, more = streams[:limit], len(streams) > limit
        out: dict[str, Any] = {
            "StreamNames": [s.name for s in page],
            "HasMoreStreams": more,
            "StreamSummaries": [stream_summary(s) for s in page],
        }
        if more:
            out["NextToken"] = self._reads.next_token("streams", page[-1].name)
        return out

    # --- shards ---------------------------------------------------------------------------------

    def list_shards(self, **params: Any) -> dict[str, Any]:
        """ListShards: listed shards by id, filtered and in pages (rule K.4)."""
        return self._call("ListShards", params, self._list_shards)

    def _list_shards(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.number(p.get("MaxResults"), "maxResults", 1, 10_000)
        problems.text(p.get("ExclusiveStartShardId"), "exclusiveStartShardId", 128, SHARD_ID_RE)
        shard_filter = p.get("ShardFilter")
        if shard_filter is not None:
            problems.enum(shard_filter["Type"], "shardFilter.type", SHARD_FILTER_TYPES)
            problems.text(shard_filter.get("ShardId"), "shardFilter.shardId", 128, SHARD_ID_RE)
        problems.raise_any()
        token = p.get("NextToken")
        if token is not None:
            for name in (
                "StreamName",
                "StreamARN",
                "ExclusiveStartShardId",
                "StreamCreationTimestamp",
                "ShardFilter",
            ):
                if name in p:
                    raise InvalidArgumentException(
                        f"NextToken and {name} cannot be provided together."
                    )
            name, generation, after, kind, shard_id, at = self._reads.open_next_token(
                "shards", token
            )
            stream = self._service.stream(name)
            if stream.generation != int(generation):
                raise InvalidArgumentException(f"Invalid NextToken: stream {name} was re-created.")
            filter_id = shard_id or None
            at_ms = int(at) if at else None
        else:
            if "StreamName" not in p and "StreamARN" not in p:
                raise InvalidArgumentException("Either NextToken or StreamName should be provided.")
            stream = self._stream(p)
            created_at = p.get("StreamCreationTimestamp")
            if created_at is not None and timestamp_ms(created_at) != stream.created_ms:
                raise stream_not_found(stream.name, stream.account_id)
            after = p.get("ExclusiveStartShardId") or ""
            kind = (shard_filter or {}).get("Type", "FROM_TRIM_HORIZON")
            filter_id = (shard_filter or {}).get("ShardId")
            ts = (shard_filter or {}).get("Timestamp")
            at_ms = None if ts is None else timestamp_ms(ts)
        shards = self._reads.filtered_shards(stream, kind, filter_id, at_ms)
        if after:
            shards = [s for s in shards if s.shard_id > after]
        limit = min(p.get("MaxResults", LIST_SHARDS_LIMIT), LIST_SHARDS_LIMIT)
        out: dict[str, Any] = {"Shards": [shard_dict(s) for s in shards[:limit]]}
        if len(shards) > limit:
            out["NextToken"] = self._reads.next_token(
                "shards",
                stream.name,
                str(stream.generation),
                shards[limit - 1].shard_id,
                kind,
                filter_id or "",
                "" if at_ms is None else str(at_ms),
            )
        return out

    # --- resharding -----------------------------------------------------------------------------

    def split_shard(self, **params: Any) -> dict[str, Any]:
        """SplitShard: UPDATING, then two children of the shard (rule K.12)."""
        return self._call("SplitShard", params, self._split_shard)

    def _split_shard(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.text(p["ShardToSplit"], "shardToSplit", 128, SHARD_ID_RE)
        problems.text(p["NewStartingHashKey"], "newStartingHashKey", 2048, HASH_KEY_RE)
        problems.raise_any()
        stream = self._stream(p)
        self._service.split_shard(stream, p["ShardToSplit"], p["NewStartingHashKey"])
        return {}

    def merge_shards(self, **params: Any) -> dict[str, Any]:
        """MergeShards: UPDATING, then one child of the two adjacent shards (rule K.12)."""
        return self._call("MergeShards", params, self._merge_shards)

    def _merge_shards(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.text(p["ShardToMerge"], "shardToMerge", 128, SHARD_ID_RE)
        problems.text(p["AdjacentShardToMerge"], "adjacentShardToMerge", 128, SHARD_ID_RE)
        problems.raise_any()
        stream = self._stream(p)
        self._service.merge_shards(stream, p["ShardToMerge"], p["AdjacentShardToMerge"])
        return {}

    def update_shard_count(self, **params: Any) -> dict[str, Any]:
        """UpdateShardCount: UPDATING, then the target count of uniform shards (rule K.13)."""
        return self._call("UpdateShardCount", params, self._update_shard_count)

    def _update_shard_count(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.number(p["TargetShardCount"], "targetShardCount", 1, 100_000)
        problems.enum(p["ScalingType"], "scalingType", SCALING_TYPES)
        problems.raise_any()
        stream = self._stream(p)
        target = p["TargetShardCount"]
        current = self._service.update_shard_count(stream, target)
        return {
            "StreamName": stream.name,
            "CurrentShardCount": current,
            "TargetShardCount": target,
            "StreamARN": stream.arn,
        }

    # --- retention ------------------------------------------------------------------------------

    def increase_stream_retention_period(self, **params: Any) -> dict[str, Any]:
        """IncreaseStreamRetentionPeriod: up to 8760 hours (rule K.11)."""
        return self._call("IncreaseStreamRetentionPeriod", params, self._increase)

    def decrease_stream_retention_period(self, **params: Any) -> dict[str, Any]:
        """DecreaseStreamRetentionPeriod: down to 24 hours (rule K.11)."""
        return self._call("DecreaseStreamRetentionPeriod", params, self._decrease)

    def _increase(self, **p: Any) -> dict[str, Any]:
        return self._retention(p, increase=True)

    def _decrease(self, **p: Any) -> dict[str, Any]:
        return self._retention(p, increase=False)

    def _retention(self, p: Mapping[str, Any], *, increase: bool) -> dict[str, Any]:
        check_stream(p).raise_any()
        stream = self._stream(p)
        self._service.change_retention(stream, p["RetentionPeriodHours"], increase=increase)
        return {}

    # --- tags -----------------------------------------------------------------------------------

    def add_tags_to_stream(self, **params: Any) -> dict[str, Any]:
        """AddTagsToStream: add or overwrite tags (at most 50 per stream)."""
        return self._call("AddTagsToStream", params, self._add_tags)

    def _add_tags(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.tags(p["Tags"])
        problems.raise_any()
        self._service.add_tags(self._stream(p), dict(p["Tags"]))
        return {}

    def remove_tags_from_stream(self, **params: Any) -> dict[str, Any]:
        """RemoveTagsFromStream: remove tags by key (unknown keys are ignored)."""
        return self._call("RemoveTagsFromStream", params, self._remove_tags)

    def _remove_tags(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        if len(p["TagKeys"]) > 50:
            problems.add(p["TagKeys"], "tagKeys", "have length less than or equal to 50")
        for i, key in enumerate(p["TagKeys"], 1):
            problems.text(key, f"tagKeys.{i}.member", 128, None)
        problems.raise_any()
        self._service.remove_tags(self._stream(p), p["TagKeys"])
        return {}

    def list_tags_for_stream(self, **params: Any) -> dict[str, Any]:
        """ListTagsForStream: tags by key, in pages (default 10, at most 50)."""
        return self._call("ListTagsForStream", params, self._list_tags)

    def _list_tags(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.number(p.get("Limit"), "limit", 1, 50)
        problems.text(p.get("ExclusiveStartTagKey"), "exclusiveStartTagKey", 128, None)
        problems.raise_any()
        stream = self._stream(p)
        keys = sorted(stream.tags)
        after = p.get("ExclusiveStartTagKey")
        if after is not None:
            keys = [k for k in keys if k > after]
        limit = p.get("Limit", LIST_TAGS_LIMIT)
        return {
            "Tags": [{"Key": k, "Value": stream.tags[k]} for k in keys[:limit]],
            "HasMoreTags": len(keys) > limit,
        }
