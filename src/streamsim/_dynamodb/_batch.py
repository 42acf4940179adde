"""BatchWriteItem and BatchGetItem: many single-item operations across tables in one call.

A batch write is checked whole (limits, keys, no two requests on one item) before any of it is
applied; then each put and delete is applied as PutItem / DeleteItem would (without conditions),
each its own item change.  A batch get reads each key once.

AWS behaviour: rule C.4 (BatchWriteItem <= 25 requests), DynamoDB quotas (BatchGetItem <= 100
keys), API Reference (duplicate keys are a ValidationException).  Differs from AWS: capacity is
never exhausted, so nothing is ever unprocessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from streamsim._errors import ValidationException
from streamsim._items import Item, frozen_size, item_size

from ._capacity import read_units, write_units
from ._table import TableEngine

MAX_BATCH_WRITE_REQUESTS = 25  # rule C.4: BatchWriteItem <= 25 requests
MAX_BATCH_GET_KEYS = 100  # DynamoDB quota: BatchGetItem <= 100 keys
PUT, DELETE = "PutRequest", "DeleteRequest"


def check_batch_write_size(request_items: Mapping[str, Any]) -> None:
    """Check a BatchWriteItem's request lists: each 1 to 25 long, at most 25 in all.

    Raises:
        ValidationException: a list empty or too long, or over 25 requests in all.
    """
    total = 0
    for requests in request_items.values():
        if not isinstance(requests, (list, tuple)) or not (
            1 <= len(requests) <= MAX_BATCH_WRITE_REQUESTS
        ):
            raise ValidationException(
                "1 validation error detected: Value at 'requestItems' failed to satisfy "
                "constraint: Map value must satisfy constraint: [Member must have length "
                "less than or equal to 25, Member must have length greater than or equal "
                "to 1]"
            )
        total += len(requests)
    if total > MAX_BATCH_WRITE_REQUESTS:
        raise ValidationException("Too many items requested for the BatchWriteItem call")


class BatchWritePlan:
    """The writes of one BatchWriteItem, each checked as added, applied by :func:`batch_write`.

    Call :meth:`table` before the requests of each table, then :meth:`add` per request.
    """

    def __init__(self) -> None:
        self.writes: list[tuple[TableEngine, str, Item]] = []
        self._table: TableEngine | None = None
        self._seen: set[tuple[Any, Any]] = set()

    def table(self, table: TableEngine) -> None:
        """Start the requests of ``table`` (no two of them may name one item)."""
        self._table = table
        self._seen = set()

    def add(self, kind: str, item: Item) -> None:
        """Add a ``PutRequest`` of ``item`` or a ``DeleteRequest`` of key ``item``.

        Raises:
            ValidationException: a bad key, or a second request on one item of the table.
        """
        table = self._table
        assert table is not None
        ident = table.key_of_item(item) if kind == PUT else table.key_of_key(item)
        if ident in self._seen:
            raise ValidationException("Provided list of item keys contains duplicates")
        self._seen.add(ident)
        self.writes.append((table, kind, item))


def batch_write(plan: Sequence[tuple[TableEngine, str, Item]]) -> dict[str, int]:
    """Apply a checked batch write; return the write capacity units used per table name."""
    used: dict[str, int] = {}
    for table, kind, item in plan:
        if kind == PUT:
            size = item_size(item)
            old = table.put(item, size=size)
        else:
            size = 0
            old = table.delete(item)
        old_size = 0 if old is None else frozen_size(old)
        used[table.name] = used.get(table.name, 0) + write_units(old_size, size)
    return used


def key_list(table: TableEngine, keys: Sequence[Item]) -> list[tuple[Any, Any]]:
    """The key values of a BatchGetItem's keys for one table, checked.

    Raises:
        ValidationException: a bad key, or the same key twice.
    """
    idents: list[tuple[Any, Any]] = []
    for key in keys:
        ident = table.key_of_key(key)
        if ident in idents:
            raise ValidationException("Provided list of item keys contains duplicates")
        idents.append(ident)
    return idents


def batch_get(
    table: TableEngine,
    idents: Sequence[tuple[Any, Any]],
    show: Callable[[Item], Item],
    consistent: bool,
) -> tuple[list[Item], float]:
    """Read the items with these keys (missing ones are absent), each as ``show`` shows it.

    Returns:
        ``(items, read capacity units)``.
    """
    got: list[Item] = []
    used = 0.0
    for hv, rv in idents:
        item = table.get(hv, rv)
        if item is not None:
            got.append(show(item))
        # rule H.35: each key is read as a GetItem would (its own 4 KB rounding, a missing
        # item costs the minimum)
        used += read_units(0 if item is None else item_size(item), consistent)
    return got, used


def check_batch_get_size(request_items: Mapping[str, Any]) -> None:
    """Check a BatchGetItem's key lists: each non-empty, at most 100 keys in all.

    Raises:
        ValidationException: an empty key list, or over 100 keys.
    """
    total = 0
    for spec in request_items.values():
        keys = spec.get("Keys") if isinstance(spec, Mapping) else None
        if not isinstance(keys, (list, tuple)) or not keys:
            raise ValidationException(
                "1 validation error detected: Value at 'requestItems' failed to satisfy "
                "constraint: Map value must satisfy constraint: [Member must have length "
                "greater than or equal to 1]"
            )
        total += len(keys)
    if total > MAX_BATCH_GET_KEYS:
        raise ValidationException("Too many items requested for the BatchGetItem call")
