"""``sim.client("dynamodbstreams")``: the DynamoDB Streams API, shaped as boto3's client.

Four operations over the stream model (``_streams._stream``, ``_streams._shard``):
``list_streams``, ``describe_stream``, ``get_shard_iterator`` and ``get_records``.  Parameters
are AWS's names as keyword arguments; responses carry exactly the members botocore's
``dynamodbstreams`` model defines, plus ``ResponseMetadata``; timestamps are timezone-aware
datetimes and binary values ``bytes``, as boto3 hands them to its callers.  Errors are the
``streamsim._errors`` classes (``client.exceptions.<Code>`` as with boto3).

Shard iterators are opaque strings ``<StreamArn>|1|<token>`` (the shape real ones have, rule
A.3).  The token carries everything a read needs (shard id, position, issue time, reader id)
plus a keyed checksum, so the service keeps no per-iterator state: memory does not grow with
the number of iterators handed out.  A position is a sequence number: the iterator reads the
shard's records numbered at or above it.

AWS behaviour: rule A.2-A.9 and checklist G.1-G.5.  Validation order: botocore's client-side
checks (unknown / missing parameters, types, minimum lengths and values, as
:class:`~streamsim._faces._params.ParamValidationError`), then the service's checks
(ValidationException), then existence (ResourceNotFoundException), then state (expired,
throttled, trimmed).

Differs from AWS (choices, see docs/fidelity.md):

* ``LastEvaluatedStreamArn`` / ``LastEvaluatedShardId`` appear only when more results follow
  (AWS may also return them on a full last page).
* ``ShardFilter`` naming a shard that is not listed raises ResourceNotFoundException
  (UNCONFIRMED, rule F.4); it combines with ``Limit`` and ``ExclusiveStartShardId`` by filtering
  first, then paging.
* A closed shard's last records come back without ``NextShardIterator`` at once (AWS may first
  hand out one more iterator that then returns no records; both are allowed by rule A.7).
* ``AT_SEQUENCE_NUMBER``/``AFTER_SEQUENCE_NUMBER`` with a number below the shard's
  ``StartingSequenceNumber``, above a closed shard's ``EndingSequenceNumber`` or never issued
  by the stream raises ValidationException (UNCONFIRMED, rule F.6).
* ``AT_TIMESTAMP`` (in botocore's model since 2025, not in the spec) is supported as botocore
  documents it.
* Readers: an iterator chain (one GetShardIterator call and the NextShardIterators that follow
  it) is one reader; more than ``max_readers_per_shard`` distinct readers of one shard within
  one second raise LimitExceededException.
"""

from __future__ import annotations

import binascii
from base64 import urlsafe_b64decode, urlsafe_b64encode
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from hashlib import blake2b
from typing import Any

from streamsim._clock import MS_PER_SECOND, ms_to_datetime
from streamsim._dynamodb._catalog import TABLE_NAME_RE  # rule A.2
from streamsim._errors import (
    ExpiredIteratorException,
    LimitExceededException,
    ResourceNotFoundException,
    TrimmedDataAccessException,
    ValidationException,
)
from streamsim._model import Model
from streamsim._streams._records import SEQ
from streamsim._streams._render import streams_records
from streamsim._streams._shard import Shard
from streamsim._streams._stream import Stream

from ._client_base import ClientBase, ClientExceptions, request_ids, response_metadata
from ._models.dynamodbstreams import OPERATIONS as STREAMS_OPERATIONS
from ._param_shapes import OperationSpec
from ._streams_requests import (
    SEQUENCE_NUMBER_RE,
    check_limit,
    check_shard_id,
    check_stream_arn,
    constraint_error,
    timestamp_ms,
)

LIST_LIMIT_MAX = 100  # rule A.4, A.5: ListStreams / DescribeStream Limit 1..100
DEFAULT_LIST_LIMIT = 100  # rule A.4: default page size UNCONFIRMED, assume 100
GET_RECORDS_LIMIT_MAX = 1000  # rule A.7: Limit 1..1000, default 1000
GET_RECORDS_MAX_BYTES = 1024 * 1024  # rule A.7: 1 MB of SizeBytes per call
READER_WINDOW_MS = MS_PER_SECOND  # rule A.9: readers counted per shard within one second
ITERATOR_VERSION = "1"  # rule A.3: the middle field of real iterators ("1" or "2")
ITERATOR_MAX_CHARS = 2048  # rule A.2: ShardIterator length 1..2048
ITERATOR_TYPES = (
    "TRIM_HORIZON",
    "LATEST",
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "AT_TIMESTAMP",
)  # rule A.2 (+ AT_TIMESTAMP, botocore 1.39+)
SHARD_FILTER_TYPES = ("CHILD_SHARDS",)  # rule A.2

#: operation -> (required members, {member: (kind, minimum)}): botocore's client-side checks,
#: generated from its dynamodbstreams model
_OPERATIONS: dict[str, OperationSpec] = STREAMS_OPERATIONS


class DynamoDBStreamsClient(ClientBase):
    """The DynamoDB Streams low-level client of a :class:`~streamsim.Simulation`.

    Get it with ``sim.client("dynamodbstreams")``.  Method names, parameters and responses are
    boto3's: a consumer written for ``boto3.client("dynamodbstreams")`` runs unchanged.

    >>> from streamsim import Simulation
    >>> sim = Simulation(seed=1)
    >>> table = sim.create_table("orders", hash_key="pk", stream_view_type="KEYS_ONLY")
    >>> streams = sim.client("dynamodbstreams")
    >>> [s["TableName"] for s in streams.list_streams()["Streams"]]
    ['orders']
    """

    def __init__(self, model: Model) -> None:
        self._model = model
        self._clock = model.clock
        self._key = blake2b(f"streamsim/{model.seed}/iterators".encode(), digest_size=32).digest()
        self._request_ids = request_ids(model.rng("dynamodbstreams/request-ids"))
        self.exceptions = ClientExceptions("dynamodbstreams")

    # --- shared pieces --------------------------------------------------------------------------

    _CHECKS = _OPERATIONS

    def _response_metadata(self, operation: str) -> dict[str, Any]:
        """``ResponseMetadata`` as botocore builds it (request id from the seeded source)."""
        request_id = self._request_ids()
        return response_metadata(request_id, 200, "application/x-amz-json-1.0")

    def _stream(self, arn: str) -> Stream:
        stream = self._model.find_stream(arn)
        if stream is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Stream: {arn} not found"
            )
        return stream

    @staticmethod
    def _shard(stream: Stream, shard_id: str) -> Shard:
        shard = stream.shard(shard_id)
        if shard is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Shard: {shard_id} in Stream: {stream.arn} "
                "not found (it never existed, or all its records were trimmed)"
            )
        return shard

    def _iterator(self, arn: str, shard_id: str, position: int, reader: int) -> str:
        body = f"{shard_id}:{position:x}:{self._clock.now_ms:x}:{reader:x}"
        mac = blake2b(f"{arn}|{body}".encode(), key=self._key, digest_size=8).hexdigest()
        token = urlsafe_b64encode(f"{body}:{mac}".encode()).decode("ascii")
        return f"{arn}|{ITERATOR_VERSION}|{token}"

    def _parse_iterator(self, iterator: str) -> tuple[str, str, int, int, int]:
        """``(stream arn, shard id, position, issued ms, reader)`` of an iterator we issued."""
        parts = iterator.split("|")
        try:
            if len(parts) != 3 or parts[1] != ITERATOR_VERSION:
                raise ValueError
            arn, _, token = parts
            text = urlsafe_b64decode(token.encode("ascii")).decode("ascii")
            body, _, mac = text.rpartition(":")
            expected = blake2b(f"{arn}|{body}".encode(), key=self._key, digest_size=8)
            if mac != expected.hexdigest():
                raise ValueError
            shard_id, position, issued, reader = body.split(":")
            return arn, shard_id, int(position, 16), int(issued, 16), int(reader, 16)
        except (ValueError, UnicodeError, binascii.Error):
            shown = iterator if len(iterator) <= 80 else iterator[:77] + "..."
            raise ValidationException(
                f"Invalid ShardIterator: {shown!r} is not an iterator returned by "
                "GetShardIterator or GetRecords"
            ) from None

    # --- ListStreams ----------------------------------------------------------------------------

    def list_streams(self, **params: Any) -> dict[str, Any]:
        """ListStreams: the streams of the account, optionally of one table (rule A.4).

        Args (keyword, AWS names):
            TableName: only this table's streams (deleted tables' streams are listed for the
                retention period).
            Limit: 1-100 streams per page (default 100).
            ExclusiveStartStreamArn: the ``LastEvaluatedStreamArn`` of the previous page.

        Returns:
            ``{"Streams": [{"StreamArn", "TableName", "StreamLabel"}, ...]}`` in ARN order, plus
            ``LastEvaluatedStreamArn`` when more streams follow.

        Raises:
            ValidationException: a bad Limit, TableName or ExclusiveStartStreamArn.
            ResourceNotFoundException: ``TableName`` names no table and no listed stream.
        """
        return self._call("ListStreams", params, self._list_streams)

    def _list_streams(
        self,
        TableName: str | None = None,
        Limit: int | None = None,
        ExclusiveStartStreamArn: str | None = None,
    ) -> dict[str, Any]:
        limit = DEFAULT_LIST_LIMIT if Limit is None else check_limit(Limit, LIST_LIMIT_MAX)
        if TableName is not None and not TABLE_NAME_RE.fullmatch(TableName):
            raise constraint_error(
                TableName,
                "tableName",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have "
                "length between 3 and 255",
            )
        if ExclusiveStartStreamArn is not None:
            check_stream_arn(ExclusiveStartStreamArn, "exclusiveStartStreamArn")
        streams = self._model.streams
        if TableName is not None:
            streams = [s for s in streams if s.table_name == TableName]
            if not streams and TableName not in self._model.tables:
                raise ResourceNotFoundException(
                    f"Requested resource not found: Table: {TableName} not found"
                )
        streams.sort(key=_stream_arn)
        start = 0
        if ExclusiveStartStreamArn is not None:
            start = bisect_right(streams, ExclusiveStartStreamArn, key=_stream_arn)
        page = streams[start : start + limit]
        out: dict[str, Any] = {
            "Streams": [
                {"StreamArn": s.arn, "TableName": s.table_name, "StreamLabel": s.label}
                for s in page
            ]
        }
        if start + limit < len(streams):
            out["LastEvaluatedStreamArn"] = page[-1].arn
        return out

    # --- DescribeStream -------------------------------------------------------------------------

    def describe_stream(self, **params: Any) -> dict[str, Any]:
        """DescribeStream: a stream's status, key schema and shards with lineage (rule A.5).

        Args (keyword, AWS names):
            StreamArn: the stream (required).
            Limit: 1-100 shards per page (default 100).
            ExclusiveStartShardId: the ``LastEvaluatedShardId`` of the previous page; an id
                that is not listed gives an empty page (as AWS does).
            ShardFilter: ``{"Type": "CHILD_SHARDS", "ShardId": parent}``: only the children of
                that parent.

        Returns:
            ``{"StreamDescription": {...}}``; ``Shards`` in shard-id order, open shards without
            ``EndingSequenceNumber``; ``LastEvaluatedShardId`` when more shards follow.

        Raises:
            ValidationException: a malformed ARN, Limit, shard id or filter.
            ResourceNotFoundException: no such stream (or it is past its retention), or the
                filter's parent shard is not listed.
        """
        return self._call("DescribeStream", params, self._describe_stream)

    def _describe_stream(
        self,
        StreamArn: str,
        Limit: int | None = None,
        ExclusiveStartShardId: str | None = None,
        ShardFilter: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        check_stream_arn(StreamArn, "streamArn")
        limit = DEFAULT_LIST_LIMIT if Limit is None else check_limit(Limit, LIST_LIMIT_MAX)
        if ExclusiveStartShardId is not None:
            check_shard_id(ExclusiveStartShardId, "exclusiveStartShardId")
        parent_id = None if ShardFilter is None else _check_shard_filter(ShardFilter)
        stream = self._stream(StreamArn)
        shards = stream.shards
        if parent_id is not None:
            parent = self._shard(stream, parent_id)
            shards = [s for s in shards if s.parent is parent]
        start = 0
        if ExclusiveStartShardId is not None:
            start = bisect_left(shards, ExclusiveStartShardId, key=_shard_id)
            if start < len(shards) and shards[start].shard_id == ExclusiveStartShardId:
                start += 1
            else:  # rule A.5: an unknown ExclusiveStartShardId gives no shards, no error
                start = len(shards)
        page = shards[start : start + limit]
        description: dict[str, Any] = {
            "StreamArn": stream.arn,
            "StreamLabel": stream.label,
            "StreamStatus": stream.status,
            "StreamViewType": stream.view_type,
            "CreationRequestDateTime": stream.creation_datetime,
            "TableName": stream.table_name,
            "KeySchema": [
                {"AttributeName": name, "KeyType": kind} for name, kind in stream.key_schema
            ],
            "Shards": [_shard_dict(s) for s in page],
        }
        if start + limit < len(shards):
            description["LastEvaluatedShardId"] = page[-1].shard_id
        return {"StreamDescription": description}

    # --- GetShardIterator -----------------------------------------------------------------------

    def get_shard_iterator(self, **params: Any) -> dict[str, Any]:
        """GetShardIterator: a position in one shard to read from with GetRecords (rule A.6).

        Args (keyword, AWS names):
            StreamArn, ShardId: the shard (required).
            ShardIteratorType: ``TRIM_HORIZON`` (oldest untrimmed record), ``LATEST`` (after
                the newest), ``AT_SEQUENCE_NUMBER`` / ``AFTER_SEQUENCE_NUMBER`` (at / right
                after ``SequenceNumber``), ``AT_TIMESTAMP`` (first record whose
                ApproximateCreationDateTime is at or after ``Timestamp``).
            SequenceNumber: required by ``AT_SEQUENCE_NUMBER`` and ``AFTER_SEQUENCE_NUMBER``,
                forbidden otherwise.
            Timestamp: required by AT_TIMESTAMP, forbidden otherwise.

        Returns:
            ``{"ShardIterator": "<StreamArn>|1|<token>"}``, valid for ``iterator_ttl_ms``
            (15 minutes) of virtual time.

        Raises:
            ValidationException: malformed ARN, type, sequence number or timestamp, or a
                sequence number outside the shard.
            ResourceNotFoundException: no such stream or shard (or it is no longer listed).
            TrimmedDataAccessException: the sequence number was trimmed away.
        """
        return self._call("GetShardIterator", params, self._get_shard_iterator)

    def _get_shard_iterator(
        self,
        StreamArn: str,
        ShardId: str,
        ShardIteratorType: str,
        SequenceNumber: str | None = None,
        Timestamp: Any = None,
    ) -> dict[str, Any]:
        check_stream_arn(StreamArn, "streamArn")
        check_shard_id(ShardId, "shardId")
        kind = ShardIteratorType
        if kind not in ITERATOR_TYPES:
            raise constraint_error(
                kind,
                "shardIteratorType",
                f"Member must satisfy enum value set: [{', '.join(ITERATOR_TYPES)}]",
            )
        by_number = kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
        if by_number and SequenceNumber is None:
            raise ValidationException(f"SequenceNumber is required for {kind} shard iterators")
        if not by_number and SequenceNumber is not None:
            raise ValidationException(
                f"SequenceNumber must not be given for {kind} shard iterators (only for "
                "AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER)"
            )
        if SequenceNumber is not None and not SEQUENCE_NUMBER_RE.fullmatch(SequenceNumber):
            raise ValidationException(
                f"Invalid SequenceNumber {SequenceNumber!r}: expected 21 to 40 decimal digits"
            )
        if kind == "AT_TIMESTAMP" and Timestamp is None:
            raise ValidationException("Timestamp is required for AT_TIMESTAMP shard iterators")
        if kind != "AT_TIMESTAMP" and Timestamp is not None:
            raise ValidationException(
                f"Timestamp must not be given for {kind} shard iterators (only for AT_TIMESTAMP)"
            )
        at_ms = None if Timestamp is None else timestamp_ms(Timestamp)
        now = self._clock.now_ms
        if at_ms is not None and at_ms > now:
            raise ValidationException(
                f"Timestamp {Timestamp} is in the future: the stream's clock reads "
                f"{ms_to_datetime(now).isoformat()}"
            )
        stream = self._stream(StreamArn)
        shard = self._shard(stream, ShardId)
        trimmed = shard.trimmed_through
        if kind == "TRIM_HORIZON":
            position = max(shard.starting_sequence_number, trimmed + 1)
        elif kind == "LATEST":
            last = shard.last_sequence_number
            position = (shard.starting_sequence_number if last is None else last) + 1
        elif at_ms is not None:
            position = _position_at_time(shard, at_ms, trimmed)
        else:
            assert SequenceNumber is not None
            position = _position_at_number(stream, shard, int(SequenceNumber), kind)
            if position <= trimmed:
                raise TrimmedDataAccessException(
                    f"SequenceNumber {SequenceNumber} of shard {ShardId} is older than the "
                    f"trim horizon: records up to {trimmed} were trimmed (retention "
                    f"{stream.settings.retention_ms // 3_600_000} h); use TRIM_HORIZON"
                )
        iterator = self._iterator(stream.arn, shard.shard_id, position, stream.new_reader_id())
        return {"ShardIterator": iterator}

    # --- GetRecords -----------------------------------------------------------------------------

    def get_records(self, **params: Any) -> dict[str, Any]:
        """GetRecords: the records at an iterator's position, and where to read next (A.7).

        Args (keyword, AWS names):
            ShardIterator: from GetShardIterator or a previous GetRecords (required).
            Limit: 1-1000 records (default 1000); a call also stops before 1 MB of
                ``SizeBytes`` (but returns at least one record).

        Returns:
            ``{"Records": [...], "NextShardIterator": ...}``.  ``Records`` is always present
            (maybe empty).  ``NextShardIterator`` is always present on an open shard and absent
            once a closed shard has been read to its end.

        Raises:
            ValidationException: a garbage iterator or a bad Limit.
            ResourceNotFoundException: the stream or shard is no longer listed.
            ExpiredIteratorException: the iterator is older than ``iterator_ttl_ms``.
            LimitExceededException: too many distinct readers of this shard within a second.
            TrimmedDataAccessException: the iterator points at records trimmed since.
        """
        return self._call("GetRecords", params, self._get_records)

    def _get_records(self, ShardIterator: str, Limit: int | None = None) -> dict[str, Any]:
        if len(ShardIterator) > ITERATOR_MAX_CHARS:
            raise constraint_error(
                "...", "shardIterator", "Member must have length less than or equal to 2048"
            )
        limit = (
            GET_RECORDS_LIMIT_MAX if Limit is None else check_limit(Limit, GET_RECORDS_LIMIT_MAX)
        )
        arn, shard_id, position, issued, reader = self._parse_iterator(ShardIterator)
        stream = self._stream(arn)
        shard = self._shard(stream, shard_id)
        now = self._clock.now_ms
        settings = stream.settings
        if now - issued >= settings.iterator_ttl_ms:
            raise ExpiredIteratorException(
                f"Iterator expired: it was issued {now - issued} ms ago, and iterators live "
                f"{settings.iterator_ttl_ms} ms; get a new one with GetShardIterator"
            )
        if settings.max_readers_per_shard is not None:
            _count_reader(stream, shard_id, reader, now)
        if position <= shard.trimmed_through:
            raise TrimmedDataAccessException(
                f"The iterator points at sequence number {position} of shard {shard_id}, "
                "which was trimmed after the iterator was issued; start again from "
                "TRIM_HORIZON"
            )
        first = shard.position_of_sequence(position)
        held = shard.read(first, limit)
        # rule A.7: stop before 1 MB of SizeBytes, but return at least one record; rendered
        # with the cyclic GC paused (the one GC policy, streamsim._gc)
        records = streams_records(stream, held, GET_RECORDS_MAX_BYTES)
        out: dict[str, Any] = {"Records": records}
        following = shard.record_at(first + len(records))
        if following is not None:
            out["NextShardIterator"] = self._iterator(arn, shard_id, following[SEQ], reader)
        elif shard.is_open:
            last = shard.last_sequence_number
            after = position if last is None or last < position else last + 1
            out["NextShardIterator"] = self._iterator(arn, shard_id, after, reader)
        return out

    def __repr__(self) -> str:
        return f"<DynamoDBStreamsClient region={self._model.region}>"


# --- helpers ------------------------------------------------------------------------------------


def _stream_arn(stream: Stream) -> str:
    return stream.arn


def _shard_id(shard: Shard) -> str:
    return shard.shard_id


def _shard_dict(shard: Shard) -> dict[str, Any]:
    numbers = {"StartingSequenceNumber": str(shard.starting_sequence_number)}
    if shard.ending_sequence_number is not None:
        numbers["EndingSequenceNumber"] = str(shard.ending_sequence_number)
    out: dict[str, Any] = {"ShardId": shard.shard_id, "SequenceNumberRange": numbers}
    if shard.parent is not None:
        out["ParentShardId"] = shard.parent.shard_id
    return out


def _check_shard_filter(shard_filter: Mapping[str, Any]) -> str:
    """The parent shard id of a valid ShardFilter."""
    unknown = sorted(set(shard_filter) - {"Type", "ShardId"})
    if unknown:
        raise ValidationException(
            f"Unknown member(s) {', '.join(unknown)} in ShardFilter (members: Type, ShardId)"
        )
    kind = shard_filter.get("Type")
    if kind not in SHARD_FILTER_TYPES:
        raise constraint_error(
            kind,
            "shardFilter.type",
            f"Member must satisfy enum value set: [{', '.join(SHARD_FILTER_TYPES)}]",
        )
    parent = shard_filter.get("ShardId")
    if not isinstance(parent, str) or not 28 <= len(parent) <= 65:
        raise constraint_error(
            parent,
            "shardFilter.shardId",
            "Member must be a shard id of length between 28 and 65 (required with CHILD_SHARDS)",
        )
    return parent


def _position_at_number(stream: Stream, shard: Shard, number: int, kind: str) -> int:
    """The position of an AT_/AFTER_SEQUENCE_NUMBER iterator, checked against the shard."""
    end = shard.ending_sequence_number
    if (
        number < shard.starting_sequence_number
        or (end is not None and number > end)
        or number >= stream.next_sequence_number
    ):
        upper = "open" if end is None else str(end)
        raise ValidationException(
            f"Invalid SequenceNumber {number} for shard {shard.shard_id}: the shard holds "
            f"sequence numbers from {shard.starting_sequence_number} to {upper}"
        )
    return number if kind == "AT_SEQUENCE_NUMBER" else number + 1


def _position_at_time(shard: Shard, at_ms: int, trimmed: int) -> int:
    """AT_TIMESTAMP: the first record whose ApproximateCreationDateTime (whole seconds) >= at."""
    threshold = -(-at_ms // MS_PER_SECOND) * MS_PER_SECOND  # rounded-down time >= at_ms
    record = shard.record_at(shard.position_at_time(threshold))
    if record is not None:
        return record[SEQ]
    last = shard.last_sequence_number
    return max(trimmed, shard.starting_sequence_number if last is None else last) + 1


def _count_reader(stream: Stream, shard_id: str, reader: int, now: int) -> None:
    """Admit one read by ``reader``, or raise if the shard is over-subscribed (rule A.9, F.7).

    Readers seen within the last second beyond ``max_readers_per_shard`` are refused at once
    (``reader_throttle="strict"``) or draw one token per read from the shard's bucket
    (``"burst"``: ``reader_burst`` tokens, one more per second).
    """
    settings = stream.settings
    allowed = settings.max_readers_per_shard
    assert allowed is not None
    seen = stream.readers.get(shard_id)
    if seen is None:
        seen = stream.readers[shard_id] = {}
    if reader not in seen or len(seen) > allowed:
        for other in [r for r, at in seen.items() if now - at >= READER_WINDOW_MS and r != reader]:
            del seen[other]
    others = len(seen) - (reader in seen)
    if others >= allowed:
        if settings.reader_throttle == "strict" and reader not in seen:
            raise _too_many_readers(shard_id, others, allowed, "")
        if settings.reader_throttle == "burst":
            capacity = settings.reader_burst * 1000
            tokens = stream.reader_tokens.get(shard_id)
            if tokens is None:
                tokens = stream.reader_tokens[shard_id] = [capacity, now]
            level = min(capacity, tokens[0] + (now - tokens[1]))  # one token per second
            if level < 1000:
                raise _too_many_readers(
                    shard_id, others, allowed, " for longer than its burst allowance"
                )
            tokens[0], tokens[1] = level - 1000, now
    seen[reader] = now


def _too_many_readers(shard_id: str, others: int, allowed: int, how: str) -> LimitExceededException:
    return LimitExceededException(
        f"Too many readers of shard {shard_id}: {others} other iterator chain(s) read it "
        f"within the last second{how}, and at most {allowed} may; retry later or share one "
        "iterator chain"
    )
