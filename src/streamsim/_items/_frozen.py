"""Frozen items: the form in which tables store items and stream records keep images.

A stored item is a snapshot: nothing changes it after the write.  So it is kept *frozen*, in
one of two forms, both made only of atomic values:

* **shaped** (``tuple``): ``(shape, size, v0, v1, ...)`` for an item whose every value is a
  string, a number, a boolean or a null (``S``, ``N``, ``BOOL``, ``NULL``), the common case.
  ``v0, v1, ...`` are its values in attribute order (``str`` or ``bool``); ``shape`` is the
  tuple of its ``(name, type tag)`` pairs, and ``size`` is the item's size (rule C.4).  Items
  frozen with the same :class:`Shapes` share one shape tuple, so the names live once, not in
  every version of every item.
* **packed** (``bytes``): the canonical item (DynamoDB JSON, see ``docs/architecture.md``)
  serialised by :mod:`marshal` (format 2, the fastest to read back), then 4 bytes
  (little-endian) holding the item's size.  Every other item: maps, lists, sets, binary; and
  items of a new shape once their :class:`Shapes` is full (see below).

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
  in one C call, ``marshal.loads``.  A shaped item thaws by one loop over its shape
  (:func:`thaw`), or, for a table's items, by its shape's builder (:meth:`Shapes.thaw`, one
  dict display generated per shape: this module's one speed trick, see :func:`_builder`):
  both faster than ``marshal.loads`` of the same item, because the names and type tags are
  shared strings and only the containers are new.  Thawing is what a GetRecords drain, a
  Lambda event and every read spend most of their time on.

A :class:`Shapes` (one per table) holds at most :data:`MAX_SHAPES` shapes, each of at most
:data:`MAX_SHAPE_ATTRIBUTES` attributes with names of at most :data:`MAX_SHAPE_NAME_CHARS`
characters in all: a workload with ever-new attribute names fills it, and its later items are
packed.  Both forms thaw to the same items and compare exactly (:func:`same_item`), so which
form an item takes changes only speed and memory, never behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from marshal import dumps as _dumps
from marshal import loads as _loads
from struct import Struct
from typing import Any, Final, TypeAlias

from ._types import Item

#: A frozen item: shaped (a tuple) or packed (bytes).
Frozen: TypeAlias = "tuple[Any, ...] | bytes"
#: The shape of a shaped item: its ``(name, type tag)`` pairs in attribute order.
Shape: TypeAlias = "tuple[tuple[str, str], ...]"

MAX_SHAPES: Final = 1024
MAX_SHAPE_ATTRIBUTES: Final = 64
MAX_SHAPE_NAME_CHARS: Final = 1024

_SIZE: Final = Struct("<I")
_pack_size = _SIZE.pack
_unpack_size = _SIZE.unpack_from
_SHAPEABLE_TAGS: Final = frozenset(("S", "N", "BOOL", "NULL"))


def _shape_of(key: tuple[str, ...]) -> Shape | None:
    """The shape of the key ``(names..., tags...)``, or None if it is not shapeable."""
    half = len(key) // 2
    names, tags = key[:half], key[half:]
    if (
        half > MAX_SHAPE_ATTRIBUTES
        or sum(map(len, names)) > MAX_SHAPE_NAME_CHARS
        or not _SHAPEABLE_TAGS.issuperset(tags)
    ):
        return None
    return tuple(zip(names, tags, strict=True))


class Shapes(dict[tuple[str, ...], Shape]):
    """A bounded set of shapes that the items frozen with it share (one per table).

    Maps a shape key (the attribute names, then their type tags) to its shape tuple.  It is a
    dict so that :func:`freeze`, the write path's hot loop, finds a known shape in one C call.

    Args:
        limit: how many shapes it holds at most (default :data:`MAX_SHAPES`); items of further
            shapes are packed.

    >>> shapes = Shapes()
    >>> a = freeze({"pk": {"S": "a"}}, 2, plain=True, shapes=shapes)
    >>> b = freeze({"pk": {"S": "b"}}, 2, plain=True, shapes=shapes)
    >>> a[0] is b[0], len(shapes)
    (True, 1)
    """

    __slots__ = ("builders", "converters", "limit")

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = MAX_SHAPES if limit is None else limit
        #: the converters of :func:`streamsim._items._python.python_to_frozen` by attribute
        #: names (True: names seen once; False: never converted), at most ``limit``; kept here so
        #: they go with the table
        self.converters: dict[tuple[Any, ...], Any] = {}
        #: id(shape) -> its builder (read-only outside this class); the ids are stable: this
        #: dict's values keep the shapes alive
        self.builders = Builders()

    def add(self, key: tuple[str, ...]) -> Shape | None:
        """The shape of ``key``, added if it is shapeable and there is room, else None."""
        if len(self) >= self.limit:
            return None
        shape = _shape_of(key)
        if shape is not None:
            self[key] = shape
            self.builders[id(shape)] = _builder(shape)
        return shape

    def thaw(self, frozen: Frozen) -> Item:
        """:func:`thaw`, faster for items frozen with these shapes (see :func:`_builder`).

        >>> shapes = Shapes()
        >>> shapes.thaw(freeze({"pk": {"S": "a"}, "n": {"N": "1"}}, 3, shapes=shapes))
        {'pk': {'S': 'a'}, 'n': {'N': '1'}}
        """
        return self.builders[id(frozen[0])](frozen)  # see Builders


class Builders(dict[int, Callable[[Any], Item]]):
    """Thaw functions by ``id(frozen[0])``: a shape's builder, else :func:`thaw` (``__missing__``).

    ``builders[id(frozen[0])](frozen)`` thaws any frozen item in one lookup and one call: a
    shaped item of a known shape by its generated builder; any other (another table's shape,
    or a packed item, whose first element is a small int and never a live shape's id) by
    :func:`thaw`.  Hot loops (a GetRecords drain) index it directly instead of calling
    :meth:`Shapes.thaw`, which saves a call per image.

    >>> Builders()[id(0)] is thaw
    True
    """

    __slots__ = ()

    def __missing__(self, key: int) -> Callable[[Any], Item]:
        return thaw


def _builder(shape: Shape) -> Callable[[tuple[Any, ...]], Item]:
    """A function that thaws items of ``shape``: one dict display, generated once per shape.

    The speed trick of this module, and its only generated code.  Thawing is what GetRecords
    drains, Lambda events and reads spend most of their time on; a function whose body is one
    dict display (``{'pk': {'S': t[2]}, 'n': {'N': t[3]}}``) builds the item about 1.5-2x as
    fast as the plain loop of :func:`thaw`, and took ``benchmarks/bench_stream.py``'s drain
    from about 20% slower than the previous code's to level with it.  Generating one costs
    about 0.2 ms (5 attributes) to 1.4 ms (64), once per shape per table, within the bound of
    :class:`Shapes`.  Safety: names and tags reach the source only through ``repr`` (any text
    is a valid name), and the tags come from a fixed set.
    """
    body = ", ".join(
        f"{name!r}: {{{tag!r}: t[{i}]}}" for i, (name, tag) in enumerate(shape, start=2)
    )
    namespace: dict[str, Any] = {}
    exec(f"def build(t):\n    return {{{body}}}\n", namespace)
    build: Callable[[tuple[Any, ...]], Item] = namespace["build"]
    return build


def freeze(item: Item, size: int, plain: bool = False, shapes: Shapes | None = None) -> Frozen:
    """Freeze a canonical item whose size (``item_size``) is ``size``.

    Args:
        plain: the caller knows every value is ``S``, ``N`` or ``BOOL``.  False is always
            correct: the item's values are then checked here.
        shapes: the shapes to share (a table's); None builds the item its own shape.

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
        values: list[Any] = [None, size]
        for av in avs:
            for tag in av:
                key.append(tag)
                values.append(av[tag])
        shape = _known_shape(tuple(key), shapes)
        if shape is not None:
            values[0] = shape
            return tuple(values)
    return _dumps(item, 2) + _pack_size(size)


def freeze_flat(key: list[str], values: list[Any], size: int, shapes: Shapes) -> Frozen:
    """:func:`freeze` of an item given flat, as the one-pass Python converter builds it.

    Args:
        key: the item's attribute names, then their type tags (each ``S``, ``N`` or ``BOOL``);
            extended in place.
        values: ``[None, None, v0, v1, ...]``, the values in attribute order (canonical text
            for numbers); its first two places are filled in place.
        size: the item's size.

    The same frozen item (equal tuple, same shape object; or equal bytes) as :func:`freeze`
    of the canonical item.

    >>> shapes = Shapes()
    >>> flat = freeze_flat(["pk", "n", "S", "N"], [None, None, "a", "1"], 3, shapes)
    >>> flat == freeze({"pk": {"S": "a"}, "n": {"N": "1"}}, 3, shapes=shapes)
    True
    """
    shape_key = tuple(key)
    shape = shapes.get(shape_key) or shapes.add(shape_key)
    if shape is not None:
        values[0] = shape
        values[1] = size
        return tuple(values)
    half = len(key) // 2
    item = {key[i]: {key[half + i]: values[2 + i]} for i in range(half)}
    return _dumps(item, 2) + _pack_size(size)


def _known_shape(shape_key: tuple[str, ...], shapes: Shapes | None) -> Shape | None:
    """The shape of ``shape_key`` in ``shapes`` (added if new and there is room), or None."""
    if shapes is None:
        return _shape_of(shape_key)
    shape = shapes.get(shape_key)
    return shapes.add(shape_key) if shape is None else shape


def thaw(frozen: Frozen) -> Item:
    """A fresh canonical item from a frozen one.

    A shaped item: one loop over its shape's ``(name, tag)`` pairs (its values start at index
    2; a plain loop measured 1.3x faster than a comprehension, which on Python 3.11 is a
    function call, and 1.3x slower than the generated code it replaces).  A packed one:
    ``marshal.loads``, which ignores the trailing size.

    >>> thaw(freeze({"pk": {"S": "a"}, "ok": {"BOOL": True}}, 3))
    {'pk': {'S': 'a'}, 'ok': {'BOOL': True}}
    """
    if type(frozen) is tuple:
        item: Item = {}
        i = 2
        for name, tag in frozen[0]:
            item[name] = {tag: frozen[i]}
            i += 1
        return item
    return _loads(frozen)  # type: ignore[arg-type,no-any-return]


def frozen_size(frozen: Frozen) -> int:
    """The size (``item_size``) of a frozen item, read without thawing it."""
    if type(frozen) is tuple:
        return frozen[1]  # type: ignore[no-any-return]
    return _unpack_size(frozen, len(frozen) - 4)[0]  # type: ignore[arg-type,no-any-return]


def is_shaped(frozen: Frozen) -> bool:
    """Whether the item is frozen shaped: its values are all S, N, BOOL or NULL, so its
    Lambda-event JSON is its canonical form as it is."""
    return type(frozen) is tuple


def same_item(old: Frozen, new: Frozen, new_item: Item | None = None) -> bool:
    """Whether frozen ``old`` holds the same item as ``new``, which is ``new_item`` frozen
    (None: thawed from ``new`` if needed).

    Two shaped items of the same shape object are equal exactly when their tuples are.  Equal
    items with their attributes in the same order pack to equal bytes.  Only in the other
    cases (another attribute order, a map whose keys may be in another order, one item shaped
    and the other packed, shapes of different :class:`Shapes`) is ``old`` thawed and compared.

    >>> a = freeze({"pk": {"S": "a"}, "n": {"N": "1"}}, 3, plain=True)
    >>> b = freeze({"n": {"N": "1"}, "pk": {"S": "a"}}, 3, plain=True)
    >>> same_item(a, b, {"n": {"N": "1"}, "pk": {"S": "a"}})
    True
    """
    if old == new:
        return True
    if type(old) is tuple and type(new) is tuple and old[0] is new[0]:
        return False  # one shape (shared by a Shapes): equal exactly when the tuples are
    if frozen_size(old) != frozen_size(new):
        return False
    return thaw(old) == (thaw(new) if new_item is None else new_item)
