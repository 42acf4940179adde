"""ProjectionExpression: picking attributes and nested paths out of items."""

from __future__ import annotations

from typing import Any

from streamsim._dynamodb._expressions import parse_projection, project

ITEM: dict[str, Any] = {
    "pk": {"S": "k"},
    "a": {
        "M": {"b": {"N": "1"}, "c": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}, "d": {"S": "d"}}
    },
    "l": {"L": [{"M": {"x": {"N": "1"}, "y": {"N": "2"}}}, {"S": "second"}, {"N": "3"}]},
    "n": {"N": "5"},
}


def test_project_top_level_attributes() -> None:
    """Top-level names keep just those attributes; missing ones are left out."""
    assert project(parse_projection("pk, n, absent"), ITEM, None) == {
        "pk": ITEM["pk"],
        "n": ITEM["n"],
    }


def test_project_nested_map_member_keeps_nesting() -> None:
    """``a.b`` gives ``{"a": {"M": {"b": ...}}}``; siblings merge under one map."""
    assert project(parse_projection("a.b, a.d"), ITEM, None) == {
        "a": {"M": {"b": {"N": "1"}, "d": {"S": "d"}}}
    }


def test_project_list_indexes_gather_in_index_order() -> None:
    """List indexes gather into a list in index order, whatever order they were asked in."""
    assert project(parse_projection("a.c[2], a.c[0]"), ITEM, None) == {
        "a": {"M": {"c": {"L": [{"S": "x"}, {"S": "z"}]}}}
    }


def test_project_path_through_list_element() -> None:
    """``l[0].y`` keeps the list and the map member inside it."""
    assert project(parse_projection("l[0].y, l[5]"), ITEM, None) == {
        "l": {"L": [{"M": {"y": {"N": "2"}}}]}
    }


def test_project_missing_or_mistyped_paths_are_left_out() -> None:
    """A path through a missing or non-container value yields nothing."""
    assert project(parse_projection("n.x, a.zz, l[9], pk[0]"), ITEM, None) == {}


def test_project_with_name_placeholders() -> None:
    """``#n`` resolves to the attribute it stands for (even a reserved word)."""
    item = {"name": {"S": "x"}, "other": {"S": "y"}}
    assert project(parse_projection("#n"), item, {"#n": "name"}) == {"name": {"S": "x"}}


def test_project_shares_values_without_copying() -> None:
    """The projection shares values with the item (callers copy before handing out)."""
    assert project(parse_projection("a.b, pk"), ITEM, None)["pk"] is ITEM["pk"]
