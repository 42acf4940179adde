"""Micro-benchmark of the type system's hot paths (``streamsim._items._types``).

Prints microseconds per call of ``python_to_item`` and ``copy_item`` on a 5-attribute item
(string key, two strings, an int, a bool), plus the baselines they replace, measured in the
same run: boto3's ``TypeSerializer`` (when boto3 is installed) and ``copy.deepcopy``.

Run: ``.venv/bin/python benchmarks/bench_types.py``
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from streamsim._items import copy_item, item_size, item_to_python, python_to_item, wire_to_item

ITEM: dict[str, Any] = {
    "pk": "user#12345",
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "visits": 42,
    "active": True,
}
NESTED: dict[str, Any] = {
    **ITEM,
    "price": Decimal("19.99"),
    "tags": {"a", "b", "c"},
    "address": {"city": "London", "zip": "NW1", "lines": ["1 Main St", "Flat 2"]},
}


def per_call_us(fn: Callable[[], object], *, repeat: int = 7, number: int = 20_000) -> float:
    """Best of ``repeat`` runs of ``number`` calls, in microseconds per call."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / number * 1e6


def main() -> None:
    """Measure and print."""
    canonical = python_to_item(ITEM)
    nested = python_to_item(NESTED)
    wire = {k: dict(v) for k, v in canonical.items()}
    rows: list[tuple[str, float]] = [
        ("python_to_item (5 attributes)", per_call_us(lambda: python_to_item(ITEM))),
        ("copy_item (5 attributes)", per_call_us(lambda: copy_item(canonical))),
        ("copy.deepcopy (5 attributes, baseline)", per_call_us(lambda: copy.deepcopy(canonical))),
        ("wire_to_item (5 attributes)", per_call_us(lambda: wire_to_item(wire))),
        ("item_to_python (5 attributes)", per_call_us(lambda: item_to_python(canonical))),
        ("item_size (5 attributes)", per_call_us(lambda: item_size(canonical))),
        ("python_to_item (8 attributes, nested)", per_call_us(lambda: python_to_item(NESTED))),
        ("copy_item (8 attributes, nested)", per_call_us(lambda: copy_item(nested))),
    ]
    try:
        from boto3.dynamodb.types import TypeSerializer
    except ImportError:  # pragma: no cover - boto3 is a test dependency
        pass
    else:
        ser = TypeSerializer().serialize
        rows.append(
            (
                "boto3 TypeSerializer, per attribute x5 (baseline)",
                per_call_us(lambda: {k: ser(v) for k, v in ITEM.items()}),
            )
        )
    width = max(len(name) for name, _ in rows)
    for name, us in rows:
        print(f"{name:<{width}}  {us:7.3f} us")
    copy_us, deep_us = rows[1][1], rows[2][1]
    print(f"copy_item is {deep_us / copy_us:.0f}x faster than copy.deepcopy on the flat item")


if __name__ == "__main__":
    main()
