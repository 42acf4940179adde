"""Every input is checked at the edge, before anything changes (issue 12, input items).

Lone surrogates anywhere a string enters, the types of placeholder maps, AT_TIMESTAMP values,
nested request structures, paginator and waiter options, and ``Table.split_partition``.  Each
rejected call raises an AWS-coded error naming what was wrong, and leaves every table and
stream as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streamsim import Simulation, StreamSettings
from streamsim._errors import (
    InvalidParameterValueException,
    StreamsimError,
    TransactionCanceledException,
    ValidationException,
)
from streamsim._faces._params import ParamValidationError, check_text
from streamsim._items import python_to_item, text_problem, wire_to_item
from tests.state_dump import dump_state

SURROGATE = "\ud800"


def world() -> tuple[Simulation, Any]:
    """A simulation with one streamed table holding one item, and a function to map."""
    sim = Simulation(seed=12, stream_settings=StreamSettings(max_readers_per_shard=None))
    table = sim.create_table("orders", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES")
    table.put_item(Item={"pk": "a", "n": 1})
    sim.create_function("f", lambda event, context: None)
    return sim, table


def state(sim: Simulation) -> str:
    """Everything the public API shows: tables, items, TTL, streams, records, mappings."""
    return dump_state(sim)


def rejected(sim: Simulation, call: Callable[[], Any], error: type[Exception], text: str) -> str:
    """Run ``call``: it must raise ``error`` whose message holds ``text`` and change nothing."""
    before = state(sim)
    with pytest.raises(error) as info:
        call()
    said = " ".join([str(info.value), *getattr(info.value, "__notes__", [])])  # PEP 678 notes
    assert text in said, said.encode("utf-8", "backslashreplace")
    assert state(sim) == before
    return said


# --- 1. lone surrogates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "make"),
    [
        ("table key", lambda sim, t: t.put_item(Item={"pk": SURROGATE})),
        ("table value", lambda sim, t: t.put_item(Item={"pk": "b", "v": "x" + SURROGATE})),
        ("table map key", lambda sim, t: t.put_item(Item={"pk": "b", "m": {SURROGATE: 1}})),
        ("table set", lambda sim, t: t.put_item(Item={"pk": "b", "s": {"ok", SURROGATE}})),
        ("table name", lambda sim, t: t.put_item(Item={"pk": "b", SURROGATE: 1})),
        (
            "client key",
            lambda sim, t: sim.client("dynamodb").put_item(
                TableName="orders", Item={"pk": {"S": SURROGATE}}
            ),
        ),
        (
            "client blob text",
            lambda sim, t: sim.client("dynamodb").put_item(
                TableName="orders", Item={"pk": {"S": "b"}, "b": {"B": SURROGATE}}
            ),
        ),
        (
            "client list",
            lambda sim, t: sim.client("dynamodb").put_item(
                TableName="orders", Item={"pk": {"S": "b"}, "l": {"L": [{"SS": [SURROGATE]}]}}
            ),
        ),
        (
            "names value",
            lambda sim, t: t.update_item(
                Key={"pk": "a"},
                UpdateExpression="SET #a = :v",
                ExpressionAttributeNames={"#a": SURROGATE},
                ExpressionAttributeValues={":v": 1},
            ),
        ),
        (
            "values value (Table)",
            lambda sim, t: t.update_item(
                Key={"pk": "a"},
                UpdateExpression="SET v = :v",
                ExpressionAttributeValues={":v": [SURROGATE]},
            ),
        ),
        (
            "values value (client)",
            lambda sim, t: sim.client("dynamodb").update_item(
                TableName="orders",
                Key={"pk": {"S": "a"}},
                UpdateExpression="SET v = :v",
                ExpressionAttributeValues={":v": {"S": SURROGATE}},
            ),
        ),
        (
            "condition expression",
            lambda sim, t: t.put_item(Item={"pk": "b"}, ConditionExpression="a" + SURROGATE),
        ),
        (
            "CreateTable key name",
            lambda sim, t: sim.client("dynamodb").create_table(
                TableName="other",
                AttributeDefinitions=[{"AttributeName": SURROGATE, "AttributeType": "S"}],
                KeySchema=[{"AttributeName": SURROGATE, "KeyType": "HASH"}],
                BillingMode="PAY_PER_REQUEST",
            ),
        ),
        (
            "TTL attribute",
            lambda sim, t: sim.client("dynamodb").update_time_to_live(
                TableName="orders",
                TimeToLiveSpecification={"Enabled": True, "AttributeName": SURROGATE},
            ),
        ),
        ("Table TTL attribute", lambda sim, t: t.enable_time_to_live(SURROGATE)),
        ("Scan start key (Table)", lambda sim, t: t.scan(ExclusiveStartKey={"pk": SURROGATE})),
        (
            "Scan start key (client)",
            lambda sim, t: sim.client("dynamodb").scan(
                TableName="orders", ExclusiveStartKey={"pk": {"S": SURROGATE}}
            ),
        ),
        (
            "transaction second action",
            lambda sim, t: sim.client("dynamodb").transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "orders", "Item": {"pk": {"S": "t1"}}}},
                    {"Put": {"TableName": "orders", "Item": {"pk": {"S": SURROGATE}}}},
                ]
            ),
        ),
        (
            "batch write",
            lambda sim, t: sim.client("dynamodb").batch_write_item(
                RequestItems={
                    "orders": [
                        {"PutRequest": {"Item": {"pk": {"S": "b1"}}}},
                        {"PutRequest": {"Item": {"pk": {"S": "b2"}, "v": {"S": SURROGATE}}}},
                    ]
                }
            ),
        ),
        (
            "stream ARN",
            lambda sim, t: sim.client("dynamodbstreams").describe_stream(
                StreamArn=t.latest_stream_arn + SURROGATE
            ),
        ),
        (
            "function name",
            lambda sim, t: sim.client("lambda").create_event_source_mapping(
                FunctionName="f" + SURROGATE,
                EventSourceArn=t.latest_stream_arn,
                StartingPosition="LATEST",
            ),
        ),
        (
            "filter pattern",
            lambda sim, t: sim.client("lambda").create_event_source_mapping(
                FunctionName="f",
                EventSourceArn=t.latest_stream_arn,
                StartingPosition="LATEST",
                FilterCriteria={"Filters": [{"Pattern": '{"a": ["' + SURROGATE + '"]}'}]},
            ),
        ),
    ],
)
def test_lone_surrogate_is_rejected_before_anything_changes(what: str, make: Any) -> None:
    """A lone surrogate in any string of a request is a ValidationException; nothing changes."""
    sim, table = world()
    rejected(sim, lambda: make(sim, table), ValidationException, "not valid UTF-8")
    assert table.scan()["Count"] == 1  # the table still scans
    sim.advance(seconds=1)


def test_lone_surrogate_never_reaches_a_stream_record() -> None:
    """After rejected surrogate writes the stream holds exactly the valid writes' records."""
    sim, table = world()
    with pytest.raises(ValidationException):
        table.put_item(Item={"pk": SURROGATE})
    table.put_item(Item={"pk": "c"})
    streams = sim.client("dynamodbstreams")
    arn = table.latest_stream_arn
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["Keys"] for r in records] == [{"pk": {"S": "a"}}, {"pk": {"S": "c"}}]


@settings(max_examples=60)
@given(st.text(alphabet=st.characters(), max_size=8))
def test_text_is_accepted_exactly_when_it_is_utf8(text: str) -> None:
    """Any string goes through both converters exactly when it encodes as UTF-8."""
    try:
        text.encode("utf-8")
        valid = True
    except UnicodeEncodeError:
        valid = False
    assert (text_problem(text) is None) == valid
    for convert in (
        lambda: python_to_item({"pk": "k", "v": text, text or "n": {text: [text]}}),
        lambda: wire_to_item({"pk": {"S": "k"}, "v": {"SS": [text]}}),
    ):
        if valid:
            convert()
        else:
            with pytest.raises(ValidationException, match="not valid UTF-8"):
                convert()


def test_surrogate_check_names_the_parameter() -> None:
    """The message says which parameter held the string, even deep in a structure."""
    with pytest.raises(ValidationException, match=r"in Tags\[1\]\.Value is not valid UTF-8"):
        check_text({"Tags": [{"Key": "a", "Value": "b"}, {"Key": "c", "Value": SURROGATE}]})


def test_deep_structures_are_walked_without_recursion() -> None:
    """The encodability walk is iterative: a 5,000-deep list is no RecursionError."""
    deep: Any = SURROGATE
    for _ in range(5_000):
        deep = [deep]
    with pytest.raises(ValidationException):
        check_text({"Tags": deep})


# --- 2. placeholder maps --------------------------------------------------------------------------


def _update(table: Any, names: Any = None, values: Any = None) -> Callable[[], Any]:
    params: dict[str, Any] = {"Key": {"pk": "a"}, "UpdateExpression": "SET #a = :v"}
    params["ExpressionAttributeNames"] = names if names is not None else {"#a": "x"}
    params["ExpressionAttributeValues"] = values if values is not None else {":v": 1}
    return lambda: table.update_item(**params)


@pytest.mark.parametrize(
    ("names", "values", "text"),
    [
        (
            {"#a": 5},
            None,
            "Invalid type for parameter ExpressionAttributeNames.#a, value: 5, "
            "type: <class 'int'>, valid types: <class 'str'>",
        ),
        (
            {"#a": "x", 1: "x"},
            None,
            "Invalid type for parameter ExpressionAttributeNames (key: 1), value: 1",
        ),
        (
            {"#a": ""},
            None,
            "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a",
        ),
        (
            None,
            {":v": 1, 3: 2},
            "Invalid type for parameter ExpressionAttributeValues (key: 3), value: 3",
        ),
    ],
)
def test_placeholder_maps_are_type_checked(names: Any, values: Any, text: str) -> None:
    """ExpressionAttributeNames keys and values and ExpressionAttributeValues keys are strings."""
    sim, table = world()
    rejected(sim, _update(table, names, values), ValidationException, text)
    client = sim.client("dynamodb")
    wire_values = {k: {"N": "1"} for k in values} if values is not None else {":v": {"N": "1"}}
    rejected(
        sim,
        lambda: client.update_item(
            TableName="orders",
            Key={"pk": {"S": "a"}},
            UpdateExpression="SET #a = :v",
            ExpressionAttributeNames=names if names is not None else {"#a": "x"},
            ExpressionAttributeValues=wire_values,
        ),
        ValidationException,
        text,
    )


# --- 3. AT_TIMESTAMP ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    ["NaN", "nan", "1e999999", "-1e999999", "inf", "-Infinity", float("inf"), float("nan"),
     Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), 1e300, 10**400],
)  # fmt: skip
def test_at_timestamp_must_be_a_finite_time(timestamp: Any) -> None:
    """AT_TIMESTAMP with NaN, an infinity or an absurd number is a ValidationException."""
    sim, table = world()
    streams = sim.client("dynamodbstreams")
    arn = table.latest_stream_arn
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    rejected(
        sim,
        lambda: streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="AT_TIMESTAMP", Timestamp=timestamp
        ),
        ValidationException,
        "at 'timestamp' failed to satisfy constraint",
    )


# --- 4. nested structures, names, options ------------------------------------------------------


def test_shard_filter_with_a_non_string_key_is_a_parameter_error() -> None:
    """ShardFilter's members are checked as botocore checks them: an int key is unknown."""
    sim, table = world()
    streams = sim.client("dynamodbstreams")
    rejected(
        sim,
        lambda: streams.describe_stream(StreamArn=table.latest_stream_arn, ShardFilter={1: "x"}),
        ParamValidationError,
        'Unknown parameter in ShardFilter: "1", must be one of: Type, ShardId',
    )


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ({1: {}}, 'Unknown parameter in DestinationConfig: "1", must be one of: OnSuccess'),
        (
            {"OnFailure": {"Destination": "x", "Extra": 1}},
            'Unknown parameter in DestinationConfig.OnFailure: "Extra", must be one of: '
            "Destination",
        ),
        (
            {"OnFailure": {"Destination": 5}},
            "Invalid type for parameter DestinationConfig.OnFailure.Destination, value: 5",
        ),
    ],
)
def test_destination_config_is_checked_as_botocore_does(config: Any, text: str) -> None:
    """DestinationConfig's nested members: unknown keys and wrong types are parameter errors."""
    sim, table = world()
    rejected(
        sim,
        lambda: sim.client("lambda").create_event_source_mapping(
            FunctionName="f",
            EventSourceArn=table.latest_stream_arn,
            StartingPosition="LATEST",
            DestinationConfig=config,
        ),
        ParamValidationError,
        text,
    )


@pytest.mark.parametrize("name", [{}, 1, ["pk"], None])
def test_create_table_attribute_name_must_be_a_string(name: Any) -> None:
    """A dict, int, list or null AttributeName is a parameter error, never silently a str."""
    sim, _ = world()
    rejected(
        sim,
        lambda: sim.client("dynamodb").create_table(
            TableName="other",
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": name, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        ),
        ParamValidationError,
        "Invalid type for parameter AttributeDefinitions[0].AttributeName",
    )


@pytest.mark.parametrize(
    ("operation", "params", "text"),
    [
        (
            "update_table",
            {"StreamSpecification": {"StreamEnabled": False, "Foo": 1}},
            'Unknown parameter in StreamSpecification: "Foo", must be one of: StreamEnabled, '
            "StreamViewType",
        ),
        (
            "update_table",
            {"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1, "X": 1}},
            'Unknown parameter in ProvisionedThroughput: "X"',
        ),
        (
            "update_time_to_live",
            {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "exp", "Foo": 1}},
            'Unknown parameter in TimeToLiveSpecification: "Foo", must be one of: Enabled, '
            "AttributeName",
        ),
        (
            "update_time_to_live",
            {"TimeToLiveSpecification": {"Enabled": True}},
            'Missing required parameter in TimeToLiveSpecification: "AttributeName"',
        ),
    ],
)
def test_unknown_members_of_nested_structures_are_rejected(
    operation: str, params: dict[str, Any], text: str
) -> None:
    """Unknown or missing members inside nested request structures are parameter errors."""
    sim, _ = world()
    method = getattr(sim.client("dynamodb"), operation)
    rejected(sim, lambda: method(TableName="orders", **params), ParamValidationError, text)


def test_create_table_key_schema_element_with_unknown_member_is_rejected() -> None:
    """An unknown member of a KeySchema element names its index, as botocore does."""
    sim, _ = world()
    rejected(
        sim,
        lambda: sim.client("dynamodb").create_table(
            TableName="other",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH", "Order": 1}],
            BillingMode="PAY_PER_REQUEST",
        ),
        ParamValidationError,
        'Unknown parameter in KeySchema[0]: "Order", must be one of: AttributeName, KeyType',
    )


@pytest.mark.parametrize("index", ["0", 0.0, None, True, [0]])
def test_split_partition_index_must_be_an_int(index: Any) -> None:
    """Table.split_partition with a non-int index is a ValidationException, nothing split."""
    sim, table = world()
    rejected(sim, lambda: table.split_partition(index), ValidationException, "must be an int")


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ({"MaxItems": "x"}, "PaginationConfig.MaxItems must be a whole number"),
        ({"PageSize": "x"}, "PaginationConfig.PageSize must be a whole number"),
        ({"PageSize": 0}, "PaginationConfig.PageSize must be a whole number of at least 1"),
        (5, "PaginationConfig must be a dict"),
    ],
)
def test_pagination_config_errors_are_pagination_errors(config: Any, text: str) -> None:
    """Bad PaginationConfig options raise botocore's PaginationError text, an AWS-coded error."""
    sim, _ = world()
    paginator = sim.client("dynamodb").get_paginator("scan")
    message = rejected(
        sim,
        lambda: list(paginator.paginate(TableName="orders", PaginationConfig=config)),
        ValidationException,
        text,
    )
    assert message.startswith("Error during pagination: ")


def test_pagination_config_takes_digit_strings_as_botocore_does() -> None:
    """botocore converts MaxItems and PageSize with int(): "1" is one item."""
    sim, table = world()
    table.put_item(Item={"pk": "b"})
    paginator = sim.client("dynamodb").get_paginator("scan")
    pages = list(paginator.paginate(TableName="orders", PaginationConfig={"MaxItems": "1"}))
    assert sum(len(p["Items"]) for p in pages) >= 1


@pytest.mark.parametrize(
    ("config", "text"),
    [
        ({"Delay": "x"}, "WaiterConfig.Delay"),
        ({"Delay": -1}, "WaiterConfig.Delay"),
        ({"Delay": float("nan")}, "WaiterConfig.Delay"),
        ({"MaxAttempts": "3"}, "WaiterConfig.MaxAttempts"),
        ({"MaxAttempts": -1}, "WaiterConfig.MaxAttempts"),
        ({"Tries": 3}, 'Unknown parameter in WaiterConfig: "Tries"'),
        (3, "Invalid type for parameter WaiterConfig"),
    ],
)
def test_waiter_config_errors_are_parameter_errors(config: Any, text: str) -> None:
    """Bad WaiterConfig options are parameter errors before any poll (no TypeError)."""
    sim, _ = world()
    waiter = sim.client("dynamodb").get_waiter("table_exists")
    before = sim.now
    rejected(
        sim,
        lambda: waiter.wait(TableName="orders", WaiterConfig=config),
        ParamValidationError,
        text,
    )
    assert sim.now == before


def test_waiter_request_is_checked_as_describe_table() -> None:
    """A waiter's request members are DescribeTable's: an unknown one is a parameter error."""
    sim, _ = world()
    waiter = sim.client("dynamodb").get_waiter("table_exists")
    with pytest.raises(ParamValidationError, match='Unknown parameter in input: "Name"'):
        waiter.wait(TableName="orders", Name="x")


def test_every_rejection_here_is_aws_coded() -> None:
    """The new error classes are StreamsimErrors with the ValidationException code."""
    from streamsim._faces._params import PaginationError, WaiterConfigError

    for cls in (ParamValidationError, PaginationError, WaiterConfigError):
        assert issubclass(cls, StreamsimError)
        assert cls.code == "ValidationException"


# --- expression nesting ------------------------------------------------------------------------


def _at_stack_depth(depth: int, call: Callable[[], Any]) -> Any:
    return call() if depth == 0 else _at_stack_depth(depth - 1, call)


@pytest.mark.parametrize("caller_depth", [0, 100, 400])
def test_deeply_nested_expression_is_rejected_at_any_caller_depth(caller_depth: int) -> None:
    """A 290-deep NOT chain is a ValidationException (never a RecursionError), at any depth."""
    sim, table = world()
    expression = "NOT " * 290 + "attribute_exists(pk)"
    rejected(
        sim,
        lambda: _at_stack_depth(
            caller_depth, lambda: table.put_item(Item={"pk": "b"}, ConditionExpression=expression)
        ),
        ValidationException,
        "Invalid ConditionExpression: The expression is nested too deeply; nesting: 291",
    )


def test_expression_at_the_nesting_limit_is_accepted_from_a_deep_stack() -> None:
    """An expression nested 32 levels deep (within the limit of 50) evaluates even 800 frames
    down the caller's stack."""
    _, table = world()
    expression = "NOT (" * 16 + "pk = :v" + ")" * 16
    result = _at_stack_depth(
        800,
        lambda: table.scan(FilterExpression=expression, ExpressionAttributeValues={":v": "z"}),
    )
    assert result["Count"] == 0


# --- values that cannot be printed plainly ---------------------------------------------------


def _deep_list(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("face", "params"),
    [
        ("client", {"TableName": "DEEP"}),
        ("client", {"TableName": "orders", "Key": {"pk": {"S": "DEEP"}}}),
        ("client", {"TableName": "orders", "Key": {"pk": {"S": "a"}}, "ReturnValues": "DEEP"}),
        ("table", {"Key": {"pk": "a"}, "ExpressionAttributeNames": {"#a": "DEEP"}}),
        ("table", {"Key": {"pk": "a"}, "ConditionExpression": "DEEP"}),
    ],
)
def test_a_2000_deep_value_in_a_parameter_is_a_validation_error(
    face: str, params: dict[str, Any]
) -> None:
    """A parameter nested 2,000 levels deep is rejected with a message, never RecursionError."""
    sim, table = world()

    def deepen(value: Any) -> Any:
        if value == "DEEP":
            return _deep_list(2_000)
        if isinstance(value, dict):
            return {k: deepen(v) for k, v in value.items()}
        return value

    request = deepen(params)
    call = sim.client("dynamodb").delete_item if face == "client" else table.delete_item
    message = rejected(sim, lambda: call(**request), ValidationException, "")
    assert "nested more than 64 levels deep" in message


def test_condition_parameter_of_wrong_type_is_a_parameter_error_on_the_table_face() -> None:
    """Table face: a ConditionExpression that is neither a string nor a condition is botocore's
    parameter error (boto3 passes it on), not a TypeError."""
    sim, table = world()
    rejected(
        sim,
        lambda: table.put_item(Item={"pk": "b"}, ConditionExpression=False),
        ParamValidationError,
        "Invalid type for parameter ConditionExpression, value: False, type: <class 'bool'>",
    )


# --- filter pattern nesting --------------------------------------------------------------------


def _pattern(levels: int) -> str:
    inner = '["x"]'
    for index in range(levels - 1):
        inner = f'{{"k{index}": {inner}}}'
    return inner


def test_filter_pattern_nested_300_levels_is_rejected() -> None:
    """A FilterCriteria pattern nested 300 levels deep (within the 4,096-character limit) is
    an InvalidParameterValueException."""
    sim, table = world()
    rejected(
        sim,
        lambda: sim.client("lambda").create_event_source_mapping(
            FunctionName="f",
            EventSourceArn=table.latest_stream_arn,
            StartingPosition="TRIM_HORIZON",
            FilterCriteria={"Filters": [{"Pattern": _pattern(300)}]},
        ),
        InvalidParameterValueException,
        "Pattern is nested 300 levels deep; at most 100 levels",
    )


def test_filter_pattern_at_the_nesting_limit_polls_from_a_deep_stack() -> None:
    """A pattern nested 80 levels deep is accepted, and advance() works 850 frames deep."""
    sim, table = world()
    sim.client("lambda").create_event_source_mapping(
        FunctionName="f",
        EventSourceArn=table.latest_stream_arn,
        StartingPosition="TRIM_HORIZON",
        FilterCriteria={"Filters": [{"Pattern": _pattern(80)}]},
    )
    table.put_item(Item={"pk": "b", "k78": {"k77": "y"}})
    _at_stack_depth(850, lambda: sim.advance(seconds=5))


def test_transaction_with_a_1000_deep_action_is_rejected_before_its_fingerprint() -> None:
    """A TransactItems entry nested 1,000 levels deep is a ValidationException (the idempotency
    fingerprint of the request never sees it), not a RecursionError."""
    sim, _ = world()
    entry: Any = {"S": "x"}
    for _ in range(1_000):
        entry = {"M": {"k": entry}}
    rejected(
        sim,
        lambda: sim.client("dynamodb").transact_write_items(
            TransactItems=[entry], ClientRequestToken="t"
        ),
        ValidationException,
        'Unknown parameter in TransactItems[0]: "M"',  # botocore's structure check, first
    )
    put = {"Put": {"TableName": "orders", "Item": {"pk": {"S": "a"}, "deep": entry}}}
    rejected(  # an item's content: the transaction is cancelled (rule H.4)
        sim,
        lambda: sim.client("dynamodb").transact_write_items(
            TransactItems=[put], ClientRequestToken="t"
        ),
        TransactionCanceledException,
        "[ValidationError]",
    )
