"""Query and Scan with ``IndexName``, as the data plane answers them for both faces.

The request's other members were already checked by the data plane (``Select``, ``Limit``,
expressions); here the index is resolved and the checks that depend on it made (``Select`` and
``ProjectionExpression`` against a GSI's projection, the filter against the index's keys), the
model's index reads paged and the answer shaped, with the read units charged to the index.

AWS behaviour: rule H.10 (reads on an index), H.12 (index capacity), H.39 (an LSI read that
fetches attributes from the table is also charged the table's read units).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from streamsim._dynamodb._capacity import read_units
from streamsim._dynamodb._expressions import (
    check_filter_keys,
    condition_heads,
    resolve_key_condition,
)
from streamsim._dynamodb._index_reads import (
    index_query_candidates,
    index_scan_candidates,
    resolve_index,
)
from streamsim._dynamodb._indexes import SecondaryIndex
from streamsim._dynamodb._reads import read_page
from streamsim._dynamodb._table import TableEngine
from streamsim._items import Item, item_size

from ._dynamodb_requests import RETURN_CONSUMED_CAPACITY, Expressions, enum
from ._dynamodb_responses import capacity
from ._index_responses import add_index_capacity
from ._table_requests import invalid


def _prepare(
    p: Mapping[str, Any], table: TableEngine, exprs: Expressions, consistent: bool
) -> tuple[SecondaryIndex, bool]:
    """The index a read names, checked against the request; and whether the read must fetch
    the table's whole items: an LSI read whose ``Select=ALL_ATTRIBUTES``, projection or filter
    names attributes the index does not project (rules H.10, H.39)."""
    index = resolve_index(table, p.get("IndexName"), consistent=consistent)
    d = index.definition
    explicit = p.get("Select")
    if explicit == "ALL_ATTRIBUTES" and d.is_global and index.projected is not None:
        raise invalid(
            f"Select type ALL_ATTRIBUTES is not supported for global secondary index {d.name} "
            "because its projection type is not ALL"
        )
    heads: list[str] = []
    if exprs.projection is not None:
        heads = list(
            dict.fromkeys(
                str(path.resolve(exprs.names or {}, "ProjectionExpression")[0])
                for path in exprs.projection.paths
            )
        )
    projected = index.projected
    if d.is_global and projected is not None:
        missing = [name for name in heads if name not in projected]
        if missing:
            raise invalid(
                f"Global secondary index {d.name} does not project [{', '.join(missing)}]"
            )
        return index, False
    if projected is None:
        return index, False
    if explicit == "ALL_ATTRIBUTES":
        return index, True
    if exprs.filter is not None:
        heads.extend(condition_heads(exprs.filter, exprs.names))
    return index, any(name not in projected for name in heads)


class _FetchTally:
    """What an LSI read that fetches from the table consumed so far (rule H.39): the bytes of
    the index entries read, and the read units of the table items fetched, each rounded up to
    4 KB on its own."""

    __slots__ = ("entry_bytes", "table_units")

    def __init__(self) -> None:
        self.entry_bytes = 0
        self.table_units = 0.0

    def count(
        self, index: SecondaryIndex, candidates: Iterator[Item], consistent: bool
    ) -> Iterator[Item]:
        """``candidates`` (the table's whole items), tallied as the read consumes them."""
        for item in candidates:
            self.entry_bytes += item_size(index.project(item))
            self.table_units += read_units(item_size(item), consistent)
            yield item


def page_response(
    p: Mapping[str, Any],
    table: TableEngine,
    candidates: Iterator[Item],
    exprs: Expressions,
    chosen: str,
    limit: int | None,
    consistent: bool,
    index: SecondaryIndex | None = None,
    fetch: bool = False,
) -> dict[str, Any]:
    """One Query or Scan page of the table, or of ``index`` (whose reads it is charged, H.12;
    ``fetch``: the candidates are the table's items an LSI read fetches, charged to the table
    as well, H.39)."""
    counting = chosen == "COUNT"
    tally: _FetchTally | None = None
    if fetch and index is not None:
        tally = _FetchTally()
        candidates = tally.count(index, candidates, consistent)
    page = read_page(
        table,
        candidates,
        limit=limit,
        condition=exprs.filter,
        names=exprs.names,
        values=exprs.values,
        show=exprs.project,
        counting=counting,
        key_names=None if index is None else index.key_attributes,
    )
    out: dict[str, Any] = {}
    if not counting:
        out["Items"] = page.items
    out["Count"] = page.count
    out["ScannedCount"] = page.scanned
    if page.last_key is not None:
        out["LastEvaluatedKey"] = page.last_key
    mode = enum(p, "ReturnConsumedCapacity", RETURN_CONSUMED_CAPACITY, "NONE")
    if tally is not None:
        used = read_units(tally.entry_bytes, consistent)
        table_units = tally.table_units
    else:
        used = read_units(page.size, consistent)
        table_units = 0.0
    consumed = capacity(mode, table.name, used, "Read")
    if index is not None:
        add_index_capacity(consumed, mode, table, {index.name: used}, table_units=table_units)
    if consumed is not None:
        out["ConsumedCapacity"] = consumed
    return out


def index_query(
    p: Mapping[str, Any],
    table: TableEngine,
    exprs: Expressions,
    chosen: str,
    limit: int | None,
    *,
    forward: bool,
    consistent: bool,
) -> dict[str, Any]:
    """Query on the index ``p["IndexName"]``: one index partition, in index order (rule H.10)."""
    index, fetch = _prepare(p, table, exprs, consistent)
    d = index.definition
    assert exprs.key is not None
    kc = resolve_key_condition(exprs.key, exprs.names, exprs.values, d.hash_key, d.range_key)
    if exprs.filter is not None:
        check_filter_keys(exprs.filter, exprs.names, d.key_names)
    candidates = index_query_candidates(
        table, index, kc, forward=forward, start=p.get("ExclusiveStartKey"), fetch=fetch
    )
    return page_response(p, table, candidates, exprs, chosen, limit, consistent, index, fetch)


def index_scan(
    p: Mapping[str, Any],
    table: TableEngine,
    exprs: Expressions,
    chosen: str,
    limit: int | None,
    *,
    bounds: tuple[int, int],
    consistent: bool,
) -> dict[str, Any]:
    """Scan of the index ``p["IndexName"]``: its entries in scan order (rule H.10)."""
    index, fetch = _prepare(p, table, exprs, consistent)
    lo, hi = bounds
    candidates = index_scan_candidates(
        table, index, lo, hi, start=p.get("ExclusiveStartKey"), fetch=fetch
    )
    return page_response(p, table, candidates, exprs, chosen, limit, consistent, index, fetch)
