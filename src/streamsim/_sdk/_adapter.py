"""One adapter from AWS's HTTP protocols to the simulation's faces, shared by every door.

:meth:`Adapter.handle` takes an HTTP request as an AWS SDK sends it and returns the HTTP
response AWS would send:

* DynamoDB and DynamoDB Streams speak JSON 1.0: ``POST /`` with ``X-Amz-Target:
  DynamoDB_20120810.PutItem`` (or ``DynamoDBStreams_20120810.GetRecords``) and the parameters as
  a JSON object; the answer is a JSON object with an ``x-amz-crc32`` header (CRC32 of the exact
  body bytes, which botocore checks), errors ``{"__type": "...#Code", "message": ...}``.
* Kinesis speaks JSON 1.1: ``X-Amz-Target: Kinesis_20131202.PutRecord``, blobs (``Data``) as
  base64 text and timestamps as epoch seconds; errors ``{"__type": "Code", "message": ...}``.
* Lambda speaks REST-JSON: the operation is the method and path (botocore's
  ``http.requestUri``: ``GET /2015-03-31/event-source-mappings/{UUID}``), parameters come from
  the path, the query string and a JSON body; errors carry ``x-amzn-ErrorType`` and the
  operation's HTTP status (404 for a missing resource).

The operation is then the face's method of the same name (``PutItem`` -> ``put_item``) on
``client(service)``, which is ``sim.client``: parameters are decoded by the service model's
shapes (:mod:`._codec`), the face checks them as botocore would, and its response (or its
AWS-named error) is encoded back.  Nothing from a request is evaluated or unpickled.

Differs from AWS: requests are not authenticated (any signature, or none, is accepted); an
operation streamsim does not simulate answers ``UnknownOperationException`` naming streamsim.
"""

from __future__ import annotations

import functools
import json
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from streamsim._errors import StreamsimError

from . import require_sdk
from ._codec import WireError, decode_value, encode_value

#: the services the simulation answers, by botocore's service name
SERVICES = ("dynamodb", "dynamodbstreams", "lambda", "kinesis")
#: botocore's service id (``before-send.<id>.<Operation>``) -> service name
SERVICE_IDS = {
    "dynamodb": "dynamodb",
    "dynamodb-streams": "dynamodbstreams",
    "lambda": "lambda",
    "kinesis": "kinesis",
}
_JSON_ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#"
_LABEL = re.compile(r"\{([A-Za-z0-9_]+)(\+?)\}")


@dataclass(frozen=True)
class WireResponse:
    """An HTTP response: status, headers (their AWS spelling) and the exact body bytes."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class _Route:
    """A REST operation: its method, its path pattern and the pattern's labels."""

    operation: str
    method: str
    pattern: re.Pattern[str]
    literal_chars: int


@dataclass(frozen=True)
class _Service:
    name: str
    model: Any  # botocore.model.ServiceModel
    protocol: str
    routes: tuple[_Route, ...]


def _routes(model: Any) -> tuple[_Route, ...]:
    """Every REST operation of ``model`` as a path pattern, the most literal first."""
    routes = []
    for operation in model.operation_names:
        http = model.operation_model(operation).http
        uri = http["requestUri"].split("?", 1)[0]
        pieces, last = [], 0
        for label in _LABEL.finditer(uri):
            pieces.append(re.escape(uri[last : label.start()]))
            pieces.append(f"(?P<{label[1]}>{'.+' if label[2] else '[^/]+'})")
            last = label.end()
        pieces.append(re.escape(uri[last:].rstrip("/")) + "/?")  # a trailing slash or none
        literal = len(_LABEL.sub("", uri))
        routes.append(_Route(operation, http["method"], re.compile("".join(pieces)), literal))
    return tuple(sorted(routes, key=lambda r: (-r.literal_chars, r.operation)))


@functools.cache
def _services() -> dict[str, _Service]:
    """The service models botocore ships, loaded once per process (they never change)."""
    require_sdk("botocore")
    from botocore.loaders import create_loader
    from botocore.model import ServiceModel

    loader = create_loader()
    services = {}
    for name in SERVICES:
        model = ServiceModel(loader.load_service_model(name, "service-2"), name)
        protocol = model.metadata["protocol"]
        routes = _routes(model) if protocol == "rest-json" else ()
        services[name] = _Service(name, model, protocol, routes)
    return services


@functools.cache
def _method_name(operation: str) -> str:
    from botocore import xform_name

    return str(xform_name(operation))


def _crc32(body: bytes) -> str:
    return str(zlib.crc32(body) & 0xFFFFFFFF)


def _json_body(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object (an empty body is ``{}``)."""
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError("SerializationException", f"the request body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise WireError("SerializationException", "the request body must be a JSON object")
    return value


class Adapter:
    """Answers AWS HTTP requests from a simulation's faces.

    Args:
        client: ``sim.client``: the face of a service name (``dynamodb``, ``dynamodbstreams``,
            ``lambda``, ``kinesis``).

    Not thread-safe, as the simulation is not: a caller on several threads (the HTTP server)
    holds one lock around :meth:`handle` and ``advance``.
    """

    def __init__(self, client: Callable[[str], Any]) -> None:
        self._client = client
        self._services = _services()
        self._targets = {
            s.model.metadata["targetPrefix"]: s
            for s in self._services.values()
            if s.protocol == "json"
        }

    # --- the entry point ------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> WireResponse:
        """The HTTP response to one request (``headers`` with lower-case names).

        Never raises for anything a request holds: every refusal is an AWS error response.
        """
        target = headers.get("x-amz-target")
        service: _Service | None = None
        try:
            if target is not None:
                service, operation = self._by_target(target)
                params = self._json_params(service, operation, body)
            else:
                service = self._services["lambda"]
                operation, params = self._rest_params(service, method, path, query, body)
                _header_params(service, operation, headers, params)
            return self._call(service, operation, params)
        except WireError as exc:
            code, message, status = exc.code, exc.message, exc.status
        except RecursionError:  # JSON nested deeper than Python's parser or the shapes' walk
            code, message, status = (
                "SerializationException",
                "the request is nested too deeply",
                400,
            )
        except Exception as exc:  # a bug of streamsim: still an AWS-shaped answer
            code, status = "InternalServerError", 500
            message = f"streamsim internal error: {type(exc).__name__}: {exc}"
        return self.error_response(None if service is None else service.name, code, message, status)

    # --- requests -------------------------------------------------------------------------------

    def _by_target(self, target: str) -> tuple[_Service, str]:
        prefix, _, operation = target.partition(".")
        service = self._targets.get(prefix)
        if service is None or operation not in service.model.operation_names:
            raise WireError(
                "UnknownOperationException",
                f"streamsim answers DynamoDB, DynamoDB Streams and Kinesis targets only; "
                f"unknown target {target!r}",
            )
        return service, operation

    def _json_params(self, service: _Service, operation: str, body: bytes) -> dict[str, Any]:
        shape = service.model.operation_model(operation).input_shape
        decoded: dict[str, Any] = decode_value(shape, _json_body(body), "")
        return decoded

    def _rest_params(
        self, service: _Service, method: str, path: str, query: str, body: bytes
    ) -> tuple[str, dict[str, Any]]:
        for route in service.routes:
            if route.method != method:
                continue
            match = route.pattern.fullmatch(path)
            if match is None:
                continue
            model = service.model.operation_model(route.operation)
            shape = model.input_shape
            params: dict[str, Any] = {}
            payload = None if shape is None else shape.serialization.get("payload")
            if payload is not None and shape.members[payload].type_name == "blob":
                if body:
                    params[payload] = body  # Invoke: the body is the payload itself
            elif shape is not None:
                params = decode_value(shape, _json_body(body), "")
            if shape is not None:
                fields = parse_qs(query, keep_blank_values=True)
                for name, member in shape.members.items():
                    location = member.serialization.get("location")
                    wire_name = member.serialization.get("name", name)
                    if location == "uri":
                        params[name] = unquote(match[wire_name])
                    elif location == "querystring" and wire_name in fields:
                        params[name] = _query_value(member, fields[wire_name], wire_name)
            return route.operation, params
        raise WireError(
            "UnknownOperationException",
            f"streamsim's Lambda has no operation at {method} {path}",
            404,
        )

    # --- calls and responses --------------------------------------------------------------------

    def _call(self, service: _Service, operation: str, params: dict[str, Any]) -> WireResponse:
        face = self._client(service.name)
        method = getattr(face, _method_name(operation), None)
        if method is None:
            raise WireError(
                "UnknownOperationException",
                f"streamsim does not simulate {service.model.service_id} {operation}",
                404 if service.protocol == "rest-json" else 400,
            )
        try:
            response = method(**params)
        except StreamsimError as exc:
            extra = {
                k: v for k, v in exc.response.items() if k not in ("Error", "ResponseMetadata")
            }
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            return self.error_response(service.name, exc.code, exc.message, status, extra)
        except Exception as exc:  # a bug of streamsim: still an AWS-shaped answer
            message = f"streamsim internal error: {type(exc).__name__}: {exc}"
            return self.error_response(service.name, "InternalServerError", message, 500)
        metadata = response.pop("ResponseMetadata", {})
        shape = service.model.operation_model(operation).output_shape
        headers = {"x-amzn-RequestId": metadata.get("RequestId", "")}
        status = metadata.get("HTTPStatusCode", 200)
        payload = None if shape is None else shape.serialization.get("payload")
        if payload is not None and shape.members[payload].type_name == "blob":
            return _blob_response(shape, response, headers, status)
        encoded = encode_value(shape, response)
        if service.protocol == "json":
            return self._json_response(status, headers, encoded, _json_version(service))
        body = b"" if status == 204 and not encoded else json.dumps(encoded).encode()
        headers["Content-Type"] = "application/json"
        return WireResponse(status, headers, body)

    def _json_response(
        self, status: int, headers: dict[str, str], payload: dict[str, Any], version: str = "1.0"
    ) -> WireResponse:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers["Content-Type"] = f"application/x-amz-json-{version}"
        headers["x-amz-crc32"] = _crc32(body)
        return WireResponse(status, headers, body)

    def error_response(
        self,
        service_name: str | None,
        code: str,
        message: str,
        status: int = 400,
        extra: Mapping[str, Any] | None = None,
    ) -> WireResponse:
        """An error response in the service's protocol (JSON 1.0 when the service is unknown).

        ``extra``: the error's modeled members besides the message (``Item`` of a
        ``ConditionalCheckFailedException``, ``CancellationReasons``), encoded by its shape.
        """
        service = None if service_name is None else self._services.get(service_name)
        shape = None
        if service is not None:
            shape = next((s for s in service.model.error_shapes if s.name == code), None)
        members = encode_value(shape, dict(extra or {}))
        headers: dict[str, str] = {}
        if service is not None and service.protocol == "rest-json":
            headers["x-amzn-ErrorType"] = code
            headers["Content-Type"] = "application/json"
            kind = "Service" if status >= 500 else "User"
            body = json.dumps({"Type": kind, "Message": message, **members}).encode()
            return WireResponse(status, headers, body)
        if service is not None and service.name == "kinesis":  # Kinesis: the bare code
            payload = {"__type": code, "message": message, **members}
            return self._json_response(status, headers, payload, "1.1")
        payload = {"__type": _JSON_ERROR_PREFIX + code, "message": message, **members}
        return self._json_response(status, headers, payload)


def _json_version(service: _Service) -> str:
    """The service's JSON protocol version (``1.0`` for DynamoDB, ``1.1`` for Kinesis)."""
    return str(service.model.metadata.get("jsonVersion", "1.0"))


def _query_value(member: Any, values: list[str], name: str) -> Any:
    """A query-string parameter as its shape's type (the last value, or all for a list)."""
    kind = member.type_name
    if kind == "list":
        return values
    value = values[-1]
    if kind in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            raise WireError("SerializationException", f"{name} must be an integer") from None
    if kind == "boolean":
        return value.lower() == "true"
    return value


def _header_params(
    service: _Service, operation: str, headers: Mapping[str, str], params: dict[str, Any]
) -> None:
    """Add the members a REST operation takes from HTTP headers (Invoke's InvocationType)."""
    shape = service.model.operation_model(operation).input_shape
    if shape is None:
        return
    for name, member in shape.members.items():
        if member.serialization.get("location") == "header":
            value = headers.get(member.serialization.get("name", name).lower())
            if value is not None:
                params[name] = value


def _blob_response(
    shape: Any, response: dict[str, Any], headers: dict[str, str], status: int
) -> WireResponse:
    """A REST response whose body is a blob member (Invoke's ``Payload``), with its header
    members as headers and its ``statusCode`` member as the status."""
    body = b""
    for name, member in shape.members.items():
        if name not in response:
            continue
        value = response[name]
        location = member.serialization.get("location")
        if location == "header":
            headers[member.serialization.get("name", name)] = str(value)
        elif location == "statusCode":
            status = int(value)
        elif name == shape.serialization.get("payload"):
            body = value.read() if hasattr(value, "read") else bytes(value)
    headers["Content-Type"] = "application/json"
    return WireResponse(status, headers, body)
