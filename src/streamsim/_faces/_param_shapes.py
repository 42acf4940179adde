"""The shapes of a service model that botocore's client-side validation checks requests against.

A member's *kind* names the Python types botocore accepts for it (:data:`KINDS`); a nested
structure is a :class:`Struct` (required members and a member table) or a :class:`ListOf`
one; an operation's table is an :data:`OperationSpec`.  The checker is
:func:`streamsim._faces._params.check_params`; each service's tables sit next to its client
(DynamoDB's in ``_dynamodb_shapes``, shared by both DynamoDB faces).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeAlias

_TIMESTAMP_SPELLING = "<class 'datetime.datetime'>, timestamp-string"

# kind -> (Python types accepted, botocore's spelling of them)
KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "str": ((str,), "<class 'str'>"),
    "int": ((int,), "<class 'int'>"),
    "bool": ((bool,), "<class 'bool'>"),
    "dict": ((dict,), "<class 'dict'>"),
    "list": ((list, tuple), "<class 'list'>, <class 'tuple'>"),
    # botocore takes a datetime or anything it can parse as one (epoch numbers, ISO text)
    "timestamp": ((datetime, str, int, float, Decimal), _TIMESTAMP_SPELLING),
    # botocore takes bytes, bytearray, str (encoded as UTF-8) or a file-like object
    "blob": ((bytes, bytearray, str), "<class 'bytes'>, <class 'bytearray'>, file-like object"),
}


@dataclass(frozen=True)
class Struct:
    """A nested structure of the service model: its required members and member table.

    botocore checks nested structures as it checks the request itself: unknown members
    ("Unknown parameter in StreamSpecification: ..."), missing required ones and types, each
    reported with the member's path (``KeySchema[0].AttributeName``).
    """

    required: tuple[str, ...]
    members: Mapping[str, MemberSpec]


@dataclass(frozen=True)
class ListOf:
    """A list member whose elements are :class:`Struct` s (or a kind of ``KINDS``).

    ``minimum``: the elements' minimum length or value, for elements of a kind (None: none).
    """

    element: Struct | str
    minimum: int | None = None


#: a member's (kind, minimum length or value): kind is a key of ``KINDS`` or a nested shape,
#: None no minimum
MemberSpec: TypeAlias = tuple[str | Struct | ListOf, int | None]
#: an operation's (required members, member -> spec), members in the service model's order
#: (the order botocore lists them in "must be one of")
OperationSpec: TypeAlias = tuple[tuple[str, ...], Mapping[str, MemberSpec]]


def no_minimums(members: Mapping[str, str]) -> dict[str, MemberSpec]:
    """``{member: kind}`` as a member table without minimums."""
    return {name: (kind, None) for name, kind in members.items()}


def struct(required: tuple[str, ...], members: Mapping[str, str | Struct | ListOf]) -> Struct:
    """A :class:`Struct` of ``{member: kind}`` without minimums."""
    return Struct(required, {name: (kind, None) for name, kind in members.items()})


def without_minimums(spec: OperationSpec) -> OperationSpec:
    """``spec`` with no minimum checked anywhere in it (nested structures included)."""
    required, members = spec
    return required, {name: (_no_minimums(kind), None) for name, (kind, _) in members.items()}


def _no_minimums(kind: str | Struct | ListOf) -> str | Struct | ListOf:
    if isinstance(kind, Struct):
        return Struct(*without_minimums((kind.required, kind.members)))
    if isinstance(kind, ListOf):
        return ListOf(_no_minimums(kind.element))  # type: ignore[arg-type]
    return kind
