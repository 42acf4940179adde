"""The syntax trees of DynamoDB expressions, as frozen value objects.

A parsed expression keeps its placeholders unresolved (``#n``, ``:v``): the same parse serves
every request that reuses the expression string, whatever ``ExpressionAttributeNames`` and
``ExpressionAttributeValues`` it carries.  A :class:`Path` stores a name placeholder as the
string ``"#n"`` itself (a bare name can never start with ``#``), a list index as an ``int``.

Also here, because every later stage needs them: resolving placeholders, rendering and checking
document paths (:func:`check_paths`), and walking the trees (:func:`iter_operands`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeAlias

from attrs import field, frozen

from streamsim._errors import ValidationException
from streamsim._items import AttributeValue as AttributeValue
from streamsim._items import Item as Item

#: ``ExpressionAttributeNames`` as given (``None`` when absent).
Names: TypeAlias = Mapping[str, str]
#: ``ExpressionAttributeValues`` as given, canonical (``None`` when absent).
Values: TypeAlias = Mapping[str, AttributeValue]

#: A path element: an attribute name, a ``#placeholder`` or a list index.
PathElement: TypeAlias = str | int
#: A path with every placeholder replaced by the name it stands for.
ResolvedPath: TypeAlias = tuple[PathElement, ...]


def path_text(path: ResolvedPath) -> str:
    """Render a resolved path as AWS does in error messages.

    >>> path_text(("a", "b", 1))
    '[a, b, [1]]'
    """
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"


def check_paths(paths: Sequence[ResolvedPath], kind: str) -> None:
    """Raise if two paths overlap (one is a prefix of the other) or conflict.

    Two paths conflict when, after a common prefix, one goes on with a map key and the other
    with a list index (``a.b`` and ``a[1]``).

    >>> check_paths([("a",), ("a", "b")], "UpdateExpression")
    Traceback (most recent call last):
    ...
    streamsim._errors.ValidationException: ... path one: [a], path two: [a, b]
    """
    conflict = ""
    for j in range(1, len(paths)):
        second = paths[j]
        for i in range(j):
            first = paths[i]
            for a, b in zip(first, second, strict=False):
                if isinstance(a, int) != isinstance(b, int):
                    if not conflict:
                        conflict = (
                            f"Invalid {kind}: Two document paths conflict with each other; must "
                            f"remove or rewrite one of these paths; path one: {path_text(first)}, "
                            f"path two: {path_text(second)}"
                        )
                    break
                if a != b:
                    break
            else:
                raise ValidationException(
                    f"Invalid {kind}: Two document paths overlap with each other; must remove "
                    f"or rewrite one of these paths; path one: {path_text(first)}, path two: "
                    f"{path_text(second)}"
                )
    if conflict:
        raise ValidationException(conflict)


#: A document path has at most this many elements (names and list indexes; rule H.36).
MAX_PATH_DEPTH = 32


def check_path_depth(paths: Iterable[object], kind: str) -> None:
    """Reject a document path of more than 32 levels among ``paths`` (rule H.36)."""
    for path in paths:
        if isinstance(path, Path) and len(path.elements) > MAX_PATH_DEPTH:
            raise ValidationException(
                f"Invalid {kind}: The document path has too many nesting levels; nesting "
                f"levels: {len(path.elements)}"
            )


def resolve_name(names: Names, ref: str, kind: str) -> str:
    """Return what the name placeholder ``ref`` stands for.

    Raises:
        ValidationException: ``ref`` is not in ``names``.
    """
    try:
        return names[ref]
    except KeyError:
        raise ValidationException(
            f"Invalid {kind}: An expression attribute name used in the document path is not "
            f"defined; attribute name: {ref}"
        ) from None


def resolve_value(values: Values, ref: str, kind: str) -> AttributeValue:
    """Return the value the placeholder ``ref`` stands for.

    Raises:
        ValidationException: ``ref`` is not in ``values``.
    """
    try:
        return values[ref]
    except KeyError:
        raise ValidationException(
            f"Invalid {kind}: An expression attribute value used in expression is not "
            f"defined; attribute value: {ref}"
        ) from None


# --- operands ----------------------------------------------------------------------------------


@frozen
class Path:
    """A document path: ``a.b[2].#c`` is ``("a", "b", 2, "#c")``."""

    elements: tuple[PathElement, ...]

    @property
    def has_refs(self) -> bool:
        """Whether any element is a ``#placeholder``."""
        return any(isinstance(e, str) and e[:1] == "#" for e in self.elements)

    def resolve(self, names: Names, kind: str) -> ResolvedPath:
        """Return the path with its placeholders replaced from ``names``."""
        return tuple(
            resolve_name(names, e, kind) if isinstance(e, str) and e[:1] == "#" else e
            for e in self.elements
        )


@frozen
class ValueRef:
    """An ``ExpressionAttributeValues`` placeholder, ``:v``."""

    name: str


@frozen
class Call:
    """A function call: ``size(a)``, ``if_not_exists(a, :v)``, ``begins_with(a, :p)``."""

    name: str
    args: tuple[Operand, ...]


@frozen
class Arith:
    """``left + right`` or ``left - right`` (UpdateExpression SET only)."""

    op: str
    left: Operand
    right: Operand


Operand: TypeAlias = Path | ValueRef | Call | Arith


# --- conditions --------------------------------------------------------------------------------


@frozen
class Compare:
    """``left <op> right`` with ``op`` one of ``= <> < <= > >=``."""

    op: str
    left: Operand
    right: Operand


@frozen
class Between:
    """``operand BETWEEN low AND high``."""

    operand: Operand
    low: Operand
    high: Operand


@frozen
class In:
    """``operand IN (option, ...)``."""

    operand: Operand
    options: tuple[Operand, ...]


@frozen
class FunctionCondition:
    """A function used as a condition: ``attribute_exists(a)``, ``contains(a, :v)``."""

    call: Call


@frozen
class And:
    """Every part holds."""

    parts: tuple[CondNode, ...]


@frozen
class Or:
    """At least one part holds."""

    parts: tuple[CondNode, ...]


@frozen
class Not:
    """The operand does not hold."""

    operand: CondNode


CondNode: TypeAlias = Compare | Between | In | FunctionCondition | And | Or | Not

#: A compiled condition: ``(item, names, values) -> bool``.
CondFn: TypeAlias = Callable[[Item, Names, Values], bool]
#: A compiled operand: ``(item, names, values) -> value or None when missing``.
OperandFn: TypeAlias = Callable[[Item, Names, Values], "AttributeValue | None"]


# --- update actions ----------------------------------------------------------------------------


@frozen
class SetAction:
    """``SET path = value``."""

    path: Path
    value: Operand


@frozen
class AddAction:
    """``ADD path :value``."""

    path: Path
    value: ValueRef


@frozen
class DeleteAction:
    """``DELETE path :value``."""

    path: Path
    value: ValueRef


# --- parsed expressions ------------------------------------------------------------------------


@frozen(eq=False)
class Condition:
    """A parsed ConditionExpression or FilterExpression.

    ``names`` / ``values`` are the placeholders it uses; ``refs`` lists every placeholder use
    in source order (for AWS's choice of which undefined one to report).  ``deferred`` holds
    errors found while parsing that AWS reports only after checking placeholders, as
    ``(category, message)``.
    """

    expression: str
    kind: str
    root: CondNode
    names: frozenset[str]
    values: frozenset[str]
    refs: tuple[str, ...] = field(repr=False)
    deferred: tuple[tuple[str, str], ...] = field(repr=False)
    evaluator: CondFn = field(repr=False)


@frozen(eq=False)
class KeyConditionAST:
    """A parsed KeyConditionExpression (resolve it with ``resolve_key_condition``)."""

    expression: str
    kind: str
    root: CondNode
    names: frozenset[str]
    values: frozenset[str]
    refs: tuple[str, ...] = field(repr=False)
    deferred: tuple[tuple[str, str], ...] = field(repr=False)


@frozen(eq=False)
class UpdateExpression:
    """A parsed UpdateExpression.

    ``written`` lists every path an action writes, in source order, for the overlap check;
    ``set_values`` holds the compiled right-hand side of each SET action.
    """

    expression: str
    set_actions: tuple[SetAction, ...]
    remove_actions: tuple[Path, ...]
    add_actions: tuple[AddAction, ...]
    delete_actions: tuple[DeleteAction, ...]
    names: frozenset[str]
    values: frozenset[str]
    refs: tuple[str, ...] = field(repr=False)
    deferred: tuple[tuple[str, str], ...] = field(repr=False)
    written: tuple[Path, ...] = field(repr=False)
    set_values: tuple[OperandFn, ...] = field(repr=False)
    kind: str = "UpdateExpression"
    #: Built from ``AttributeUpdates`` (rule H.33): ADD also appends lists, and a type
    #: mismatch has the legacy message.
    legacy: bool = False


@frozen(eq=False)
class Projection:
    """A parsed ProjectionExpression: the paths to keep."""

    expression: str
    paths: tuple[Path, ...]
    names: frozenset[str]
    refs: tuple[str, ...] = field(repr=False)
    values: frozenset[str] = frozenset()
    deferred: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    kind: str = "ProjectionExpression"


Parsed: TypeAlias = Condition | KeyConditionAST | UpdateExpression | Projection


# --- walking the trees -------------------------------------------------------------------------


def iter_operands(node: CondNode) -> Iterator[tuple[Operand, str]]:
    """Yield every operand of a condition tree in source order, with its role.

    The role is ``"operand"`` (compared, or an argument of a function), or ``"condition"``
    for a function call used as a condition.  Arguments of calls are yielded after the call.
    """
    if isinstance(node, (And, Or)):
        for part in node.parts:
            yield from iter_operands(part)
    elif isinstance(node, Not):
        yield from iter_operands(node.operand)
    elif isinstance(node, Compare):
        yield from _iter_operand(node.left, "operand")
        yield from _iter_operand(node.right, "operand")
    elif isinstance(node, Between):
        for operand in (node.operand, node.low, node.high):
            yield from _iter_operand(operand, "operand")
    elif isinstance(node, In):
        yield from _iter_operand(node.operand, "operand")
        for operand in node.options:
            yield from _iter_operand(operand, "operand")
    else:
        yield from _iter_operand(node.call, "condition")


def _iter_operand(operand: Operand, role: str) -> Iterator[tuple[Operand, str]]:
    yield operand, role
    if isinstance(operand, Call):
        for arg in operand.args:
            yield from _iter_operand(arg, "operand")
    elif isinstance(operand, Arith):
        yield from _iter_operand(operand.left, "operand")
        yield from _iter_operand(operand.right, "operand")


def iter_update_operands(
    sets: list[SetAction],
    removes: list[Path],
    adds: list[AddAction],
    deletes: list[DeleteAction],
    written: list[Path],
) -> Iterator[Operand]:
    """Yield every path and operand of an update in source order (clauses interleaved)."""
    by_path: dict[int, list[Operand]] = {}
    for action in sets:
        by_path[id(action.path)] = [op for op, _ in _iter_operand(action.value, "operand")]
    others: list[AddAction | DeleteAction] = [*adds, *deletes]
    for other in others:
        by_path[id(other.path)] = [other.value]
    for path in written:
        yield path
        yield from by_path.get(id(path), ())
