"""The Kinesis client's data plane: PutRecord, PutRecords, GetShardIterator, GetRecords.

:class:`KinesisDataPlane` is the part of ``sim.client("kinesis")`` that writes and reads
records (the control plane is :class:`~._kinesis_client.KinesisClient`, which extends it).
Same conventions as the client: botocore's checks, then the model's constraints
(ValidationException), then the model's semantic checks.

AWS behaviour: rule K.5-K.10.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamsim._errors import DryRunOperationException, InvalidArgumentException
from streamsim._kinesis._reads import ITERATOR_TYPES, KinesisReads
from streamsim._kinesis._service import KinesisService, PutFailure
from streamsim._kinesis._stream import KinesisStream

from ._client_base import ClientBase
from ._kinesis_requests import (
    MAX_DATA_BYTES,
    MAX_PARTITION_KEY,
    SEQUENCE_NUMBER_RE,
    SHARD_ID_RE,
    as_bytes,
    check_record_entry,
    check_stream,
)
from ._kinesis_responses import child_shard_dict, record_dict
from ._streams_requests import timestamp_ms

GET_RECORDS_LIMIT = 10_000  # rule K.9
MAX_PUT_RECORDS = 500  # rule K.6


def _dry_run(params: Mapping[str, Any]) -> None:
    if params.get("DryRun"):
        raise DryRunOperationException("Request would have succeeded, but DryRun flag is set.")


class KinesisDataPlane(ClientBase):
    """The record operations of the Kinesis client (see the module docstring)."""

    _service: KinesisService
    _reads: KinesisReads

    def _stream(self, p: Mapping[str, Any], *, usable: bool = False) -> KinesisStream:
        find = self._service.usable if usable else self._service.stream
        return find(p.get("StreamName"), p.get("StreamARN"))

    # --- records --------------------------------------------------------------------------------

    def put_record(self, **params: Any) -> dict[str, Any]:
        """PutRecord: one record to the open shard of its hash key (rule K.5, K.6)."""
        return self._call("PutRecord", params, self._put_record)

    def _put_record(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        data = as_bytes(p["Data"])
        check_record_entry(problems, data, p.get("PartitionKey"), p.get("ExplicitHashKey"), "")
        problems.text(
            p.get("SequenceNumberForOrdering"), "sequenceNumberForOrdering", 256, SEQUENCE_NUMBER_RE
        )
        problems.raise_any()
        stream = self._stream(p, usable=True)
        _dry_run(p)
        result = self._service.put_record(
            stream,
            p["PartitionKey"],
            data,
            p.get("ExplicitHashKey"),
            p.get("SequenceNumberForOrdering"),
        )
        return {"ShardId": result.shard.shard_id, "SequenceNumber": str(result.sequence_number)}

    def put_records(self, **params: Any) -> dict[str, Any]:
        """PutRecords: 1-500 records, each succeeding or failing on its own (rule K.6)."""
        return self._call("PutRecords", params, self._put_records)

    def _put_records(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        records = p["Records"]
        if len(records) > MAX_PUT_RECORDS:
            problems.add(records, "records", "have length less than or equal to 500")
        entries = []
        for i, entry in enumerate(records, 1):
            data = entry["Data"]
            if type(data) is not bytes:
                data = as_bytes(data)
            pk, explicit = entry.get("PartitionKey"), entry.get("ExplicitHashKey")
            if (
                explicit is not None
                or pk is None
                or len(pk) > MAX_PARTITION_KEY
                or len(data) > MAX_DATA_BYTES
            ):
                check_record_entry(problems, data, pk, explicit, f"records.{i}.member.")
            # else: nothing check_record_entry would find (it names the entry's members)
            entries.append((pk, data, explicit))
        problems.raise_any()
        stream = self._stream(p, usable=True)
        _dry_run(p)
        out: list[dict[str, Any]] = []
        failed = 0
        for result in self._service.put_records(stream, entries):
            if isinstance(result, PutFailure):
                failed += 1
                out.append({"ErrorCode": result.error_code, "ErrorMessage": result.error_message})
            else:
                shard, number = result
                out.append({"SequenceNumber": str(number), "ShardId": shard.shard_id})
        return {"FailedRecordCount": failed, "Records": out}

    def get_shard_iterator(self, **params: Any) -> dict[str, Any]:
        """GetShardIterator: a position in a shard, valid for 5 minutes (rule K.8)."""
        return self._call("GetShardIterator", params, self._get_shard_iterator)

    def _get_shard_iterator(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.text(p["ShardId"], "shardId", 128, SHARD_ID_RE)
        problems.enum(p["ShardIteratorType"], "shardIteratorType", ITERATOR_TYPES)
        problems.text(
            p.get("StartingSequenceNumber"), "startingSequenceNumber", 256, SEQUENCE_NUMBER_RE
        )
        problems.raise_any()
        at = p.get("Timestamp")
        at_ms = None if at is None else timestamp_ms(at)
        stream = self._stream(p, usable=True)
        shard = self._service.shard(stream, p["ShardId"])
        iterator = self._reads.shard_iterator(
            stream, shard, p["ShardIteratorType"], p.get("StartingSequenceNumber"), at_ms
        )
        _dry_run(p)
        return {"ShardIterator": iterator}

    def get_records(self, **params: Any) -> dict[str, Any]:
        """GetRecords: records from an iterator's position and where to read next (K.9, K.10)."""
        return self._call("GetRecords", params, self._get_records)

    def _get_records(self, **p: Any) -> dict[str, Any]:
        problems = check_stream(p)
        problems.text(p["ShardIterator"], "shardIterator", 512, None)
        problems.number(p.get("Limit"), "limit", 1, GET_RECORDS_LIMIT)
        problems.raise_any()
        arn = p.get("StreamARN")
        if arn is not None and self._reads.iterator_stream(p["ShardIterator"]).arn != arn:
            raise InvalidArgumentException(
                f"The ShardIterator does not belong to the stream {arn} named by StreamARN."
            )
        _dry_run(p)
        page = self._reads.get_records(p["ShardIterator"], p.get("Limit", GET_RECORDS_LIMIT))
        out: dict[str, Any] = {"Records": [record_dict(r) for r in page.records]}
        if page.next_iterator is not None:
            out["NextShardIterator"] = page.next_iterator
        out["MillisBehindLatest"] = page.millis_behind_latest
        if page.child_shards:
            out["ChildShards"] = [child_shard_dict(c) for c in page.child_shards]
        return out
