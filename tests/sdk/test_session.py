"""``sim.boto3_session()``: real boto3 clients and resources answered by one simulation."""

from __future__ import annotations

import subprocess
import sys
import zlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from boto3.dynamodb.types import Binary
from botocore.exceptions import ClientError

from streamsim import Simulation, SimulationError
from streamsim._sdk import require_sdk

SRC = Path(__file__).resolve().parents[2] / "src"


def key_schema(name: str) -> dict[str, Any]:
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }


def test_session_clients_are_answered_by_the_simulation() -> None:
    """A table made and written through boto3 is the simulation's table."""
    sim = Simulation(seed=1)
    client = sim.boto3_session().client("dynamodb")
    client.create_table(**key_schema("orders"))
    client.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "1.50"}})
    assert sim.table("orders").get_item(Key={"pk": "a"})["Item"] == {"pk": "a", "n": Decimal("1.5")}


def test_resource_table_round_trips_python_values() -> None:
    """boto3's resource Table converts Decimal, Binary, sets, maps and lists both ways."""
    sim = Simulation(seed=1)
    sim.create_table("things", hash_key="pk")
    table = sim.boto3_session().resource("dynamodb").Table("things")
    item = {
        "pk": "x",
        "n": Decimal("3.25"),
        "b": Binary(b"\x00\xff"),
        "ss": {"a", "b"},
        "bs": {Binary(b"\x01"), Binary(b"\x02")},
        "m": {"l": [Decimal(1), "two", None, True]},
    }
    table.put_item(Item=item)
    assert table.get_item(Key={"pk": "x"})["Item"] == item
    assert sim.table("things").get_item(Key={"pk": "x"})["Item"] == item


def test_two_simulations_never_see_each_other() -> None:
    """Sessions of two simulations answer from their own simulation only."""
    one, two = Simulation(seed=1), Simulation(seed=1)
    one.create_table("only-in-one", hash_key="pk")
    assert one.boto3_session().client("dynamodb").list_tables()["TableNames"] == ["only-in-one"]
    assert two.boto3_session().client("dynamodb").list_tables()["TableNames"] == []


def test_other_services_refuse_naming_streamsim() -> None:
    """A call to any other service raises SimulationError naming streamsim; nothing is sent."""
    s3 = Simulation(seed=1).boto3_session().client("s3")
    with pytest.raises(SimulationError, match="streamsim simulates only"):
        s3.list_buckets()


def test_user_environment_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """AWS_PROFILE, config files, AWS_ENDPOINT_URL and AWS_DEFAULT_REGION change nothing."""
    config = tmp_path / "config"
    config.write_text("[profile p]\nregion = eu-north-1\nendpoint_url = http://127.0.0.1:9\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "missing"))
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "7")
    sim = Simulation(seed=1, region="ap-southeast-2")
    sim.create_table("t-env", hash_key="pk")
    client = sim.boto3_session().client("dynamodb")
    assert client.meta.region_name == "ap-southeast-2"
    assert client.meta.endpoint_url == "https://dynamodb.ap-southeast-2.amazonaws.com"
    assert client.list_tables()["TableNames"] == ["t-env"]
    assert client.meta.config.retries == {"mode": "legacy", "total_max_attempts": 1}


def test_retries_are_off_unless_a_client_asks() -> None:
    """Clients make one attempt by default; a client's own Config(retries=...) still applies."""
    from botocore.config import Config

    session = Simulation(seed=1).boto3_session()
    assert session.client("dynamodb").meta.config.retries["total_max_attempts"] == 1
    asked = session.client("dynamodb", config=Config(retries={"total_max_attempts": 3}))
    assert asked.meta.config.retries["total_max_attempts"] == 3


def test_region_name_is_kept() -> None:
    """boto3_session(region_name=...) gives clients that region."""
    session = Simulation(seed=1).boto3_session(region_name="eu-west-1")
    assert session.client("lambda").meta.region_name == "eu-west-1"


def test_errors_are_botocores_modeled_classes() -> None:
    """An AWS error arrives as client.exceptions.<Code>, a ClientError with code and message."""
    client = Simulation(seed=1).boto3_session().client("dynamodb")
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.describe_table(TableName="missing")
    assert isinstance(info.value, ClientError)
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_condition_failure_returns_the_old_item() -> None:
    """ConditionalCheckFailedException carries Item (ReturnValuesOnConditionCheckFailure)."""
    sim = Simulation(seed=1)
    sim.create_table("cond", hash_key="pk")
    client = sim.boto3_session().client("dynamodb")
    client.put_item(TableName="cond", Item={"pk": {"S": "a"}, "b": {"B": b"\x07"}})
    with pytest.raises(client.exceptions.ConditionalCheckFailedException) as info:
        client.put_item(
            TableName="cond",
            Item={"pk": {"S": "a"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert info.value.response["Item"] == {"pk": {"S": "a"}, "b": {"B": b"\x07"}}


def test_lambda_errors_carry_the_http_status_of_the_model() -> None:
    """Lambda's ResourceNotFoundException arrives as a 404, as from AWS."""
    client = Simulation(seed=1).boto3_session().client("lambda")
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.get_function(FunctionName="missing")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_binary_values_and_timestamps_cross_the_wire_exactly() -> None:
    """GetRecords through boto3 equals the face's: base64 blobs and epoch timestamps decode back."""
    sim = Simulation(seed=1, start=datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC))
    table = sim.create_table("bin", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES")
    sim.advance(milliseconds=1234)
    table.put_item(Item={"pk": "a", "b": b"\x00\x01", "bs": {b"\x02", b"\x03"}})
    face = sim.client("dynamodbstreams")
    real = sim.boto3_session().client("dynamodbstreams")
    arn = sim.streams[0].arn
    shard = table.stream.open_shards[0].shard_id
    records = []
    for client in (face, real):
        iterator = client.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records.append(client.get_records(ShardIterator=iterator)["Records"])
    assert records[0] == records[1]
    created = records[1][0]["dynamodb"]["ApproximateCreationDateTime"]
    assert created == datetime(2024, 5, 1, 12, 0, 1, tzinfo=UTC)
    assert records[1][0]["dynamodb"]["NewImage"]["b"] == {"B": b"\x00\x01"}


def test_paginators_and_waiters_are_botocores() -> None:
    """get_paginator and get_waiter are botocore's own, driving the simulation."""
    sim = Simulation(seed=1)
    client = sim.boto3_session().client("dynamodb")
    client.create_table(**key_schema("paged"))
    client.get_waiter("table_exists").wait(TableName="paged")
    for i in range(7):
        client.put_item(TableName="paged", Item={"pk": {"S": f"k{i}"}})
    pages = list(client.get_paginator("scan").paginate(TableName="paged", Limit=3))
    assert [page["Count"] for page in pages] == [3, 3, 1]
    assert type(client.get_paginator("scan")).__module__.startswith("botocore")


def test_dynamodb_responses_carry_a_crc32_of_the_body() -> None:
    """x-amz-crc32 is the CRC32 of the exact body bytes (botocore checks it)."""
    sim = Simulation(seed=1)
    response = sim._sdk_adapter().handle(
        "POST", "/", "", {"x-amz-target": "DynamoDB_20120810.ListTables"}, b"{}"
    )
    assert response.headers["x-amz-crc32"] == str(zlib.crc32(response.body))


def test_moto_never_sees_the_sessions_requests() -> None:
    """With moto's mock_aws active, the session is still answered by streamsim alone."""
    moto = pytest.importorskip("moto")
    import boto3

    sim = Simulation(seed=1)
    with moto.mock_aws():
        client = sim.boto3_session().client("dynamodb")
        client.create_table(**key_schema("sim-only"))
        moto_tables = boto3.client("dynamodb", region_name="us-east-1").list_tables()
    assert moto_tables["TableNames"] == []
    assert [t.name for t in sim.tables] == ["sim-only"]


def test_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without boto3 installed, the bridge says to pip install 'streamsim[boto3]'."""
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(ModuleNotFoundError, match=r"streamsim\[boto3\]"):
        require_sdk("boto3")


def test_import_streamsim_needs_no_botocore() -> None:
    """streamsim imports without botocore and boto3; the session then names the extra."""
    code = (
        "import sys\n"
        "sys.modules['botocore'] = sys.modules['boto3'] = None\n"
        "import streamsim\n"
        "sim = streamsim.Simulation(seed=1)\n"
        "sim.create_table('t-nosdk', hash_key='pk')\n"
        "try:\n"
        "    sim.boto3_session()\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": ""},
        check=True,
    )
    assert "pip install 'streamsim[boto3]'" in result.stdout


@pytest.mark.parametrize("pattern", ["single-string", '[{"eventName": ["INSERT"=123}]'])
def test_rule_d8_invalid_filter_pattern_through_boto3_is_aws_exact_text(pattern: str) -> None:
    """Rule D.8: through real boto3, a malformed pattern is a 400 InvalidParameterValueException
    whose message is exactly AWS's (as recorded)."""
    sim = Simulation(seed=1)
    table = sim.create_table("src", hash_key="pk", stream_view_type="NEW_IMAGE")
    sim.create_function("fn", lambda event, context: None)
    client = sim.boto3_session().client("lambda")
    with pytest.raises(client.exceptions.InvalidParameterValueException) as info:
        client.create_event_source_mapping(
            FunctionName="fn",
            EventSourceArn=table.latest_stream_arn,
            StartingPosition="TRIM_HORIZON",
            FilterCriteria={"Filters": [{"Pattern": pattern}]},
        )
    assert info.value.response["Error"]["Message"] == "Invalid filter pattern definition."
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_rule_d1_duplicate_mapping_through_boto3_is_aws_exact_text() -> None:
    """Rule D.1: through real boto3, a second mapping of a function to a stream is a 409 with
    AWS's exact message (as recorded, quotes and spaces included)."""
    sim = Simulation(seed=1)
    table = sim.create_table("src", hash_key="pk", stream_view_type="NEW_IMAGE")
    sim.create_function("fn", lambda event, context: None)
    client = sim.boto3_session().client("lambda")
    arn = table.latest_stream_arn
    first = client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=arn, StartingPosition="TRIM_HORIZON"
    )
    with pytest.raises(client.exceptions.ResourceConflictException) as info:
        client.create_event_source_mapping(
            FunctionName="fn", EventSourceArn=arn, StartingPosition="TRIM_HORIZON"
        )
    assert info.value.response["Error"]["Message"] == (
        f'The event source arn (" {arn} ") and function (" fn ") provided mapping already '
        f"exists. Please update or delete the existing mapping with UUID {first['UUID']}"
    )
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
