"""``sim.client("lambda")``: event source mappings and function concurrency, shaped as boto3's.

Operations: ``create_event_source_mapping``, ``update_event_source_mapping``,
``delete_event_source_mapping``, ``get_event_source_mapping``, ``list_event_source_mappings``,
``put_function_concurrency``, ``get_function_concurrency``, ``delete_function_concurrency``
``get_function``, ``invoke`` and the ``*_function_event_invoke_config`` operations
(:mod:`._lambda_invoke`).  Parameters are AWS's names as keyword arguments; responses carry the
members of botocore's ``lambda`` output shapes (``EventSourceMappingConfiguration``, ...) plus
``ResponseMetadata``; ``LastModified`` of a mapping is a timezone-aware datetime as boto3 hands
it out.  Errors are the ``streamsim._errors`` classes, stamped with the operation, also
reachable as ``client.exceptions.<Code>``.

Functions themselves are created in Python (``sim.create_function(name, handler, ...)``):
their code is the handler.

AWS behaviour: rule D.1, D.2.  Validation order: botocore's client-side checks (missing and
unknown parameters, Python types: :class:`~._params.ParamValidationError`), then the
service's (``InvalidParameterValueException``), then existence and conflicts.

Differs from AWS: boto3 rejects numbers below the model's minimum (``BatchSize=0``) on the
client side with ``ParamValidationError``; streamsim raises ``InvalidParameterValueException``
for every value outside rule D.1's ranges.  The response of a create, update or delete shows
the transitional ``State`` (``Creating``, ``Updating``, ...) even when the transition takes no
virtual time (``LambdaSettings.start_delay_ms`` / ``transition_ms`` are 0 by default).
"""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Mapping
from hashlib import sha256
from typing import TYPE_CHECKING, Any
from uuid import UUID

from streamsim._clock import ms_to_datetime
from streamsim._errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    StreamsimError,
)
from streamsim._lambda._config import check_dynamodb_starting_position
from streamsim._lambda._kinesis_source import KinesisStreamSource
from streamsim._lambda._mapping import (
    CREATING,
    DELETING,
    DISABLING,
    ENABLING,
    UPDATING,
    EventSourceMapping,
    MappingConfig,
)

from ._client_base import ClientBase, ClientExceptions, response_metadata
from ._lambda_invoke import (
    delete_event_invoke_config,
    event_invoke_config,
    invoke,
    put_event_invoke_config,
)
from ._lambda_requests import CONFIG_FIELDS, is_kinesis_arn, timestamp_ms
from ._models.lambda_ import OPERATIONS as LAMBDA_OPERATIONS
from ._param_shapes import OperationSpec, without_minimums

if TYPE_CHECKING:
    import random

    from streamsim._lambda._functions import Function
    from streamsim._lambda._service import LambdaService

SERVICE = "lambda"
_TIMESTAMP = "StartingPositionTimestamp"
LIST_MAX_ITEMS = 10_000  # botocore: ListEventSourceMappings MaxItems 1..10000
LIST_DEFAULT_ITEMS = 100  # AWS default page size
RUNTIME = "python3.12"

#: operation -> (required members, member -> (kind, minimum)): botocore's client-side checks,
#: generated from its lambda model, without the minimums (see "Differs from AWS" above)
_OPERATIONS: dict[str, OperationSpec] = {
    op: without_minimums(spec) for op, spec in LAMBDA_OPERATIONS.items()
}
#: members of CreateEventSourceMapping that do not apply to stream sources (rule D.1, L.5)
_NOT_FOR_STREAMS = (
    "Topics",
    "Queues",
    "ScalingConfig",
    "SourceAccessConfigurations",
    "SelfManagedEventSource",
    "AmazonManagedKafkaEventSourceConfig",
    "SelfManagedKafkaEventSourceConfig",
    "DocumentDBEventSourceConfig",
    "ProvisionedPollerConfig",
    "LoggingConfig",
)
#: HTTP status of each operation's success (botocore ``http.responseCode``)
_STATUS = {
    "CreateEventSourceMapping": 202,
    "UpdateEventSourceMapping": 202,
    "DeleteEventSourceMapping": 202,
    "DeleteFunctionConcurrency": 204,
    "DeleteFunctionEventInvokeConfig": 204,
}

#: HTTP status of Lambda's errors (botocore ``error.httpStatusCode``; DynamoDB's
#: ResourceNotFoundException is a 400, Lambda's a 404)
_ERROR_STATUS = {
    "ResourceNotFoundException": 404,
    "ResourceConflictException": 409,
    "ResourceInUseException": 400,
    "InvalidParameterValueException": 400,
    "TooManyRequestsException": 429,
    "ServiceException": 500,
    "RequestEntityTooLargeException": 413,
    "InvalidRequestContentException": 400,
}


class LambdaClient(ClientBase):
    """The Lambda low-level client of a :class:`~streamsim.Simulation` (``sim.client("lambda")``).

    Method names, parameters and responses are boto3's for the operations listed in the
    module documentation, so code written against ``boto3.client("lambda")`` to wire a
    function to a DynamoDB stream runs unchanged.

    >>> from streamsim import Simulation
    >>> sim = Simulation(seed=1)
    >>> table = sim.create_table("orders", hash_key="pk", stream_view_type="NEW_IMAGE")
    >>> fn = sim.create_function("audit", lambda event, context: None)
    >>> client = sim.client("lambda")
    >>> mapping = client.create_event_source_mapping(
    ...     FunctionName="audit", EventSourceArn=sim.streams[0].arn, StartingPosition="LATEST")
    >>> mapping["State"], client.get_event_source_mapping(UUID=mapping["UUID"])["State"]
    ('Creating', 'Enabled')
    """

    def __init__(self, service: LambdaService, *, request_ids: random.Random) -> None:
        self._service = service
        self._request_ids = request_ids
        self.exceptions = ClientExceptions("lambda")

    def __repr__(self) -> str:
        return f"<LambdaClient region={self._service.region}>"

    # --- shared pieces --------------------------------------------------------------------------

    _CHECKS = _OPERATIONS

    def _response_metadata(self, operation: str) -> dict[str, Any]:
        """``ResponseMetadata`` as botocore builds it (request id from the seeded source)."""
        hexed = f"{self._request_ids.getrandbits(128):032x}"
        request_id = f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"
        return response_metadata(request_id, _STATUS.get(operation, 200), "application/json")

    def _on_error(self, exc: StreamsimError) -> None:
        """Lambda's HTTP status for the error (DynamoDB's ResourceNotFoundException is a 400)."""
        status = _ERROR_STATUS.get(exc.code)
        if status is not None:
            exc.response["ResponseMetadata"]["HTTPStatusCode"] = status

    @staticmethod
    def _mapping_dict(mapping: EventSourceMapping, state: str | None = None) -> dict[str, Any]:
        """``EventSourceMappingConfiguration`` of a mapping (rule D.2)."""
        cfg = mapping.config
        out: dict[str, Any] = {
            "UUID": mapping.uuid,
            "StartingPosition": cfg.starting_position,
        }
        if cfg.starting_position_timestamp_ms is not None:
            out[_TIMESTAMP] = ms_to_datetime(cfg.starting_position_timestamp_ms)
        out |= {
            "BatchSize": cfg.batch_size,
            "MaximumBatchingWindowInSeconds": cfg.maximum_batching_window_s,
            "ParallelizationFactor": cfg.parallelization_factor,
            "EventSourceArn": mapping.source.arn,
        }
        if cfg.filter_criteria is not None:
            out["FilterCriteria"] = cfg.filter_criteria
        if cfg.kms_key_arn is not None:
            out["KMSKeyArn"] = cfg.kms_key_arn
        if cfg.metrics:
            out["MetricsConfig"] = {"Metrics": list(cfg.metrics)}
        out["FunctionArn"] = mapping.function.arn
        out["LastModified"] = ms_to_datetime(mapping.last_modified_ms)
        out["LastProcessingResult"] = mapping.last_processing_result
        out["State"] = state or mapping.state
        out["StateTransitionReason"] = mapping.state_transition_reason
        destination = cfg.on_failure_destination
        out["DestinationConfig"] = {
            "OnFailure": {"Destination": destination} if destination is not None else {}
        }
        out["MaximumRecordAgeInSeconds"] = cfg.maximum_record_age_s
        out["BisectBatchOnFunctionError"] = cfg.bisect_batch_on_function_error
        out["MaximumRetryAttempts"] = cfg.maximum_retry_attempts
        out["TumblingWindowInSeconds"] = cfg.tumbling_window_s
        out["FunctionResponseTypes"] = list(cfg.function_response_types)
        out["EventSourceMappingArn"] = mapping.arn
        return out

    def _config(
        self, params: Mapping[str, Any], base: MappingConfig | None, *, kinesis: bool
    ) -> MappingConfig:
        kind = "Kinesis stream" if kinesis else "DynamoDB stream"
        if not kinesis:
            check_dynamodb_starting_position(params.get("StartingPosition"))
        for name in _NOT_FOR_STREAMS if kinesis else (*_NOT_FOR_STREAMS, _TIMESTAMP):
            if params.get(name) is not None:
                raise InvalidParameterValueException(
                    f"Unsupported parameter for {kind} event sources: {name}"
                )
        values: dict[str, Any] = {
            "numeric_on_n_strings": self._service.settings.filter_numeric_matches_n_strings
        }
        for name, (field, convert) in CONFIG_FIELDS.items():
            if name in params:
                values[field] = convert(params[name])
        if base is None:
            if "StartingPosition" not in params:
                raise InvalidParameterValueException(
                    f"StartingPosition is required for {kind} event sources "
                    f"(TRIM_HORIZON or LATEST{' or AT_TIMESTAMP' if kinesis else ''})"
                )
            if params.get(_TIMESTAMP) is not None:
                values["starting_position_timestamp_ms"] = timestamp_ms(params[_TIMESTAMP])
            return MappingConfig(starting_position=params["StartingPosition"], **values)
        if params.get(_TIMESTAMP) is not None:
            raise InvalidParameterValueException(
                f"{_TIMESTAMP} cannot be changed: the starting position is set at creation"
            )
        changes = {
            field: getattr(base, field)
            for field in (
                "starting_position",
                "starting_position_timestamp_ms",
                "batch_size",
                "maximum_batching_window_s",
                "parallelization_factor",
                "maximum_record_age_s",
                "maximum_retry_attempts",
                "bisect_batch_on_function_error",
                "tumbling_window_s",
                "function_response_types",
                "filter_criteria",
                "on_failure_destination",
                "metrics",
                "kms_key_arn",
            )
        }
        changes.update(values)
        return MappingConfig(**changes)

    def _function(self, name: str) -> Function:
        return self._service.function(name)

    # --- event source mappings ------------------------------------------------------------------

    def create_event_source_mapping(self, **params: Any) -> dict[str, Any]:
        """CreateEventSourceMapping for a DynamoDB stream (rule D.1).

        Args (keyword, AWS names): FunctionName, EventSourceArn and StartingPosition
            (required); Enabled, BatchSize, MaximumBatchingWindowInSeconds,
            ParallelizationFactor, MaximumRecordAgeInSeconds, MaximumRetryAttempts,
            BisectBatchOnFunctionError, TumblingWindowInSeconds, FunctionResponseTypes,
            FilterCriteria, DestinationConfig (OnFailure only), MetricsConfig, KMSKeyArn, Tags.

        Returns:
            The mapping's ``EventSourceMappingConfiguration`` with ``State: "Creating"``.

        Raises:
            InvalidParameterValueException: a value outside rule D.1, an unsupported
                parameter, no such stream or destination.
            ResourceNotFoundException: no such function.
            ResourceConflictException: the function already has a mapping on this stream.
        """

        def body(**p: Any) -> dict[str, Any]:
            arn = p.get("EventSourceArn")
            config = self._config(p, None, kinesis=isinstance(arn, str) and is_kinesis_arn(arn))
            if "EventSourceArn" not in p:
                raise InvalidParameterValueException(
                    "EventSourceArn is required for DynamoDB stream event sources"
                )
            enabled = p.get("Enabled", True)
            tags = p.get("Tags") or {}
            mapping = self._service.create_event_source_mapping(
                p["FunctionName"], p["EventSourceArn"], config, enabled=enabled, tags=tags
            )
            return self._mapping_dict(mapping, CREATING)

        return self._call("CreateEventSourceMapping", params, body)

    def update_event_source_mapping(self, **params: Any) -> dict[str, Any]:
        """UpdateEventSourceMapping: change settings, the function, or Enabled.

        Returns the configuration with ``State`` ``Updating`` (or ``Enabling`` /
        ``Disabling`` when ``Enabled`` flips).

        Raises:
            ResourceNotFoundException: no such mapping or function.
            InvalidParameterValueException: a value outside rule D.1.
            ResourceConflictException: the new function already has a mapping on the stream.
            ResourceInUseException: the mapping is still changing state.
        """

        def body(**p: Any) -> dict[str, Any]:
            mapping = self._service.mapping(p["UUID"])
            kinesis = isinstance(mapping.source, KinesisStreamSource)
            config = self._config(p, mapping.config, kinesis=kinesis)
            was_enabled = mapping.enabled
            enabled = p.get("Enabled")
            self._service.update_event_source_mapping(
                p["UUID"], config, enabled=enabled, function_name=p.get("FunctionName")
            )
            if enabled is not None and enabled != was_enabled:
                state = ENABLING if enabled else DISABLING
            else:
                state = UPDATING
            return self._mapping_dict(mapping, state)

        return self._call("UpdateEventSourceMapping", params, body)

    def delete_event_source_mapping(self, **params: Any) -> dict[str, Any]:
        """DeleteEventSourceMapping: stops polling; returns the configuration, ``Deleting``."""

        def body(**p: Any) -> dict[str, Any]:
            mapping = self._service.delete_event_source_mapping(p["UUID"])
            return self._mapping_dict(mapping, DELETING)

        return self._call("DeleteEventSourceMapping", params, body)

    def get_event_source_mapping(self, **params: Any) -> dict[str, Any]:
        """GetEventSourceMapping: the configuration and current State (rule D.2)."""

        def body(**p: Any) -> dict[str, Any]:
            return self._mapping_dict(self._service.mapping(p["UUID"]))

        return self._call("GetEventSourceMapping", params, body)

    def list_event_source_mappings(self, **params: Any) -> dict[str, Any]:
        """ListEventSourceMappings, optionally of one function and/or one stream.

        Args: EventSourceArn, FunctionName, Marker (the previous page's ``NextMarker``),
            MaxItems (1-10000, default 100).

        Returns ``{"EventSourceMappings": [...], "NextMarker": ...}`` (NextMarker only when
        more follow), in creation order.  Mappings with a ``KMSKeyArn`` are listed without
        ``FilterCriteria`` (rule D.1: encrypted criteria are not shown in lists).
        """

        def body(
            EventSourceArn: str | None = None,
            FunctionName: str | None = None,
            Marker: str | None = None,
            MaxItems: int | None = None,
        ) -> dict[str, Any]:
            limit = LIST_DEFAULT_ITEMS if MaxItems is None else MaxItems
            if not 1 <= limit <= LIST_MAX_ITEMS:
                raise InvalidParameterValueException(
                    f"MaxItems must be between 1 and {LIST_MAX_ITEMS}, got {limit}"
                )
            mappings = self._service.list_event_source_mappings(
                function_name=FunctionName, event_source_arn=EventSourceArn
            )
            start = 0
            if Marker is not None:
                uuids = [m.uuid for m in mappings]
                if Marker not in uuids:
                    raise InvalidParameterValueException(f"Invalid Marker: {Marker!r}")
                start = uuids.index(Marker)
            page = mappings[start : start + limit]
            items = []
            for mapping in page:
                item = self._mapping_dict(mapping)
                if mapping.config.kms_key_arn is not None:
                    item.pop("FilterCriteria", None)
                items.append(item)
            out: dict[str, Any] = {"EventSourceMappings": items}
            if start + limit < len(mappings):
                out["NextMarker"] = mappings[start + limit].uuid
            return out

        return self._call("ListEventSourceMappings", params, body)

    # --- concurrency ----------------------------------------------------------------------------

    def put_function_concurrency(self, **params: Any) -> dict[str, Any]:
        """PutFunctionConcurrency: reserve instances (0 stops all processing, rule D.4)."""

        def body(**p: Any) -> dict[str, Any]:
            function = self._function(p["FunctionName"])
            value = p["ReservedConcurrentExecutions"]
            self._service.set_reserved_concurrency(function, value)
            return {"ReservedConcurrentExecutions": value}

        return self._call("PutFunctionConcurrency", params, body)

    def get_function_concurrency(self, **params: Any) -> dict[str, Any]:
        """GetFunctionConcurrency: ``{"ReservedConcurrentExecutions": n}`` or ``{}``."""

        def body(**p: Any) -> dict[str, Any]:
            function = self._function(p["FunctionName"])
            reserved = function.reserved_concurrency
            return {} if reserved is None else {"ReservedConcurrentExecutions": reserved}

        return self._call("GetFunctionConcurrency", params, body)

    def delete_function_concurrency(self, **params: Any) -> dict[str, Any]:
        """DeleteFunctionConcurrency: the function shares the unreserved pool again."""

        def body(**p: Any) -> dict[str, Any]:
            self._service.set_reserved_concurrency(self._function(p["FunctionName"]), None)
            return {}

        return self._call("DeleteFunctionConcurrency", params, body)

    # --- functions ------------------------------------------------------------------------------

    def get_function(self, **params: Any) -> dict[str, Any]:
        """GetFunction: the function's configuration, code location and concurrency."""

        def body(**p: Any) -> dict[str, Any]:
            qualifier = p.get("Qualifier")
            function = self._function(p["FunctionName"])
            if qualifier not in (None, "$LATEST"):
                raise ResourceNotFoundException(
                    f"Function not found: {function.arn}:{qualifier} (streamsim functions have "
                    "no versions or aliases, only $LATEST)"
                )
            return self._function_dict(function)

        return self._call("GetFunction", params, body)

    def _function_dict(self, function: Function) -> dict[str, Any]:
        service = self._service
        region, account_id = service.region, service.account_id
        digest = sha256(f"streamsim/{function.arn}".encode()).digest()
        created = ms_to_datetime(function.created_ms)
        configuration: dict[str, Any] = {
            "FunctionName": function.name,
            "FunctionArn": function.arn,
            "Runtime": RUNTIME,
            "Role": f"arn:aws:iam::{account_id}:role/{function.name}-role",
            "Handler": "handler.handler",
            "CodeSize": 0,
            "Description": "",
            "Timeout": function.timeout_seconds,
            "MemorySize": function.memory_mb,
            "LastModified": created.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{function.created_ms % 1000:03d}+0000",
            "CodeSha256": b64encode(digest).decode("ascii"),
            "Version": "$LATEST",
            "TracingConfig": {"Mode": "PassThrough"},
            "RevisionId": str(UUID(bytes=digest[:16], version=4)),
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": ["x86_64"],
            "EphemeralStorage": {"Size": 512},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{function.name}"},
        }
        out: dict[str, Any] = {
            "Configuration": configuration,
            "Code": {
                "RepositoryType": "S3",
                "Location": (
                    f"https://awslambda-{region}-tasks.s3.{region}.amazonaws.com/"
                    f"snapshots/{account_id}/{function.name}-{digest[:8].hex()}"
                ),
            },
        }
        if function.reserved_concurrency is not None:
            out["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved_concurrency}
        return out

    # --- Invoke (rule L.1-L.4) ------------------------------------------------------------------

    def invoke(self, **params: Any) -> dict[str, Any]:
        """Invoke: RequestResponse (200), Event (202) or DryRun (204) (rule L.1-L.4).

        Args (keyword, AWS names): FunctionName (required), InvocationType, LogType
            ("Tail": ``LogResult``), Payload (JSON as bytes, text or a readable object),
            Qualifier (``$LATEST`` only), ClientContext.

        Returns:
            ``StatusCode``, ``FunctionError`` ("Unhandled" when the function failed),
            ``LogResult``, ``ExecutedVersion`` and ``Payload`` (a ``StreamingBody``); the
            HTTP headers Lambda sends in ``ResponseMetadata``.

        Raises:
            TooManyRequestsException: a synchronous call found no free instance (``Reason``
                ``ReservedFunctionConcurrentInvocationLimitExceeded`` when reserved).
            RequestEntityTooLargeException: over 6 MB (1 MB for Event).
            InvalidRequestContentException: a payload that is not JSON.
            ResourceNotFoundException: no such function.
        """
        request_id: list[str | None] = [None]

        def body(**p: Any) -> dict[str, Any]:
            out, request_id[0] = invoke(self._service, p)
            return out

        response = self._call("Invoke", params, body)
        metadata = response["ResponseMetadata"]
        if request_id[0] is not None:  # the invocation's own id, as the handler saw it
            metadata["RequestId"] = request_id[0]
            metadata["HTTPHeaders"]["x-amzn-requestid"] = request_id[0]
        metadata["HTTPStatusCode"] = response["StatusCode"]
        headers = metadata["HTTPHeaders"]
        for member, header in (
            ("FunctionError", "x-amz-function-error"),
            ("LogResult", "x-amz-log-result"),
            ("ExecutedVersion", "x-amz-executed-version"),
        ):
            if member in response:
                headers[header] = response[member]
        return response

    def put_function_event_invoke_config(self, **params: Any) -> dict[str, Any]:
        """PutFunctionEventInvokeConfig: asynchronous retries, event age, destinations
        (unset members take their defaults; rule L.4)."""
        return self._call(
            "PutFunctionEventInvokeConfig",
            params,
            lambda **p: put_event_invoke_config(self._service, p, replace=True),
        )

    def update_function_event_invoke_config(self, **params: Any) -> dict[str, Any]:
        """UpdateFunctionEventInvokeConfig: change only the members given (rule L.4)."""
        return self._call(
            "UpdateFunctionEventInvokeConfig",
            params,
            lambda **p: put_event_invoke_config(self._service, p, replace=False),
        )

    def get_function_event_invoke_config(self, **params: Any) -> dict[str, Any]:
        """GetFunctionEventInvokeConfig (ResourceNotFoundException when none was put)."""
        service = self._service
        return self._call(
            "GetFunctionEventInvokeConfig", params, lambda **p: event_invoke_config(service, p)
        )

    def delete_function_event_invoke_config(self, **params: Any) -> dict[str, Any]:
        """DeleteFunctionEventInvokeConfig: the defaults apply again."""

        def body(**p: Any) -> dict[str, Any]:
            delete_event_invoke_config(self._service, p)
            return {}

        return self._call("DeleteFunctionEventInvokeConfig", params, body)
