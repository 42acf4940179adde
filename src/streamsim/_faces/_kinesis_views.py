"""Read-only views of a Kinesis stream and its shards: what ``sim.kinesis_streams`` hands out.

A view wraps one model object (:mod:`streamsim._kinesis`) and exposes only reads: properties
and methods that return values, fresh lists and other views.  The model's mutators (writes,
resharding, retention, the subscriber lists, reading raw records by position) are not on
them; streams are changed through ``sim.client("kinesis")``.  Like the DynamoDB stream's view
(:mod:`._stream_views`), a stream shows its shard lineage as a picture in notebooks.

Two views of the same model object are equal (and hash alike).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from streamsim._kinesis._shard import KinesisShard as ShardModel
from streamsim._kinesis._stream import KinesisStream as StreamModel
from streamsim._pictures import Picture

from . import _kinesis_pictures
from ._display import INLINE_LIMIT, Display
from ._lambda_pictures import reads
from ._lambda_views import EventSourceMapping, Function

M = TypeVar("M")


class _ModelView(Display, Generic[M]):
    """Equality and hashing by the wrapped model object (two views of one object are equal)."""

    __slots__ = ()
    _model: M

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _ModelView)
        return self._model is other._model

    def __hash__(self) -> int:
        return id(self._model)


class KinesisStream(_ModelView[StreamModel]):
    """A Kinesis data stream as users see it: identity, status, shards and lineage (read-only).

    Reached as ``sim.kinesis_streams`` or ``sim.kinesis_stream(name)``; its shards are
    :class:`KinesisShard` views.  In a notebook it shows its shard lineage (:meth:`lineage`).

    AWS behaviour: rule K.4 (lifecycle), K.10-K.13 (lineage, retention, resharding).
    """

    __slots__ = ("_model",)

    def __init__(self, model: StreamModel) -> None:
        self._model = model

    # --- identity and state ---------------------------------------------------------------------

    @property
    def name(self) -> str:
        """StreamName."""
        return self._model.name

    @property
    def arn(self) -> str:
        """StreamARN (``arn:aws:kinesis:<region>:<account>:stream/<name>``)."""
        return self._model.arn

    @property
    def status(self) -> str:
        """``CREATING``, ``ACTIVE``, ``UPDATING`` or ``DELETING`` (rule K.4)."""
        return self._model.status

    @property
    def mode(self) -> str:
        """``PROVISIONED`` or ``ON_DEMAND``."""
        return self._model.mode

    @property
    def created_ms(self) -> int:
        """When CreateStream was called, in epoch milliseconds of virtual time."""
        return self._model.created_ms

    @property
    def creation_datetime(self) -> datetime:
        """StreamCreationTimestamp."""
        return self._model.creation_datetime

    @property
    def deleted_ms(self) -> int | None:
        """When DeleteStream completed, or None."""
        return self._model.deleted_ms

    @property
    def retention_hours(self) -> int:
        """RetentionPeriodHours (rule K.11)."""
        return self._model.retention_hours

    @property
    def tags(self) -> dict[str, str]:
        """Its tags (a new dict)."""
        return dict(self._model.tags)

    @property
    def open_shard_count(self) -> int:
        """OpenShardCount."""
        return self._model.open_shard_count

    # --- shards ---------------------------------------------------------------------------------

    @property
    def shards(self) -> list[KinesisShard]:
        """The shards ListShards lists now, parents before children (a new list)."""
        return [KinesisShard(s, self) for s in self._model.shards]

    @property
    def all_shards(self) -> list[KinesisShard]:
        """Every shard still in memory, expired ones not yet swept included (a new list)."""
        return [KinesisShard(s, self) for s in self._model.all_shards]

    @property
    def open_shards(self) -> list[KinesisShard]:
        """The open shards, by hash-key range (a new list)."""
        return [KinesisShard(s, self) for s in self._model.open_shards()]

    def shard(self, shard_id: str) -> KinesisShard | None:
        """The listed shard with that id, or None."""
        shard = self._model.shard(shard_id)
        return None if shard is None else KinesisShard(shard, self)

    # --- pictures and tables --------------------------------------------------------------------

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

        One bar per shard still in memory (expired ones faded), from its opening to its
        closing, over its hash-key range (``by="hash"``, the default: a split forks a lane in
        two, a merge joins two lanes) or in a lane of its own (``by="partition"``, one lane
        per shard index); links join each shard to its parent and, after a merge, to its
        adjacent parent; the shaded band is the retention window.

        Args:
            by: ``"hash"`` or ``"partition"`` (see above).
            readers: an event source mapping on this stream (or a function, for all its
                mappings on this stream) whose invocations are drawn as Lambda lanes
                underneath: which instance read which shard when.
            since / until: the span of virtual time drawn (default: creation to now).
            width: in pixels.

        >>> from streamsim import Simulation
        >>> sim = Simulation(seed=3)
        >>> kinesis = sim.client("kinesis")
        >>> _ = kinesis.create_stream(StreamName="clicks", ShardCount=2)
        >>> _ = sim.advance(hours=1)
        >>> _ = kinesis.split_shard(StreamName="clicks", ShardToSplit="shardId-000000000000",
        ...                         NewStartingHashKey=str(2**125))
        >>> _ = sim.advance(hours=1)
        >>> sim.kinesis_stream("clicks").lineage()
        <Picture lineage: Shard lineage of Kinesis stream clicks: 4 shards, 3 open, by hash, now 2h>
        """
        spans = None
        if isinstance(readers, EventSourceMapping):
            mappings = [readers]
        elif isinstance(readers, Function):
            mappings = readers.mappings
        elif readers is not None:
            raise TypeError(f"readers must be an EventSourceMapping or a Function, got {readers!r}")
        if readers is not None:
            arn = self._model.arn
            spans = [
                r for m in mappings if m.event_source_arn == arn for r in reads(m.invocation_log)
            ]
        return _kinesis_pictures.lineage(
            self._model, by=by, reads=spans, since=since, until=until, width=width
        )

    def counts(self, *, since: datetime | None = None, width: int = 900) -> Picture:
        """A picture of how many shards ListShards lists, and how many are open, over time.

        A closed shard stays listed until its last record ages out (rule K.11).
        """
        return _kinesis_pictures.counts(self._model, since=since, width=width)

    def shards_table(self) -> list[dict[str, Any]]:
        """One flat row per shard still in memory, in index order (a new list).

        Columns: ``shard_id``, ``index``, ``parent_shard_id``, ``adjacent_parent_shard_id``,
        ``state`` (``open``, ``closed`` or ``expired``: no longer listed), ``opened``,
        ``elapsed`` (since the stream was created), ``closed``, ``listed_until``, ``records``
        (ever written), ``readable_records``, ``starting_hash_key`` / ``ending_hash_key`` and
        ``starting_sequence_number`` / ``ending_sequence_number`` (strings, as ListShards
        shows them).  ``pandas.DataFrame(rows)`` takes it as it is.
        """
        return _kinesis_pictures.shards_table(self._model)

    def _picture(self) -> Picture | None:
        if len(self._model.all_shards) > INLINE_LIMIT:
            return None
        return self.lineage()

    def __repr__(self) -> str:
        model = self._model
        return (
            f"<KinesisStream {model.name} {model.status} {model.mode} "
            f"shards={len(model.shards)} open={model.open_shard_count}>"
        )

    def _check(self) -> None:
        """Assert the stream's invariants (the model's ``_check``)."""
        self._model._check()


class KinesisShard(_ModelView[ShardModel]):
    """One shard of a Kinesis stream as users see it: hash-key range, lineage, numbers.

    AWS behaviour: rule K.3 (ids), K.7 (sequence numbers), K.10-K.12 (lineage).
    """

    __slots__ = ("_model", "_stream")

    def __init__(self, model: ShardModel, stream: KinesisStream) -> None:
        self._model = model
        self._stream = stream

    @property
    def shard_id(self) -> str:
        """``shardId-<12 digits>`` (rule K.3)."""
        return self._model.shard_id

    @property
    def index(self) -> int:
        """The shard's number in its stream (the digits of its id)."""
        return self._model.index

    @property
    def stream(self) -> KinesisStream:
        """The stream this shard belongs to."""
        return self._stream

    @property
    def parent_shard_id(self) -> str | None:
        """``ParentShardId`` (kept after the parent itself left memory)."""
        return self._model.parent_shard_id

    @property
    def adjacent_parent_shard_id(self) -> str | None:
        """``AdjacentParentShardId``: the second parent of a shard a merge made."""
        return self._model.adjacent_parent_shard_id

    @property
    def hash_range(self) -> tuple[int, int]:
        """``(StartingHashKey, EndingHashKey)``, both inclusive."""
        return self._model.hash_range

    @property
    def created_ms(self) -> int:
        """Virtual time the shard opened."""
        return self._model.created_ms

    @property
    def closed_ms(self) -> int | None:
        """Virtual time the shard closed (a split or merge), or None while open."""
        return self._model.closed_ms

    @property
    def is_open(self) -> bool:
        """True while the shard takes new records."""
        return self._model.is_open

    @property
    def starting_sequence_number(self) -> int:
        """The first number of its SequenceNumberRange."""
        return self._model.starting_sequence_number

    @property
    def ending_sequence_number(self) -> int | None:
        """The last number of its SequenceNumberRange, or None while open."""
        return self._model.ending_sequence_number

    @property
    def records_written(self) -> int:
        """Records ever written to the shard (trimmed ones included)."""
        return self._model.end_position

    def __len__(self) -> int:
        """Records still readable (within retention)."""
        model = self._model
        return model.end_position - model.first_position

    @property
    def parents(self) -> list[KinesisShard]:
        """The shards it continues that are still in memory (two after a merge)."""
        return [KinesisShard(p, self._stream) for p in self._model.parents]

    @property
    def children(self) -> list[KinesisShard]:
        """The shards continuing it (empty while open; a new list)."""
        return [KinesisShard(c, self._stream) for c in self._model.children]

    def __repr__(self) -> str:
        model = self._model
        state = "open" if model.is_open else "closed"
        parents = [p for p in (model.parent_shard_id, model.adjacent_parent_shard_id) if p]
        lineage = f" parents={','.join(parents)}" if parents else ""
        return f"<KinesisShard {model.shard_id} {state}{lineage} records={model.end_position}>"
