"""Stream records: one per item change, kept as tuples of atomic values, and their AWS shapes.

A shard keeps each record as a *raw record*: an exact tuple of atomic values (ints, strings,
``bytes``, and frozen images, themselves tuples of atomic values or ``bytes``).  CPython's
cyclic garbage collector stops tracking such a tuple soon after it first sees it, so 24 hours
of records cost the collector nothing.  The images are the table's frozen items
(``_items._frozen``), shared, not copied: the write that made a version of an item froze
it once, for the table and for every record that shows it.

Raw record fields, in order (use the index constants or unpack the tuple):

====================  ==========================================================================
``SEQ``               the sequence number (int; AWS shows it as a decimal string)
``CREATED``           virtual time of the write, epoch milliseconds
``EVENT``             ``"INSERT"``, ``"MODIFY"`` or ``"REMOVE"``
``SIZE``              ``SizeBytes`` (spec B.6), computed at the write
``HASH`` / ``RANGE``  the item's key values (``RANGE`` None without a sort key); the stream's
                      ``key_names`` and ``key_types`` make them the ``Keys`` map
``OLD`` / ``NEW``     the frozen OldImage / NewImage where the view type shows one (else None)
``TTL``               True for a REMOVE made by the TTL sweep (it carries ``userIdentity``)
====================  ==========================================================================

:class:`StreamRecord` is the typed view of a raw record for notebooks and tests.  Two AWS
shapes are built from raw records, both with fresh containers the caller may mutate:

* :func:`records_to_streams_dicts`: the ``Record`` of DynamoDB Streams' GetRecords as boto3
  returns it (``ApproximateCreationDateTime`` a timezone-aware datetime, binary as ``bytes``,
  ``userIdentity`` with ``PrincipalId``/``Type``);
* :func:`record_to_lambda_dict`: the record inside a Lambda DynamoDB event (spec D.10): JSON
  types (``ApproximateCreationDateTime`` epoch seconds as a number, binary as base64 text),
  ``eventSourceARN``, ``userIdentity`` with ``principalId``/``type``.  The poller's fast
  builder (:mod:`streamsim._lambda._events`) builds the same.
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Sequence
from datetime import datetime, timezone
from hashlib import blake2b
from typing import TYPE_CHECKING, Any, Final

from streamsim._clock import ms_to_datetime
from streamsim._items import BUILDERS, Item, thaw, thaw_packed

if TYPE_CHECKING:
    from streamsim._items import Frozen

    from ._shard import Shard
    from ._stream import Stream

EVENT_VERSION = "1.1"  # spec B.7: live captures show "1.1"
EVENT_SOURCE = "aws:dynamodb"  # spec B.7
TTL_PRINCIPAL = "dynamodb.amazonaws.com"  # spec B.4
TTL_IDENTITY_TYPE = "Service"  # spec B.4

INSERT = "INSERT"
MODIFY = "MODIFY"
REMOVE = "REMOVE"

#: A record as its shard keeps it (see the module docstring for the fields).
RawRecord = tuple[int, int, str, int, Any, Any, "Frozen | None", "Frozen | None", bool]
SEQ: Final = 0
CREATED: Final = 1
EVENT: Final = 2
SIZE: Final = 3
HASH: Final = 4
RANGE: Final = 5
OLD: Final = 6
NEW: Final = 7
TTL: Final = 8


#: Digits of the sequence number an eventID ends with (sequence numbers start at 10**20).
EVENT_ID_DIGITS: Final = 21


def event_id_prefix(stream_arn: str) -> str:
    """The 11 hex characters a stream's eventIDs begin with: from BLAKE2b of its ARN."""
    return blake2b(stream_arn.encode(), digest_size=6).hexdigest()[: 32 - EVENT_ID_DIGITS]


def event_id(prefix: str, sequence_number: int) -> str:
    """``eventID``: the stream's prefix and the last 21 digits of the record's sequence number.

    32 lowercase hex characters (the digits are hex characters too), as AWS's; unique within a
    stream (its sequence numbers are), different between streams (the prefix), reproducible,
    and the same in GetRecords and Lambda events.  AWS's look random; building ours from the
    sequence number costs one string concatenation per record instead of a hash.

    >>> event_id(event_id_prefix("arn"), 100_000_000_000_000_000_042)
    '394d41a865f100000000000000000042'
    """
    return prefix + str(sequence_number)[-EVENT_ID_DIGITS:]


# Which images each view type carries (spec B.1): (old image?, new image?)
VIEW_IMAGES: dict[str, tuple[bool, bool]] = {
    "KEYS_ONLY": (False, False),
    "NEW_IMAGE": (False, True),
    "OLD_IMAGE": (True, False),
    "NEW_AND_OLD_IMAGES": (True, True),
}


def record_keys(stream: Stream, raw: RawRecord) -> Item:
    """The key attributes of a raw record (canonical DynamoDB JSON, fresh dict)."""
    names = stream.key_names
    types = stream.key_types
    keys = {names[0]: {types[0]: raw[HASH]}}
    if len(names) > 1:
        keys[names[1]] = {types[1]: raw[RANGE]}
    return keys


class StreamRecord:
    """One change to one item: a typed view of a record its shard holds.

    Attributes:
        shard: the shard holding the record.
        raw: the record as the shard keeps it (see :data:`RawRecord`).

    Two views of the same record are equal.  Every image or key dict it returns is a fresh
    copy.  AWS behaviour: spec B.1-B.7.
    """

    __slots__ = ("raw", "shard")

    def __init__(self, shard: Shard, raw: RawRecord) -> None:
        self.shard = shard
        self.raw = raw

    @property
    def sequence_number(self) -> int:
        """The record's sequence number as an int (AWS shows it as a string)."""
        return self.raw[SEQ]

    @property
    def created_ms(self) -> int:
        """Virtual time of the write, in epoch milliseconds."""
        return self.raw[CREATED]

    @property
    def event_name(self) -> str:
        """``"INSERT"``, ``"MODIFY"`` or ``"REMOVE"``."""
        return self.raw[EVENT]

    @property
    def is_ttl_delete(self) -> bool:
        """True for a REMOVE made by the TTL sweep (it carries ``userIdentity``)."""
        return self.raw[TTL]

    @property
    def size_bytes(self) -> int:
        """``SizeBytes``: size of Keys plus the images the view type includes (spec B.6)."""
        return self.raw[SIZE]

    @property
    def keys(self) -> Item:
        """The item's key attributes (canonical DynamoDB JSON, fresh dict)."""
        return record_keys(self.shard.stream, self.raw)

    @property
    def view_type(self) -> str:
        """The StreamViewType of the stream the record belongs to."""
        return self.shard.stream.view_type

    @property
    def new_image(self) -> Item | None:
        """NewImage as the stream's view type shows it (None where AWS omits it), fresh."""
        frozen = self.raw[NEW]
        return None if frozen is None else thaw(frozen)

    @property
    def old_image(self) -> Item | None:
        """OldImage as the stream's view type shows it (None where AWS omits it), fresh."""
        frozen = self.raw[OLD]
        return None if frozen is None else thaw(frozen)

    @property
    def event_id(self) -> str:
        """``eventID``: 32 lowercase hex characters, unique per record and reproducible."""
        return event_id(self.shard.stream.event_id_prefix, self.raw[SEQ])

    @property
    def approximate_creation_datetime(self) -> datetime:
        """``ApproximateCreationDateTime``: the write time rounded down to the second (B.5)."""
        created = self.raw[CREATED]
        return ms_to_datetime(created - created % 1000)

    def to_aws(self) -> dict[str, Any]:
        """The record as DynamoDB Streams' GetRecords returns it through boto3 (fresh dict)."""
        return records_to_streams_dicts(self.shard.stream, (self.raw,))[0]

    def to_lambda_event_record(self) -> dict[str, Any]:
        """The record as it appears in a Lambda DynamoDB event (JSON types, spec D.10)."""
        return record_to_lambda_dict(self.shard.stream, self.raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StreamRecord):
            return NotImplemented
        return self.shard is other.shard and self.raw == other.raw

    def __hash__(self) -> int:
        return hash((self.shard.shard_id, self.raw[SEQ]))

    def __repr__(self) -> str:
        keys = ", ".join(f"{k}={_short(v)}" for k, v in self.keys.items())
        return (
            f"<StreamRecord {self.event_name} {keys} seq={self.sequence_number} "
            f"shard={self.shard.shard_id}>"
        )


def _short(av: dict[str, Any]) -> str:
    ((tag, value),) = av.items()
    return repr(value) if tag in ("S", "N") else f"{{{tag}}}"


def records_to_streams_dicts(
    stream: Stream,
    records: Sequence[RawRecord],
    start: int = 0,
    end: int | None = None,
    max_bytes: int | None = None,
) -> list[dict[str, Any]]:
    """Build the ``Record`` dicts of ``records[start:end]``, raw records of ``stream``.

    With ``max_bytes``, stop before the record that would bring the total ``SizeBytes`` over
    it, but build at least one record (GetRecords' 1 MB cap, spec A.7).

    The hot path of a stream drain, so it is written flat: per-stream values are looked up
    once per call, each dict is built by one display, a frozen image is thawed inline (by its
    shape's builder, itself one display, or by one C call), and records of the same second
    share one (immutable) ``ApproximateCreationDateTime``.  Every dict and list returned is
    fresh.
    """
    if end is None:
        end = len(records)
    if start >= end:
        return []
    view_type = stream.view_type
    key_names = stream.key_names
    hash_key = key_names[0]
    range_key = key_names[1] if len(key_names) > 1 else None
    hash_type = stream.key_types[0]
    range_type = stream.key_types[-1]
    region = stream.region
    id_prefix = stream.event_id_prefix
    id_digits = -EVENT_ID_DIGITS
    loads = thaw_packed
    builders = BUILDERS
    last_second = -1
    when = ms_to_datetime(0)
    budget = -1 if max_bytes is None else max_bytes
    out: list[dict[str, Any]] = []
    append = out.append
    for sn, created, event_name, size, hv, rv, frozen_old, frozen_new, ttl in records[start:end]:
        if budget >= 0:
            budget -= size
            if budget < 0:
                if out:
                    break
                budget = 0  # the first record alone is over the cap: it is returned anyway
        second = created // 1000
        if second != last_second:
            last_second = second
            when = datetime.fromtimestamp(second, timezone.utc)  # exact for int seconds
        sn_text = str(sn)
        if range_key is None:
            keys = {hash_key: {hash_type: hv}}
        else:
            keys = {hash_key: {hash_type: hv}, range_key: {range_type: rv}}
        # thaw() inline: a shaped image (tuple) by its shape's builder, a packed one (bytes) by
        # marshal
        if frozen_new is None:
            new = None
        elif type(frozen_new) is tuple:
            new = builders[frozen_new[0]](frozen_new)
        else:
            new = loads(frozen_new)
        if frozen_old is None:
            old = None
        elif type(frozen_old) is tuple:
            old = builders[frozen_old[0]](frozen_old)
        else:
            old = loads(frozen_old)
        body: dict[str, Any]
        if new is not None:
            if old is not None:
                body = {
                    "ApproximateCreationDateTime": when,
                    "Keys": keys,
                    "NewImage": new,
                    "OldImage": old,
                    "SequenceNumber": sn_text,
                    "SizeBytes": size,
                    "StreamViewType": view_type,
                }
            else:
                body = {
                    "ApproximateCreationDateTime": when,
                    "Keys": keys,
                    "NewImage": new,
                    "SequenceNumber": sn_text,
                    "SizeBytes": size,
                    "StreamViewType": view_type,
                }
        elif old is not None:
            body = {
                "ApproximateCreationDateTime": when,
                "Keys": keys,
                "OldImage": old,
                "SequenceNumber": sn_text,
                "SizeBytes": size,
                "StreamViewType": view_type,
            }
        else:
            body = {
                "ApproximateCreationDateTime": when,
                "Keys": keys,
                "SequenceNumber": sn_text,
                "SizeBytes": size,
                "StreamViewType": view_type,
            }
        eid = id_prefix + sn_text[id_digits:]  # event_id()
        if ttl:
            append(
                {
                    "eventID": eid,
                    "eventName": event_name,
                    "eventVersion": EVENT_VERSION,
                    "eventSource": EVENT_SOURCE,
                    "awsRegion": region,
                    "dynamodb": body,
                    "userIdentity": {"PrincipalId": TTL_PRINCIPAL, "Type": TTL_IDENTITY_TYPE},
                }
            )
        else:
            append(
                {
                    "eventID": eid,
                    "eventName": event_name,
                    "eventVersion": EVENT_VERSION,
                    "eventSource": EVENT_SOURCE,
                    "awsRegion": region,
                    "dynamodb": body,
                }
            )
    return out


def record_to_lambda_dict(stream: Stream, raw: RawRecord) -> dict[str, Any]:
    """Build the record of a Lambda DynamoDB event (spec D.10), JSON-typed throughout.

    The plain version of the poller's fast builder (:mod:`streamsim._lambda._events`), which
    the tests hold to the same output.
    """
    sn, created, event_name, size, _, _, frozen_old, frozen_new, ttl = raw
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": created // 1000,
        "Keys": json_item(record_keys(stream, raw)),
    }
    if frozen_new is not None:
        body["NewImage"] = json_item(thaw(frozen_new))
    if frozen_old is not None:
        body["OldImage"] = json_item(thaw(frozen_old))
    body["SequenceNumber"] = str(sn)
    body["SizeBytes"] = size
    body["StreamViewType"] = stream.view_type
    out: dict[str, Any] = {
        "eventID": event_id(stream.event_id_prefix, sn),
        "eventName": event_name,
        "eventVersion": EVENT_VERSION,
        "eventSource": EVENT_SOURCE,
        "awsRegion": stream.region,
        "dynamodb": body,
        "eventSourceARN": stream.arn,
    }
    if ttl:
        out["userIdentity"] = {"type": TTL_IDENTITY_TYPE, "principalId": TTL_PRINCIPAL}
    return out


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
    out: dict[str, Any] = {}
    for name, av in item.items():
        ((tag, value),) = av.items()
        if tag == "S" or tag == "N" or tag == "BOOL":
            out[name] = {tag: value}
        else:
            out[name] = json_value(av)
    return out
