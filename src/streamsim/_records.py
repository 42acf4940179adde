"""Stream records: one per item change, typed, with their two AWS shapes.

A :class:`StreamRecord` holds what the write left behind (sequence number, event name, time, the
old and new item) and nothing it can derive; the key attributes, ``SizeBytes``, ``eventID`` and
the view-type-dependent images are computed when someone looks.  Images are the table's own
canonical items, shared, never copied on the write path: the table never mutates a stored item.

Two AWS shapes are built from a record, both with fresh containers the caller may mutate:

* :func:`record_to_streams_dict`: the ``Record`` of DynamoDB Streams' GetRecords as boto3
  returns it (``ApproximateCreationDateTime`` a timezone-aware datetime, binary as ``bytes``,
  ``userIdentity`` with ``PrincipalId``/``Type``);
* :func:`record_to_lambda_dict`: the record inside a Lambda DynamoDB event (spec D.10): JSON
  types (``ApproximateCreationDateTime`` epoch seconds as a number, binary as base64 text),
  ``eventSourceARN``, ``userIdentity`` with ``principalId``/``type``.
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Sequence
from datetime import datetime, timezone
from hashlib import blake2b
from typing import TYPE_CHECKING, Any

from ._clock import ms_to_datetime
from ._types import Item, copy_value, item_size

if TYPE_CHECKING:
    from ._shard import Shard

EVENT_VERSION = "1.1"  # spec B.7: live captures show "1.1"
EVENT_SOURCE = "aws:dynamodb"  # spec B.7
TTL_PRINCIPAL = "dynamodb.amazonaws.com"  # spec B.4
TTL_IDENTITY_TYPE = "Service"  # spec B.4

INSERT = "INSERT"
MODIFY = "MODIFY"
REMOVE = "REMOVE"


def event_id_hasher(stream_arn: str) -> Any:
    """The per-stream blake2b state eventIDs are finished from (hash of ``<arn>#``)."""
    return blake2b(f"{stream_arn}#".encode(), digest_size=16)


def event_id(hasher: Any, sequence_number: int) -> str:
    """``eventID``: blake2b-128 of ``<stream arn>#<sequence number>``, 32 lowercase hex.

    Unique per record and reproducible; the same value in GetRecords and Lambda events.

    >>> event_id(event_id_hasher("arn"), 1) == blake2b(b"arn#1", digest_size=16).hexdigest()
    True
    """
    digest = hasher.copy()
    digest.update(b"%d" % sequence_number)
    return digest.hexdigest()  # type: ignore[no-any-return]


# Which images each view type carries (spec B.1): (old image?, new image?)
VIEW_IMAGES: dict[str, tuple[bool, bool]] = {
    "KEYS_ONLY": (False, False),
    "NEW_IMAGE": (False, True),
    "OLD_IMAGE": (True, False),
    "NEW_AND_OLD_IMAGES": (True, True),
}


class StreamRecord:
    """One change to one item, as its stream shard holds it.

    Attributes:
        sequence_number: the record's sequence number as an int (AWS shows it as a string).
        event_name: ``"INSERT"``, ``"MODIFY"`` or ``"REMOVE"``.
        created_ms: virtual time of the write, in epoch milliseconds.
        shard: the shard holding the record.
        is_ttl_delete: True for a REMOVE made by the TTL sweep (it carries ``userIdentity``).
        old_item / new_item: the item before / after the change (None where there is none),
            as the table stored it (canonical DynamoDB JSON, shared: do not mutate).  A
            KEYS_ONLY stream keeps only the key attributes here, so that overwritten versions
            of items are not kept alive for 24 hours for nothing.

    AWS behaviour: spec B.1-B.7.  :meth:`to_aws` returns copies.
    """

    __slots__ = (
        "_size",
        "created_ms",
        "event_name",
        "is_ttl_delete",
        "new_item",
        "old_item",
        "sequence_number",
        "shard",
    )

    def __init__(
        self,
        sequence_number: int,
        event_name: str,
        created_ms: int,
        old_item: Item | None,
        new_item: Item | None,
        shard: Shard,
        is_ttl_delete: bool = False,
        size_bytes: int = 0,
    ) -> None:
        self.sequence_number = sequence_number
        self.event_name = event_name
        self.created_ms = created_ms
        self.old_item = old_item
        self.new_item = new_item
        self.shard = shard
        self.is_ttl_delete = is_ttl_delete
        self._size = size_bytes  # 0: not computed yet

    # --- derived values -----------------------------------------------------------------------

    @property
    def keys(self) -> Item:
        """The item's key attributes (canonical DynamoDB JSON, fresh dict)."""
        image = self.new_item if self.new_item is not None else self.old_item
        assert image is not None
        return {name: image[name] for name in self.shard.stream.key_names}

    @property
    def view_type(self) -> str:
        """The StreamViewType of the stream the record belongs to."""
        return self.shard.stream.view_type

    @property
    def new_image(self) -> Item | None:
        """NewImage as the stream's view type shows it (None where AWS omits it)."""
        return self.new_item if VIEW_IMAGES[self.shard.stream.view_type][1] else None

    @property
    def old_image(self) -> Item | None:
        """OldImage as the stream's view type shows it (None where AWS omits it)."""
        return self.old_item if VIEW_IMAGES[self.shard.stream.view_type][0] else None

    @property
    def size_bytes(self) -> int:
        """``SizeBytes``: size of Keys plus the images the view type includes (spec B.6)."""
        size = self._size
        if not size:
            show_old, show_new = VIEW_IMAGES[self.shard.stream.view_type]
            size = item_size(self.keys)
            if show_new and self.new_item is not None:
                size += item_size(self.new_item)
            if show_old and self.old_item is not None:
                size += item_size(self.old_item)
            self._size = size
        return size

    @property
    def event_id(self) -> str:
        """``eventID``: 32 lowercase hex characters, unique per record and reproducible."""
        return event_id(self.shard.stream.event_id_hasher, self.sequence_number)

    @property
    def approximate_creation_datetime(self) -> datetime:
        """``ApproximateCreationDateTime``: the write time rounded down to the second (B.5)."""
        return ms_to_datetime(self.created_ms - self.created_ms % 1000)

    def to_aws(self) -> dict[str, Any]:
        """The record as DynamoDB Streams' GetRecords returns it through boto3 (fresh dict)."""
        return record_to_streams_dict(self)

    def to_lambda_event_record(self) -> dict[str, Any]:
        """The record as it appears in a Lambda DynamoDB event (JSON types, spec D.10)."""
        return record_to_lambda_dict(self)

    def __repr__(self) -> str:
        keys = ", ".join(f"{k}={_short(v)}" for k, v in self.keys.items())
        return (
            f"<StreamRecord {self.event_name} {keys} seq={self.sequence_number} "
            f"shard={self.shard.shard_id}>"
        )


def _short(av: dict[str, Any]) -> str:
    ((tag, value),) = av.items()
    return repr(value) if tag in ("S", "N") else f"{{{tag}}}"


def record_to_streams_dict(record: StreamRecord) -> dict[str, Any]:
    """Build the boto3-facing ``Record`` dict of a stream record (spec A.2, B.1)."""
    return records_to_streams_dicts((record,), 0, 1)[0]


def records_to_streams_dicts(
    records: Sequence[StreamRecord],
    start: int = 0,
    end: int | None = None,
    max_bytes: int | None = None,
) -> list[dict[str, Any]]:
    """Build the ``Record`` dicts of ``records[start:end]``, all of one stream (GetRecords).

    With ``max_bytes``, stop before the record that would bring the total ``SizeBytes`` over
    it, but build at least one record (GetRecords' 1 MB cap, spec A.7).

    The hot path of a stream drain, so it is written flat: per-stream values are looked up
    once per batch, the images are copied inline (a shallow copy of a scalar value is a deep
    copy; only ``L``, ``M`` and sets go through :func:`copy_value`), each dict is built by
    one display, and records of the same second share one (immutable)
    ``ApproximateCreationDateTime``.  Every dict and list returned is fresh.
    """
    if end is None:
        end = len(records)
    if start >= end:
        return []
    stream = records[start].shard.stream
    view_type = stream.view_type
    show_old, show_new = VIEW_IMAGES[view_type]
    key_names = stream.key_names
    hash_key = key_names[0]
    range_key = key_names[1] if len(key_names) > 1 else None
    region = stream.region
    hasher = stream.event_id_hasher
    digest_copy = hasher.copy
    copy_nested = copy_value
    last_second = -1
    when = ms_to_datetime(0)
    budget = -1 if max_bytes is None else max_bytes
    out: list[dict[str, Any]] = []
    append = out.append
    for record in records[start:end]:
        old = record.old_item if show_old else None
        new = record.new_item if show_new else None
        image = record.new_item
        if image is None:
            image = record.old_item
            assert image is not None
        second = record.created_ms // 1000
        if second != last_second:
            last_second = second
            when = datetime.fromtimestamp(second, timezone.utc)  # exact for int seconds
        if range_key is None:
            keys = {hash_key: image[hash_key].copy()}  # key values are scalars: S, N or B
        else:
            keys = {hash_key: image[hash_key].copy(), range_key: image[range_key].copy()}
        size = record._size or record.size_bytes
        if budget >= 0:
            budget -= size
            if budget < 0:
                if out:
                    break
                budget = 0  # the first record alone is over the cap: it is returned anyway
        sn = record.sequence_number
        sn_text = str(sn)
        if new is not None:
            new_copy = {}
            for name, av in new.items():
                if "S" in av or "N" in av or "BOOL" in av:
                    new_copy[name] = av.copy()
                else:
                    new_copy[name] = copy_nested(av)
            if old is not None:
                old_copy = {}
                for name, av in old.items():
                    if "S" in av or "N" in av or "BOOL" in av:
                        old_copy[name] = av.copy()
                    else:
                        old_copy[name] = copy_nested(av)
                body: dict[str, Any] = {
                    "ApproximateCreationDateTime": when,
                    "Keys": keys,
                    "NewImage": new_copy,
                    "OldImage": old_copy,
                    "SequenceNumber": sn_text,
                    "SizeBytes": size,
                    "StreamViewType": view_type,
                }
            else:
                body = {
                    "ApproximateCreationDateTime": when,
                    "Keys": keys,
                    "NewImage": new_copy,
                    "SequenceNumber": sn_text,
                    "SizeBytes": size,
                    "StreamViewType": view_type,
                }
        elif old is not None:
            old_copy = {}
            for name, av in old.items():
                if "S" in av or "N" in av or "BOOL" in av:
                    old_copy[name] = av.copy()
                else:
                    old_copy[name] = copy_nested(av)
            body = {
                "ApproximateCreationDateTime": when,
                "Keys": keys,
                "OldImage": old_copy,
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
        digest = digest_copy()
        digest.update(sn_text.encode())
        if record.is_ttl_delete:
            append(
                {
                    "eventID": digest.hexdigest(),
                    "eventName": record.event_name,
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
                    "eventID": digest.hexdigest(),
                    "eventName": record.event_name,
                    "eventVersion": EVENT_VERSION,
                    "eventSource": EVENT_SOURCE,
                    "awsRegion": region,
                    "dynamodb": body,
                }
            )
    return out


def record_to_lambda_dict(record: StreamRecord) -> dict[str, Any]:
    """Build the record of a Lambda DynamoDB event (spec D.10), JSON-typed throughout."""
    stream = record.shard.stream
    view_type = stream.view_type
    show_old, show_new = VIEW_IMAGES[view_type]
    image = record.new_item if record.new_item is not None else record.old_item
    assert image is not None
    body: dict[str, Any] = {
        "ApproximateCreationDateTime": record.created_ms // 1000,
        "Keys": json_item({name: image[name] for name in stream.key_names}),
    }
    if show_new and record.new_item is not None:
        body["NewImage"] = json_item(record.new_item)
    if show_old and record.old_item is not None:
        body["OldImage"] = json_item(record.old_item)
    body["SequenceNumber"] = str(record.sequence_number)
    body["SizeBytes"] = record.size_bytes
    body["StreamViewType"] = view_type
    out: dict[str, Any] = {
        "eventID": event_id(stream.event_id_hasher, record.sequence_number),
        "eventName": record.event_name,
        "eventVersion": EVENT_VERSION,
        "eventSource": EVENT_SOURCE,
        "awsRegion": stream.region,
        "dynamodb": body,
        "eventSourceARN": stream.arn,
    }
    if record.is_ttl_delete:
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
