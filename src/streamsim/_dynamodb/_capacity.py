"""Capacity accounting: the read and write units an operation consumes.

AWS behaviour: one read capacity unit reads up to 4 KB strongly consistent (an eventually
consistent read costs half); one write capacity unit writes up to 1 KB; every operation costs at
least one unit.  A write that replaces an item is charged for the larger of the two (rule
H.35).  Differs
from AWS: capacity is only reported, never exhausted (nothing is throttled).
"""

from __future__ import annotations

import math

READ_UNIT_BYTES = 4096  # one read capacity unit reads up to 4 KB
WRITE_UNIT_BYTES = 1024  # one write capacity unit writes up to 1 KB


def units(size: int, unit: int) -> int:
    """Capacity units for ``size`` bytes at ``unit`` bytes per unit (at least one).

    >>> units(0, WRITE_UNIT_BYTES), units(1025, WRITE_UNIT_BYTES)
    (1, 2)
    """
    return max(1, math.ceil(size / unit))


def read_units(size: int, consistent: bool) -> float:
    """Read capacity units of reading ``size`` bytes (half when eventually consistent).

    >>> read_units(5000, True), read_units(5000, False)
    (2.0, 1.0)
    """
    used = units(size, READ_UNIT_BYTES)
    return float(used) if consistent else used / 2


def write_units(old_size: int, new_size: int) -> int:
    """Write capacity units of a write replacing an item of ``old_size`` bytes by one of
    ``new_size`` (0: none).

    >>> write_units(0, 3000)
    3
    """
    return units(max(old_size, new_size), WRITE_UNIT_BYTES)
