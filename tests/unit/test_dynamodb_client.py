"""Unit tests of ``sim.client("dynamodb")``: one test per AWS rule.

Every response and every error the ``client`` fixture sees is checked against botocore's
``dynamodb`` service model (``tests/shapes.py``), so each test also checks response shapes;
``test_every_operation_response_matches_botocore_output_shape`` drives every operation through
its response variants on purpose.
"""

from __future__ import annotations

import doctest
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

import streamsim._faces._dynamodb_client as client_module
import streamsim._faces._params as params_module
from streamsim._dynamodb._reads import MAX_PAGE_BYTES
from streamsim._errors import (
    ERRORS_BY_CODE,
    ConditionalCheckFailedException,
    ResourceInUseException,
    ResourceNotFoundException,
    StreamsimError,
    TransactionCanceledException,
    ValidationException,
)
from streamsim._faces._params import ParamValidationError
from streamsim._simulation import Simulation
from tests.sdk_support import FACES, client_for, skip_for_boto3
from tests.shapes import assert_matches_error_shape, output_shape_errors

SERVICE = "dynamodb"

#: Where AWS's responses themselves break the model's constraints, and streamsim follows AWS:
#: BatchWriteItem / BatchGetItem always return ``UnprocessedItems`` / ``UnprocessedKeys`` as
#: ``{}`` when everything was processed, although the (request) map shape they reuse has a
#: minimum of 1 entry.  boto3's own ``BatchWriter`` reads ``response["UnprocessedItems"]``.
AWS_OVER_MODEL = frozenset(
    {
        "UnprocessedItems: 0 entries, below the minimum 1 of BatchWriteItemRequestMap",
        "UnprocessedKeys: 0 entries, below the minimum 1 of BatchGetRequestMap",
    }
)


def assert_matches_output_shape(service: str, operation: str, response: Any) -> None:
    """tests/shapes.py's check, allowing only the documented AWS-over-model exceptions."""
    errors = [
        e for e in output_shape_errors(service, operation, response) if e not in AWS_OVER_MODEL
    ]
    assert not errors, f"{service}.{operation} does not match botocore's output shape:\n  " + (
        "\n  ".join(errors)
    )


class CheckedClient:
    """The DynamoDB client, with every response and error checked against botocore's model."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        operation = self._client.meta.method_to_api_mapping.get(name)
        if operation is None:
            return attr

        def call(**params: Any) -> Any:
            try:
                response = attr(**params)
            except StreamsimError as exc:
                assert_matches_error_shape(SERVICE, operation, exc)
                raise
            assert_matches_output_shape(SERVICE, operation, response)
            return response

        return call


@pytest.fixture
def sim() -> Simulation:
    return Simulation(seed=7)


@pytest.fixture(params=FACES)
def client(sim: Simulation, request: pytest.FixtureRequest) -> Any:
    """The client under test: ``sim.client("dynamodb")``, and a real boto3 client of
    ``sim.boto3_session()`` (tests/sdk_support.py), each checked against botocore's shapes."""
    return CheckedClient(client_for(sim, "dynamodb", request.param))


def create(
    client: Any,
    name: str = "orders",
    *,
    range_key: str | None = None,
    range_type: str = "S",
    hash_type: str = "S",
    stream: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    definitions = [{"AttributeName": "pk", "AttributeType": hash_type}]
    if range_key is not None:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
        definitions.append({"AttributeName": range_key, "AttributeType": range_type})
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": schema,
        "AttributeDefinitions": definitions,
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }
    if stream is not None:
        params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
    return client.create_table(**params)  # type: ignore[no-any-return]


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: int | str) -> dict[str, str]:
    return {"N": str(value)}


@pytest.fixture
def sorted_table(client: Any) -> Any:
    """A table ``events`` (pk S, sk N) holding pk "a" with sk 0..9 and pk "b" with sk 0..2."""
    create(client, "events", range_key="sk", range_type="N")
    for i in range(10):
        client.put_item(
            TableName="events", Item={"pk": s("a"), "sk": n(i), "even": {"BOOL": i % 2 == 0}}
        )
    for i in range(3):
        client.put_item(TableName="events", Item={"pk": s("b"), "sk": n(i)})
    return client


def keys_of(items: list[dict[str, Any]], name: str = "sk") -> list[str]:
    return [item[name]["N"] for item in items]


# --- module doctests ---------------------------------------------------------------------------


def test_module_doctests_pass() -> None:
    """The examples in the client and parameter-validation docstrings run as written."""
    for module in (client_module, params_module):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


# --- client surface ----------------------------------------------------------------------------


def test_client_exceptions_exist_for_every_error_code(sim: Simulation) -> None:
    """client.exceptions has a class for every AWS error code streamsim raises, as boto3's does."""
    exceptions = sim.client("dynamodb").exceptions
    for code, cls in ERRORS_BY_CODE.items():
        assert getattr(exceptions, code) is cls
    assert exceptions.ClientError is StreamsimError
    with pytest.raises(AttributeError):
        _ = exceptions.NoSuchException


def test_client_meta_names_region_and_operations(sim: Simulation) -> None:
    """client.meta.region_name is the simulation's region; methods map to AWS operation names."""
    meta = sim.client("dynamodb").meta
    assert meta.region_name == "us-east-1"
    assert meta.method_to_api_mapping["put_item"] == "PutItem"


def test_same_seed_gives_same_request_ids_and_table_ids() -> None:
    """RequestId and TableId come from the seeded random source: same seed, same values."""

    def run() -> tuple[str, str]:
        client = Simulation(seed=3).client("dynamodb")
        response = create(client)
        return response["ResponseMetadata"]["RequestId"], response["TableDescription"]["TableId"]

    first, second = run(), run()
    assert first == second
    assert len(first[0]) == 52


def test_response_metadata_is_boto3_shaped(client: Any) -> None:
    """Every response carries ResponseMetadata: RequestId, HTTPStatusCode 200, headers, retries."""
    response = create(client)
    meta = response["ResponseMetadata"]
    assert set(meta) == {"RequestId", "HTTPStatusCode", "HTTPHeaders", "RetryAttempts"}
    assert meta["HTTPStatusCode"] == 200


def test_errors_carry_code_message_and_operation(client: Any) -> None:
    """An error has response["Error"]["Code"]/["Message"] and names the operation that raised it."""
    with pytest.raises(ResourceNotFoundException) as info:
        client.get_item(TableName="missing", Key={"pk": s("a")})
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert info.value.operation_name == "GetItem"
    assert "GetItem" in str(info.value)


# --- botocore-side parameter validation --------------------------------------------------------


def test_missing_required_parameter_has_botocore_text(client: Any) -> None:
    """A missing required parameter fails as botocore's ParamValidationError words it."""
    with pytest.raises(ParamValidationError) as info:
        client.describe_table()
    assert str(info.value) == (
        'Parameter validation failed:\nMissing required parameter in input: "TableName"'
    )
    assert isinstance(info.value, ValidationException)


def test_unknown_parameter_is_rejected_listing_valid_ones(client: Any) -> None:
    """An unknown parameter fails naming it and listing the valid ones (botocore's wording)."""
    with pytest.raises(ParamValidationError, match='Unknown parameter in input: "Tablename"'):
        client.describe_table(Tablename="orders")


def test_parameter_of_wrong_type_is_rejected(client: Any) -> None:
    """A parameter of the wrong Python type fails with botocore's 'Invalid type' text."""
    skip_for_boto3(
        client,
        "botocore >= 1.35 resolves the endpoint first, and TableName is an endpoint parameter: "
        "TableName=5 raises EndpointResolutionError before validation",
    )
    with pytest.raises(ParamValidationError, match="Invalid type for parameter TableName"):
        client.describe_table(TableName=5)


def test_limit_below_one_is_rejected_client_side(client: Any, sorted_table: Any) -> None:
    """Limit=0 fails in botocore before reaching the service (valid min value: 1)."""
    with pytest.raises(ParamValidationError, match="valid min value: 1"):
        client.scan(TableName="events", Limit=0)


# --- tables ------------------------------------------------------------------------------------


def test_create_table_returns_creating_description_with_stream(client: Any) -> None:
    """CreateTable answers TableStatus CREATING with StreamSpecification and LatestStreamArn."""
    description = create(client, stream="NEW_AND_OLD_IMAGES")["TableDescription"]
    assert description["TableStatus"] == "CREATING"
    assert description["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    assert description["LatestStreamArn"].endswith("/stream/" + description["LatestStreamLabel"])
    assert isinstance(description["CreationDateTime"], datetime)
    assert description["CreationDateTime"].tzinfo is not None


def test_created_table_is_active_at_once(client: Any) -> None:
    """Table creation is instantaneous: DescribeTable right after shows ACTIVE."""
    create(client)
    assert client.describe_table(TableName="orders")["Table"]["TableStatus"] == "ACTIVE"


def test_create_table_requires_key_schema_and_definitions(client: Any) -> None:
    """CreateTable without KeySchema or AttributeDefinitions is a ValidationException."""
    with pytest.raises(ValidationException, match="keySchema"):
        client.create_table(
            TableName="orders",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    with pytest.raises(ValidationException, match="attributeDefinitions"):
        client.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )


def test_create_table_key_must_be_defined_and_definitions_must_be_used(client: Any) -> None:
    """Key attributes must be in AttributeDefinitions, and only key attributes may be."""
    schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
    with pytest.raises(ValidationException, match="not defined in AttributeDefinitions"):
        client.create_table(
            TableName="orders",
            KeySchema=schema,
            AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    with pytest.raises(ValidationException, match="does not exactly match"):
        client.create_table(
            TableName="orders",
            KeySchema=schema,
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "extra", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )


def test_create_table_first_key_must_be_hash(client: Any) -> None:
    """The first KeySchemaElement must be the HASH key."""
    with pytest.raises(ValidationException, match="not a HASH key type"):
        client.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "pk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


def test_provisioned_billing_needs_throughput_and_on_demand_refuses_it(client: Any) -> None:
    """PROVISIONED (the default) needs ProvisionedThroughput; PAY_PER_REQUEST forbids it."""
    base = {
        "TableName": "orders",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    }
    with pytest.raises(ValidationException, match="must both be specified"):
        client.create_table(**base)
    with pytest.raises(ValidationException, match="PAY_PER_REQUEST"):
        client.create_table(
            **base,
            BillingMode="PAY_PER_REQUEST",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        )
    table = client.create_table(
        **base, ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}
    )["TableDescription"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"


def test_create_existing_table_raises_resource_in_use(client: Any) -> None:
    """Creating a table whose name exists is a ResourceInUseException."""
    create(client)
    with pytest.raises(ResourceInUseException):
        create(client)


def test_describe_table_counts_items_and_bytes(client: Any) -> None:
    """DescribeTable's ItemCount and TableSizeBytes follow the items (live in streamsim)."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("ab"), "n": n(101)})
    table = client.describe_table(TableName="orders")["Table"]
    assert table["ItemCount"] == 1
    assert table["TableSizeBytes"] == len("pk") + 2 + len("n") + 3


def test_describe_missing_table_raises_resource_not_found(client: Any) -> None:
    """DescribeTable of an unknown table is a ResourceNotFoundException."""
    with pytest.raises(ResourceNotFoundException):
        client.describe_table(TableName="nothing-here")


def test_table_name_may_be_the_table_arn(client: Any) -> None:
    """TableName accepts the table's ARN, as DynamoDB does."""
    arn = create(client)["TableDescription"]["TableArn"]
    client.put_item(TableName=arn, Item={"pk": s("a")})
    assert client.get_item(TableName="orders", Key={"pk": s("a")})["Item"] == {"pk": s("a")}


def test_update_table_enabling_stream_gives_a_new_arn_and_label(
    client: Any, sim: Simulation
) -> None:
    """Enabling a stream after disabling one creates a new stream with a new label (rule C.1)."""
    first = create(client, stream="KEYS_ONLY")["TableDescription"]["LatestStreamArn"]
    client.update_table(TableName="orders", StreamSpecification={"StreamEnabled": False})
    sim.advance(seconds=1)
    response = client.update_table(
        TableName="orders",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]
    assert response["TableStatus"] == "UPDATING"
    assert response["LatestStreamArn"] != first
    assert response["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"


def test_enabling_an_enabled_stream_is_rejected(client: Any) -> None:
    """Enabling a stream while one is enabled (any view type) is a ValidationException (C.1)."""
    create(client, stream="KEYS_ONLY")
    for view in ("KEYS_ONLY", "NEW_IMAGE"):
        with pytest.raises(ValidationException) as info:
            client.update_table(
                TableName="orders",
                StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
            )
        assert "already" in info.value.message
        assert "enabled" in info.value.message


def test_disabling_without_a_stream_is_rejected(client: Any) -> None:
    """Disabling a stream when none is enabled is a ValidationException (rule C.1)."""
    create(client)
    with pytest.raises(ValidationException):
        client.update_table(TableName="orders", StreamSpecification={"StreamEnabled": False})


def test_enabling_without_view_type_is_rejected(client: Any) -> None:
    """StreamEnabled=True without StreamViewType is a ValidationException (rule C.1)."""
    create(client)
    with pytest.raises(ValidationException, match="StreamViewType"):
        client.update_table(TableName="orders", StreamSpecification={"StreamEnabled": True})


def test_invalid_view_type_is_rejected(client: Any) -> None:
    """A StreamViewType outside the enum is a ValidationException naming the allowed values."""
    create(client)
    with pytest.raises(ValidationException, match="NEW_AND_OLD_IMAGES"):
        client.update_table(
            TableName="orders",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "ALL"},
        )


def test_view_type_with_stream_disabled_is_rejected(client: Any) -> None:
    """StreamViewType given with StreamEnabled=False is rejected, on create and on update."""
    with pytest.raises(ValidationException, match="UpdateViewType should not be specified"):
        client.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"},
        )
    create(client, stream="KEYS_ONLY")
    with pytest.raises(ValidationException, match="UpdateViewType must not be specified"):
        client.update_table(
            TableName="orders",
            StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"},
        )


def test_update_table_without_a_change_is_rejected(client: Any) -> None:
    """UpdateTable needs at least one change."""
    create(client)
    with pytest.raises(ValidationException, match="At least one of"):
        client.update_table(TableName="orders")


def test_disabled_stream_keeps_latest_arn_but_not_specification(client: Any) -> None:
    """After disabling, DescribeTable keeps LatestStreamArn/Label and omits StreamSpecification."""
    arn = create(client, stream="KEYS_ONLY")["TableDescription"]["LatestStreamArn"]
    client.update_table(TableName="orders", StreamSpecification={"StreamEnabled": False})
    table = client.describe_table(TableName="orders")["Table"]
    assert table["LatestStreamArn"] == arn
    assert "StreamSpecification" not in table


def test_delete_table_answers_deleting_and_removes_it(client: Any) -> None:
    """DeleteTable's description says DELETING; the table is gone right after."""
    create(client)
    assert client.delete_table(TableName="orders")["TableDescription"]["TableStatus"] == "DELETING"
    with pytest.raises(ResourceNotFoundException):
        client.describe_table(TableName="orders")


def test_deletion_protection_prevents_delete(client: Any) -> None:
    """A table with DeletionProtectionEnabled cannot be deleted until it is turned off."""
    create(client, DeletionProtectionEnabled=True)
    with pytest.raises(ValidationException, match="protected against deletion"):
        client.delete_table(TableName="orders")
    client.update_table(TableName="orders", DeletionProtectionEnabled=False)
    client.delete_table(TableName="orders")


def test_list_tables_pages_by_limit(client: Any) -> None:
    """ListTables lists names in order, Limit per page, LastEvaluatedTableName to continue."""
    for name in ("ccc", "aaa", "bbb"):
        create(client, name)
    first = client.list_tables(Limit=2)
    assert first["TableNames"] == ["aaa", "bbb"]
    assert first["LastEvaluatedTableName"] == "bbb"
    rest = client.list_tables(Limit=2, ExclusiveStartTableName="bbb")
    assert rest["TableNames"] == ["ccc"]
    assert "LastEvaluatedTableName" not in rest


def test_table_exists_waiter_returns_for_an_existing_table(client: Any, sim: Simulation) -> None:
    """get_waiter('table_exists').wait() returns at once for a created table."""
    create(client)
    before = sim.now
    sim.client("dynamodb").get_waiter("table_exists").wait(TableName="orders")
    assert sim.now == before


def test_table_not_exists_waiter_gives_up_in_virtual_time(sim: Simulation, client: Any) -> None:
    """A waiter that never succeeds polls in virtual time and then raises WaiterError."""
    create(client)
    waiter = sim.client("dynamodb").get_waiter("table_not_exists")
    with pytest.raises(client_module.WaiterError):
        waiter.wait(TableName="orders", WaiterConfig={"Delay": 5, "MaxAttempts": 3})
    assert (sim.now - datetime(2024, 1, 1, tzinfo=sim.now.tzinfo)).total_seconds() == 10


def test_waiter_config_matches_botocore_waiter_model(sim: Simulation) -> None:
    """waiter.config shows the delay, attempts and operation of botocore's own waiter model."""
    import botocore.session

    models = botocore.session.get_session().get_waiter_model("dynamodb")
    for name in ("table_exists", "table_not_exists"):
        ours = sim.client("dynamodb").get_waiter(name).config
        theirs = models.get_waiter(ours.name)
        assert (ours.delay, ours.max_attempts, ours.operation) == (
            theirs.delay,
            theirs.max_attempts,
            theirs.operation,
        )


# --- items -------------------------------------------------------------------------------------


def test_put_then_get_returns_canonical_values(client: Any) -> None:
    """Numbers come back normalised, binary as bytes, sets sorted without duplicates."""
    create(client)
    client.put_item(
        TableName="orders",
        Item={
            "pk": s("a"),
            "n": {"N": "001.50"},
            "b": {"B": bytearray(b"xy")},
            "ns": {"NS": ["10", "2"]},
        },
    )
    item = client.get_item(TableName="orders", Key={"pk": s("a")})["Item"]
    assert item == {"pk": s("a"), "n": {"N": "1.5"}, "b": {"B": b"xy"}, "ns": {"NS": ["2", "10"]}}


def test_get_missing_item_returns_no_item_member(client: Any) -> None:
    """GetItem of a missing key returns no Item member at all (only ResponseMetadata)."""
    create(client)
    assert set(client.get_item(TableName="orders", Key={"pk": s("x")})) == {"ResponseMetadata"}


def test_returned_items_are_copies(client: Any) -> None:
    """Mutating a returned item does not change the stored one."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a"), "l": {"L": [n(1)]}})
    got = client.get_item(TableName="orders", Key={"pk": s("a")})["Item"]
    got["l"]["L"].append(n(2))
    again = client.get_item(TableName="orders", Key={"pk": s("a")})["Item"]
    assert again["l"] == {"L": [n(1)]}


def test_get_item_projection_keeps_only_requested_paths(client: Any) -> None:
    """ProjectionExpression returns only the listed (possibly nested) attributes."""
    create(client)
    client.put_item(
        TableName="orders",
        Item={"pk": s("a"), "m": {"M": {"x": n(1), "y": n(2)}}, "z": s("z")},
    )
    item = client.get_item(
        TableName="orders",
        Key={"pk": s("a")},
        ProjectionExpression="#m.x, z",
        ExpressionAttributeNames={"#m": "m"},
    )["Item"]
    assert item == {"m": {"M": {"x": n(1)}}, "z": s("z")}


def test_get_item_attributes_to_get_projects_top_level_names(client: Any) -> None:
    """The legacy AttributesToGet projects top-level attributes."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a"), "x": n(1), "y": n(2)})
    item = client.get_item(TableName="orders", Key={"pk": s("a")}, AttributesToGet=["y"])["Item"]
    assert item == {"y": n(2)}


def test_key_must_match_the_schema_exactly(client: Any) -> None:
    """A Key with a missing or an extra attribute does not match the schema."""
    create(client)
    for key in ({}, {"pk": s("a"), "other": s("b")}, {"other": s("a")}):
        with pytest.raises(ValidationException, match="does not match the schema"):
            client.get_item(TableName="orders", Key=key)


def test_key_of_wrong_type_is_rejected(client: Any) -> None:
    """A key value of another type than AttributeDefinitions says is rejected."""
    create(client)
    with pytest.raises(ValidationException, match="Type mismatch"):
        client.put_item(TableName="orders", Item={"pk": n(1)})


def test_item_without_its_key_is_rejected(client: Any) -> None:
    """PutItem of an item lacking the partition key is rejected."""
    create(client)
    with pytest.raises(ValidationException, match="Missing the key pk"):
        client.put_item(TableName="orders", Item={"x": s("a")})


def test_put_item_return_values_are_none_or_all_old(client: Any) -> None:
    """PutItem takes ReturnValues NONE or ALL_OLD only; ALL_OLD returns the replaced item."""
    create(client)
    assert "Attributes" not in client.put_item(
        TableName="orders", Item={"pk": s("a"), "v": n(1)}, ReturnValues="ALL_OLD"
    )
    old = client.put_item(
        TableName="orders", Item={"pk": s("a"), "v": n(2)}, ReturnValues="ALL_OLD"
    )
    assert old["Attributes"] == {"pk": s("a"), "v": n(1)}
    for bad in ("ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"):
        with pytest.raises(ValidationException, match="ALL_OLD or NONE"):
            client.put_item(TableName="orders", Item={"pk": s("a")}, ReturnValues=bad)


def test_return_values_outside_the_enum_are_rejected(client: Any) -> None:
    """A ReturnValues value outside the enum (case matters) fails naming the allowed set."""
    create(client)
    for bad in ("none", "DOG"):
        with pytest.raises(ValidationException, match="enum value set"):
            client.delete_item(TableName="orders", Key={"pk": s("a")}, ReturnValues=bad)


def test_delete_item_return_values_are_none_or_all_old(client: Any) -> None:
    """DeleteItem with ALL_OLD returns the deleted item, nothing when there was none."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a"), "v": n(1)})
    gone = client.delete_item(TableName="orders", Key={"pk": s("a")}, ReturnValues="ALL_OLD")
    assert gone["Attributes"] == {"pk": s("a"), "v": n(1)}
    again = client.delete_item(TableName="orders", Key={"pk": s("a")}, ReturnValues="ALL_OLD")
    assert "Attributes" not in again
    with pytest.raises(ValidationException, match="ALL_OLD or NONE"):
        client.delete_item(TableName="orders", Key={"pk": s("a")}, ReturnValues="ALL_NEW")


def test_update_item_return_values_modes(client: Any) -> None:
    """UpdateItem: ALL_OLD/ALL_NEW whole items, UPDATED_OLD/UPDATED_NEW the written paths only."""
    create(client)
    client.put_item(
        TableName="orders",
        Item={"pk": s("a"), "m": {"M": {"b": s("dog"), "c": s("keep")}}, "d": s("cat")},
    )

    def update(mode: str, value: str) -> Any:
        return client.update_item(
            TableName="orders",
            Key={"pk": s("a")},
            UpdateExpression="SET m.b = :v",
            ExpressionAttributeValues={":v": s(value)},
            ReturnValues=mode,
        ).get("Attributes")

    assert update("UPDATED_OLD", "hi") == {"m": {"M": {"b": s("dog")}}}
    assert update("UPDATED_NEW", "yo") == {"m": {"M": {"b": s("yo")}}}
    assert update("ALL_OLD", "x")["d"] == s("cat")
    assert update("ALL_NEW", "y")["m"] == {"M": {"b": s("y"), "c": s("keep")}}
    assert update("NONE", "z") is None


def test_updated_old_omits_attributes_that_did_not_exist(client: Any) -> None:
    """UPDATED_OLD returns nothing for attributes the update created."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a")})
    response = client.update_item(
        TableName="orders",
        Key={"pk": s("a")},
        UpdateExpression="SET fresh = :v",
        ExpressionAttributeValues={":v": n(1)},
        ReturnValues="UPDATED_OLD",
    )
    assert "Attributes" not in response


def test_update_of_missing_item_creates_it(client: Any) -> None:
    """UpdateItem on a missing key creates the item from the key and the update."""
    create(client)
    response = client.update_item(
        TableName="orders",
        Key={"pk": s("a")},
        UpdateExpression="ADD hits :one",
        ExpressionAttributeValues={":one": n(1)},
        ReturnValues="ALL_NEW",
    )
    assert response["Attributes"] == {"pk": s("a"), "hits": n(1)}


def test_update_without_expression_creates_key_only_item(client: Any) -> None:
    """UpdateItem without an UpdateExpression on a missing key creates an item of just the key."""
    create(client)
    client.update_item(TableName="orders", Key={"pk": s("a")})
    assert client.get_item(TableName="orders", Key={"pk": s("a")})["Item"] == {"pk": s("a")}


def test_update_that_only_removes_creates_no_item(client: Any) -> None:
    """UpdateItem with only REMOVE on a missing key creates nothing and returns no Attributes."""
    create(client)
    response = client.update_item(
        TableName="orders", Key={"pk": s("a")}, UpdateExpression="REMOVE x", ReturnValues="ALL_NEW"
    )
    assert "Attributes" not in response
    assert "Item" not in client.get_item(TableName="orders", Key={"pk": s("a")})


def test_update_of_a_key_attribute_is_rejected(client: Any) -> None:
    """An UpdateExpression may not write a key attribute."""
    create(client)
    with pytest.raises(ValidationException, match="part of the key"):
        client.update_item(
            TableName="orders",
            Key={"pk": s("a")},
            UpdateExpression="SET pk = :v",
            ExpressionAttributeValues={":v": s("b")},
        )


def test_failed_condition_returns_old_item_only_when_asked(client: Any) -> None:
    """ConditionalCheckFailed carries Item only with ReturnValuesOnConditionCheckFailure=ALL_OLD."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a"), "v": n(1)})
    common = {
        "TableName": "orders",
        "Item": {"pk": s("a")},
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    with pytest.raises(ConditionalCheckFailedException) as info:
        client.put_item(**common)
    assert "Item" not in info.value.response
    with pytest.raises(ConditionalCheckFailedException) as info:
        client.put_item(**common, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert info.value.response["Item"] == {"pk": s("a"), "v": n(1)}


def test_failed_condition_on_missing_item_returns_no_item(client: Any) -> None:
    """With ALL_OLD, a failed condition on a missing item still carries no Item."""
    create(client)
    with pytest.raises(ConditionalCheckFailedException) as info:
        client.delete_item(
            TableName="orders",
            Key={"pk": s("a")},
            ConditionExpression="attribute_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert "Item" not in info.value.response


def test_return_values_on_condition_failure_accepts_only_all_old_or_none(client: Any) -> None:
    """ReturnValuesOnConditionCheckFailure is ALL_OLD or NONE."""
    create(client)
    with pytest.raises(ValidationException, match="enum value set"):
        client.put_item(
            TableName="orders", Item={"pk": s("a")}, ReturnValuesOnConditionCheckFailure="ALL_NEW"
        )


def test_unused_expression_attribute_value_is_rejected(client: Any) -> None:
    """A value in ExpressionAttributeValues that no expression uses is rejected."""
    create(client)
    with pytest.raises(ValidationException, match=r"unused in expressions: keys: \{:b\}"):
        client.put_item(
            TableName="orders",
            Item={"pk": s("a")},
            ConditionExpression="attribute_not_exists(#p) OR v = :a",
            ExpressionAttributeNames={"#p": "pk"},
            ExpressionAttributeValues={":a": n(1), ":b": n(2)},
        )


def test_placeholders_are_checked_across_all_expressions(client: Any) -> None:
    """A placeholder used by any expression of the request counts as used."""
    create(client)
    client.update_item(
        TableName="orders",
        Key={"pk": s("a")},
        UpdateExpression="SET #v = :new",
        ConditionExpression="attribute_not_exists(#v) OR #v < :new",
        ExpressionAttributeNames={"#v": "v"},
        ExpressionAttributeValues={":new": n(5)},
    )


def test_undefined_placeholder_is_rejected(client: Any) -> None:
    """An expression using a placeholder that is not defined is rejected."""
    create(client)
    with pytest.raises(ValidationException, match="not defined"):
        client.put_item(TableName="orders", Item={"pk": s("a")}, ConditionExpression="v = :missing")


def test_expression_values_without_an_expression_are_rejected(client: Any) -> None:
    """ExpressionAttributeValues without any expression is rejected."""
    create(client)
    with pytest.raises(ValidationException, match="only be specified when using expressions"):
        client.put_item(
            TableName="orders", Item={"pk": s("a")}, ExpressionAttributeValues={":v": n(1)}
        )


def test_expression_syntax_error_names_the_token(client: Any) -> None:
    """A syntax error is a ValidationException naming the offending token."""
    create(client)
    with pytest.raises(ValidationException, match='Syntax error; token: "="'):
        client.update_item(TableName="orders", Key={"pk": s("a")}, UpdateExpression="SET = 1")


def test_invalid_expression_value_is_reported_with_its_key(client: Any) -> None:
    """A malformed ExpressionAttributeValues value is reported with its placeholder."""
    create(client)
    with pytest.raises(ValidationException, match="for key :v"):
        client.put_item(
            TableName="orders",
            Item={"pk": s("a")},
            ConditionExpression="x = :v",
            ExpressionAttributeValues={":v": {"N": "not a number"}},
        )


def test_legacy_and_expression_parameters_cannot_mix(client: Any) -> None:
    """Expected together with ConditionExpression is rejected, as DynamoDB does."""
    create(client)
    with pytest.raises(ValidationException, match="Can not use both expression and non-expression"):
        client.put_item(
            TableName="orders",
            Item={"pk": s("a")},
            ConditionExpression="attribute_not_exists(pk)",
            Expected={"pk": {"Exists": False}},
        )


def test_oversized_item_is_rejected(client: Any) -> None:
    """An item over 400 KB is rejected."""
    create(client)
    with pytest.raises(ValidationException, match="Item size has exceeded"):
        client.put_item(TableName="orders", Item={"pk": s("a"), "big": s("x" * 400 * 1024)})


def test_consumed_capacity_is_reported_when_asked(client: Any) -> None:
    """ReturnConsumedCapacity=TOTAL reports the table's capacity units (1 KB per write unit)."""
    create(client)
    response = client.put_item(
        TableName="orders", Item={"pk": s("a"), "v": s("x" * 1500)}, ReturnConsumedCapacity="TOTAL"
    )
    assert response["ConsumedCapacity"] == {
        "TableName": "orders",
        "CapacityUnits": 2.0,
    }


# --- query and scan ----------------------------------------------------------------------------


def test_query_returns_the_partition_in_sort_key_order(sorted_table: Any) -> None:
    """Query returns one partition's items in sort-key order, reversed with ScanIndexForward."""
    client = sorted_table
    forward = client.query(
        TableName="events",
        KeyConditionExpression="pk = :p AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues={":p": s("a"), ":lo": n(2), ":hi": n(5)},
    )
    assert keys_of(forward["Items"]) == ["2", "3", "4", "5"]
    backward = client.query(
        TableName="events",
        KeyConditionExpression="pk = :p AND sk > :lo",
        ExpressionAttributeValues={":p": s("a"), ":lo": n(6)},
        ScanIndexForward=False,
    )
    assert keys_of(backward["Items"]) == ["9", "8", "7"]


def test_query_limit_counts_items_before_the_filter(sorted_table: Any) -> None:
    """Limit bounds the items evaluated; FilterExpression then drops some (Count < ScannedCount)."""
    response = sorted_table.query(
        TableName="events",
        KeyConditionExpression="pk = :p",
        FilterExpression="even = :t",
        ExpressionAttributeValues={":p": s("a"), ":t": {"BOOL": True}},
        Limit=4,
    )
    assert response["ScannedCount"] == 4
    assert response["Count"] == 2
    assert keys_of(response["Items"]) == ["0", "2"]
    assert response["LastEvaluatedKey"] == {"pk": s("a"), "sk": n(3)}


def test_query_pages_cover_the_partition_exactly_once(sorted_table: Any) -> None:
    """Following LastEvaluatedKey with ExclusiveStartKey visits every item once, in order."""
    seen: list[str] = []
    start: dict[str, Any] | None = None
    while True:
        params: dict[str, Any] = {
            "TableName": "events",
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": s("a")},
            "Limit": 3,
            "ScanIndexForward": False,
        }
        if start is not None:
            params["ExclusiveStartKey"] = start
        page = sorted_table.query(**params)
        seen += keys_of(page["Items"])
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert seen == [str(i) for i in range(9, -1, -1)]


def test_query_select_count_returns_no_items(sorted_table: Any) -> None:
    """Select=COUNT returns Count and ScannedCount without Items."""
    response = sorted_table.query(
        TableName="events",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": s("b")},
        Select="COUNT",
    )
    assert "Items" not in response
    assert (response["Count"], response["ScannedCount"]) == (3, 3)


def test_query_select_must_agree_with_projection(sorted_table: Any) -> None:
    """SPECIFIC_ATTRIBUTES needs a projection; ALL_ATTRIBUTES and COUNT refuse one; no indexes."""
    base = {
        "TableName": "events",
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": s("b")},
    }
    with pytest.raises(ValidationException):
        sorted_table.query(**base, Select="SPECIFIC_ATTRIBUTES")
    with pytest.raises(ValidationException, match="ALL_ATTRIBUTES"):
        sorted_table.query(**base, Select="ALL_ATTRIBUTES", ProjectionExpression="sk")
    with pytest.raises(ValidationException):
        sorted_table.query(**base, Select="COUNT", ProjectionExpression="sk")
    with pytest.raises(ValidationException):
        sorted_table.query(**base, Select="ALL_PROJECTED_ATTRIBUTES")
    items = sorted_table.query(**base, Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="sk")
    assert items["Items"][0] == {"sk": n(0)}


def test_query_needs_a_key_condition(sorted_table: Any) -> None:
    """Query without KeyConditionExpression is rejected."""
    with pytest.raises(ValidationException, match="KeyConditionExpression"):
        sorted_table.query(TableName="events")


def test_query_condition_type_must_match_the_schema(sorted_table: Any) -> None:
    """A key condition value of another type than the key's is rejected."""
    with pytest.raises(ValidationException, match="does not match schema type"):
        sorted_table.query(
            TableName="events",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": n(1)},
        )


def test_query_on_an_index_is_rejected(sorted_table: Any) -> None:
    """IndexName names an index the table does not have."""
    with pytest.raises(ValidationException, match="does not have the specified index"):
        sorted_table.query(
            TableName="events",
            IndexName="by-x",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": s("a")},
        )


def test_query_start_key_must_be_in_the_queried_partition(sorted_table: Any) -> None:
    """An ExclusiveStartKey from another partition is outside the query's boundaries."""
    with pytest.raises(ValidationException, match="starting key"):
        sorted_table.query(
            TableName="events",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": s("a")},
            ExclusiveStartKey={"pk": s("b"), "sk": n(1)},
        )


def test_query_page_stops_at_one_megabyte(client: Any) -> None:
    """A page holds at most 1 MB of evaluated items, then LastEvaluatedKey continues it."""
    create(client, "big", range_key="sk", range_type="N")
    blob = "x" * (300 * 1024)
    for i in range(5):
        client.put_item(TableName="big", Item={"pk": s("a"), "sk": n(i), "blob": s(blob)})
    page = client.query(
        TableName="big",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": s("a")},
        Select="COUNT",
    )
    item_bytes = len("pk") + 1 + len("sk") + 1 + len("blob") + len(blob)
    assert page["ScannedCount"] == -(-MAX_PAGE_BYTES // item_bytes) == 4
    assert page["LastEvaluatedKey"]["sk"] == n(3)


def test_scan_pages_cover_every_item_once(sorted_table: Any) -> None:
    """Scan pages chained by LastEvaluatedKey return every item exactly once."""
    seen: list[tuple[str, str]] = []
    start: dict[str, Any] | None = None
    while True:
        params: dict[str, Any] = {"TableName": "events", "Limit": 4}
        if start is not None:
            params["ExclusiveStartKey"] = start
        page = sorted_table.scan(**params)
        seen += [(i["pk"]["S"], i["sk"]["N"]) for i in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert sorted(seen) == sorted(
        [("a", str(i)) for i in range(10)] + [("b", str(i)) for i in range(3)]
    )
    assert len(seen) == len(set(seen))


def test_scan_segments_split_the_table_disjointly(client: Any) -> None:
    """Parallel scan segments together return every item exactly once."""
    create(client)
    for i in range(40):
        client.put_item(TableName="orders", Item={"pk": s(f"k{i}")})
    seen: list[str] = []
    for segment in range(4):
        page = client.scan(TableName="orders", Segment=segment, TotalSegments=4)
        seen += [i["pk"]["S"] for i in page["Items"]]
    assert sorted(seen) == sorted(f"k{i}" for i in range(40))


def test_scan_segment_must_be_below_total_segments(client: Any) -> None:
    """Segment is zero-based and below TotalSegments; one without the other is rejected."""
    create(client)
    with pytest.raises(ValidationException, match="out of bounds"):
        client.scan(TableName="orders", Segment=2, TotalSegments=2)
    with pytest.raises(ValidationException, match="TotalSegments"):
        client.scan(TableName="orders", Segment=0)


def test_scan_filter_and_projection(sorted_table: Any) -> None:
    """Scan applies FilterExpression after reading and ProjectionExpression to what it returns."""
    response = sorted_table.scan(
        TableName="events",
        FilterExpression="pk = :b",
        ProjectionExpression="sk",
        ExpressionAttributeValues={":b": s("b")},
    )
    assert sorted(keys_of(response["Items"])) == ["0", "1", "2"]
    assert response["ScannedCount"] == 13
    assert all(set(item) == {"sk"} for item in response["Items"])


def test_query_paginator_builds_the_full_result(sorted_table: Any, sim: Simulation) -> None:
    """get_paginator('query') follows LastEvaluatedKey; build_full_result merges the pages."""
    paginator = sim.client("dynamodb").get_paginator("query")
    result = paginator.paginate(
        TableName="events",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": s("a")},
        PaginationConfig={"PageSize": 3},
    ).build_full_result()
    assert keys_of(result["Items"]) == [str(i) for i in range(10)]
    assert result["Count"] == 10


# --- batches and transactions ------------------------------------------------------------------


def test_batch_write_applies_puts_and_deletes(client: Any) -> None:
    """BatchWriteItem applies each PutRequest/DeleteRequest; UnprocessedItems is {}."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("gone")})
    response = client.batch_write_item(
        RequestItems={
            "orders": [
                {"PutRequest": {"Item": {"pk": s("a")}}},
                {"DeleteRequest": {"Key": {"pk": s("gone")}}},
            ]
        }
    )
    assert response["UnprocessedItems"] == {}
    assert client.describe_table(TableName="orders")["Table"]["ItemCount"] == 1


def test_batch_write_takes_at_most_25_requests(client: Any) -> None:
    """BatchWriteItem with more than 25 requests is rejected and writes nothing."""
    create(client)
    requests = [{"PutRequest": {"Item": {"pk": s(str(i))}}} for i in range(26)]
    with pytest.raises(ValidationException, match="25"):
        client.batch_write_item(RequestItems={"orders": requests})
    assert client.describe_table(TableName="orders")["Table"]["ItemCount"] == 0


def test_batch_write_duplicate_keys_are_rejected(client: Any) -> None:
    """Two requests for one key are rejected with DynamoDB's message; nothing is written."""
    create(client)
    with pytest.raises(ValidationException, match="Provided list of item keys contains duplicates"):
        client.batch_write_item(
            RequestItems={
                "orders": [
                    {"PutRequest": {"Item": {"pk": s("a"), "v": n(1)}}},
                    {"PutRequest": {"Item": {"pk": s("b")}}},
                    {"DeleteRequest": {"Key": {"pk": s("a")}}},
                ]
            }
        )
    assert client.describe_table(TableName="orders")["Table"]["ItemCount"] == 0


def test_batch_write_to_missing_table_writes_nothing(client: Any) -> None:
    """A batch naming a missing table fails before writing anything anywhere."""
    create(client)
    with pytest.raises(ResourceNotFoundException):
        client.batch_write_item(
            RequestItems={
                "orders": [{"PutRequest": {"Item": {"pk": s("a")}}}],
                "nope": [{"PutRequest": {"Item": {"pk": s("a")}}}],
            }
        )
    assert client.describe_table(TableName="orders")["Table"]["ItemCount"] == 0


def test_batch_get_returns_the_items_found(client: Any) -> None:
    """BatchGetItem returns the items that exist, per table, UnprocessedKeys {}."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a"), "v": n(1)})
    response = client.batch_get_item(
        RequestItems={
            "orders": {"Keys": [{"pk": s("a")}, {"pk": s("b")}], "ProjectionExpression": "v"}
        }
    )
    assert response["Responses"] == {"orders": [{"v": n(1)}]}
    assert response["UnprocessedKeys"] == {}


def test_transaction_applies_every_action(client: Any) -> None:
    """TransactWriteItems applies its Put, Update, Delete and ConditionCheck together."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("old")})
    client.put_item(TableName="orders", Item={"pk": s("n"), "v": n(1)})
    client.put_item(TableName="orders", Item={"pk": s("check"), "ok": {"BOOL": True}})
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "orders", "Item": {"pk": s("new")}}},
            {"Delete": {"TableName": "orders", "Key": {"pk": s("old")}}},
            {
                "Update": {
                    "TableName": "orders",
                    "Key": {"pk": s("n")},
                    "UpdateExpression": "SET v = v + :one",
                    "ExpressionAttributeValues": {":one": n(1)},
                }
            },
            {
                "ConditionCheck": {
                    "TableName": "orders",
                    "Key": {"pk": s("check")},
                    "ConditionExpression": "ok = :t",
                    "ExpressionAttributeValues": {":t": {"BOOL": True}},
                }
            },
        ]
    )
    items = {i["pk"]["S"]: i for i in client.scan(TableName="orders")["Items"]}
    assert set(items) == {"new", "n", "check"}
    assert items["n"]["v"] == n(2)


def test_cancelled_transaction_applies_nothing_and_gives_reasons(client: Any) -> None:
    """A failing condition cancels the transaction: nothing applied, one reason per action."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("taken"), "v": n(1)})
    with pytest.raises(TransactionCanceledException) as info:
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "orders", "Item": {"pk": s("fresh")}}},
                {
                    "Put": {
                        "TableName": "orders",
                        "Item": {"pk": s("taken")},
                        "ConditionExpression": "attribute_not_exists(pk)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    reasons = info.value.response["CancellationReasons"]
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ConditionalCheckFailed"
    assert reasons[1]["Item"] == {"pk": s("taken"), "v": n(1)}
    assert "Item" not in client.get_item(TableName="orders", Key={"pk": s("fresh")})


def test_cancellation_reason_carries_item_only_when_asked(client: Any) -> None:
    """Without ReturnValuesOnConditionCheckFailure=ALL_OLD the reason has no Item."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("taken")})
    with pytest.raises(TransactionCanceledException) as info:
        client.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": "orders",
                        "Key": {"pk": s("taken")},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                }
            ]
        )
    assert "Item" not in info.value.response["CancellationReasons"][0]


def test_transaction_takes_at_most_100_actions(client: Any) -> None:
    """More than 100 actions in a transaction is rejected."""
    create(client)
    actions = [{"Put": {"TableName": "orders", "Item": {"pk": s(str(i))}}} for i in range(101)]
    with pytest.raises(ValidationException, match="less than or equal to 100"):
        client.transact_write_items(TransactItems=actions)


def test_transaction_may_not_touch_one_item_twice(client: Any) -> None:
    """Two actions on one item are rejected."""
    create(client)
    with pytest.raises(ValidationException, match="multiple operations on one item"):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "orders", "Item": {"pk": s("a")}}},
                {"Delete": {"TableName": "orders", "Key": {"pk": s("a")}}},
            ]
        )


def test_client_request_token_makes_a_transaction_idempotent(client: Any, sim: Simulation) -> None:
    """The same ClientRequestToken within 10 minutes does not apply the transaction twice."""
    create(client)
    request = {
        "TransactItems": [
            {
                "Update": {
                    "TableName": "orders",
                    "Key": {"pk": s("a")},
                    "UpdateExpression": "ADD hits :one",
                    "ExpressionAttributeValues": {":one": n(1)},
                }
            }
        ],
        "ClientRequestToken": "token-1",
    }
    client.transact_write_items(**request)
    client.transact_write_items(**request)
    assert client.get_item(TableName="orders", Key={"pk": s("a")})["Item"]["hits"] == n(1)
    changed = {
        **request,
        "TransactItems": [{"Put": {"TableName": "orders", "Item": {"pk": s("b")}}}],
    }
    with pytest.raises(sim.client("dynamodb").exceptions.IdempotentParameterMismatchException):
        client.transact_write_items(**changed)


# --- time to live ------------------------------------------------------------------------------


def test_update_and_describe_time_to_live(client: Any) -> None:
    """UpdateTimeToLive echoes its specification; DescribeTimeToLive shows ENABLED and the name."""
    create(client)
    assert client.describe_time_to_live(TableName="orders")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    spec = {"Enabled": True, "AttributeName": "expires"}
    response = client.update_time_to_live(TableName="orders", TimeToLiveSpecification=spec)
    assert response["TimeToLiveSpecification"] == spec
    assert client.describe_time_to_live(TableName="orders")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }


def test_time_to_live_cannot_change_twice_within_an_hour(client: Any, sim: Simulation) -> None:
    """A second TTL change within an hour is a ValidationException; after an hour it works."""
    create(client)
    client.update_time_to_live(
        TableName="orders", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    off = {"Enabled": False, "AttributeName": "ttl"}
    with pytest.raises(ValidationException):
        client.update_time_to_live(TableName="orders", TimeToLiveSpecification=off)
    sim.advance(hours=1)
    client.update_time_to_live(TableName="orders", TimeToLiveSpecification=off)


# --- every response shape ----------------------------------------------------------------------


def _every_call(client: Any, sim: Simulation) -> Iterator[tuple[str, Callable[[], Any]]]:
    create(client, "shapes", range_key="sk", range_type="N", stream="NEW_AND_OLD_IMAGES")
    create(
        client,
        "provisioned",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        TableClass="STANDARD_INFREQUENT_ACCESS",
    )
    key = {"pk": s("a"), "sk": n(1)}
    item = {**key, "m": {"M": {"x": n(1)}}, "b": {"B": b"\x00"}, "ss": {"SS": ["a"]}}
    yield "PutItem", lambda: client.put_item(TableName="shapes", Item=item)
    yield (
        "PutItem",
        lambda: client.put_item(
            TableName="shapes", Item=item, ReturnValues="ALL_OLD", ReturnConsumedCapacity="INDEXES"
        ),
    )
    yield (
        "GetItem",
        lambda: client.get_item(
            TableName="shapes", Key=key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
        ),
    )
    yield "GetItem", lambda: client.get_item(TableName="shapes", Key={"pk": s("z"), "sk": n(0)})
    for mode in ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"):
        yield (
            "UpdateItem",
            lambda mode=mode: client.update_item(
                TableName="shapes",
                Key=key,
                UpdateExpression="SET m.x = m.x + :one",
                ExpressionAttributeValues={":one": n(1)},
                ReturnValues=mode,
                ReturnConsumedCapacity="TOTAL",
            ),
        )
    for select in ("ALL_ATTRIBUTES", "COUNT"):
        yield (
            "Query",
            lambda select=select: client.query(
                TableName="shapes",
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": s("a")},
                Select=select,
                Limit=1,
                ReturnConsumedCapacity="TOTAL",
            ),
        )
    yield "Scan", lambda: client.scan(TableName="shapes", Limit=1, ReturnConsumedCapacity="INDEXES")
    yield "Scan", lambda: client.scan(TableName="shapes", Segment=0, TotalSegments=3)
    yield (
        "BatchWriteItem",
        lambda: client.batch_write_item(
            RequestItems={"shapes": [{"PutRequest": {"Item": {"pk": s("b"), "sk": n(2)}}}]},
            ReturnConsumedCapacity="TOTAL",
        ),
    )
    yield (
        "BatchGetItem",
        lambda: client.batch_get_item(
            RequestItems={"shapes": {"Keys": [key]}}, ReturnConsumedCapacity="TOTAL"
        ),
    )
    yield (
        "TransactWriteItems",
        lambda: client.transact_write_items(
            TransactItems=[{"Delete": {"TableName": "shapes", "Key": {"pk": s("b"), "sk": n(2)}}}],
            ReturnConsumedCapacity="TOTAL",
        ),
    )
    yield (
        "TransactGetItems",
        lambda: client.transact_get_items(
            TransactItems=[
                {"Get": {"TableName": "shapes", "Key": key}},
                {"Get": {"TableName": "shapes", "Key": {"pk": s("none"), "sk": n(0)}}},
            ],
            ReturnConsumedCapacity="INDEXES",
        ),
    )
    yield (
        "DeleteItem",
        lambda: client.delete_item(
            TableName="shapes", Key=key, ReturnValues="ALL_OLD", ReturnConsumedCapacity="TOTAL"
        ),
    )
    yield "DescribeTable", lambda: client.describe_table(TableName="shapes")
    yield "DescribeTable", lambda: client.describe_table(TableName="provisioned")
    yield (
        "UpdateTable",
        lambda: client.update_table(
            TableName="shapes", StreamSpecification={"StreamEnabled": False}
        ),
    )
    yield (
        "UpdateTable",
        lambda: client.update_table(TableName="provisioned", BillingMode="PAY_PER_REQUEST"),
    )
    yield "ListTables", lambda: client.list_tables(Limit=1)
    yield (
        "UpdateTimeToLive",
        lambda: client.update_time_to_live(
            TableName="shapes", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
        ),
    )
    yield "DescribeTimeToLive", lambda: client.describe_time_to_live(TableName="shapes")
    arn = client.describe_table(TableName="provisioned")["Table"]["TableArn"]
    yield (
        "TagResource",
        lambda: client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}]),
    )
    yield "ListTagsOfResource", lambda: client.list_tags_of_resource(ResourceArn=arn)
    yield "UntagResource", lambda: client.untag_resource(ResourceArn=arn, TagKeys=["k"])
    kinesis = sim.client("kinesis")
    kinesis.create_stream(StreamName="changes", ShardCount=1)
    stream = kinesis.describe_stream_summary(StreamName="changes")["StreamDescriptionSummary"]
    kds = {"TableName": "shapes", "StreamArn": stream["StreamARN"]}
    yield (
        "EnableKinesisStreamingDestination",
        lambda: client.enable_kinesis_streaming_destination(
            **kds,
            EnableKinesisStreamingConfiguration={
                "ApproximateCreationDateTimePrecision": "MILLISECOND"
            },
        ),
    )
    yield (
        "UpdateKinesisStreamingDestination",
        lambda: client.update_kinesis_streaming_destination(
            **kds,
            UpdateKinesisStreamingConfiguration={
                "ApproximateCreationDateTimePrecision": "MICROSECOND"
            },
        ),
    )
    yield (
        "DescribeKinesisStreamingDestination",
        lambda: client.describe_kinesis_streaming_destination(TableName="shapes"),
    )
    yield (
        "DisableKinesisStreamingDestination",
        lambda: client.disable_kinesis_streaming_destination(**kds),
    )
    yield "DeleteTable", lambda: client.delete_table(TableName="provisioned")


def test_every_operation_response_matches_botocore_output_shape(
    client: Any, sim: Simulation
) -> None:
    """Every DynamoDB operation's responses match botocore's output shapes, in every variant."""
    operations = set()
    for operation, call in _every_call(client, sim):
        response = call()
        assert_matches_output_shape(SERVICE, operation, response)
        operations.add(operation)
    mapped = set(client_module._OPERATIONS.values())
    assert operations | {"CreateTable"} == mapped


def test_request_ids_are_unique_52_character_hex(client: Any) -> None:
    """Every response gets its own RequestId of 52 characters of [0-9A-F]."""
    create(client)
    ids = [
        client.put_item(TableName="orders", Item={"pk": {"S": f"k{i}"}})["ResponseMetadata"][
            "RequestId"
        ]
        for i in range(200)
    ]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 52 and set(i) <= set("0123456789ABCDEF") for i in ids)


def test_mutating_a_returned_value_changes_no_item_sharing_it(client: Any) -> None:
    """Items share equal stored values; a caller mutating a returned copy reaches none of them."""
    create(client)
    for pk in ("a", "b"):
        client.put_item(TableName="orders", Item={"pk": {"S": pk}, "city": {"S": "Lisbon"}})
    got = client.get_item(TableName="orders", Key={"pk": {"S": "a"}})["Item"]
    got["city"]["S"] = "Porto"
    scanned = client.scan(TableName="orders")["Items"]
    scanned[0]["city"]["S"] = "Faro"
    for pk in ("a", "b"):
        item = client.get_item(TableName="orders", Key={"pk": {"S": pk}})["Item"]
        assert item["city"] == {"S": "Lisbon"}


def test_expression_over_4_kb_is_rejected_and_changes_nothing(client: Any) -> None:
    """An UpdateExpression over 4,096 bytes is a ValidationException; the item is unchanged."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a"), "v": n(1)})
    long_name = "x" * 4100
    with pytest.raises(ValidationException, match="Expression size has exceeded"):
        client.update_item(
            TableName="orders",
            Key={"pk": s("a")},
            UpdateExpression=f"SET v = :v, {long_name} = :v",
            ExpressionAttributeValues={":v": n(2)},
        )
    assert client.get_item(TableName="orders", Key={"pk": s("a")})["Item"]["v"] == n(1)


def test_transaction_member_expression_over_4_kb_fails_the_whole_call(client: Any) -> None:
    """An oversized expression in one action is a ValidationException for the call: nothing
    applied, no cancellation reasons."""
    create(client)
    with pytest.raises(ValidationException, match="Invalid ConditionExpression: Expression size"):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "orders", "Item": {"pk": s("fresh")}}},
                {
                    "Put": {
                        "TableName": "orders",
                        "Item": {"pk": s("other")},
                        "ConditionExpression": "attribute_not_exists(" + "p" * 4100 + ")",
                    }
                },
            ]
        )
    assert client.scan(TableName="orders")["Items"] == []


# --- items an update builds are checked as PutItem checks items (rule C.4) ---------------------


def _nested(depth: int) -> dict[str, Any]:
    """A DynamoDB JSON value ``depth`` levels deep (a string inside ``depth - 1`` maps)."""
    value: dict[str, Any] = s("x")
    for _ in range(depth - 1):
        value = {"M": {"k": value}}
    return value


def _put_error(client: Any, item: dict[str, Any]) -> str:
    with pytest.raises(ValidationException) as info:
        client.put_item(TableName="orders", Item=item)
    return str(info.value.message)


def test_update_that_builds_a_too_deep_item_is_rejected_like_put(
    client: Any, sim: Simulation
) -> None:
    """UpdateItem building a 33-level value fails as PutItem of that item; nothing changes."""
    create(client, stream="NEW_AND_OLD_IMAGES")
    client.put_item(TableName="orders", Item={"pk": s("a"), "a": {"M": {}}})
    stream = sim.table("orders").stream
    assert stream is not None
    before = len(list(stream))
    expected = _put_error(client, {"pk": s("a"), "a": {"M": {"b": _nested(32)}}})
    with pytest.raises(ValidationException) as info:
        client.update_item(
            TableName="orders",
            Key={"pk": s("a")},
            UpdateExpression="SET a.b = :v",
            ExpressionAttributeValues={":v": _nested(32)},
        )
    assert info.value.message == expected
    assert client.get_item(TableName="orders", Key={"pk": s("a")})["Item"] == {
        "pk": s("a"),
        "a": {"M": {}},
    }
    assert len(list(stream)) == before


def test_update_that_builds_a_32_level_item_is_accepted_like_put(client: Any) -> None:
    """An UpdateItem building a value exactly 32 levels deep succeeds, as PutItem would."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a"), "a": {"M": {}}})
    client.update_item(
        TableName="orders",
        Key={"pk": s("a")},
        UpdateExpression="SET a.b = :v",
        ExpressionAttributeValues={":v": _nested(31)},
    )
    item = client.get_item(TableName="orders", Key={"pk": s("a")})["Item"]
    assert item["a"] == {"M": {"b": _nested(31)}}


def test_transaction_update_that_builds_a_too_deep_item_is_cancelled(client: Any) -> None:
    """A transaction whose Update builds a 33-level value is cancelled with a ValidationError."""
    create(client)
    client.put_item(TableName="orders", Item={"pk": s("a"), "a": {"M": {}}})
    with pytest.raises(TransactionCanceledException) as info:
        client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": "orders",
                        "Key": {"pk": s("a")},
                        "UpdateExpression": "SET a.b = :v",
                        "ExpressionAttributeValues": {":v": _nested(32)},
                    }
                }
            ]
        )
    (reason,) = info.value.cancellation_reasons
    assert reason["Code"] == "ValidationError"
    item = client.get_item(TableName="orders", Key={"pk": s("a")})["Item"]
    assert item == {"pk": s("a"), "a": {"M": {}}}


def test_query_filter_on_a_key_attribute_is_rejected() -> None:
    """A Query FilterExpression naming a key attribute (directly or through a name placeholder)
    is a ValidationException naming it, hash key first (rule H.2); Scan may filter on keys."""
    sim = Simulation(seed=1)
    sim.create_table("tbl", hash_key="pk", range_key="sk")
    client = sim.client("dynamodb")
    client.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    for expression, names, key in (
        ("sk = :b", None, "sk"),
        ("#k = :b AND pk = :a", {"#k": "sk"}, "pk"),
        ("attribute_exists(sk.x)", None, "sk"),
    ):
        with pytest.raises(ValidationException) as info:
            client.query(
                TableName="tbl",
                KeyConditionExpression="pk = :a",
                FilterExpression=expression,
                ExpressionAttributeValues={":a": {"S": "a"}}
                | ({":b": {"S": "b"}} if ":b" in expression else {}),
                **({"ExpressionAttributeNames": names} if names else {}),
            )
        assert info.value.message == (
            "Filter Expression can only contain non-primary key attributes: Primary key "
            f"attribute: {key}"
        )
    scanned = client.scan(
        TableName="tbl", FilterExpression="sk = :b", ExpressionAttributeValues={":b": {"S": "b"}}
    )
    assert scanned["Count"] == 1


@pytest.mark.parametrize("name", ["a!", "ab", "x" * 256])
def test_item_operation_on_an_impossible_table_name_is_a_validation_error(name: str) -> None:
    """A TableName no table can have (pattern, 3-255 characters) is a ValidationException with
    the pattern message on every operation, not ResourceNotFound (rule A.2)."""
    sim = Simulation(seed=1)
    client = sim.client("dynamodb")
    calls = {
        "GetItem": lambda: client.get_item(TableName=name, Key={"pk": {"S": "a"}}),
        "PutItem": lambda: client.put_item(TableName=name, Item={"pk": {"S": "a"}}),
        "DeleteItem": lambda: client.delete_item(TableName=name, Key={"pk": {"S": "a"}}),
        "Scan": lambda: client.scan(TableName=name),
        "DescribeTable": lambda: client.describe_table(TableName=name),
    }
    for operation, call in calls.items():
        with pytest.raises(ValidationException, match="regular expression pattern") as info:
            call()
        assert info.value.operation_name == operation
    with pytest.raises(ResourceNotFoundException):
        client.get_item(TableName="missing", Key={"pk": {"S": "a"}})


def test_transaction_with_an_invalid_item_is_cancelled_with_a_validation_error_reason() -> None:
    """A Put whose item DynamoDB rejects for its content (an empty set, a number out of range)
    cancels the transaction: ValidationError at its index, None elsewhere, nothing applied
    (rule H.4)."""
    sim = Simulation(seed=1)
    sim.create_table("tbl", hash_key="pk")
    client = sim.client("dynamodb")
    for bad in ({"SS": []}, {"N": "1e200"}):
        with pytest.raises(TransactionCanceledException) as info:
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "a"}}}},
                    {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "b"}, "x": bad}}},
                ]
            )
        assert info.value.message.endswith("[None, ValidationError]")
        first, second = info.value.response["CancellationReasons"]
        assert first == {"Code": "None"}
        assert second["Code"] == "ValidationError"
        assert second["Message"]
        assert client.scan(TableName="tbl")["Count"] == 0
    with pytest.raises(ValidationException, match="Supplied AttributeValue is empty"):
        client.transact_write_items(
            TransactItems=[{"Put": {"TableName": "tbl", "Item": {"pk": {"S": "b"}, "x": {}}}}]
        )


def test_client_request_token_longer_than_36_characters_is_rejected() -> None:
    """ClientRequestToken is 1-36 characters: 37 is a ValidationException, nothing applied."""
    sim = Simulation(seed=1)
    sim.create_table("tbl", hash_key="pk")
    client = sim.client("dynamodb")
    put = [{"Put": {"TableName": "tbl", "Item": {"pk": {"S": "a"}}}}]
    with pytest.raises(ValidationException, match="less than or equal to 36"):
        client.transact_write_items(TransactItems=put, ClientRequestToken="t" * 37)
    assert client.scan(TableName="tbl")["Count"] == 0
    client.transact_write_items(TransactItems=put, ClientRequestToken="t" * 36)
    assert client.scan(TableName="tbl")["Count"] == 1


def test_provisioned_throughput_always_carries_number_of_decreases_today() -> None:
    """DescribeTable's ProvisionedThroughput has NumberOfDecreasesToday (0), on-demand too."""
    sim = Simulation(seed=1)
    client = sim.client("dynamodb")
    client.create_table(
        TableName="tbl",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    throughput = client.describe_table(TableName="tbl")["Table"]["ProvisionedThroughput"]
    assert throughput == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 0,
        "WriteCapacityUnits": 0,
    }


def test_create_table_reports_a_key_name_over_255_characters_first() -> None:
    """A KeySchema attribute name over 255 characters fails the request's constraints before
    any incoherence of the schema is looked at (rule H.6)."""
    client = Simulation(seed=1).client("dynamodb")
    long_name = "k" * 256
    with pytest.raises(ValidationException) as info:
        client.create_table(
            TableName="tbl",
            KeySchema=[{"AttributeName": long_name, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    assert info.value.message == (
        f"1 validation error detected: Value '{long_name}' at "
        "'keySchema.1.member.attributeName' failed to satisfy constraint: Member must have "
        "length less than or equal to 255"
    )
    assert client.list_tables()["TableNames"] == []


def test_transact_get_items_reads_items_in_request_order() -> None:
    """TransactGetItems answers one entry per Get, in order: the projected item, or {} for a
    missing one; two read units per 4 KB each (rule H.7)."""
    sim = Simulation(seed=1)
    sim.create_table("tbl", hash_key="pk")
    client = sim.client("dynamodb")
    client.put_item(TableName="tbl", Item={"pk": {"S": "a"}, "n": {"N": "1"}, "s": {"S": "x"}})
    response = client.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "b"}}}},
            {
                "Get": {
                    "TableName": "tbl",
                    "Key": {"pk": {"S": "a"}},
                    "ProjectionExpression": "#n",
                    "ExpressionAttributeNames": {"#n": "n"},
                }
            },
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert response["Responses"] == [{}, {"Item": {"n": {"N": "1"}}}]
    assert response["ConsumedCapacity"] == [{"TableName": "tbl", "CapacityUnits": 4.0}]
    assert_matches_output_shape("dynamodb", "TransactGetItems", response)


def test_transact_get_items_rejects_what_aws_rejects() -> None:
    """Two Gets of one item, a missing table, a key off the schema, over 100 Gets: each is its
    AWS error (rule H.7)."""
    sim = Simulation(seed=1)
    sim.create_table("tbl", hash_key="pk")
    client = sim.client("dynamodb")

    def get(table: str, key: dict[str, Any]) -> dict[str, Any]:
        return {"Get": {"TableName": table, "Key": key}}

    a = {"pk": {"S": "a"}}
    with pytest.raises(ValidationException, match="multiple operations on one item"):
        client.transact_get_items(TransactItems=[get("tbl", a), get("tbl", a)])
    with pytest.raises(ResourceNotFoundException):
        client.transact_get_items(TransactItems=[get("missing", a)])
    with pytest.raises(ValidationException, match="does not match the schema"):
        client.transact_get_items(TransactItems=[get("tbl", {"x": {"S": "a"}})])
    many = [get("tbl", {"pk": {"S": str(i)}}) for i in range(101)]
    with pytest.raises(ValidationException, match="less than or equal to 100"):
        client.transact_get_items(TransactItems=many)
    assert len(client.transact_get_items(TransactItems=many[:100])["Responses"]) == 100
