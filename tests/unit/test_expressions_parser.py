"""Lexing and parsing of DynamoDB expressions: syntax errors and parse-time checks, AWS-worded."""

from __future__ import annotations

import pytest

from streamsim._dynamodb._expressions import (
    RESERVED_WORDS,
    parse_condition,
    parse_key_condition,
    parse_projection,
    parse_update,
)
from streamsim._dynamodb._expressions._ast import (
    And,
    Arith,
    Between,
    Call,
    Compare,
    FunctionCondition,
    In,
    Not,
    Or,
    Path,
    ValueRef,
)
from streamsim._dynamodb._expressions._lexer import tokenize
from streamsim._dynamodb._expressions._parser import MAX_EXPRESSION_BYTES
from streamsim._errors import ValidationException


def message(excinfo: pytest.ExceptionInfo[ValidationException]) -> str:
    """The AWS message carried by a raised ValidationException."""
    return excinfo.value.message


# --- lexer -------------------------------------------------------------------------------------


def test_lexer_names_placeholders_and_operators() -> None:
    """Names, #names, :values, digits and multi-character comparators are single tokens."""
    tokens = [t.text for t in tokenize("a1_b <> #x.y[10] <= :v_2 >= c")]
    assert tokens == ["a1_b", "<>", "#x", ".", "y", "[", "10", "]", "<=", ":v_2", ">=", "c", ""]


def test_lexer_placeholder_may_start_with_digit_or_underscore() -> None:
    """``#1`` and ``:_`` are placeholders; a bare name cannot start with ``_``."""
    assert [t.kind for t in tokenize("#1 :_ _a")][:3] == ["#name", ":value", "error"]


# --- syntax errors -----------------------------------------------------------------------------


def test_syntax_error_names_token_and_near_text() -> None:
    """A syntax error quotes the token and the source from the token before to the one after."""
    with pytest.raises(ValidationException) as excinfo:
        parse_update("SET a = = :v")
    assert message(excinfo) == 'Invalid UpdateExpression: Syntax error; token: "=", near: "= = :v"'


def test_syntax_error_at_end_of_input_is_eof_near_previous_token() -> None:
    """At the end of input the token is <EOF> and ``near`` is the token before (AWS example)."""
    with pytest.raises(ValidationException) as excinfo:
        parse_condition("foo")
    assert (
        message(excinfo) == 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"'
    )


def test_syntax_error_trailing_comma_in_update() -> None:
    """A trailing comma in SET is a syntax error at <EOF> near "," (as AWS answers)."""
    with pytest.raises(ValidationException) as excinfo:
        parse_update("SET #a = :v1, #b = :v2,")
    assert message(excinfo) == 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","'


def test_syntax_error_unclosed_function_call() -> None:
    """An unclosed call ends in a syntax error at <EOF> near the last token."""
    with pytest.raises(ValidationException) as excinfo:
        parse_condition("attribute_not_exists(", kind="ConditionExpression")
    assert message(excinfo).endswith('token: "<EOF>", near: "("')
    with pytest.raises(ValidationException) as excinfo:
        parse_condition("contains (themes, :theme", kind="FilterExpression")
    assert message(excinfo) == (
        'Invalid FilterExpression: Syntax error; token: "<EOF>", near: ":theme"'
    )


def test_syntax_error_near_is_source_text_not_tokens() -> None:
    """``near`` quotes the source as written: ``SET _123`` stays one word (AWS example)."""
    with pytest.raises(ValidationException) as excinfo:
        parse_update("SET _123 = :val1")
    assert (
        message(excinfo) == 'Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123"'
    )


def test_syntax_error_bare_condition_operand() -> None:
    """A bare attribute is not a condition: ``NOT #a`` fails at <EOF>."""
    with pytest.raises(ValidationException) as excinfo:
        parse_condition("attribute_exists(car_id) AND NOT #has_air_conditioner")
    assert message(excinfo).endswith('token: "<EOF>", near: "#has_air_conditioner"')


def test_syntax_error_kind_names_the_expression() -> None:
    """Each kind of expression names itself in its syntax errors."""
    for parse, kind in (
        (lambda e: parse_condition(e, kind="FilterExpression"), "FilterExpression"),
        (parse_key_condition, "KeyConditionExpression"),
        (parse_projection, "ProjectionExpression"),
        (parse_update, "UpdateExpression"),
    ):
        with pytest.raises(ValidationException, match=f"Invalid {kind}: Syntax error"):
            parse("a ,, b")


def test_empty_expression_is_rejected() -> None:
    """An empty expression: 'Invalid UpdateExpression: The expression can not be empty;'."""
    with pytest.raises(ValidationException) as excinfo:
        parse_update("")
    assert message(excinfo) == "Invalid UpdateExpression: The expression can not be empty;"
    with pytest.raises(ValidationException, match="ConditionExpression: The expression can not"):
        parse_condition("")


def test_expression_over_4096_bytes_is_rejected() -> None:
    """An expression of 4097 UTF-8 bytes is rejected before parsing; 4096 is accepted."""
    for parse, kind, make in (
        (parse_condition, "ConditionExpression", lambda pad: f"{pad} = :v"),
        (parse_key_condition, "KeyConditionExpression", lambda pad: f"{pad} = :v"),
        (parse_projection, "ProjectionExpression", lambda pad: pad),
        (parse_update, "UpdateExpression", lambda pad: f"SET {pad} = :v"),
    ):
        overhead = len(make(""))
        fits = make("a" * (MAX_EXPRESSION_BYTES - overhead))
        assert len(fits.encode()) == MAX_EXPRESSION_BYTES
        parse(fits)
        with pytest.raises(ValidationException) as excinfo:
            parse(fits + " ")
        assert message(excinfo) == (
            f"Invalid {kind}: Expression size has exceeded the maximum allowed size; "
            "expression size: 4097"
        )


def test_expression_size_counts_utf8_bytes() -> None:
    """The 4 KB limit counts UTF-8 bytes: 1,400 three-byte characters are over it."""
    with pytest.raises(ValidationException, match="expression size: 4200"):
        parse_projection("\u20ac" * 1400)  # 4,200 bytes in 1,400 characters
    with pytest.raises(ValidationException, match="Syntax error"):  # 4,095 bytes: parsed
        parse_projection("\u20ac" * 1365)


def test_list_index_must_be_a_literal_number() -> None:
    """``a[:i]`` and ``a[#i]`` are syntax errors: indexes are digits only."""
    for expr in ("SET a[:xyz] = :v", "SET a[#xyz] = :v", "SET a[-1] = :v"):
        with pytest.raises(ValidationException, match="Syntax error"):
            parse_update(expr)


def test_value_placeholder_cannot_be_assigned() -> None:
    """``SET :a = :b`` is a syntax error: the left of SET is a path."""
    with pytest.raises(ValidationException, match='token: ":a"'):
        parse_update("SET :a = :b")


def test_plus_takes_exactly_two_operands() -> None:
    """``:a + :b + :c`` is a syntax error at the second ``+``."""
    with pytest.raises(ValidationException, match=r'token: "\+"'):
        parse_update("SET b = :a + :b + :c")


def test_plus_inside_function_argument_is_a_syntax_error() -> None:
    """``if_not_exists(c, :a + :b)`` is a syntax error; ``f(x) + :y`` is fine."""
    with pytest.raises(ValidationException, match="Syntax error"):
        parse_update("SET c = if_not_exists(c, :a+:b)")
    update = parse_update("SET b = if_not_exists(b, :a)+:b")
    assert isinstance(update.set_actions[0].value, Arith)


def test_unknown_clause_is_a_syntax_error() -> None:
    """An update must start with SET, REMOVE, ADD or DELETE."""
    with pytest.raises(ValidationException, match='token: "HELLO"'):
        parse_update("HELLO b = :v")


# --- structure ---------------------------------------------------------------------------------


def test_precedence_not_binds_tighter_than_and_than_or() -> None:
    """NOT > AND > OR: ``NOT a = :x AND b = :y OR c = :z`` is ``((NOT a) AND b) OR c``."""
    root = parse_condition("NOT a = :x AND b = :y OR c = :z").root
    assert isinstance(root, Or)
    first = root.parts[0]
    assert isinstance(first, And)
    assert isinstance(first.parts[0], Not)


def test_parentheses_override_precedence() -> None:
    """``a = :x AND (b = :y OR c = :z)`` keeps the OR inside the AND."""
    root = parse_condition("a = :x AND (b = :y OR c = :z)").root
    assert isinstance(root, And)
    assert isinstance(root.parts[1], Or)


def test_keywords_are_case_insensitive() -> None:
    """Keywords (AND, BETWEEN, IN, SET, ...) may be written in any case."""
    root = parse_condition("a between :x and :y oR b in (:x) AnD NoT c = :y").root
    assert isinstance(root, Or)
    assert isinstance(root.parts[0], Between)
    update = parse_update("sEt a = :v remove b")
    assert len(update.set_actions) == 1
    assert update.remove_actions == (Path(("b",)),)


def test_whitespace_is_insignificant() -> None:
    """Spaces, tabs and newlines only separate tokens, even inside paths."""
    update = parse_update("  set\tb=:val1 ,\nc . d [ 1 ] = :val1 ")
    assert [a.path for a in update.set_actions] == [Path(("b",)), Path(("c", "d", 1))]


def test_paths_nested_with_names_and_indexes() -> None:
    """``a.b[2].#c`` parses to its elements with the placeholder kept."""
    cond = parse_condition("a.b[2].#c = :v")
    assert cond.root == Compare("=", Path(("a", "b", 2, "#c")), ValueRef(":v"))
    assert cond.names == frozenset({"#c"})
    assert cond.values == frozenset({":v"})


def test_parenthesised_operand_and_function_operand() -> None:
    """``(a) = :v`` and ``size(a) > :n`` compare operands; ``IN`` takes a list."""
    assert parse_condition("(a) = :v").root == Compare("=", Path(("a",)), ValueRef(":v"))
    root = parse_condition("size(a) > :n").root
    assert root == Compare(">", Call("size", (Path(("a",)),)), ValueRef(":n"))
    root = parse_condition("a IN (:x, :y, b)").root
    assert isinstance(root, In)
    assert len(root.options) == 3


def test_function_as_condition() -> None:
    """A boolean function is a condition on its own."""
    root = parse_condition("begins_with(#n, :p)").root
    assert root == FunctionCondition(Call("begins_with", (Path(("#n",)), ValueRef(":p"))))


def test_update_clauses_in_any_order() -> None:
    """Clauses can come in any order, without commas between them."""
    update = parse_update("REMOVE a SET b = :v ADD c :n DELETE d :s")
    assert update.remove_actions == (Path(("a",)),)
    assert [p.elements for p in update.written] == [("a",), ("b",), ("c",), ("d",)]


def test_parse_is_cached_by_expression_string() -> None:
    """Parsing the same string twice returns the same object."""
    assert parse_update("SET cached = :v") is parse_update("SET cached = :v")
    assert parse_condition("cached = :v") is parse_condition("cached = :v")


# --- parse-time checks -------------------------------------------------------------------------


def test_reserved_word_as_bare_name_is_rejected() -> None:
    """A reserved word as a bare name: '... is a reserved keyword; reserved keyword: status'."""
    with pytest.raises(ValidationException) as excinfo:
        parse_update("SET status = :v")
    assert message(excinfo) == (
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"
    )
    with pytest.raises(ValidationException, match=r"reserved keyword: Comment$"):
        parse_projection("a, b.Comment")
    with pytest.raises(ValidationException, match=r"reserved keyword: size$"):
        parse_condition("size = :v")


def test_reserved_word_usable_through_placeholder_and_as_function() -> None:
    """``#status`` is fine, and ``size(...)`` is a function, not a name."""
    assert parse_update("SET #status = :v").names == frozenset({"#status"})
    parse_condition("size(a) > :n")


def test_reserved_words_are_the_published_list() -> None:
    """The reserved list is DynamoDB's published one (573 words, a few spot checks)."""
    assert len(RESERVED_WORDS) == 573
    assert {"ABORT", "STATUS", "NAME", "TTL", "ZONE", "FLATTERN", "INNTER"} <= RESERVED_WORDS
    assert "ID" not in RESERVED_WORDS


def test_condition_keyword_cannot_be_a_path() -> None:
    """In a condition ``AND`` cannot name an attribute: it is a syntax error."""
    with pytest.raises(ValidationException, match="Syntax error"):
        parse_condition("and = :v")


def test_update_section_used_twice() -> None:
    """'The "SET" section can only be used once in an update expression;'."""
    with pytest.raises(ValidationException) as excinfo:
        parse_update("SET a = :v1 REMOVE c SET b = :v2")
    assert message(excinfo) == (
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'
    )


def test_unknown_function_name() -> None:
    """'Invalid ConditionExpression: Invalid function name; function: foo'."""
    with pytest.raises(ValidationException) as excinfo:
        parse_condition("foo(a)")
    assert message(excinfo) == "Invalid ConditionExpression: Invalid function name; function: foo"
    with pytest.raises(ValidationException, match="Invalid function name; function: f123_hi"):
        parse_update("SET a = f123_hi(b, c, d)")


def test_function_names_are_case_sensitive() -> None:
    """``LIST_APPEND`` and ``Attribute_Exists`` are unknown functions (names are case-sensitive)."""
    with pytest.raises(ValidationException, match="function: LIST_APPEND"):
        parse_update("SET a = LIST_APPEND(:a, :b)")
    with pytest.raises(ValidationException, match="function: Attribute_Exists"):
        parse_condition("Attribute_Exists(a)")


def test_condition_function_not_allowed_in_update() -> None:
    """``size`` is a condition function, unknown in an UpdateExpression."""
    with pytest.raises(ValidationException, match="Invalid function name; function: size"):
        parse_update("SET a = size(b)")


def test_misused_function_in_comparison() -> None:
    """A boolean function cannot be compared; ``size`` cannot stand as a condition."""
    with pytest.raises(ValidationException) as excinfo:
        parse_condition("attribute_exists(a) = :v")
    assert message(excinfo) == (
        "Invalid ConditionExpression: The function is not allowed to be used this way in an "
        "expression; function: attribute_exists"
    )
    with pytest.raises(ValidationException, match="used this way in an expression; function: size"):
        parse_condition("size(a)")


def test_redundant_parentheses() -> None:
    """Doubled parentheses: 'The expression has redundant parentheses;'."""
    with pytest.raises(ValidationException) as excinfo:
        parse_condition("((a = :v))")
    assert (
        message(excinfo) == "Invalid ConditionExpression: The expression has redundant parentheses;"
    )
    with pytest.raises(ValidationException, match="redundant parentheses"):
        parse_condition("((a)) = :v")
    parse_condition("((a = :v) AND (b = :v))")
