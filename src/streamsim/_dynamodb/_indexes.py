"""Secondary indexes: their definitions, their entries, and how every write keeps them current.

A table with indexes holds a :class:`TableIndexes`; a table without holds none and its write path
pays nothing.  Each :class:`SecondaryIndex` keeps, per index partition-key value, a sorted map
from ``(index sort-key order, table partition-key order, table sort-key order)`` to the table
key of the item, and the reverse map from table key to that entry, so a write removes the old
entry and adds the new one without thawing the old item.  Reads fetch the item from the table
and project it (:meth:`SecondaryIndex.project`).

AWS behaviour: rule H.8 (definitions and limits), H.9 (sparse indexes; index keys type-checked
on every write), H.10 (reads on an index: order, projection, consistency), H.11 (GSI lifecycle:
CREATING with backfilling, ACTIVE, DELETING).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sortedcontainers import SortedDict

from streamsim._errors import ValidationException
from streamsim._items import Item, compare_key, item_size, type_of, utf8_len

PROJECTION_TYPES = ("ALL", "KEYS_ONLY", "INCLUDE")
MAX_GSIS = 20  # rule H.8: at most 20 global secondary indexes per table
MAX_LSIS = 5  # rule H.8: at most 5 local secondary indexes per table
MAX_PROJECTED_ATTRIBUTES = 100  # rule H.8: NonKeyAttributes across all indexes of a table
INDEX_CREATE_MS = 10_000  # rule H.11: how long a new GSI backfills (our choice, fidelity.md)
INDEX_DELETE_MS = 10_000  # rule H.11: how long a deleted GSI shows DELETING (our choice)
MAX_INDEX_HASH_BYTES = 2048  # rule H.38: an index partition-key value, as a table's
MAX_INDEX_RANGE_BYTES = 1024  # rule H.38: an index sort-key value, as a table's

#: An entry's order inside one index partition: (index sort key, table hash, table range).
Order = tuple[Any, Any, Any]


class IndexDef:
    """One index's definition, as CreateTable or UpdateTable declared it (checked by the face).

    Attributes:
        name: IndexName; is_global: GSI (True) or LSI (False).
        hash_key, hash_type, range_key, range_type: the index's key schema and types.
        projection: ALL, KEYS_ONLY or INCLUDE; non_key: INCLUDE's NonKeyAttributes.
        read_units, write_units: a GSI's provisioned throughput (0 on demand, or an LSI).
        on_demand: a GSI's OnDemandThroughput as given (shown by DescribeTable), or None.
    """

    __slots__ = (
        "hash_key",
        "hash_type",
        "is_global",
        "name",
        "non_key",
        "on_demand",
        "projection",
        "range_key",
        "range_type",
        "read_units",
        "write_units",
    )

    def __init__(
        self,
        *,
        name: str,
        is_global: bool,
        hash_key: str,
        hash_type: str,
        range_key: str | None,
        range_type: str | None,
        projection: str,
        non_key: Sequence[str] = (),
        read_units: int = 0,
        write_units: int = 0,
        on_demand: Mapping[str, int] | None = None,
    ) -> None:
        self.name = name
        self.is_global = is_global
        self.hash_key = hash_key
        self.hash_type = hash_type
        self.range_key = range_key
        self.range_type = range_type
        self.projection = projection
        self.non_key = tuple(non_key)
        self.read_units = read_units
        self.write_units = write_units
        self.on_demand = dict(on_demand) if on_demand is not None else None

    @property
    def key_schema(self) -> tuple[tuple[str, str], ...]:
        """``((name, "HASH"), (name, "RANGE")?)``."""
        out: tuple[tuple[str, str], ...] = ((self.hash_key, "HASH"),)
        return out + (((self.range_key, "RANGE"),) if self.range_key is not None else ())

    @property
    def key_names(self) -> tuple[str, ...]:
        """The index's key attribute names, hash first."""
        return tuple(name for name, _ in self.key_schema)

    def __repr__(self) -> str:
        kind = "GSI" if self.is_global else "LSI"
        return f"IndexDef({kind} {self.name!r} {self.key_names} {self.projection})"


class SecondaryIndex:
    """One index of one table: its definition, status and entries.

    Args:
        definition: what the index is.
        table_keys: the table's ``((name, type), ...)`` key attributes, hash first.
        status: ACTIVE (created with the table), CREATING (added by UpdateTable) or DELETING.
    """

    def __init__(
        self, definition: IndexDef, table_keys: Sequence[tuple[str, str]], status: str = "ACTIVE"
    ) -> None:
        self.definition = definition
        self.name = definition.name
        self.status = status
        self.backfilling = status == "CREATING"
        self._table_keys = tuple(table_keys)
        names = [n for n, _ in table_keys]
        #: the attributes an index item always holds: the table's keys and the index's
        self.key_attributes: tuple[str, ...] = tuple(dict.fromkeys([*definition.key_names, *names]))
        projected = (
            None
            if definition.projection == "ALL"
            else frozenset(self.key_attributes)
            | frozenset(definition.non_key if definition.projection == "INCLUDE" else ())
        )
        #: the attribute names an index item can hold (None: every attribute, ALL)
        self.projected: frozenset[str] | None = projected
        #: ``(name, type, size limit)`` of each index key attribute, for the check of writes
        self.key_limits: tuple[tuple[str, str, int], ...] = tuple(
            (name, kind, limit)
            for name, kind, limit in (
                (definition.hash_key, definition.hash_type, MAX_INDEX_HASH_BYTES),
                (definition.range_key, definition.range_type, MAX_INDEX_RANGE_BYTES),
            )
            if name is not None and kind is not None
        )
        # index hash value -> SortedDict(order -> (table hv, table rv))
        self._entries: dict[Any, SortedDict[Order, tuple[Any, Any]]] = {}
        # (table hv, table rv) -> (index hash value, order)
        self._where: dict[tuple[Any, Any], tuple[Any, Order]] = {}

    # --- entries --------------------------------------------------------------------------------

    def index_key(self, item: Mapping[str, Any]) -> tuple[Any, Any] | None:
        """``(index hash value, index range value or None)`` of an item, or None when the item
        lacks an index key attribute (it is not in the index: a sparse index, rule H.9)."""
        d = self.definition
        hav = item.get(d.hash_key)
        if hav is None or d.hash_type not in hav:
            return None
        if d.range_key is None:
            return hav[d.hash_type], None
        rav = item.get(d.range_key)
        if rav is None or d.range_type not in rav:
            return None
        return hav[d.hash_type], rav[d.range_type]

    def order(self, irv: Any, thv: Any, trv: Any) -> Order:
        """The order of an entry inside its index partition (rule H.10)."""
        d = self.definition
        (_, ht), *rest = self._table_keys
        first = compare_key({d.range_type: irv}) if d.range_type is not None else 0
        second = compare_key({ht: thv})
        third = compare_key({rest[0][1]: trv}) if rest else 0
        return first, second, third

    def remove(self, thv: Any, trv: Any) -> None:
        """Drop the entry of the item with table key ``(thv, trv)``, if it has one."""
        where = self._where.pop((thv, trv), None)
        if where is None:
            return
        ihv, order = where
        bucket = self._entries[ihv]
        del bucket[order]
        if not bucket:
            del self._entries[ihv]

    def add(self, thv: Any, trv: Any, item: Mapping[str, Any]) -> None:
        """Add an entry for the item with table key ``(thv, trv)`` if it has the index keys."""
        self.move(thv, trv, item)

    def move(self, thv: Any, trv: Any, item: Mapping[str, Any] | None) -> None:
        """Bring the entry of the item with table key ``(thv, trv)`` up to date (``item``: its
        new content, None: deleted); an entry whose place is unchanged is left alone."""
        key = None if item is None else self.index_key(item)
        if key is None:
            self.remove(thv, trv)
            return
        ihv, irv = key
        order = self.order(irv, thv, trv)
        if self._where.get((thv, trv)) == (ihv, order):
            return
        self.remove(thv, trv)
        bucket = self._entries.get(ihv)
        if bucket is None:
            bucket = self._entries[ihv] = SortedDict()
        bucket[order] = (thv, trv)
        self._where[(thv, trv)] = (ihv, order)

    def __len__(self) -> int:
        return len(self._where)

    def clear(self) -> None:
        """Drop every entry (the index is being deleted)."""
        self._entries.clear()
        self._where.clear()

    def __contains__(self, table_key: object) -> bool:
        return table_key in self._where

    def partition(
        self, ihv: Any, *, forward: bool = True, after: Order | None = None
    ) -> Iterator[tuple[Order, tuple[Any, Any]]]:
        """The entries of index partition ``ihv`` in order (reversed: backward), after ``after``."""
        bucket = self._entries.get(ihv)
        if bucket is None:
            return iter(())
        if after is None:
            keys = bucket.irange(reverse=not forward)
        elif forward:
            keys = bucket.irange(minimum=after, inclusive=(False, False))
        else:
            keys = bucket.irange(maximum=after, inclusive=(False, False), reverse=True)
        return ((order, bucket[order]) for order in keys)

    def partitions(self) -> Iterator[Any]:
        """Every index partition-key value with entries."""
        return iter(self._entries)

    def entries(self) -> Iterator[tuple[Any, Order, tuple[Any, Any]]]:
        """``(index hash value, order, table key)`` of every entry."""
        for ihv, bucket in self._entries.items():
            for order, table_key in bucket.items():
                yield ihv, order, table_key

    # --- projection -----------------------------------------------------------------------------

    def project(self, item: Item) -> Item:
        """The item as the index holds it: its projected attributes only (shared values)."""
        projected = self.projected
        if projected is None:
            return item
        return {name: value for name, value in item.items() if name in projected}

    def _check(self, get: Callable[[Any, Any], Item | None]) -> None:
        """Assert that every entry names a stored item holding its index keys, and both maps
        agree (``get`` reads the table's item by key)."""
        count = 0
        for ihv, order, (thv, trv) in self.entries():
            item = get(thv, trv)
            assert item is not None, f"index {self.name}: entry for missing item {thv!r}/{trv!r}"
            key = self.index_key(item)
            assert key is not None, f"index {self.name}: holds {thv!r}/{trv!r} without its keys"
            assert (key[0], self.order(key[1], thv, trv)) == (ihv, order), (
                f"index {self.name}: entry of {thv!r}/{trv!r} is out of date"
            )
            assert self._where[(thv, trv)] == (ihv, order), f"index {self.name}: maps disagree"
            count += 1
        assert count == len(self._where), f"index {self.name}: {len(self._where)} != {count}"


def index_key_problem(d: IndexDef, item: Mapping[str, Any]) -> str | None:
    """Why ``item`` cannot be written with index ``d``'s key attributes, or None (rules H.9,
    H.38): a key attribute of the wrong type, an empty string or binary, or a value over 2,048
    bytes (partition key) or 1,024 bytes (sort key), in AWS's words.  Attributes the item
    lacks are no problem (a sparse index)."""
    for name, expected, limit in (
        (d.hash_key, d.hash_type, MAX_INDEX_HASH_BYTES),
        (d.range_key, d.range_type, MAX_INDEX_RANGE_BYTES),
    ):
        if name is None:
            continue
        value = item.get(name)
        if value is None:
            continue
        actual = type_of(value)
        if actual != expected:
            return (
                "One or more parameter values were invalid: Type mismatch for Index Key "
                f"{name} Expected: {expected} Actual: {actual} IndexName: {d.name}"
            )
        if actual == "N":
            continue  # a number is at most 21 bytes
        raw = value[actual]
        if not raw:
            kind = "string" if actual == "S" else "binary"
            return (
                "One or more parameter values are not valid. A value specified for a "
                "secondary index key is not supported. The AttributeValue for a key "
                f"attribute cannot contain an empty {kind} value. IndexName: {d.name}, "
                f"IndexKey: {name}"
            )
        if len(raw) * 4 <= limit:
            continue  # at most 4 UTF-8 bytes a character: within the limit, nothing to measure
        size = len(raw) if actual == "B" else utf8_len(raw)
        if size > limit:
            return (
                "One or more parameter values were invalid: Size limit exceeded for Index Key "
                f"{name} Actual Size: {size} bytes Max Size: {limit} bytes IndexName: {d.name}"
            )
    return None


class TableIndexes:
    """The secondary indexes of one table, kept current by every write (rule H.9).

    Args:
        table_keys: the table's ``((name, type), ...)`` key attributes, hash first.
        definitions: the indexes the table is created with (ACTIVE at once).
    """

    def __init__(
        self, table_keys: Sequence[tuple[str, str]], definitions: Sequence[IndexDef] = ()
    ) -> None:
        self.table_keys = tuple(table_keys)
        self.by_name: dict[str, SecondaryIndex] = {}
        for definition in definitions:
            self.by_name[definition.name] = SecondaryIndex(definition, self.table_keys)

    def __iter__(self) -> Iterator[SecondaryIndex]:
        return iter(list(self.by_name.values()))

    def __len__(self) -> int:
        return len(self.by_name)

    def get(self, name: str) -> SecondaryIndex | None:
        """The index named ``name``, or None."""
        return self.by_name.get(name)

    def live(self) -> list[SecondaryIndex]:
        """The indexes writes maintain and check (all but those being deleted)."""
        return [index for index in self.by_name.values() if index.status != "DELETING"]

    def check(self, item: Mapping[str, Any]) -> None:
        """Check the index key attributes an item holds (rules H.9, H.38).

        Raises:
            ValidationException: an index key attribute of the wrong type, an empty string or
                binary, or a value over 2,048 bytes (partition key) or 1,024 (sort key).
        """
        for index in self.by_name.values():
            if index.status == "DELETING":
                continue
            for name, kind, limit in index.key_limits:
                value = item.get(name)
                if value is None:
                    continue
                raw = value.get(kind)
                # the common case costs these tests: the declared type, not empty, and too
                # short to pass the limit even at 4 UTF-8 bytes a character
                if not raw or (kind != "N" and len(raw) * 4 > limit):
                    problem = index_key_problem(index.definition, item)
                    if problem is not None:
                        raise ValidationException(problem)

    def apply(self, thv: Any, trv: Any, new: Mapping[str, Any] | None) -> None:
        """Move the item with table key ``(thv, trv)`` to its new entries (None: deleted)."""
        for index in self.by_name.values():
            if index.status != "DELETING":
                index.move(thv, trv, new)

    def add_index(self, definition: IndexDef, items: Iterator[tuple[Any, Any, Item]]) -> None:
        """Add a GSI (UpdateTable): CREATING, backfilled from ``items`` (rule H.11).

        Items whose index key attributes have the wrong type or are too large are left out,
        as a backfill leaves out the items it cannot index (rule H.38).
        """
        index = SecondaryIndex(definition, self.table_keys, status="CREATING")
        self.by_name[definition.name] = index
        for thv, trv, item in items:
            if index_key_problem(definition, item) is None:
                index.add(thv, trv, item)

    def drop(self, name: str) -> None:
        """Forget the index named ``name`` (its deletion is over)."""
        self.by_name.pop(name, None)

    def projected_size(self, index: SecondaryIndex, item: Item) -> int:
        """The bytes of an item's entry in ``index``."""
        return item_size(index.project(item))

    def _check(
        self, get: Callable[[Any, Any], Item | None], stored: Sequence[tuple[Any, Any, Item]]
    ) -> None:
        """Assert every index's invariants: each entry is up to date, and every stored item
        holding an index's keys (of the right type and size: a backfill leaves out the others)
        is in it (``get`` reads the table's item by key, ``stored``
        lists every ``(hash value, range value, item)``)."""
        for index in self.by_name.values():
            index._check(get)
            if index.status == "DELETING":
                continue
            for thv, trv, item in stored:
                indexed = (
                    index.index_key(item) is not None
                    and index_key_problem(index.definition, item) is None
                )
                assert indexed == ((thv, trv) in index), (
                    f"index {index.name}: item {thv!r}/{trv!r} indexed={not indexed} wrongly"
                )
