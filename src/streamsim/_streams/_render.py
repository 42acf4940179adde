"""The AWS shapes of stream records: the one place that renders them.

From a raw record (:mod:`._records`) and its stream, three shapes, each with fresh containers
the caller may mutate:

* :func:`streams_record` / :func:`streams_records`: the ``Record`` of DynamoDB Streams'
  GetRecords as boto3 returns it (``ApproximateCreationDateTime`` a timezone-aware datetime,
  binary as ``bytes``, ``userIdentity`` with ``PrincipalId``/``Type``);
* :func:`lambda_event_record`: the record inside a Lambda DynamoDB event (rule D.10): JSON
  types (``ApproximateCreationDateTime`` epoch seconds as a number, binary as base64 text),
  ``eventSourceARN``, ``userIdentity`` with ``principalId``/``type``;
* :func:`stream_batch_info`: ``DDBStreamBatchInfo``, the stream's part of the on-failure
  record of a discarded batch (rule D.7).

The first two carry the same record in different types, and one flat loop renders both
(:func:`render`; its docstring has the table of differences).  What a shape needs of its
stream is looked up once per stream into a :class:`RecordFormat`, not per record.
Rendering allocates thousands of acyclic containers: callers render inside
:func:`streamsim._gc.paused_gc` or through :func:`streamsim._gc.call_paused`
(:func:`streams_records` does it itself; the Lambda poller renders each batch by
``call_paused``, and the on-failure record is rendered inside ``paused_gc``).
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, Final

from streamsim._clock import ms_to_iso_seconds
from streamsim._gc import paused_gc
from streamsim._items import Builders, Item

from ._records import (
    EVENT_ID_DIGITS,
    EVENT_SOURCE,
    EVENT_VERSION,
    HASH,
    RANGE,
    TTL_IDENTITY_TYPE,
    TTL_PRINCIPAL,
    RawRecord,
    StreamFacts,
)

#: ``eventID`` keeps this slice of the sequence number's digits (see ``_records.event_id``).
_ID_DIGITS: Final = slice(-EVENT_ID_DIGITS, None)


class RecordFormat:
    """What rendering a stream's records needs, looked up once per stream.

    Attributes:
        arn, region, view_type: the stream's.
        hash_key / hash_type, range_key / range_type: the key schema (range None without a
            sort key).
        binary_keys: a key attribute is binary (its Lambda JSON is base64 text).
        id_prefix: what the stream's sequential eventIDs begin with.
        id_salt: the salt of its opaque eventIDs (None: sequential; ``_records.event_id``).
    """

    __slots__ = (
        "arn",
        "binary_keys",
        "builders",
        "hash_key",
        "hash_type",
        "id_prefix",
        "id_salt",
        "range_key",
        "range_type",
        "region",
        "view_type",
    )

    def __init__(self, stream: StreamFacts) -> None:
        self.arn = stream.arn
        self.region = stream.region
        self.view_type = stream.view_type
        names, types = stream.key_names, stream.key_types
        self.hash_key, self.hash_type = names[0], types[0]
        self.range_key = names[1] if len(names) > 1 else None
        self.range_type = types[-1]
        self.binary_keys = "B" in types
        self.id_prefix = stream.event_id_prefix
        self.id_salt = stream.event_id_salt
        shapes = stream.shapes
        #: ``builders[id(frozen[0])](frozen)`` thaws an image (its table's generated builder
        #: when there is one, else :func:`thaw`; see :class:`streamsim._items.Builders`)
        self.builders = Builders() if shapes is None else shapes.builders

    def keys(self, raw: RawRecord) -> Item:
        """The key attributes of a raw record (canonical DynamoDB JSON, fresh dict)."""
        if self.range_key is None:
            return {self.hash_key: {self.hash_type: raw[HASH]}}
        return {
            self.hash_key: {self.hash_type: raw[HASH]},
            self.range_key: {self.range_type: raw[RANGE]},
        }


# --- DynamoDB Streams (boto3 types) -------------------------------------------------------------


def creation_datetime(created_ms: int) -> datetime:
    """``ApproximateCreationDateTime``: the write time rounded down to the second (rule B.5)."""
    return datetime.fromtimestamp(created_ms // 1000, timezone.utc)  # exact for int seconds


def streams_record(fmt: RecordFormat, raw: RawRecord) -> dict[str, Any]:
    """The ``Record`` GetRecords returns through boto3 for ``raw`` (rule A.7, B.1-B.7)."""
    return streams_records_of(fmt, (raw,))[0]


def streams_records(
    stream: StreamFacts, records: Sequence[RawRecord], max_bytes: int | None = None
) -> list[dict[str, Any]]:
    """The GetRecords ``Records`` of ``records``, raw records of ``stream``, oldest first.

    With ``max_bytes``, stop before the record that would bring the total ``SizeBytes`` over
    it, but render at least one record (GetRecords' 1 MB cap, rule A.7).  Renders with the
    cyclic GC paused (:mod:`streamsim._gc`).
    """
    with paused_gc():
        return streams_records_of(RecordFormat(stream), records, max_bytes)


def streams_records_of(
    fmt: RecordFormat, records: Sequence[RawRecord], max_bytes: int | None = None
) -> list[dict[str, Any]]:
    """:func:`streams_records` for a known format, in the caller's GC policy."""
    return render(fmt, records, max_bytes)


def lambda_event_records(fmt: RecordFormat, records: Sequence[RawRecord]) -> list[dict[str, Any]]:
    """The records of a Lambda DynamoDB event for ``records`` (rule D.10), JSON-typed throughout.

    ``SizeBytes`` comes from the record (the stream computes it at append time).  The
    containers are fresh on every call, so a handler may mutate its event without touching
    the table's stored items or the next attempt's event.  In the caller's GC policy.
    """
    return render(fmt, records, None, lambda_event=True)


def lambda_event_record(fmt: RecordFormat, raw: RawRecord) -> dict[str, Any]:
    """The one record of a Lambda DynamoDB event for ``raw`` (:func:`lambda_event_records`)."""
    return render(fmt, (raw,), None, lambda_event=True)[0]


def render(
    fmt: RecordFormat,
    records: Sequence[RawRecord],
    max_bytes: int | None = None,
    *,
    lambda_event: bool = False,
) -> list[dict[str, Any]]:
    """The one renderer: GetRecords ``Record`` s (boto3 types) or Lambda event records (JSON).

    The two shapes carry the same members in the same (AWS's) order and differ in types:

    ===============================  ==================================  =====================
    member                           GetRecords (boto3)                  Lambda event (JSON)
    ===============================  ==================================  =====================
    ``ApproximateCreationDateTime``  aware ``datetime`` (rule B.5)       epoch seconds (int)
    binary values and keys           ``bytes``                           base64 text
    ``eventSourceARN``               absent                              the stream's ARN
    ``userIdentity`` (TTL deletes)   ``PrincipalId``, ``Type``           ``principalId``, ``type``
    ===============================  ==================================  =====================

    With ``max_bytes``, stop before the record that would bring the total ``SizeBytes`` over
    it, but render at least one record (GetRecords' 1 MB cap, rule A.7).

    Every record a reader or a Lambda function sees passes through this loop, so it is written
    flat (measured with callgrind: a call per record to a record builder and one to a shared
    envelope function cost 12% more instructions per drained record than this loop): each
    record is unpacked once, the stream's values are locals, images are thawed by one lookup
    and one call (:class:`streamsim._items.Builders`), and records of one second share one
    (immutable) ``ApproximateCreationDateTime``.
    """
    budget = -1 if max_bytes is None else max_bytes
    builders = fmt.builders
    hash_key, hash_type = fmt.hash_key, fmt.hash_type
    range_key, range_type = fmt.range_key, fmt.range_type
    view_type, region, id_prefix, salt = fmt.view_type, fmt.region, fmt.id_prefix, fmt.id_salt
    version, source, arn = EVENT_VERSION, EVENT_SOURCE, fmt.arn
    json_keys = lambda_event and fmt.binary_keys
    if lambda_event:
        identity = {"type": TTL_IDENTITY_TYPE, "principalId": TTL_PRINCIPAL}
    else:
        identity = {"PrincipalId": TTL_PRINCIPAL, "Type": TTL_IDENTITY_TYPE}
    out: list[dict[str, Any]] = []
    append = out.append
    last_second = -1
    when: Any = None
    for sn, created, event_name, size, hv, rv, old, new, ttl in records:
        if budget >= 0:
            budget -= size
            if budget < 0:
                if out:
                    break
                budget = 0  # the first record alone is over the cap: returned anyway
        if created // 1000 != last_second:
            last_second = created // 1000
            when = last_second if lambda_event else creation_datetime(created)
        sn_text = str(sn)
        keys = (
            {hash_key: {hash_type: hv}}
            if range_key is None
            else {hash_key: {hash_type: hv}, range_key: {range_type: rv}}
        )
        if json_keys:
            keys = json_item(keys)
        # one dict display per case: a display is sized once, where adding members one by
        # one resizes the dict (the three cases are the view types' and events' mix)
        if old is None:
            if new is None:  # KEYS_ONLY
                body: dict[str, Any] = {
                    "ApproximateCreationDateTime": when,
                    "Keys": keys,
                    "SequenceNumber": sn_text,
                    "SizeBytes": size,
                    "StreamViewType": view_type,
                }
            else:  # an INSERT, or NEW_IMAGE
                image = builders[id(new[0])](new)
                body = {
                    "ApproximateCreationDateTime": when,
                    "Keys": keys,
                    # a shaped image (tuple) holds only S, N, BOOL and NULL, the same in JSON
                    "NewImage": json_packed(image)
                    if lambda_event and type(new) is not tuple
                    else image,
                    "SequenceNumber": sn_text,
                    "SizeBytes": size,
                    "StreamViewType": view_type,
                }
        else:  # a MODIFY or REMOVE with the old image: the new one dropped if missing
            body = {
                "ApproximateCreationDateTime": when,
                "Keys": keys,
                "NewImage": None if new is None else builders[id(new[0])](new),
                "OldImage": builders[id(old[0])](old),
                "SequenceNumber": sn_text,
                "SizeBytes": size,
                "StreamViewType": view_type,
            }
            if new is None:
                del body["NewImage"]
            elif lambda_event and type(new) is not tuple:
                json_packed(body["NewImage"])
            if lambda_event and type(old) is not tuple:
                json_packed(body["OldImage"])
        record = {
            "eventID": id_prefix + sn_text[_ID_DIGITS]  # _records.event_id
            if salt is None
            else (sn ^ salt).to_bytes(16, "big").hex(),
            "eventName": event_name,
            "eventVersion": version,
            "eventSource": source,
            "awsRegion": region,
            "dynamodb": body,
        }
        if lambda_event:
            record["eventSourceARN"] = arn
        if ttl:
            record["userIdentity"] = identity.copy()
        append(record)
    return out


# --- JSON forms (Lambda events) ---------------------------------------------------------------


def json_packed(item: Item) -> Item:
    """A thawed packed image in its JSON form, in place: binary, sets, lists and maps rebuilt."""
    for name, av in item.items():
        if not ("S" in av or "N" in av or "BOOL" in av or "NULL" in av):
            item[name] = json_value(av)
    return item


def json_value(av: dict[str, Any]) -> dict[str, Any]:
    """Copy one canonical AttributeValue into its JSON form (binary as base64 text)."""
    ((tag, value),) = av.items()
    if tag == "S" or tag == "N" or tag == "BOOL" or tag == "NULL":
        return {tag: value}
    if tag == "M":
        return {"M": json_item(value)}
    if tag == "L":
        return {"L": [json_value(v) for v in value]}
    if tag == "SS" or tag == "NS":
        return {tag: list(value)}
    if tag == "B":
        return {"B": b64encode(value).decode("ascii")}
    return {"BS": [b64encode(v).decode("ascii") for v in value]}


def json_item(item: Item) -> dict[str, Any]:
    """Copy a canonical item into its JSON form (fresh containers, binary as base64)."""
    return {name: json_value(av) for name, av in item.items()}


# --- on-failure destinations --------------------------------------------------------------------


def stream_batch_info(
    *,
    stream_arn: str,
    shard_id: str,
    start_sequence_number: str,
    end_sequence_number: str,
    first_arrival_ms: int,
    last_arrival_ms: int,
    batch_size: int,
) -> dict[str, Any]:
    """``DDBStreamBatchInfo``: which records of which shard an on-failure record stands for.

    The start and end are the first and last records' sequence numbers and arrival (write)
    times.  AWS behaviour: rule D.7; the arrival times are ISO-8601 to the second.

    >>> stream_batch_info(stream_arn="arn", shard_id="s", start_sequence_number="1",
    ...     end_sequence_number="2", first_arrival_ms=0, last_arrival_ms=1500, batch_size=2)
    ... # doctest: +NORMALIZE_WHITESPACE
    {'shardId': 's', 'startSequenceNumber': '1', 'endSequenceNumber': '2',
     'approximateArrivalOfFirstRecord': '1970-01-01T00:00:00Z',
     'approximateArrivalOfLastRecord': '1970-01-01T00:00:01Z', 'batchSize': 2,
     'streamArn': 'arn'}
    """
    return {
        "shardId": shard_id,
        "startSequenceNumber": start_sequence_number,
        "endSequenceNumber": end_sequence_number,
        "approximateArrivalOfFirstRecord": ms_to_iso_seconds(first_arrival_ms),
        "approximateArrivalOfLastRecord": ms_to_iso_seconds(last_arrival_ms),
        "batchSize": batch_size,
        "streamArn": stream_arn,
    }
