"""Recursive-descent parsers for Condition/Filter, KeyCondition, Update and Projection expressions.

Grammar (keywords case-insensitive, function names case-sensitive)::

    condition   := and ("OR" and)*
    and         := not ("AND" not)*
    not         := "NOT" not | primary
    primary     := operand comparator operand
                 | operand "BETWEEN" operand "AND" operand
                 | operand "IN" "(" operand ("," operand)* ")"
                 | function                      -- attribute_exists(a), contains(a, :v), ...
                 | "(" condition ")"
    operand     := "(" operand ")" | :value | function | path
    path        := (name | #name) ("." (name | #name) | "[" digits "]")*

    update      := section+
    section     := "SET" set ("," set)* | "REMOVE" path ("," path)*
                 | "ADD" path :value ("," path :value)* | "DELETE" path :value (...)*
    set         := path "=" ( "(" value ")" | value )
    value       := uoperand (("+" | "-") uoperand)?
    uoperand    := "(" uop ")" | uop      uop := :value | function | path

    projection  := path ("," path)*

Where a ``(`` could open either a parenthesised condition or a parenthesised operand the parser
tries each reading and reports the syntax error of the one that got furthest.

AWS behaviour: the messages and the order in which AWS reports several problems in one
expression follow DynamoDB as recorded by dynalite's and ScyllaDB Alternator's test suites
(both run against DynamoDB): a syntax error first; then, for conditions, redundant parentheses,
an unknown function, a misused function, a reserved word; for updates a reserved word, an
unknown function, a repeated section; for projections a reserved word.  Problems that depend
on ``ExpressionAttributeNames``/``Values`` are reported by ``check_placeholders``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Final, TypeAlias, TypeVar

from streamsim._errors import ValidationException

from ._ast import (
    AddAction,
    And,
    Arith,
    Between,
    Call,
    Compare,
    CondNode,
    DeleteAction,
    FunctionCondition,
    In,
    KeyConditionAST,
    Not,
    Operand,
    Or,
    Path,
    PathElement,
    Projection,
    SetAction,
    ValueRef,
    check_path_depth,
    iter_operands,
    iter_update_operands,
)
from ._grammar import COMPARATORS, CONDITION_FUNCTIONS, UPDATE_FUNCTIONS
from ._lexer import (
    EOF,
    MAX_NESTING,
    MAX_OPERATORS,
    NAME,
    NAME_REF,
    NUMBER,
    PUNCT,
    VALUE_REF,
    Token,
    near,
    nesting,
    operator_count,
    tokenize,
)
from ._reserved import is_reserved

_CONDITION_KEYWORDS: Final = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
_UPDATE_KEYWORDS: Final = frozenset({"SET", "REMOVE", "ADD", "DELETE"})

#: Size of the cache of parsed expressions, per kind.
PARSE_CACHE_SIZE: Final = 4096
#: The longest expression string DynamoDB accepts, in UTF-8 bytes as sent (placeholders are not
#: substituted first): 4 KB (the Constraints page; captures show 4096 accepted, 4097 rejected).
MAX_EXPRESSION_BYTES: Final = 4096
#: the largest list index in a document path (a signed 32-bit integer), and its digits (rule H.5)
MAX_LIST_INDEX: Final = 2**31 - 1
MAX_INDEX_DIGITS: Final = 10


class _Failure(Exception):
    """A syntax error at token ``index`` (internal: lets alternatives backtrack)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


def _furthest(failures: list[_Failure]) -> _Failure:
    best = failures[0]
    for failure in failures[1:]:
        if failure.index > best.index:
            best = failure
    return best


class _Parser:
    """One parse of one expression string."""

    def __init__(self, source: str, kind: str, keywords: frozenset[str]) -> None:
        self.source = source
        self.kind = kind
        self.keywords = keywords
        self.tokens = tokenize(source)
        self.pos = 0
        self.redundant_parens = False

    # --- token helpers ---------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        index = min(self.pos + ahead, len(self.tokens) - 1)
        return self.tokens[index]

    def fail(self) -> _Failure:
        return _Failure(self.pos)

    def is_punct(self, text: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == PUNCT and token.text == text

    def expect(self, text: str) -> None:
        if not self.is_punct(text):
            raise self.fail()
        self.pos += 1

    def is_grammar_keyword(self, token: Token) -> bool:
        return token.kind == NAME and token.text.upper() in self.keywords

    def expect_end(self) -> None:
        if self.peek().kind != EOF:
            raise self.fail()

    def syntax_error(self, failure: _Failure) -> ValidationException:
        token = self.tokens[failure.index]
        return ValidationException(
            f'Invalid {self.kind}: Syntax error; token: "{token.shown}", '
            f'near: "{near(self.source, self.tokens, failure.index)}"'
        )

    # --- paths and operands ----------------------------------------------------------------

    def parse_path(self) -> Path:
        token = self.peek()
        if token.kind == NAME_REF or (token.kind == NAME and not self.is_grammar_keyword(token)):
            elements: list[PathElement] = [token.text]
            self.pos += 1
        else:
            raise self.fail()
        while True:
            if self.is_punct("."):
                self.pos += 1
                token = self.peek()
                if token.kind == NAME_REF or (
                    token.kind == NAME and not self.is_grammar_keyword(token)
                ):
                    elements.append(token.text)
                    self.pos += 1
                else:
                    raise self.fail()
            elif self.is_punct("["):
                self.pos += 1
                token = self.peek()
                if token.kind != NUMBER:
                    raise self.fail()
                digits = token.text
                # rule H.5: an index fits a signed 32-bit integer (checked by length first, so
                # that no digit string is too long for int())
                if len(digits) > MAX_INDEX_DIGITS or int(digits) > MAX_LIST_INDEX:
                    raise ValidationException(
                        f"Invalid {self.kind}: List index is not within the allowable range; "
                        f"index: [{digits}]"
                    )
                elements.append(int(digits))
                self.pos += 1
                self.expect("]")
            else:
                return Path(tuple(elements))

    def at_call(self) -> bool:
        token = self.peek()
        return token.kind == NAME and not self.is_grammar_keyword(token) and self.is_punct("(", 1)

    def parse_call(self, argument: str) -> Call:
        name = self.peek().text
        self.pos += 1
        self.expect("(")
        parse = self.parse_operand if argument == "condition" else self.parse_update_operand
        args = [parse()[0]]
        while self.is_punct(","):
            self.pos += 1
            args.append(parse()[0])
        self.expect(")")
        return Call(name, tuple(args))

    def parse_operand(self) -> tuple[Operand, bool]:
        """Parse a condition operand; return it and whether it was parenthesised."""
        token = self.peek()
        if token.kind == PUNCT and token.text == "(":
            self.pos += 1
            operand, parenthesised = self.parse_operand()
            self.expect(")")
            if parenthesised:
                self.redundant_parens = True
            return operand, True
        if token.kind == VALUE_REF:
            self.pos += 1
            return ValueRef(token.text), False
        if self.at_call():
            return self.parse_call("condition"), False
        return self.parse_path(), False

    # --- conditions ------------------------------------------------------------------------

    def parse_or(self) -> tuple[CondNode, bool]:
        return self._parse_chain("OR", self.parse_and, Or)

    def parse_and(self) -> tuple[CondNode, bool]:
        return self._parse_chain("AND", self.parse_not, And)

    def _parse_chain(
        self,
        keyword: str,
        parse_operand: Callable[[], tuple[CondNode, bool]],
        node_type: Callable[[tuple[CondNode, ...]], CondNode],
    ) -> tuple[CondNode, bool]:
        """``operand (keyword operand)*``: one node for the whole chain (AND / OR levels)."""
        node, parenthesised = parse_operand()
        if not self.peek().is_keyword(keyword):
            return node, parenthesised
        parts = [node]
        while self.peek().is_keyword(keyword):
            self.pos += 1
            parts.append(parse_operand()[0])
        return node_type(tuple(parts)), False

    def parse_not(self) -> tuple[CondNode, bool]:
        if self.peek().is_keyword("NOT"):
            self.pos += 1
            return Not(self.parse_not()[0]), False
        return self.parse_primary()

    def parse_primary(self) -> tuple[CondNode, bool]:
        start = self.pos
        redundant = self.redundant_parens
        failures: list[_Failure] = []
        try:
            return self.parse_comparison(), False
        except _Failure as failure:
            failures.append(failure)
            self.pos, self.redundant_parens = start, redundant
        if self.at_call():
            try:
                return FunctionCondition(self.parse_call("condition")), False
            except _Failure as failure:
                failures.append(failure)
                self.pos, self.redundant_parens = start, redundant
        if self.is_punct("("):
            try:
                self.pos += 1
                node, parenthesised = self.parse_or()
                self.expect(")")
                if parenthesised:
                    self.redundant_parens = True
                return node, True
            except _Failure as failure:
                failures.append(failure)
                self.pos, self.redundant_parens = start, redundant
        raise _furthest(failures)

    def parse_comparison(self) -> CondNode:
        left = self.parse_operand()[0]
        token = self.peek()
        if token.kind == PUNCT and token.text in COMPARATORS:
            self.pos += 1
            return Compare(token.text, left, self.parse_operand()[0])
        if token.is_keyword("BETWEEN"):
            self.pos += 1
            low = self.parse_operand()[0]
            if not self.peek().is_keyword("AND"):
                raise self.fail()
            self.pos += 1
            return Between(left, low, self.parse_operand()[0])
        if token.is_keyword("IN"):
            self.pos += 1
            self.expect("(")
            options = [self.parse_operand()[0]]
            while self.is_punct(","):
                self.pos += 1
                options.append(self.parse_operand()[0])
            self.expect(")")
            return In(left, tuple(options))
        raise self.fail()

    def parse_condition(self) -> CondNode:
        node = self.parse_or()[0]
        self.expect_end()
        return node

    # --- updates ---------------------------------------------------------------------------

    def parse_update_operand(self) -> tuple[Operand, bool]:
        if self.is_punct("("):
            self.pos += 1
            operand = self.parse_bare_update_operand()
            self.expect(")")
            return operand, True
        return self.parse_bare_update_operand(), False

    def parse_bare_update_operand(self) -> Operand:
        token = self.peek()
        if token.kind == VALUE_REF:
            self.pos += 1
            return ValueRef(token.text)
        if self.at_call():
            return self.parse_call("update")
        return self.parse_path()

    def parse_arith(self) -> Operand:
        left = self.parse_update_operand()[0]
        token = self.peek()
        if token.kind == PUNCT and token.text in ("+", "-"):
            self.pos += 1
            return Arith(token.text, left, self.parse_update_operand()[0])
        return left

    def parse_set_value(self) -> Operand:
        if self.is_punct("("):
            start = self.pos
            try:
                self.pos += 1
                value = self.parse_arith()
                self.expect(")")
                if self.is_punct("+") or self.is_punct("-"):
                    raise self.fail()
                return value
            except _Failure as first:
                self.pos = start
                try:
                    return self.parse_arith()
                except _Failure as second:
                    raise _furthest([first, second]) from None
        return self.parse_arith()

    def parse_update(
        self,
    ) -> tuple[list[SetAction], list[Path], list[AddAction], list[DeleteAction], list[Path], str]:
        sets: list[SetAction] = []
        removes: list[Path] = []
        adds: list[AddAction] = []
        deletes: list[DeleteAction] = []
        written: list[Path] = []
        seen: set[str] = set()
        repeated = ""
        while True:
            token = self.peek()
            clause = token.text.upper() if token.kind == NAME else ""
            if clause not in _UPDATE_KEYWORDS:
                raise self.fail()
            self.pos += 1
            if clause in seen and not repeated:
                repeated = clause
            seen.add(clause)
            while True:
                path = self.parse_path()
                written.append(path)
                if clause == "SET":
                    self.expect("=")
                    sets.append(SetAction(path, self.parse_set_value()))
                elif clause == "REMOVE":
                    removes.append(path)
                else:
                    token = self.peek()
                    if token.kind != VALUE_REF:
                        raise self.fail()
                    self.pos += 1
                    if clause == "ADD":
                        adds.append(AddAction(path, ValueRef(token.text)))
                    else:
                        deletes.append(DeleteAction(path, ValueRef(token.text)))
                if not self.is_punct(","):
                    break
                self.pos += 1
            if self.peek().kind == EOF:
                return sets, removes, adds, deletes, written, repeated

    # --- projections -----------------------------------------------------------------------

    def parse_projection(self) -> list[Path]:
        paths = [self.parse_path()]
        while self.is_punct(","):
            self.pos += 1
            paths.append(self.parse_path())
        self.expect_end()
        return paths


def _refs(operands: Iterator[Operand]) -> tuple[list[str], str]:
    """Return the placeholders used, in order, and the first reserved bare name ("" if none)."""
    refs: list[str] = []
    reserved = ""
    for operand in operands:
        if isinstance(operand, ValueRef):
            refs.append(operand.name)
        elif isinstance(operand, Path):
            for element in operand.elements:
                if isinstance(element, str):
                    if element[:1] == "#":
                        refs.append(element)
                    elif not reserved and is_reserved(element):
                        reserved = element
    return refs, reserved


def split_refs(refs: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Split placeholder uses into the set of name placeholders and the set of value ones."""
    names = frozenset(r for r in refs if r[:1] == "#")
    return names, frozenset(refs) - names


def _check_length(expression: str, kind: str) -> None:
    """Reject an empty expression, or one over :data:`MAX_EXPRESSION_BYTES`, before parsing."""
    if expression == "":
        raise ValidationException(f"Invalid {kind}: The expression can not be empty;")
    # a character is at most 4 UTF-8 bytes: only a long string needs encoding to be measured
    if len(expression) * 4 > MAX_EXPRESSION_BYTES:
        size = len(expression.encode("utf-8", "surrogatepass"))
        if size > MAX_EXPRESSION_BYTES:
            raise ValidationException(
                f"Invalid {kind}: Expression size has exceeded the maximum allowed size; "
                f"expression size: {size}"
            )


_T = TypeVar("_T")


def _run(parser: _Parser, parse: Callable[[], _T]) -> _T:
    operators = operator_count(parser.tokens, parser.kind == "UpdateExpression")
    if operators > MAX_OPERATORS:  # rule H.36
        raise ValidationException(
            f"Invalid {parser.kind}: The expression contains too many operators; operator "
            f"count: {operators}"
        )
    deepest = nesting(parser.tokens)
    if deepest > MAX_NESTING:
        raise ValidationException(
            f"Invalid {parser.kind}: The expression is nested too deeply; nesting: {deepest}, "
            f"at most {MAX_NESTING} levels of parentheses, function calls and NOT are allowed"
        )
    try:
        return parse()
    except _Failure as failure:
        raise parser.syntax_error(failure) from None
    except RecursionError:  # pragma: no cover - needs thousands of nested parentheses
        raise ValidationException(
            f"Invalid {parser.kind}: The expression is nested too deeply"
        ) from None


def parse_condition_tree(expression: str, kind: str) -> tuple[CondNode, list[str]]:
    """Parse a condition and run the checks AWS makes before looking at placeholders."""
    _check_length(expression, kind)
    parser = _Parser(expression, kind, _CONDITION_KEYWORDS)
    root = _run(parser, parser.parse_condition)
    operands = list(iter_operands(root))
    check_path_depth((op for op, _ in operands), kind)
    prefix = f"Invalid {kind}: "
    if parser.redundant_parens:
        raise ValidationException(prefix + "The expression has redundant parentheses;")
    for operand, _ in operands:
        if isinstance(operand, Call) and operand.name not in CONDITION_FUNCTIONS:
            raise ValidationException(f"{prefix}Invalid function name; function: {operand.name}")
    for operand, role in operands:
        if isinstance(operand, Call) and (role == "condition") == (operand.name == "size"):
            raise ValidationException(
                f"{prefix}The function is not allowed to be used this way in an expression; "
                f"function: {operand.name}"
            )
    refs, reserved = _refs(op for op, _ in operands)
    if reserved:
        raise ValidationException(
            f"{prefix}Attribute name is a reserved keyword; reserved keyword: {reserved}"
        )
    return root, refs


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_key_condition(expression: str) -> KeyConditionAST:
    """Parse a KeyConditionExpression (condition grammar; key rules are checked on resolving).

    >>> parse_key_condition("pk = :p AND begins_with(sk, :s)").values == {":p", ":s"}
    True
    """
    kind = "KeyConditionExpression"
    root, refs = parse_condition_tree(expression, kind)
    names, values = split_refs(refs)
    return KeyConditionAST(
        expression=expression,
        kind=kind,
        root=root,
        names=names,
        values=values,
        refs=tuple(refs),
        deferred=(),
    )


#: The parts of a parsed UpdateExpression: SET, REMOVE, ADD and DELETE actions, every written
#: path in source order, and every placeholder use in source order.
UpdateParts: TypeAlias = tuple[
    list[SetAction], list[Path], list[AddAction], list[DeleteAction], list[Path], list[str]
]


def parse_update_tree(expression: str) -> UpdateParts:
    """Parse an UpdateExpression into its actions and run the checks AWS makes before
    looking at placeholders (``parse_update`` builds the compiled expression from them).

    >>> sets, removes, adds, deletes, written, refs = parse_update_tree("SET a = :v REMOVE b")
    >>> [p.elements for p in written], refs
    ([('a',), ('b',)], [':v'])

    Raises:
        ValidationException: a syntax error, an empty or over-4-KB expression, a reserved word
            used as a name, an unknown function, or a section (SET, REMOVE, ADD, DELETE) used
            twice.
    """
    kind = "UpdateExpression"
    _check_length(expression, kind)
    parser = _Parser(expression, kind, _UPDATE_KEYWORDS)
    sets, removes, adds, deletes, written, repeated = _run(parser, parser.parse_update)
    operands = list(iter_update_operands(sets, removes, adds, deletes, written))
    check_path_depth(iter(operands), kind)
    refs, reserved = _refs(iter(operands))
    prefix = f"Invalid {kind}: "
    if reserved:
        raise ValidationException(
            f"{prefix}Attribute name is a reserved keyword; reserved keyword: {reserved}"
        )
    for operand in operands:
        if isinstance(operand, Call) and operand.name not in UPDATE_FUNCTIONS:
            raise ValidationException(f"{prefix}Invalid function name; function: {operand.name}")
    if repeated:
        raise ValidationException(
            f'{prefix}The "{repeated}" section can only be used once in an update expression;'
        )
    return sets, removes, adds, deletes, written, refs


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse_projection(expression: str) -> Projection:
    """Parse a ProjectionExpression.

    >>> [p.elements for p in parse_projection("a.b[1], #c").paths]
    [('a', 'b', 1), ('#c',)]

    Raises:
        ValidationException: a syntax error, an empty or over-4-KB expression or a reserved
            word used as a name.
    """
    kind = "ProjectionExpression"
    _check_length(expression, kind)
    parser = _Parser(expression, kind, frozenset())
    paths = _run(parser, parser.parse_projection)
    check_path_depth(iter(paths), kind)
    refs, reserved = _refs(iter(paths))
    if reserved:
        raise ValidationException(
            f"Invalid {kind}: Attribute name is a reserved keyword; reserved keyword: {reserved}"
        )
    return Projection(
        expression=expression,
        paths=tuple(paths),
        names=frozenset(refs),
        refs=tuple(refs),
    )
