"""Frozen items (``_items._frozen``): how tables store items and stream records share them.

The rules: a frozen item thaws to an equal, fresh item and carries its size; items of only S, N,
BOOL and NULL values are shaped (tuples), others packed (bytes), and a table's set of shapes is
bounded; a table holds only frozen items, in containers the cyclic GC stops tracking, and so do
the records of its stream; a record shares the table's frozen item rather than a copy; and
freezing changes nothing a user can see: which writes are changes (rule B.2), SizeBytes (B.6),
the event shapes (D.10), whichever form an item takes.
"""

from __future__ import annotations

import gc
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from streamsim import Binary, Simulation
from streamsim._items import (
    MAX_SHAPE_ATTRIBUTES,
    MAX_SHAPE_NAME_CHARS,
    Shapes,
    freeze,
    frozen_size,
    is_shaped,
    item_size,
    python_to_frozen,
    python_to_item,
    python_to_sized_item,
    same_item,
    thaw,
)
from streamsim._lambda._events import events_builder
from streamsim._streams._records import NEW, OLD
from tests.strategies import attribute_names, python_items
from tests.unit.test_lambda_events import reference_event_record

SHAPEABLE = ("S", "N", "BOOL", "NULL")


def _table(view: str | None = "NEW_AND_OLD_IMAGES", range_key: str | None = None) -> Any:
    sim = Simulation(seed=1)
    table = sim.create_table("tbl", hash_key="pk", range_key=range_key, stream_view_type=view)
    return sim, table


def _records(table: Any) -> list[Any]:
    return [r for shard in table.stream.all_shards for r in shard.records]


@given(python_items())
def test_frozen_item_thaws_to_an_equal_fresh_item_with_its_size(item: dict[str, Any]) -> None:
    """thaw(freeze(item)) equals the item, shares no container with it, and keeps its size."""
    canonical = python_to_item(item)
    size = item_size(canonical)
    frozen = freeze(canonical, size)
    for _ in range(2):
        thawed = thaw(frozen)
        assert thawed == canonical
        assert list(thawed) == list(canonical)  # attribute order kept
        assert all(thawed[name] is not canonical[name] for name in canonical)
        assert frozen_size(frozen) == size


@given(python_items(max_depth=0))
def test_items_of_strings_numbers_booleans_and_nulls_are_shaped(item: dict[str, Any]) -> None:
    """An item whose values are all S, N, BOOL or NULL freezes to a tuple (while its shapes
    have room); any other item to bytes."""
    canonical = python_to_item(item)
    frozen = freeze(canonical, item_size(canonical), shapes=Shapes(limit=1))
    expect = all(next(iter(av)) in SHAPEABLE for av in canonical.values()) and (
        sum(map(len, canonical)) <= MAX_SHAPE_NAME_CHARS
    )
    assert is_shaped(frozen) is expect
    assert type(frozen) is (tuple if expect else bytes)
    assert thaw(frozen) == canonical


names_with_syntax = st.lists(
    st.one_of(
        attribute_names(),
        st.sampled_from(["'", '"', "\\", "\n", "{", "}", "a: 1", "__class__", "t", "v0", "_"]),
    ),
    min_size=1,
    max_size=8,
    unique=True,
)


@given(names_with_syntax, st.data())
def test_shapes_take_any_text_as_names(names: list[str], data: st.DataObject) -> None:
    """Any text is a name: quotes, backslashes, braces, newlines and names that look like
    code or variables thaw exactly, in order, by the plain loop and by the shape's builder."""
    values = data.draw(
        st.lists(
            st.one_of(
                st.text().map(lambda s: {"S": s}),
                st.integers().map(lambda n: {"N": str(n)}),
                st.booleans().map(lambda b: {"BOOL": b}),
                st.just({"NULL": True}),
            ),
            min_size=len(names),
            max_size=len(names),
        )
    )
    item = dict(zip(names, values, strict=True))
    shapes = Shapes()
    frozen = freeze(item, item_size(item), plain=True, shapes=shapes)
    assert type(frozen) is tuple
    assert thaw(frozen) == item
    assert list(thaw(frozen)) == names
    assert shapes.thaw(frozen) == item  # the generated builder of the shape
    assert list(shapes.thaw(frozen)) == names
    assert shapes.thaw(frozen) is not shapes.thaw(frozen)  # fresh containers every time


@given(python_items(max_depth=1), python_items(max_depth=1), st.booleans(), st.booleans())
def test_same_item_is_equality_whichever_form_each_item_takes(
    a: dict[str, Any], b: dict[str, Any], pack_a: bool, pack_b: bool
) -> None:
    """same_item(freeze(a), freeze(b), b) is exactly a == b, reordered or not, shaped or
    packed."""
    for left, right in ((a, b), (a, dict(reversed(a.items())))):
        old_item, new_item = python_to_item(left), python_to_item(right)
        old = _freeze_as(old_item, pack_a)
        new = _freeze_as(new_item, pack_b)
        assert same_item(old, new, new_item) is (old_item == new_item)


def _freeze_as(item: dict[str, Any], packed: bool) -> Any:
    return freeze(item, item_size(item), shapes=Shapes(limit=0 if packed else 1))


@given(python_items())
def test_sized_conversion_finds_the_item_size_and_plainness(item: dict[str, Any]) -> None:
    """python_to_sized_item gives python_to_item's item, its exact size, and plain only
    when no value can hold binary."""
    converted, size, plain = python_to_sized_item(item)
    assert converted == python_to_item(item)
    assert size == item_size(converted)
    if plain:
        assert all(next(iter(av)) in ("S", "N", "BOOL") for av in converted.values())


def test_plain_means_only_strings_numbers_and_booleans() -> None:
    """A binary, a set, a list, a map or a null makes an item not plain (safe default)."""
    assert python_to_sized_item({"a": "x", "n": 1, "d": Decimal("2.5"), "t": True})[2]
    for value in (Binary(b"x"), {"s"}, ["l"], {"m": 1}, None):
        assert not python_to_sized_item({"a": "x", "v": value})[2]


def test_table_keeps_items_frozen_in_containers_the_gc_stops_tracking() -> None:
    """Stored items are tuples or bytes; after a full collection neither they nor a hash-key
    table's store are tracked by the cyclic GC (once the table's shapes are: a new shape is a
    tuple of pairs, untracked after at most two collections, as in any long run)."""
    sim, table = _table()
    _warm_shapes(table)
    for i in range(50):
        table.put_item(Item={"pk": f"k{i}", "v": i, "tags": {"a", "b"}})
        table.put_item(Item={"pk": f"p{i}", "v": i, "ok": True, "none": None})
    engine = sim._engine("tbl")
    kinds = {type(frozen) for frozen in engine._items.values()}
    assert kinds == {bytes, tuple}
    gc.collect()
    assert not any(gc.is_tracked(frozen) for frozen in engine._items.values())
    assert not gc.is_tracked(engine._items)
    assert not gc.is_tracked(engine._pids)


def _warm_shapes(table: Any, range_key: str | None = None) -> None:
    """Freeze one item of each shape the tests below write, and let the GC untrack them."""
    sk = {} if range_key is None else {range_key: "warm"}
    table.put_item(Item={"pk": "warm", **sk, "v": 1, "ok": True, "none": None})
    table.put_item(Item={"pk": "warm", **sk, "v": 1})
    table.delete_item(Key={"pk": "warm", **sk})
    gc.collect()
    gc.collect()


def test_stream_records_are_atomic_tuples_the_gc_stops_tracking() -> None:
    """After one collection, no record of a stream is tracked by the cyclic GC (once the
    table's shapes are, see above)."""
    _, table = _table(range_key="sk")
    _warm_shapes(table, range_key="sk")
    for i in range(50):
        table.put_item(Item={"pk": f"k{i % 5}", "sk": str(i), "v": [1, {"m": "x"}]})
        table.delete_item(Key={"pk": f"k{i % 5}", "sk": str(i)})
        table.put_item(Item={"pk": f"k{i % 5}", "sk": str(i), "v": i})
    gc.collect()
    gc.collect()  # a record may be seen before the shaped image it holds is untracked
    raws = [r.raw for r in _records(table)]
    assert len(raws) == 153
    assert not any(gc.is_tracked(raw) for raw in raws)


def test_record_images_are_the_tables_frozen_items_shared() -> None:
    """A record's NewImage is the table's frozen item; the next change's OldImage is the same
    object: each version of an item is frozen once."""
    sim, table = _table()
    table.put_item(Item={"pk": "a", "v": 1})
    table.put_item(Item={"pk": "a", "v": 2})
    first, second = (r.raw for r in _records(table))
    stored = sim._engine("tbl")._items["a"]
    assert second[NEW] is stored
    assert second[OLD] is first[NEW]


def test_put_of_the_same_item_in_another_attribute_order_changes_nothing() -> None:
    """Attribute order is not content: no record, top level or nested (rule B.2)."""
    _, table = _table()
    table.put_item(Item={"pk": "a", "x": 1, "m": {"p": 1, "q": 2}})
    table.put_item(Item={"m": {"q": 2, "p": 1}, "x": 1, "pk": "a"})
    assert [r.event_name for r in _records(table)] == ["INSERT"]


def test_same_sized_change_is_a_change() -> None:
    """A new value of the same size is a MODIFY, even though the bytes have the same length."""
    _, table = _table()
    table.put_item(Item={"pk": "a", "v": "abc"})
    table.put_item(Item={"pk": "a", "v": "abd"})
    table.put_item(Item={"pk": "a", "w": "abd"})
    assert [r.event_name for r in _records(table)] == ["INSERT", "MODIFY", "MODIFY"]


def test_same_item_written_through_both_faces_changes_nothing() -> None:
    """An item from the Table face (known plain) equals the same item from the client (checked
    when frozen) and from an update: how it was frozen is not content."""
    sim, table = _table()
    table.put_item(Item={"pk": "a", "n": 1})
    client = sim.client("dynamodb")
    client.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    client.update_item(
        TableName="tbl",
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET n = :n",
        ExpressionAttributeValues={":n": {"N": "1"}},
    )
    assert [r.event_name for r in _records(table)] == ["INSERT"]


def test_events_are_the_same_whether_the_item_is_shaped_or_packed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Lambda event and the GetRecords record of a shaped item and of the same item
    packed are equal."""
    sim, table = _table()
    item = {"pk": "a", "n": 1, "s": "x", "t": True, "z": None, "unique-to-this-test": "u"}
    table.put_item(Item=item)
    table.delete_item(Key={"pk": "a"})
    monkeypatch.setattr(sim._engine("tbl"), "_shapes", Shapes(limit=0))
    table.put_item(Item=item)
    stream = sim.streams[0]
    build_all = events_builder(stream)
    build = lambda raw: build_all((raw,))[0]  # noqa: E731
    shaped, remove, packed = _records(table)
    assert is_shaped(shaped.raw[NEW])
    assert not is_shaped(packed.raw[NEW])
    for record in (shaped, remove, packed):
        assert build(record.raw) == reference_event_record(stream, record)
    assert build(shaped.raw)["dynamodb"]["NewImage"] == build(packed.raw)["dynamodb"]["NewImage"]
    client = sim.client("dynamodbstreams")
    shard_id = stream.shards[0].shard_id
    iterator = client.get_shard_iterator(
        StreamArn=stream.arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    first, second, third = client.get_records(ShardIterator=iterator)["Records"]
    assert first["dynamodb"]["NewImage"] == third["dynamodb"]["NewImage"]
    assert second["dynamodb"]["OldImage"] == third["dynamodb"]["NewImage"]


def test_reads_return_fresh_items() -> None:
    """GetItem, Query and Scan results are thawed copies: changing one changes nothing stored."""
    _, table = _table(view=None)
    table.put_item(Item={"pk": "a", "l": [1, 2], "m": {"k": "v"}})
    got = table.get_item(Key={"pk": "a"})["Item"]
    got["l"].append(3)
    got["m"]["k"] = "changed"
    for item in table.scan()["Items"]:
        item["l"].clear()
    assert table.get_item(Key={"pk": "a"})["Item"] == {"pk": "a", "l": [1, 2], "m": {"k": "v"}}


def test_plain_item_in_another_attribute_order_changes_nothing() -> None:
    """Plain items (strings, numbers, booleans) reordered: no record; changed: a record."""
    _, table = _table()
    table.put_item(Item={"pk": "a", "x": 1, "y": "two"})
    table.put_item(Item={"y": "two", "pk": "a", "x": 1})
    table.put_item(Item={"y": "two", "pk": "a", "x": 2})
    assert [r.event_name for r in _records(table)] == ["INSERT", "MODIFY"]


def test_items_stored_before_the_stream_are_compared_exactly() -> None:
    """Items written while nothing watched the table (no change detection then) are compared
    exactly once a stream is on: an identical rewrite is no change."""
    _, table = _table(view=None)
    table.put_item(Item={"pk": "a", "x": 1})
    table.put_item(Item={"pk": "b", "x": 1})
    table.enable_stream("NEW_AND_OLD_IMAGES")
    table.put_item(Item={"pk": "a", "x": 1})
    table.put_item(Item={"pk": "b", "x": 2})
    assert [r.event_name for r in _records(table)] == ["MODIFY"]


def test_shape_registry_is_bounded_and_changes_stay_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once a table holds its limit of shapes, items of new shapes are packed; an item
    written shaped and rewritten packed (or the reverse) is still no change."""
    sim, table = _table()
    engine = sim._engine("tbl")
    shapes = Shapes(limit=3)
    monkeypatch.setattr(engine, "_shapes", shapes)
    prefix = "bounded-"
    for i in range(10):
        table.put_item(Item={"pk": f"k{i}", f"{prefix}{i}": 1})
    shaped = [k for k, f in engine._items.items() if type(f) is tuple]
    assert shaped == ["k0", "k1", "k2"]
    assert len(shapes) == shapes.limit
    table.put_item(Item={f"{prefix}0": 1, "pk": "k0"})  # shaped -> packed: no change
    shapes.limit += 1
    table.put_item(Item={"pk": "k5", f"{prefix}5": 1})  # packed -> shaped: no change
    assert type(engine._items["k5"]) is bytes  # the store kept the old form
    table.put_item(Item={"pk": "k5", f"{prefix}5": 2})
    assert type(engine._items["k5"]) is tuple
    events = [r.event_name for r in _records(table)]
    assert events == ["INSERT"] * 10 + ["MODIFY"]


def test_items_too_wide_or_with_long_names_are_packed() -> None:
    """Items of more than MAX_SHAPE_ATTRIBUTES attributes, or whose names are longer than
    MAX_SHAPE_NAME_CHARS in all, are packed, and thaw exactly."""
    wide = {f"a{i}": {"N": str(i)} for i in range(MAX_SHAPE_ATTRIBUTES + 1)}
    long = {"n" * (MAX_SHAPE_NAME_CHARS + 1): {"S": "x"}}
    fits = {f"fits{i}": {"N": str(i)} for i in range(MAX_SHAPE_ATTRIBUTES)}
    for item, form in ((wide, bytes), (long, bytes), (fits, tuple)):
        frozen = freeze(item, item_size(item), plain=True)
        assert type(frozen) is form
        assert thaw(frozen) == item


def test_two_views_of_one_record_are_equal() -> None:
    """shard.records builds new views each time; views of the same record compare equal."""
    _, table = _table()
    table.put_item(Item={"pk": "a"})
    table.put_item(Item={"pk": "b"})
    shard = table.stream.shards[0]
    first, second = shard.records, shard.records
    assert first == second
    assert first[0] is not second[0]
    assert hash(first[0]) == hash(second[0])
    assert first[0] != first[1]


def _outcome(convert: Any) -> Any:
    """What a conversion returns, or the type and message of the error it raises."""
    try:
        return convert()
    except Exception as exc:  # compared, not swallowed: both paths must fail alike
        return type(exc).__name__, str(exc)


serialize = TypeSerializer().serialize
plain_python_values = st.one_of(
    st.text(max_size=8), st.booleans(), st.integers(), st.decimals(allow_nan=True)
)


@given(
    st.dictionaries(
        st.one_of(attribute_names(), st.just("")), plain_python_values, min_size=1, max_size=6
    ),
    st.integers(min_value=0, max_value=2),
)
def test_one_pass_conversion_freezes_what_the_two_pass_one_does(
    item: dict[str, Any], shape_limit: int
) -> None:
    """python_to_frozen gives the frozen item and size that python_to_sized_item then freeze
    give (shaped, or packed once the shapes are full), or None, or the same error."""
    one, two = Shapes(limit=shape_limit + 1), Shapes(limit=shape_limit + 1)

    def two_pass() -> Any:
        canonical, size, plain = python_to_sized_item(item)
        return freeze(canonical, size, plain, two), size

    assert python_to_frozen(item, one) is None  # first sight of these names: the general path
    fast = _outcome(lambda: python_to_frozen(item, one))  # its converter, made now
    slow = _outcome(two_pass)
    if fast is None:  # not the common case: the caller takes the two-pass path
        return
    assert fast == slow


def test_conversion_is_generated_once_a_table_has_seen_the_names_twice() -> None:
    """The first item of an attribute order takes the general path; from the second on, its
    generated converter freezes items of any of the four types to the two-pass result."""
    shapes = Shapes()
    assert python_to_frozen({"pk": "a", "n": 1, "ok": True}, shapes) is None
    for values in [("b", 2, False), ("c", Decimal("1.50"), "x"), ("\u00e9", -10, True)]:
        item = dict(zip(("pk", "n", "ok"), values, strict=True))
        canonical, size, plain = python_to_sized_item(item)
        assert python_to_frozen(item, shapes) == (freeze(canonical, size, plain, shapes), size)
    assert list(shapes.converters) == [("pk", "n", "ok")]
    assert python_to_frozen({"pk": "a", "n": [1], "ok": True}, shapes) is None  # a list


def test_converted_items_of_a_new_shape_are_packed_once_the_shapes_are_full() -> None:
    """A converter whose item has a type combination the full shapes cannot take packs it,
    as freeze does."""
    shapes = Shapes(limit=1)
    python_to_frozen({"pk": "a", "n": 1}, shapes)
    shaped, _ = python_to_frozen({"pk": "a", "n": 2}, shapes)  # type: ignore[misc]
    packed, size = python_to_frozen({"pk": "a", "n": "x"}, shapes)  # type: ignore[misc]
    assert type(shaped) is tuple
    assert type(packed) is bytes
    assert thaw(packed) == {"pk": {"S": "a"}, "n": {"S": "x"}}
    assert size == 5


def test_converters_are_bounded_by_the_shape_limit() -> None:
    """A table keeps at most as many converters (and names seen once) as shapes."""
    shapes = Shapes(limit=4)
    for i in range(20):
        for _ in range(3):
            python_to_frozen({f"a{i}": "x"}, shapes)
    assert len(shapes.converters) == 4


@pytest.mark.parametrize(
    "names",
    [
        ("pk", ""),
        ("pk", 1),
        ("pk", "\ud800"),
        ("pk", "x" * 2000),
        tuple(f"a{i}" for i in range(70)),
    ],
    ids=["empty", "int", "surrogate", "long", "wide"],
)
def test_names_no_converter_takes_go_the_general_path(names: tuple[Any, ...]) -> None:
    """Items with an empty, non-string, non-UTF-8 or over-long name, or more attributes than a
    shape holds, are never converted here: the general path accepts or rejects them."""
    shapes = Shapes()
    item = dict.fromkeys(names, "v")
    for _ in range(3):
        assert python_to_frozen(item, shapes) is None
    assert shapes.converters[names] is False


@pytest.mark.parametrize("range_key", [None, "sk"])
@pytest.mark.parametrize("ttl", [False, True])
def test_face_put_stores_and_streams_what_the_client_put_does(
    range_key: str | None, ttl: bool
) -> None:
    """Table.put_item (one-pass conversion where it applies) and the client's PutItem leave the
    same items, changes and records, with a sort key or without, with TTL on or off."""
    items = [
        {"pk": "a", "sk": "1", "n": Decimal("1.50"), "ok": True, "exp": 5},
        {"pk": "a", "sk": "1", "n": Decimal("1.5"), "ok": True, "exp": 5},  # no change
        {"pk": "a", "sk": "1", "n": 2, "ok": False, "exp": 5},
        {"pk": "b", "sk": "2", "l": [1, "x"], "exp": 10**30},
        {"pk": "\u00e9", "sk": "3", "t": "\u00e9t\u00e9"},
    ]
    seen = []
    for face in ("table", "client"):
        sim, table = _table(range_key=range_key)
        if ttl:
            table.enable_time_to_live("exp")
        client = sim.client("dynamodb")
        for item in items:
            if range_key is None:
                item = {k: v for k, v in item.items() if k != "sk"}
            if face == "table":
                table.put_item(Item=item)
            else:
                wire = {k: serialize(v) for k, v in item.items()}
                client.put_item(TableName="tbl", Item=wire)
        stored = sorted(map(repr, table.scan()["Items"]))
        records = [(r[2], r[3], r[OLD], r[NEW]) for r in (s.raw for s in _records(table))]
        seen.append((stored, [(e, s, o and thaw(o), n and thaw(n)) for e, s, o, n in records]))
    assert seen[0] == seen[1]


def test_equal_values_of_many_items_are_stored_once() -> None:
    """Equal strings and numbers written by different puts (as a JSON parser builds them, each a
    new object) are kept as one object: a day of records does not hold a copy per record."""
    sim, table = _table()
    for n in range(2):
        site, count = "".join(["lab-", "1"]), int("".join(["4", "2"]))  # new objects each time
        table.put_item(Item={"pk": f"k{n}", "site": site, "count": count})
    first, second = (sim._engine("tbl")._items[k] for k in ("k0", "k1"))
    assert first[3] is second[3]
    assert first[4] is second[4]


def test_equal_strings_stay_one_object_on_either_conversion_path() -> None:
    """Equal strings written as new objects share one stored object whichever way the put
    converts: the general path (a table's first sight of the names) and the one-pass
    converter (every later put) intern the same text."""
    sim, table = _table()
    for n in range(5):
        site = "".join(["lab-", "2"])  # a new object each time
        table.put_item(Item={"pk": "".join(["k", str(n)]), "site": site})
    stored = [sim._engine("tbl")._items[f"k{n}"] for n in range(5)]
    assert all(item[3] is stored[0][3] for item in stored)
