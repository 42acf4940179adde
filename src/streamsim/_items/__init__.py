"""DynamoDB items: the type system (Python and wire values, sizes, limits) and frozen storage.

The lowest layer of the model: every table, record and event is made of these values.  Other
packages import from here, never from the private modules, which each do one job:

* ``_types``: the value model (canonical ``AttributeValue`` / ``Item``, type tags, key order,
  copies);
* ``_numbers``: DynamoDB number normalisation and limits;
* ``_limits``: item and key sizes and limits, with DynamoDB's messages;
* ``_boto3``: boto3's ``Binary`` and its serializer's type tests;
* ``_python``: Python values <-> canonical items (the boto3 resource face);
* ``_wire``: wire DynamoDB JSON -> canonical items (the low-level client face);
* ``_frozen``: compact immutable storage of items.
"""

from __future__ import annotations

from ._boto3 import Binary as Binary
from ._frozen import MAX_SHAPE_ATTRIBUTES as MAX_SHAPE_ATTRIBUTES
from ._frozen import MAX_SHAPE_NAME_CHARS as MAX_SHAPE_NAME_CHARS
from ._frozen import Builders as Builders
from ._frozen import Frozen as Frozen
from ._frozen import Shapes as Shapes
from ._frozen import freeze as freeze
from ._frozen import freeze_flat as freeze_flat
from ._frozen import frozen_size as frozen_size
from ._frozen import is_shaped as is_shaped
from ._frozen import same_item as same_item
from ._frozen import thaw as thaw
from ._limits import MAX_ITEM_BYTES as MAX_ITEM_BYTES
from ._limits import MAX_NAME_BYTES as MAX_NAME_BYTES
from ._limits import MAX_PARTITION_KEY_BYTES as MAX_PARTITION_KEY_BYTES
from ._limits import MAX_SORT_KEY_BYTES as MAX_SORT_KEY_BYTES
from ._limits import check_names as check_names
from ._limits import checked_item_size as checked_item_size
from ._limits import item_size as item_size
from ._limits import not_utf8 as not_utf8
from ._limits import shown as shown
from ._limits import text_problem as text_problem
from ._limits import utf8_len as utf8_len
from ._limits import validate_item as validate_item
from ._limits import validate_key_value as validate_key_value
from ._limits import value_depth as value_depth
from ._limits import value_size as value_size
from ._numbers import MAX_NUMBER_DIGITS as MAX_NUMBER_DIGITS
from ._numbers import MAX_NUMBER_EXPONENT as MAX_NUMBER_EXPONENT
from ._numbers import MIN_NUMBER_EXPONENT as MIN_NUMBER_EXPONENT
from ._numbers import normalize_number as normalize_number
from ._python import item_to_python as item_to_python
from ._python import python_to_frozen as python_to_frozen
from ._python import python_to_item as python_to_item
from ._python import python_to_sized_item as python_to_sized_item
from ._python import python_to_value as python_to_value
from ._types import AttributeValue as AttributeValue
from ._types import Item as Item
from ._types import compare_key as compare_key
from ._types import copy_item as copy_item
from ._types import copy_value as copy_value
from ._types import type_of as type_of
from ._wire import wire_to_item as wire_to_item
from ._wire import wire_to_value as wire_to_value
