"""DynamoDB items: the type system (Python and wire values, sizes, limits) and frozen storage.

The lowest layer of the model: every table, record and event is made of these values.
"""

from __future__ import annotations

from ._frozen import MAX_SHAPE_ATTRIBUTES as MAX_SHAPE_ATTRIBUTES
from ._frozen import MAX_SHAPE_NAME_CHARS as MAX_SHAPE_NAME_CHARS
from ._frozen import Frozen as Frozen
from ._frozen import Shapes as Shapes
from ._frozen import freeze as freeze
from ._frozen import frozen_size as frozen_size
from ._frozen import is_shaped as is_shaped
from ._frozen import same_item as same_item
from ._frozen import thaw as thaw
from ._types import MAX_ITEM_BYTES as MAX_ITEM_BYTES
from ._types import MAX_NUMBER_DIGITS as MAX_NUMBER_DIGITS
from ._types import MAX_NUMBER_EXPONENT as MAX_NUMBER_EXPONENT
from ._types import MIN_NUMBER_EXPONENT as MIN_NUMBER_EXPONENT
from ._types import AttributeValue as AttributeValue
from ._types import Binary as Binary
from ._types import Item as Item
from ._types import compare_key as compare_key
from ._types import copy_item as copy_item
from ._types import copy_value as copy_value
from ._types import deserialize as deserialize
from ._types import item_size as item_size
from ._types import item_to_python as item_to_python
from ._types import normalize_number as normalize_number
from ._types import python_to_item as python_to_item
from ._types import python_to_sized_item as python_to_sized_item
from ._types import python_to_value as python_to_value
from ._types import serialize as serialize
from ._types import type_of as type_of
from ._types import validate_item as validate_item
from ._types import validate_key_value as validate_key_value
from ._types import value_depth as value_depth
from ._types import value_size as value_size
from ._types import value_to_python as value_to_python
from ._types import wire_to_item as wire_to_item
from ._types import wire_to_value as wire_to_value
