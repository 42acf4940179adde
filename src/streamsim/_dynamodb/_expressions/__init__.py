"""DynamoDB expressions: lexer, parser and evaluator over canonical DynamoDB JSON items.

Parse once (cached by expression string), check the request's placeholders, then evaluate on
every write::

    cond = parse_condition("attribute_not_exists(pk) OR #v < :v")
    check_placeholders([cond], names, values)
    if not evaluate_condition(cond, old_item, names, values): ...

    update = parse_update("SET #v = #v + :one")
    new_item = apply_update(update, old_item, names, values)   # old_item is not touched

The other kinds: :func:`parse_projection` / :func:`project`, :func:`parse_key_condition` /
:func:`resolve_key_condition`.

The modules depend on each other downward only: ``_ast``, ``_lexer``, ``_reserved``,
``_grammar`` and ``_numbers`` at the bottom; ``_parser`` (syntax only, no compiling);
``_evaluate`` (compiling conditions, projecting); ``_keycond``; ``_validate`` (checks that need
the placeholders); ``_update`` (compiling and applying updates); ``_api`` on top, which joins the
steps (parse then compile, check then resolve).
"""

from __future__ import annotations

from ._api import check_filter_keys as check_filter_keys
from ._api import condition_heads as condition_heads
from ._api import parse_condition as parse_condition
from ._api import parse_update as parse_update
from ._api import resolve_key_condition as resolve_key_condition
from ._ast import AttributeValue as AttributeValue
from ._ast import Condition as Condition
from ._ast import Item as Item
from ._ast import KeyConditionAST as KeyConditionAST
from ._ast import Path as Path
from ._ast import Projection as Projection
from ._ast import UpdateExpression as UpdateExpression
from ._evaluate import evaluate_condition as evaluate_condition
from ._evaluate import project as project
from ._keycond import KeyCondition as KeyCondition
from ._parser import parse_key_condition as parse_key_condition
from ._parser import parse_projection as parse_projection
from ._reserved import RESERVED_WORDS as RESERVED_WORDS
from ._update import apply_update as apply_update
from ._update import updated_top_level_names as updated_top_level_names
from ._validate import check_placeholders as check_placeholders

__all__ = [
    "RESERVED_WORDS",
    "AttributeValue",
    "Condition",
    "Item",
    "KeyCondition",
    "KeyConditionAST",
    "Path",
    "Projection",
    "UpdateExpression",
    "apply_update",
    "check_placeholders",
    "condition_heads",
    "evaluate_condition",
    "parse_condition",
    "parse_key_condition",
    "parse_projection",
    "parse_update",
    "project",
    "resolve_key_condition",
    "updated_top_level_names",
]
