"""Frozen items: the form in which tables store items and stream records keep images.

A stored item is a snapshot: nothing changes it after the write.  So it is kept *frozen*, in
one of two forms, both made only of atomic values:

* **shaped** (``tuple``): ``(shape, size, v0, v1, ...)`` for an item whose every value is a
  string, a number, a boolean or a null (``S``, ``N``, ``BOOL``, ``NULL``), the common case.
  ``v0, v1, ...`` are its values in attribute order (``str`` or ``bool``); ``shape`` numbers
  its attribute names with their types, and ``size`` is the item's size (spec C.4).  The
  names live once, in the shape, not in every version of every item.
* **packed** (``bytes``): the canonical item (DynamoDB JSON, see ``docs/architecture.md``)
  serialised by :mod:`marshal` (format 2, the fastest to read back), then 4 bytes
  (little-endian) holding the item's size.  Every other item: maps, lists, sets, binary; and
  items whose shape is not registered (see below).

Why this form and not dicts:

* **The garbage collector does not walk it.**  A stored item kept as a dict of dicts is an
  object CPython's cyclic GC tracks, and every full collection walks it and its values.  A
  table of 100,000 items and a stream of 24 hours of records are then most of what each
  collection walks.  ``bytes`` hold no references, and the GC stops tracking a tuple of
  atomic values the first time it sees it (and then a record tuple holding it, and in a full
  collection a dict holding only such values).
* **Records share it.**  A stream record keeps the table's frozen item as its NewImage, and
  the next change of the item hands the same object over as its OldImage: each version of an
  item is frozen once.
* **Thawing is fast and builds fresh containers**, which every response needs anyway (a caller
  may mutate what it gets; the strings inside are immutable and shared).  A packed item thaws
  in one C call, ``marshal.loads``.  A shaped item thaws by its shape's *builder*, a function
  generated once per shape whose body is one dict display, e.g. ``{"pk": {"S": v0}, "n":
  {"N": v1}}``: about twice as fast as ``marshal.loads`` of the same item, because the names
  and type tags are constants and only the containers are new.  Thawing is what a GetRecords
  drain, a Lambda event and every read spend most of their time on.

Shapes are registered process-wide, at most :data:`MAX_SHAPES` of them, each of at most
:data:`MAX_SHAPE_ATTRIBUTES` attributes with names of at most :data:`MAX_SHAPE_NAME_CHARS`
characters in all: a workload with ever-new attribute names fills the registry, and its later
items are packed.  Both forms thaw to the same items and compare exactly (:func:`same_item`),
so which form an item takes changes only speed, never behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from marshal import dumps as _dumps
from marshal import loads as _loads
from struct import Struct
from threading import Lock
from typing import Any, Final, TypeAlias

from ._types import Item

#: A frozen item: shaped (a tuple) or packed (bytes).
Frozen: TypeAlias = "tuple[Any, ...] | bytes"

MAX_SHAPES: Final = 1024
MAX_SHAPE_ATTRIBUTES: Final = 64
MAX_SHAPE_NAME_CHARS: Final = 1024

_SIZE: Final = Struct("<I")
_pack_size = _SIZE.pack
_unpack_size = _SIZE.unpack_from
_SHAPEABLE_TAGS: Final = frozenset(("S", "N", "BOOL", "NULL"))

#: shape key (the names, then their type tags) -> shape number
_SHAPES: Final[dict[tuple[str, ...], int]] = {}
#: shape number -> the function that thaws a shaped item of that shape
BUILDERS: Final[list[Callable[[tuple[Any, ...]], Item]]] = []
_REGISTERING: Final = Lock()  # simulations in several threads may register shapes at once


def _builder(names: tuple[str, ...], tags: tuple[str, ...]) -> Callable[[tuple[Any, ...]], Item]:
    """Generate the builder of a shape: one function, one dict display (see the module doc).

    Names and tags enter the source only through ``repr``, so any text is safe.
    """
    values = [f"v{i}" for i in range(len(names))]
    triples = zip(names, tags, values, strict=True)
    pairs = ", ".join(f"{name!r}: {{{tag!r}: {value}}}" for name, tag, value in triples)
    targets = ", ".join(["_", "_", *values])  # shape, size, the values
    source = f"def build(t):\n    {targets}, = t\n    return {{{pairs}}}\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<streamsim shape>", "exec"), namespace)
    return namespace["build"]  # type: ignore[no-any-return]


def _register(key: tuple[str, ...]) -> int | None:
    """Register the shape ``key`` (names, then their tags) if it fits and there is room."""
    half = len(key) // 2
    names, tags = key[:half], key[half:]
    if (
        half > MAX_SHAPE_ATTRIBUTES
        or sum(map(len, names)) > MAX_SHAPE_NAME_CHARS
        or not _SHAPEABLE_TAGS.issuperset(tags)
    ):
        return None
    with _REGISTERING:
        shape = _SHAPES.get(key)
        if shape is None:
            if len(BUILDERS) >= MAX_SHAPES:
                return None
            BUILDERS.append(_builder(names, tags))
            shape = _SHAPES[key] = len(BUILDERS) - 1
    return shape


def freeze(item: Item, size: int, plain: bool = False) -> Frozen:
    """Freeze a canonical item whose size (``item_size``) is ``size``.

    Args:
        plain: the caller knows every value is ``S``, ``N`` or ``BOOL``.  False is always
            correct: the item's values are then checked here.

    >>> frozen = freeze({"pk": {"S": "a"}, "n": {"N": "1"}}, 3, plain=True)
    >>> frozen[2:], thaw(frozen), frozen_size(frozen)
    (('a', '1'), {'pk': {'S': 'a'}, 'n': {'N': '1'}}, 3)
    >>> frozen = freeze({"pk": {"S": "a"}, "m": {"M": {}}}, 5)
    >>> type(frozen).__name__, thaw(frozen), frozen_size(frozen)
    ('bytes', {'pk': {'S': 'a'}, 'm': {'M': {}}}, 5)
    """
    avs = item.values()
    if plain or all(map(_SHAPEABLE_TAGS.issuperset, avs)):
        # one pass over the attribute values (the write path's hot loop: a plain loop with
        # appends measured faster here than itertools pipelines and than marshal.dumps)
        key = [*item]
        values: list[Any] = [0, size]
        for av in avs:
            for tag in av:
                key.append(tag)
                values.append(av[tag])
        shape_key = tuple(key)
        shape = _SHAPES.get(shape_key)
        if shape is None:
            shape = _register(shape_key)
        if shape is not None:
            values[0] = shape
            return tuple(values)
    return _dumps(item, 2) + _pack_size(size)


#: Thaw a packed (bytes) frozen item: ``marshal.loads``, which ignores the trailing size.
thaw_packed: Final[Callable[[Any], Item]] = _loads


def thaw(frozen: Frozen) -> Item:
    """A fresh canonical item from a frozen one.

    The hot loops (``_records``, ``_lambda._events``) inline this: ``BUILDERS[f[0]](f)`` for
    a tuple, ``thaw_packed(f)`` for bytes.
    """
    if type(frozen) is tuple:
        return BUILDERS[frozen[0]](frozen)
    return thaw_packed(frozen)


def frozen_size(frozen: Frozen) -> int:
    """The size (``item_size``) of a frozen item, read without thawing it."""
    if type(frozen) is tuple:
        return frozen[1]  # type: ignore[no-any-return]
    return _unpack_size(frozen, len(frozen) - 4)[0]  # type: ignore[arg-type,no-any-return]


def is_shaped(frozen: Frozen) -> bool:
    """Whether the item is frozen shaped: its values are all S, N, BOOL or NULL, so its
    Lambda-event JSON is its canonical form as it is."""
    return type(frozen) is tuple


def same_item(old: Frozen, new: Frozen, new_item: Item) -> bool:
    """Whether frozen ``old`` holds the same item as ``new``, which is ``new_item`` frozen.

    Two shaped items of the same shape are equal exactly when their tuples are.  Equal items
    with their attributes in the same order pack to equal bytes.  Only in the other cases
    (another attribute order, a map whose keys may be in another order, one item shaped and
    the other packed) is ``old`` thawed and compared.

    >>> a = freeze({"pk": {"S": "a"}, "n": {"N": "1"}}, 3, plain=True)
    >>> b = freeze({"n": {"N": "1"}, "pk": {"S": "a"}}, 3, plain=True)
    >>> same_item(a, b, {"n": {"N": "1"}, "pk": {"S": "a"}})
    True
    """
    if old == new:
        return True
    if type(old) is tuple and type(new) is tuple and old[0] == new[0]:
        return False
    if frozen_size(old) != frozen_size(new):
        return False
    return thaw(old) == new_item
