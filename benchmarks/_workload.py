"""The items every benchmark writes: 5 attributes, in Python and in DynamoDB JSON form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def python_items(run: int, count: int) -> list[dict[str, Any]]:
    """``count`` items of 5 attributes: key, two strings, a number and a boolean.

    Every run writes new values to the same keys, so each write changes its item (a put
    that changes nothing is cheaper: it produces no change and no stream record).
    """
    return [
        {
            "pk": f"user#{i:06d}",
            "name": "alice",
            "city": "Lisbon",
            "score": Decimal(run * 1000 + i % 1000),
            "active": i % 2 == 0,
        }
        for i in range(count)
    ]


def wire_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same items in DynamoDB JSON (canonical form, as the low-level client takes them)."""
    return [
        {
            "pk": {"S": item["pk"]},
            "name": {"S": item["name"]},
            "city": {"S": item["city"]},
            "score": {"N": str(item["score"])},
            "active": {"BOOL": item["active"]},
        }
        for item in items
    ]
