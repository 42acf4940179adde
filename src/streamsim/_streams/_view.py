"""The typed view of a stream record, for notebooks and tests.

A shard keeps raw records (:mod:`._records`); :class:`StreamRecord` wraps one with the shard
that holds it, on demand, and shows it as typed values or, through :mod:`._render`, in its AWS
shapes.  It knows the shard only as a :class:`RecordHolder` (an id and a stream's facts), so
shards can build views without this module knowing the shard type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from streamsim._clock import ms_to_datetime
from streamsim._items import Item, thaw

from ._records import CREATED, EVENT, NEW, OLD, SEQ, SIZE, TTL, RawRecord, StreamFacts, event_id
from ._render import RecordFormat, lambda_event_record, streams_record


class RecordHolder(Protocol):
    """What a record view needs of its shard: the shard's id and its stream's facts."""

    @property
    def shard_id(self) -> str:
        """The shard's id."""

    @property
    def stream(self) -> StreamFacts:
        """The stream the shard belongs to."""


class StreamRecord:
    """One change to one item: a typed view of a record its shard holds.

    Attributes:
        shard: the shard holding the record.
        raw: the record as the shard keeps it (see :data:`RawRecord`).

    Two views of the same record are equal.  Every image or key dict it returns is a fresh
    copy.  AWS behaviour: rule B.1-B.7.
    """

    __slots__ = ("raw", "shard")

    def __init__(self, shard: RecordHolder, raw: RawRecord) -> None:
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
        """``SizeBytes``: size of Keys plus the images the view type includes (rule B.6)."""
        return self.raw[SIZE]

    @property
    def keys(self) -> Item:
        """The item's key attributes (canonical DynamoDB JSON, fresh dict)."""
        return RecordFormat(self.shard.stream).keys(self.raw)

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
        fmt = RecordFormat(self.shard.stream)
        return streams_record(fmt, self.raw)

    def to_lambda_event_record(self) -> dict[str, Any]:
        """The record as it appears in a Lambda DynamoDB event (JSON types, rule D.10)."""
        return lambda_event_record(RecordFormat(self.shard.stream), self.raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StreamRecord):
            return NotImplemented
        return self.shard == other.shard and self.raw == other.raw

    def __hash__(self) -> int:
        return hash((self.shard.shard_id, self.raw[SEQ]))

    def __repr__(self) -> str:
        keys = ", ".join(f"{k}={_short(v)}" for k, v in self.keys.items())
        return (
            f"<StreamRecord {self.event_name} {keys} seq={self.sequence_number} "
            f"shard={self.shard.shard_id.rsplit('-', 1)[-1]}>"
        )


def _short(av: dict[str, Any]) -> str:
    ((tag, value),) = av.items()
    return repr(value) if tag in ("S", "N") else f"{{{tag}}}"
