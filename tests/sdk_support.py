"""Run tests written against ``sim.client(...)`` through real boto3 clients too.

:class:`Boto3AsFace` wraps a client of ``sim.boto3_session()`` so that a test written for the
face runs unchanged: botocore's ``ClientError`` becomes the streamsim class of the same code
(with the same message, operation and modeled members), botocore's ``ParamValidationError``
becomes streamsim's (botocore's own text), and ``client.exceptions`` is the face's.  What the
test then checks (codes, messages, response dicts, shapes) came through botocore's serialiser,
the wire and botocore's parser.

``FACES`` is the fixture parameter list: ``"face"`` (``sim.client``) and ``"boto3"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError
from botocore.exceptions import ParamValidationError as BotocoreParamValidationError

from streamsim._errors import (
    ERRORS_BY_CODE,
    ConditionalCheckFailedException,
    StreamsimError,
    TransactionCanceledException,
)
from streamsim._faces._params import ParamValidationError
from streamsim._simulation import Simulation

FACES = ["face", "boto3"]
#: the reason a face-only test gives when skipped for the boto3 parameter
FACE_ONLY = "checks the native face itself (Python classes, meta), not what crosses the wire"


def as_streamsim_error(exc: ClientError, exceptions: Any = None) -> StreamsimError:
    """The streamsim error a face raises for the error botocore parsed into ``exc``.

    ``exceptions``: the face's ``client.exceptions``, for codes only one service has
    (DynamoDB's ``IdempotentParameterMismatchException``).
    """
    response = exc.response
    code = response["Error"]["Code"]
    message = response["Error"]["Message"]
    operation = exc.operation_name
    cls = getattr(exceptions, code, None) or ERRORS_BY_CODE.get(code, StreamsimError)
    error: StreamsimError
    if cls is ConditionalCheckFailedException:
        error = ConditionalCheckFailedException(message, operation, item=response.get("Item"))
    elif cls is TransactionCanceledException:
        reasons = response.get("CancellationReasons")
        error = TransactionCanceledException(message, operation, cancellation_reasons=reasons)
    else:
        error = cls(message, operation)
    error.response["ResponseMetadata"]["HTTPStatusCode"] = response["ResponseMetadata"][
        "HTTPStatusCode"
    ]
    return error


def _translated(method: Callable[..., Any], operation: str, exceptions: Any) -> Callable[..., Any]:
    def call(*args: Any, **params: Any) -> Any:
        try:
            return method(*args, **params)
        except ClientError as exc:
            raise as_streamsim_error(exc, exceptions) from None
        except BotocoreParamValidationError as exc:
            raise ParamValidationError(str(exc), operation) from None

    return call


class Boto3AsFace:
    """A ``sim.boto3_session()`` client raising streamsim's error classes (see module doc)."""

    kind = "boto3"

    def __init__(self, sim: Simulation, service: str) -> None:
        self._client = sim.boto3_session().client(service)
        self.meta = self._client.meta
        self.exceptions = sim.client(service).exceptions

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        operation = self._client.meta.method_to_api_mapping.get(name)
        if operation is not None:
            return _translated(attr, operation, self.exceptions)
        return attr


def client_for(sim: Simulation, service: str, face: str) -> Any:
    """``sim.client(service)`` for ``"face"``, a :class:`Boto3AsFace` for ``"boto3"``."""
    return sim.client(service) if face == "face" else Boto3AsFace(sim, service)


def skip_for_boto3(client: Any, reason: str) -> None:
    """Skip the running test when ``client`` (or what it wraps) is a real boto3 client."""
    import pytest

    inner = getattr(client, "_client", client)
    if isinstance(client, Boto3AsFace) or isinstance(inner, Boto3AsFace):
        pytest.skip(reason)
