"""The same answers everywhere: ``sim.client``, ``sim.boto3_session()`` and the HTTP endpoint.

One script of calls (DynamoDB, DynamoDB Streams, Lambda; successes and AWS errors; virtual
time passing with a mapping delivering records) runs against three twin simulations (the same
seed), each reached a different way.  Every response (RequestId and HTTP status included),
every error (code, message, status, modeled members) and every event the Lambda handler
received must be the same.
"""

from __future__ import annotations

import functools
import json
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError

from streamsim import Simulation

#: members of an error response botocore adds from the error's model (the message again,
#: Lambda's Type) that the native face does not repeat
_MODEL_ECHOES = {"Error", "ResponseMetadata", "message", "Message", "Type"}


def normal(value: Any) -> Any:
    """``value`` with datetimes as UTC ISO text (botocore parses them into tzlocal())."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict):
        return {key: normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normal(item) for item in value]
    return value


@functools.cache
def output_shape(service: str, method: str) -> Any:
    """The installed botocore's output shape of ``service``'s ``method``."""
    model = botocore.session.get_session().get_service_model(service)
    operation = next(op for op in model.operation_names if botocore.xform_name(op) == method)
    return model.operation_model(operation).output_shape


def known(shape: Any, value: Any) -> Any:
    """``value`` without the members the installed botocore's model does not define.

    The face follows the newest service model; an older botocore's parser drops members its
    model lacks (``MetricsConfig`` before botocore 1.35), so the ways are compared on what the
    installed botocore knows (everything, with the newest).
    """
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: known(shape.members[k], v) for k, v in value.items() if k in shape.members}
    if shape.type_name == "list" and isinstance(value, list):
        return [known(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: known(shape.value, v) for k, v in value.items()}
    return value


def outcome(call: Callable[[], dict[str, Any]], shape: Any = None) -> tuple[Any, ...]:
    """What a call returned or raised, in a form the three ways can be compared in."""
    try:
        response = call()
    except ClientError as exc:  # streamsim's errors are ClientErrors too
        error = exc.response
        extra = {k: normal(v) for k, v in error.items() if k not in _MODEL_ECHOES}
        status = error["ResponseMetadata"]["HTTPStatusCode"]
        return ("error", error["Error"]["Code"], error["Error"]["Message"], status, extra)
    metadata = response.pop("ResponseMetadata")
    return ("ok", normal(known(shape, response)), metadata["RequestId"], metadata["HTTPStatusCode"])


class Way:
    """One way of reaching a simulation: its clients and how it advances time."""

    def __init__(
        self, sim: Simulation, clients: Callable[[str], Any], advance: Callable[[int], Any]
    ):
        self.sim = sim
        self.clients = {name: clients(name) for name in ("dynamodb", "dynamodbstreams", "lambda")}
        self.advance = advance
        self.log: list[tuple[Any, ...]] = []
        self.events: list[str] = []

    def call(self, service: str, method: str, **params: Any) -> dict[str, Any]:
        """Call, log the outcome, return the response (``{}`` after an error)."""
        call = getattr(self.clients[service], method)
        result = outcome(lambda: call(**params), output_shape(service, method))
        self.log.append((service, method, result))
        return result[1] if result[0] == "ok" else {}


def script(way: Way) -> None:
    """The calls every way makes, in order."""
    sim = way.sim
    sim.create_function("audit", lambda event, _: way.events.append(json.dumps(event)))
    key = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    table = {
        "TableName": "orders",
        "KeySchema": key,
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    }
    db = "dynamodb"
    way.call(db, "create_table", **table)
    way.call(db, "create_table", **table)  # ResourceInUseException
    way.call(db, "describe_table", TableName="orders")
    way.call(db, "describe_table", TableName="missing")  # ResourceNotFoundException
    way.call(db, "list_tables")
    arn = sim.streams[0].arn
    mapping = way.call(
        "lambda",
        "create_event_source_mapping",
        FunctionName="audit",
        EventSourceArn=arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=3,
    )
    way.advance(1)
    rich = {
        "pk": {"S": "a"},
        "sk": {"N": "1"},
        "b": {"B": b"\x00\xff"},
        "bs": {"BS": [b"\x01", b"\x02"]},
        "ns": {"NS": ["1.50", "2"]},
        "m": {"M": {"l": {"L": [{"NULL": True}, {"BOOL": False}, {"S": "x"}]}}},
    }
    way.call(db, "put_item", TableName="orders", Item=rich)
    for i in range(2, 7):
        way.call(db, "put_item", TableName="orders", Item={"pk": {"S": "a"}, "sk": {"N": str(i)}})
    way.call(
        db,
        "put_item",
        TableName="orders",
        Item={"pk": {"S": "a"}, "sk": {"N": "1"}},
        ConditionExpression="attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )  # ConditionalCheckFailedException carrying Item
    way.call(db, "put_item", TableName="orders", Item={"pk": {"S": ""}, "sk": {"N": "1"}})
    way.call(db, "get_item", TableName="orders", Key={"pk": {"S": "a"}, "sk": {"N": "1"}})
    way.call(
        db,
        "update_item",
        TableName="orders",
        Key={"pk": {"S": "a"}, "sk": {"N": "2"}},
        UpdateExpression="SET #n = :n ADD hits :one",
        ExpressionAttributeNames={"#n": "note"},
        ExpressionAttributeValues={":n": {"S": "hello"}, ":one": {"N": "1"}},
        ReturnValues="ALL_NEW",
    )
    first = way.call(
        db,
        "query",
        TableName="orders",
        KeyConditionExpression="pk = :a AND sk > :z",
        ExpressionAttributeValues={":a": {"S": "a"}, ":z": {"N": "1"}},
        Limit=2,
    )
    if "LastEvaluatedKey" in first:
        way.call(db, "scan", TableName="orders", ExclusiveStartKey=first["LastEvaluatedKey"])
    way.call(
        db,
        "batch_write_item",
        RequestItems={
            "orders": [
                {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"N": "6"}}}},
            ]
        },
    )
    way.call(
        db,
        "batch_get_item",
        RequestItems={"orders": {"Keys": [{"pk": {"S": "b"}, "sk": {"N": "1"}}]}},
    )
    way.call(
        db,
        "transact_write_items",
        TransactItems=[
            {"Put": {"TableName": "orders", "Item": {"pk": {"S": "c"}, "sk": {"N": "1"}}}},
            {
                "ConditionCheck": {
                    "TableName": "orders",
                    "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ],
    )  # TransactionCanceledException with CancellationReasons
    way.call(
        db,
        "delete_item",
        TableName="orders",
        Key={"pk": {"S": "a"}, "sk": {"N": "3"}},
        ReturnValues="ALL_OLD",
    )
    way.call(
        db,
        "update_time_to_live",
        TableName="orders",
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"},
    )
    way.call(db, "describe_time_to_live", TableName="orders")
    way.advance(10)
    st = "dynamodbstreams"
    way.call(st, "list_streams")
    described = way.call(st, "describe_stream", StreamArn=arn)
    for shard in described.get("StreamDescription", {}).get("Shards", []):
        iterator = way.call(
            st,
            "get_shard_iterator",
            StreamArn=arn,
            ShardId=shard["ShardId"],
            ShardIteratorType="TRIM_HORIZON",
        )
        way.call(st, "get_records", ShardIterator=iterator["ShardIterator"], Limit=4)
    way.call(
        st,
        "get_shard_iterator",
        StreamArn=arn,
        ShardId="shardId-00000001704067200000-0000ffff",
        ShardIteratorType="LATEST",
    )
    way.call(st, "get_records", ShardIterator="not-an-iterator-but-long-enough")
    lam = "lambda"
    uuid = mapping.get("UUID", "")
    way.call(lam, "get_event_source_mapping", UUID=uuid)
    way.call(lam, "update_event_source_mapping", UUID=uuid, BatchSize=5)
    way.call(lam, "list_event_source_mappings", FunctionName="audit")
    way.call(lam, "get_event_source_mapping", UUID="00000000-0000-0000-0000-000000000000")
    way.call(lam, "put_function_concurrency", FunctionName="audit", ReservedConcurrentExecutions=2)
    way.call(lam, "get_function_concurrency", FunctionName="audit")
    way.call(lam, "delete_function_concurrency", FunctionName="audit")
    way.call(lam, "get_function", FunctionName="audit")
    way.call(lam, "get_function", FunctionName="missing")
    way.advance(5)
    way.call(lam, "delete_event_source_mapping", UUID=uuid)
    way.call(db, "delete_table", TableName="orders")


@contextmanager
def three_ways(seed: int) -> Iterator[list[Way]]:
    """The face, the in-process session and the endpoint, on twin simulations."""
    face_sim, session_sim, served_sim = (Simulation(seed=seed) for _ in range(3))
    session = session_sim.boto3_session()
    with served_sim.serve(port=0) as server:

        def endpoint_client(service: str) -> Any:
            return boto3.session.Session().client(
                service,
                endpoint_url=server.url,
                region_name="us-east-1",
                aws_access_key_id="fake",
                aws_secret_access_key="fake",
                config=Config(retries={"mode": "legacy", "total_max_attempts": 1}),
            )

        def admin_advance(seconds: int) -> None:
            body = json.dumps({"seconds": seconds}).encode()
            request = urllib.request.Request(
                server.url + "/_streamsim/advance", data=body, method="POST"
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.status == 200

        yield [
            Way(face_sim, face_sim.client, lambda s: face_sim.advance(seconds=s)),
            Way(session_sim, session.client, lambda s: session_sim.advance(seconds=s)),
            Way(served_sim, endpoint_client, admin_advance),
        ]


def test_face_session_and_endpoint_give_the_same_answers() -> None:
    """Every response, error and delivered event is the same through all three ways."""
    with three_ways(seed=3) as ways:
        for way in ways:
            script(way)
    face, session, endpoint = ways
    assert len(face.log) >= 40
    kinds = {entry[2][0] for entry in face.log}
    assert kinds == {"ok", "error"}
    codes = {entry[2][1] for entry in face.log if entry[2][0] == "error"}
    assert {"ConditionalCheckFailedException", "TransactionCanceledException"} <= codes
    for other in (session, endpoint):
        for mine, theirs in zip(face.log, other.log, strict=True):
            assert mine == theirs
    assert face.events
    assert face.events == session.events == endpoint.events
