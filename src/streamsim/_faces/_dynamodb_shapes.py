"""DynamoDB's operations and nested structures, as botocore's client-side validation knows them.

From botocore's ``dynamodb/2012-08-10/service-2.json`` (botocore 1.44): both DynamoDB faces
(the client and the resource ``Table``) check requests against these tables
(:func:`streamsim._faces._params.validate_params`).
"""

from __future__ import annotations

from ._param_shapes import ListOf, OperationSpec, Struct, struct

_O = None  # no minimum

#: operation -> (required members, ((member, kind, minimum), ...)), from botocore's
#: ``dynamodb/2012-08-10/service-2.json`` (botocore 1.44).
OPERATIONS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str, int | None], ...]]] = {
    "CreateTable": (
        ("TableName",),
        (
            ("AttributeDefinitions", "list", _O),
            ("TableName", "str", 1),
            ("KeySchema", "list", 1),
            ("LocalSecondaryIndexes", "list", _O),
            ("GlobalSecondaryIndexes", "list", _O),
            ("BillingMode", "str", _O),
            ("ProvisionedThroughput", "dict", _O),
            ("StreamSpecification", "dict", _O),
            ("SSESpecification", "dict", _O),
            ("Tags", "list", _O),
            ("TableClass", "str", _O),
            ("DeletionProtectionEnabled", "bool", _O),
            ("WarmThroughput", "dict", _O),
            ("ResourcePolicy", "str", _O),
            ("OnDemandThroughput", "dict", _O),
            ("GlobalTableSourceArn", "str", 1),
            ("GlobalTableSettingsReplicationMode", "str", _O),
            ("VectorIndexes", "list", _O),
        ),
    ),
    "DescribeTable": (("TableName",), (("TableName", "str", 1),)),
    "UpdateTable": (
        ("TableName",),
        (
            ("AttributeDefinitions", "list", _O),
            ("TableName", "str", 1),
            ("BillingMode", "str", _O),
            ("ProvisionedThroughput", "dict", _O),
            ("GlobalSecondaryIndexUpdates", "list", _O),
            ("StreamSpecification", "dict", _O),
            ("SSESpecification", "dict", _O),
            ("ReplicaUpdates", "list", 1),
            ("TableClass", "str", _O),
            ("DeletionProtectionEnabled", "bool", _O),
            ("MultiRegionConsistency", "str", _O),
            ("GlobalTableWitnessUpdates", "list", 1),
            ("OnDemandThroughput", "dict", _O),
            ("WarmThroughput", "dict", _O),
            ("GlobalTableSettingsReplicationMode", "str", _O),
            ("DisassociationProtectionEnabled", "bool", _O),
            ("VectorIndexUpdates", "list", _O),
        ),
    ),
    "DeleteTable": (("TableName",), (("TableName", "str", 1),)),
    "ListTables": ((), (("ExclusiveStartTableName", "str", 3), ("Limit", "int", 1))),
    "PutItem": (
        ("TableName", "Item"),
        (
            ("TableName", "str", 1),
            ("Item", "dict", _O),
            ("Expected", "dict", _O),
            ("ReturnValues", "str", _O),
            ("ReturnConsumedCapacity", "str", _O),
            ("ReturnItemCollectionMetrics", "str", _O),
            ("ConditionalOperator", "str", _O),
            ("ConditionExpression", "str", _O),
            ("ExpressionAttributeNames", "dict", _O),
            ("ExpressionAttributeValues", "dict", _O),
            ("ReturnValuesOnConditionCheckFailure", "str", _O),
        ),
    ),
    "GetItem": (
        ("TableName", "Key"),
        (
            ("TableName", "str", 1),
            ("Key", "dict", _O),
            ("AttributesToGet", "list", 1),
            ("ConsistentRead", "bool", _O),
            ("ReturnConsumedCapacity", "str", _O),
            ("ProjectionExpression", "str", _O),
            ("ExpressionAttributeNames", "dict", _O),
        ),
    ),
    "UpdateItem": (
        ("TableName", "Key"),
        (
            ("TableName", "str", 1),
            ("Key", "dict", _O),
            ("AttributeUpdates", "dict", _O),
            ("Expected", "dict", _O),
            ("ConditionalOperator", "str", _O),
            ("ReturnValues", "str", _O),
            ("ReturnConsumedCapacity", "str", _O),
            ("ReturnItemCollectionMetrics", "str", _O),
            ("UpdateExpression", "str", _O),
            ("ConditionExpression", "str", _O),
            ("ExpressionAttributeNames", "dict", _O),
            ("ExpressionAttributeValues", "dict", _O),
            ("ReturnValuesOnConditionCheckFailure", "str", _O),
        ),
    ),
    "DeleteItem": (
        ("TableName", "Key"),
        (
            ("TableName", "str", 1),
            ("Key", "dict", _O),
            ("Expected", "dict", _O),
            ("ConditionalOperator", "str", _O),
            ("ReturnValues", "str", _O),
            ("ReturnConsumedCapacity", "str", _O),
            ("ReturnItemCollectionMetrics", "str", _O),
            ("ConditionExpression", "str", _O),
            ("ExpressionAttributeNames", "dict", _O),
            ("ExpressionAttributeValues", "dict", _O),
            ("ReturnValuesOnConditionCheckFailure", "str", _O),
        ),
    ),
    "BatchWriteItem": (
        ("RequestItems",),
        (
            ("RequestItems", "dict", 1),
            ("ReturnConsumedCapacity", "str", _O),
            ("ReturnItemCollectionMetrics", "str", _O),
        ),
    ),
    "BatchGetItem": (
        ("RequestItems",),
        (("RequestItems", "dict", 1), ("ReturnConsumedCapacity", "str", _O)),
    ),
    "TransactWriteItems": (
        ("TransactItems",),
        (
            ("TransactItems", "list", 1),
            ("ReturnConsumedCapacity", "str", _O),
            ("ReturnItemCollectionMetrics", "str", _O),
            ("ClientRequestToken", "str", 1),
        ),
    ),
    "Query": (
        ("TableName",),
        (
            ("TableName", "str", 1),
            ("IndexName", "str", 3),
            ("Select", "str", _O),
            ("AttributesToGet", "list", 1),
            ("Limit", "int", 1),
            ("ConsistentRead", "bool", _O),
            ("KeyConditions", "dict", _O),
            ("QueryFilter", "dict", _O),
            ("ConditionalOperator", "str", _O),
            ("ScanIndexForward", "bool", _O),
            ("ExclusiveStartKey", "dict", _O),
            ("ReturnConsumedCapacity", "str", _O),
            ("ProjectionExpression", "str", _O),
            ("FilterExpression", "str", _O),
            ("KeyConditionExpression", "str", _O),
            ("ExpressionAttributeNames", "dict", _O),
            ("ExpressionAttributeValues", "dict", _O),
        ),
    ),
    "Scan": (
        ("TableName",),
        (
            ("TableName", "str", 1),
            ("IndexName", "str", 3),
            ("AttributesToGet", "list", 1),
            ("Limit", "int", 1),
            ("Select", "str", _O),
            ("ScanFilter", "dict", _O),
            ("ConditionalOperator", "str", _O),
            ("ExclusiveStartKey", "dict", _O),
            ("ReturnConsumedCapacity", "str", _O),
            ("TotalSegments", "int", 1),
            ("Segment", "int", 0),
            ("ProjectionExpression", "str", _O),
            ("FilterExpression", "str", _O),
            ("ExpressionAttributeNames", "dict", _O),
            ("ExpressionAttributeValues", "dict", _O),
            ("ConsistentRead", "bool", _O),
        ),
    ),
    "UpdateTimeToLive": (
        ("TableName", "TimeToLiveSpecification"),
        (("TableName", "str", 1), ("TimeToLiveSpecification", "dict", _O)),
    ),
    "DescribeTimeToLive": (("TableName",), (("TableName", "str", 1),)),
}


# DynamoDB's nested structures whose members the operations read (botocore 1.44's shapes)
_KEY_SCHEMA = ListOf(
    struct(("AttributeName", "KeyType"), {"AttributeName": "str", "KeyType": "str"})
)
_ATTRIBUTE_DEFINITIONS = ListOf(
    struct(("AttributeName", "AttributeType"), {"AttributeName": "str", "AttributeType": "str"})
)
_PROVISIONED_THROUGHPUT = struct(
    ("ReadCapacityUnits", "WriteCapacityUnits"),
    {"ReadCapacityUnits": "int", "WriteCapacityUnits": "int"},
)
_STREAM_SPECIFICATION = struct(
    ("StreamEnabled",), {"StreamEnabled": "bool", "StreamViewType": "str"}
)
_SSE_SPECIFICATION = struct((), {"Enabled": "bool", "SSEType": "str", "KMSMasterKeyId": "str"})
_TAGS = ListOf(struct(("Key", "Value"), {"Key": "str", "Value": "str"}))
_ON_DEMAND_THROUGHPUT = struct((), {"MaxReadRequestUnits": "int", "MaxWriteRequestUnits": "int"})
_WARM_THROUGHPUT = struct((), {"ReadUnitsPerSecond": "int", "WriteUnitsPerSecond": "int"})
_TTL_SPECIFICATION = struct(
    ("Enabled", "AttributeName"), {"Enabled": "bool", "AttributeName": "str"}
)

#: (operation, member) -> its nested shape, checked like the top level
NESTED: dict[tuple[str, str], Struct | ListOf] = {
    ("CreateTable", "AttributeDefinitions"): _ATTRIBUTE_DEFINITIONS,
    ("CreateTable", "KeySchema"): _KEY_SCHEMA,
    ("CreateTable", "ProvisionedThroughput"): _PROVISIONED_THROUGHPUT,
    ("CreateTable", "StreamSpecification"): _STREAM_SPECIFICATION,
    ("CreateTable", "SSESpecification"): _SSE_SPECIFICATION,
    ("CreateTable", "Tags"): _TAGS,
    ("CreateTable", "OnDemandThroughput"): _ON_DEMAND_THROUGHPUT,
    ("CreateTable", "WarmThroughput"): _WARM_THROUGHPUT,
    ("UpdateTable", "AttributeDefinitions"): _ATTRIBUTE_DEFINITIONS,
    ("UpdateTable", "ProvisionedThroughput"): _PROVISIONED_THROUGHPUT,
    ("UpdateTable", "StreamSpecification"): _STREAM_SPECIFICATION,
    ("UpdateTable", "SSESpecification"): _SSE_SPECIFICATION,
    ("UpdateTable", "OnDemandThroughput"): _ON_DEMAND_THROUGHPUT,
    ("UpdateTable", "WarmThroughput"): _WARM_THROUGHPUT,
    ("UpdateTimeToLive", "TimeToLiveSpecification"): _TTL_SPECIFICATION,
}

#: DynamoDB's operation -> (required members, member -> (kind, minimum)), for check_params
DYNAMODB_CHECKS: dict[str, OperationSpec] = {
    op: (required, {name: (NESTED.get((op, name), kind), low) for name, kind, low in members})
    for op, (required, members) in OPERATIONS.items()
}

#: members holding items, keys or attribute values: their strings are checked as the items are
#: converted (:mod:`streamsim._items`), once, so the generic walk of a request skips them
ITEM_MEMBERS = frozenset({"Item", "Key", "ExclusiveStartKey", "ExpressionAttributeValues"})
