"""KeyConditionExpression: from a parsed condition to "this partition, this sort-key range".

AWS behaviour (Developer Guide, "Query: key condition expressions"; messages and their order
as DynamoDB gives them, recorded in dynalite's tests run against DynamoDB): the partition key
takes ``=`` only; the sort key at most one of ``= < <= > >= BETWEEN begins_with``; conditions
combine with ``AND`` only; ``:v < sk`` is read as ``sk > :v``.
"""

from __future__ import annotations

from typing import Final

from attrs import frozen

from streamsim._errors import ValidationException

from ._ast import (
    And,
    AttributeValue,
    Between,
    Call,
    Compare,
    CondNode,
    FunctionCondition,
    In,
    KeyConditionAST,
    Names,
    Not,
    Operand,
    Or,
    Path,
    ValueRef,
    Values,
)

#: Sort-key operators, as ``KeyCondition.range_op`` spells them.
RANGE_OPERATORS: Final = ("=", "<", "<=", ">", ">=", "BETWEEN", "begins_with")
_FLIPPED: Final = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@frozen
class KeyCondition:
    """A resolved key condition: one partition, and optionally a sort-key range.

    ``range_op`` is ``None`` (whole partition) or one of :data:`RANGE_OPERATORS`;
    ``range_values`` holds its one operand (two for ``BETWEEN``).
    """

    hash_value: AttributeValue
    range_op: str | None = None
    range_values: tuple[AttributeValue, ...] = ()


def key_conditions(
    parsed: KeyConditionAST, names: Names, values: Values
) -> dict[str, tuple[str, tuple[AttributeValue, ...]]]:
    """Split a key condition into ``{attribute: (operator, operand values)}``.

    Raises:
        ValidationException: an operator other than AND joins conditions, a condition uses an
            operator or function keys do not take, names no attribute or two, a nested path,
            or two conditions on one attribute.
    """
    prefix = f"Invalid {parsed.kind}: "
    out: dict[str, tuple[str, tuple[AttributeValue, ...]]] = {}

    def invalid(message: str) -> ValidationException:
        return ValidationException(prefix + message)

    def visit(node: CondNode) -> None:
        if isinstance(node, And):
            for part in node.parts:
                visit(part)
            return
        if isinstance(node, (Or, Not, In)):
            word = {Or: "OR", Not: "NOT", In: "IN"}[type(node)]
            raise invalid(f"Invalid operator used in KeyConditionExpression: {word}")
        args: tuple[Operand, ...]
        if isinstance(node, Compare):
            if node.op == "<>":
                raise invalid("Invalid operator used in KeyConditionExpression: <>")
            op, args = node.op, (node.left, node.right)
        elif isinstance(node, Between):
            op, args = "BETWEEN", (node.operand, node.low, node.high)
        else:
            assert isinstance(node, FunctionCondition)
            name = node.call.name
            if name != "begins_with":
                raise invalid(f"Invalid operator used in KeyConditionExpression: {name}")
            op, args = name, node.call.args
        if any(isinstance(arg, Call) for arg in args):
            raise invalid("KeyConditionExpressions cannot contain nested operations")
        if op in ("BETWEEN", "begins_with") and not isinstance(args[0], Path):
            raise invalid(
                f"Invalid condition in KeyConditionExpression: {op} operator must have the key "
                "attribute as its first operand"
            )
        attribute = ""
        position = 0
        operands: list[AttributeValue] = []
        for index, arg in enumerate(args):
            if isinstance(arg, Path):
                if attribute:
                    raise invalid(
                        "Invalid condition in KeyConditionExpression: Multiple attribute names "
                        "used in one condition"
                    )
                if len(arg.elements) > 1:
                    raise invalid(
                        "KeyConditionExpressions cannot have conditions on nested attributes"
                    )
                resolved = arg.resolve(names, parsed.kind)[0]
                assert isinstance(resolved, str)
                attribute, position = resolved, index
            else:
                assert isinstance(arg, ValueRef)
                operands.append(values[arg.name])
        if not attribute:
            raise invalid("Invalid condition in KeyConditionExpression: No key attribute specified")
        if attribute in out:
            raise invalid("KeyConditionExpressions must only contain one condition per key")
        if position != 0:
            op = _FLIPPED[op]
        out[attribute] = (op, tuple(operands))

    visit(parsed.root)
    return out
