"""Properties of the wire: any item crosses it exactly; any request gets an HTTP answer."""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import DYNAMODB_CONTEXT
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from streamsim import Simulation
from tests.strategies import python_items, to_boto3

SIM = Simulation(seed=1)
SIM.create_table("props", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES")
TABLE = SIM.boto3_session().resource("dynamodb").Table("props")
ADAPTER = SIM._sdk_adapter()
TARGETS = [
    "DynamoDB_20120810.PutItem",
    "DynamoDB_20120810.Query",
    "DynamoDB_20120810.TransactWriteItems",
    "DynamoDBStreams_20120810.GetRecords",
    "DynamoDBStreams_20120810.DescribeStream",
    "Nope.Nothing",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["TableName", "Item", "S", "B", "N", "Key", "x"]), children
        )
    ),
    max_leaves=12,
)


def as_read(value: Any) -> Any:
    """``value`` as boto3 reads it back: tuples are lists (both are written as ``L``)."""
    if isinstance(value, (list, tuple)):
        return [as_read(v) for v in value]
    if isinstance(value, dict):
        return {k: as_read(v) for k, v in value.items()}
    return value


def readable_by_boto3(value: Any) -> bool:
    """Whether boto3's deserializer takes every number of ``value`` back.

    DynamoDB writes numbers without exponents (``1E+38`` comes back as 39 digits), and boto3's
    38-digit context traps the rounding of such a number (``decimal.Rounded``), with AWS as
    with streamsim.
    """
    if isinstance(value, Decimal):
        try:
            DYNAMODB_CONTEXT.create_decimal(format(value.normalize(), "f"))
        except decimal.DecimalException:
            return False
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(readable_by_boto3(v) for v in value)
    if isinstance(value, dict):
        return all(readable_by_boto3(v) for v in value.values())
    return True


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(item=python_items())
def test_any_item_crosses_the_wire_exactly(item: dict[str, Any]) -> None:
    """An item put through boto3's resource reads back equal through boto3 and the face."""
    assume(readable_by_boto3(item))
    item = as_read(to_boto3({**item, "pk": "k"}))
    TABLE.put_item(Item=item)
    assert TABLE.get_item(Key={"pk": "k"})["Item"] == item
    assert SIM.table("props").get_item(Key={"pk": "k"})["Item"] == item


@given(
    target=st.sampled_from(TARGETS),
    body=st.one_of(st.binary(max_size=64), json_values.map(lambda v: json.dumps(v).encode())),
)
def test_any_request_gets_an_http_answer(target: str, body: bytes) -> None:
    """Whatever the body, the adapter answers with a status and a JSON body; nothing raises."""
    response = ADAPTER.handle("POST", "/", "", {"x-amz-target": target}, body)
    assert 200 <= response.status < 600
    payload = json.loads(response.body)
    if response.status >= 400:
        assert payload["__type"].rsplit("#", 1)[1] != "InternalServerError", payload


@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.sampled_from(
        [
            "/2015-03-31/event-source-mappings",
            "/2015-03-31/event-source-mappings/x",
            "/2015-03-31/functions/f",
            "/2017-10-31/functions/f/concurrency",
            "/2015-03-31/functions/f/invocations",
            "/",
        ]
    ),
    query=st.text(max_size=20),
    body=st.one_of(st.binary(max_size=32), json_values.map(lambda v: json.dumps(v).encode())),
)
def test_any_lambda_request_gets_an_http_answer(
    method: str, path: str, query: str, body: bytes
) -> None:
    """Any REST request answers with a status and JSON (or an empty 204); nothing raises."""
    response = ADAPTER.handle(method, path, query, {}, body)
    assert 200 <= response.status < 600
    if response.body:
        payload = json.loads(response.body)
        assert response.headers.get("x-amzn-ErrorType") != "InternalServerError", payload
