"""Lambda event filtering (rule D.8): FilterCriteria validation and record matching."""

from __future__ import annotations

import json
from typing import Any

import pytest

from streamsim._errors import InvalidParameterValueException
from streamsim._lambda import _filter_patterns, _filters
from streamsim._lambda._filters import RecordFilter, compile_filter_criteria

# The Lambda event record from the AWS documentation (rule D.10), NEW_AND_OLD_IMAGES MODIFY.
DOC_RECORD: dict[str, Any] = {
    "eventID": "c4ca4238a0b923820dcc509a6f75849b",
    "eventName": "MODIFY",
    "eventVersion": "1.1",
    "eventSource": "aws:dynamodb",
    "awsRegion": "us-east-1",
    "dynamodb": {
        "ApproximateCreationDateTime": 1479499740,
        "Keys": {"Id": {"N": "101"}},
        "NewImage": {
            "Message": {"S": "This item has changed"},
            "Id": {"N": "101"},
            "Tags": {"SS": ["blue", "green"]},
            "Parts": {"L": [{"M": {"name": {"S": "bolt"}}}, {"M": {"name": {"S": "nut"}}}]},
        },
        "OldImage": {"Message": {"S": "New item!"}, "Id": {"N": "101"}},
        "SequenceNumber": "222",
        "SizeBytes": 59,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    },
    "eventSourceARN": (
        "arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTable/stream/2015-06-27T00:48:05.899"
    ),
}

# A TTL deletion as Lambda delivers it: REMOVE by the DynamoDB service principal (rule B.4).
TTL_RECORD: dict[str, Any] = {
    **DOC_RECORD,
    "eventName": "REMOVE",
    "dynamodb": {
        "Keys": {"Id": {"N": "7"}},
        "OldImage": {"Id": {"N": "7"}},
        "SequenceNumber": "333",
        "SizeBytes": 12,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    },
    "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
}


def compile_patterns(*patterns: Any) -> RecordFilter:
    """Compile filters given as Python data (each dumped to a Pattern string)."""
    criteria = {"Filters": [{"Pattern": json.dumps(p)} for p in patterns]}
    compiled = compile_filter_criteria(criteria)
    assert compiled is not None
    return compiled


def matches(pattern: Any, record: dict[str, Any]) -> bool:
    """Whether a single pattern (Python data) matches a record."""
    return compile_patterns(pattern).matches(record)


def raw_matches(pattern_text: str, record: dict[str, Any]) -> bool:
    """Whether a single pattern given as raw JSON text matches a record."""
    compiled = compile_filter_criteria({"Filters": [{"Pattern": pattern_text}]})
    assert compiled is not None
    return compiled.matches(record)


def invalid(pattern_text: Any) -> str:
    """Compile one raw Pattern that must be rejected; return the error message."""
    with pytest.raises(InvalidParameterValueException) as info:
        compile_filter_criteria({"Filters": [{"Pattern": pattern_text}]})
    assert info.value.response["Error"]["Code"] == "InvalidParameterValueException"
    notes = getattr(info.value, "__notes__", [])
    return " ".join([info.value.message, *notes])


@pytest.mark.parametrize("text", ["single-string", '[{"eventName": ["INSERT"=123}]', "[]", "{}"])
def test_rule_d8_invalid_pattern_message_is_aws_exact_text(text: str) -> None:
    """Rule D.8: a malformed pattern's message is exactly AWS's; streamsim's detail is a note."""
    with pytest.raises(InvalidParameterValueException) as info:
        compile_filter_criteria({"Filters": [{"Pattern": text}]})
    assert info.value.response["Error"]["Message"] == "Invalid filter pattern definition."
    assert info.value.__notes__[0].startswith("streamsim: ")


# --- no filtering ------------------------------------------------------------------------------


def test_none_criteria_means_no_filter() -> None:
    """compile_filter_criteria(None) returns None: every record passes."""
    assert compile_filter_criteria(None) is None


def test_empty_criteria_means_no_filter() -> None:
    """{} and {"Filters": []} (how UpdateEventSourceMapping clears filters) compile to None."""
    assert compile_filter_criteria({}) is None
    assert compile_filter_criteria({"Filters": []}) is None
    assert compile_filter_criteria({"Filters": None}) is None


# --- exact values --------------------------------------------------------------------------------


def test_exact_string_matches_equal_string() -> None:
    """["INSERT"] matches eventName INSERT and nothing else."""
    assert matches({"eventName": ["MODIFY"]}, DOC_RECORD)
    assert not matches({"eventName": ["INSERT"]}, DOC_RECORD)


def test_exact_match_is_case_sensitive() -> None:
    """Strings match character by character, with no case folding."""
    assert not matches({"eventName": ["modify"]}, DOC_RECORD)


def test_exact_string_does_not_match_number() -> None:
    """The string "59" does not match the number 59, nor the number 59 the string "59"."""
    assert not matches({"dynamodb": {"SizeBytes": ["59"]}}, DOC_RECORD)
    assert matches({"dynamodb": {"SizeBytes": [59]}}, DOC_RECORD)
    assert not matches({"dynamodb": {"SequenceNumber": [222]}}, DOC_RECORD)


def test_exact_number_compares_json_text() -> None:
    """Numbers match by JSON text: 300, 300.0 and 3.0e2 are all different values."""
    assert raw_matches('{"n": [300]}', {"n": 300})
    assert not raw_matches('{"n": [300.0]}', {"n": 300})
    assert not raw_matches('{"n": [300]}', {"n": 300.0})
    assert raw_matches('{"n": [300.0]}', {"n": 300.0})
    assert not raw_matches('{"n": [3.0e2]}', {"n": 300.0})


def test_exact_boolean_matches_boolean_only() -> None:
    """[true] matches JSON true, not the string "true" nor the number 1."""
    assert matches({"f": [True]}, {"f": True})
    assert not matches({"f": [True]}, {"f": "true"})
    assert not matches({"f": [True]}, {"f": 1})
    assert not matches({"f": [1]}, {"f": True})
    assert matches({"f": [False]}, {"f": False})


def test_null_matches_json_null_only() -> None:
    """[null] matches a null field; not an empty string, and not a missing field."""
    assert matches({"f": [None]}, {"f": None})
    assert not matches({"f": [None]}, {"f": ""})
    assert not matches({"f": [None]}, {})


def test_empty_string_matches_empty_string_only() -> None:
    """[""] matches the empty string; not null, and not a missing field."""
    assert matches({"f": [""]}, {"f": ""})
    assert not matches({"f": [""]}, {"f": None})
    assert not matches({"f": [""]}, {})


def test_missing_field_does_not_match_exact_value() -> None:
    """A pattern field absent from the record fails the whole pattern."""
    assert not matches({"nope": ["x"]}, DOC_RECORD)


# --- combining ---------------------------------------------------------------------------------


def test_list_of_values_is_or() -> None:
    """["INSERT", "MODIFY"] matches either event name."""
    assert matches({"eventName": ["INSERT", "MODIFY"]}, DOC_RECORD)
    assert not matches({"eventName": ["INSERT", "REMOVE"]}, DOC_RECORD)


def test_keys_in_a_pattern_are_anded() -> None:
    """Every field named in a pattern must match."""
    assert matches({"eventName": ["MODIFY"], "awsRegion": ["us-east-1"]}, DOC_RECORD)
    assert not matches({"eventName": ["MODIFY"], "awsRegion": ["eu-west-1"]}, DOC_RECORD)


def test_nested_objects_recurse() -> None:
    """A nested object pattern descends into the record; all nested fields must match."""
    pattern = {"dynamodb": {"StreamViewType": ["NEW_AND_OLD_IMAGES"], "SizeBytes": [59]}}
    assert matches(pattern, DOC_RECORD)
    assert not matches({"dynamodb": {"StreamViewType": ["KEYS_ONLY"]}}, DOC_RECORD)


def test_object_pattern_against_scalar_field_does_not_match() -> None:
    """A nested pattern whose record field is a scalar (or missing) does not match."""
    assert not matches({"eventName": {"x": ["MODIFY"]}}, DOC_RECORD)
    assert not matches({"nope": {"x": ["y"]}}, DOC_RECORD)


def test_filters_are_ored() -> None:
    """A record passes when any one of the filters matches."""
    compiled = compile_patterns({"eventName": ["INSERT"]}, {"eventName": ["MODIFY"]})
    assert compiled.matches(DOC_RECORD)
    assert not compiled.matches({**DOC_RECORD, "eventName": "REMOVE"})


def test_duplicate_keys_last_one_wins() -> None:
    """With a key repeated in a pattern, the last occurrence is used (rule D.8)."""
    assert raw_matches('{"eventName": ["INSERT"], "eventName": ["MODIFY"]}', DOC_RECORD)
    assert not raw_matches('{"eventName": ["MODIFY"], "eventName": ["INSERT"]}', DOC_RECORD)


# --- the documented AWS examples ---------------------------------------------------------------


def test_dynamodb_json_key_example() -> None:
    """The Lambda guide's {"dynamodb":{"Keys":{"Id":{"N":["101"]}}}} matches the Id 101 record."""
    pattern = {"dynamodb": {"Keys": {"Id": {"N": ["101"]}}}}
    assert matches(pattern, DOC_RECORD)
    assert not matches(pattern, TTL_RECORD)


def test_ttl_archiving_example() -> None:
    """The DynamoDB TTL archiving filter matches service-principal deletions only (rule B.4)."""
    pattern = {"userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}}
    assert matches(pattern, TTL_RECORD)
    assert not matches(pattern, DOC_RECORD)
    user_delete = {**TTL_RECORD, "userIdentity": {"type": "Service", "principalId": "someone"}}
    assert not matches(pattern, user_delete)


def test_new_image_attribute_filter() -> None:
    """Filtering on a NewImage attribute value uses DynamoDB JSON: {"S": [...]}."""
    pattern = {"dynamodb": {"NewImage": {"Message": {"S": ["This item has changed"]}}}}
    assert matches(pattern, DOC_RECORD)
    assert not matches(pattern, TTL_RECORD)


# --- anything-but ------------------------------------------------------------------------------


def test_anything_but_list_excludes_listed_values() -> None:
    """{"anything-but": [...]} matches any present value not in the list."""
    assert matches({"eventName": [{"anything-but": ["INSERT", "REMOVE"]}]}, DOC_RECORD)
    assert not matches({"eventName": [{"anything-but": ["MODIFY", "REMOVE"]}]}, DOC_RECORD)


def test_anything_but_single_string() -> None:
    """{"anything-but": "x"} works with a single string."""
    assert matches({"eventName": [{"anything-but": "INSERT"}]}, DOC_RECORD)
    assert not matches({"eventName": [{"anything-but": "MODIFY"}]}, DOC_RECORD)


def test_anything_but_single_number() -> None:
    """{"anything-but": 59} works with a single number, compared by JSON text."""
    assert not matches({"dynamodb": {"SizeBytes": [{"anything-but": 59}]}}, DOC_RECORD)
    assert matches({"dynamodb": {"SizeBytes": [{"anything-but": [1, 2]}]}}, DOC_RECORD)
    assert raw_matches('{"n": [{"anything-but": 59.0}]}', {"n": 59})


def test_anything_but_needs_the_field() -> None:
    """anything-but does not match a record that lacks the field."""
    assert not matches({"nope": [{"anything-but": ["x"]}]}, DOC_RECORD)


def test_anything_but_matches_other_types() -> None:
    """anything-but of strings matches a number or null (they are not in the list)."""
    assert matches({"f": [{"anything-but": ["x"]}]}, {"f": 5})
    assert matches({"f": [{"anything-but": ["x"]}]}, {"f": None})


# --- numeric -----------------------------------------------------------------------------------


def test_numeric_equals() -> None:
    """{"numeric": ["=", x]} compares numerically, so 300 equals 300.0."""
    assert matches({"n": [{"numeric": ["=", 300]}]}, {"n": 300.0})
    assert matches({"n": [{"numeric": ["=", 300]}]}, {"n": 300})
    assert not matches({"n": [{"numeric": ["=", 300]}]}, {"n": 301})


def test_numeric_range_bounds() -> None:
    """[">", 0, "<=", 5] excludes 0, includes 5, excludes 5.5."""
    pattern = {"n": [{"numeric": [">", 0, "<=", 5]}]}
    assert not matches(pattern, {"n": 0})
    assert matches(pattern, {"n": 0.5})
    assert matches(pattern, {"n": 5})
    assert not matches(pattern, {"n": 5.5})


def test_numeric_closed_and_open_single_bounds() -> None:
    """[">=", x], ["<", y] and ["<=", y] each bound one side only."""
    assert matches({"n": [{"numeric": [">=", 10]}]}, {"n": 10})
    assert not matches({"n": [{"numeric": [">", 10]}]}, {"n": 10})
    assert matches({"n": [{"numeric": ["<", 10]}]}, {"n": -1e9})
    assert not matches({"n": [{"numeric": ["<", 10]}]}, {"n": 10})
    assert matches({"n": [{"numeric": ["<=", 10]}]}, {"n": 10})
    assert matches({"n": [{"numeric": [">=", 0, "<", 1]}]}, {"n": 0})


def test_numeric_matches_top_level_record_numbers() -> None:
    """numeric works on JSON numbers of the record, e.g. dynamodb.SizeBytes."""
    assert matches({"dynamodb": {"SizeBytes": [{"numeric": [">", 50]}]}}, DOC_RECORD)


def test_numeric_never_matches_strings_or_booleans() -> None:
    """numeric only matches JSON numbers: not "5", not true."""
    assert not matches({"n": [{"numeric": [">", 0]}]}, {"n": "5"})
    assert not matches({"n": [{"numeric": [">", 0]}]}, {"n": True})


def test_numeric_on_dynamodb_n_does_not_match_by_default() -> None:
    """UNCONFIRMED (rule F.13): N values are strings, so numeric on {"N": ...} does not match."""
    assert not hasattr(_filters, "NUMERIC_MATCHES_N_STRINGS")  # a setting, not a module global
    assert not matches({"dynamodb": {"Keys": {"Id": {"N": [{"numeric": [">", 100]}]}}}}, DOC_RECORD)


def test_numeric_on_dynamodb_n_can_be_switched_on() -> None:
    """numeric_on_n_strings=True makes numeric parse N/NS strings (and only those)."""

    def on(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
        text = json.dumps(pattern)
        compiled = compile_filter_criteria(
            {"Filters": [{"Pattern": text}]}, numeric_on_n_strings=True
        )
        assert compiled is not None
        return compiled.matches(record)

    assert on({"dynamodb": {"Keys": {"Id": {"N": [{"numeric": [">", 100]}]}}}}, DOC_RECORD)
    assert not on({"dynamodb": {"Keys": {"Id": {"N": [{"numeric": [">", 101]}]}}}}, DOC_RECORD)
    assert on({"a": {"NS": [{"numeric": ["=", 2]}]}}, {"a": {"NS": ["1", "2"]}})
    assert not on({"dynamodb": {"SequenceNumber": [{"numeric": [">", 1]}]}}, DOC_RECORD)


def test_numeric_on_n_strings_per_call() -> None:
    """numeric_on_n_strings=True on one call compiles N strings as numbers (default False)."""
    criteria = {"Filters": [{"Pattern": '{"k": {"N": [{"numeric": ["=", 1.5]}]}}'}]}
    compiled = compile_filter_criteria(criteria, numeric_on_n_strings=True)
    assert compiled is not None
    assert compiled.matches({"k": {"N": "1.50"}})
    assert not compiled.matches({"k": {"N": "not a number"}})


# --- exists ------------------------------------------------------------------------------------


def test_exists_true_matches_present_field() -> None:
    """{"exists": true} matches when the field is present, whatever its value."""
    assert matches({"dynamodb": {"OldImage": {"Message": {"S": [{"exists": True}]}}}}, DOC_RECORD)
    assert not matches({"dynamodb": {"OldImage": {"Nope": {"S": [{"exists": True}]}}}}, DOC_RECORD)


def test_exists_on_dynamodb_attribute_needs_the_type_key() -> None:
    """An attribute value {"S": ...} is an object, not a leaf: exists:true on it never matches.

    The Lambda DynamoDB filtering guide's "Using the Exists operator" gotcha: write
    {"Message": {"S": [{"exists": true}]}}, not {"Message": [{"exists": true}]}.
    """
    assert not matches({"dynamodb": {"OldImage": {"Message": [{"exists": True}]}}}, DOC_RECORD)
    assert matches({"dynamodb": {"OldImage": {"Message": [{"exists": False}]}}}, DOC_RECORD)


def test_exists_true_matches_null_value() -> None:
    """A field holding JSON null exists (null is a value; EventBridge / event-ruler)."""
    assert matches({"f": [{"exists": True}]}, {"f": None})


def test_exists_false_matches_absent_field() -> None:
    """{"exists": false} matches when the field is absent, e.g. INSERTs have no OldImage."""
    insert = {**DOC_RECORD, "eventName": "INSERT", "dynamodb": {"Keys": {"Id": {"N": "1"}}}}
    pattern = {"dynamodb": {"OldImage": {"Id": {"N": [{"exists": False}]}}}}
    assert matches(pattern, insert)
    assert not matches(pattern, DOC_RECORD)


def test_exists_false_matches_missing_parent() -> None:
    """exists:false holds when a parent object along the path is missing too."""
    assert matches({"a": {"b": {"c": [{"exists": False}]}}}, {"x": 1})


def test_exists_looks_at_leaves_only() -> None:
    """An object is not a leaf: exists:true fails on it and exists:false matches (event-ruler)."""
    assert not matches({"dynamodb": {"Keys": [{"exists": True}]}}, DOC_RECORD)
    assert matches({"dynamodb": {"Keys": [{"exists": False}]}}, DOC_RECORD)


def test_exists_on_arrays() -> None:
    """An array of scalars exists; an empty array holds no leaf, so it does not."""
    assert matches({"f": [{"exists": True}]}, {"f": ["a"]})
    assert not matches({"f": [{"exists": True}]}, {"f": []})
    assert matches({"f": [{"exists": False}]}, {"f": []})


def test_exists_false_looks_through_arrays() -> None:
    """exists:false fails if any array element holds the field (event-ruler flattening)."""
    record = {"a": [{"b": 1}, {"c": 2}]}
    assert not matches({"a": {"b": [{"exists": False}]}}, record)
    assert matches({"a": {"d": [{"exists": False}]}}, record)


def test_exists_or_value() -> None:
    """A value list may mix exists:false with values: absent OR equal."""
    pattern = {"f": [{"exists": False}, "x"]}
    assert matches(pattern, {})
    assert matches(pattern, {"f": "x"})
    assert not matches(pattern, {"f": "y"})


# --- prefix ------------------------------------------------------------------------------------


def test_prefix_matches_string_start() -> None:
    """{"prefix": "..."} matches strings that start with it."""
    assert matches({"eventSourceARN": [{"prefix": "arn:aws:dynamodb:us-east-1:"}]}, DOC_RECORD)
    assert not matches({"eventSourceARN": [{"prefix": "arn:aws:dynamodb:eu-"}]}, DOC_RECORD)


def test_prefix_is_case_sensitive_and_strings_only() -> None:
    """prefix is case-sensitive and never matches numbers."""
    assert not matches({"eventName": [{"prefix": "mod"}]}, DOC_RECORD)
    assert not matches({"n": [{"prefix": "1"}]}, {"n": 12})


# --- arrays in the record ----------------------------------------------------------------------


def test_array_field_matches_if_any_element_matches() -> None:
    """A string-set attribute matches when any member equals a pattern value."""
    assert matches({"dynamodb": {"NewImage": {"Tags": {"SS": ["green"]}}}}, DOC_RECORD)
    assert not matches({"dynamodb": {"NewImage": {"Tags": {"SS": ["red"]}}}}, DOC_RECORD)


def test_array_of_objects_matches_within_one_element() -> None:
    """Under an array of objects, a nested pattern must match one element as a whole."""
    record = {"a": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}
    assert matches({"a": {"x": [3], "y": [4]}}, record)
    assert not matches({"a": {"x": [1], "y": [4]}}, record)


def test_dynamodb_list_of_maps() -> None:
    """A pattern reaches into an L of M attribute values."""
    pattern = {"dynamodb": {"NewImage": {"Parts": {"L": {"M": {"name": {"S": ["nut"]}}}}}}}
    assert matches(pattern, DOC_RECORD)


# --- the compiled object -----------------------------------------------------------------------


def test_patterns_round_trip_the_criteria() -> None:
    """RecordFilter.patterns gives back the criteria as given, as a fresh copy."""
    texts = ['{"eventName": ["INSERT"]}', '{ "a" : [ 1, 2 ] }']
    criteria = {"Filters": [{"Pattern": text} for text in texts]}
    compiled = compile_filter_criteria(criteria)
    assert compiled is not None
    assert compiled.patterns == criteria
    compiled.patterns["Filters"].clear()
    assert compiled.patterns == criteria


def test_equal_criteria_compile_to_equal_filters() -> None:
    """Two filters compiled from the same patterns compare equal."""
    assert compile_patterns({"a": ["x"]}) == compile_patterns({"a": ["x"]})
    assert compile_patterns({"a": ["x"]}) != compile_patterns({"a": ["y"]})


# --- validation --------------------------------------------------------------------------------


def test_at_most_five_filters() -> None:
    """Six filters are rejected (rule D.1: 5 filters by default)."""
    compile_patterns(*({"a": [str(i)]} for i in range(5)))
    with pytest.raises(InvalidParameterValueException, match="at most 5"):
        compile_patterns(*({"a": [str(i)]} for i in range(6)))


def test_pattern_at_most_4096_characters() -> None:
    """A Pattern of 4096 characters is fine; 4097 is rejected."""
    base = '{"a": [""]}'
    padded = base[:-3] + " " * (4096 - len(base)) + base[-3:]
    assert len(padded) == 4096
    assert compile_filter_criteria({"Filters": [{"Pattern": padded}]}) is not None
    assert "4096" in invalid(padded[:-3] + " " + padded[-3:])


def test_pattern_must_be_a_string() -> None:
    """A Pattern that is not a string, or is missing, is rejected."""
    assert "must be a string" in invalid({"a": ["x"]})
    with pytest.raises(InvalidParameterValueException, match="missing"):
        compile_filter_criteria({"Filters": [{}]})


def test_pattern_must_be_valid_json() -> None:
    """Invalid JSON (and NaN, which json.loads would accept) is rejected at compile time."""
    assert "not valid JSON" in invalid('{"a": ["x"]')
    assert "not valid JSON" in invalid("")
    assert "not valid JSON" in invalid('{"a": [NaN]}')


def test_pattern_must_be_an_object() -> None:
    """A JSON array, string or number is not a pattern."""
    assert "JSON object" in invalid('["INSERT"]')
    assert "JSON object" in invalid('"INSERT"')


def test_leaf_values_must_be_arrays() -> None:
    """{"eventName": "INSERT"} is invalid; the message names the field and the fix."""
    message = invalid('{"eventName": "INSERT"}')
    assert "Filters[0]" in message
    assert '"eventName"' in message
    assert '["INSERT"]' in message


def test_error_names_the_bad_filter_and_nested_field() -> None:
    """The message points at the filter index and the dotted path of the bad field."""
    with pytest.raises(InvalidParameterValueException) as info:
        compile_patterns({"eventName": ["INSERT"]}, {"dynamodb": {"Keys": {"Id": {"N": 101}}}})
    (note,) = info.value.__notes__
    assert "Filters[1]" in note
    assert '"dynamodb.Keys.Id.N"' in note


def test_empty_objects_and_arrays_are_invalid() -> None:
    """{} as a pattern, a nested {} and an empty value array are all rejected."""
    assert "empty objects" in invalid("{}")
    assert "empty objects" in invalid('{"dynamodb": {}}')
    assert "empty arrays" in invalid('{"eventName": []}')


def test_nested_arrays_are_invalid() -> None:
    """A match value that is itself an array is rejected."""
    assert "cannot be arrays" in invalid('{"a": [["x"]]}')


def test_unknown_operator_is_invalid() -> None:
    """An operator streamsim does not know is rejected with the list of supported ones."""
    assert "unknown operator" in invalid('{"a": [{"starts-with": "x"}]}')


def test_unconfirmed_eventbridge_operators_are_rejected() -> None:
    """suffix, equals-ignore-case, wildcard, cidr: UNCONFIRMED in Lambda, so rejected clearly."""
    for op in ("suffix", "equals-ignore-case", "wildcard", "cidr"):
        assert "unconfirmed" in invalid(json.dumps({"a": [{op: "x"}]}))


def test_match_expression_has_one_operator() -> None:
    """{"prefix": "a", "exists": true} in one object is rejected."""
    assert "exactly one operator" in invalid('{"a": [{"prefix": "x", "exists": true}]}')
    assert "exactly one operator" in invalid('{"a": [{}]}')


def test_prefix_and_exists_argument_types() -> None:
    """prefix takes a string; exists takes a boolean."""
    assert '"prefix" takes a string' in invalid('{"a": [{"prefix": 1}]}')
    assert '"exists" takes true or false' in invalid('{"a": [{"exists": "true"}]}')


def test_anything_but_argument_forms() -> None:
    """anything-but takes a string, number or non-empty all-string/all-number array."""
    assert "all strings or all numbers" in invalid('{"a": [{"anything-but": ["x", 1]}]}')
    assert "all strings or all numbers" in invalid('{"a": [{"anything-but": [null]}]}')
    assert "non-empty array" in invalid('{"a": [{"anything-but": []}]}')
    assert "non-empty array" in invalid('{"a": [{"anything-but": true}]}')
    assert "nested operator" in invalid('{"a": [{"anything-but": {"prefix": "x"}}]}')


def test_numeric_argument_forms() -> None:
    """numeric takes ["=", n], one bound, or a lower then an upper bound, with numbers."""
    assert "unknown" in invalid('{"a": [{"numeric": ["==", 1]}]}')
    assert "needs a number" in invalid('{"a": [{"numeric": [">", "1"]}]}')
    assert "needs a number" in invalid('{"a": [{"numeric": [">", true]}]}')
    assert "lower bound" in invalid('{"a": [{"numeric": ["<", 5, ">", 1]}]}')
    assert '"<" or "<="' in invalid('{"a": [{"numeric": [">", 1, ">", 5]}]}')
    assert "exactly one number" in invalid('{"a": [{"numeric": ["=", 1, "<", 5]}]}')
    assert "elements" in invalid('{"a": [{"numeric": [">", 1, "<"]}]}')
    assert "array like" in invalid('{"a": [{"numeric": 5}]}')


def test_numeric_range_must_not_be_empty() -> None:
    """[">", 5, "<", 5] is rejected: the lower bound must be below the upper bound."""
    assert "less than" in invalid('{"a": [{"numeric": [">", 5, "<", 5]}]}')


def test_numeric_operands_are_bounded() -> None:
    """numeric operands beyond +-5.0e9 are rejected (event-ruler ComparableNumber)."""
    assert compile_patterns({"a": [{"numeric": ["<=", 5e9]}]})
    assert "5.0e9" in invalid('{"a": [{"numeric": [">", 5000000001]}]}')


def test_criteria_shape_errors() -> None:
    """Unknown members, a non-list Filters, and non-object filters are rejected."""
    for criteria in (
        {"Filters": [], "Extra": 1},
        {"Filters": "x"},
        {"Filters": ["x"]},
        {"Filters": [{"Pattern": '{"a": ["x"]}', "Other": 1}]},
    ):
        with pytest.raises(InvalidParameterValueException):
            compile_filter_criteria(criteria)
    with pytest.raises(InvalidParameterValueException):
        compile_filter_criteria(["x"])  # type: ignore[arg-type]


def test_pattern_nesting_over_the_limit_is_rejected_at_compile_time() -> None:
    """A pattern nested deeper than MAX_PATTERN_DEPTH is refused when the mapping is made."""
    depth = _filter_patterns.MAX_PATTERN_DEPTH  # objects, plus the array of values: one too many
    text = '{"":' * depth + '["x"]' + "}" * depth
    with pytest.raises(InvalidParameterValueException, match="nested 101 levels deep"):
        compile_filter_criteria({"Filters": [{"Pattern": text}]})
    deepest = '{"":' * (_filters.MAX_PATTERN_LENGTH // 4) + "}" * (_filters.MAX_PATTERN_LENGTH // 4)
    with pytest.raises(InvalidParameterValueException, match="levels of objects and arrays"):
        compile_filter_criteria({"Filters": [{"Pattern": deepest[: _filters.MAX_PATTERN_LENGTH]}]})


def test_deepest_accepted_pattern_matches_at_a_deep_caller_stack() -> None:
    """A pattern at the nesting limit compiles and matches 600 frames deep, without
    RecursionError."""
    depth = _filter_patterns.MAX_PATTERN_DEPTH - 1
    text = '{"":' * depth + '["x"]' + "}" * depth
    record: Any = "x"
    for _ in range(depth):
        record = {"": [record]}
    compiled = at_depth(600, lambda: compile_filter_criteria({"Filters": [{"Pattern": text}]}))
    assert compiled is not None
    assert at_depth(600, lambda: compiled.matches(record))
    assert not at_depth(600, lambda: compiled.matches({"": {"": "x"}}))


def at_depth(frames: int, call: Any) -> Any:
    """Run ``call()`` under ``frames`` extra Python frames."""
    return call() if frames <= 0 else at_depth(frames - 1, call)
