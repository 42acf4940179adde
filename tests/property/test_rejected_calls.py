"""Bad input changes nothing (issue 2, point 7).

Hypothesis generates random invalid calls through both faces (the boto3-shaped client and the
resource ``Table``): bad keys, failing conditions, cancelled transactions, bad expressions,
oversized items, invalid batches and parameters.  Every one must be rejected, and afterwards
every table must hold exactly the items it held before, and every stream exactly the records.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamsim import Simulation
from streamsim._errors import (
    ConditionalCheckFailedException,
    ResourceNotFoundException,
    TransactionCanceledException,
    ValidationException,
)
from streamsim._items import copy_item
from tests.item_oracles import serialize
from tests.strategies import python_items, python_values

KEY_NAMES = ("pk", "sk")
BIG = "x" * (400 * 1024)

#: A generated invalid call: what it is, and how to make it on a simulation.
Call = tuple[str, Callable[[Simulation], Any]]
#: What each kind of invalid call must raise.
INVALID = (ValidationException, ResourceNotFoundException, TypeError)


def build_world() -> Simulation:
    """Two tables with streams and items: ``users`` (pk S) and ``events`` (pk S, sk N)."""
    sim = Simulation(seed=4)
    users = sim.create_table("users", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES")
    events = sim.create_table(
        "events",
        hash_key="pk",
        range_key="sk",
        range_key_type="N",
        partitions=2,
        stream_view_type="KEYS_ONLY",
    )
    for i in range(4):
        users.put_item(Item={"pk": f"u{i}", "name": f"user {i}", "n": i, "tags": {"a", str(i)}})
        for j in range(2):
            events.put_item(Item={"pk": f"u{i}", "sk": j, "seen": True})
    return sim


def snapshot(sim: Simulation) -> dict[str, Any]:
    """Every table's items (copied, in a stable order), item count and stream record count."""
    out: dict[str, Any] = {}
    for table in sim.tables:
        engine = table._engine
        engine._check()
        items = sorted(
            (copy_item(item) for item in engine.iter_items()),
            key=lambda item: repr(sorted(item.items())),
        )
        records = sum(
            len(shard.records) for stream in engine.streams for shard in stream.all_shards
        )
        out[table.name] = (items, len(engine), records)
    return out


# --- the pieces ---------------------------------------------------------------------------------

existing_users = st.sampled_from([f"u{i}" for i in range(4)])
new_users = st.text(min_size=1, max_size=6).map(lambda s: "new-" + s)
extra_items = python_items(max_depth=2).map(
    lambda item: {k: v for k, v in item.items() if k not in KEY_NAMES}
)
faces = st.sampled_from(["table", "client"])


def to_wire(value: Any) -> dict[str, Any]:
    """DynamoDB JSON of a Python value (streamsim's clone of boto3's TypeSerializer)."""
    return serialize(value)


def wire_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: to_wire(value) for name, value in item.items()}


def put(face: str, table: str, item: dict[str, Any], **params: Any) -> Callable[[Simulation], Any]:
    """A put through either face (the client gets the item and values as DynamoDB JSON)."""

    def run(sim: Simulation) -> Any:
        if face == "table":
            return sim.table(table).put_item(Item=item, **params)
        wire = dict(params)
        if "ExpressionAttributeValues" in wire:
            wire["ExpressionAttributeValues"] = wire_item(wire["ExpressionAttributeValues"])
        return sim.client("dynamodb").put_item(TableName=table, Item=wire_item(item), **wire)

    return run


def keyed(
    face: str, operation: str, table: str, key: dict[str, Any], **params: Any
) -> Callable[[Simulation], Any]:
    """update_item / delete_item / get_item through either face."""

    def run(sim: Simulation) -> Any:
        if face == "table":
            return getattr(sim.table(table), operation)(Key=key, **params)
        wire = dict(params)
        if "ExpressionAttributeValues" in wire:
            wire["ExpressionAttributeValues"] = wire_item(wire["ExpressionAttributeValues"])
        method = getattr(sim.client("dynamodb"), operation)
        return method(TableName=table, Key=wire_item(key), **wire)

    return run


# --- invalid calls -----------------------------------------------------------------------------


@st.composite
def bad_keys(draw: st.DrawFn) -> Call:
    """Items and keys that do not match the key schema."""
    face = draw(faces)
    extra = draw(extra_items)
    choice = draw(st.integers(min_value=0, max_value=6))
    if choice == 0:
        return "item without its partition key", put(face, "users", {**extra, "x": 1})
    if choice == 1:
        value = draw(st.one_of(st.integers(), st.binary(min_size=1), st.booleans()))
        return "partition key of the wrong type", put(face, "users", {**extra, "pk": value})
    if choice == 2:
        return "empty string key", put(face, "users", {**extra, "pk": ""})
    if choice == 3:
        return "item without its sort key", put(face, "events", {**extra, "pk": "u1"})
    if choice == 4:
        sk = draw(st.text(min_size=1, max_size=5))
        return "sort key of the wrong type", put(face, "events", {**extra, "pk": "u1", "sk": sk})
    if choice == 5:
        return "partition key over 2048 bytes", put(face, "users", {"pk": "k" * 2049})
    key = draw(
        st.sampled_from(
            [{"pk": "u1", "extra": "x"}, {"sk": 1}, {"pk": "u1", "sk": 1, "other": 2}, {}]
        )
    )
    operation = draw(st.sampled_from(["update_item", "delete_item"]))
    return "key not matching the schema", keyed(face, operation, "events", key)


@st.composite
def failing_conditions(draw: st.DrawFn) -> Call:
    """Writes whose ConditionExpression is false for the current item."""
    face = draw(faces)
    on_failure = draw(st.sampled_from([{}, {"ReturnValuesOnConditionCheckFailure": "ALL_OLD"}]))
    exists = draw(st.booleans())
    pk = draw(existing_users) if exists else draw(new_users)
    condition = "attribute_not_exists(pk)" if exists else "attribute_exists(pk)"
    operation = draw(st.sampled_from(["put_item", "update_item", "delete_item"]))
    if operation == "put_item":
        item = {**draw(extra_items), "pk": pk}
        return "put with a false condition", put(
            face, "users", item, ConditionExpression=condition, **on_failure
        )
    if operation == "update_item":
        value = draw(python_values(max_depth=1))
        return "update with a false condition", keyed(
            face,
            "update_item",
            "users",
            {"pk": pk},
            UpdateExpression="SET #a = :v",
            ConditionExpression=condition,
            ExpressionAttributeNames={"#a": draw(st.text(min_size=1, max_size=5))},
            ExpressionAttributeValues={":v": value},
            **on_failure,
        )
    threshold = draw(st.integers(min_value=10, max_value=1000))
    return "delete with a false condition", keyed(
        face,
        "delete_item",
        "users",
        {"pk": draw(existing_users)},
        ConditionExpression="n > :limit",
        ExpressionAttributeValues={":limit": threshold},
        **on_failure,
    )


# (UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues): each is rejected
BAD_UPDATES: list[tuple[str, dict[str, str] | None, dict[str, Any] | None]] = [
    ("SET", None, None),
    ("SET a = ", None, None),
    ("SET a = :v :w", None, {":v": 1, ":w": 2}),
    ("REMOVE", None, None),
    ("SET a = b +", None, None),
    ("SET a = :v", None, None),  # undefined value
    ("SET #a = :v", None, {":v": 1}),  # undefined name
    ("SET a = :v", None, {":v": 1, ":unused": 2}),
    ("SET a = :v", {"#unused": "x"}, {":v": 1}),
    ("SET pk = :v", None, {":v": "other"}),  # key attribute
    ("SET a = :v, a = :w", None, {":v": 1, ":w": 2}),  # overlapping paths
    ("ADD name :one", None, {":one": 1}),  # ADD to a string
    ("DELETE n :s", None, {":s": {"x"}}),  # DELETE from a number
    ("SET n = n + :s", None, {":s": "text"}),  # arithmetic on a string
    ("SET a = :v", None, {}),  # empty values map
    ("SET a = size(n)", None, None),  # size is not an update function
    ("SET big = :b", None, {":b": BIG}),  # grows past 400 KB
]
BAD_CONDITIONS: list[tuple[str, dict[str, Any] | None]] = [
    ("a = ", None),
    ("attribute_exists()", None),
    ("size(a)", None),
    ("a BETWEEN :x", {":x": 1}),
    ("a = :x", None),
    ("a = :x", {":x": 1, ":y": 2}),
    ("((a = :x))", {":x": 1}),
    ("a IN ()", None),
    ("contains(a, :x) AND", {":x": 1}),
]


@st.composite
def bad_expressions(draw: st.DrawFn) -> Call:
    """Update and condition expressions that are malformed or misuse their placeholders."""
    face = draw(faces)
    pk = draw(st.one_of(existing_users, new_users))
    if draw(st.booleans()):
        expression, names, values = draw(st.sampled_from(BAD_UPDATES))
        params: dict[str, Any] = {"UpdateExpression": expression}
        if face == "client" and expression == "DELETE n :s":
            pk = draw(existing_users)
        if names is not None:
            params["ExpressionAttributeNames"] = names
        if values is not None:
            params["ExpressionAttributeValues"] = values
        if expression.startswith(("ADD name", "DELETE n", "SET n = n")):
            pk = draw(existing_users)  # the runtime type errors need the item's attributes
        return f"bad update {expression!r}", keyed(
            face, "update_item", "users", {"pk": pk}, **params
        )
    condition, values = draw(st.sampled_from(BAD_CONDITIONS))
    params = {"ConditionExpression": condition}
    if values is not None:
        params["ExpressionAttributeValues"] = values
    item = {**draw(extra_items), "pk": pk}
    return f"bad condition {condition!r}", put(face, "users", item, **params)


@st.composite
def oversized(draw: st.DrawFn) -> Call:
    """Items over 400 KB, or too deeply nested."""
    face = draw(faces)
    item = {**draw(extra_items), "pk": draw(st.one_of(existing_users, new_users))}
    if draw(st.booleans()):
        item["big"] = BIG + draw(st.text(max_size=3))
        return "item over 400 KB", put(face, "users", item)
    nested: Any = "leaf"
    for _ in range(33):
        nested = [nested]
    item["deep"] = nested
    return "item nested deeper than 32 levels", put(face, "users", item)


@st.composite
def cancelled_transactions(draw: st.DrawFn) -> Call:
    """Transactions with a false condition or two actions on one item: nothing applies."""
    names = draw(st.lists(new_users, min_size=1, max_size=4, unique=True))
    actions: list[dict[str, Any]] = [
        {"Put": {"TableName": "users", "Item": wire_item({**draw(extra_items), "pk": name})}}
        for name in names
    ]
    if draw(st.booleans()):
        failing = {
            "ConditionCheck": {
                "TableName": "users",
                "Key": {"pk": {"S": draw(existing_users)}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        what = "transaction with a false ConditionCheck"
    else:
        failing = {"Delete": {"TableName": "users", "Key": {"pk": {"S": names[0]}}}}
        what = "transaction touching one item twice"
    actions.insert(draw(st.integers(min_value=0, max_value=len(actions))), failing)

    def run(sim: Simulation) -> Any:
        return sim.client("dynamodb").transact_write_items(TransactItems=actions)

    return what, run


@st.composite
def bad_batches(draw: st.DrawFn) -> Call:
    """BatchWriteItem with duplicate keys, too many requests, or one bad request among good ones."""
    names = draw(st.lists(new_users, min_size=1, max_size=5, unique=True))
    requests: list[dict[str, Any]] = [
        {"PutRequest": {"Item": wire_item({**draw(extra_items), "pk": name})}} for name in names
    ]
    choice = draw(st.integers(min_value=0, max_value=3))
    if choice == 0:
        requests.append({"DeleteRequest": {"Key": {"pk": {"S": draw(st.sampled_from(names))}}}})
        what = "batch with duplicate keys"
    elif choice == 1:
        requests = [{"PutRequest": {"Item": {"pk": {"S": f"many-{i}"}}}} for i in range(26)]
        what = "batch of 26 requests"
    elif choice == 2:
        requests.append({"PutRequest": {"Item": {"pk": {"N": "1"}}}})
        what = "batch with a key of the wrong type"
    else:
        requests.append({"PutRequest": {"Item": {"pk": {"S": "ok"}}}, "DeleteRequest": {"Key": {}}})
        what = "batch with a request of two kinds"
    position = draw(st.permutations(range(len(requests))))
    ordered = [requests[i] for i in position]
    tables = {"users": ordered}
    if draw(st.booleans()) and choice != 1:
        tables["missing-table"] = [{"PutRequest": {"Item": {"pk": {"S": "x"}}}}]

    def run(sim: Simulation) -> Any:
        return sim.client("dynamodb").batch_write_item(RequestItems=tables)

    return what, run


@st.composite
def bad_parameters(draw: st.DrawFn) -> Call:
    """Parameters botocore or DynamoDB refuse: unknown names, enum values, types, floats."""
    face = draw(faces)
    item = {**draw(extra_items), "pk": draw(st.one_of(existing_users, new_users))}
    choice = draw(st.integers(min_value=0, max_value=4))
    if choice == 0:
        return "unknown parameter", put(face, "users", item, Unknown=1)
    if choice == 1:
        value = draw(st.sampled_from(["ALL_NEW", "UPDATED_OLD", "none", "DOG"]))
        return "ReturnValues not allowed on PutItem", put(face, "users", item, ReturnValues=value)
    if choice == 2:
        return "legacy Expected with Exists but no Value", put(
            face, "users", item, Expected={"pk": {"Exists": True}}
        )
    if choice == 3:
        value = draw(st.floats(allow_nan=False))
        return "float value (Table face)", put("table", "users", {**item, "f": value})
    return "table that does not exist", put(face, "no-such-table", item)


def expecting(
    calls: st.SearchStrategy[Call], errors: tuple[type[BaseException], ...]
) -> st.SearchStrategy[tuple[str, Callable[[Simulation], Any], tuple[type[BaseException], ...]]]:
    return calls.map(lambda call: (call[0], call[1], errors))


invalid_calls = st.one_of(
    expecting(bad_keys(), INVALID),
    expecting(failing_conditions(), (ConditionalCheckFailedException,)),
    expecting(bad_expressions(), INVALID),
    expecting(oversized(), INVALID),
    expecting(cancelled_transactions(), (TransactionCanceledException, ValidationException)),
    expecting(bad_batches(), INVALID),
    expecting(bad_parameters(), INVALID),
)


@settings(deadline=None)
@given(calls=st.lists(invalid_calls, min_size=1, max_size=4))
def test_rejected_calls_leave_every_table_and_stream_unchanged(
    calls: list[tuple[str, Callable[[Simulation], Any], tuple[type[BaseException], ...]]],
) -> None:
    """Every random invalid call is rejected; all items and stream records stay as they were."""
    sim = build_world()
    before = snapshot(sim)
    for what, run, errors in calls:
        with pytest.raises(errors):
            run(sim)
        assert snapshot(sim) == before, what
        sim._check()


@given(value=python_values(max_depth=2))
def test_rejected_call_after_valid_writes_changes_nothing(value: Any) -> None:
    """After valid writes of random values, a failing conditional update still changes nothing."""
    sim = build_world()
    table = sim.table("users")
    table.put_item(Item={"pk": "u9", "v": value, "n": Decimal(1)})
    before = snapshot(sim)
    with pytest.raises(ConditionalCheckFailedException):
        table.update_item(
            Key={"pk": "u9"},
            UpdateExpression="SET v = :v REMOVE n",
            ConditionExpression="n = :two",
            ExpressionAttributeValues={":v": "replaced", ":two": 2},
        )
    assert snapshot(sim) == before
    sim._check()
