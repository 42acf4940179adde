"""The vocabulary of DynamoDB expressions: function names with their arities, comparators, types.

Shared by the parser (which names exist), the evaluator (which type names ``attribute_type``
takes) and the checks that need placeholders (operand counts, type names in messages), so it
sits below all of them.

AWS behaviour: the functions and operators are those of the Developer Guide, "Condition and
filter expressions, operators, and functions" and "Update expressions".
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ATTRIBUTE_TYPES",
    "COMPARATORS",
    "CONDITION_FUNCTIONS",
    "LONG_TYPE_NAMES",
    "UPDATE_FUNCTIONS",
]

#: Functions of condition, filter and key condition expressions, with their operand counts.
CONDITION_FUNCTIONS: Final = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
#: Functions of update expressions, with their operand counts.
UPDATE_FUNCTIONS: Final = {"if_not_exists": 2, "list_append": 2}

#: The comparison operators of conditions.
COMPARATORS: Final = frozenset({"=", "<>", "<", "<=", ">", ">="})

#: The type names ``attribute_type`` accepts.
ATTRIBUTE_TYPES: Final = frozenset({"S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"})

#: How operand types are spelled in ADD/DELETE type errors.
LONG_TYPE_NAMES: Final = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "NULL": "NULL",
    "BOOL": "BOOLEAN",
    "L": "LIST",
    "M": "MAP",
}
