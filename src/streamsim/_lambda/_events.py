"""The Lambda DynamoDB event, built fast: one closure per stream, constants bound once.

:func:`event_record_builder` returns a function that builds exactly what
:func:`streamsim._records.record_to_lambda_dict` builds for a record of that stream, with the
stream's ARN, region, view type, key names and the eventID hash prefix looked up once instead
of per record.  ``SizeBytes`` comes from the record (the stream computes it at append time).
This is the poller's hot path: every record a mapping reads goes through it.

AWS behaviour: spec D.10.  The containers are fresh on every call, so a handler may mutate
its event without touching the table's stored items or the next attempt's event.
"""

from __future__ import annotations

from collections.abc import Callable
from json import dumps as _dumps
from typing import TYPE_CHECKING, Any

from streamsim._records import (
    EVENT_SOURCE,
    EVENT_VERSION,
    TTL_IDENTITY_TYPE,
    TTL_PRINCIPAL,
    VIEW_IMAGES,
    event_id,
)
from streamsim._records import json_value as _json_value

if TYPE_CHECKING:
    from streamsim._records import StreamRecord
    from streamsim._stream import Stream

EventRecord = dict[str, Any]

#: JSON envelope of an event around its records: ``{"Records":[`` ... ``]}``.
ENVELOPE_BYTES = 14


def _copy_item(item: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, av in item.items():
        if "S" in av or "N" in av or "BOOL" in av or "NULL" in av:
            out[name] = av.copy()  # immutable value: a shallow copy is a fresh container
        else:
            out[name] = _json_value(av)
    return out


def event_record_builder(stream: Stream) -> Callable[[StreamRecord], EventRecord]:
    """Return ``build(record)`` making the Lambda event record of a record of ``stream``.

    >>> from streamsim import Simulation
    >>> sim = Simulation(seed=1)
    >>> table = sim.create_table("orders", hash_key="pk", stream_view_type="KEYS_ONLY")
    >>> _ = table.put_item(Item={"pk": "a"})
    >>> build = event_record_builder(sim.streams[0])
    >>> build(sim.streams[0].shards[0].records[0])["dynamodb"]["Keys"]
    {'pk': {'S': 'a'}}
    """
    arn = stream.arn
    region = stream.region
    view_type = stream.view_type
    key_names = stream.key_names
    show_old, show_new = VIEW_IMAGES[view_type]
    hasher = stream.event_id_hasher
    copy_item = _copy_item

    def build(record: StreamRecord) -> EventRecord:
        new = record.new_item
        old = record.old_item
        image = new if new is not None else old
        assert image is not None
        body: dict[str, Any] = {
            "ApproximateCreationDateTime": record.created_ms // 1000,
            "Keys": copy_item({name: image[name] for name in key_names}),
        }
        if show_new and new is not None:
            body["NewImage"] = copy_item(new)
        if show_old and old is not None:
            body["OldImage"] = copy_item(old)
        sn = record.sequence_number
        body["SequenceNumber"] = str(sn)
        body["SizeBytes"] = record._size or record.size_bytes
        body["StreamViewType"] = view_type
        out: EventRecord = {
            "eventID": event_id(hasher, sn),
            "eventName": record.event_name,
            "eventVersion": EVENT_VERSION,
            "eventSource": EVENT_SOURCE,
            "awsRegion": region,
            "dynamodb": body,
            "eventSourceARN": arn,
        }
        if record.is_ttl_delete:
            out["userIdentity"] = {"type": TTL_IDENTITY_TYPE, "principalId": TTL_PRINCIPAL}
        return out

    return build


#: Compact JSON of DynamoDB JSON is at most 14 times the DynamoDB size of a value (worst case:
#: an empty string or binary under a one-character name, ``"a":{"S":""},`` for one byte), so
#: ``PAYLOAD_FACTOR * SizeBytes + fixed members`` bounds a record's bytes in an event; the
#: poller measures exactly only once that bound nears the 6 MB payload limit.
PAYLOAD_FACTOR = 16


def payload_bytes(event_record: EventRecord) -> int:
    """The exact bytes of one event record as compact UTF-8 JSON (plus its separating comma)."""
    return len(_dumps(event_record, separators=(",", ":"), ensure_ascii=False).encode()) + 1
