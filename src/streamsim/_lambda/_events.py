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
    hash_key = key_names[0]
    range_key = key_names[1] if len(key_names) > 1 else None
    show_old, show_new = VIEW_IMAGES[view_type]
    digest_copy = stream.event_id_hasher.copy
    json_value = _json_value
    copy_item = _copy_item

    def build(record: StreamRecord) -> EventRecord:
        # Written flat (one function, dict displays, the images copied inline): the cost is
        # allocating ~15 small dicts and reading the record's images, so every extra call,
        # attribute chain or intermediate dict shows.
        new = record.new_item
        old = record.old_item
        sn_text = str(record.sequence_number)
        digest = digest_copy()
        digest.update(sn_text.encode())  # event_id(): the same bytes as b"%d" % sn, faster
        body: dict[str, Any]
        if show_new and new is not None:
            new_copy: dict[str, Any] = {}
            for name, av in new.items():
                if "S" in av or "N" in av or "BOOL" in av or "NULL" in av:
                    new_copy[name] = av.copy()  # immutable value: a shallow copy is fresh
                else:
                    new_copy[name] = json_value(av)
            # the key values were just converted: copy them from the JSON NewImage
            if range_key is None:
                keys = {hash_key: new_copy[hash_key].copy()}
            else:
                keys = {hash_key: new_copy[hash_key].copy(), range_key: new_copy[range_key].copy()}
            if show_old and old is not None:
                old_copy: dict[str, Any] = {}
                for name, av in old.items():
                    if "S" in av or "N" in av or "BOOL" in av or "NULL" in av:
                        old_copy[name] = av.copy()
                    else:
                        old_copy[name] = json_value(av)
                body = {
                    "ApproximateCreationDateTime": record.created_ms // 1000,
                    "Keys": keys,
                    "NewImage": new_copy,
                    "OldImage": old_copy,
                    "SequenceNumber": sn_text,
                    "SizeBytes": record._size or record.size_bytes,
                    "StreamViewType": view_type,
                }
            else:
                body = {
                    "ApproximateCreationDateTime": record.created_ms // 1000,
                    "Keys": keys,
                    "NewImage": new_copy,
                    "SequenceNumber": sn_text,
                    "SizeBytes": record._size or record.size_bytes,
                    "StreamViewType": view_type,
                }
        else:
            image = new if new is not None else old
            assert image is not None
            body = {
                "ApproximateCreationDateTime": record.created_ms // 1000,
                "Keys": copy_item({name: image[name] for name in key_names}),
            }
            if show_old and old is not None:
                body["OldImage"] = copy_item(old)
            body["SequenceNumber"] = sn_text
            body["SizeBytes"] = record._size or record.size_bytes
            body["StreamViewType"] = view_type
        if record.is_ttl_delete:
            return {
                "eventID": digest.hexdigest(),
                "eventName": record.event_name,
                "eventVersion": EVENT_VERSION,
                "eventSource": EVENT_SOURCE,
                "awsRegion": region,
                "dynamodb": body,
                "eventSourceARN": arn,
                "userIdentity": {"type": TTL_IDENTITY_TYPE, "principalId": TTL_PRINCIPAL},
            }
        return {
            "eventID": digest.hexdigest(),
            "eventName": record.event_name,
            "eventVersion": EVENT_VERSION,
            "eventSource": EVENT_SOURCE,
            "awsRegion": region,
            "dynamodb": body,
            "eventSourceARN": arn,
        }

    return build


#: Compact JSON of DynamoDB JSON is at most 14 times the DynamoDB size of a value (worst case:
#: an empty string or binary under a one-character name, ``"a":{"S":""},`` for one byte), so
#: ``PAYLOAD_FACTOR * SizeBytes + fixed members`` bounds a record's bytes in an event; the
#: poller measures exactly only once that bound nears the 6 MB payload limit.
PAYLOAD_FACTOR = 16


def payload_bytes(event_record: EventRecord) -> int:
    """The exact bytes of one event record as compact UTF-8 JSON (plus its separating comma)."""
    return len(_dumps(event_record, separators=(",", ":"), ensure_ascii=False).encode()) + 1
