"""Shaping what DynamoDB answers about secondary indexes: descriptions, capacity, collections.

:func:`index_descriptions` renders a table's ``GlobalSecondaryIndexes`` and
``LocalSecondaryIndexes`` as DescribeTable shows them; :func:`index_write_units` computes the
write units each index of a table consumes for one item change, :func:`add_index_capacity`
adds them (or an index read's units) to a ``ConsumedCapacity``; :func:`collection_metrics`
renders ``ItemCollectionMetrics`` for tables with LSIs.

AWS behaviour: rule H.12 (index capacity units, ItemCollectionMetrics), H.13 (descriptions).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from streamsim._dynamodb._capacity import WRITE_UNIT_BYTES, units
from streamsim._dynamodb._catalog import TableMeta
from streamsim._dynamodb._indexes import SecondaryIndex
from streamsim._dynamodb._table import TableEngine
from streamsim._items import Item, item_size, thaw

GB = 1024**3


def _description(engine: TableEngine, index: SecondaryIndex, meta: TableMeta) -> dict[str, Any]:
    d = index.definition
    projection: dict[str, Any] = {"ProjectionType": d.projection}
    if d.non_key:
        projection["NonKeyAttributes"] = list(d.non_key)
    size = 0
    for _, _, (thv, trv) in index.entries():
        item = engine.get(thv, trv)
        if item is not None:
            size += item_size(index.project(item))
    out: dict[str, Any] = {
        "IndexName": d.name,
        "KeySchema": [{"AttributeName": n, "KeyType": k} for n, k in d.key_schema],
        "Projection": projection,
    }
    if d.is_global:
        out["IndexStatus"] = index.status
        if index.backfilling:
            out["Backfilling"] = True
        out["ProvisionedThroughput"] = {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": d.read_units if meta.billing_mode == "PROVISIONED" else 0,
            "WriteCapacityUnits": d.write_units if meta.billing_mode == "PROVISIONED" else 0,
        }
        if d.on_demand is not None and meta.billing_mode == "PAY_PER_REQUEST":
            out["OnDemandThroughput"] = dict(d.on_demand)
    out["IndexSizeBytes"] = size
    out["ItemCount"] = len(index)
    out["IndexArn"] = f"{engine.arn}/index/{d.name}"
    return out


def index_descriptions(
    engine: TableEngine, meta: TableMeta, status: str | None = None
) -> dict[str, Any]:
    """``GlobalSecondaryIndexes`` / ``LocalSecondaryIndexes`` members of a TableDescription
    (``status``: the GSIs' IndexStatus to show instead, e.g. CREATING in CreateTable's answer).
    """
    indexes = engine.indexes
    if indexes is None:
        return {}
    gsis: list[dict[str, Any]] = []
    lsis: list[dict[str, Any]] = []
    for index in indexes:
        shown = _description(engine, index, meta)
        if index.definition.is_global:
            if status is not None:
                shown["IndexStatus"] = status
            gsis.append(shown)
        else:
            lsis.append(shown)
    out: dict[str, Any] = {}
    if lsis:
        out["LocalSecondaryIndexes"] = lsis
    if gsis:
        out["GlobalSecondaryIndexes"] = gsis
    return out


def index_write_units(table: TableEngine, old: Item | None, new: Item | None) -> dict[str, int]:
    """Write units each index of ``table`` consumes when ``old`` becomes ``new`` (rule H.12).

    An index whose entry is unchanged costs nothing; adding or removing an entry costs the
    units of its size; changing an entry costs the larger size's units, and moving it (its index
    key changed) costs removing plus adding.
    """
    used: dict[str, int] = {}
    indexes = table.indexes
    if indexes is None:
        return used
    for index in indexes.live():
        before = index.project(old) if old is not None and index.index_key(old) else None
        after = index.project(new) if new is not None and index.index_key(new) else None
        if before == after:
            continue
        if before is None or after is None:
            used[index.name] = units(item_size(before or after or {}), WRITE_UNIT_BYTES)
        elif index.index_key(before) != index.index_key(after):
            used[index.name] = units(item_size(before), WRITE_UNIT_BYTES) + units(
                item_size(after), WRITE_UNIT_BYTES
            )
        else:
            size = max(item_size(before), item_size(after))
            used[index.name] = units(size, WRITE_UNIT_BYTES)
    return used


def add_index_capacity(
    consumed: dict[str, Any] | None,
    mode: str,
    table: TableEngine,
    used: Mapping[str, float],
    *,
    table_units: float | None = None,
) -> None:
    """Add index units to a ``ConsumedCapacity`` in place (rule H.12).

    TOTAL adds them to ``CapacityUnits``; INDEXES also lists them per index under
    ``GlobalSecondaryIndexes`` / ``LocalSecondaryIndexes``.  ``table_units``: what the table
    itself consumed, when it differs from the entry's (an index read consumes none of it).
    """
    if consumed is None or mode == "NONE":
        return
    extra = float(sum(used.values()))
    if table_units is not None:
        consumed["CapacityUnits"] = float(table_units) + extra
        if "Table" in consumed:
            consumed["Table"] = {"CapacityUnits": float(table_units)}
    else:
        consumed["CapacityUnits"] = float(consumed["CapacityUnits"]) + extra
    if mode != "INDEXES" or table.indexes is None:
        return
    for name, amount in used.items():
        index = table.indexes.get(name)
        if index is None:
            continue
        member = "GlobalSecondaryIndexes" if index.definition.is_global else "LocalSecondaryIndexes"
        consumed.setdefault(member, {})[name] = {"CapacityUnits": float(amount)}


def has_lsis(table: TableEngine) -> bool:
    """Whether ``table`` has a local secondary index (item collections are measured)."""
    indexes = table.indexes
    return indexes is not None and any(not i.definition.is_global for i in indexes)


def collection_metrics(table: TableEngine, hv: Any) -> dict[str, Any]:
    """``ItemCollectionMetrics`` of the item collection with partition-key value ``hv``.

    The size estimate is the collection's bytes (its items and their LSI entries) as a range
    of whole gigabytes around it (rule H.12).
    """
    size = 0
    for item in table.items_for_hash(hv):
        size += item_size(item)
        for index in table.indexes or ():
            if not index.definition.is_global and index.index_key(item) is not None:
                size += item_size(index.project(item))
    low = math.floor(size / GB)
    return {
        "ItemCollectionKey": {table.hash_key: {table.hash_type: hv}},
        "SizeEstimateRangeGB": [float(low), float(low + 1)],
    }


def batch_collection_metrics(
    writes: Iterable[tuple[TableEngine, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """BatchWriteItem's and TransactWriteItems' ``ItemCollectionMetrics``: per table with LSIs,
    one entry per item collection written, in request order."""
    out: dict[str, list[dict[str, Any]]] = {}
    seen: set[tuple[str, Any]] = set()
    for table, hv in writes:
        if not has_lsis(table) or (table.name, hv) in seen:
            continue
        seen.add((table.name, hv))
        out.setdefault(table.name, []).append(collection_metrics(table, hv))
    return out


def amend_write(
    out: dict[str, Any],
    p: Mapping[str, Any],
    mode: str,
    table: TableEngine,
    old: Any,
    new: Item | None,
    key: Item | None = None,
) -> None:
    """Add what indexes change in a PutItem, UpdateItem or DeleteItem answer (rule H.12): the
    index write units in ``ConsumedCapacity`` and, on a table with LSIs,
    ``ItemCollectionMetrics`` when asked for.

    ``old``: the replaced item, canonical or frozen (None: there was none); ``key``: the
    request's ``Key`` (UpdateItem, DeleteItem).  A table without indexes costs one test.
    """
    if table.indexes is None:
        return
    old_item: Item | None = old if old is None or isinstance(old, dict) else thaw(old)
    if mode != "NONE":
        used = index_write_units(table, old_item, new)
        add_index_capacity(out.get("ConsumedCapacity"), mode, table, used)
    if p.get("ReturnItemCollectionMetrics") == "SIZE" and has_lsis(table):
        source = new or old_item or key
        assert source is not None
        hv = source[table.hash_key][table.hash_type]
        out["ItemCollectionMetrics"] = collection_metrics(table, hv)


def amend_batch(
    out: dict[str, Any],
    p: Mapping[str, Any],
    mode: str,
    changes: Iterable[tuple[TableEngine, Item | None, Item | None, Item]],
    *,
    factor: int = 1,
) -> None:
    """Add what indexes change in a BatchWriteItem or TransactWriteItems answer (rule H.12):
    index write units in each table's ``ConsumedCapacity`` entry, ``ItemCollectionMetrics``
    for tables with LSIs.

    ``changes``: ``(table, old item, new item, item or key)`` of each write to a table with
    indexes (none: nothing to add); ``factor``: 2 for a transaction's writes.
    """
    changes = list(changes)
    if not changes:
        return
    if mode != "NONE":
        per_table: dict[str, tuple[TableEngine, dict[str, float]]] = {}
        for table, old, new, _ in changes:
            _, totals = per_table.setdefault(table.name, (table, {}))
            for name, amount in index_write_units(table, old, new).items():
                totals[name] = totals.get(name, 0) + factor * amount
        for consumed in out.get("ConsumedCapacity", ()):
            entry = per_table.get(consumed["TableName"])
            if entry is not None:
                add_index_capacity(consumed, mode, entry[0], entry[1])
    if p.get("ReturnItemCollectionMetrics") == "SIZE":
        writes = [(t, key[t.hash_key][t.hash_type]) for t, _, _, key in changes]
        metrics = batch_collection_metrics(writes)
        if metrics:
            out["ItemCollectionMetrics"] = metrics
