"""Query and Scan on a secondary index: which entries a read visits, in what order.

:func:`resolve_index` finds the index a request names and checks it can be read;
:func:`index_query_candidates` lists the items of one index partition in index order that a key
condition selects, after an exclusive start key; :func:`index_scan_candidates` lists every entry
of a segment in scan order.  Both yield the items as the index holds them (projected), or the
table's whole items when an LSI read asks for attributes outside the projection (``fetch``);
:func:`~._reads.read_page` pages them as it pages a table's.

AWS behaviour: rule H.10 (order by the index's keys, ties by the table's key; strongly
consistent reads only on LSIs; LastEvaluatedKey holds the index's and the table's keys).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from streamsim._errors import ValidationException
from streamsim._items import Item, compare_key, type_of
from streamsim._streams._partitions import partition_hash

from ._expressions import KeyCondition
from ._indexes import Order, SecondaryIndex
from ._reads import check_key_condition_types, range_predicate
from ._table import TableEngine


def resolve_index(table: TableEngine, name: Any, *, consistent: bool) -> SecondaryIndex:
    """The index ``name`` of ``table``, readable (rule H.10).

    Raises:
        ValidationException: no such index (or it is being deleted), a strongly consistent
            read of a GSI, or a GSI still backfilling.
    """
    indexes = table.indexes
    index = indexes.get(name) if indexes is not None and isinstance(name, str) else None
    if index is None or index.status == "DELETING":
        raise ValidationException(f"The table does not have the specified index: {name}")
    if consistent and index.definition.is_global:
        raise ValidationException("Consistent reads are not supported on global secondary indexes")
    if index.backfilling:
        raise ValidationException(f"Cannot read from backfilling global secondary index: {name}")
    return index


def _bad_start() -> ValidationException:
    return ValidationException("The provided starting key is invalid")


def start_order(table: TableEngine, index: SecondaryIndex, start: Item) -> tuple[Any, Order]:
    """``(index hash value, order)`` of an ExclusiveStartKey on ``index``.

    It must hold exactly the index's keys and the table's, of their types.

    Raises:
        ValidationException: it does not.
    """
    if set(start) != set(index.key_attributes):
        raise _bad_start()
    try:
        thv, trv = table.key_of_item(start)
    except ValidationException:
        raise _bad_start() from None
    d = index.definition
    for name, kind in ((d.hash_key, d.hash_type), (d.range_key, d.range_type)):
        if name is not None and type_of(start[name]) != kind:
            raise _bad_start()
    key = index.index_key(start)
    assert key is not None
    return key[0], index.order(key[1], thv, trv)


def index_query_candidates(
    table: TableEngine,
    index: SecondaryIndex,
    kc: KeyCondition,
    *,
    forward: bool,
    start: Item | None,
    fetch: bool,
) -> Iterator[Item]:
    """The items a Query of ``index`` visits: one index partition, in index order.

    Raises:
        ValidationException: the condition's values do not match the index's key types, or
            ``start`` is invalid or outside the condition.
    """
    check_key_condition_types(kc, index.definition.hash_type, index.definition.range_type)
    d = index.definition
    ihv = kc.hash_value[d.hash_type]
    in_range = range_predicate(kc.range_op, kc.range_values)
    after: Order | None = None
    if start is not None:
        shv, after = start_order(table, index, start)
        if shv != ihv:
            raise ValidationException(
                "The provided starting key is outside query boundaries based on provided conditions"
            )
        if d.range_key is not None and not in_range(start[d.range_key]):
            raise ValidationException(
                "The provided starting key does not match the range key predicate"
            )
    rk = d.range_key
    checks_range = rk is not None and kc.range_op is not None
    for _, (thv, trv) in index.partition(ihv, forward=forward, after=after):
        item = table.get(thv, trv)
        assert item is not None  # the index follows the table (TableIndexes.apply)
        if checks_range and not in_range(item[rk]):  # type: ignore[index]
            continue
        yield item if fetch else index.project(item)


def index_scan_candidates(
    table: TableEngine,
    index: SecondaryIndex,
    lo: int,
    hi: int,
    *,
    start: Item | None,
    fetch: bool,
) -> Iterator[Item]:
    """The items a Scan of ``index`` over hash range ``[lo, hi)`` visits, after ``start``.

    Scan order: the index partition's hash, its partition-key value, then index order.

    Raises:
        ValidationException: ``start`` is invalid or outside the segment.
    """
    d = index.definition
    ordered: list[tuple[tuple[int, Any, Order], tuple[Any, Any]]] = []
    for ihv in index.partitions():
        h = partition_hash(d.hash_type, ihv)
        if lo <= h < hi:
            head = compare_key({d.hash_type: ihv})
            ordered.extend(((h, head, o), tk) for o, tk in index.partition(ihv))
    ordered.sort(key=lambda pair: pair[0])
    position = 0
    if start is not None:
        shv, order = start_order(table, index, start)
        h = partition_hash(d.hash_type, shv)
        if not lo <= h < hi:
            raise ValidationException(
                "The provided Exclusive start key does not map to the provided Segment and "
                "TotalSegments values."
            )
        mark = (h, compare_key({d.hash_type: shv}), order)
        position = next((i for i, (k, _) in enumerate(ordered) if k > mark), len(ordered))
    for _, (thv, trv) in ordered[position:]:
        item = table.get(thv, trv)
        assert item is not None
        yield item if fetch else index.project(item)
