"""The configuration of an event source mapping: :class:`MappingConfig` and its bounds.

:class:`MappingConfig` is the validated, immutable configuration of a mapping, field by field
the parameters of CreateEventSourceMapping that apply to stream sources; its validators
carry the bounds of rule D.1 and raise ``InvalidParameterValueException`` naming the AWS
parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from streamsim._errors import InvalidParameterValueException
from streamsim._reprs import settings_repr

from ._filters import RecordFilter, compile_filter_criteria

# --- bounds (rule D.1) --------------------------------------------------------------------------

BATCH_SIZE_DEFAULT = 100
BATCH_SIZE_MAX = 10_000  # rule D.1, S19: 1,000 until June 2022
BATCHING_WINDOW_MAX_S = 300
PARALLELIZATION_MAX = 10
RECORD_AGE_MIN_S = 60
RECORD_AGE_MAX_S = 604_800
RETRY_ATTEMPTS_MAX = 10_000
TUMBLING_WINDOW_MAX_S = 900
STARTING_POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")  # AT_TIMESTAMP: Kinesis only
FUNCTION_RESPONSE_TYPES = ("ReportBatchItemFailures",)
METRICS = ("EventCount",)
DESTINATION_ARN_MAX = 350


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterValueException(f"{name} must be an integer, got {value!r}")
    return value


def _in_range(name: str, low: int, high: int) -> Any:
    def check(_: Any, __: Any, value: Any) -> None:
        number = _int(name, value)
        if not low <= number <= high:
            raise InvalidParameterValueException(
                f"{name} must be between {low} and {high}, got {number}"
            )

    return check


def _record_age(_: Any, __: Any, value: Any) -> None:
    number = _int("MaximumRecordAgeInSeconds", value)
    if number != -1 and not RECORD_AGE_MIN_S <= number <= RECORD_AGE_MAX_S:
        raise InvalidParameterValueException(
            f"MaximumRecordAgeInSeconds must be -1 (no limit) or between {RECORD_AGE_MIN_S} and "
            f"{RECORD_AGE_MAX_S}, got {number}"
        )


def _starting_position(_: Any, __: Any, value: Any) -> None:
    if value not in STARTING_POSITIONS:
        raise InvalidParameterValueException(
            f"StartingPosition must be TRIM_HORIZON or LATEST (or AT_TIMESTAMP for Kinesis "
            f"streams), got {value!r}"
        )


def check_dynamodb_starting_position(value: Any) -> None:
    """Refuse AT_TIMESTAMP for a DynamoDB stream (rule D.12, L.5).

    Raises:
        InvalidParameterValueException: ``value`` is AT_TIMESTAMP.
    """
    if value == "AT_TIMESTAMP":
        raise InvalidParameterValueException(
            "Unsupported starting position for DynamoDB streams: AT_TIMESTAMP; "
            "expected TRIM_HORIZON or LATEST"
        )


def _timestamp(_: Any, __: Any, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidParameterValueException(
            f"StartingPositionTimestamp must be an instant, got {value!r}"
        )


def _bool(name: str) -> Any:
    def check(_: Any, __: Any, value: Any) -> None:
        if not isinstance(value, bool):
            raise InvalidParameterValueException(f"{name} must be true or false, got {value!r}")

    return check


def _response_types(_: Any, __: Any, value: tuple[str, ...]) -> None:
    if len(value) > 1:
        raise InvalidParameterValueException(
            f"FunctionResponseTypes holds at most 1 value, got {list(value)}"
        )
    for item in value:
        if item not in FUNCTION_RESPONSE_TYPES:
            raise InvalidParameterValueException(
                f"Unsupported FunctionResponseType {item!r}; expected ReportBatchItemFailures"
            )


def _metrics(_: Any, __: Any, value: tuple[str, ...]) -> None:
    for item in value:
        if item not in METRICS:
            raise InvalidParameterValueException(
                f"Unsupported MetricsConfig metric {item!r} for DynamoDB streams; "
                "expected EventCount"
            )


def _destination(_: Any, __: Any, value: str | None) -> None:
    if value is None:
        return
    if (
        not isinstance(value, str)
        or not value.startswith("arn:")
        or (len(value) > DESTINATION_ARN_MAX)
    ):
        raise InvalidParameterValueException(
            f"DestinationConfig.OnFailure.Destination must be an ARN of at most "
            f"{DESTINATION_ARN_MAX} characters, got {value!r}"
        )


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise InvalidParameterValueException(f"expected a list of strings, got {value!r}")
    return tuple(value)


@attrs.frozen(kw_only=True, repr=False)
class MappingConfig:
    """The validated settings of one DynamoDB-stream event source mapping (rule D.1).

    Attributes (AWS parameter in brackets):
        starting_position: ``TRIM_HORIZON``, ``LATEST`` or (Kinesis) ``AT_TIMESTAMP``
            [StartingPosition].
        starting_position_timestamp_ms: the instant AT_TIMESTAMP starts at, epoch ms
            [StartingPositionTimestamp]; only with AT_TIMESTAMP (rule L.5).
        batch_size: 1-10000, default 100 [BatchSize].
        maximum_batching_window_s: 0-300 whole seconds, default 0
            [MaximumBatchingWindowInSeconds].
        parallelization_factor: 1-10, default 1 [ParallelizationFactor].
        maximum_record_age_s: -1 (none) or 60-604800, default -1 [MaximumRecordAgeInSeconds].
        maximum_retry_attempts: -1 (none) to 10000, default -1 [MaximumRetryAttempts].
        bisect_batch_on_function_error: default False [BisectBatchOnFunctionError].
        tumbling_window_s: 0 (off) to 900 [TumblingWindowInSeconds].
        function_response_types: () or ``("ReportBatchItemFailures",)``
            [FunctionResponseTypes].
        filter_criteria: as given, ``{"Filters": [{"Pattern": ...}]}`` or None
            [FilterCriteria]; ``record_filter`` is its compiled form.
        on_failure_destination: ARN of an SQS queue, SNS topic or S3 bucket, or None
            [DestinationConfig.OnFailure.Destination].
        metrics: ``("EventCount",)`` or () [MetricsConfig.Metrics].
        kms_key_arn: [KMSKeyArn] (only echoed back).
        numeric_on_n_strings: compile ``numeric`` filter rules to match DynamoDB ``N``/``NS``
            strings (not an AWS parameter: ``LambdaSettings.filter_numeric_matches_n_strings``
            of the simulation, rule D.8, F.13).

    >>> MappingConfig(starting_position="LATEST").batch_size
    100
    >>> MappingConfig(starting_position="LATEST", batch_size=0)
    Traceback (most recent call last):
    ...
    streamsim._errors.InvalidParameterValueException: ...
    """

    def __repr__(self) -> str:
        return settings_repr(self)

    starting_position: str = attrs.field(validator=_starting_position)
    starting_position_timestamp_ms: int | None = attrs.field(default=None, validator=_timestamp)
    batch_size: int = attrs.field(
        default=BATCH_SIZE_DEFAULT, validator=_in_range("BatchSize", 1, BATCH_SIZE_MAX)
    )
    maximum_batching_window_s: int = attrs.field(
        default=0,
        validator=_in_range("MaximumBatchingWindowInSeconds", 0, BATCHING_WINDOW_MAX_S),
    )
    parallelization_factor: int = attrs.field(
        default=1, validator=_in_range("ParallelizationFactor", 1, PARALLELIZATION_MAX)
    )
    maximum_record_age_s: int = attrs.field(default=-1, validator=_record_age)
    maximum_retry_attempts: int = attrs.field(
        default=-1, validator=_in_range("MaximumRetryAttempts", -1, RETRY_ATTEMPTS_MAX)
    )
    bisect_batch_on_function_error: bool = attrs.field(
        default=False, validator=_bool("BisectBatchOnFunctionError")
    )
    tumbling_window_s: int = attrs.field(
        default=0, validator=_in_range("TumblingWindowInSeconds", 0, TUMBLING_WINDOW_MAX_S)
    )
    function_response_types: tuple[str, ...] = attrs.field(
        default=(), converter=_tuple, validator=_response_types
    )
    filter_criteria: dict[str, Any] | None = attrs.field(default=None)
    on_failure_destination: str | None = attrs.field(default=None, validator=_destination)
    metrics: tuple[str, ...] = attrs.field(default=(), converter=_tuple, validator=_metrics)
    kms_key_arn: str | None = None
    numeric_on_n_strings: bool = attrs.field(default=False, repr=False)
    record_filter: RecordFilter | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        at_timestamp = self.starting_position == "AT_TIMESTAMP"
        if at_timestamp != (self.starting_position_timestamp_ms is not None):
            raise InvalidParameterValueException(
                "StartingPositionTimestamp is required with StartingPosition AT_TIMESTAMP"
                if at_timestamp
                else "StartingPositionTimestamp is only valid with StartingPosition AT_TIMESTAMP"
            )
        criteria = self.filter_criteria
        if criteria is not None and not isinstance(criteria, Mapping):
            raise InvalidParameterValueException(
                f'FilterCriteria must be an object like {{"Filters": [...]}}, got {criteria!r}'
            )
        compiled = compile_filter_criteria(criteria, numeric_on_n_strings=self.numeric_on_n_strings)
        object.__setattr__(self, "record_filter", compiled)
        if criteria is not None:
            object.__setattr__(self, "filter_criteria", compiled.patterns if compiled else None)

    @property
    def report_batch_item_failures(self) -> bool:
        """True when FunctionResponseTypes holds ReportBatchItemFailures (rule D.6)."""
        return "ReportBatchItemFailures" in self.function_response_types
