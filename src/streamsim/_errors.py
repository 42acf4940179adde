"""Errors, named and shaped as AWS names and shapes them.

Every error streamsim raises for a rejected call is a :class:`StreamsimError` subclass whose class
name is the AWS error code (``ValidationException``, ``ResourceNotFoundException``, ...).  Each
carries ``.response`` exactly as botocore's ``ClientError`` does (``response["Error"]["Code"]``,
``response["Error"]["Message"]``, ``response["ResponseMetadata"]["HTTPStatusCode"]``) and
``.operation_name``, and each also subclasses the nearest standard-library error so plain Python
code can catch it (``LookupError`` for missing resources, ``ValueError`` for bad input).

When botocore is importable, :class:`StreamsimError` also subclasses
``botocore.exceptions.ClientError``, so ``except ClientError`` blocks written for real AWS catch
streamsim's errors unchanged.  botocore is never required.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    _ClientErrorBase = Exception
else:  # pragma: no branch - depends on the environment
    try:
        from botocore.exceptions import ClientError as _ClientErrorBase
    except ImportError:  # pragma: no cover - botocore is a test dependency
        _ClientErrorBase = Exception


class StreamsimError(_ClientErrorBase):
    """Base class of every error raised for a rejected AWS-style call.

    Args:
        message: what was wrong and what was expected, for a person to act on.
        operation_name: the AWS operation (``"PutItem"``), when known.

    The AWS error code is the class name unless the class sets ``code``.
    """

    code: ClassVar[str] = "StreamsimError"
    http_status: ClassVar[int] = 400
    sender_fault: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            cls.code = cls.__name__

    def __init__(self, message: str, operation_name: str = "") -> None:
        self.message = message
        self.response: dict[str, Any] = {
            "Error": {"Code": self.code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": self.http_status},
        }
        self.operation_name = operation_name
        if _ClientErrorBase is Exception:  # pragma: no cover - botocore is a test dependency
            Exception.__init__(self, self._text())
        else:
            _ClientErrorBase.__init__(self, self.response, operation_name or "Unknown")

    def _text(self) -> str:
        op = self.operation_name or "Unknown"
        return f"An error occurred ({self.code}) when calling the {op} operation: {self.message}"

    def __str__(self) -> str:
        return self._text()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.operation_name))

    def with_operation(self, operation_name: str) -> StreamsimError:
        """Return this error stamped with the operation that raised it (for the client faces)."""
        self.operation_name = operation_name
        if _ClientErrorBase is not Exception:
            self.args = (self._text(),)
        return self


# --- shared by DynamoDB, DynamoDB Streams and Lambda -------------------------------------------


class ValidationException(StreamsimError, ValueError):
    """Malformed input: a parameter out of range, a bad expression, a bad ARN."""


class SerializationException(StreamsimError, ValueError):
    """The request's JSON does not fit the operation's shapes (a value of the wrong type)."""


class ResourceNotFoundException(StreamsimError, LookupError):
    """The table, stream, shard, function or mapping named does not exist (or no longer does)."""

    http_status = 400


class ResourceInUseException(StreamsimError, RuntimeError):
    """The resource exists already or is busy with another change."""


class LimitExceededException(StreamsimError, RuntimeError):
    """Too many operations or readers at once."""


class InternalServerError(StreamsimError, RuntimeError):
    """A fault on the service side (retryable)."""

    http_status = 500
    sender_fault = False


# --- DynamoDB ----------------------------------------------------------------------------------


class ConditionalCheckFailedException(StreamsimError, RuntimeError):
    """A ConditionExpression evaluated to false; nothing was written."""

    def __init__(
        self,
        message: str = "The conditional request failed",
        operation_name: str = "",
        item: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, operation_name)
        if item is not None:
            self.response["Item"] = item
        self.item = item

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.operation_name, self.item))


class TransactionCanceledException(StreamsimError, RuntimeError):
    """A TransactWriteItems call was cancelled; no part of it was applied.

    ``cancellation_reasons`` has one entry per action, in request order, each a dict with
    ``Code`` (``"None"`` for actions that were fine) and, for failures, ``Message``.
    """

    def __init__(
        self,
        message: str,
        operation_name: str = "",
        cancellation_reasons: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message, operation_name)
        self.cancellation_reasons = list(cancellation_reasons or [])
        self.response["CancellationReasons"] = self.cancellation_reasons

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.operation_name, self.cancellation_reasons))


class ItemCollectionSizeLimitExceededException(StreamsimError, RuntimeError):
    """An item collection grew past its size limit."""


class ProvisionedThroughputExceededException(StreamsimError, RuntimeError):
    """Requests exceeded the provisioned throughput."""


class TableNotFoundException(StreamsimError, LookupError):
    """The table does not exist (used by some DynamoDB control-plane calls)."""


class TransactionConflictException(StreamsimError, RuntimeError):
    """Another transaction is working on the same item."""


# --- DynamoDB Streams --------------------------------------------------------------------------


class ExpiredIteratorException(StreamsimError, RuntimeError):
    """The shard iterator is older than its 15-minute lifetime (rule A.6)."""


class TrimmedDataAccessException(StreamsimError, LookupError):
    """The iterator or sequence number points at records already trimmed away (rule A.6)."""


# --- Kinesis -----------------------------------------------------------------------------------


class InvalidArgumentException(StreamsimError, ValueError):
    """A Kinesis argument is semantically wrong: a bad iterator, key or shard pair (rule K.15)."""


class ExpiredNextTokenException(StreamsimError, RuntimeError):
    """A Kinesis NextToken is older than its 300-second lifetime (rule K.15)."""


class DryRunOperationException(StreamsimError, RuntimeError):
    """A Kinesis call with ``DryRun=True`` would have succeeded; nothing was done (K.15)."""


# --- Lambda ------------------------------------------------------------------------------------


class InvalidParameterValueException(StreamsimError, ValueError):
    """A Lambda API parameter is out of range or malformed (rule D.1)."""


class ResourceConflictException(StreamsimError, RuntimeError):
    """The resource exists already, or is being changed by another call."""

    http_status = 409


class ServiceException(StreamsimError, RuntimeError):
    """Lambda's own fault."""

    http_status = 500
    sender_fault = False


class TooManyRequestsException(StreamsimError, RuntimeError):
    """Request rate or concurrency limit reached.

    ``reason``: Lambda's ``Reason`` member (``ReservedFunctionConcurrentInvocationLimitExceeded``,
    ``ConcurrentInvocationLimitExceeded``), set in the response with ``Type: "User"``.
    """

    http_status = 429

    def __init__(
        self, message: str = "Rate Exceeded.", operation_name: str = "", reason: str | None = None
    ) -> None:
        super().__init__(message, operation_name)
        self.reason = reason
        if reason is not None:
            self.response["Type"] = "User"
            self.response["Reason"] = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.operation_name, self.reason))


class RequestEntityTooLargeException(StreamsimError, ValueError):
    """An Invoke payload over Lambda's limit (HTTP 413).

    The code is the one AWS sends on the wire; botocore's model names the shape
    ``RequestTooLargeException``, a code the service does not send (rule I.3).
    """

    http_status = 413


class InvalidRequestContentException(StreamsimError, ValueError):
    """An Invoke payload that is not JSON (rule I.3)."""


#: Every error class by AWS code, used to build ``client.exceptions``.
ERRORS_BY_CODE: dict[str, type[StreamsimError]] = {
    cls.code: cls
    for cls in (
        ValidationException,
        SerializationException,
        ResourceNotFoundException,
        ResourceInUseException,
        LimitExceededException,
        InternalServerError,
        ConditionalCheckFailedException,
        TransactionCanceledException,
        ItemCollectionSizeLimitExceededException,
        ProvisionedThroughputExceededException,
        TableNotFoundException,
        TransactionConflictException,
        ExpiredIteratorException,
        TrimmedDataAccessException,
        InvalidArgumentException,
        ExpiredNextTokenException,
        DryRunOperationException,
        InvalidParameterValueException,
        ResourceConflictException,
        ServiceException,
        TooManyRequestsException,
        RequestEntityTooLargeException,
        InvalidRequestContentException,
    )
}


class SimulationError(Exception):
    """Misuse of the simulation itself (not an AWS error): e.g. advancing time from a handler."""
