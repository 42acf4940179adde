"""The table engine: key schema, item store, and writes that become item changes.

Everything here works on canonical DynamoDB JSON (see ``docs/architecture.md``) and parsed
expressions; the faces translate user input into that.  A write that changes data hands exactly
one change (old item, new item) to the table's stream, if it has one; a write that changes
nothing, a delete of a missing item and any rejected write hand over nothing and leave the
table exactly as it was (rule B.2).  Stored items are frozen (``_items._frozen``): the stream
records of the item's changes share them as their images; reads thaw them into fresh dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from streamsim._clock import ms_to_datetime
from streamsim._errors import (
    ConditionalCheckFailedException,
    ResourceInUseException,
    ValidationException,
)
from streamsim._items import (
    MAX_ITEM_BYTES,
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
    Frozen,
    Item,
    Shapes,
    checked_item_size,
    compare_key,
    freeze,
    frozen_size,
    item_size,
    python_to_frozen,
    python_to_sized_item,
    same_item,
    thaw,
    validate_item,
    value_depth,
)
from streamsim._items._limits import MAX_ATTRIBUTE_NESTING
from streamsim._streams._partitions import PartitionMap, partition_hash
from streamsim._streams._records import INSERT, MODIFY, REMOVE
from streamsim._streams._stream import Stream, StreamSettings

from ._expressions import (
    Condition,
    UpdateExpression,
    apply_update,
    evaluate_condition,
    updated_top_level_names,
)
from ._indexes import TableIndexes
from ._splits import SplitCounter, SplitPolicy
from ._table_keys import KEY_TYPES as KEY_TYPES
from ._table_keys import TableKeys
from ._table_streams import TableStreams
from ._ttl import TimeToLive, TTLSettings

if TYPE_CHECKING:
    import random

    from streamsim._clock import Clock


class TableEngine(TableKeys, TableStreams):
    """One table: its key schema, its items, its partitions and its stream.

    AWS behaviour: rule B.2 (which writes produce changes), C.1 (stream specification), C.4
    (limits).  Differs from AWS: a table is ACTIVE as soon as it is created (no CREATING phase),
    and capacity is never exhausted.
    """

    def __init__(
        self,
        *,
        name: str,
        hash_key: str,
        hash_type: str,
        range_key: str | None,
        range_type: str,
        partitions: int,
        clock: Clock,
        region: str,
        account_id: str,
        stream_settings: StreamSettings,
        stream_rng: random.Random,
        ttl_settings: TTLSettings,
        split_policy: SplitPolicy,
        prior_stream: Stream | None = None,
    ) -> None:
        self.name = name
        self.hash_key = hash_key
        self.hash_type = hash_type
        self.range_key = range_key
        self.range_type = range_type
        self.clock = clock
        self.region = region
        self.account_id = account_id
        self.arn = f"arn:aws:dynamodb:{region}:{account_id}:table/{name}"
        self.created_ms = clock.now_ms
        self.status = "ACTIVE"
        self.partitions = PartitionMap(partitions, created_ms=clock.now_ms)
        self.key_schema: tuple[tuple[str, str], ...] = ((hash_key, "HASH"),)
        self.key_schema += ((range_key, "RANGE"),) if range_key is not None else ()
        self.key_names = tuple(n for n, _ in self.key_schema)
        # hash value -> frozen item (no range key) or hash value -> {range value -> frozen item};
        # holding only atomic values, these dicts are not walked by the cyclic GC (a full
        # collection stops tracking them until the next write stores a fresh tuple)
        self._items: dict[Any, Any] = {}
        self._shapes = Shapes()  # the shapes its frozen items share
        self._count = 0
        # hash value -> id of its live partition, for hash values in the table that were
        # written with a stream on (MD5 per write is the write path's costliest step)
        self._pids: dict[Any, int] = {}
        self.stream: Stream | None = None
        self.streams: list[Stream] = []
        self._stream_settings = stream_settings
        self._stream_rng = stream_rng
        self._prior_stream = prior_stream  # an earlier same-named table's: new labels come after
        self.stream_view_type: str | None = None
        self.deleted_ms: int | None = None
        #: callbacks run after each item change: (old item, new item, is TTL delete), the
        #: items as fresh dicts the callback may keep
        self.observers: list[Callable[[Item | None, Item | None, bool], None]] = []
        self.ttl = TimeToLive(self, ttl_settings)
        self.split_policy = split_policy  # automatic splits
        self._splits = SplitCounter(split_policy, clock)
        #: the secondary indexes (rule H.9), None for a table without: its writes pay nothing
        self.indexes: TableIndexes | None = None

    # --- reads ----------------------------------------------------------------------------------

    def get_frozen(self, hv: Any, rv: Any) -> Frozen | None:
        """The stored item with that key, frozen, or None."""
        if self.range_key is None:
            return self._items.get(hv)
        bucket = self._items.get(hv)
        return None if bucket is None else bucket.get(rv)

    def thaw(self, frozen: Frozen) -> Item:
        """A stored item as a fresh canonical item (this table's shapes thaw it fastest)."""
        return self._shapes.thaw(frozen)

    def get(self, hv: Any, rv: Any) -> Item | None:
        """The stored item with that key (a fresh copy), or None."""
        frozen = self.get_frozen(hv, rv)
        return None if frozen is None else self._shapes.thaw(frozen)

    def __len__(self) -> int:
        return self._count

    def items_for_hash(self, hv: Any, *, forward: bool = True) -> list[Item]:
        """All items with one partition-key value, in sort-key order (a new list)."""
        if self.range_key is None:
            frozen = self._items.get(hv)
            return [] if frozen is None else [self._shapes.thaw(frozen)]
        bucket = self._items.get(hv)
        if not bucket:
            return []
        tag = self.range_type
        ordered = sorted(bucket, key=lambda rv: compare_key({tag: rv}), reverse=not forward)
        thaw = self._shapes.thaw
        return [thaw(bucket[rv]) for rv in ordered]

    def partition_of(self, hv: Any) -> int:
        """The id of the live partition holding partition-key value ``hv``."""
        pid = self._pids.get(hv)
        return self._hashed_partition(hv) if pid is None else pid

    def _hashed_partition(self, hv: Any) -> int:
        """:meth:`partition_of` without the cache: hash ``hv`` and find its partition."""
        return self.partitions.locate(partition_hash(self.hash_type, hv)).partition_id

    # --- writes ---------------------------------------------------------------------------------

    def check_condition(
        self,
        condition: Condition | None,
        current: Item | None,
        names: Mapping[str, str] | None,
        values: Mapping[str, Any] | None,
    ) -> None:
        """Raise ConditionalCheckFailedException (with ``current``) if ``condition`` is false.

        No condition always passes.
        """
        if condition is not None and not evaluate_condition(condition, current, names, values):
            raise ConditionalCheckFailedException(item=current)

    def put(
        self,
        item: Item,
        *,
        condition: Condition | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        size: int | None = None,
        plain: bool = False,
    ) -> Frozen | None:
        """Store ``item`` (canonical; the table keeps a frozen copy); return the old one, frozen.

        Args:
            size: the item's size (``item_size``) if the caller knows it.
            plain: the caller knows every value is S, N or BOOL (see ``_frozen.freeze``).

        Raises:
            ValidationException: bad key or oversized item.
            ConditionalCheckFailedException: ``condition`` is false for the current item.
        """
        hv, rv = self.key_of_item(item)
        if self.indexes is not None:
            self.indexes.check(item)
        if size is None or size > MAX_ITEM_BYTES:
            size = checked_item_size(item, size)
        old = self._items.get(hv) if self.range_key is None else self.get_frozen(hv, rv)
        if condition is not None:
            self.check_condition(condition, None if old is None else thaw(old), names, values)
        self._store(hv, rv, old, item, size, False, plain)
        return old

    def put_python(self, mapping: Any) -> None:
        """:meth:`put` (without options) of a Python item as the Table face takes it.

        Converts with :func:`~streamsim._items.python_to_sized_item`, or, for a table with a
        string partition key (and string sort key, if any), no secondary index and no TTL,
        and an item of string, number and boolean values with a short ASCII key, in one pass
        straight to the frozen item (:func:`~streamsim._items.python_to_frozen`).  Both ways
        check and store the same item; errors are the same.
        """
        if (
            self.indexes is None
            and self.hash_type == "S"
            and type(mapping) is dict
            and not self.ttl.enabled
        ):
            hv = mapping.get(self.hash_key)
            rk = self.range_key
            rv = None if rk is None or self.range_type != "S" else mapping.get(rk)
            if (
                type(hv) is str
                and 0 < len(hv) <= MAX_PARTITION_KEY_BYTES
                and hv.isascii()
                and (
                    rk is None
                    or (type(rv) is str and 0 < len(rv) <= MAX_SORT_KEY_BYTES and rv.isascii())
                )
            ):
                converted = python_to_frozen(mapping, self._shapes)
                if converted is not None:
                    new, size = converted
                    old = self._items.get(hv) if rk is None else self.get_frozen(hv, rv)
                    self._commit(hv, rv, old, new, None, size)
                    return
        item, size, plain = python_to_sized_item(mapping)
        self.put(item, size=size, plain=plain)

    def update(
        self,
        key: Item,
        update: UpdateExpression | None,
        *,
        condition: Condition | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> tuple[Item | None, Item | None]:
        """Apply an UpdateExpression to the item with ``key`` (creating it if missing).

        An update of a missing item that only removes (REMOVE, DELETE) creates nothing; one
        without an UpdateExpression creates an item holding just the key (rule B.1).

        Returns:
            ``(old item or None, new item or None)``.
        """
        hv, rv = self.key_of_key(key)
        frozen = self.get_frozen(hv, rv)
        old = None if frozen is None else thaw(frozen)
        new = self.updated_item(key, old, update, names, values)
        if condition is not None:
            self.check_condition(condition, old, names, values)
        size = 0 if new is None else self.checked_new_item(new)
        if frozen is not None or new is not None:
            self._store(hv, rv, frozen, new, size)
        return old, new

    def checked_new_item(self, item: Item) -> int:
        """Check an item an update built as PutItem checks the item it stores; return its size.

        AWS behaviour: rule C.4 (nesting depth, item size): an UpdateItem whose result PutItem
        would reject is rejected with the same ValidationException, and changes nothing.
        """
        validate_item(item, key_names=self.key_names)
        if self.indexes is not None:
            self.indexes.check(item)
        return item_size(item)

    def commit(self, hv: Any, rv: Any, new: Item | None, size: int) -> None:
        """Store ``new`` (None: delete) under the key, a write that passed every check.

        A transaction applies its staged writes through this, once all its checks passed.
        """
        self._store(hv, rv, self.get_frozen(hv, rv), new, size)

    def updated_item(
        self,
        key: Item,
        old: Item | None,
        update: UpdateExpression | None,
        names: Mapping[str, str] | None,
        values: Mapping[str, Any] | None,
    ) -> Item | None:
        """The item an UpdateExpression builds from ``old`` (or from the key), unchecked.

        Returns None when the update of a missing item only removes (no item is created).

        Raises:
            ValidationException: the update touches a key attribute, or fails as it runs.
        """
        if update is not None:
            touched = updated_top_level_names(update, names)
            for name in self.key_names:
                if name in touched:
                    raise ValidationException(
                        "One or more parameter values were invalid: Cannot update attribute "
                        f"{name}. This attribute is part of the key"
                    )
            if old is None and not update.set_actions and not update.add_actions:
                # Only REMOVE/DELETE on a missing item: DynamoDB creates no item (observed
                # against DynamoDB by Alternator's test_update_item_non_existent).
                apply_update(update, None, names, values)  # still raise its runtime errors
                return None
        base = old if old is not None else dict(key)
        return apply_update(update, base, names, values) if update is not None else base

    def delete(
        self,
        key: Item,
        *,
        condition: Condition | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Frozen | None:
        """Delete the item with ``key``; return it, frozen (None if there was none)."""
        hv, rv = self.key_of_key(key)
        old = self.get_frozen(hv, rv)
        if condition is not None:
            self.check_condition(condition, None if old is None else thaw(old), names, values)
        if old is not None:
            self._store(hv, rv, old, None, 0)
        return old

    def _store(
        self,
        hv: Any,
        rv: Any,
        old: Frozen | None,
        new_item: Item | None,
        size: int,
        is_ttl: bool = False,
        plain: bool = False,
    ) -> None:
        """Commit a write that passed every check, and hand over its change.

        Args:
            old: the stored item, frozen (None: there is none).
            new_item: the item to store (None: delete), canonical, of size ``size``.
            plain: every value of ``new_item`` is known to be S, N or BOOL.
        """
        if new_item is None:
            if old is not None:
                self._commit(hv, rv, old, None, None, 0, is_ttl)
            return  # nothing to delete: no change
        new = freeze(new_item, size, plain, self._shapes)
        self._commit(hv, rv, old, new, new_item, size, is_ttl)

    def _commit(
        self,
        hv: Any,
        rv: Any,
        old: Frozen | None,
        new: Frozen | None,
        new_item: Item | None,
        size: int,
        is_ttl: bool = False,
    ) -> None:
        """:meth:`_store` once the new item is frozen (``new``; None: delete).

        ``new_item`` is the same item unfrozen, or None when the caller has only the frozen
        form (:meth:`put_python`): it is then thawed if something needs it.
        """
        if new is not None:
            # Telling a write that changes nothing (rule B.2: no record) matters only to a
            # table with a stream, observers, TTL or a split policy; without, storing equal
            # bytes is moot.
            if (
                old is not None
                and (
                    self.stream is not None
                    or self.observers
                    or self.ttl.enabled
                    or self.split_policy.enabled
                )
                and same_item(old, new, new_item)
            ):
                return
            if new_item is None and (self.indexes is not None or self.ttl.enabled):
                new_item = self._shapes.thaw(new)
        items = self._items
        if self.range_key is None:
            if new is None:
                del items[hv]
                self._pids.pop(hv, None)
            else:
                items[hv] = new
        else:
            bucket = items.get(hv)
            if new is None:
                assert bucket is not None  # old is not None, so its bucket exists
                del bucket[rv]
                if not bucket:
                    del items[hv]
                    self._pids.pop(hv, None)
            else:
                if bucket is None:
                    items[hv] = bucket = {}
                bucket[rv] = new
        if old is None:
            self._count += 1
        elif new is None:
            self._count -= 1
        if self.indexes is not None:
            self.indexes.apply(hv, rv, new_item)
        stream = self.stream
        if stream is not None:
            pid = self._pids.get(hv)
            if pid is None:
                pid = self._hashed_partition(hv)
                if new is not None:
                    self._pids[hv] = pid
            event = INSERT if old is None else (REMOVE if new is None else MODIFY)
            stream.append(pid, event, hv, rv, old, new, is_ttl)
        for observer in self.observers:  # each gets its own copies
            observer(None if old is None else thaw(old), None if new is None else thaw(new), is_ttl)
        if self.ttl.enabled:
            self.ttl.index(hv, rv, new_item)
        if self.split_policy.enabled:
            self._account(hv, 0 if old is None else frozen_size(old), size)

    # --- partitions -----------------------------------------------------------------------------

    def split_partition(self, index: int) -> None:
        """Split the partition at position ``index`` in two (its shard gets two children)."""
        parent = (
            self.partitions[index]
            if -len(self.partitions) <= index < len(self.partitions)
            else None
        )
        left, right = self.partitions.split(index, now_ms=self.clock.now_ms)
        assert parent is not None
        self._pids.clear()
        if self.stream is not None:
            self.stream.split(parent, left, right)
        if self.split_policy.max_partition_bytes is not None:
            self._recount_bytes()

    def _recount_bytes(self) -> None:
        self._splits.recount(
            (self.partition_of(hv), frozen_size(frozen)) for hv, _, frozen in self.iter_frozen()
        )

    def _account(self, hv: Any, old_size: int, new_size: int) -> None:
        pid = self.partition_of(hv)
        if self._splits.record(pid, old_size, new_size):
            index = next(i for i, p in enumerate(self.partitions) if p.partition_id == pid)
            self.split_partition(index)

    # --- TTL ------------------------------------------------------------------------------------

    def delete_expired(self, hv: Any, rv: Any) -> None:
        """Delete an expired item as the DynamoDB service (the TTL sweep's write, rule B.4)."""
        self._store(hv, rv, self.get_frozen(hv, rv), None, 0, is_ttl=True)

    # --- deletion -------------------------------------------------------------------------------

    def mark_deleted(self) -> None:
        """DeleteTable: the stream ends and stays readable for the retention period (A.10)."""
        if self.stream is not None and self.stream.status == "ENABLING":
            raise ResourceInUseException(
                f"Attempt to change a resource which is still in use: Table {self.name} has a "
                "stream being enabled"
            )
        if self.stream is not None:
            self.stream.end()
            self.stream = None
        self.ttl.stop()
        self.deleted_ms = self.clock.now_ms
        self.status = "DELETING"

    @property
    def creation_datetime(self) -> Any:
        """CreationDateTime as a timezone-aware datetime."""
        return ms_to_datetime(self.created_ms)

    @property
    def size_bytes(self) -> int:
        """TableSizeBytes: the sum of the stored items' sizes (live)."""
        return sum(frozen_size(frozen) for _, _, frozen in self.iter_frozen())

    def iter_frozen(self) -> Iterator[tuple[Any, Any, Frozen]]:
        """``(hash value, range value or None, frozen item)`` of every stored item."""
        if self.range_key is None:
            for hv, frozen in self._items.items():
                yield hv, None, frozen
        else:
            for hv, bucket in self._items.items():
                for rv, frozen in bucket.items():
                    yield hv, rv, frozen

    def iter_items(self) -> Iterator[Item]:
        """Every stored item (fresh copies), in no particular (but deterministic) order."""
        if self.range_key is None:
            yield from map(self._shapes.thaw, self._items.values())
        else:
            for bucket in self._items.values():
                yield from map(self._shapes.thaw, bucket.values())

    def _check(self) -> None:
        """Assert the store's invariants: keys, limits, counts, caches and the stream's shards.

        AWS behaviour: rule C.4 (every stored item is within 400 KB and 32 levels of nesting,
        its key attributes of the declared types), C.2 (one open shard per live partition).
        """
        self.partitions._check()
        self.ttl._check()
        if self.indexes is not None:
            every = [(hv, rv, self.thaw(frozen)) for hv, rv, frozen in self.iter_frozen()]
            self.indexes._check(self.get, every)
        count = 0
        for item in self.iter_items():
            for name, kind in zip(self.key_names, (self.hash_type, self.range_type), strict=False):
                value = item.get(name)
                assert value is not None, f"table {self.name}: {item!r} lacks key {name}"
                assert list(value) == [kind], (
                    f"table {self.name}: key attribute {name} of {item!r} is not of type {kind}"
                )
            hv, rv = self.key_of_item(item)
            frozen = self.get_frozen(hv, rv)
            assert frozen is not None, f"table {self.name}: item {hv!r}/{rv!r} stored twice"
            assert thaw(frozen) == item, f"table {self.name}: item {hv!r}/{rv!r} thaws unequal"
            size = item_size(item)
            assert frozen_size(frozen) == size, (
                f"table {self.name}: item {hv!r}/{rv!r} frozen size {frozen_size(frozen)} "
                f"!= its size {size}"
            )
            assert size <= MAX_ITEM_BYTES, (
                f"table {self.name}: item {hv!r}/{rv!r} of {size} bytes is over the item limit"
            )
            depth = max(map(value_depth, item.values()), default=0)
            assert depth <= MAX_ATTRIBUTE_NESTING, (
                f"table {self.name}: item {hv!r}/{rv!r} nests {depth} levels, over the limit"
            )
            count += 1
        assert count == self._count, (
            f"table {self.name}: item count {self._count} but {count} items stored"
        )
        for hv, pid in self._pids.items():
            assert hv in self._items, f"table {self.name}: partition cache holds absent {hv!r}"
            assert pid == self._hashed_partition(hv), (
                f"table {self.name}: partition cache places {hv!r} in {pid}, not its partition"
            )
        stored: dict[int, int] = {}
        for hv, _, frozen in self.iter_frozen():
            pid = self.partition_of(hv)
            stored[pid] = stored.get(pid, 0) + frozen_size(frozen)
        self._splits._check(stored)
        stream = self.stream
        if stream is not None:
            stream._check()
            assert stream.is_enabled, f"table {self.name}: its current stream has ended"
            assert stream in self.streams, f"table {self.name}: its stream is not in its history"
            live = sorted(p.partition_id for p in self.partitions)
            shards = sorted(s.partition_id for s in stream.open_shards)
            assert shards == live, (
                f"table {self.name}: open shards of partitions {shards}, live partitions {live}"
            )
        for old in self.streams:
            if old is not stream:
                assert not old.is_enabled, f"table {self.name}: a replaced stream is enabled"
                assert not old.open_shards, (
                    f"table {self.name}: disabled stream {old.arn} has open shards"
                )
