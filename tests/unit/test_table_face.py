"""Unit tests of the boto3-resource-shaped ``Table``: one test per rule it must keep."""

from __future__ import annotations

import doctest
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr, ConditionExpressionBuilder, Key

import streamsim._faces._conditions as conditions_module
import streamsim._faces._table_face as table_module
from streamsim import Simulation, Table
from streamsim._errors import (
    ConditionalCheckFailedException,
    ResourceNotFoundException,
    ValidationException,
)
from streamsim._faces._conditions import build_conditions
from streamsim._items import Binary


@pytest.fixture
def sim() -> Simulation:
    return Simulation(seed=11)


@pytest.fixture
def table(sim: Simulation) -> Table:
    return sim.create_table("orders", hash_key="pk")


@pytest.fixture
def events(sim: Simulation) -> Table:
    """pk "a" with sk 0..9 (``even`` flags), pk "b" with sk 0..2."""
    events = sim.create_table("events", hash_key="pk", range_key="sk", range_key_type="N")
    for i in range(10):
        events.put_item(Item={"pk": "a", "sk": i, "even": i % 2 == 0})
    for i in range(3):
        events.put_item(Item={"pk": "b", "sk": i})
    return events


def test_module_doctests_pass() -> None:
    """The examples in the Table face and condition-builder docstrings run as written."""
    for module in (table_module, conditions_module):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


# --- values ------------------------------------------------------------------------------------


def test_items_round_trip_as_boto3_resource_values(table: Table) -> None:
    """Numbers come back as Decimal, binary as Binary, sets as sets, nesting preserved."""
    table.put_item(
        Item={
            "pk": "a",
            "n": 3,
            "d": Decimal("1.50"),
            "b": b"\x00\x01",
            "tags": {"x", "y"},
            "nums": {1, 2},
            "doc": {"list": [1, "two", None, True], "empty": {}},
        }
    )
    item = table.get_item(Key={"pk": "a"})["Item"]
    assert item == {
        "pk": "a",
        "n": Decimal(3),
        "d": Decimal("1.5"),
        "b": Binary(b"\x00\x01"),
        "tags": {"x", "y"},
        "nums": {Decimal(1), Decimal(2)},
        "doc": {"list": [Decimal(1), "two", None, True], "empty": {}},
    }
    assert isinstance(item["b"], Binary)


def test_float_is_rejected_like_boto3(table: Table) -> None:
    """A float fails with TypeError, as boto3's TypeSerializer raises, and nothing is written."""
    with pytest.raises(TypeError, match="Float types are not supported"):
        table.put_item(Item={"pk": "a", "x": 1.5})
    assert table.item_count == 0


def test_get_missing_item_has_no_item_member(table: Table) -> None:
    """get_item of a missing key returns no Item (only ResponseMetadata), as boto3 does."""
    assert set(table.get_item(Key={"pk": "nope"})) == {"ResponseMetadata"}


def test_put_item_returns_response_metadata(table: Table) -> None:
    """put_item returns boto3's response: ResponseMetadata, no Attributes by default."""
    response = table.put_item(Item={"pk": "a"})
    assert set(response) == {"ResponseMetadata"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_methods_take_keyword_arguments_only(table: Table) -> None:
    """Positional arguments are refused, as boto3's resource methods refuse them."""
    with pytest.raises(TypeError):
        table.put_item({"pk": "a"})  # type: ignore[misc]
    with pytest.raises(TypeError):
        table.get_item({"pk": "a"})  # type: ignore[call-arg]


def test_unknown_parameter_is_rejected(table: Table) -> None:
    """An unknown keyword fails botocore-style, naming it."""
    with pytest.raises(ValidationException, match='Unknown parameter in input: "Itme"'):
        table.put_item(Itme={"pk": "a"})


def test_table_name_may_not_be_passed(table: Table) -> None:
    """The Table supplies TableName itself; passing it too is a TypeError."""
    with pytest.raises(TypeError, match="TableName"):
        table.get_item(TableName="orders", Key={"pk": "a"})


def test_returned_items_are_fresh(table: Table) -> None:
    """Mutating a returned item, or the item that was put, changes nothing stored."""
    item = {"pk": "a", "l": [1]}
    table.put_item(Item=item)
    item["l"].append(2)
    got = table.get_item(Key={"pk": "a"})["Item"]
    got["l"].append(3)
    assert table.get_item(Key={"pk": "a"})["Item"]["l"] == [Decimal(1)]


# --- conditions and expressions ----------------------------------------------------------------


def test_condition_expression_string(table: Table) -> None:
    """A ConditionExpression string guards the write; a failure is ConditionalCheckFailed."""
    table.put_item(Item={"pk": "a"}, ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ConditionalCheckFailedException) as info:
        table.put_item(Item={"pk": "a"}, ConditionExpression="attribute_not_exists(pk)")
    assert info.value.operation_name == "PutItem"


def test_boto3_condition_objects_are_accepted(table: Table) -> None:
    """boto3's Attr conditions work in ConditionExpression, by duck typing."""
    table.put_item(Item={"pk": "a", "v": 1})
    table.put_item(Item={"pk": "a", "v": 2}, ConditionExpression=Attr("v").eq(1))
    with pytest.raises(ConditionalCheckFailedException):
        table.put_item(Item={"pk": "a", "v": 3}, ConditionExpression=Attr("v").lt(2))
    assert table.get_item(Key={"pk": "a"})["Item"]["v"] == 2


def test_condition_objects_build_the_expression_boto3_sends() -> None:
    """The placeholders and text match boto3's ConditionExpressionBuilder exactly."""
    condition = (Attr("a.b[1]").between(1, 5) | ~Attr("c").is_in(["x", "y"])) & Attr("d").size().gt(
        2
    )
    params: dict[str, Any] = {"ConditionExpression": condition}
    build_conditions(params)
    built = ConditionExpressionBuilder().build_expression(condition)
    assert params["ConditionExpression"] == built.condition_expression
    assert params["ExpressionAttributeNames"] == built.attribute_name_placeholders
    assert params["ExpressionAttributeValues"] == built.attribute_value_placeholders


def test_key_conditions_and_filters_share_placeholder_numbering(events: Table) -> None:
    """Query with Key and Attr objects numbers placeholders across both, filter first."""
    params: dict[str, Any] = {
        "KeyConditionExpression": Key("pk").eq("a") & Key("sk").gte(7),
        "FilterExpression": Attr("even").eq(True),
    }
    build_conditions(params)
    assert params["FilterExpression"] == "#n0 = :v0"
    assert params["KeyConditionExpression"] == "(#n1 = :v1 AND #n2 >= :v2)"
    response = events.query(
        KeyConditionExpression=Key("pk").eq("a") & Key("sk").gte(7),
        FilterExpression=Attr("even").eq(True),
    )
    assert [item["sk"] for item in response["Items"]] == [Decimal(8)]


def test_key_condition_with_attr_is_rejected(events: Table) -> None:
    """A key condition built from Attr is a ValidationException with boto3's message."""
    from boto3.exceptions import DynamoDBNeedsKeyConditionError

    condition = Key("pk").eq("a") & Attr("sk").eq(1)
    with pytest.raises(DynamoDBNeedsKeyConditionError) as boto3_error:
        ConditionExpressionBuilder().build_expression(condition, is_key_condition=True)
    with pytest.raises(ValidationException) as ours:
        events.query(KeyConditionExpression=condition)
    assert ours.value.message.startswith(str(boto3_error.value))
    assert ours.value.operation_name == "Query"


def test_user_placeholders_merge_with_generated_ones(table: Table) -> None:
    """Names and values given by the caller are kept beside the generated #n0 / :v0."""
    table.put_item(Item={"pk": "a", "v": 1})
    table.update_item(
        Key={"pk": "a"},
        UpdateExpression="SET #w = :w",
        ConditionExpression=Attr("v").eq(1),
        ExpressionAttributeNames={"#w": "w"},
        ExpressionAttributeValues={":w": "x"},
    )
    assert table.get_item(Key={"pk": "a"})["Item"]["w"] == "x"


def test_update_item_returns_python_attributes(table: Table) -> None:
    """update_item's Attributes come back as Python values."""
    response = table.update_item(
        Key={"pk": "a"},
        UpdateExpression="SET tags = :t ADD hits :one",
        ExpressionAttributeValues={":t": {"red"}, ":one": 1},
        ReturnValues="ALL_NEW",
    )
    assert response["Attributes"] == {"pk": "a", "tags": {"red"}, "hits": Decimal(1)}


def test_conditional_failure_item_stays_dynamodb_json(table: Table) -> None:
    """The Item on a failed condition is DynamoDB JSON, as boto3's resource leaves errors."""
    table.put_item(Item={"pk": "a", "v": 1})
    with pytest.raises(ConditionalCheckFailedException) as info:
        table.delete_item(
            Key={"pk": "a"},
            ConditionExpression="v = :two",
            ExpressionAttributeValues={":two": 2},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert info.value.response["Item"] == {"pk": {"S": "a"}, "v": {"N": "1"}}


def test_delete_item_return_values(table: Table) -> None:
    """delete_item with ReturnValues=ALL_OLD returns the deleted item in Python values."""
    table.put_item(Item={"pk": "a", "v": 1})
    assert table.delete_item(Key={"pk": "a"}, ReturnValues="ALL_OLD")["Attributes"] == {
        "pk": "a",
        "v": Decimal(1),
    }


# --- query and scan ----------------------------------------------------------------------------


def test_query_pages_with_python_keys(events: Table) -> None:
    """LastEvaluatedKey is in Python values and feeds ExclusiveStartKey back."""
    seen: list[Decimal] = []
    params: dict[str, Any] = {"KeyConditionExpression": Key("pk").eq("a"), "Limit": 4}
    while True:
        page = events.query(**params)
        seen += [item["sk"] for item in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        assert isinstance(page["LastEvaluatedKey"]["sk"], Decimal)
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert seen == [Decimal(i) for i in range(10)]


def test_scan_with_filter_string(events: Table) -> None:
    """scan with a FilterExpression string and values returns matching Python items."""
    response = events.scan(FilterExpression="pk = :b", ExpressionAttributeValues={":b": "b"})
    assert sorted(item["sk"] for item in response["Items"]) == [0, 1, 2]
    assert response["ScannedCount"] == 13


# --- batch writer ------------------------------------------------------------------------------


class CallCounter:
    def __init__(self, table: Table) -> None:
        self.calls: list[int] = []
        ops = table._ops
        original = ops.call

        def call(operation: str, params: Any, engine: Any = None) -> Any:
            if operation == "BatchWriteItem":
                self.calls.append(sum(len(r) for r in params["RequestItems"].values()))
            return original(operation, params, engine)

        ops.call = call  # type: ignore[method-assign]


def test_batch_writer_flushes_every_25_and_on_exit(table: Table) -> None:
    """batch_writer sends BatchWriteItem calls of 25 and the remainder when the block ends."""
    counter = CallCounter(table)
    with table.batch_writer() as batch:
        for i in range(60):
            batch.put_item(Item={"pk": str(i)})
        assert counter.calls == [25, 25]
    assert counter.calls == [25, 25, 10]
    assert table.item_count == 60


def test_batch_writer_deletes(table: Table) -> None:
    """batch_writer's delete_item removes items."""
    table.put_item(Item={"pk": "a"})
    with table.batch_writer() as batch:
        batch.delete_item(Key={"pk": "a"})
    assert table.item_count == 0


def test_batch_writer_overwrite_by_pkeys_keeps_the_last_request(table: Table) -> None:
    """With overwrite_by_pkeys a later request for the same key replaces the buffered one."""
    with table.batch_writer(overwrite_by_pkeys=["pk"]) as batch:
        batch.put_item(Item={"pk": "a", "v": 1})
        batch.put_item(Item={"pk": "a", "v": 2})
    assert table.get_item(Key={"pk": "a"})["Item"]["v"] == 2


def test_batch_writer_duplicates_fail_without_overwrite(table: Table) -> None:
    """Without overwrite_by_pkeys two requests for one key fail, as BatchWriteItem rejects them."""
    batch = table.batch_writer()
    batch.put_item(Item={"pk": "a", "v": 1})
    batch.put_item(Item={"pk": "a", "v": 2})
    with pytest.raises(ValidationException, match="contains duplicates"):
        batch.__exit__(None, None, None)
    assert table.item_count == 0


# --- the table, streams, partitions, TTL -------------------------------------------------------


def test_table_attributes_follow_describe_table(sim: Simulation, events: Table) -> None:
    """name, key_schema, attribute_definitions, table_status, item_count match DescribeTable."""
    described = sim.client("dynamodb").describe_table(TableName="events")["Table"]
    assert events.name == events.table_name == "events"
    assert events.key_schema == described["KeySchema"]
    assert events.attribute_definitions == described["AttributeDefinitions"]
    assert events.table_status == described["TableStatus"] == "ACTIVE"
    assert events.item_count == described["ItemCount"] == 13
    assert events.table_arn == described["TableArn"]
    assert events.table_id == described["TableId"]


def test_meta_client_is_a_resource_client_of_python_values(sim: Simulation, table: Table) -> None:
    """table.meta.client behaves like boto3's resource client: Python values and Key()/Attr()
    conditions in, Python values out, the same exceptions; it shares the simulation's state."""
    client = table.meta.client
    assert client is not sim.client("dynamodb")
    assert client.exceptions.ConditionalCheckFailedException is ConditionalCheckFailedException
    client.put_item(TableName="orders", Item={"pk": "b", "n": Decimal(3), "tags": {"x"}})
    got = client.get_item(TableName="orders", Key={"pk": "b"})["Item"]
    assert got == {"pk": "b", "n": Decimal(3), "tags": {"x"}}
    assert sim.client("dynamodb").get_item(TableName="orders", Key={"pk": {"S": "b"}})["Item"][
        "n"
    ] == {"N": "3"}
    scanned = client.scan(TableName="orders", FilterExpression=Attr("n").gt(2))
    assert [item["pk"] for item in scanned["Items"]] == ["b"]
    queried = client.query(TableName="orders", KeyConditionExpression=Key("pk").eq("b"))
    assert queried["Count"] == 1
    pages = client.get_paginator("scan").paginate(TableName="orders")
    assert [item["pk"] for page in pages for item in page["Items"]] == ["b"]
    with pytest.raises(ConditionalCheckFailedException):
        client.put_item(
            TableName="orders", Item={"pk": "b"}, ConditionExpression=Attr("pk").not_exists()
        )
    with pytest.raises(ValidationException, match="only supports Attribute objects of type Key"):
        client.query(TableName="orders", KeyConditionExpression=Attr("pk").eq("b"))
    table.put_item(Item={"pk": "a"})
    with pytest.raises(table.meta.client.exceptions.ConditionalCheckFailedException):
        table.put_item(Item={"pk": "a"}, ConditionExpression="attribute_not_exists(pk)")
    assert table.meta.data["TableName"] == "orders"


def test_meta_client_waiters_expose_botocores_config(table: Table) -> None:
    """table.meta.client's waiters show botocore's delay and attempts as ``.config`` and wait in
    virtual time; TransactGetItems and BatchGetItem answer Python values."""
    import botocore.session

    client = table.meta.client
    model = botocore.session.get_session().get_waiter_model("dynamodb")
    for name in ("table_exists", "table_not_exists"):
        config = client.get_waiter(name).config
        theirs = model.get_waiter(config.name)
        assert (config.delay, config.max_attempts) == (theirs.delay, theirs.max_attempts)
    client.get_waiter("table_exists").wait(TableName="orders")
    table.put_item(Item={"pk": "s", "nums": {Decimal(1), Decimal(2)}})
    got = client.transact_get_items(
        TransactItems=[{"Get": {"TableName": "orders", "Key": {"pk": "s"}}}]
    )
    assert got["Responses"] == [{"Item": {"pk": "s", "nums": {Decimal(1), Decimal(2)}}}]
    batch = client.batch_get_item(RequestItems={"orders": {"Keys": [{"pk": "s"}]}})
    assert batch["Responses"]["orders"][0]["nums"] == {Decimal(1), Decimal(2)}


def test_stream_conveniences(sim: Simulation, table: Table) -> None:
    """enable_stream / disable_stream give new streams; latest_stream_arn follows the newest."""
    assert table.stream is None
    assert table.latest_stream_arn is None
    first = table.enable_stream("KEYS_ONLY")
    assert table.stream == first  # a new read-only view of the same stream
    assert table.latest_stream_arn == first.arn
    assert table.stream_specification == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    with pytest.raises(ValidationException, match="already"):
        table.enable_stream("NEW_IMAGE")
    table.disable_stream()
    assert table.stream is None
    assert table.stream_specification is None
    with pytest.raises(ValidationException):
        table.disable_stream()
    sim.advance(seconds=1)
    second = table.enable_stream("NEW_IMAGE")
    assert second.arn != first.arn
    assert table.streams == [first, second]
    assert table.latest_stream_label == second.label


def test_stream_records_follow_writes(sim: Simulation) -> None:
    """Writes through the Table face land in its stream's shard as INSERT/MODIFY/REMOVE."""
    table = sim.create_table("orders", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES")
    table.put_item(Item={"pk": "a", "v": 1})
    table.update_item(
        Key={"pk": "a"}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": 2}
    )
    table.delete_item(Key={"pk": "a"})
    assert table.stream is not None
    records = [r for shard in table.stream.shards for r in shard.records]
    assert [r.event_name for r in records] == ["INSERT", "MODIFY", "REMOVE"]


def test_split_partition_adds_a_partition(table: Table) -> None:
    """split_partition(0) turns one live partition into two."""
    assert len(table.partitions) == 1
    table.split_partition(0)
    assert len(table.partitions) == 2


def test_enable_time_to_live(sim: Simulation, table: Table) -> None:
    """enable_time_to_live enables TTL on an attribute; the client's DescribeTimeToLive shows it."""
    table.enable_time_to_live("expires")
    assert table.ttl_attribute == "expires"
    description = sim.client("dynamodb").describe_time_to_live(TableName="orders")
    assert description["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"


def test_disable_time_to_live(sim: Simulation, table: Table) -> None:
    """disable_time_to_live turns TTL off on its current attribute, as the client's call does."""
    table.enable_time_to_live("expires")
    sim.advance(hours=1)
    table.disable_time_to_live()
    assert table.ttl_attribute is None
    description = sim.client("dynamodb").describe_time_to_live(TableName="orders")
    assert description["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED"


def test_table_has_no_aws_named_update_time_to_live(table: Table) -> None:
    """The resource Table has no update_time_to_live in boto3, so the face does not borrow it."""
    assert not hasattr(table, "update_time_to_live")


@pytest.mark.parametrize("attribute", [5, None, "", "x" * 256])
def test_enable_time_to_live_rejects_a_bad_attribute(table: Table, attribute: Any) -> None:
    """A non-str, empty or over-255-byte TTL attribute is ValidationException, not TypeError."""
    with pytest.raises(ValidationException, match="attributeName") as raised:
        table.enable_time_to_live(attribute)
    assert raised.value.operation_name == "UpdateTimeToLive"
    assert table.ttl_attribute is None


def test_disable_time_to_live_when_disabled_is_rejected(table: Table) -> None:
    """disable_time_to_live on a table without TTL raises ValidationException."""
    with pytest.raises(ValidationException, match="already disabled"):
        table.disable_time_to_live()


def test_deleted_table_refuses_calls(sim: Simulation, table: Table) -> None:
    """After delete(), every call on the Table is ResourceNotFoundException."""
    response = table.delete()
    assert response["TableDescription"]["TableStatus"] == "DELETING"
    with pytest.raises(ResourceNotFoundException) as info:
        table.put_item(Item={"pk": "a"})
    assert info.value.operation_name == "PutItem"
    with pytest.raises(ResourceNotFoundException):
        table.get_item(Key={"pk": "a"})


def test_repr_is_readable(events: Table) -> None:
    """repr shows the name, keys, status, item count, partitions and stream."""
    assert repr(events) == (
        "<Table 'events' (pk HASH, sk RANGE) ACTIVE items=13 partitions=1 stream=None>"
    )


def test_same_seed_gives_same_request_ids() -> None:
    """Table face RequestIds come from the seeded source: the same seed repeats them."""

    def ids() -> list[str]:
        table = Simulation(seed=5).create_table("orders", hash_key="pk")
        return [
            table.put_item(Item={"pk": str(i)})["ResponseMetadata"]["RequestId"] for i in range(3)
        ]

    assert ids() == ids()


def _deep(depth: int) -> Any:
    """A Python value ``depth`` levels deep (a string inside ``depth - 1`` dicts)."""
    value: Any = "x"
    for _ in range(depth - 1):
        value = {"k": value}
    return value


def test_update_that_builds_a_too_deep_item_is_rejected_like_put(table: Table) -> None:
    """Table.update_item building a 33-level value fails as put_item of that item does."""
    table.put_item(Item={"pk": "a", "a": {}})
    with pytest.raises(ValidationException) as put_error:
        table.put_item(Item={"pk": "a", "a": {"b": _deep(32)}})
    with pytest.raises(ValidationException) as info:
        table.update_item(
            Key={"pk": "a"},
            UpdateExpression="SET a.b = :v",
            ExpressionAttributeValues={":v": _deep(32)},
        )
    assert info.value.message == put_error.value.message
    assert table.get_item(Key={"pk": "a"})["Item"] == {"pk": "a", "a": {}}
