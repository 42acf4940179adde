"""The public surface is small and locked: adding or removing a name is a decision."""

from __future__ import annotations

import streamsim

EXPECTED = {
    "Binary",
    "ConditionalCheckFailedException",
    "ExpiredIteratorException",
    "InternalServerError",
    "InvalidParameterValueException",
    "LambdaSettings",
    "LimitExceededException",
    "ResourceConflictException",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "Shard",
    "SimulationError",
    "SplitPolicy",
    "Stream",
    "StreamRecord",
    "StreamSettings",
    "StreamsimError",
    "TTLSettings",
    "Table",
    "TooManyRequestsException",
    "TransactionCanceledException",
    "TrimmedDataAccessException",
    "ValidationException",
    "__version__",
}


def test_exported_names_are_locked() -> None:
    """streamsim.__all__ is exactly the documented public surface."""
    assert set(streamsim.__all__) == EXPECTED


def test_every_exported_name_exists() -> None:
    """Every name in __all__ is importable from the package."""
    for name in streamsim.__all__:
        assert hasattr(streamsim, name), name


def test_errors_subclass_the_nearest_stdlib_error() -> None:
    """AWS errors can be caught as ordinary Python errors too."""
    assert issubclass(streamsim.ValidationException, ValueError)
    assert issubclass(streamsim.ResourceNotFoundException, LookupError)
    assert issubclass(streamsim.InvalidParameterValueException, ValueError)
    assert issubclass(streamsim.TrimmedDataAccessException, LookupError)


def test_errors_are_botocore_client_errors() -> None:
    """With botocore installed, `except ClientError` catches streamsim's errors unchanged."""
    from botocore.exceptions import ClientError

    exc = streamsim.ValidationException("bad thing", "PutItem")
    assert isinstance(exc, ClientError)
    assert exc.response["Error"] == {"Code": "ValidationException", "Message": "bad thing"}
    assert exc.operation_name == "PutItem"
    assert str(exc) == (
        "An error occurred (ValidationException) when calling the PutItem operation: bad thing"
    )
