"""TagResource, UntagResource and ListTagsOfResource of ``sim.client("dynamodb")`` (rule H.34).

A mixin of :class:`~._dynamodb_client.DynamoDBClient`: the tags themselves live in the model
(:class:`~streamsim._dynamodb._tags.TableTags`, one per table, gone with the table).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from streamsim._dynamodb._catalog import TableCatalog, TableMeta
from streamsim._dynamodb._tags import TableTags, checked_tags
from streamsim._errors import ResourceNotFoundException, ValidationException

__all__ = ["TagOperations", "create_table_tags"]

_TABLE_ARN: Final = re.compile(
    r"arn:aws[\w-]*:dynamodb:[\w-]+:\d{12}:table/([a-zA-Z0-9_.-]{3,255})"
)


class TagOperations:
    """The tagging operations, for a client that has ``_tables`` and ``_call``."""

    _tables: TableCatalog
    _call: Callable[..., dict[str, Any]]

    def _tagged(self, arn: Any) -> TableMeta:
        """The table the ``ResourceArn`` names.

        Raises:
            ValidationException: not an ARN, or not a DynamoDB table's.
            ResourceNotFoundException: a table ARN naming no table of this simulation.
        """
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise ValidationException(f"Invalid TableArn: ARNs must start with 'arn:': {arn}")
        match = _TABLE_ARN.fullmatch(arn)
        if match is None:
            raise ValidationException(
                f"Invalid TableArn: Invalid ResourceArn provided as input {arn}"
            )
        name = match[1]
        if name in self._tables:
            engine = self._tables.get(name)
            if engine.arn == arn:
                return self._tables.meta(engine)
        raise ResourceNotFoundException(
            f"Requested resource not found: ResourcArn: {arn} not found"
        )

    def tag_resource(self, **params: Any) -> dict[str, Any]:
        """TagResource: add or replace tags of a table (at most 50 in all)."""
        return self._call("TagResource", params, self._tag_resource)

    def _tag_resource(self, **p: Any) -> dict[str, Any]:
        meta = self._tagged(p.get("ResourceArn"))
        meta.tags.tag(checked_tags(p.get("Tags")))
        return {}

    def untag_resource(self, **params: Any) -> dict[str, Any]:
        """UntagResource: remove tags by key; absent keys are ignored."""
        return self._call("UntagResource", params, self._untag_resource)

    def _untag_resource(self, **p: Any) -> dict[str, Any]:
        meta = self._tagged(p.get("ResourceArn"))
        keys = p.get("TagKeys")
        if not isinstance(keys, (list, tuple)) or not keys:
            raise ValidationException(
                "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy "
                "constraint: Member must have length greater than or equal to 1"
            )
        meta.tags.untag(keys)
        return {}

    def list_tags_of_resource(self, **params: Any) -> dict[str, Any]:
        """ListTagsOfResource: every tag of the table, in one page, as DynamoDB answers (it does
        not paginate, rule H.34)."""
        return self._call("ListTagsOfResource", params, self._list_tags)

    def _list_tags(self, **p: Any) -> dict[str, Any]:
        meta = self._tagged(p.get("ResourceArn"))
        if p.get("NextToken") is not None:  # one page always holds all 50: no token is issued
            raise ValidationException(f"Invalid NextToken: {p['NextToken']}")
        return {"Tags": meta.tags.listed()}


def create_table_tags(p: Mapping[str, Any]) -> TableTags:
    """CreateTable's ``Tags``, checked before the table exists (none when absent or empty)."""
    out = TableTags()
    tags = p.get("Tags")
    if tags is not None and (not isinstance(tags, (list, tuple)) or tags):
        out.tag(checked_tags(tags))
    return out
