"""botocore's client-side parameter validation, for the top level of every client request.

boto3 checks every request against the service model before sending it: unknown and missing
parameters, Python types, minimum lengths and values.  Its error is botocore's
``ParamValidationError`` (not a ``ClientError``), whose text starts "Parameter validation
failed:".  streamsim raises :class:`ParamValidationError`, a :class:`ValidationException` with
the same text, so code that catches either ``ValidationException`` or the message works.

:func:`check_params` is the one checker; each service passes its own operation table
(:data:`OperationSpec`).  DynamoDB's table lives here because both DynamoDB faces (the client
and the resource ``Table``) use it, through :func:`validate_params`; the Streams and Lambda
tables sit next to their clients.

Differs from AWS: only the top level of a request is checked here with botocore's wording;
nested members (``KeySchema[0].KeyType``, items) are checked by the operations themselves with
the services' messages.  The class is not botocore's ``ParamValidationError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeAlias

from streamsim._errors import ValidationException

_TIMESTAMP_SPELLING = "<class 'datetime.datetime'>, timestamp string"

# kind -> (Python types accepted, botocore's spelling of them)
_KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "<class 'str'>"),
    "int": ((int,), "<class 'int'>"),
    "bool": ((bool,), "<class 'bool'>"),
    "dict": ((dict,), "<class 'dict'>"),
    "list": ((list, tuple), "<class 'list'>, <class 'tuple'>"),
    # botocore takes a datetime or anything it can parse as one (epoch numbers, ISO text)
    "timestamp": ((datetime, str, int, float, Decimal), _TIMESTAMP_SPELLING),
    # The Lambda client's table has never accepted Decimal here (botocore does: it parses
    # float(value)); kept apart so that unifying the checkers changed no behaviour.
    "timestamp-no-decimal": ((datetime, str, int, float), _TIMESTAMP_SPELLING),
}

#: a member's (kind, minimum length or value): kind is a key of ``_KINDS``, None no minimum
MemberSpec: TypeAlias = tuple[str, int | None]
#: an operation's (required members, member -> spec), members in the service model's order
#: (the order botocore lists them in "must be one of")
OperationSpec: TypeAlias = tuple[tuple[str, ...], Mapping[str, MemberSpec]]


def no_minimums(members: Mapping[str, str]) -> dict[str, MemberSpec]:
    """``{member: kind}`` as a member table without minimums."""
    return {name: (kind, None) for name, kind in members.items()}


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

#: DynamoDB's operation -> (required members, member -> (kind, minimum)), for check_params
DYNAMODB_CHECKS: dict[str, OperationSpec] = {
    op: (required, {name: (kind, low) for name, kind, low in members})
    for op, (required, members) in OPERATIONS.items()
}


class ParamValidationError(ValidationException):
    """botocore's client-side ``ParamValidationError``, as a :class:`ValidationException`.

    ``str(error)`` and ``error.message`` hold botocore's report ("Parameter validation
    failed:\\nMissing required parameter in input: \\"TableName\\"").

    Differs from AWS: botocore's class is not a ``ClientError``; this one is (so that
    ``except ValidationException`` catches it, as it would the service's own rejection).
    """

    code: ClassVar[str] = "ValidationException"

    def _text(self) -> str:
        return self.message


def _type_problem(name: str, value: Any, kind: str) -> str | None:
    types, spelled = _KINDS[kind]
    if kind == "int":
        ok = isinstance(value, int)  # botocore accepts bool here too (bool is an int)
    elif kind == "dict":
        ok = isinstance(value, Mapping)
    else:
        ok = isinstance(value, types)
    if ok:
        return None
    return (
        f"Invalid type for parameter {name}, value: {value}, type: {type(value)}, "
        f"valid types: {spelled}"
    )


def validate_params(operation: str, params: Mapping[str, Any]) -> None:
    """Check a DynamoDB request's top-level parameters as botocore does before sending it.

    Args:
        operation: the DynamoDB operation (``"PutItem"``).
        params: the keyword arguments of the call.

    Raises:
        ParamValidationError: as :func:`check_params`.

    >>> validate_params("DescribeTable", {})
    Traceback (most recent call last):
    ...
    streamsim._faces._params.ParamValidationError: Parameter validation failed:
    Missing required parameter in input: "TableName"
    """
    check_params(DYNAMODB_CHECKS[operation], params)


def check_params(spec: OperationSpec, params: Mapping[str, Any]) -> None:
    """Check a request's top-level parameters against one operation's table, as botocore does.

    Args:
        spec: the operation's required members and member table.
        params: the keyword arguments of the call.

    Raises:
        ParamValidationError: one line per problem, botocore's wording and order (missing
            required members, unknown members, then types and minimums in the order given).

    >>> check_params((("Name",), {"Name": ("str", 3), "Limit": ("int", 1)}), {"Limit": 0})
    Traceback (most recent call last):
    ...
    streamsim._faces._params.ParamValidationError: Parameter validation failed:
    Missing required parameter in input: "Name"
    Invalid value for parameter Limit, value: 0, valid min value: 1
    """
    required, members = spec
    problems = [f'Missing required parameter in input: "{n}"' for n in required if n not in params]
    problems.extend(
        f'Unknown parameter in input: "{name}", must be one of: {", ".join(members)}'
        for name in params
        if name not in members
    )
    for name, value in params.items():
        member = members.get(name)
        if member is None:
            continue
        kind, low = member
        problem = _type_problem(name, value, kind)
        if problem is not None:
            problems.append(problem)
        elif low is not None:
            if kind == "int" and value < low:
                problems.append(
                    f"Invalid value for parameter {name}, value: {value}, valid min value: {low}"
                )
            elif kind != "int" and len(value) < low:
                problems.append(
                    f"Invalid length for parameter {name}, value: {value}, valid min length: {low}"
                )
    if problems:
        raise ParamValidationError("Parameter validation failed:\n" + "\n".join(problems))
