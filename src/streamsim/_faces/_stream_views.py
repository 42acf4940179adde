"""Read-only views of a stream and its shards: what ``table.stream`` and ``sim.streams`` hand out.

A view wraps one model object (:mod:`streamsim._streams`) and exposes only reads: properties and
methods that return values, fresh lists and other views.  The model's mutators
(``Stream.append``, ``split``, ``end``, the reader bookkeeping, ``Shard.append``, ``trim``,
``close``, reading raw records by position) are not on them, and assigning to a view's
attributes fails.  The write path and the poller keep the model objects and never go through a
view.

Two views of the same model object are equal (and hash alike), so two reads of
``table.stream`` compare equal although each returns a new view.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from streamsim._pictures import Picture
from streamsim._streams._history import StreamEvent
from streamsim._streams._shard import Shard as ShardModel
from streamsim._streams._stream import Stream as StreamModel
from streamsim._streams._stream import StreamSettings
from streamsim._streams._view import StreamRecord

from . import _stream_pictures
from ._display import INLINE_LIMIT, Display
from ._lambda_pictures import reads
from ._lambda_views import EventSourceMapping, Function


class Stream(Display):
    """A table's stream as users see it: its identity, status, shards and records (read-only).

    Reached as ``table.stream``, ``table.streams`` or ``sim.streams``.  The shards it returns
    are :class:`Shard` views; its records are :class:`~streamsim.StreamRecord` values.

    AWS behaviour: rule A.2-A.10, C.1 (the model's :mod:`streamsim._streams._stream`).
    """

    __slots__ = ("_model",)

    def __init__(self, model: StreamModel) -> None:
        self._model = model

    # --- identity -------------------------------------------------------------------------------

    @property
    def arn(self) -> str:
        """The stream ARN (``LatestStreamArn`` of its table while enabled)."""
        return self._model.arn

    @property
    def label(self) -> str:
        """The StreamLabel: the enabling instant, ISO-8601 with milliseconds."""
        return self._model.label

    @property
    def table_name(self) -> str:
        """The name of the table whose changes the stream records."""
        return self._model.table_name

    @property
    def region(self) -> str:
        """The region (``awsRegion`` of its records)."""
        return self._model.region

    @property
    def view_type(self) -> str:
        """The StreamViewType: what its records show of the item (rule A.2)."""
        return self._model.view_type

    @property
    def key_schema(self) -> tuple[tuple[str, str], ...]:
        """The table's key schema as ``(attribute name, HASH | RANGE)`` pairs."""
        return tuple(self._model.key_schema)

    @property
    def key_names(self) -> tuple[str, ...]:
        """The table's key attribute names, hash key first."""
        return self._model.key_names

    @property
    def key_types(self) -> tuple[str, ...]:
        """The key attributes' types (``"S"``, ``"N"`` or ``"B"``), in schema order."""
        return self._model.key_types

    @property
    def event_id_prefix(self) -> str:
        """What the stream's eventIDs begin with."""
        return self._model.event_id_prefix

    @property
    def shapes(self) -> None:
        """None: the table's item shapes stay inside the model (records shown through a view
        thaw their images without them, to the same result)."""
        return None

    @property
    def settings(self) -> StreamSettings:
        """The (frozen) stream settings of the simulation that made the stream."""
        return self._model.settings

    # --- state ----------------------------------------------------------------------------------

    @property
    def created_ms(self) -> int:
        """When the stream was enabled, in epoch milliseconds of virtual time."""
        return self._model.created_ms

    @property
    def creation_datetime(self) -> datetime:
        """When the stream was enabled (CreationRequestDateTime)."""
        return self._model.creation_datetime

    @property
    def ended_ms(self) -> int | None:
        """When the stream was disabled (or its table deleted), or None while enabled."""
        return self._model.ended_ms

    @property
    def status(self) -> str:
        """``ENABLING``, ``ENABLED``, ``DISABLING`` or ``DISABLED`` (rule A.2, C.1)."""
        return self._model.status

    @property
    def is_enabled(self) -> bool:
        """True until the stream is disabled or its table deleted."""
        return self._model.is_enabled

    @property
    def next_sequence_number(self) -> int:
        """The sequence number the next record (or shard) of this stream will get."""
        return self._model.next_sequence_number

    def is_readable(self, now_ms: int) -> bool:
        """True while the stream is listed: enabled, or ended less than a retention ago."""
        return self._model.is_readable(now_ms)

    # --- shards ---------------------------------------------------------------------------------

    @property
    def shards(self) -> list[Shard]:
        """The shards DescribeStream lists now, in shard-id order (a new list)."""
        return [Shard(s, self) for s in self._model.shards]

    @property
    def all_shards(self) -> list[Shard]:
        """Every shard this stream ever had that is still in memory, trimmed ones included."""
        return [Shard(s, self) for s in self._model.all_shards]

    @property
    def open_shards(self) -> list[Shard]:
        """The open shards, one per live partition, in shard-id order."""
        return [Shard(s, self) for s in self._model.open_shards]

    def shard(self, shard_id: str) -> Shard | None:
        """The shard with that id if it is still listed, else None."""
        shard = self._model.shard(shard_id)
        return None if shard is None else Shard(shard, self)

    def roots(self) -> list[Shard]:
        """Listed shards whose parent is not listed (where a lineage walk starts)."""
        return [Shard(s, self) for s in self._model.roots()]

    def leaves(self) -> list[Shard]:
        """Listed shards without children (the open ones, or the last of a disabled stream)."""
        return [Shard(s, self) for s in self._model.leaves()]

    def lineage_order(self) -> list[Shard]:
        """Listed shards ordered so that every parent comes before its children."""
        return [Shard(s, self) for s in self._model.lineage_order()]

    def lineage_text(self) -> str:
        """The listed shards as an ASCII tree, children under their parent (for notebooks).

        >>> from streamsim import Simulation
        >>> sim = Simulation(seed=3)
        >>> table = sim.create_table("demo", hash_key="pk", stream_view_type="KEYS_ONLY")
        >>> print(table.stream.lineage_text())  # doctest: +ELLIPSIS
        <Stream demo 2024-01-01T00:00:00.000 ENABLED KEYS_ONLY shards=1 open=1>
        `-- ... p0 open       0 records 01-01 00:00:00 ..
        """
        return self._model.lineage_text()

    def __iter__(self) -> Iterator[StreamRecord]:
        """Every readable record, shard by shard in lineage order."""
        for shard in self.lineage_order():
            yield from shard.records

    # --- history, pictures and tables ---------------------------------------------------------

    @property
    def history(self) -> list[StreamEvent]:
        """The lifecycle log, oldest first: shards opened, closed and expired, splits, enabling
        and disabling (a new list; bounded by ``StreamSettings.history_limit``).

        It outlives retention: shards whose records aged out are still in it.
        ``pandas.DataFrame(stream.history)`` takes it as it is.
        """
        return sorted(self._model.history, key=_event_key)

    def lineage(
        self,
        *,
        by: str = "hash",
        readers: EventSourceMapping | Function | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        width: int = 900,
    ) -> Picture:
        """A picture of the stream's shard lineage over virtual time.

        One bar per shard the lifecycle log knows (expired ones too, drawn faded), from its
        opening to its closing (open bars run to the "now" line), labelled with its short id
        and the records it ever took; thin links join parents to children; the shaded band is
        the retention window (records written there are still readable).

        Args:
            by: ``"hash"`` (default): the vertical axis is the partition-key hash space, so a
                rotation continues a lane and a split forks it into two.  ``"partition"``:
                one lane per partition id, in numeric order.
            readers: an event source mapping (or a function, for all its mappings) whose
                invocations are drawn as Lambda lanes underneath: which instance read which
                shard when.  AWS does not name instances; the picture numbers them (an
                instance keeps the shard it read last, or its parent's child).
            since / until: the span of virtual time drawn (default: from the first shard to
                now).
            width: in pixels.

        >>> from streamsim import Simulation
        >>> sim = Simulation(seed=3)
        >>> table = sim.create_table("demo", hash_key="pk", partitions=2,
        ...                          stream_view_type="KEYS_ONLY")
        >>> _ = sim.advance(hours=8)
        >>> table.stream.lineage()
        <Picture lineage: Shard lineage of demo (2024-01-01T00:00:00.000): 6 shards, 2 open, 2 partitions by hash, now 8h>
        """  # noqa: E501 - doctest output lines are as long as they are
        spans = None
        if isinstance(readers, EventSourceMapping):
            spans = reads(readers.invocation_log)
        elif isinstance(readers, Function):
            spans = [r for m in readers.mappings for r in reads(m.invocation_log)]
        elif readers is not None:
            raise TypeError(f"readers must be an EventSourceMapping or a Function, got {readers!r}")
        return _stream_pictures.lineage(
            self._model, by=by, reads=spans, since=since, until=until, width=width
        )

    def counts(self, *, since: datetime | None = None, width: int = 900) -> Picture:
        """A picture of how many shards DescribeStream lists, and how many are open, over time.

        A closed shard stays listed until its last record ages out (rule A.5, A.10), so at 4
        partitions and 4-hour rotation 24 shards are listed at 23:59 and 28 from 24:00 on,
        while 4 are open throughout.
        """
        return _stream_pictures.counts(self._model, since=since, width=width)

    def counts_table(self) -> list[dict[str, Any]]:
        """Shards listed and open, one row per instant either changes (a new list).

        Columns: ``time`` (datetime), ``elapsed`` (timedelta since the stream was enabled),
        ``listed`` (what DescribeStream lists from then on), ``open``.
        """
        return _stream_pictures.counts_table(self._model)

    def shards_table(self) -> list[dict[str, Any]]:
        """One flat row per shard the lifecycle log knows, oldest first (a new list).

        Columns: ``shard_id``, ``short_id``, ``partition``, ``parent_shard_id``, ``state``
        (``open``, ``closed`` or ``expired``: no longer listed), ``opened``, ``closed``,
        ``listed_until`` (datetimes, None where not yet known), ``records`` (ever appended),
        ``readable_records`` (not yet trimmed), ``hash_lo`` / ``hash_hi`` (the partition's
        hash range), ``starting_sequence_number`` / ``ending_sequence_number`` (strings; the
        ending None while open).  ``pandas.DataFrame(rows)`` takes it as it is.
        """
        return _stream_pictures.shards_table(self._model)

    def _picture(self) -> Picture | None:
        if len(self._model.all_shards) > INLINE_LIMIT:
            return None
        return self.lineage()

    # --- demonstration --------------------------------------------------------------------------

    def rotate_now(self) -> list[Shard]:
        """Rotate every open shard at once, as the rotation period would; return the new shards.

        A demonstration action (like advancing time), not a way to edit the stream: each open
        shard closes and one child continues its partition (rule A.10).
        """
        return [Shard(s, self) for s in self._model.rotate_now()]

    # --- identity -------------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Stream):
            return NotImplemented
        return self._model is other._model

    def __hash__(self) -> int:
        return id(self._model)

    def __repr__(self) -> str:
        return repr(self._model)

    def _check(self) -> None:
        """Assert the stream's invariants (the model's ``_check``)."""
        self._model._check()


class Shard(Display):
    """One shard of a stream as users see it: lineage, sequence-number range, records.

    Every record's sequence number lies within ``starting_sequence_number`` ..
    ``ending_sequence_number`` (None while open).  AWS behaviour: rule A.3, A.5, A.9, A.10.
    """

    __slots__ = ("_model", "_stream")

    def __init__(self, model: ShardModel, stream: Stream) -> None:
        self._model = model
        self._stream = stream

    @property
    def shard_id(self) -> str:
        """``shardId-<20 digits: creation epoch ms>-<8 hex>`` (rule A.3)."""
        return self._model.shard_id

    @property
    def short_id(self) -> str:
        """The last 8 hex characters of the id: what reprs and pictures show."""
        return self._model.short_id

    @property
    def parent_shard_id(self) -> str | None:
        """The parent's id (``ParentShardId``), kept after the parent itself left memory."""
        return self._model.parent_shard_id

    @property
    def stream(self) -> Stream:
        """The stream this shard belongs to."""
        return self._stream

    @property
    def partition_id(self) -> int:
        """The table partition whose writes this shard took."""
        return self._model.partition_id

    @property
    def created_ms(self) -> int:
        """Virtual time the shard opened."""
        return self._model.created_ms

    @property
    def closed_ms(self) -> int | None:
        """Virtual time the shard closed, or None while open."""
        return self._model.closed_ms

    @property
    def starting_sequence_number(self) -> int:
        """The first number of the shard's SequenceNumberRange."""
        return self._model.starting_sequence_number

    @property
    def ending_sequence_number(self) -> int | None:
        """The last number of the shard's SequenceNumberRange, or None while open."""
        return self._model.ending_sequence_number

    @property
    def is_open(self) -> bool:
        """True while the shard takes new records."""
        return self._model.is_open

    @property
    def last_sequence_number(self) -> int | None:
        """Sequence number of the newest record ever appended, or None if none was."""
        return self._model.last_sequence_number

    @property
    def trimmed_through(self) -> int:
        """The highest sequence number trimmed away so far (0 when nothing was trimmed)."""
        return self._model.trimmed_through

    def is_expired(self, now_ms: int) -> bool:
        """True once a closed shard has nothing readable left and leaves DescribeStream."""
        return self._model.is_expired(now_ms)

    @property
    def records(self) -> list[StreamRecord]:
        """The records still readable (not trimmed), oldest first (a new list)."""
        model = self._model
        return [StreamRecord(self, raw) for raw in model.read(model.first_position)]

    def __len__(self) -> int:
        return len(self._model)

    # --- lineage --------------------------------------------------------------------------------

    @property
    def parent(self) -> Shard | None:
        """The shard this one continues, or None for a root."""
        parent = self._model.parent
        return None if parent is None else Shard(parent, self._stream)

    @property
    def children(self) -> list[Shard]:
        """Shards that continue this one (empty while open; a new list)."""
        return [Shard(c, self._stream) for c in self._model.children]

    def ancestors(self) -> Iterator[Shard]:
        """Parent, grandparent, ... up to the root."""
        for shard in self._model.ancestors():
            yield Shard(shard, self._stream)

    def descendants(self) -> Iterator[Shard]:
        """Children, grandchildren, ... parents before children (breadth first)."""
        for shard in self._model.descendants():
            yield Shard(shard, self._stream)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Shard):
            return NotImplemented
        return self._model is other._model

    def __hash__(self) -> int:
        return id(self._model)

    def __repr__(self) -> str:
        return repr(self._model)

    def _check(self) -> None:
        """Assert the shard's invariants (the model's ``_check``)."""
        self._model._check()


def _event_key(event: StreamEvent) -> int:
    return event.at_ms
