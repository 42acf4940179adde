"""Shaping DynamoDB responses: ConsumedCapacity, write results, TableDescription, TTL.

One renderer per shape, shared by both DynamoDB faces; each builds fresh containers from the
model's values.

AWS behaviour: DynamoDB API Reference (ConsumedCapacity, TableDescription,
TimeToLiveDescription); rule C.1 (StreamSpecification, LatestStreamArn, LatestStreamLabel).
"""

from __future__ import annotations

from typing import Any, Final

from streamsim._clock import ms_to_datetime
from streamsim._dynamodb._catalog import TableMeta
from streamsim._dynamodb._table import TableEngine
from streamsim._items import Item


def capacity(mode: str, table: str, units: float, kind: str) -> dict[str, Any] | None:
    """ConsumedCapacity as AWS reports it for ``ReturnConsumedCapacity`` TOTAL / INDEXES.

    AWS behaviour (rule H.35): TOTAL gives the table's name and the units consumed; INDEXES
    adds the part of the table itself (``Table``), and of each index the request touched.
    ``kind`` (``"Read"`` / ``"Write"``) names the units, for callers that report them apart.

    >>> capacity("TOTAL", "t", 1, "Write")
    {'TableName': 't', 'CapacityUnits': 1.0}
    >>> capacity("INDEXES", "t", 0.5, "Read")
    {'TableName': 't', 'CapacityUnits': 0.5, 'Table': {'CapacityUnits': 0.5}}
    >>> capacity("NONE", "t", 1, "Write") is None
    True
    """
    if mode == "NONE":
        return None
    out: dict[str, Any] = {"TableName": table, "CapacityUnits": float(units)}
    if mode == "INDEXES":
        out["Table"] = {"CapacityUnits": float(units)}
    return out


def capacity_list(mode: str, used: dict[str, int], kind: str) -> list[Any]:
    """ConsumedCapacity of a multi-table operation: one entry per table, in request order."""
    return [capacity(mode, name, units, kind) for name, units in used.items()]


def write_response(
    attributes: Item | None, mode: str, table: TableEngine, units: int
) -> dict[str, Any]:
    """The response of PutItem, UpdateItem and DeleteItem: Attributes and ConsumedCapacity."""
    out: dict[str, Any] = {}
    if attributes is not None:
        out["Attributes"] = attributes
    used = capacity(mode, table.name, units, "Write")
    if used is not None:
        out["ConsumedCapacity"] = used
    return out


def table_description(
    engine: TableEngine, meta: TableMeta, status: str | None = None
) -> dict[str, Any]:
    """DescribeTable's ``TableDescription`` of ``engine`` (fresh containers).

    AWS behaviour: rule C.1 (StreamSpecification, LatestStreamArn, LatestStreamLabel).
    Differs from AWS: ItemCount and TableSizeBytes are live, not refreshed every six hours;
    after a stream is disabled LatestStreamArn/LatestStreamLabel stay and
    StreamSpecification is omitted (rule C.1 UNCONFIRMED).
    """
    out: dict[str, Any] = {
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in meta.attribute_definitions
        ],
        "TableName": engine.name,
        "KeySchema": [{"AttributeName": name, "KeyType": kind} for name, kind in engine.key_schema],
        "TableStatus": status or engine.status,
        "CreationDateTime": ms_to_datetime(engine.created_ms),
        # NumberOfDecreasesToday: always there, 0 (capacity is never decreased here), although
        # the service model's minimum is 1
        "ProvisionedThroughput": {
            "NumberOfDecreasesToday": 0,
            "ReadCapacityUnits": meta.read_units,
            "WriteCapacityUnits": meta.write_units,
        },
        "TableSizeBytes": engine.size_bytes,
        "ItemCount": len(engine),
        "TableArn": engine.arn,
        "TableId": meta.table_id,
    }
    if meta.billing_mode == "PAY_PER_REQUEST":
        out["BillingModeSummary"] = {
            "BillingMode": "PAY_PER_REQUEST",
            "LastUpdateToPayPerRequestDateTime": ms_to_datetime(meta.ppr_since_ms),
        }
    else:
        out["BillingModeSummary"] = {"BillingMode": "PROVISIONED"}
    if engine.stream is not None:
        out["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": engine.stream.view_type,
        }
    latest = engine.latest_stream
    if latest is not None:
        out["LatestStreamLabel"] = latest.label
        out["LatestStreamArn"] = latest.arn
    if meta.table_class is not None:
        out["TableClassSummary"] = {"TableClass": meta.table_class}
    out["DeletionProtectionEnabled"] = meta.deletion_protection
    return out


def ttl_description(engine: TableEngine) -> dict[str, Any]:
    """DescribeTimeToLive's ``TimeToLiveDescription`` (the attribute only while enabled)."""
    out: dict[str, Any] = {"TimeToLiveStatus": engine.ttl.status}
    if engine.ttl.enabled and engine.ttl.attribute is not None:
        out["AttributeName"] = engine.ttl.attribute
    return out


#: What DescribeTable shows that DeleteTable's description leaves out (rule H.36).
_NOT_IN_DELETE: Final = (
    "AttributeDefinitions",
    "KeySchema",
    "CreationDateTime",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
)


def deleted_description(description: dict[str, Any]) -> dict[str, Any]:
    """DeleteTable's ``TableDescription``: DescribeTable's without the schema and creation time.

    >>> deleted_description({"TableName": "t", "KeySchema": [], "ItemCount": 0})
    {'TableName': 't', 'ItemCount': 0}
    """
    return {k: v for k, v in description.items() if k not in _NOT_IN_DELETE}
