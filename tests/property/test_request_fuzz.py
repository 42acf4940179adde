"""Request fuzz suite (issue 12, deliverable 4): mutated requests to every operation of every face.

For each operation of ``sim.client("dynamodb")``, ``sim.client("dynamodbstreams")``,
``sim.client("lambda")`` and the resource ``Table``, Hypothesis starts from one valid request
and mutates it one to three times: members dropped, replaced by values of the wrong type, junk
added (unknown members, lone surrogates, 500 KB strings, 40-deep maps and lists, odd numbers),
strings garbled (expressions, names, ARNs) and placeholder maps reshuffled.  Every call must

* succeed, or raise a :class:`~streamsim.StreamsimError` (AWS-coded); the resource ``Table``
  may also raise what boto3's ``TypeSerializer`` raises client-side (``TypeError`` for a float
  or an unsupported type, ``decimal`` signals for numbers beyond its context), as boto3 does;
* when rejected, leave every table, item, TTL setting, stream, shard, record, mapping and
  queue exactly as it was (:func:`tests.state_dump.dump_state`, read through the public API).

Calls: ``STREAMSIM_FUZZ_CALLS`` in total (default 5,000), spread evenly over the operations;
``STREAMSIM_FUZZ_CALLS=100000`` for a long local run.  Each operation keeps one world while its
calls are rejected and rebuilds it after a call that may have changed it, so the state before
every rejected call is the known state of a fresh world.
"""

from __future__ import annotations

import copy
import decimal
import math
import os
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from streamsim import Binary, Simulation, StreamSettings, StreamsimError
from streamsim._items import shown
from tests.state_dump import dump_state

CALLS = int(os.environ.get("STREAMSIM_FUZZ_CALLS") or 5_000)

SURROGATES = ("\ud800", "a\udfffb", "\udc80")
BIG = "x" * (500 * 1024)


def _deep_python(depth: int) -> Any:
    value: Any = "leaf"
    for index in range(depth):
        value = {"k": value} if index % 2 else [value]
    return value


def _deep_wire(depth: int) -> Any:
    value: Any = {"S": "leaf"}
    for index in range(depth):
        value = {"M": {"k": value}} if index % 2 else {"L": [value]}
    return value


#: values no generator should be trusted to find: huge, deep, odd (made afresh for each draw,
#: since a later mutation may change a drawn container in place)
SPECIAL_VALUES: tuple[Callable[[], Any], ...] = (
    lambda: BIG,
    lambda: _deep_python(40),
    lambda: _deep_wire(40),
    lambda: _deep_python(1_000),
    lambda: _deep_wire(1_000),
    lambda: {"k": {"S": BIG}},
    lambda: {"S": BIG},
    lambda: set(),
    lambda: {1, "a"},
    lambda: frozenset({b"x"}),
    lambda: Binary(b""),
    lambda: b"\xff\xfe",
    lambda: bytearray(b"x"),
    lambda: datetime(2024, 1, 1, tzinfo=timezone.utc),
    lambda: Decimal("NaN"),
    lambda: Decimal("sNaN"),
    lambda: Decimal("-Infinity"),
    lambda: Decimal("1e400"),
    lambda: Decimal("1E-200"),
    lambda: 10**400,
    lambda: -(2**63),
    lambda: float("nan"),
    lambda: float("inf"),
    lambda: object(),
    lambda: ...,
    lambda: {"S": "a", "N": "1"},
    lambda: {"N": "1e400"},
    lambda: {"N": "x"},
    lambda: {"SS": []},
    lambda: {"SS": ["a", "a"]},
    lambda: {"NS": ["1", "1.0"]},
    lambda: {"NULL": False},
    lambda: {"B": "\ud800"},
    lambda: {"BOOL": 1},
    dict,
    lambda: {"Q": 1},
    lambda: {"L": "x"},
    lambda: {"M": []},
)

_text = st.text(max_size=12) | st.sampled_from(SURROGATES)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=True),
    _text,
    st.binary(max_size=8),
)
#: a junk value: any type, any shape, occasionally huge or deep
junk = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=3),
    st.dictionaries(_text | st.integers(), _scalars, max_size=3),
    st.sampled_from(SPECIAL_VALUES).map(lambda make: make()),
)
_garble_pieces = st.sampled_from(
    ["#", ":", "(", ")", " ", ".", "[", "]", "[0]", ",", "=", "<>", "NOT ", " AND ", " OR ",
     "SET ", "REMOVE ", "#n", ":v", ":nope", "#nope", "size(", "\x00", "é", "😀", *SURROGATES,
     "BETWEEN", "IN (", "attribute_exists(", "1", "-", "+", "'", '"', "\\", "{", "}"]
)  # fmt: skip


# --- the world -----------------------------------------------------------------------------------


class World:
    """A simulation with two streamed tables, items, TTL, a function, a queue and a mapping."""

    def __init__(self) -> None:
        self.sim = sim = Simulation(
            seed=12, stream_settings=StreamSettings(max_readers_per_shard=None)
        )
        orders = sim.create_table(
            "orders", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES", partitions=2
        )
        events = sim.create_table(
            "events", hash_key="pk", range_key="sk", range_key_type="N",
            stream_view_type="KEYS_ONLY",
        )  # fmt: skip
        orders.enable_time_to_live("exp")
        for key in ("a", "b", "c"):
            orders.put_item(
                Item={"pk": key, "n": 1, "m": {"a": ["x"]}, "tags": {"t"}, "bin": Binary(b"b")}
            )
        for i in range(3):
            events.put_item(Item={"pk": "u", "sk": i, "seen": True})
        self.orders, self.events = orders, events
        sim.create_function("f", lambda event, context: None)
        self.queue = sim.create_queue("dlq")
        lam = sim.client("lambda")
        self.uuid = lam.create_event_source_mapping(
            FunctionName="f",
            EventSourceArn=orders.latest_stream_arn,
            StartingPosition="TRIM_HORIZON",
            DestinationConfig={"OnFailure": {"Destination": self.queue.arn}},
        )["UUID"]
        streams = sim.client("dynamodbstreams")
        self.arn = orders.latest_stream_arn
        shards = streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        self.shard = shards[0]["ShardId"]
        self.sequence = shards[0]["SequenceNumberRange"]["StartingSequenceNumber"]
        self.iterator = streams.get_shard_iterator(
            StreamArn=self.arn, ShardId=self.shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]

    def dump(self) -> str:
        return dump_state(self.sim, [self.queue])


_S = lambda text: {"S": text}  # noqa: E731 - DynamoDB JSON shorthand
_N = lambda text: {"N": text}  # noqa: E731

#: name -> (face, method, read only?, the valid request as a function of the world)
Operation = tuple[str, str, bool, Callable[[World], dict[str, Any]]]
OPERATIONS: dict[str, Operation] = {
    "ddb.PutItem": (
        "dynamodb",
        "put_item",
        False,
        lambda w: {
            "TableName": "orders",
            "Item": {
                "pk": _S("new"),
                "n": _N("1.50"),
                "m": {"M": {"a": {"L": [_S("x"), {"NULL": True}]}}},
                "b": {"B": b"\x00"},
                "ss": {"SS": ["a", "b"]},
            },
            "ConditionExpression": "attribute_not_exists(#p)",
            "ExpressionAttributeNames": {"#p": "pk"},
            "ReturnValues": "ALL_OLD",
        },
    ),
    "ddb.GetItem": (
        "dynamodb",
        "get_item",
        True,
        lambda w: {
            "TableName": "orders",
            "Key": {"pk": _S("a")},
            "ProjectionExpression": "#n, m.a[0]",
            "ExpressionAttributeNames": {"#n": "n"},
            "ConsistentRead": True,
        },
    ),
    "ddb.UpdateItem": (
        "dynamodb",
        "update_item",
        False,
        lambda w: {
            "TableName": "orders",
            "Key": {"pk": _S("a")},
            "UpdateExpression": "SET #n = #n + :one, m.b = :s REMOVE gone ADD tags :t",
            "ConditionExpression": "attribute_exists(pk) AND NOT (#n > :big)",
            "ExpressionAttributeNames": {"#n": "n"},
            "ExpressionAttributeValues": {
                ":one": _N("1"),
                ":s": _S("x"),
                ":t": {"SS": ["q"]},
                ":big": _N("1000"),
            },
            "ReturnValues": "UPDATED_NEW",
        },
    ),
    "ddb.DeleteItem": (
        "dynamodb",
        "delete_item",
        False,
        lambda w: {
            "TableName": "orders",
            "Key": {"pk": _S("b")},
            "ConditionExpression": "n < :v",
            "ExpressionAttributeValues": {":v": _N("100")},
            "ReturnValues": "ALL_OLD",
        },
    ),
    "ddb.Query": (
        "dynamodb",
        "query",
        True,
        lambda w: {
            "TableName": "events",
            "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
            "FilterExpression": "attribute_exists(seen)",
            "ProjectionExpression": "pk, sk",
            "ExpressionAttributeValues": {":p": _S("u"), ":a": _N("0"), ":b": _N("5")},
            "Limit": 5,
            "ScanIndexForward": False,
            "ExclusiveStartKey": {"pk": _S("u"), "sk": _N("9")},
        },
    ),
    "ddb.Scan": (
        "dynamodb",
        "scan",
        True,
        lambda w: {
            "TableName": "orders",
            "FilterExpression": "size(m) > :z OR begins_with(pk, :p)",
            "ExpressionAttributeValues": {":z": _N("0"), ":p": _S("a")},
            "Limit": 3,
            "ConsistentRead": True,
            "Segment": 0,
            "TotalSegments": 1,
            "ExclusiveStartKey": {"pk": _S("a")},
        },
    ),
    "ddb.BatchWriteItem": (
        "dynamodb",
        "batch_write_item",
        False,
        lambda w: {
            "RequestItems": {
                "orders": [
                    {"PutRequest": {"Item": {"pk": _S("d"), "v": {"L": [_N("1")]}}}},
                    {"DeleteRequest": {"Key": {"pk": _S("c")}}},
                ],
                "events": [{"PutRequest": {"Item": {"pk": _S("u"), "sk": _N("7")}}}],
            },
            "ReturnConsumedCapacity": "TOTAL",
        },
    ),
    "ddb.BatchGetItem": (
        "dynamodb",
        "batch_get_item",
        True,
        lambda w: {
            "RequestItems": {
                "orders": {
                    "Keys": [{"pk": _S("a")}, {"pk": _S("b")}],
                    "ProjectionExpression": "#k",
                    "ExpressionAttributeNames": {"#k": "pk"},
                }
            },
        },
    ),
    "ddb.TransactWriteItems": (
        "dynamodb",
        "transact_write_items",
        False,
        lambda w: {
            "TransactItems": [
                {"Put": {"TableName": "orders", "Item": {"pk": _S("t1"), "n": _N("5")}}},
                {
                    "Update": {
                        "TableName": "orders",
                        "Key": {"pk": _S("a")},
                        "UpdateExpression": "SET n = :v",
                        "ExpressionAttributeValues": {":v": _N("2")},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": "events",
                        "Key": {"pk": _S("u"), "sk": _N("0")},
                        "ConditionExpression": "attribute_exists(#s)",
                        "ExpressionAttributeNames": {"#s": "seen"},
                    }
                },
                {"Delete": {"TableName": "orders", "Key": {"pk": _S("c")}}},
            ],
            "ClientRequestToken": "token-1",
        },
    ),
    "ddb.CreateTable": (
        "dynamodb",
        "create_table",
        False,
        lambda w: {
            "TableName": "created",
            "AttributeDefinitions": [
                {"AttributeName": "id", "AttributeType": "S"},
                {"AttributeName": "at", "AttributeType": "N"},
            ],
            "KeySchema": [
                {"AttributeName": "id", "KeyType": "HASH"},
                {"AttributeName": "at", "KeyType": "RANGE"},
            ],
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
            "Tags": [{"Key": "team", "Value": "x"}],
        },
    ),
    "ddb.DescribeTable": ("dynamodb", "describe_table", True, lambda w: {"TableName": "orders"}),
    "ddb.UpdateTable": (
        "dynamodb",
        "update_table",
        False,
        lambda w: {
            "TableName": "events",
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": False},
        },
    ),
    "ddb.DeleteTable": ("dynamodb", "delete_table", False, lambda w: {"TableName": "events"}),
    "ddb.ListTables": (
        "dynamodb",
        "list_tables",
        True,
        lambda w: {
            "Limit": 1,
            "ExclusiveStartTableName": "events",
        },
    ),
    "ddb.UpdateTimeToLive": (
        "dynamodb",
        "update_time_to_live",
        False,
        lambda w: {
            "TableName": "events",
            "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "exp"},
        },
    ),
    "ddb.DescribeTimeToLive": (
        "dynamodb",
        "describe_time_to_live",
        True,
        lambda w: {
            "TableName": "orders",
        },
    ),
    "streams.ListStreams": (
        "dynamodbstreams",
        "list_streams",
        True,
        lambda w: {
            "TableName": "orders",
            "Limit": 5,
        },
    ),
    "streams.DescribeStream": (
        "dynamodbstreams",
        "describe_stream",
        True,
        lambda w: {
            "StreamArn": w.arn,
            "Limit": 10,
            "ExclusiveStartShardId": w.shard,
            "ShardFilter": {"Type": "CHILD_SHARDS", "ShardId": w.shard},
        },
    ),
    "streams.GetShardIterator": (
        "dynamodbstreams",
        "get_shard_iterator",
        True,
        lambda w: {
            "StreamArn": w.arn,
            "ShardId": w.shard,
            "ShardIteratorType": "AT_SEQUENCE_NUMBER",
            "SequenceNumber": w.sequence,
        },
    ),
    "streams.GetShardIteratorAtTimestamp": (
        "dynamodbstreams",
        "get_shard_iterator",
        True,
        lambda w: {
            "StreamArn": w.arn,
            "ShardId": w.shard,
            "ShardIteratorType": "AT_TIMESTAMP",
            "Timestamp": "1704067200",
        },
    ),
    "streams.GetRecords": (
        "dynamodbstreams",
        "get_records",
        True,
        lambda w: {
            "ShardIterator": w.iterator,
            "Limit": 10,
        },
    ),
    "lambda.CreateEventSourceMapping": (
        "lambda",
        "create_event_source_mapping",
        False,
        lambda w: {
            "FunctionName": "f",
            "EventSourceArn": w.events.latest_stream_arn,
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": 10,
            "MaximumRetryAttempts": 2,
            "BisectBatchOnFunctionError": True,
            "MaximumBatchingWindowInSeconds": 1,
            "ParallelizationFactor": 2,
            "MaximumRecordAgeInSeconds": 600,
            "TumblingWindowInSeconds": 30,
            "DestinationConfig": {"OnFailure": {"Destination": w.queue.arn}},
            "FilterCriteria": {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "Enabled": True,
        },
    ),
    "lambda.UpdateEventSourceMapping": (
        "lambda",
        "update_event_source_mapping",
        False,
        lambda w: {
            "UUID": w.uuid,
            "BatchSize": 5,
            "Enabled": False,
            "MaximumBatchingWindowInSeconds": 2,
            "FilterCriteria": {
                "Filters": [{"Pattern": '{"dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}'}]
            },
        },
    ),
    "lambda.DeleteEventSourceMapping": (
        "lambda",
        "delete_event_source_mapping",
        False,
        lambda w: {"UUID": w.uuid},
    ),
    "lambda.GetEventSourceMapping": (
        "lambda",
        "get_event_source_mapping",
        True,
        lambda w: {"UUID": w.uuid},
    ),
    "lambda.ListEventSourceMappings": (
        "lambda",
        "list_event_source_mappings",
        True,
        lambda w: {
            "FunctionName": "f",
            "EventSourceArn": w.arn,
            "MaxItems": 5,
        },
    ),
    "lambda.PutFunctionConcurrency": (
        "lambda",
        "put_function_concurrency",
        False,
        lambda w: {
            "FunctionName": "f",
            "ReservedConcurrentExecutions": 5,
        },
    ),
    "lambda.GetFunctionConcurrency": (
        "lambda",
        "get_function_concurrency",
        True,
        lambda w: {"FunctionName": "f"},
    ),
    "lambda.DeleteFunctionConcurrency": (
        "lambda",
        "delete_function_concurrency",
        False,
        lambda w: {"FunctionName": "f"},
    ),
    "lambda.GetFunction": ("lambda", "get_function", True, lambda w: {"FunctionName": "f"}),
    "table.put_item": (
        "table",
        "put_item",
        False,
        lambda w: {
            "Item": {
                "pk": "new",
                "n": Decimal("1.5"),
                "s": {"a"},
                "ns": {1, 2},
                "b": Binary(b"x"),
                "m": {"l": [1, "x", None, True, {"deep": b"y"}]},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValues": "NONE",
        },
    ),
    "table.get_item": (
        "table",
        "get_item",
        True,
        lambda w: {
            "Key": {"pk": "a"},
            "ProjectionExpression": "#n, m",
            "ExpressionAttributeNames": {"#n": "n"},
        },
    ),
    "table.update_item": (
        "table",
        "update_item",
        False,
        lambda w: {
            "Key": {"pk": "a"},
            "UpdateExpression": "SET #n = #n + :one, m.z = :l ADD tags :t",
            "ConditionExpression": "#n < :big",
            "ExpressionAttributeNames": {"#n": "n"},
            "ExpressionAttributeValues": {
                ":one": 1,
                ":l": [Decimal("2"), "x"],
                ":t": {"u"},
                ":big": 99,
            },
            "ReturnValues": "ALL_NEW",
        },
    ),
    "table.delete_item": (
        "table",
        "delete_item",
        False,
        lambda w: {
            "Key": {"pk": "b"},
            "ConditionExpression": "contains(tags, :t)",
            "ExpressionAttributeValues": {":t": "t"},
        },
    ),
    "table.query": (
        "table-events",
        "query",
        True,
        lambda w: {
            "KeyConditionExpression": "pk = :p AND sk >= :s",
            "ExpressionAttributeValues": {":p": "u", ":s": 1},
            "Limit": 2,
            "ExclusiveStartKey": {"pk": "u", "sk": 0},
        },
    ),
    "table.scan": (
        "table",
        "scan",
        True,
        lambda w: {
            "FilterExpression": "attribute_type(m, :t)",
            "ExpressionAttributeValues": {":t": "M"},
            "ProjectionExpression": "pk, m.a[0]",
            "Limit": 2,
        },
    ),
}

#: what boto3's TypeSerializer raises client-side for the resource Table, and streamsim too
BOTO3_SERIALIZER_TYPE_ERRORS = (
    "Unsupported type",
    "Float types are not supported",
    "Infinity and NaN not supported",
)

_worlds: dict[str, World] = {}
_fresh_dump: list[str] = []
calls_made = [0]


def _world(operation: str) -> World:
    world = _worlds.get(operation)
    if world is None:
        world = _worlds[operation] = World()
    if not _fresh_dump:
        _fresh_dump.append(world.dump())
    return world


def _target(world: World, face: str, method: str) -> Callable[..., Any]:
    if face == "table":
        return getattr(world.orders, method)
    if face == "table-events":
        return getattr(world.events, method)
    return getattr(world.sim.client(face), method)


# --- mutations -----------------------------------------------------------------------------------


def _slots(value: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) in ``value``, iteratively (containers: dicts and lists)."""
    stack = [value]
    while stack:
        container = stack.pop()
        keys = list(container) if isinstance(container, dict) else range(len(container))
        for key in keys:
            out.append((container, key))
            member = container[key]
            if isinstance(member, (dict, list)) and member is not BIG:
                stack.append(member)
    return out


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` (deep-copied) with one to three mutations."""
    request = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(request, [])
        kind = draw(st.sampled_from(["drop", "replace", "add", "garble", "placeholder"]))
        if kind == "add" or not slots:
            containers = [request] + [c[k] for c, k in slots if isinstance(c[k], dict)]
            container = draw(st.sampled_from(containers))
            names = _text | st.sampled_from(["Item", "Key", "Extra"])
            if container is not request:  # a call's keywords are strings (Python's rule)
                names |= st.integers()
            container[draw(names)] = draw(junk)
            continue
        container, key = draw(st.sampled_from(slots))
        if key not in (container if isinstance(container, dict) else range(len(container))):
            continue  # an earlier mutation removed it
        if kind == "drop":
            del container[key]
        elif kind == "replace":
            container[key] = draw(junk)
        elif kind == "garble" and isinstance(container[key], str) and container[key] is not BIG:
            text = container[key]
            at = draw(st.integers(0, len(text)))
            cut = draw(st.integers(0, min(3, len(text) - at)))
            container[key] = text[:at] + draw(_garble_pieces) + text[at + cut :]
        elif kind == "placeholder" and isinstance(container, dict) and isinstance(key, str):
            # a top-level key stays a str (keywords); a nested one may become anything
            # rename a placeholder (or any member): "#n" -> "#m", ":v" -> ":w", "pk" -> "pk2"
            container[draw(st.sampled_from([key[:-1] + "x", key + "2", key.upper(), "#", ":"]))] = (
                container.pop(key)
            )
        else:
            container[key] = draw(junk)
    return request


# --- the property --------------------------------------------------------------------------------


def _allowed(face: str, exc: BaseException) -> bool:
    if isinstance(exc, StreamsimError):
        return True
    if face.startswith("table"):
        if isinstance(exc, decimal.DecimalException):
            return True
        if type(exc) is TypeError:
            return str(exc).startswith(BOTO3_SERIALIZER_TYPE_ERRORS)
    return False


def _short(value: Any) -> str:
    text = shown(value).encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) < 2_000 else text[:2_000] + "..."


def _message(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception as failure:  # the error's own text fails: say so
        return f"<str() of the error failed: {type(failure).__name__}>"


PER_OPERATION = max(1, math.ceil(CALLS / len(OPERATIONS)))


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_mutated_request_succeeds_or_is_rejected_without_change(operation: str) -> None:
    """A mutated request succeeds or raises an AWS-coded error, and a rejection changes nothing."""
    face, method, read_only, make = OPERATIONS[operation]
    template = World()
    base = make(template)
    _worlds[operation] = template
    _fresh_dump[:] = [template.dump()]
    fresh = World().dump()
    assert fresh == _fresh_dump[0], "the world must be deterministic"

    @settings(
        max_examples=PER_OPERATION,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        world = _world(operation)
        request = data.draw(mutated(_rebase(base, template, world)), label="request")
        note(f"{operation}({_short(request)})")
        call = _target(world, face, method)
        calls_made[0] += 1
        try:
            call(**request)
        except Exception as exc:
            if not _allowed(face, exc):
                raise AssertionError(
                    f"{operation} raised {type(exc).__name__}: {_short(_message(exc))}"
                ) from exc
            assert world.dump() == _fresh_dump[0], f"{operation} was rejected but changed state"
            return
        if not read_only:
            _worlds.pop(operation, None)  # the next call starts from a fresh world

    check()


def _rebase(base: dict[str, Any], template: World, world: World) -> dict[str, Any]:
    """``base`` built for ``template``; the worlds are equal by construction (same seed)."""
    assert world.uuid == template.uuid
    assert world.iterator == template.iterator
    return base


def test_enough_calls_were_made() -> None:
    """The suite made at least the calls it was sized for (when it ran in full)."""
    if calls_made[0] == 0:
        pytest.skip("the fuzz tests did not run in this session")
    assert calls_made[0] >= min(CALLS, PER_OPERATION * len(OPERATIONS)) * 0.9
