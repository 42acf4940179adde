"""Explicit nesting limits, checked before parsing (issue 12, "Deep but accepted inputs fail
later depending on the caller's stack depth").

Condition, filter, key-condition and update expressions may nest parentheses, function calls and
``NOT`` at most ``MAX_NESTING`` levels; filter patterns at most ``MAX_PATTERN_DEPTH`` levels.
Every accepted input then parses and evaluates with bounded recursion, also when the call is
made hundreds of frames deep.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamsim import Simulation, ValidationException
from streamsim._dynamodb._expressions._lexer import MAX_NESTING, nesting, tokenize
from streamsim._errors import ConditionalCheckFailedException, InvalidParameterValueException
from streamsim._lambda._filter_patterns import MAX_PATTERN_DEPTH
from tests.lambda_support import Recorder, attach, put, streamed

#: Frames of caller stack the tests run under (the issue's crash happened at about 400).
DEEP = 500


def at_depth(frames: int, call: Callable[[], Any]) -> Any:
    """Run ``call()`` under ``frames`` extra Python frames."""
    return call() if frames <= 0 else at_depth(frames - 1, call)


def table() -> Any:
    """A table ``tbl`` holding ``{"pk": "x", "a": 1}``."""
    sim = Simulation(seed=1)
    tbl = sim.create_table("tbl", hash_key="pk")
    tbl.put_item(Item={"pk": "x", "a": 1})
    return tbl


def test_a_290_deep_not_condition_is_rejected_before_anything_changes() -> None:
    """A condition nested deeper than MAX_NESTING is a ValidationException; nothing is written.

    (290 NOTs stay under the 300 operators of rule H.36, which a deeper run would break first.)
    """
    tbl = table()
    expression = "NOT " * 290 + "attribute_exists(pk)"
    for frames in (0, 100, DEEP):
        with pytest.raises(ValidationException, match="nested too deeply; nesting: 291"):
            at_depth(
                frames,
                lambda: tbl.put_item(Item={"pk": "y"}, ConditionExpression=expression),
            )
    assert tbl.get_item(Key={"pk": "y"}).get("Item") is None


def test_every_expression_kind_has_the_nesting_limit() -> None:
    """Filter, key-condition and update expressions are refused past MAX_NESTING too."""
    tbl = table()
    deep = "(" * (MAX_NESTING + 1) + "a = :v" + ")" * (MAX_NESTING + 1)
    with pytest.raises(ValidationException, match="Invalid FilterExpression: The expression is"):
        tbl.scan(FilterExpression=deep, ExpressionAttributeValues={":v": 1})
    with pytest.raises(ValidationException, match="Invalid KeyConditionExpression: The expr"):
        tbl.query(
            KeyConditionExpression=deep.replace("a =", "pk ="),
            ExpressionAttributeValues={":v": "x"},
        )
    update = "SET a = " + "list_append(" * (MAX_NESTING + 1) + ":v" + ", :v)" * (MAX_NESTING + 1)
    with pytest.raises(ValidationException, match="Invalid UpdateExpression: The expression is"):
        tbl.update_item(
            Key={"pk": "x"}, UpdateExpression=update, ExpressionAttributeValues={":v": []}
        )
    assert tbl.get_item(Key={"pk": "x"})["Item"] == {"pk": "x", "a": 1}


SHAPES = {
    "not": "NOT " * (MAX_NESTING - 1) + "attribute_exists(pk)",
    "not-groups": "NOT (" * (MAX_NESTING // 2) + "a = :v" + ")" * (MAX_NESTING // 2),
    "and-groups": "(a = :v AND " * (MAX_NESTING - 1) + "(a = :v)" + ")" * (MAX_NESTING - 1),
    "or-groups": "(a = :v OR " * (MAX_NESTING - 1) + "a = :v" + ")" * (MAX_NESTING - 1),
}


@pytest.mark.parametrize("expression", SHAPES.values(), ids=SHAPES.keys())
def test_deepest_accepted_condition_parses_and_evaluates_at_a_deep_caller_stack(
    expression: str,
) -> None:
    """A condition at the nesting limit parses and evaluates DEEP frames down, fresh or cached."""
    assert nesting(tokenize(expression)) <= MAX_NESTING
    tbl = table()
    values = {"ExpressionAttributeValues": {":v": 1}} if ":v" in expression else {}
    for frames in (0, DEEP, DEEP + 100):
        fresh = expression + " " * frames  # a new string: parsed again, not from the cache
        for text in (fresh, expression):
            with contextlib.suppress(ConditionalCheckFailedException):
                at_depth(
                    frames,
                    lambda text=text: tbl.put_item(
                        Item={"pk": "x", "a": 1},
                        ConditionExpression=text,
                        **values,
                    ),
                )


SHARED_TABLE = table()


@given(st.lists(st.sampled_from(["NOT ", "(", "size("]), max_size=MAX_NESTING + 20))
def test_nesting_limit_decides_acceptance_at_any_depth(prefix: list[str]) -> None:
    """Acceptance depends on the nesting only: the same answer at 0 and DEEP frames."""
    closing = "".join(")" for part in prefix if part != "NOT ")
    tbl = SHARED_TABLE  # only scanned: examples cannot affect each other
    expression = "".join(prefix) + "a" + closing + " = :v"
    outcomes = []
    for frames in (0, DEEP):
        try:
            at_depth(
                frames,
                lambda: tbl.scan(FilterExpression=expression, ExpressionAttributeValues={":v": 1}),
            )
            outcomes.append("ok")
        except ValidationException as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
    if nesting(tokenize(expression)) > MAX_NESTING:
        assert "nested too deeply" in outcomes[0]


def test_a_deep_filter_pattern_is_rejected_when_the_mapping_is_created() -> None:
    """A 650-deep filter pattern is refused by CreateEventSourceMapping, nothing is created."""
    sim, _ = streamed()
    pattern = '{"a":' * 649 + '{"b":["x"]}' + "}" * 649
    with pytest.raises(InvalidParameterValueException, match="nested 651 levels deep"):
        attach(sim, Recorder(sim), FilterCriteria={"Filters": [{"Pattern": pattern}]})
    assert sim.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []


def test_the_deepest_accepted_filter_pattern_is_matched_by_the_poller_deep_in_the_stack() -> None:
    """A filter pattern at MAX_PATTERN_DEPTH is matched when advance() runs DEEP frames down."""
    sim, tbl = streamed()
    recorder = Recorder(sim)
    levels = MAX_PATTERN_DEPTH - 1
    pattern = '{"a":' * (levels - 1) + '{"b":["x"]}' + "}" * (levels - 1)
    attach(sim, recorder, FilterCriteria={"Filters": [{"Pattern": pattern}]})
    put(tbl, "k")
    at_depth(DEEP, lambda: sim.advance(seconds=1))
    assert recorder.calls == []  # nothing matched, and nothing crashed
    sim._check()
