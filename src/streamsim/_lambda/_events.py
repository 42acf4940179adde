"""The Lambda DynamoDB event: its records and its size, for the poller.

:func:`events_builder` returns the function the poller calls on every chunk of records it
reads: :func:`streamsim._streams._render.lambda_event_records` bound to the stream's
:class:`~streamsim._streams._render.RecordFormat`, so the stream's ARN, region, view type, key
names and eventID prefix are looked up once per stream, not per record.  The poller renders a
batch with the cyclic collector paused (:func:`streamsim._gc.call_paused`).

AWS behaviour: rule D.10.  The containers are fresh on every call, so a handler may mutate
its event without touching the table's stored items or the next attempt's event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from json import dumps as _dumps
from typing import Any

from streamsim._streams._records import RawRecord, StreamFacts
from streamsim._streams._render import RecordFormat, lambda_event_records

EventRecord = dict[str, Any]

#: JSON envelope of an event around its records: ``{"Records":[`` ... ``]}``.
ENVELOPE_BYTES = 14


def events_builder(stream: StreamFacts) -> Callable[[Sequence[RawRecord]], list[EventRecord]]:
    """Return ``build(records)`` making the Lambda event records of raw records of ``stream``.

    >>> from streamsim import Simulation
    >>> sim = Simulation(seed=1)
    >>> table = sim.create_table("orders", hash_key="pk", stream_view_type="KEYS_ONLY")
    >>> _ = table.put_item(Item={"pk": "a"})
    >>> stream = sim._model.streams[0]
    >>> build = events_builder(stream)
    >>> build(stream.shards[0].read(0))[0]["dynamodb"]["Keys"]
    {'pk': {'S': 'a'}}
    """
    return partial(lambda_event_records, RecordFormat(stream))


#: Compact JSON of DynamoDB JSON is at most 14 times the DynamoDB size of a value (worst case:
#: an empty string or binary under a one-character name, ``"a":{"S":""},`` for one byte), so
#: ``PAYLOAD_FACTOR * SizeBytes + fixed members`` bounds a record's bytes in an event; the
#: poller measures exactly only once that bound nears the 6 MB payload limit.
PAYLOAD_FACTOR = 16


def payload_bytes(event_record: EventRecord) -> int:
    """The exact bytes of one event record as compact UTF-8 JSON (plus its separating comma)."""
    return len(_dumps(event_record, separators=(",", ":"), ensure_ascii=False).encode()) + 1
