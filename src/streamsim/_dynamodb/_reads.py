"""Query and Scan: which items a read visits, in what order, and where a page stops.

:func:`query_candidates` lists the items of one partition in sort-key order that a resolved key
condition selects, after an exclusive start key; :func:`scan_candidates` lists the items of a
segment of the hash space in scan order (partition hash, then keys).  :func:`read_page` then
reads candidates until ``Limit`` items or 1 MB were read, counting before filtering, and returns
a :class:`Page`.

AWS behaviour: DynamoDB API Reference, Query and Scan (Limit and the 1 MB page size count the
items read, before FilterExpression; LastEvaluatedKey is the key of the last item read; parallel
Scan segments split the hash space).  Differs from AWS: Scan visits items in partition-hash
order, a stable order of our own.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from streamsim._errors import ValidationException
from streamsim._items import AttributeValue, Frozen, Item, compare_key, item_size, type_of
from streamsim._streams._partitions import HASH_SPACE, partition_hash

from ._expressions import Condition, KeyCondition, evaluate_condition
from ._table import TableEngine

MAX_PAGE_BYTES = 1024 * 1024  # Query/Scan read at most 1 MB of items per call
MAX_TOTAL_SEGMENTS = 1_000_000  # Scan TotalSegments upper bound (API Reference)


class Page:
    """One page of a Query or Scan.

    Attributes:
        items: the items that passed the filter, as the projection shows them (empty when
            only counting).
        count: how many passed the filter; scanned: how many were read.
        last_key: the key of the last item read when the page stopped early, else None.
        size: the bytes read (for capacity).
    """

    __slots__ = ("count", "items", "last_key", "scanned", "size")

    def __init__(
        self, items: list[Item], count: int, scanned: int, last_key: Item | None, size: int
    ) -> None:
        self.items = items
        self.count = count
        self.scanned = scanned
        self.last_key = last_key
        self.size = size


def read_page(
    table: TableEngine,
    candidates: Iterator[Item],
    *,
    limit: int | None,
    condition: Condition | None,
    names: Mapping[str, str] | None,
    values: Mapping[str, AttributeValue] | None,
    show: Callable[[Item], Item],
    counting: bool,
    key_names: Sequence[str] | None = None,
) -> Page:
    """Read one page: count items against ``limit`` and 1 MB before filtering.

    Args:
        show: how a matching item appears in the page (its projection).
        counting: only count the matching items (``Select=COUNT``).
        key_names: the attributes of LastEvaluatedKey (default: the table's key; on an index,
            the index's keys and the table's, rule H.10).
    """
    items: list[Item] = []
    count = scanned = size = 0
    last: Item | None = None
    stopped = False
    for item in candidates:
        scanned += 1
        size += item_size(item)
        last = item
        if condition is None or evaluate_condition(condition, item, names, values):
            count += 1
            if not counting:
                items.append(show(item))
        if (limit is not None and scanned >= limit) or size >= MAX_PAGE_BYTES:
            stopped = True
            break
    last_key = None
    if stopped and last is not None:
        shown = table.key_names if key_names is None else key_names
        last_key = {name: last[name] for name in shown}
    return Page(items, count, scanned, last_key, size)


def _start_key(table: TableEngine, start: Item) -> tuple[Any, Any]:
    try:
        return table.key_of_key(start)
    except ValidationException as exc:
        raise ValidationException(f"The provided starting key is invalid: {exc.message}") from None


def range_predicate(
    op: str | None, operands: tuple[AttributeValue, ...]
) -> Callable[[AttributeValue], bool]:
    """A test of a sort-key value against a key condition's sort-key part."""
    if op is None:
        return lambda _: True
    if op == "begins_with":
        ((tag, prefix),) = operands[0].items()
        return lambda av: isinstance(av.get(tag), (str, bytes)) and av[tag].startswith(prefix)
    keys = [compare_key(v) for v in operands]
    if op == "BETWEEN":
        low, high = keys
        return lambda av: low <= compare_key(av) <= high
    (bound,) = keys
    tests: dict[str, Callable[[Any], bool]] = {
        "=": lambda k: k == bound,
        "<": lambda k: k < bound,
        "<=": lambda k: k <= bound,
        ">": lambda k: k > bound,
        ">=": lambda k: k >= bound,
    }
    test = tests[op]
    return lambda av: bool(test(compare_key(av)))


def check_key_condition_types(kc: KeyCondition, hash_type: str, range_type: str | None) -> None:
    """Reject a key condition whose values do not match the (table's or index's) key types.

    Raises:
        ValidationException: a value of another type, or ``begins_with`` on a number key.
    """
    if type_of(kc.hash_value) != hash_type or any(
        type_of(v) != range_type for v in kc.range_values
    ):
        raise ValidationException(
            "One or more parameter values were invalid: Condition parameter type does not "
            "match schema type"
        )
    if kc.range_op == "begins_with" and range_type == "N":
        raise ValidationException(
            "Invalid KeyConditionExpression: Incorrect operand type for operator or "
            "function; operator or function: begins_with, operand type: N"
        )


def query_candidates(
    table: TableEngine, kc: KeyCondition, *, forward: bool, start: Item | None
) -> Iterator[Item]:
    """The items a Query visits: one partition, in sort-key order, after ``start``.

    Raises:
        ValidationException: the condition's values do not match the key schema's types, or
            ``start`` is invalid or outside the condition.
    """
    check_key_condition_types(kc, table.hash_type, table.range_type)
    hv = kc.hash_value[table.hash_type]
    in_range = range_predicate(kc.range_op, kc.range_values)
    start_rv: Any = None
    if start is not None:
        shv, start_rv = _start_key(table, start)
        if shv != hv:
            raise ValidationException(
                "The provided starting key is outside query boundaries based on provided conditions"
            )
        if table.range_key is not None and not in_range({table.range_type: start_rv}):
            raise ValidationException(
                "The provided starting key does not match the range key predicate"
            )
    items = table.items_for_hash(hv, forward=forward)
    rk = table.range_key
    if rk is not None:
        if start is not None:
            start_cmp = compare_key({table.range_type: start_rv})
            if forward:
                items = [i for i in items if compare_key(i[rk]) > start_cmp]
            else:
                items = [i for i in items if compare_key(i[rk]) < start_cmp]
        if kc.range_op is not None:
            items = [i for i in items if in_range(i[rk])]
    elif start is not None:
        items = []  # the one item of the partition was the last page's last
    return iter(items)


def segment_bounds(segment: Any, total: Any) -> tuple[int, int]:
    """The hash range ``[lo, hi)`` of a parallel Scan's segment (the whole space: no segment).

    Raises:
        ValidationException: only one of the two given, or either out of range.
    """
    if segment is not None and total is None:
        raise ValidationException(
            "The TotalSegments parameter is required but was not present in the request "
            "when Segment parameter is present"
        )
    if total is not None and segment is None:
        raise ValidationException(
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present"
        )
    if total is None:
        return 0, HASH_SPACE
    if (
        isinstance(total, bool)
        or not isinstance(total, int)
        or not (1 <= total <= MAX_TOTAL_SEGMENTS)
    ):
        raise ValidationException(
            f"1 validation error detected: Value '{total}' at 'totalSegments' failed to "
            "satisfy constraint: Member must have value less than or equal to 1000000"
        )
    if isinstance(segment, bool) or not isinstance(segment, int) or segment < 0:
        raise ValidationException(
            f"1 validation error detected: Value '{segment}' at 'segment' failed to "
            "satisfy constraint: Member must have value greater than or equal to 0"
        )
    if segment >= total:
        raise ValidationException(
            "The Segment parameter is zero-based and must be less than parameter "
            f"TotalSegments: Segment: {segment} is out of bounds for TotalSegments: "
            f"{total}"
        )
    return segment * HASH_SPACE // total, (segment + 1) * HASH_SPACE // total


def _scan_order(table: TableEngine, lo: int, hi: int) -> list[tuple[tuple[int, Any, Any], Frozen]]:
    """Every item whose partition hash is in ``[lo, hi)``, frozen, in scan order, with its
    order key (a page thaws only the items it reads)."""
    ht, rt, rk = table.hash_type, table.range_type, table.range_key
    out: list[tuple[tuple[int, Any, Any], Frozen]] = []
    for hv, rv, frozen in table.iter_frozen():
        h = partition_hash(ht, hv)
        if lo <= h < hi:
            order = (h, compare_key({ht: hv}), compare_key({rt: rv}) if rk is not None else 0)
            out.append((order, frozen))
    out.sort(key=lambda pair: pair[0])
    return out


def scan_candidates(table: TableEngine, lo: int, hi: int, *, start: Item | None) -> Iterator[Item]:
    """The items a Scan of hash range ``[lo, hi)`` visits, in scan order, after ``start``.

    Raises:
        ValidationException: ``start`` is invalid or outside the segment.
    """
    order = _scan_order(table, lo, hi)
    position = 0
    if start is not None:
        shv, srv = _start_key(table, start)
        sort_key = (
            partition_hash(table.hash_type, shv),
            compare_key({table.hash_type: shv}),
            compare_key({table.range_type: srv}) if table.range_key is not None else 0,
        )
        if not lo <= sort_key[0] < hi:
            raise ValidationException(
                "The provided Exclusive start key does not map to the provided Segment and "
                "TotalSegments values."
            )
        position = bisect_right([k for k, _ in order], sort_key)
    return (table.thaw(frozen) for _, frozen in order[position:])
