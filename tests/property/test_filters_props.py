"""Properties of Lambda event filtering (rule D.8) against a trivially correct reference model."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from streamsim._lambda._filters import RecordFilter, compile_filter_criteria

KEYS = ("a", "b", "c", "d")

# JSON scalars, drawn from small pools so that records and patterns often share values.
strings = st.sampled_from(["", "x", "X", "xy", "1", "true", "null", "INSERT"])
numbers = st.one_of(
    st.integers(min_value=-3, max_value=3),
    st.sampled_from([0.0, 1.0, 1.5, -2.5, 300.0, 1e16]),
)
scalars = st.one_of(strings, numbers, st.booleans(), st.none())
records = st.dictionaries(st.sampled_from(KEYS), scalars)
exact_patterns = st.dictionaries(
    st.sampled_from(KEYS), st.lists(scalars, min_size=1, max_size=4), min_size=1
)


def compile_all(*patterns: dict[str, Any]) -> RecordFilter:
    """Compile patterns given as Python data into one filter."""
    compiled = compile_filter_criteria({"Filters": [{"Pattern": json.dumps(p)} for p in patterns]})
    assert compiled is not None
    return compiled


def same_json(left: Any, right: Any) -> bool:
    """Reference equality of exact matching: the same JSON text (so 1 != 1.0 != "1" != true)."""
    return json.dumps(left) == json.dumps(right)


def reference_matches(pattern: dict[str, list[Any]], record: dict[str, Any]) -> bool:
    """Reference model of a flat exact-match pattern: every key present and equal to a value."""
    return all(
        key in record and any(same_json(record[key], value) for value in values)
        for key, values in pattern.items()
    )


@given(record=records, pattern=exact_patterns)
def test_exact_match_agrees_with_reference(
    record: dict[str, Any], pattern: dict[str, list[Any]]
) -> None:
    """On flat records, an exact-match pattern matches exactly when the reference model says so."""
    assert compile_all(pattern).matches(record) == reference_matches(pattern, record)


@given(record=records, patterns=st.lists(exact_patterns, min_size=1, max_size=5))
def test_filters_are_ored_like_the_reference(
    record: dict[str, Any], patterns: list[dict[str, list[Any]]]
) -> None:
    """Several filters match exactly when any one of them matches on its own."""
    expected = any(reference_matches(p, record) for p in patterns)
    assert compile_all(*patterns).matches(record) == expected


@given(record=records, pattern=exact_patterns, wrapper=st.sampled_from(["dynamodb", "Keys"]))
def test_nesting_record_and_pattern_together_changes_nothing(
    record: dict[str, Any], pattern: dict[str, list[Any]], wrapper: str
) -> None:
    """Moving both record and pattern one level down under the same key keeps the result."""
    flat = compile_all(pattern).matches(record)
    assert compile_all({wrapper: pattern}).matches({wrapper: record}) == flat


@given(values=st.lists(scalars, max_size=4), pattern_values=st.lists(scalars, min_size=1))
def test_array_field_matches_when_any_element_matches(
    values: list[Any], pattern_values: list[Any]
) -> None:
    """A field holding an array matches when some element equals some pattern value."""
    expected = any(same_json(v, p) for v in values for p in pattern_values)
    assert compile_all({"a": pattern_values}).matches({"a": values}) == expected


anything_but_values = st.one_of(
    st.lists(strings, min_size=1, max_size=4), st.lists(numbers, min_size=1, max_size=4)
)


@given(record=records, key=st.sampled_from(KEYS), values=anything_but_values)
def test_anything_but_is_the_complement_of_exact_match(
    record: dict[str, Any], key: str, values: list[Any]
) -> None:
    """On a present scalar field, anything-but matches exactly when the exact match does not."""
    exact = compile_all({key: values}).matches(record)
    excluded = compile_all({key: [{"anything-but": values}]}).matches(record)
    if key in record:
        assert excluded == (not exact)
    else:
        assert not exact
        assert not excluded


@given(record=records, key=st.sampled_from(KEYS))
def test_exists_true_and_false_partition_flat_records(record: dict[str, Any], key: str) -> None:
    """On flat records exists:true matches the records with the key; exists:false the others."""
    present = compile_all({key: [{"exists": True}]}).matches(record)
    absent = compile_all({key: [{"exists": False}]}).matches(record)
    assert present == (key in record)
    assert absent == (key not in record)
