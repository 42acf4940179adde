"""CreateTable's and UpdateTable's table definitions, checked as DynamoDB checks them.

Attribute definitions, the key schema, billing mode and throughput, the stream specification:
each parsed from a request's members into plain values, or rejected with DynamoDB's message.
The DynamoDB client (:mod:`._dynamodb_client`) calls these; the catalog creates the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from streamsim._errors import ValidationException
from streamsim._streams._stream import VIEW_TYPES

BILLING_MODES = ("PROVISIONED", "PAY_PER_REQUEST")
TABLE_CLASSES = ("STANDARD", "STANDARD_INFREQUENT_ACCESS")
MAX_KEY_NAME_CHARS = 255  # KeySchema / AttributeDefinitions AttributeName: 1-255 (rule H.6)


def invalid(message: str) -> ValidationException:
    return ValidationException("One or more parameter values were invalid: " + message)


def null_error(member: str) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: "
        "Member must not be null"
    )


def enum_error(value: Any, member: str, allowed: tuple[str, ...]) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
    )


def attribute_definitions(definitions: Any) -> dict[str, str]:
    types: dict[str, str] = {}
    for index, definition in enumerate(definitions):
        if not isinstance(definition, Mapping):
            raise ValidationException(f"AttributeDefinitions[{index}] must be a map")
        name = definition.get("AttributeName")
        kind = definition.get("AttributeType")
        if name is None:
            raise null_error(f"attributeDefinitions.{index + 1}.member.attributeName")
        if kind is None:
            raise null_error(f"attributeDefinitions.{index + 1}.member.attributeType")
        if kind not in ("S", "N", "B"):
            raise enum_error(
                kind, f"attributeDefinitions.{index + 1}.member.attributeType", ("B", "N", "S")
            )
        if name in types:
            raise invalid(f"Cannot have two attributes with the same name: {name}")
        types[str(name)] = str(kind)
    return types


def key_schema(schema: Any) -> tuple[tuple[str, str], tuple[str, str] | None]:
    if not isinstance(schema, (list, tuple)) or not 1 <= len(schema) <= 2:
        raise ValidationException(
            f"1 validation error detected: Value '{schema}' at 'keySchema' failed to satisfy "
            "constraint: Member must have length less than or equal to 2"
        )
    pairs: list[tuple[str, str]] = []
    for index, element in enumerate(schema):
        if not isinstance(element, Mapping):
            raise ValidationException(f"KeySchema[{index}] must be a map")
        name, kind = element.get("AttributeName"), element.get("KeyType")
        if name is None:
            raise null_error(f"keySchema.{index + 1}.member.attributeName")
        if kind not in ("HASH", "RANGE"):
            raise enum_error(kind, f"keySchema.{index + 1}.member.keyType", ("HASH", "RANGE"))
        pairs.append((str(name), str(kind)))
    if pairs[0][1] != "HASH":
        raise ValidationException(
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
        )
    if len(pairs) == 2:
        if pairs[1][1] != "RANGE":
            raise ValidationException(
                "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
            )
        return pairs[0], pairs[1]
    return pairs[0], None


def throughput(billing: str, throughput: Any) -> tuple[int, int]:
    if billing == "PAY_PER_REQUEST":
        if throughput is not None:
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                "BillingMode is PAY_PER_REQUEST"
            )
        return 0, 0
    if not isinstance(throughput, Mapping) or any(
        throughput.get(k) is None for k in ("ReadCapacityUnits", "WriteCapacityUnits")
    ):
        raise invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode "
            "is PROVISIONED"
        )
    units = []
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        value = throughput[member]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationException(
                f"1 validation error detected: Value '{value}' at "
                f"'provisionedThroughput.{member[:1].lower() + member[1:]}' failed to satisfy "
                "constraint: Member must have value greater than or equal to 1"
            )
        units.append(value)
    return units[0], units[1]


def stream_spec(spec: Any, *, creating: bool) -> str | None:
    """The view type a StreamSpecification enables, or None when it disables (rule C.1)."""
    if spec is None:
        return None
    if not isinstance(spec, Mapping):
        raise ValidationException("StreamSpecification must be a map")
    enabled = spec.get("StreamEnabled")
    view_type = spec.get("StreamViewType")
    if enabled is None:
        raise null_error("streamSpecification.streamEnabled")
    if not isinstance(enabled, bool):
        raise ValidationException(
            "Invalid type for parameter StreamSpecification.StreamEnabled, value: "
            f"{enabled}, type: {type(enabled)}, valid types: <class 'bool'>"
        )
    if view_type is not None and view_type not in VIEW_TYPES:
        raise enum_error(view_type, "streamSpecification.streamViewType", VIEW_TYPES)
    if enabled and view_type is None:
        raise invalid("StreamViewType must be specified when StreamEnabled is true")
    if not enabled:
        if view_type is not None:  # AWS's wording, as reported against real DynamoDB
            raise invalid(
                "Table is being created with a stream disabled, UpdateViewType should not be "
                "specified"
                if creating
                else "If stream is being disabled, then UpdateViewType must not be specified"
            )
        return None
    return str(view_type)


def check_key_name_lengths(schema: Any, definitions: Any) -> None:
    """Attribute names over 255 characters in KeySchema or AttributeDefinitions fail the
    request's constraints, reported before the schema's coherence (rule H.6)."""
    for member, entries in (("keySchema", schema), ("attributeDefinitions", definitions)):
        if not isinstance(entries, (list, tuple)):
            continue
        for index, entry in enumerate(entries, start=1):
            name = entry.get("AttributeName") if isinstance(entry, Mapping) else None
            if isinstance(name, str) and len(name) > MAX_KEY_NAME_CHARS:
                raise ValidationException(
                    f"1 validation error detected: Value '{name}' at "
                    f"'{member}.{index}.member.attributeName' failed to satisfy constraint: "
                    f"Member must have length less than or equal to {MAX_KEY_NAME_CHARS}"
                )
