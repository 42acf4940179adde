"""Values between the wire (JSON text as AWS SDKs send and read it) and the faces' Python values.

The faces take and return what boto3 hands a caller: ``bytes`` for blobs, timezone-aware
``datetime`` for timestamps.  On the wire of the JSON protocols a blob is base64 text and a
timestamp is epoch seconds (a number) unless the shape says ``iso8601``.  Which member is a blob
or a timestamp only the service model knows, so both directions walk botocore's shapes;
everything else (strings, numbers, booleans) is the same on both sides.

Nothing from a request is evaluated: values are parsed by ``json``, ``base64`` and ``float``
only.
"""

from __future__ import annotations

import binascii
from base64 import b64decode, b64encode
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

#: ISO 8601 as AWS writes timestamps that are text (milliseconds, ``Z``)
_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"


class WireError(Exception):
    """A request refused before it reaches a face: its AWS error code, message and status.

    ``SerializationException`` (a body that is not JSON, a blob that is not base64),
    ``UnknownOperationException`` (a target or route no simulated service has).
    """

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _serialization(message: str) -> WireError:
    return WireError("SerializationException", message)


def decode_value(shape: Any, value: Any, path: str) -> Any:
    """A request value parsed from JSON, as the face takes it (``shape``: botocore's ``Shape``).

    JSON ``null`` members of a structure are dropped (AWS reads them as absent).  Values of the
    wrong JSON type are passed on unchanged: the face's own parameter checks name them.

    Raises:
        WireError: a blob that is not base64, a timestamp that is neither a number nor ISO 8601.
    """
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {
            name: decode_value(members.get(name), item, f"{path}.{name}" if path else name)
            for name, item in value.items()
            if item is not None
        }
    if kind == "list" and isinstance(value, list):
        return [decode_value(shape.member, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if kind == "map" and isinstance(value, dict):
        return {
            key: decode_value(shape.value, item, f"{path}.{key}") for key, item in value.items()
        }
    if kind == "blob" and isinstance(value, str):
        try:
            return b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise _serialization(f"{path or 'value'}: a blob must be base64 text") from None
    if kind == "timestamp" and isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return decode_timestamp(value, path)
    return value


def decode_timestamp(value: float | str, path: str) -> datetime:
    """A timestamp from the wire: epoch seconds (number or numeric text) or ISO 8601 text.

    >>> decode_timestamp(1704067200.5, "T").isoformat()
    '2024-01-01T00:00:00.500000+00:00'
    >>> decode_timestamp("2024-01-01T00:00:00Z", "T").isoformat()
    '2024-01-01T00:00:00+00:00'
    """
    try:
        if isinstance(value, str):
            try:
                seconds = float(value)
            except ValueError:
                parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        else:
            seconds = value
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):
        raise _serialization(f"{path}: not a timestamp: {value!r}") from None


def encode_value(shape: Any, value: Any) -> Any:
    """A response value as JSON wants it: blobs base64, timestamps epoch seconds (or ISO).

    ``shape`` may be None (a member the model does not define): the value's Python type decides.

    >>> encode_value(None, {"B": b"hi", "when": datetime(2024, 1, 1, tzinfo=UTC)})
    {'B': 'aGk=', 'when': 1704067200}
    """
    kind = None if shape is None else shape.type_name
    if isinstance(value, Mapping):
        if kind == "structure":
            members = shape.members
            return {name: encode_value(members.get(name), item) for name, item in value.items()}
        inner = shape.value if kind == "map" else None
        return {key: encode_value(inner, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        inner = shape.member if kind == "list" else None
        return [encode_value(inner, item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        iso = shape is not None and shape.serialization.get("timestampFormat") == "iso8601"
        return encode_timestamp(value, iso=iso)
    return value


def encode_timestamp(value: datetime, *, iso: bool = False) -> float | int | str:
    """Epoch seconds (whole milliseconds kept exactly), or ISO 8601 text when ``iso``.

    >>> encode_timestamp(datetime(2024, 1, 1, 0, 0, 0, 123000, tzinfo=UTC))
    1704067200.123
    >>> encode_timestamp(datetime(2024, 1, 1, tzinfo=UTC), iso=True)
    '2024-01-01T00:00:00.000Z'
    """
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if iso:
        utc = aware.astimezone(UTC)
        return f"{utc.strftime(_ISO_FORMAT)}.{utc.microsecond // 1000:03d}Z"
    delta = aware - datetime(1970, 1, 1, tzinfo=UTC)
    ms = (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000
    return ms // 1000 if ms % 1000 == 0 else ms / 1000
