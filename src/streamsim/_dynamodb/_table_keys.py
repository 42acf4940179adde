"""A table's key schema: reading and checking the key attributes of items and ``Key`` maps.

A mixin of :class:`~._table.TableEngine`, which sets the attributes it reads.

AWS behaviour: rule C.4 (key attributes are scalar S, N or B, of their declared types).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamsim._errors import ValidationException
from streamsim._items import MAX_PARTITION_KEY_BYTES, Item, validate_key_value

KEY_TYPES = ("S", "N", "B")  # rule C.4: key attributes are scalar S, N or B


class TableKeys:
    """Key handling of a table: ``hash_key``/``hash_type``, ``range_key``/``range_type``."""

    hash_key: str
    hash_type: str
    range_key: str | None
    range_type: str
    key_names: tuple[str, ...]

    def key_of_item(self, item: Mapping[str, Any], *, what: str = "Item") -> tuple[Any, Any]:
        """Validate an item's key attributes and return ``(hash value, range value)``."""
        hk = self.hash_key
        hav = item.get(hk)
        if hav is None:
            raise ValidationException(
                f"One or more parameter values were invalid: Missing the key {hk} in the item"
            )
        hv = hav.get("S")
        if (
            hv is None
            or self.hash_type != "S"
            or not (0 < len(hv) <= MAX_PARTITION_KEY_BYTES and hv.isascii())
        ):  # all but the common case, a short ASCII string key, which needs no more checks
            validate_key_value(hk, hav, self.hash_type, is_range=False)
            hv = hav[self.hash_type]
        rk = self.range_key
        if rk is None:
            return hv, None
        rav = item.get(rk)
        if rav is None:
            raise ValidationException(
                f"One or more parameter values were invalid: Missing the key {rk} in the item"
            )
        validate_key_value(rk, rav, self.range_type, is_range=True)
        return hv, rav[self.range_type]

    def key_of_key(self, key: Mapping[str, Any]) -> tuple[Any, Any]:
        """Validate a ``Key`` parameter (exactly the key attributes) and return its values."""
        if len(key) != len(self.key_names) or any(n not in key for n in self.key_names):
            raise ValidationException("The provided key element does not match the schema")
        return self.key_of_item(key, what="Key")

    def key_item(self, hv: Any, rv: Any) -> Item:
        """The key attributes as a canonical item."""
        key: Item = {self.hash_key: {self.hash_type: hv}}
        if self.range_key is not None:
            key[self.range_key] = {self.range_type: rv}
        return key
