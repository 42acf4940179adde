"""Filter patterns: the EventBridge pattern language, parsed and compiled into matchers.

One ``Pattern`` of a mapping's ``FilterCriteria`` (:mod:`._filters`) is parsed by
:func:`parse_pattern` (JSON, with numbers kept as their text and nesting bounded) and compiled
by :func:`compile_pattern` into nested matcher closures, ``matcher(value, root) -> bool``.

The records matched here are Lambda event records as plain JSON-like data (``eventName``,
``eventSource``, ``dynamodb`` holding DynamoDB-JSON ``Keys`` / ``NewImage`` / ``OldImage``,
``userIdentity`` with lower-case keys, ...; rule D.10).

AWS behaviour (rule D.8, [DOC S17]; EventBridge rules as implemented by aws/event-ruler):

* A pattern is a JSON object.  Each key names a field of the record; all keys must match
  (AND).  A key whose value is an object descends into that field; a key whose value is an
  array lists the values accepted for the field (OR).  Bare scalars are invalid
  (``{"eventName": "INSERT"}`` is rejected, ``{"eventName": ["INSERT"]}`` is fine), as are
  empty objects and empty arrays.
* Accepted values: exact strings, numbers, ``true`` / ``false``, ``null`` (JSON null only),
  ``""`` (the empty string only), and the operators ``{"prefix": "s"}``,
  ``{"anything-but": v | [v, ...]}`` (strings or numbers, not mixed),
  ``{"numeric": ["=", x]}`` / ``[">", x]`` / ``[">=", x, "<", y]`` / ``["<=", y]`` ...,
  and ``{"exists": true | false}``.
* Matching is exact and case-sensitive.  Numbers in exact matches are compared by their
  JSON text: ``300``, ``300.0`` and ``3.0e2`` are three different values.  ``numeric``
  compares numerically and only matches JSON numbers, never strings.
* When the record holds an array at a pattern path, the pattern matches if any element
  matches (fields under one object pattern must all match within the same element).
* ``exists`` looks at leaf values only: an object is not a leaf, and an empty array holds no
  leaf.  ``{"exists": false}`` matches when no leaf value exists at that path anywhere in the
  record (through arrays too); every other operator needs the field to be present.  In the
  DynamoDB JSON of the images an attribute is an object (``{"S": "x"}``), so ``exists`` must
  name the type key: ``{"Message": {"S": [{"exists": true}]}}`` (the Lambda DynamoDB
  filtering guide's "Using the Exists operator" section).
* Duplicate keys in a pattern: the last one wins (as :func:`json.loads` does).

Differs from AWS:

* Only the operators above are accepted.  ``suffix``, ``equals-ignore-case``, ``wildcard``,
  ``cidr``, ``$or`` and ``anything-but`` with ``prefix`` / ``suffix`` are EventBridge
  operators whose support in Lambda event source mappings is UNCONFIRMED (rule F.13); they
  are rejected with ``InvalidParameterValueException`` rather than guessed at.
* ``anything-but`` with numbers compares JSON text, like exact matching, so it is the exact
  complement of an exact match (event-ruler compares ``anything-but`` numbers numerically).
* Numbers in the record are represented the way :func:`json.dumps` writes them.
* A pattern may nest at most :data:`MAX_PATTERN_DEPTH` levels of objects and arrays
  (UNCONFIRMED: no documented limit; deeper patterns cannot match any stream record).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NoReturn

from streamsim._errors import InvalidParameterValueException

#: Deepest nesting of objects and arrays in one ``Pattern``.  UNCONFIRMED: AWS documents no
#: limit; the deepest field of a stream record is ``dynamodb.NewImage`` plus 32 levels of
#: DynamoDB JSON (two objects each, rule C.4), so 100 admits every pattern that can match
#: anything, and keeps matching within bounded recursion at any caller stack depth.
MAX_PATTERN_DEPTH = 100
#: JSON strings (skipped when measuring nesting) and the brackets that nest.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
#: Bound on ``numeric`` operands (aws/event-ruler ``ComparableNumber``: -5.0e9..+5.0e9).
NUMERIC_LIMIT = 5.0e9

#: The message AWS gives for a malformed pattern, exactly (rule D.8: recorded on AWS, e.g. for
#: ``single-string``); streamsim says where and what in a note on the exception (PEP 678),
#: which tracebacks show but the AWS message does not carry.
INVALID_PATTERN_MESSAGE = "Invalid filter pattern definition."


def pattern_error(detail: str) -> InvalidParameterValueException:
    """AWS's error for a malformed pattern (exact message), with ``detail`` as a note."""
    error = InvalidParameterValueException(INVALID_PATTERN_MESSAGE)
    error.add_note(f"streamsim: {detail}")
    return error


_NUMERIC_LOWER_OPS = (">", ">=")
_NUMERIC_UPPER_OPS = ("<", "<=")
_SUPPORTED_OPERATORS = ("anything-but", "exists", "numeric", "prefix")
_KNOWN_UNSUPPORTED_OPERATORS = ("cidr", "equals-ignore-case", "suffix", "wildcard")

# A record field that is not there.  Distinct from None, which is JSON null.
_MISSING: Any = object()
# The exact-match key of a value no pattern can name (a dict, a bytes object, ...).
_NO_KEY: Any = object()

# value, root record -> matched?
Matcher = Callable[[Any, Any], bool]


class _Number:
    """A JSON number in a pattern: its source text (for exact matching) and its value."""

    __slots__ = ("text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.value = float(text)


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _exact_key(value: Any) -> Any:
    """Return the hashable key under which an event scalar is looked up in an exact-value set.

    Strings key as themselves, numbers as ``("n", <JSON text>)``, ``true``/``false``/``null``
    as ``True``/``False``/``None``; these never collide.  Anything else gets ``_NO_KEY``.
    """
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int or kind is float:
        return ("n", json.dumps(value))
    if kind is Decimal:
        return ("n", str(value))
    return _NO_KEY


def _pattern_key(value: Any) -> Any:
    """Return the exact-match key of a (validated) pattern scalar."""
    if isinstance(value, _Number):
        return ("n", value.text)
    return value


def _has_leaf(value: Any) -> bool:
    """Whether ``value`` (a record field) holds at least one leaf: a scalar, or one in an array."""
    if value is _MISSING:
        return False
    if isinstance(value, list | tuple):
        return any(_has_leaf(element) for element in value)
    return not isinstance(value, Mapping)


def _leaves(value: Any, out: list[Any]) -> list[Any]:
    """Append the leaf values of a record field to ``out`` (arrays flattened, objects skipped)."""
    if isinstance(value, list | tuple):
        for element in value:
            _leaves(element, out)
    elif value is not _MISSING and not isinstance(value, Mapping):
        out.append(value)
    return out


def _path_has_leaf(node: Any, path: tuple[str, ...]) -> bool:
    """Whether any leaf value exists at ``path`` from ``node``, looking through arrays."""
    for depth, key in enumerate(path):
        if isinstance(node, list | tuple):
            rest = path[depth:]
            return any(_path_has_leaf(element, rest) for element in node)
        if not isinstance(node, Mapping):
            return False
        node = node.get(key, _MISSING)
        if node is _MISSING:
            return False
    return _has_leaf(node)


# --- validation + compilation ------------------------------------------------------------------


class _Compiler:
    """Validates one parsed pattern and builds its matcher; ``where`` names it in errors."""

    def __init__(self, where: str, numeric_on_n_strings: bool) -> None:
        self.where = where
        self.numeric_on_n_strings = numeric_on_n_strings

    def error(self, path: tuple[str, ...], problem: str) -> InvalidParameterValueException:
        """Build the error for a problem at ``path`` inside this pattern (for ``raise``)."""
        at = f' at "{".".join(path)}"' if path else ""
        return pattern_error(f"{self.where}{at}: {problem}")

    # objects ----------------------------------------------------------------------------------

    def compile_object(self, pattern: Mapping[str, Any], path: tuple[str, ...]) -> Matcher:
        if not pattern:
            raise self.error(path, "empty objects are not allowed; name at least one field")
        fields: list[tuple[str, Matcher]] = []
        for key, sub in pattern.items():
            sub_path = (*path, key)
            if isinstance(sub, dict):
                fields.append((key, self.compile_object(sub, sub_path)))
            elif isinstance(sub, list):
                fields.append((key, self.compile_values(sub, sub_path)))
            else:
                raise self.error(
                    sub_path,
                    f"expected an array of match values or a nested object, got "
                    f"{_describe(sub)} (write [{json.dumps(_plain(sub))}] to match it exactly)",
                )
        compiled = tuple(fields)
        empty: Mapping[str, Any] = {}

        def match_object(value: Any, root: Any) -> bool:
            if isinstance(value, list | tuple):
                if not value:
                    return match_object(empty, root)
                for element in value:  # noqa: SIM110 - a loop keeps one frame per level
                    if match_object(element, root):
                        return True
                return False
            if not isinstance(value, Mapping):
                value = empty  # missing, or a scalar where the pattern expects an object
            get = value.get
            for key, matcher in compiled:  # noqa: SIM110 - hot path: no generator per record
                if not matcher(get(key, _MISSING), root):
                    return False
            return True

        return match_object

    # arrays of match values -------------------------------------------------------------------

    def compile_values(self, values: list[Any], path: tuple[str, ...]) -> Matcher:
        if not values:
            raise self.error(path, "empty arrays are not allowed; list at least one match value")
        exact: set[Any] = set()
        prefixes: list[str] = []
        anything_buts: list[frozenset[Any]] = []
        ranges: list[tuple[float, bool, float, bool]] = []
        exists_true = False
        exists_false = False
        for value in values:
            if isinstance(value, dict):
                op, arg = self.operator(value, path)
                if op == "prefix":
                    prefixes.append(arg)
                elif op == "anything-but":
                    anything_buts.append(arg)
                elif op == "numeric":
                    ranges.append(arg)
                elif arg:
                    exists_true = True
                else:
                    exists_false = True
            elif isinstance(value, list):
                raise self.error(path, "match values cannot be arrays; list the values directly")
            else:
                exact.add(_pattern_key(value))

        exact_keys = frozenset(exact)
        prefix_tuple = tuple(prefixes)
        excluded = tuple(anything_buts)
        bounds = tuple(ranges)
        numeric_strings = self.numeric_on_n_strings and bool(path) and path[-1] in ("N", "NS")
        only_exact = not (prefix_tuple or excluded or bounds or exists_true)

        def scalar_ok(leaf: Any) -> bool:
            key = _exact_key(leaf)
            if key in exact_keys:
                return True
            if only_exact:
                return False
            kind = type(leaf)
            if prefix_tuple and kind is str and leaf.startswith(prefix_tuple):
                return True
            if key is not _NO_KEY:
                for banned in excluded:
                    if key not in banned:
                        return True
            if bounds:
                number = _numeric_value(leaf, numeric_strings)
                if number is not None:
                    for low, low_inclusive, high, high_inclusive in bounds:
                        if (low < number or (low_inclusive and low == number)) and (
                            number < high or (high_inclusive and number == high)
                        ):
                            return True
            return False

        absent_path = path

        def match_values(value: Any, root: Any) -> bool:
            if isinstance(value, list | tuple):
                leaves = _leaves(value, [])
            elif value is _MISSING or isinstance(value, Mapping):
                leaves = []
            else:
                # The common case: one scalar.
                if exists_true:
                    return True
                return scalar_ok(value)
            if not leaves:
                return exists_false and not _path_has_leaf(root, absent_path)
            if exists_true:
                return True
            return any(scalar_ok(leaf) for leaf in leaves)

        return match_values

    # operators --------------------------------------------------------------------------------

    def operator(self, expression: Mapping[str, Any], path: tuple[str, ...]) -> tuple[str, Any]:
        if len(expression) != 1:
            raise self.error(
                path,
                f"a match expression has exactly one operator, got {len(expression)} "
                f"({', '.join(sorted(expression)) or 'none'})",
            )
        ((op, arg),) = expression.items()
        if op == "prefix":
            if not isinstance(arg, str):
                raise self.error(path, f'"prefix" takes a string, got {_describe(arg)}')
            return op, arg
        if op == "exists":
            if not isinstance(arg, bool):
                raise self.error(path, f'"exists" takes true or false, got {_describe(arg)}')
            return op, arg
        if op == "anything-but":
            return op, self.anything_but(arg, path)
        if op == "numeric":
            return op, self.numeric(arg, path)
        if op in _KNOWN_UNSUPPORTED_OPERATORS:
            raise self.error(
                path,
                f'operator "{op}" is an EventBridge operator whose support in Lambda event '
                f"filtering is unconfirmed; streamsim accepts only "
                f"{', '.join(_SUPPORTED_OPERATORS)}",
            )
        raise self.error(
            path,
            f'unknown operator "{op}"; expected one of {", ".join(_SUPPORTED_OPERATORS)}',
        )

    def anything_but(self, arg: Any, path: tuple[str, ...]) -> frozenset[Any]:
        if isinstance(arg, str | _Number):
            return frozenset((_pattern_key(arg),))
        if isinstance(arg, dict):
            raise self.error(
                path,
                '"anything-but" with a nested operator (prefix, suffix, ...) is not supported; '
                "give a string, a number, or an array of strings or of numbers",
            )
        if not isinstance(arg, list) or not arg:
            raise self.error(
                path,
                f'"anything-but" takes a string, a number, or a non-empty array of them, '
                f"got {_describe(arg)}",
            )
        strings = all(isinstance(item, str) for item in arg)
        numbers = all(isinstance(item, _Number) for item in arg)
        if not (strings or numbers):
            raise self.error(
                path,
                '"anything-but" array values must be all strings or all numbers '
                "(no null, booleans, objects or mixed types)",
            )
        return frozenset(_pattern_key(item) for item in arg)

    def numeric(self, arg: Any, path: tuple[str, ...]) -> tuple[float, bool, float, bool]:
        if not isinstance(arg, list) or not arg:
            raise self.error(
                path, f'"numeric" takes an array like [">", 0, "<=", 5], got {_describe(arg)}'
            )
        if len(arg) not in (2, 4):
            raise self.error(
                path,
                f'"numeric" takes one comparison ["<op>", n] or a range '
                f'[">"|">=", low, "<"|"<=", high], got {len(arg)} elements',
            )
        op = arg[0]
        if op not in ("=", *_NUMERIC_LOWER_OPS, *_NUMERIC_UPPER_OPS):
            raise self.error(
                path,
                f'unknown "numeric" operator {json.dumps(_plain(op))}; expected one of '
                f'"=", "<", "<=", ">", ">="',
            )
        low_value = self.numeric_operand(arg[1], op, path)
        if op == "=":
            if len(arg) != 2:
                raise self.error(path, '"numeric" with "=" takes exactly one number: ["=", n]')
            return (low_value, True, low_value, True)
        if op in _NUMERIC_UPPER_OPS:
            if len(arg) != 2:
                raise self.error(
                    path,
                    f'a "numeric" range starts with its lower bound (">" or ">="), not "{op}"',
                )
            return (-math.inf, False, low_value, op == "<=")
        if len(arg) == 2:
            return (low_value, op == ">=", math.inf, False)
        high_op = arg[2]
        if high_op not in _NUMERIC_UPPER_OPS:
            raise self.error(
                path,
                f'the upper bound of a "numeric" range takes "<" or "<=", got '
                f"{json.dumps(_plain(high_op))}",
            )
        high_value = self.numeric_operand(arg[3], high_op, path)
        if not low_value < high_value:
            raise self.error(
                path,
                f'"numeric" range is empty: the lower bound {_plain(arg[1])} must be less than '
                f"the upper bound {_plain(arg[3])}",
            )
        return (low_value, op == ">=", high_value, high_op == "<=")

    def numeric_operand(self, value: Any, op: Any, path: tuple[str, ...]) -> float:
        if not isinstance(value, _Number):
            raise self.error(
                path,
                f'"numeric" operator {json.dumps(_plain(op))} needs a number, got '
                f"{_describe(value)}",
            )
        if not -NUMERIC_LIMIT <= value.value <= NUMERIC_LIMIT:
            raise self.error(
                path,
                f'"numeric" operands must lie between -5.0e9 and 5.0e9, got {value.text}',
            )
        return value.value


def _numeric_value(leaf: Any, numeric_strings: bool) -> float | None:
    kind = type(leaf)
    if kind is int or kind is float or kind is Decimal:
        return float(leaf)
    if numeric_strings and kind is str:
        try:
            number = float(Decimal(leaf))
        except ArithmeticError:
            return None
        return number if math.isfinite(number) else None
    return None


def _plain(value: Any) -> Any:
    """Turn parsed pattern data back into plain JSON data (for error messages)."""
    if isinstance(value, _Number):
        return json.loads(value.text)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, _Number):
        return f"the number {value.text}"
    if isinstance(value, str):
        return f"the string {json.dumps(value)}"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _nesting(text: str) -> int:
    """The deepest nesting of ``{`` and ``[`` in JSON ``text``, measured without recursion."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub("", text)):
        if bracket in "{[":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_pattern(text: str, where: str) -> dict[str, Any]:
    """Parse one ``Pattern`` (``where`` names it in errors): a JSON object, bounded in depth.

    Raises:
        InvalidParameterValueException: nested over :data:`MAX_PATTERN_DEPTH` levels, not
            JSON, or not an object.
    """
    depth = _nesting(text)
    if depth > MAX_PATTERN_DEPTH:
        raise pattern_error(
            f"{where} is nested {depth} levels deep; at most "
            f"{MAX_PATTERN_DEPTH} levels of objects and arrays are allowed"
        )
    try:
        parsed = json.loads(
            text, parse_int=_Number, parse_float=_Number, parse_constant=_reject_constant
        )
    except ValueError as exc:
        raise pattern_error(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise pattern_error(f"{where} must be a JSON object, got {_describe(parsed)}")
    return parsed


def compile_pattern(pattern: Mapping[str, Any], where: str, numeric_on_n_strings: bool) -> Matcher:
    """Compile a parsed pattern into a matcher called as ``matcher(record, record)``.

    Raises:
        InvalidParameterValueException: the pattern is not well formed (rule D.8).
    """
    return _Compiler(where, numeric_on_n_strings).compile_object(pattern, ())
