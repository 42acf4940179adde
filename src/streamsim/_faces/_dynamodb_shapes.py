"""DynamoDB's requests, as botocore's client-side validation knows them.

Both DynamoDB faces (the client and the resource ``Table``) check requests against
:data:`DYNAMODB_CHECKS` (:func:`streamsim._faces._params.validate_params`), the tables
generated from botocore's ``dynamodb`` service model into :mod:`._models.dynamodb`.
"""

from __future__ import annotations

from ._models.dynamodb import OPERATIONS as DYNAMODB_CHECKS
from ._param_shapes import OperationSpec

__all__ = ["DYNAMODB_CHECKS", "ITEM_MEMBERS", "OperationSpec"]

#: members holding items, keys or attribute values: their strings are checked as the items are
#: converted (:mod:`streamsim._items`), once, so the generic walk of a request skips them
ITEM_MEMBERS = frozenset({"Item", "Key", "ExclusiveStartKey", "ExpressionAttributeValues"})
