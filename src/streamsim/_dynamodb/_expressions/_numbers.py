"""Number arithmetic for update expressions (``+``, ``-`` and ``ADD`` on numbers).

AWS behaviour: the sum or difference is computed exactly, then checked like any number being
stored (``_types.normalize_number``: at most 38 significant digits, magnitude 1E-130 to under
1E+126), so ``9.9E+125 + 1E+125`` is "Number overflow" and a result needing more than 38
significant digits is "Attempting to store more than 38 significant digits in a Number".
"""

from __future__ import annotations

from decimal import Context, Decimal
from typing import Final

from streamsim._items import normalize_number

# Enough precision to add any two valid numbers exactly (their digits span < 300 places).
_EXACT: Final = Context(prec=1000, Emax=10_000, Emin=-10_000)


def add_numbers(left: str, right: str) -> str:
    """Return ``left + right`` as canonical number text.

    >>> add_numbers("0.1", "0.2"), add_numbers("1E+2", "-100")
    ('0.3', '0')

    Raises:
        ValidationException: the result breaks DynamoDB's number limits.
    """
    return normalize_number(str(_EXACT.add(Decimal(left), Decimal(right))))


def subtract_numbers(left: str, right: str) -> str:
    """Return ``left - right`` as canonical number text.

    >>> subtract_numbers("1", "1.5")
    '-0.5'

    Raises:
        ValidationException: the result breaks DynamoDB's number limits.
    """
    return normalize_number(str(_EXACT.subtract(Decimal(left), Decimal(right))))
