"""Check simulated AWS responses, errors and events against shapes nobody here wrote.

Oracles:

* botocore's service models (``dynamodb``, ``dynamodbstreams``, ``lambda``) for response dicts
  (:func:`assert_matches_output_shape`), errors (:func:`assert_matches_error_shape`) and
  request parameters (:func:`assert_matches_input_shape`, botocore's own ``ParamValidator``);
* aws-lambda-powertools' pydantic models for the Lambda event
  (:func:`validate_dynamodb_stream_event`) and the on-failure destination record
  (:func:`validate_on_failure_record`).

The output check is stricter than botocore's parser (which accepts whatever the wire holds):
it fails on any member the model does not define, a wrong Python type (as boto3 hands them
out: ``datetime`` with a time zone for timestamps, ``bytes`` for blobs), a missing
``required`` member, a string outside its ``enum``, a length or value outside the model's
``min``/``max``, and a string that does not match the model's ``pattern`` (searched, as Smithy
patterns are not anchored; patterns Python's ``re`` cannot compile are skipped).

Usage::

    response = client.describe_stream(StreamArn=arn)
    assert_matches_output_shape("dynamodbstreams", "DescribeStream", response)
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape
from botocore.validate import ParamValidator

# Errors any AWS operation may return without declaring them: the "Common Errors" page of
# every AWS API reference, plus the JSON-protocol spellings DynamoDB uses for the same cases
# (DynamoDB developer guide, "Error handling": ValidationException, UnrecognizedClientException,
# MissingAuthenticationTokenException, IncompleteSignatureException).
COMMON_ERROR_CODES = frozenset(
    {
        "AccessDeniedException",
        "IncompleteSignature",
        "IncompleteSignatureException",
        "InternalFailure",
        "InvalidAction",
        "InvalidClientTokenId",
        "MissingAuthenticationTokenException",
        "NotAuthorized",
        "OptInRequired",
        "RequestExpired",
        "ServiceUnavailable",
        "ThrottlingException",
        "UnrecognizedClientException",
        "ValidationError",
        "ValidationException",
    }
)

_SCALAR_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (float, int),
    "float": (float, int),
    "blob": (bytes,),
}
_TYPE_WORDS = {
    "structure": "dict",
    "map": "dict",
    "list": "list",
    "string": "str",
    "integer": "int",
    "long": "int",
    "boolean": "bool",
    "double": "float",
    "float": "float",
    "blob": "bytes",
    "timestamp": "timezone-aware datetime",
}


@functools.cache
def service_model(service: str) -> ServiceModel:
    """Return botocore's model of ``service`` (cached: loading a model takes a while)."""
    return botocore.session.get_session().get_service_model(service)


def operation_model(service: str, operation: str) -> OperationModel:
    """Return botocore's model of one operation, e.g. ``("dynamodbstreams", "GetRecords")``."""
    return service_model(service).operation_model(operation)


@functools.cache
def _compiled_pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # Java/ECMA syntax Python does not speak (\p{...} etc.): skip the check
        return None


def _member_path(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _type_error(path: str, shape: Shape, value: Any) -> str:
    where = path or "(response)"
    return f"{where}: expected {_TYPE_WORDS[shape.type_name]}, got {type(value).__name__}"


class _Checker:
    """Walks a value against a shape and collects every mismatch as ``"path: problem"``."""

    def __init__(self, streaming: Shape | None = None) -> None:
        self.errors: list[str] = []
        self.streaming = streaming

    def check(self, shape: Shape, value: Any, path: str) -> None:
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            self.structure(shape, value, path)
        elif kind == "list":
            if not isinstance(value, list):
                self.errors.append(_type_error(path, shape, value))
                return
            self.bounds(shape, len(value), path, "items")
            member = shape.member
            for index, item in enumerate(value):
                self.check(member, item, f"{path}[{index}]")
        elif kind == "map":
            if not isinstance(value, dict):
                self.errors.append(_type_error(path, shape, value))
                return
            self.bounds(shape, len(value), path, "entries")
            for key, item in value.items():
                self.check(shape.key, key, f"{path}[{key!r}] (key)")
                self.check(shape.value, item, f"{path}[{key!r}]")
        elif kind == "timestamp":
            if not isinstance(value, datetime) or value.utcoffset() is None:
                where = path or "(response)"
                got = "naive datetime" if isinstance(value, datetime) else type(value).__name__
                self.errors.append(f"{where}: expected timezone-aware datetime, got {got}")
        elif kind == "blob" and shape is self.streaming:
            if not (isinstance(value, bytes) or callable(getattr(value, "read", None))):
                self.errors.append(f"{path}: expected bytes or a streaming body, got {value!r}")
        elif kind in _SCALAR_TYPES:
            self.scalar(shape, value, path)
        else:
            self.errors.append(f"{path}: shape type {kind!r} is not supported by tests/shapes.py")

    def structure(self, shape: StructureShape, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.errors.append(_type_error(path, shape, value))
            return
        members = shape.members
        for name in value:
            if name not in members and not (path == "" and name == "ResponseMetadata"):
                known = ", ".join(members) or "none"
                self.errors.append(
                    f"{_member_path(path, name)}: not a member of {shape.name} (members: {known})"
                )
        for name in shape.required_members:
            if name not in value:
                self.errors.append(f"{_member_path(path, name)}: required by {shape.name}, missing")
        for name, item in value.items():
            if name in members:
                self.check(members[name], item, _member_path(path, name))

    def scalar(self, shape: Shape, value: Any, path: str) -> None:
        kind = shape.type_name
        if isinstance(value, bool) != (kind == "boolean") or not isinstance(
            value, _SCALAR_TYPES[kind]
        ):
            self.errors.append(_type_error(path, shape, value))
            return
        if kind == "string":
            enum = shape.enum
            if enum and value not in enum:
                self.errors.append(f"{path}: {value!r} is not one of {shape.name} {list(enum)}")
            self.bounds(shape, len(value), path, "characters")
            pattern = shape.metadata.get("pattern")
            compiled = _compiled_pattern(pattern) if pattern else None
            if compiled is not None and compiled.search(value) is None:
                self.errors.append(f"{path}: {value!r} does not match pattern {pattern!r}")
        elif kind == "blob":
            self.bounds(shape, len(value), path, "bytes")
        elif kind != "boolean":
            self.bounds(shape, value, path, "")

    def bounds(self, shape: Shape, size: float, path: str, unit: str) -> None:
        low = shape.metadata.get("min")
        high = shape.metadata.get("max")
        what = f"{size} {unit}".strip()
        if low is not None and size < low and not path.endswith(_BELOW_MINIMUM_ON_AWS):
            self.errors.append(f"{path}: {what}, below the minimum {low} of {shape.name}")
        if high is not None and size > high:
            self.errors.append(f"{path}: {what}, above the maximum {high} of {shape.name}")


#: members whose value on AWS is below the model's own minimum: NumberOfDecreasesToday is a
#: PositiveLongObject (min 1) that DynamoDB answers as 0 on every table that was never decreased;
#: Kinesis's PutRecords FailedRecordCount (PositiveIntegerObject) is 0 on full success in AWS's
#: own SDK examples and in every client's expectations (docs/aws-rules.md K.6); a Kinesis
#: stream's EnhancedMonitoring is [{"ShardLevelMetrics": []}] (MetricsNameList, min 1) in the
#: AWS CLI's real describe-stream output (docs/aws-rules.md K.4)
_BELOW_MINIMUM_ON_AWS = (".NumberOfDecreasesToday", "FailedRecordCount", ".ShardLevelMetrics")


def output_shape_errors(service: str, operation: str, response: Any) -> list[str]:
    """Return every mismatch between ``response`` and the operation's output shape.

    An operation without output takes ``{}`` (plus ``ResponseMetadata``).
    """
    model = operation_model(service, operation)
    shape = model.output_shape
    if shape is None:
        if not isinstance(response, dict):
            return [f"(response): expected dict, got {type(response).__name__}"]
        extra = sorted(set(response) - {"ResponseMetadata"})
        return [f"{name}: {operation} has no output members" for name in extra]
    checker = _Checker(model.get_streaming_output())
    checker.check(shape, response, "")
    return checker.errors


def assert_matches_output_shape(service: str, operation: str, response: Any) -> None:
    """Fail unless ``response`` is a valid boto3 response of ``service``.``operation``.

    Raises:
        AssertionError: listing every mismatch, one per line, each with its path
            (``Shards[0].SequenceNumberRange.StartingSequenceNumber: expected str, got int``).
    """
    errors = output_shape_errors(service, operation, response)
    if errors:
        raise AssertionError(
            f"{service}.{operation} response does not match botocore's output shape:\n  "
            + "\n  ".join(errors)
        )


def _declared_errors(service: str, operation: str) -> dict[str, StructureShape]:
    declared: dict[str, StructureShape] = {}
    for shape in operation_model(service, operation).error_shapes:
        declared[shape.name] = shape
        code = shape.metadata.get("error", {}).get("code")
        if code:
            declared[code] = shape
    return declared


def error_shape_errors(service: str, operation: str, exc: BaseException) -> list[str]:
    """Return every way ``exc`` differs from an error ``service``.``operation`` may raise."""
    response = getattr(exc, "response", None)
    if not isinstance(response, Mapping):
        return [f"{type(exc).__name__} has no .response dict (not a ClientError-shaped error)"]
    error = response.get("Error")
    if not isinstance(error, Mapping):
        return ['response["Error"]: missing or not a dict']
    problems: list[str] = []
    code = error.get("Code")
    message = error.get("Message")
    if not isinstance(code, str) or not code:
        problems.append(f'response["Error"]["Code"]: expected a non-empty str, got {code!r}')
    if not isinstance(message, str):
        problems.append(f'response["Error"]["Message"]: expected str, got {message!r}')
    if problems:
        return problems
    declared = _declared_errors(service, operation)
    shape = declared.get(code)
    if shape is None and code not in COMMON_ERROR_CODES:
        names = ", ".join(sorted(declared)) or "none"
        problems.append(
            f"error code {code!r} is neither declared by {service}.{operation} ({names}) "
            "nor a common AWS error"
        )
    # ClientError says "Unknown" when no operation was given (streamsim errors before a client
    # face stamps them with .with_operation()).
    operation_name = getattr(exc, "operation_name", "")
    if operation_name not in ("", "Unknown", None) and operation_name != operation:
        problems.append(f"operation_name is {operation_name!r}, expected {operation!r}")
    if shape is not None:
        status = shape.metadata.get("error", {}).get("httpStatusCode")
        got = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status is not None and got is not None and got != status:
            problems.append(
                f'response["ResponseMetadata"]["HTTPStatusCode"]: {got}, but {service} models '
                f"{code} as HTTP {status}"
            )
        # botocore puts the error shape's modeled members at the top level of the response.
        extra = {k: v for k, v in response.items() if k not in ("Error", "ResponseMetadata")}
        checker = _Checker()
        for name, value in extra.items():
            if name not in shape.members:
                problems.append(f"{name}: not a member of error shape {code}")
            else:
                checker.check(shape.members[name], value, name)
        problems.extend(checker.errors)
    return problems


def assert_matches_error_shape(service: str, operation: str, exc: BaseException) -> None:
    """Fail unless ``exc`` is an error ``service``.``operation`` can raise, shaped as botocore's.

    Checks: ``exc.response["Error"]`` has a ``Code`` and a ``Message``; the code is declared by
    the operation or is a common AWS error (:data:`COMMON_ERROR_CODES`); a declared HTTP status
    matches ``ResponseMetadata.HTTPStatusCode``; modeled extras (``Item``,
    ``CancellationReasons``, ...) match the error shape; ``exc.operation_name``, when set (not
    ``""``/``"Unknown"``), is the operation.
    """
    problems = error_shape_errors(service, operation, exc)
    if problems:
        raise AssertionError(
            f"{type(exc).__name__} does not match the errors of {service}.{operation}:\n  "
            + "\n  ".join(problems)
        )


def assert_matches_input_shape(service: str, operation: str, params: Mapping[str, Any]) -> None:
    """Fail unless ``params`` are valid keyword arguments of the boto3 call (botocore's validator).

    Only the model's constraints that botocore itself checks client-side are checked: member
    names, types, required members, and minimum lengths/values.
    """
    shape = operation_model(service, operation).input_shape
    if shape is None:
        if params:
            raise AssertionError(f"{service}.{operation} takes no parameters, got {sorted(params)}")
        return
    report = ParamValidator().validate(dict(params), shape)
    if report.has_errors():
        raise AssertionError(
            f"invalid {service}.{operation} parameters:\n{report.generate_report()}"
        )


# --- aws-lambda-powertools event models --------------------------------------------------------


def validate_dynamodb_stream_event(event: Mapping[str, Any]) -> Any:
    """Parse a Lambda DynamoDB-stream event with powertools' ``DynamoDBStreamModel``.

    Returns the parsed model.  Raises AssertionError with pydantic's explanation if it fails.
    Note that pydantic coerces types (``"26"`` passes as ``SizeBytes``) and ignores unknown
    fields; use it for the structure, not for exact JSON types.
    """
    from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel
    from pydantic import ValidationError

    try:
        return DynamoDBStreamModel.model_validate(event)
    except ValidationError as exc:
        raise AssertionError(f"not a valid DynamoDB stream event:\n{exc}") from exc


def validate_on_failure_record(body: str | bytes | Mapping[str, Any]) -> Any:
    """Parse an on-failure destination record with powertools' on-failure model.

    The model is ``DynamoDBStreamLambdaOnFailureDestinationModel``
    (``aws_lambda_powertools.utilities.parser.models``).

    Args:
        body: the SQS/SNS message body (JSON text) or the already decoded dict.

    Returns the parsed model.  Raises AssertionError with pydantic's explanation if it fails.
    """
    from aws_lambda_powertools.utilities.parser.models import (
        DynamoDBStreamLambdaOnFailureDestinationModel as Model,
    )
    from pydantic import ValidationError

    try:
        if isinstance(body, str | bytes):
            return Model.model_validate(json.loads(body))
        return Model.model_validate(body)
    except (ValidationError, ValueError) as exc:
        raise AssertionError(f"not a valid DynamoDB on-failure record:\n{exc}") from exc
