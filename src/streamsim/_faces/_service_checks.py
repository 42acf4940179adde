"""DynamoDB's own checks of a request's shape, for clients without botocore's (rule H.37).

``sim.client("dynamodb", parameter_validation=False)`` (botocore's ``Config`` option of that
name) skips botocore's client-side checks, so malformed input reaches the service, which answers
as DynamoDB does:

* a value of the wrong JSON type is a ``SerializationException`` for the whole request, worded
  as DynamoDB's (Java) deserializer words it (``NUMBER_VALUE cannot be converted to String``,
  ``Start of structure or map found where not expected``, ...);
* a missing required member, a list or string below its minimum length, a number below its
  minimum value are a ``ValidationException`` listing every such problem: ``2 validation errors
  detected: Value null at 'key' failed to satisfy constraint: Member must not be null; ...``;
* members the service model does not define are ignored.

The same tables as botocore's checks drive the walk (:mod:`._models.dynamodb`); type errors
found deeper, where items and attribute values are converted (botocore's wording, "Invalid type
for parameter Item.a.S, ..."), become the same ``SerializationException``
(:func:`serialization_error`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from streamsim._errors import SerializationException, ValidationException

from ._param_shapes import ListOf, OperationSpec, Struct
from ._params import check_text

__all__ = ["serialization_error", "service_check", "wants_client_side_checks"]

# a kind of the request tables -> the Java type DynamoDB's deserializer names
_JAVA: Final = {"str": "String", "int": "Integer", "bool": "Boolean", "timestamp": "Date"}
# botocore's spelling of the valid types -> a kind
_SPELLED: Final = {
    "<class 'str'>": "str",
    "<class 'int'>": "int",
    "<class 'bool'>": "bool",
    "<class 'dict'>": "dict",
    "<class 'list'>, <class 'tuple'>": "list",
}
_BOTOCORE_TYPE_ERROR: Final = re.compile(
    r"Invalid type for parameter (?P<name>.*?), value: (?P<value>.*), "
    r"type: <class '(?P<type>\w+)'>, valid types: (?P<valid>.*)$",
    re.DOTALL,
)


def _token(value: Any) -> str:
    """The JSON token DynamoDB's deserializer names for a scalar value."""
    if value is True:
        return "TRUE_VALUE"
    if value is False:
        return "FALSE_VALUE"
    if isinstance(value, int):
        return "NUMBER_VALUE"
    if isinstance(value, float):
        return "DECIMAL_VALUE"
    return "STRING_VALUE"


def _message(kind: str, value: Any, member: str) -> str:
    """DynamoDB's SerializationException text for ``value`` where ``kind`` was expected."""
    if isinstance(value, Mapping):
        return "Start of structure or map found where not expected"
    if kind in _JAVA:
        java = _JAVA[kind]
        if isinstance(value, (list, tuple)):
            return f"Unrecognized collection type class java.lang.{java}"
        if kind == "bool" and isinstance(value, str):
            return "Unexpected token received from parser"
        return f"{_token(value)} cannot be converted to {java}"
    if kind == "blob":
        if isinstance(value, (list, tuple)):
            return "Unrecognized collection type class java.nio.ByteBuffer"
        return "only base-64-encoded strings are convertible to bytes"
    if kind == "struct" and isinstance(value, (list, tuple)):
        return f"Unrecognized collection type class com.amazonaws.dynamodb.v20120810.{member}"
    if kind == "dict" and isinstance(value, (list, tuple)):
        return "Unrecognized collection type java.util.Map"
    return "Unexpected field type"


def _kind_of(kind: str | Struct | ListOf) -> str:
    if isinstance(kind, Struct):
        return "struct"
    if isinstance(kind, ListOf):
        return "list"
    return kind


def _fits(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("dict", "struct"):
        return isinstance(value, Mapping)
    if kind == "list":
        return isinstance(value, (list, tuple))
    return True  # timestamps: DynamoDB requests have none to check here


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_shown(v)}" for k, v in value.items()) + "}"
    return str(value)


def _walk(
    members: Mapping[str, tuple[str | Struct | ListOf, int | None]],
    required: tuple[str, ...],
    params: Mapping[str, Any],
    path: str,
    problems: list[str],
) -> None:
    """Check one structure: types first (raising), constraints collected into ``problems``."""
    for name in required:
        if params.get(name) is None:
            problems.append(
                f"Value null at '{path}{_camel(name)}' failed to satisfy constraint: Member must "
                "not be null"
            )
    for name, value in params.items():
        spec = members.get(name)
        if spec is None or value is None:
            continue  # members the model does not define are ignored, as DynamoDB does
        kind, low = spec
        simple = _kind_of(kind)
        if not _fits(simple, value):
            raise SerializationException(_message(simple, value, name))
        where = f"{path}{_camel(name)}"
        if low is not None:
            if simple == "int" and value < low:
                problems.append(
                    f"Value '{value}' at '{where}' failed to satisfy constraint: Member must have "
                    f"value greater than or equal to {low}"
                )
            elif simple != "int" and len(value) < low:
                problems.append(
                    f"Value '{_shown(value)}' at '{where}' failed to satisfy constraint: Member "
                    f"must have length greater than or equal to {low}"
                )
        if isinstance(kind, Struct):
            _walk(kind.members, kind.required, value, where + ".", problems)
        elif isinstance(kind, ListOf):
            element = kind.element
            for index, entry in enumerate(value):
                at = f"{where}.{index + 1}.member"
                if isinstance(element, Struct):
                    if not isinstance(entry, Mapping):
                        raise SerializationException(_message("struct", entry, name))
                    _walk(element.members, element.required, entry, at + ".", problems)
                elif not _fits(element, entry):
                    raise SerializationException(_message(element, entry, name))


def service_check(spec: OperationSpec, params: Mapping[str, Any]) -> None:
    """Check a request as DynamoDB does on receiving it (rule H.37).

    >>> service_check((("Name",), {"Name": ("str", 3), "Limit": ("int", 1)}), {"Limit": 0})
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... 2 validation errors detected: Value null at 'name'...

    Raises:
        SerializationException: a value of the wrong JSON type (the first one found).
        ValidationException: missing members and values below their minimums, all listed.
    """
    required, members = spec
    problems: list[str] = []
    _walk(members, required, params, "", problems)
    if problems:
        count = len(problems)
        plural = "error" if count == 1 else "errors"
        raise ValidationException(f"{count} validation {plural} detected: " + "; ".join(problems))
    check_text(params)


def serialization_error(error: ValidationException) -> SerializationException | None:
    """The SerializationException DynamoDB gives where a face found a wrongly typed value.

    ``error`` carries botocore's wording (``Invalid type for parameter Item.a.S, value: 5, type:
    <class 'int'>, valid types: <class 'str'>``); any other error gives ``None``.

    >>> serialization_error(ValidationException(
    ...     "Invalid type for parameter Item.a.S, value: 5, type: <class 'int'>, "
    ...     "valid types: <class 'str'>")).message
    'NUMBER_VALUE cannot be converted to String'
    """
    match = _BOTOCORE_TYPE_ERROR.match(error.message)
    if match is None:
        return None
    valid = match["valid"]
    kind = _SPELLED.get(valid, "blob" if "bytes" in valid else "dict")
    sample: Any = {
        "bool": match["value"] == "True",
        "int": 1,
        "float": 1.5,
        "str": "",
        "dict": {},
        "list": [],
        "tuple": [],
    }.get(match["type"], "")
    name = match["name"].rsplit(".", 1)[-1]
    return SerializationException(_message(kind, sample, name))


def wants_client_side_checks(service: str, parameter_validation: Any, config: Any) -> bool:
    """Whether ``sim.client(service, parameter_validation=..., config=...)`` keeps botocore's
    client-side checks (the default); ``config`` is read like botocore's ``Config``.

    Raises:
        ValueError: a choice that is not a bool, or ``False`` for a service other than DynamoDB.
    """
    if parameter_validation is None:
        parameter_validation = getattr(config, "parameter_validation", None)
    if parameter_validation is None:
        return True
    if not isinstance(parameter_validation, bool):
        raise ValueError(f"parameter_validation must be a bool, not {parameter_validation!r}")
    if not parameter_validation and service != "dynamodb":
        raise ValueError(
            "parameter_validation=False is simulated for 'dynamodb' only (the service side of "
            f"{service!r} checks what botocore checks)"
        )
    return parameter_validation
