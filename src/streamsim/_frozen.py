"""Frozen items: the form in which tables store items and stream records keep images.

A frozen item is one ``bytes`` object: the canonical item (DynamoDB JSON, see
``docs/architecture.md``) serialised by :mod:`marshal`, followed by 8 bytes (little-endian):

* 4 bytes: the item's *attribute order*, a number its table gives each sequence of attribute
  names it stores, never twice (0: none given);
* 4 bytes: the item's size (spec C.4: the bytes it counts for) in the low 31 bits, and in the
  top bit whether the item is *plain*: every value a string, a number or a boolean, so that
  its Lambda-event JSON is its canonical form as it is, and it holds no map.

``marshal.loads`` ignores trailing bytes, so :func:`thaw` is ``marshal.loads`` itself.  Two
plain items with the same attribute order are equal exactly when their frozen bytes are (see
:func:`same_item`).

Why bytes and not dicts:

* **The garbage collector never walks them.**  A stored item kept as a dict of dicts is an
  object CPython's cyclic GC tracks, and every full collection walks it and its values.  A
  table of 100,000 items and a stream of 24 hours of records are then most of what each
  collection walks, and the collections were a third of the cost of a long run.  ``bytes``
  hold no references: the GC does not track them, and a dict mapping key values to them is
  not tracked either.
* **A stored item is a snapshot.**  Nothing can change it after the write, so a stream
  record shares the table's frozen item as its NewImage, and the next change of the item
  hands the same object over as its OldImage: each version of an item is serialised once.
* **Thawing builds fresh containers**, which every response needs anyway (a caller may
  mutate what it gets), in one C call.
* **Half the memory** of the dicts.

Format 2 is used because it is the fastest of marshal's formats to read back (formats 3 and 4
write back-references, which make the bytes smaller and both directions slower).  The bytes
are never written anywhere, so the format only has to round-trip within one process.
"""

from __future__ import annotations

from marshal import dumps as _dumps
from marshal import loads as _loads
from struct import Struct
from typing import Final

from ._types import Item

_TRAILER: Final = Struct("<II")  # attribute order, size | plain
_pack_trailer = _TRAILER.pack
_unpack_trailer = _TRAILER.unpack_from
_unpack_size = Struct("<I").unpack_from

#: Thaw a frozen item (or frozen bytes of any canonical value) into fresh containers.
thaw: Final = _loads


_PLAIN: Final = 1 << 31
_SIZE_MASK: Final = _PLAIN - 1


def freeze(item: Item, size: int, plain: bool = False, order: int = 0) -> bytes:
    """Freeze a canonical item whose size (``item_size``) is ``size``.

    Args:
        plain: the caller knows every value is ``S``, ``N`` or ``BOOL``.  False is always
            correct, only slower (events, and telling a change from a reordering).
        order: the item's attribute order as its table numbers them (below 2**32; 0: none).

    >>> frozen = freeze({"pk": {"S": "a"}, "n": {"N": "1"}}, 3, plain=True, order=7)
    >>> thaw(frozen), frozen_size(frozen), is_plain(frozen)
    ({'pk': {'S': 'a'}, 'n': {'N': '1'}}, 3, True)
    """
    return _dumps(item, 2) + _pack_trailer(order, size | _PLAIN if plain else size)


def frozen_size(frozen: bytes) -> int:
    """The size (``item_size``) of a frozen item, read without thawing it."""
    return _unpack_size(frozen, len(frozen) - 4)[0] & _SIZE_MASK  # type: ignore[no-any-return]


def is_plain(frozen: bytes) -> bool:
    """Whether the item was frozen as plain (see :func:`freeze`): its last byte's top bit."""
    return frozen[-1] >= 0x80


def same_item(old: bytes, new: bytes, new_item: Item) -> bool:
    """Whether frozen ``old`` holds the same item as ``new``, which is ``new_item`` frozen.

    Equal items with their attributes in the same order freeze to equal bytes.  So two plain
    items (no maps) frozen with the same attribute order are equal exactly when their bytes
    are; only in the other cases (another order, a map whose keys may be in another order, an
    item not known plain) is ``old`` thawed and compared.

    >>> a = freeze({"pk": {"S": "a"}, "n": {"N": "1"}}, 3, plain=True, order=1)
    >>> b = freeze({"n": {"N": "1"}, "pk": {"S": "a"}}, 3, plain=True, order=2)
    >>> same_item(a, b, {"n": {"N": "1"}, "pk": {"S": "a"}})
    True
    """
    if old == new:
        return True
    old_order, old_size = _unpack_trailer(old, len(old) - 8)
    new_order, new_size = _unpack_trailer(new, len(new) - 8)
    if old_size & _SIZE_MASK != new_size & _SIZE_MASK:
        return False
    if new_order and old_order == new_order and old_size & new_size & _PLAIN:
        return False
    return thaw(old) == new_item  # type: ignore[no-any-return]
