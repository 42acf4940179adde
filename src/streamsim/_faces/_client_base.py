"""The plumbing the three boto3-shaped clients share: the call wrapper and ``client.exceptions``.

Every operation of ``sim.client("dynamodb" | "dynamodbstreams" | "lambda")`` runs the same way
(:meth:`ClientBase._call`): botocore's client-side parameter checks
(:func:`~._params.check_params`, against the service's operation table), then the operation;
any :class:`~streamsim._errors.StreamsimError` is stamped with the operation name (botocore's
``ClientError.operation_name``) and a successful response gets its ``ResponseMetadata``.  What
differs per service (the table, the metadata, Lambda's HTTP error statuses) is a class attribute
or a method the client overrides.

AWS behaviour: ``ResponseMetadata`` carries ``RequestId``, ``HTTPStatusCode``, ``HTTPHeaders``
and ``RetryAttempts`` (botocore's parsers add it to every response).

Differs from AWS: request ids come from the simulation's seeded random source, so a run is
reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from random import Random
from typing import Any, ClassVar

from streamsim._errors import ERRORS_BY_CODE, StreamsimError

from ._param_shapes import OperationSpec
from ._params import check_params


def request_ids(rng: Random) -> Callable[[], str]:
    """A source of RequestIds drawn from ``rng``: 52 characters of ``[0-9A-F]``.

    DynamoDB's are 52 characters of ``[0-9A-Z]``; hexadecimal keeps this cheap on the write
    path, and so does drawing 64 ids per ``getrandbits`` call (a call then costs a slice).
    Deterministic: the same generator state gives the same ids.

    >>> next_id = request_ids(Random(1))
    >>> a, b = next_id(), next_id()
    >>> len(a), len(b), a != b, set(a + b) <= set("0123456789ABCDEF")
    (52, 52, True, True)
    """
    width, block = 52, 64
    nbytes = width * block // 2
    pending: list[str] = []  # the rest of the last draw, last id first
    pop = pending.pop

    def next_id() -> str:
        if not pending:
            # the same text as format(bits, "03328X"), several times faster
            text = rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex().upper()
            pending.extend([text[i : i + width] for i in range(width * (block - 1), -1, -width)])
        return pop()

    return next_id


def response_metadata(request_id: str, status: int, content_type: str) -> dict[str, Any]:
    """``ResponseMetadata`` as botocore builds it from a JSON service's HTTP response.

    >>> response_metadata("R1", 200, "application/json")["HTTPHeaders"]
    {'x-amzn-requestid': 'R1', 'content-type': 'application/json'}
    """
    return {
        "RequestId": request_id,
        "HTTPStatusCode": status,
        "HTTPHeaders": {"x-amzn-requestid": request_id, "content-type": content_type},
        "RetryAttempts": 0,
    }


class ClientExceptions:
    """``client.exceptions``: every AWS error class by its code, plus ``ClientError``.

    Args:
        service: the service name, for the message of an unknown name's ``AttributeError``.
        extras: further names a service offers (DynamoDB: ``ParamValidationError``,
            ``IdempotentParameterMismatchException``).

    >>> exceptions = ClientExceptions("lambda")
    >>> exceptions.from_code("ValidationException").__name__, exceptions.ClientError.__name__
    ('ValidationException', 'StreamsimError')
    >>> exceptions.NoSuchException
    Traceback (most recent call last):
    ...
    AttributeError: lambda client has no exception named 'NoSuchException'
    """

    ClientError = StreamsimError
    _service = ""  # a class default, so that __getattr__ never looks for it in vain

    def __init__(
        self, service: str, extras: Mapping[str, type[StreamsimError]] | None = None
    ) -> None:
        self._service = service
        for code, cls in ERRORS_BY_CODE.items():
            setattr(self, code, cls)
        for name, cls in (extras or {}).items():
            setattr(self, name, cls)

    def from_code(self, code: str) -> type[StreamsimError]:
        """The error class of an AWS error code (``StreamsimError`` if unknown)."""
        return ERRORS_BY_CODE.get(code, StreamsimError)

    def __getattr__(self, name: str) -> type[StreamsimError]:
        raise AttributeError(f"{self._service} client has no exception named {name!r}")


class ClientBase:
    """The call wrapper of a boto3-shaped client; subclasses name their checks and metadata."""

    #: operation -> botocore's top-level checks of its parameters
    _CHECKS: ClassVar[Mapping[str, OperationSpec]]

    def _call(
        self, operation: str, params: Mapping[str, Any], body: Callable[..., dict[str, Any]]
    ) -> dict[str, Any]:
        """Check ``params``, run ``body(**params)``, add ``ResponseMetadata``.

        Raises:
            ParamValidationError: botocore's client-side checks failed.
            StreamsimError: whatever ``body`` raised, stamped with ``operation``.
        """
        try:
            self._check(operation, params)
            response = body(**params)
        except StreamsimError as exc:
            self._on_error(exc)
            raise exc.with_operation(operation) from None
        response["ResponseMetadata"] = self._response_metadata(operation)
        return response

    def _check(self, operation: str, params: Mapping[str, Any]) -> None:
        """Check a request's parameters before the operation runs (botocore's checks)."""
        check_params(self._CHECKS[operation], params)

    def _on_error(self, exc: StreamsimError) -> None:
        """Adjust an error before it leaves the client (nothing by default)."""

    def _response_metadata(self, operation: str) -> dict[str, Any]:
        raise NotImplementedError
