"""The shape oracles of tests/shapes.py: they accept valid data and can fail on bad data."""

from __future__ import annotations

import copy
import io
import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import create_parser

from streamsim._errors import (
    ConditionalCheckFailedException,
    ExpiredIteratorException,
    InvalidParameterValueException,
    ResourceNotFoundException,
    TransactionCanceledException,
    ValidationException,
)
from tests.shapes import (
    assert_matches_error_shape,
    assert_matches_input_shape,
    assert_matches_output_shape,
    operation_model,
    output_shape_errors,
    validate_dynamodb_stream_event,
    validate_on_failure_record,
)

UTC = timezone.utc
STREAM_ARN = (
    "arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/"
    "2015-06-27T00:48:05.899"
)
SHARD_ID = "shardId-00000001414576573621-f55eea83"


def describe_stream_response() -> dict[str, Any]:
    """A valid DescribeStream response, as boto3 would hand it out."""
    return {
        "StreamDescription": {
            "StreamArn": STREAM_ARN,
            "StreamLabel": "2015-06-27T00:48:05.899",
            "StreamStatus": "ENABLED",
            "StreamViewType": "NEW_AND_OLD_IMAGES",
            "CreationRequestDateTime": datetime(2015, 6, 27, 0, 48, 5, 899000, tzinfo=UTC),
            "TableName": "ExampleTableWithStream",
            "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
            "Shards": [
                {
                    "ShardId": SHARD_ID,
                    "SequenceNumberRange": {
                        "StartingSequenceNumber": "4421584500000000017450439091",
                        "EndingSequenceNumber": "4421584500000000017450439099",
                    },
                }
            ],
        },
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }


def get_records_response() -> dict[str, Any]:
    """A valid GetRecords response with one INSERT and one TTL REMOVE."""
    return {
        "Records": [
            {
                "eventID": "c4ca4238a0b923820dcc509a6f75849b",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "dynamodb": {
                    "ApproximateCreationDateTime": datetime(2015, 4, 9, tzinfo=UTC),
                    "Keys": {"Id": {"N": "101"}},
                    "NewImage": {
                        "Id": {"N": "101"},
                        "Message": {"S": "New item!"},
                        "Blob": {"B": b"\x00\x01"},
                        "Tags": {"SS": ["a", "b"]},
                        "Nested": {"M": {"L": {"L": [{"BOOL": True}, {"NULL": True}]}}},
                    },
                    "SequenceNumber": "4421584500000000017450439091",
                    "SizeBytes": 26,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            },
            {
                "eventID": "eccbc87e4b5ce2fe28308fd9f2a7baf3",
                "eventName": "REMOVE",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "dynamodb": {
                    "ApproximateCreationDateTime": datetime(2015, 4, 9, tzinfo=UTC),
                    "Keys": {"Id": {"N": "101"}},
                    "OldImage": {"Id": {"N": "101"}},
                    "SequenceNumber": "4421584500000000017450439093",
                    "SizeBytes": 38,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
                "userIdentity": {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"},
            },
        ],
        "NextShardIterator": "arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/L|1|AAAA",
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }


def esm_response() -> dict[str, Any]:
    """A valid CreateEventSourceMapping response for a DynamoDB stream."""
    uuid = "14e0db71-xmpl-4eb5-b481-8945cf9d10c2".replace("xmpl", "0000")
    return {
        "UUID": uuid,
        "StartingPosition": "LATEST",
        "BatchSize": 100,
        "MaximumBatchingWindowInSeconds": 0,
        "ParallelizationFactor": 1,
        "EventSourceArn": STREAM_ARN,
        "FilterCriteria": {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:my-function",
        "LastModified": datetime(2024, 1, 1, tzinfo=UTC),
        "LastProcessingResult": "No records processed",
        "State": "Creating",
        "StateTransitionReason": "User action",
        "DestinationConfig": {"OnFailure": {}},
        "MaximumRecordAgeInSeconds": -1,
        "BisectBatchOnFunctionError": False,
        "MaximumRetryAttempts": -1,
        "TumblingWindowInSeconds": 0,
        "FunctionResponseTypes": [],
        "EventSourceMappingArn": (
            f"arn:aws:lambda:us-east-1:123456789012:event-source-mapping:{uuid}"
        ),
        "ResponseMetadata": {"HTTPStatusCode": 202},
    }


def output_error(service: str, operation: str, response: Any) -> str:
    """Run the output check that must fail; return its message."""
    with pytest.raises(AssertionError) as info:
        assert_matches_output_shape(service, operation, response)
    return str(info.value)


# --- output shapes: valid responses pass -------------------------------------------------------


def test_valid_describe_stream_passes() -> None:
    """A well-formed DescribeStream response (with top-level ResponseMetadata) passes."""
    assert_matches_output_shape("dynamodbstreams", "DescribeStream", describe_stream_response())


def test_valid_get_records_passes() -> None:
    """A GetRecords response with images of every kind and a TTL userIdentity passes."""
    assert_matches_output_shape("dynamodbstreams", "GetRecords", get_records_response())


def test_valid_event_source_mapping_passes() -> None:
    """A CreateEventSourceMapping response passes, including ARN patterns and int bounds."""
    assert_matches_output_shape("lambda", "CreateEventSourceMapping", esm_response())


def test_what_botocore_parses_from_the_wire_passes() -> None:
    """A wire-format GetRecords body run through botocore's own parser passes the check.

    This pins the Python types the check expects (aware datetimes, bytes) to what boto3 really
    hands out.
    """
    body = {
        "Records": [
            {
                "eventID": "c4ca4238a0b923820dcc509a6f75849b",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "dynamodb": {
                    "ApproximateCreationDateTime": 1428537600,
                    "Keys": {"Id": {"N": "101"}},
                    "NewImage": {"Id": {"N": "101"}, "Bin": {"B": "AAE="}, "Set": {"BS": ["AA=="]}},
                    "SequenceNumber": "4421584500000000017450439091",
                    "SizeBytes": 26,
                    "StreamViewType": "NEW_AND_OLD_IMAGES",
                },
            }
        ],
        "NextShardIterator": "iterator",
    }
    wire = {"status_code": 200, "headers": {}, "body": json.dumps(body).encode()}
    shape = operation_model("dynamodbstreams", "GetRecords").output_shape
    parsed = create_parser("json").parse(wire, shape)
    assert parsed["Records"][0]["dynamodb"]["NewImage"]["Bin"] == {"B": b"\x00\x01"}
    assert_matches_output_shape("dynamodbstreams", "GetRecords", parsed)


def test_double_accepts_int_and_float() -> None:
    """A double member (ConsumedCapacity.CapacityUnits) takes an int or a float."""
    for units in (1, 1.5):
        response = {"ConsumedCapacity": {"TableName": "T", "CapacityUnits": units}}
        assert_matches_output_shape("dynamodb", "PutItem", response)


def test_streaming_payload_accepts_a_body() -> None:
    """Invoke's Payload (a streaming blob) may be bytes or a readable body."""
    for payload in (b"{}", io.BytesIO(b"{}")):
        response = {"StatusCode": 200, "Payload": payload, "ExecutedVersion": "$LATEST"}
        assert_matches_output_shape("lambda", "Invoke", response)


def test_operation_without_output_takes_empty_dict() -> None:
    """An operation with no output shape accepts {} and rejects any member."""
    assert_matches_output_shape("lambda", "DeleteAlias", {"ResponseMetadata": {}})
    assert "no output members" in output_error("lambda", "DeleteAlias", {"Extra": 1})


# --- output shapes: each kind of mismatch fails, with its path ---------------------------------


def test_wrong_scalar_type_names_the_path() -> None:
    """An int where the model wants a string fails with the full dotted/indexed path."""
    response = describe_stream_response()
    shard = response["StreamDescription"]["Shards"][0]
    shard["SequenceNumberRange"]["StartingSequenceNumber"] = 4421584500000000017450439091
    message = output_error("dynamodbstreams", "DescribeStream", response)
    assert (
        "StreamDescription.Shards[0].SequenceNumberRange.StartingSequenceNumber: "
        "expected str, got int" in message
    )


def test_unknown_member_fails() -> None:
    """A member the shape does not define fails, naming the known members."""
    response = describe_stream_response()
    response["StreamDescription"]["Shards"][0]["Status"] = "OPEN"
    message = output_error("dynamodbstreams", "DescribeStream", response)
    assert "StreamDescription.Shards[0].Status: not a member of Shard" in message


def test_response_metadata_allowed_only_at_top_level() -> None:
    """ResponseMetadata is accepted at the top level and nowhere else."""
    response = describe_stream_response()
    response["StreamDescription"]["ResponseMetadata"] = {}
    assert "StreamDescription.ResponseMetadata" in output_error(
        "dynamodbstreams", "DescribeStream", response
    )


def test_missing_required_member_fails() -> None:
    """KeySchemaElement requires KeyType."""
    response = describe_stream_response()
    del response["StreamDescription"]["KeySchema"][0]["KeyType"]
    message = output_error("dynamodbstreams", "DescribeStream", response)
    assert "StreamDescription.KeySchema[0].KeyType: required by KeySchemaElement" in message


def test_enum_value_outside_model_fails() -> None:
    """StreamStatus must be one of the model's enum values."""
    response = describe_stream_response()
    response["StreamDescription"]["StreamStatus"] = "ACTIVE"
    assert "'ACTIVE' is not one of StreamStatus" in output_error(
        "dynamodbstreams", "DescribeStream", response
    )


def test_string_length_bounds_fail() -> None:
    """A ShardId shorter than the model's 28 characters fails."""
    response = describe_stream_response()
    response["StreamDescription"]["Shards"][0]["ShardId"] = "shardId-1"
    assert "below the minimum 28" in output_error("dynamodbstreams", "DescribeStream", response)


def test_list_length_bounds_fail() -> None:
    """KeySchema needs at least one element."""
    response = describe_stream_response()
    response["StreamDescription"]["KeySchema"] = []
    assert "0 items, below the minimum 1" in output_error(
        "dynamodbstreams", "DescribeStream", response
    )


def test_integer_value_bounds_fail() -> None:
    """SizeBytes is a positive long; BatchSize must not exceed 10000."""
    records = get_records_response()
    records["Records"][0]["dynamodb"]["SizeBytes"] = 0
    assert "below the minimum 1" in output_error("dynamodbstreams", "GetRecords", records)
    mapping = esm_response()
    mapping["BatchSize"] = 10001
    assert "above the maximum 10000" in output_error("lambda", "CreateEventSourceMapping", mapping)


def test_bool_is_not_an_integer_and_int_not_a_bool() -> None:
    """True is rejected as a long, and 0 as a boolean."""
    records = get_records_response()
    records["Records"][0]["dynamodb"]["SizeBytes"] = True
    assert "SizeBytes: expected int, got bool" in output_error(
        "dynamodbstreams", "GetRecords", records
    )
    mapping = esm_response()
    mapping["BisectBatchOnFunctionError"] = 0
    assert "expected bool, got int" in output_error("lambda", "CreateEventSourceMapping", mapping)


def test_timestamp_must_be_timezone_aware_datetime() -> None:
    """Timestamps are aware datetimes: naive datetimes, numbers and strings fail."""
    for bad in (datetime(2015, 4, 9), 1428537600, "2015-04-09T00:00:00Z"):
        records = get_records_response()
        records["Records"][0]["dynamodb"]["ApproximateCreationDateTime"] = bad
        message = output_error("dynamodbstreams", "GetRecords", records)
        assert "ApproximateCreationDateTime: expected timezone-aware datetime" in message


def test_blob_must_be_bytes() -> None:
    """A B attribute value must be bytes (boto3 decodes the base64), not a str."""
    records = get_records_response()
    records["Records"][0]["dynamodb"]["NewImage"]["Blob"] = {"B": "AAE="}
    message = output_error("dynamodbstreams", "GetRecords", records)
    assert "Records[0].dynamodb.NewImage['Blob'].B: expected bytes, got str" in message


def test_double_rejects_strings() -> None:
    """A double member rejects a numeric string."""
    response = {"ConsumedCapacity": {"TableName": "T", "CapacityUnits": "1"}}
    assert "expected float, got str" in output_error("dynamodb", "PutItem", response)


def test_map_and_list_types_are_checked() -> None:
    """A list where a map belongs, and a dict where a list belongs, both fail."""
    records = get_records_response()
    records["Records"][0]["dynamodb"]["Keys"] = [{"N": "1"}]
    assert "Records[0].dynamodb.Keys: expected dict, got list" in output_error(
        "dynamodbstreams", "GetRecords", records
    )
    records = get_records_response()
    records["Records"] = {}
    assert "Records: expected list, got dict" in output_error(
        "dynamodbstreams", "GetRecords", records
    )


def test_pattern_mismatch_fails() -> None:
    """A FunctionArn that does not match the model's pattern fails."""
    mapping = esm_response()
    mapping["FunctionArn"] = "my-function"
    assert "does not match pattern" in output_error("lambda", "CreateEventSourceMapping", mapping)


def test_streaming_payload_rejects_other_values() -> None:
    """Invoke's Payload may not be a str."""
    message = output_error("lambda", "Invoke", {"StatusCode": 200, "Payload": "{}"})
    assert "Payload: expected bytes or a streaming body" in message


def test_every_mismatch_is_reported_at_once() -> None:
    """All problems are listed, not just the first."""
    response = describe_stream_response()
    response["StreamDescription"]["StreamStatus"] = "ACTIVE"
    response["StreamDescription"]["TableName"] = 7
    response["Extra"] = 1
    errors = output_shape_errors("dynamodbstreams", "DescribeStream", response)
    assert [error.split(":")[0] for error in errors] == [
        "Extra",
        "StreamDescription.StreamStatus",
        "StreamDescription.TableName",
    ]


def test_response_must_be_a_dict() -> None:
    """A response that is not a dict fails at the root."""
    assert "(response): expected dict, got list" in output_error(
        "dynamodbstreams", "DescribeStream", []
    )


def test_valid_data_is_not_mutated() -> None:
    """Checking does not change the response."""
    response = get_records_response()
    before = copy.deepcopy(response)
    assert_matches_output_shape("dynamodbstreams", "GetRecords", response)
    assert response == before


# --- errors ------------------------------------------------------------------------------------


def client_error(code: str, message: str = "boom", status: int = 400, **extra: Any) -> ClientError:
    """A botocore ClientError as a real client would raise it."""
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
        **extra,
    }
    return ClientError(response, "Unknown")


def test_declared_streamsim_errors_pass() -> None:
    """streamsim errors declared by the operation pass (ExpiredIterator on GetRecords, ...)."""
    assert_matches_error_shape(
        "dynamodbstreams", "GetRecords", ExpiredIteratorException("Iterator expired")
    )
    assert_matches_error_shape(
        "dynamodbstreams", "DescribeStream", ResourceNotFoundException("no such stream")
    )
    assert_matches_error_shape(
        "lambda", "CreateEventSourceMapping", InvalidParameterValueException("bad filter")
    )


def test_common_errors_pass_undeclared() -> None:
    """ValidationException is not declared by GetRecords but is a common AWS error."""
    assert_matches_error_shape("dynamodbstreams", "GetRecords", ValidationException("Limit 0"))


def test_undeclared_error_fails() -> None:
    """ExpiredIteratorException is not an error DescribeStream can raise."""
    with pytest.raises(AssertionError, match="neither declared"):
        assert_matches_error_shape(
            "dynamodbstreams", "DescribeStream", ExpiredIteratorException("x")
        )


def test_error_needs_code_and_message() -> None:
    """An error response without Message, or with an empty Code, fails."""
    no_message = ClientError(
        {"Error": {"Code": "ValidationException"}},
        "GetRecords",
    )
    with pytest.raises(AssertionError, match="Message"):
        assert_matches_error_shape("dynamodbstreams", "GetRecords", no_message)
    with pytest.raises(AssertionError, match="Code"):
        assert_matches_error_shape("dynamodbstreams", "GetRecords", client_error(""))


def test_plain_exception_fails() -> None:
    """An exception without a ClientError-style .response fails."""
    with pytest.raises(AssertionError, match=r"no \.response"):
        assert_matches_error_shape("dynamodbstreams", "GetRecords", ValueError("x"))


def test_modeled_http_status_is_checked() -> None:
    """Lambda models ResourceNotFoundException as HTTP 404: 404 passes, 400 fails."""
    assert_matches_error_shape(
        "lambda", "GetEventSourceMapping", client_error("ResourceNotFoundException", status=404)
    )
    with pytest.raises(AssertionError, match="HTTP 404"):
        assert_matches_error_shape(
            "lambda",
            "GetEventSourceMapping",
            client_error("ResourceNotFoundException", status=400),
        )


def test_modeled_error_members_are_checked() -> None:
    """Item on ConditionalCheckFailed and CancellationReasons pass; unknown extras fail."""
    item = {"Id": {"N": "1"}}
    assert_matches_error_shape("dynamodb", "PutItem", ConditionalCheckFailedException(item=item))
    reasons = [{"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "failed"}]
    assert_matches_error_shape(
        "dynamodb",
        "TransactWriteItems",
        TransactionCanceledException("cancelled", cancellation_reasons=reasons),
    )
    with pytest.raises(AssertionError, match="Bogus: not a member"):
        assert_matches_error_shape(
            "dynamodb", "PutItem", client_error("ConditionalCheckFailedException", Bogus=1)
        )
    with pytest.raises(AssertionError, match="Item"):
        assert_matches_error_shape(
            "dynamodb", "PutItem", client_error("ConditionalCheckFailedException", Item=[1])
        )


def test_operation_name_must_match() -> None:
    """An error stamped with another operation's name fails."""
    error = ExpiredIteratorException("x").with_operation("GetShardIterator")
    with pytest.raises(AssertionError, match="operation_name"):
        assert_matches_error_shape("dynamodbstreams", "GetRecords", error)


# --- input shapes ------------------------------------------------------------------------------


def test_valid_inputs_pass() -> None:
    """Valid GetRecords and CreateEventSourceMapping keyword arguments pass."""
    assert_matches_input_shape("dynamodbstreams", "GetRecords", {"ShardIterator": "x" * 8})
    assert_matches_input_shape(
        "lambda",
        "CreateEventSourceMapping",
        {
            "FunctionName": "my-function",
            "EventSourceArn": STREAM_ARN,
            "StartingPosition": "TRIM_HORIZON",
            "FilterCriteria": {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
            "BatchSize": 10,
        },
    )


def test_invalid_inputs_fail() -> None:
    """Missing required, unknown, wrongly typed and below-minimum parameters fail."""
    bad_params: list[dict[str, Any]] = [
        {},
        {"ShardIterator": "x" * 8, "Bogus": 1},
        {"ShardIterator": 5},
        {"ShardIterator": "x" * 8, "Limit": 0},
    ]
    for params in bad_params:
        with pytest.raises(AssertionError, match=r"invalid dynamodbstreams\.GetRecords"):
            assert_matches_input_shape("dynamodbstreams", "GetRecords", params)


# --- aws-lambda-powertools models --------------------------------------------------------------

# The Lambda console / documentation sample DynamoDB event (rule D.10), verbatim values.
DOC_EVENT: dict[str, Any] = {
    "Records": [
        {
            "eventID": "c4ca4238a0b923820dcc509a6f75849b",
            "eventName": "INSERT",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "Keys": {"Id": {"N": "101"}},
                "NewImage": {"Message": {"S": "New item!"}, "Id": {"N": "101"}},
                "ApproximateCreationDateTime": 1428537600,
                "SequenceNumber": "4421584500000000017450439091",
                "SizeBytes": 26,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
            "eventSourceARN": STREAM_ARN,
        },
        {
            "eventID": "c81e728d9d4c2f636f067f89cc14862c",
            "eventName": "MODIFY",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "Keys": {"Id": {"N": "101"}},
                "NewImage": {"Message": {"S": "This item has changed"}, "Id": {"N": "101"}},
                "OldImage": {"Message": {"S": "New item!"}, "Id": {"N": "101"}},
                "ApproximateCreationDateTime": 1428537600,
                "SequenceNumber": "4421584500000000017450439092",
                "SizeBytes": 59,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
            "eventSourceARN": STREAM_ARN,
        },
        {
            "eventID": "eccbc87e4b5ce2fe28308fd9f2a7baf3",
            "eventName": "REMOVE",
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": {
                "Keys": {"Id": {"N": "101"}},
                "OldImage": {"Message": {"S": "This item has changed"}, "Id": {"N": "101"}},
                "ApproximateCreationDateTime": 1428537600,
                "SequenceNumber": "4421584500000000017450439093",
                "SizeBytes": 38,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            },
            "eventSourceARN": STREAM_ARN,
        },
    ]
}

# The documented on-failure destination record for a DynamoDB stream (rule D.7), verbatim.
ON_FAILURE_RECORD: dict[str, Any] = {
    "requestContext": {
        "requestId": "316aa6d0-8154-xmpl-9af7-85d5f4a6bc81",
        "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:myfunction",
        "condition": "RetryAttemptsExhausted",
        "approximateInvokeCount": 1,
    },
    "responseContext": {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    },
    "version": "1.0",
    "timestamp": "2019-11-14T00:13:49.717Z",
    "DDBStreamBatchInfo": {
        "shardId": "shardId-00000001573689847184-864758bb",
        "startSequenceNumber": "800000000003126276362",
        "endSequenceNumber": "800000000003126276362",
        "approximateArrivalOfFirstRecord": "2019-11-14T00:13:19Z",
        "approximateArrivalOfLastRecord": "2019-11-14T00:13:19Z",
        "batchSize": 1,
        "streamArn": (
            "arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388"
        ),
    },
}


def test_documented_event_parses() -> None:
    """The AWS sample DynamoDB event parses with powertools' DynamoDBStreamModel."""
    model = validate_dynamodb_stream_event(DOC_EVENT)
    assert [r.eventName for r in model.Records] == ["INSERT", "MODIFY", "REMOVE"]
    assert model.Records[0].dynamodb.Keys == {"Id": Decimal(101)}
    assert model.Records[2].dynamodb.NewImage is None


def test_ttl_user_identity_parses() -> None:
    """A TTL deletion's userIdentity (lower-case keys in the Lambda event) parses."""
    event = copy.deepcopy(DOC_EVENT)
    event["Records"][2]["userIdentity"] = {
        "type": "Service",
        "principalId": "dynamodb.amazonaws.com",
    }
    model = validate_dynamodb_stream_event(event)
    assert model.Records[2].userIdentity.principalId == "dynamodb.amazonaws.com"


def test_bad_event_fails() -> None:
    """An unknown eventName or a missing Keys fails with an AssertionError."""
    event = copy.deepcopy(DOC_EVENT)
    event["Records"][0]["eventName"] = "UPDATE"
    with pytest.raises(AssertionError, match="eventName"):
        validate_dynamodb_stream_event(event)
    event = copy.deepcopy(DOC_EVENT)
    del event["Records"][1]["dynamodb"]["Keys"]
    with pytest.raises(AssertionError, match="Keys"):
        validate_dynamodb_stream_event(event)


def test_documented_on_failure_record_parses() -> None:
    """The documented on-failure record parses, from a dict and from its JSON message body."""
    for body in (ON_FAILURE_RECORD, json.dumps(ON_FAILURE_RECORD)):
        model = validate_on_failure_record(body)
        assert model.request_context.condition == "RetryAttemptsExhausted"
        assert model.ddb_stream_batch_info.batch_size == 1
        assert model.ddb_stream_batch_info.shard_id == "shardId-00000001573689847184-864758bb"
        assert model.timestamp == datetime(2019, 11, 14, 0, 13, 49, 717000, tzinfo=UTC)


def test_bad_on_failure_record_fails() -> None:
    """A record without DDBStreamBatchInfo, or a body that is not JSON, fails."""
    record = {k: v for k, v in ON_FAILURE_RECORD.items() if k != "DDBStreamBatchInfo"}
    with pytest.raises(AssertionError, match="DDBStreamBatchInfo"):
        validate_on_failure_record(record)
    with pytest.raises(AssertionError):
        validate_on_failure_record("not json")


def test_on_failure_model_requires_response_context() -> None:
    """powertools requires responseContext, which emulators omit when never invoked (rule D.7)."""
    record = {k: v for k, v in ON_FAILURE_RECORD.items() if k != "responseContext"}
    with pytest.raises(AssertionError, match="responseContext"):
        validate_on_failure_record(record)
