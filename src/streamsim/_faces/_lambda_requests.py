"""Translating the Lambda client's mapping parameters: destinations, metrics, timestamps.

The pieces of CreateEventSourceMapping / UpdateEventSourceMapping that turn AWS's request
members into :class:`~streamsim._lambda._config.MappingConfig` fields (rule D.1, L.5).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from streamsim._clock import datetime_to_ms
from streamsim._errors import InvalidParameterValueException

_KINESIS_ARN = re.compile(r"arn:aws[a-zA-Z-]*:kinesis:")


def is_kinesis_arn(arn: str) -> bool:
    """True for the ARN of a Kinesis stream (or consumer).

    >>> is_kinesis_arn("arn:aws:kinesis:us-east-1:123456789012:stream/clicks")
    True
    """
    return _KINESIS_ARN.match(arn) is not None


def timestamp_ms(value: Any) -> int:
    """``StartingPositionTimestamp`` as epoch ms: a datetime (naive ones are UTC, as botocore
    sends them), epoch seconds, or their text (rule L.5).

    >>> timestamp_ms(1541139109), timestamp_ms("2018-11-02T06:11:49Z")
    (1541139109000, 1541139109000)

    Raises:
        InvalidParameterValueException: not an instant.
    """
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return datetime_to_ms(aware)
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            try:
                return timestamp_ms(datetime.fromisoformat(value.replace("Z", "+00:00")))
            except ValueError:
                pass
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
        if number.is_finite() and 0 <= number < 253_402_300_800:
            return int(number * 1000)
    raise InvalidParameterValueException(
        f"StartingPositionTimestamp must be a datetime or epoch seconds, got {value!r}"
    )


def _destination_of(config: Any) -> str | None:
    """``DestinationConfig.OnFailure.Destination`` (None when absent or empty)."""
    if config is None:
        return None
    if not isinstance(config, Mapping):
        raise InvalidParameterValueException(
            f'DestinationConfig must be an object like {{"OnFailure": {{"Destination": "arn"}}}}, '
            f"got {config!r}"
        )
    unknown = sorted(set(config) - {"OnFailure", "OnSuccess"})
    if unknown:
        raise InvalidParameterValueException(
            f"DestinationConfig has unknown member(s) {', '.join(unknown)}"
        )
    on_success = config.get("OnSuccess")
    if on_success and (not isinstance(on_success, Mapping) or on_success.get("Destination")):
        raise InvalidParameterValueException(
            "Unsupported DestinationConfig parameter for given event source mapping type: "
            "OnSuccess is not supported for stream event sources (only OnFailure)"
        )
    on_failure = config.get("OnFailure")
    if on_failure is None:
        return None
    if not isinstance(on_failure, Mapping) or set(on_failure) - {"Destination"}:
        raise InvalidParameterValueException(
            f'DestinationConfig.OnFailure must be {{"Destination": "arn"}}, got {on_failure!r}'
        )
    destination = on_failure.get("Destination")
    if destination in (None, ""):
        return None
    if not isinstance(destination, str):
        raise InvalidParameterValueException(
            f"DestinationConfig.OnFailure.Destination must be a string ARN, got {destination!r}"
        )
    return destination


def _metrics_of(config: Any) -> tuple[str, ...]:
    if config is None:
        return ()
    if not isinstance(config, Mapping) or set(config) - {"Metrics"}:
        raise InvalidParameterValueException(
            f'MetricsConfig must be {{"Metrics": ["EventCount"]}}, got {config!r}'
        )
    metrics = config.get("Metrics") or []
    if not isinstance(metrics, list | tuple):
        raise InvalidParameterValueException(
            f"MetricsConfig.Metrics must be a list, got {metrics!r}"
        )
    return tuple(metrics)


# create/update parameter -> (MappingConfig field, converter)
CONFIG_FIELDS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "BatchSize": ("batch_size", lambda v: v),
    "MaximumBatchingWindowInSeconds": ("maximum_batching_window_s", lambda v: v),
    "ParallelizationFactor": ("parallelization_factor", lambda v: v),
    "MaximumRecordAgeInSeconds": ("maximum_record_age_s", lambda v: v),
    "MaximumRetryAttempts": ("maximum_retry_attempts", lambda v: v),
    "BisectBatchOnFunctionError": ("bisect_batch_on_function_error", lambda v: v),
    "TumblingWindowInSeconds": ("tumbling_window_s", lambda v: v),
    "FunctionResponseTypes": ("function_response_types", lambda v: v),
    "FilterCriteria": ("filter_criteria", lambda v: v),
    "DestinationConfig": ("on_failure_destination", _destination_of),
    "MetricsConfig": ("metrics", _metrics_of),
    "KMSKeyArn": ("kms_key_arn", lambda v: v or None),
}
