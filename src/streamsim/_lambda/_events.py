"""The Lambda DynamoDB event, built fast: one closure per stream, constants bound once.

:func:`event_record_builder` returns a function that builds exactly what
``_streams._records.record_to_lambda_dict`` builds for a record of that stream, with the
stream's ARN, region, view type, key names and the eventID prefix looked up once instead
of per record.  ``SizeBytes`` comes from the record (the stream computes it at append time).
This is the poller's hot path: every record a mapping reads goes through it.

AWS behaviour: spec D.10.  The containers are fresh on every call, so a handler may mutate
its event without touching the table's stored items or the next attempt's event.
"""

from __future__ import annotations

from collections.abc import Callable
from json import dumps as _dumps
from typing import TYPE_CHECKING, Any

from streamsim._items import BUILDERS, thaw_packed
from streamsim._streams._records import (
    EVENT_ID_DIGITS,
    EVENT_SOURCE,
    EVENT_VERSION,
    TTL_IDENTITY_TYPE,
    TTL_PRINCIPAL,
    RawRecord,
)
from streamsim._streams._records import json_value as _json_value

if TYPE_CHECKING:
    from streamsim._streams._stream import Stream

EventRecord = dict[str, Any]

#: JSON envelope of an event around its records: ``{"Records":[`` ... ``]}``.
ENVELOPE_BYTES = 14


def event_record_builder(stream: Stream) -> Callable[[RawRecord], EventRecord]:
    """Return ``build(record)`` making the Lambda event record of a raw record of ``stream``.

    >>> from streamsim import Simulation
    >>> sim = Simulation(seed=1)
    >>> table = sim.create_table("orders", hash_key="pk", stream_view_type="KEYS_ONLY")
    >>> _ = table.put_item(Item={"pk": "a"})
    >>> build = event_record_builder(sim.streams[0])
    >>> build(sim.streams[0].shards[0].read(0)[0])["dynamodb"]["Keys"]
    {'pk': {'S': 'a'}}
    """
    arn = stream.arn
    region = stream.region
    view_type = stream.view_type
    key_names = stream.key_names
    hash_key = key_names[0]
    range_key = key_names[1] if len(key_names) > 1 else None
    hash_type, range_type = stream.key_types[0], stream.key_types[-1]
    binary_keys = "B" in stream.key_types
    id_prefix = stream.event_id_prefix
    id_digits = -EVENT_ID_DIGITS
    json_value = _json_value
    loads = thaw_packed
    builders = BUILDERS

    def build(record: RawRecord) -> EventRecord:
        # Written flat (one function, dict displays, thawing and the JSON conversion inline):
        # the cost is thawing the images and allocating the envelope dicts, so every extra
        # call, attribute chain or intermediate dict shows.  Thawed images are fresh
        # containers.  A shaped image (tuple) holds only S, N, BOOL and NULL, which JSON
        # carries as they are; in a packed one (bytes), values of other types (binary, sets,
        # lists, maps) are rebuilt, binary as base64 text.
        sn, created, event_name, size, hv, rv, frozen_old, frozen_new, ttl = record
        sn_text = str(sn)
        eid = id_prefix + sn_text[id_digits:]  # event_id()
        if range_key is None:
            keys = {hash_key: {hash_type: hv}}
        else:
            keys = {hash_key: {hash_type: hv}, range_key: {range_type: rv}}
        if binary_keys:
            for name, av in keys.items():
                keys[name] = json_value(av)
        if frozen_new is not None:
            if type(frozen_new) is tuple:
                new = builders[frozen_new[0]](frozen_new)
            else:
                new = loads(frozen_new)
                for name, av in new.items():
                    if not ("S" in av or "N" in av or "BOOL" in av or "NULL" in av):
                        new[name] = json_value(av)
        else:
            new = None
        if frozen_old is not None:
            if type(frozen_old) is tuple:
                old = builders[frozen_old[0]](frozen_old)
            else:
                old = loads(frozen_old)
                for name, av in old.items():
                    if not ("S" in av or "N" in av or "BOOL" in av or "NULL" in av):
                        old[name] = json_value(av)
        else:
            old = None
        body: dict[str, Any]
        if new is not None:
            if old is not None:
                body = {
                    "ApproximateCreationDateTime": created // 1000,
                    "Keys": keys,
                    "NewImage": new,
                    "OldImage": old,
                    "SequenceNumber": sn_text,
                    "SizeBytes": size,
                    "StreamViewType": view_type,
                }
            else:
                body = {
                    "ApproximateCreationDateTime": created // 1000,
                    "Keys": keys,
                    "NewImage": new,
                    "SequenceNumber": sn_text,
                    "SizeBytes": size,
                    "StreamViewType": view_type,
                }
        elif old is not None:
            body = {
                "ApproximateCreationDateTime": created // 1000,
                "Keys": keys,
                "OldImage": old,
                "SequenceNumber": sn_text,
                "SizeBytes": size,
                "StreamViewType": view_type,
            }
        else:
            body = {
                "ApproximateCreationDateTime": created // 1000,
                "Keys": keys,
                "SequenceNumber": sn_text,
                "SizeBytes": size,
                "StreamViewType": view_type,
            }
        if ttl:
            return {
                "eventID": eid,
                "eventName": event_name,
                "eventVersion": EVENT_VERSION,
                "eventSource": EVENT_SOURCE,
                "awsRegion": region,
                "dynamodb": body,
                "eventSourceARN": arn,
                "userIdentity": {"type": TTL_IDENTITY_TYPE, "principalId": TTL_PRINCIPAL},
            }
        return {
            "eventID": eid,
            "eventName": event_name,
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
