"""botocore's client-side parameter validation, for the top level of every client request.

boto3 checks every request against the service model before sending it: unknown and missing
parameters, Python types, minimum lengths and values.  Its error is botocore's
``ParamValidationError`` (not a ``ClientError``), whose text starts "Parameter validation
failed:".  streamsim raises :class:`ParamValidationError`, a :class:`ValidationException` with
the same text, so code that catches either ``ValidationException`` or the message works.

:func:`check_params` is the one checker; each service passes its own operation table
(:data:`~._param_shapes.OperationSpec`).  DynamoDB's tables (``_dynamodb_shapes``) serve both
DynamoDB faces (the client and the resource ``Table``) through :func:`validate_params`; the
Streams and Lambda tables sit next to their clients.

Nested structures the operations read (``StreamSpecification``, ``KeySchema`` elements,
``TimeToLiveSpecification``, Lambda's ``DestinationConfig``, ``ShardFilter``, ...) are
:class:`Struct` / :class:`ListOf` members, checked the same way with botocore's paths
(``Unknown parameter in KeySchema[0]: "Order", must be one of: AttributeName, KeyType``).
Then :func:`check_text` rejects any string that is not valid UTF-8 (a lone surrogate), in one
iterative walk; items, keys and attribute values are skipped there because their converters
measure (and so check) every string anyway.  ``PaginationConfig`` and ``WaiterConfig`` are
checked here too (:func:`pagination_config`, :func:`waiter_config`).

A long list of small structures (PutRecords' up to 500 ``Records``) first goes through two
predicates, :func:`_plain_entries` and :func:`_plain_text_entries`, one loop each with exact
type tests; only a list they do not pass at a glance is checked member by member, so the
errors are the same and the common request costs about a quarter of what it did (the lab
pipeline's producer: 7 thousand instructions per record instead of 29).

Differs from AWS: free-form members (items, placeholder maps) are checked by the operations
themselves with the services' messages.  The classes are not botocore's
(``ParamValidationError``, ``PaginationError``): they are ValidationExceptions with botocore's
text.  A lone surrogate is a ValidationException naming the parameter (botocore would send it
JSON-escaped and the service would reject it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from streamsim._errors import ValidationException
from streamsim._items import not_utf8, shown, text_problem

from ._dynamodb_shapes import DYNAMODB_CHECKS, ITEM_MEMBERS
from ._param_shapes import KINDS, ListOf, OperationSpec, Struct


class ParamValidationError(ValidationException):
    """botocore's client-side ``ParamValidationError``, as a :class:`ValidationException`.

    ``str(error)`` and ``error.message`` hold botocore's report ("Parameter validation
    failed:\\nMissing required parameter in input: \\"TableName\\"").

    Differs from AWS: botocore's class is not a ``ClientError``; this one is (so that
    ``except ValidationException`` catches it, as it would the service's own rejection).
    """

    code: ClassVar[str] = "ValidationException"

    def _text(self) -> str:
        return self.message


class PaginationError(ParamValidationError):
    """botocore's ``PaginationError`` ("Error during pagination: ..."), for bad
    ``PaginationConfig`` options, as a :class:`ValidationException`.

    Differs from AWS: botocore raises a plain ``ValueError`` (``int("x")``) or
    ``AttributeError`` for a ``PaginationConfig`` of the wrong type; streamsim names the
    option and what it expected.
    """

    code: ClassVar[str] = "ValidationException"


class WaiterConfigError(ParamValidationError):
    """A bad ``WaiterConfig`` (``Delay``, ``MaxAttempts``), as a :class:`ValidationException`.

    Differs from AWS: botocore passes the options through unchecked and fails later with a
    ``TypeError`` (``time.sleep("x")``); streamsim rejects them before the first poll, with
    botocore's parameter-validation wording.
    """

    code: ClassVar[str] = "ValidationException"


def _whole(value: Any) -> int | None:
    """``int(value)`` as botocore converts paging options (ints and digit strings), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit() and len(value) < 20:
        return int(value)
    return None


def pagination_config(config: Any) -> tuple[int | None, int | None, Any]:
    """``(MaxItems, PageSize, StartingToken)`` of a ``PaginationConfig``, checked.

    Like botocore, numbers may be ints or digit strings and other keys are ignored.

    Raises:
        PaginationError: the config is not a dict, or MaxItems / PageSize is not a whole
            number (PageSize must also be at least 1: it becomes the request's ``Limit``).

    >>> pagination_config({"MaxItems": "5", "PageSize": 2})
    (5, 2, None)
    >>> pagination_config({"MaxItems": "x"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    streamsim._faces._params.PaginationError: Error during pagination: PaginationConfig.MaxItems ...
    """
    if config is None:
        return None, None, None
    if not isinstance(config, Mapping):
        raise PaginationError(
            f"Error during pagination: PaginationConfig must be a dict, got {shown(config)} "
            f"({type(config).__name__})"
        )
    out: list[int | None] = []
    for name in ("MaxItems", "PageSize"):
        raw = config.get(name)
        number = None if raw is None else _whole(raw)
        if raw is not None and (number is None or (name == "PageSize" and number < 1)):
            raise PaginationError(
                f"Error during pagination: PaginationConfig.{name} must be a whole number"
                f"{' of at least 1' if name == 'PageSize' else ''}, got {raw!r}"
            )
        out.append(number)
    return out[0], out[1], config.get("StartingToken")


_MAX_WAITER_DELAY = 365 * 86_400  # seconds: a year of virtual time between polls at most
_MAX_WAITER_ATTEMPTS = 1_000_000


def waiter_config(config: Any, delay: int, attempts: int) -> tuple[float, int]:
    """``(Delay, MaxAttempts)`` of a ``WaiterConfig`` (defaults ``delay``, ``attempts``).

    Raises:
        WaiterConfigError: not a dict, an unknown key, ``Delay`` not a number from 0 to a
            year of seconds, ``MaxAttempts`` not an int from 0 to a million.

    >>> waiter_config({"Delay": 5}, 20, 25)
    (5, 25)
    """
    if config is None:
        return delay, attempts
    problems: list[str] = []
    if not isinstance(config, Mapping):
        problems.append(
            f"Invalid type for parameter WaiterConfig, value: {shown(config)}, "
            f"type: {type(config)}, "
            "valid types: <class 'dict'>"
        )
        config = {}
    problems.extend(
        f'Unknown parameter in WaiterConfig: "{name}", must be one of: Delay, MaxAttempts'
        for name in config
        if name not in ("Delay", "MaxAttempts")
    )
    raw_delay = config.get("Delay", delay)
    raw_attempts = config.get("MaxAttempts", attempts)
    if (
        isinstance(raw_delay, bool)
        or not isinstance(raw_delay, (int, float))
        or not 0 <= raw_delay <= _MAX_WAITER_DELAY
    ):
        problems.append(
            f"Invalid value for parameter WaiterConfig.Delay, value: {raw_delay}, type: "
            f"{type(raw_delay)}, valid: a number of seconds from 0 to {_MAX_WAITER_DELAY}"
        )
    if (
        isinstance(raw_attempts, bool)
        or not isinstance(raw_attempts, int)
        or not 0 <= raw_attempts <= _MAX_WAITER_ATTEMPTS
    ):
        problems.append(
            f"Invalid value for parameter WaiterConfig.MaxAttempts, value: {raw_attempts}, "
            f"type: {type(raw_attempts)}, valid: an int from 0 to {_MAX_WAITER_ATTEMPTS}"
        )
    if problems:
        raise WaiterConfigError("Parameter validation failed:\n" + "\n".join(problems))
    return raw_delay, raw_attempts


def _type_problem(name: str, value: Any, kind: str | Struct | ListOf) -> str | None:
    if isinstance(kind, Struct):
        kind = "dict"
    elif isinstance(kind, ListOf):
        kind = "list"
    types, spelled = KINDS[kind]
    if kind == "timestamp" and isinstance(value, str):
        ok = is_timestamp_text(value)
    elif kind == "int":
        ok = isinstance(value, int)  # botocore accepts bool here too (bool is an int)
    elif kind == "dict":
        ok = isinstance(value, Mapping)
    elif kind == "blob":
        ok = isinstance(value, types) or hasattr(value, "read")
    else:
        ok = isinstance(value, types)
    if ok:
        return None
    return (
        f"Invalid type for parameter {name}, value: {shown(value)}, type: {type(value)}, "
        f"valid types: {spelled}"
    )


def is_timestamp_text(text: str) -> bool:
    """Whether botocore would take ``text`` as a timestamp: epoch seconds or ISO-8601.

    Differs from AWS: botocore also parses the looser forms ``dateutil`` reads (RFC 822,
    ``"Jan 5 2024"``); streamsim takes numbers and ISO-8601 only, and reports other text as
    botocore reports text it cannot parse.

    >>> is_timestamp_text("1700000000"), is_timestamp_text("2024-01-05T10:00:00Z")
    (True, True)
    >>> is_timestamp_text("soon")
    False
    """
    try:
        float(text)
    except ValueError:
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return False
    return True


def validate_params(operation: str, params: Mapping[str, Any]) -> None:
    """Check a DynamoDB request's top-level parameters as botocore does before sending it.

    Args:
        operation: the DynamoDB operation (``"PutItem"``).
        params: the keyword arguments of the call.

    Raises:
        ParamValidationError: as :func:`check_params`.

    >>> validate_params("DescribeTable", {})
    Traceback (most recent call last):
    ...
    streamsim._faces._params.ParamValidationError: Parameter validation failed:
    Missing required parameter in input: "TableName"
    """
    check_params(DYNAMODB_CHECKS[operation], params)


def check_params(spec: OperationSpec, params: Mapping[str, Any]) -> None:
    """Check a request's top-level parameters against one operation's table, as botocore does.

    Args:
        spec: the operation's required members and member table.
        params: the keyword arguments of the call.

    Raises:
        ParamValidationError: one line per problem, botocore's wording and order (missing
            required members, unknown members, then types and minimums in the order given).

    >>> check_params((("Name",), {"Name": ("str", 3), "Limit": ("int", 1)}), {"Limit": 0})
    Traceback (most recent call last):
    ...
    streamsim._faces._params.ParamValidationError: Parameter validation failed:
    Missing required parameter in input: "Name"
    Invalid value for parameter Limit, value: 0, valid min value: 1
    """
    problems: list[str] = []
    _check_structure("input", "", spec, params, problems)
    if problems:
        raise ParamValidationError("Parameter validation failed:\n" + "\n".join(problems))
    check_text(params)


#: kind -> the exact types that pass its check at once (the common case: no isinstance)
_FAST_TYPES: dict[str, frozenset[type]] = {
    "str": frozenset({str}),
    "int": frozenset({int, bool}),
    "bool": frozenset({bool}),
    "dict": frozenset({dict}),
    "list": frozenset({list, tuple}),
    "timestamp": frozenset({datetime, str, int, float, Decimal}),
    "blob": frozenset({bytes, bytearray, str}),
}


def _check_structure(
    where: str, prefix: str, spec: OperationSpec, params: Mapping[Any, Any], problems: list[str]
) -> None:
    """botocore's ``_validate_structure``: missing, unknown, then each member in order."""
    required, members = spec
    unknown: list[str] = []
    later: list[str] = []  # type, value and nested problems, in member order
    for name, value in params.items():
        member = members.get(name)
        if member is None:
            unknown.append(
                f'Unknown parameter in {where}: "{name}", must be one of: {", ".join(members)}'
            )
            continue
        kind, low = member
        if type(kind) is str:
            if type(value) not in _FAST_TYPES[kind] or (
                kind == "timestamp" and type(value) is str and not is_timestamp_text(value)
            ):
                problem = _type_problem(prefix + name, value, kind)
                if problem is not None:
                    later.append(problem)
                    continue
            if low is not None:
                _check_minimum(prefix + name, value, kind, low, later)
            continue
        path = prefix + name
        problem = _type_problem(path, value, kind)
        if problem is not None:
            later.append(problem)
            continue
        if isinstance(kind, Struct):
            _check_structure(path, path + ".", (kind.required, kind.members), value, later)
        elif isinstance(kind, ListOf) and not _plain_entries(kind.element, value):
            element = kind.element
            for index, entry in enumerate(value):
                at = f"{path}[{index}]"
                problem = _type_problem(at, entry, element)
                if problem is not None:
                    later.append(problem)
                elif isinstance(element, Struct):
                    shape = (element.required, element.members)
                    _check_structure(at, at + ".", shape, entry, later)
                elif kind.minimum is not None:
                    _check_minimum(at, entry, element, kind.minimum, later)
        if low is not None:
            _check_minimum(path, value, kind, low, later)
    if required:
        problems.extend(
            f'Missing required parameter in {where}: "{n}"' for n in required if n not in params
        )
    problems.extend(unknown)
    problems.extend(later)


def _plain_entries(element: Struct | str, entries: Any) -> bool:
    """True when every entry of a list of structures passes botocore's checks at a glance.

    The fast path of a long list (PutRecords' 500 ``Records``): one loop over the entries'
    members with exact type tests, instead of a path string, a type check and a nested
    :func:`_check_structure` per entry.  It only ever answers True for entries the full check
    passes without a problem (every entry a ``dict``, every member known, of a fast type (not
    timestamp text), at its minimum, the required ones present); anything else, False, and the
    caller runs the full check, which finds and words every problem as before.
    """
    if not isinstance(element, Struct):
        return False
    table: dict[str, tuple[frozenset[type], int | None, bool]] = {}
    for name, (kind, low) in element.members.items():
        if type(kind) is not str or kind == "timestamp":
            return False  # nested shapes and timestamps: the full check
        table[name] = (_FAST_TYPES[kind], low, kind == "int")
    required = element.required
    for entry in entries:
        if type(entry) is not dict:
            return False
        for name, value in entry.items():
            spec = table.get(name)
            if spec is None:
                return False
            types, low, is_int = spec
            if type(value) not in types:
                return False
            if low is not None and (value < low if is_int else len(value) < low):
                return False
        for name in required:
            if name not in entry:
                return False
    return True


def _check_minimum(path: str, value: Any, kind: Any, low: int, problems: list[str]) -> None:
    if kind == "int":
        if value < low:
            problems.append(
                f"Invalid value for parameter {path}, value: {value}, valid min value: {low}"
            )
    elif len(value) < low:
        problems.append(
            f"Invalid length for parameter {path}, value: {len(value)}, valid min length: {low}"
        )


#: containers a request may nest outside its items, keys and attribute values (which have
#: their own 32-level limit): far beyond any valid request, and low enough that printing or
#: fingerprinting a request (``repr``) never recurses too deep
MAX_REQUEST_NESTING = 64


def check_text(params: Mapping[str, Any]) -> None:
    """Reject any string of a request that is not valid UTF-8 (a lone surrogate), anywhere,
    and containers nested more than :data:`MAX_REQUEST_NESTING` levels deep.

    One iterative walk over the request's containers (any depth, no recursion), skipping
    items, keys and attribute values (:data:`ITEM_MEMBERS`): those are checked as they are
    converted, where their strings are measured anyway.  ASCII strings cost one ``isascii()``.

    Raises:
        ValidationException: naming the parameter that holds the string.

    >>> check_text({"TableName": "t", "Tags": [{"Key": "a\\udc80", "Value": "v"}]})
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... a string in Tags[0].Key is not valid UTF-8 text: ...
    """
    stack: list[tuple[Any, Any, int]] = []  # (where, container, depth); where: name | (where, key)
    for name, value in params.items():
        if type(value) is str:  # the common case, without the stack
            if not value.isascii() and text_problem(value) is not None:
                raise not_utf8(value, name)
        elif name not in ITEM_MEMBERS and not _plain_text_entries(value):
            _push_text(name, value, 1, stack)
    while stack:
        where, value, depth = stack.pop()
        if depth > MAX_REQUEST_NESTING:
            raise ValidationException(
                f"1 validation error detected: Value at '{_where(where)}' failed to satisfy "
                f"constraint: Member must not be nested more than {MAX_REQUEST_NESTING} levels "
                "deep"
            )
        depth += 1
        if isinstance(value, Mapping):
            skip = where != "RequestItems"  # RequestItems' keys are table names
            for key, member in value.items():
                if isinstance(key, str) and not key.isascii() and text_problem(key) is not None:
                    raise not_utf8(key, _where(where) + " (key)")
                if skip and key in ITEM_MEMBERS and isinstance(member, Mapping):
                    continue
                _push_text((where, key), member, depth, stack)
        else:
            for index, member in enumerate(value):
                _push_text((where, index), member, depth, stack)


#: the types of a value :func:`check_text` has nothing to look at in (no text, no members)
_NO_TEXT = frozenset({bytes, bytearray, int, bool, float, type(None)})


def _plain_text_entries(value: Any) -> bool:
    """True when ``value`` is a list of flat dicts with only ASCII text: nothing to report.

    The fast path of a long list of small structures (PutRecords' 500 ``Records``): one loop
    with exact type tests, instead of a stack entry per dict and a :func:`_push_text` call per
    member.  It only ever answers True for a list the full walk passes (every entry a ``dict``
    of ASCII ``str`` keys whose values are ASCII ``str`` or of a type without text); anything
    else (non-ASCII text, nested containers, other types), False, and the caller walks it in
    full, which finds and words the first problem as before.
    """
    if type(value) is not list and type(value) is not tuple:
        return False
    no_text = _NO_TEXT
    for entry in value:
        if type(entry) is not dict:
            return False
        for key, member in entry.items():
            if type(key) is not str or not key.isascii():
                return False
            if type(member) is str:
                if not member.isascii():
                    return False
            elif type(member) not in no_text:
                return False
    return True


def _push_text(where: Any, value: Any, depth: int, stack: list[tuple[Any, Any, int]]) -> None:
    """Check ``value`` if it is a string; queue it if it is a container."""
    kind = type(value)
    if kind is str or (kind is not dict and isinstance(value, str)):
        if not value.isascii() and text_problem(value) is not None:
            raise not_utf8(value, _where(where))
    elif kind is dict or kind is list or kind is tuple or isinstance(value, (Mapping, list)):
        stack.append((where, value, depth))


def _where(where: Any) -> str:
    """A parameter path from check_text's ``(where, key)`` pairs: ``Tags[0].Key``."""
    parts: list[str] = []
    while isinstance(where, tuple):
        where, key = where
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return str(where) + "".join(reversed(parts))
