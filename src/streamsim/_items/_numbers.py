"""DynamoDB numbers: the limits, the canonical text, and boto3's 38-digit context.

One job: turn a number's text (from the wire) or a Python ``int``/``Decimal`` (from the boto3
resource face) into DynamoDB's canonical text, or reject it with DynamoDB's message; plus the
cached helpers that read canonical numbers back (exact ``Decimal``, stored size).

AWS behaviour (rule C.4): numbers carry at most 38 significant digits with magnitude between
1E-130 and 9.99...E+125.

Differs from AWS: see :func:`normalize_number` (only ASCII digits are numbers).
"""

from __future__ import annotations

import re
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from functools import lru_cache
from typing import Any, Final

from streamsim._errors import ValidationException

__all__ = [
    "DYNAMODB_CONTEXT",
    "EXACT_INT_LIMIT",
    "MAX_NUMBER_DIGITS",
    "MAX_NUMBER_EXPONENT",
    "MIN_NUMBER_EXPONENT",
    "decimal_of",
    "normalize_number",
    "number_size",
    "python_number",
]

MAX_NUMBER_DIGITS: Final = 38  # rule C.4: significant digits
MAX_NUMBER_EXPONENT: Final = 125  # adjusted exponent: 9.9999999999999999999999999999999999999E+125
MIN_NUMBER_EXPONENT: Final = -130  # adjusted exponent: 1E-130

# boto3's DYNAMODB_CONTEXT, rebuilt here (boto3 is not a runtime dependency).  create_decimal()
# under it raises exactly the decimal exceptions boto3's serializer raises.
DYNAMODB_CONTEXT: Final = Context(
    Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow]
)

EXACT_INT_LIMIT: Final = 10**MAX_NUMBER_DIGITS  # |int| below this: str(int) is already canonical
_INT32_MAX: Final = 2**31 - 1

_NOT_A_NUMBER = "The parameter cannot be converted to a numeric value"
_TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number"
_OVERFLOW = (
    "Number overflow. Attempting to store a number with magnitude larger than supported range"
)
_UNDERFLOW = (
    "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)

# Java BigDecimal's grammar with ASCII digits: sign? (digits [. digits?] | . digits) exponent?
_NUMBER_RE: Final = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")


@lru_cache(maxsize=8192)
def normalize_number(text: str) -> str:
    """Check a number's text against DynamoDB's rules and return its canonical text.

    Canonical text has no exponent, no leading zeros, no trailing fractional zeros and no sign
    on zero: ``"1.50"`` -> ``"1.5"``, ``"1E+2"`` -> ``"100"``, ``"-0"`` -> ``"0"``.

    Args:
        text: the number as sent in ``{"N": text}``.

    Returns:
        The canonical text.

    Raises:
        ValidationException: not a number (``NaN``, ``Infinity``, spaces, ``""``); magnitude
            above 9.99...E+125 (overflow) or below 1E-130 (underflow); more than 38 significant
            digits (leading and trailing zeros do not count).

    AWS behaviour (rule C.4): checked in the order overflow, underflow, precision, as DynamoDB
    reports them.  Differs from AWS: only ASCII digits are accepted, and an exponent beyond
    +-2147483647 counts as unparseable (Java ``BigDecimal`` rules; UNCONFIRMED).

    >>> normalize_number("001.50"), normalize_number("-17e5"), normalize_number("-0.0")
    ('1.5', '-1700000', '0')
    >>> normalize_number(".5E-3"), normalize_number("+3")
    ('0.0005', '3')
    """
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        raise ValidationException(f"{_NOT_A_NUMBER}: {text}" if text else _NOT_A_NUMBER)
    sign, whole, fraction, exp_text = match.groups()
    fraction = fraction or ""
    if not whole and not fraction:
        raise ValidationException(f"{_NOT_A_NUMBER}: {text}" if text else _NOT_A_NUMBER)
    exponent = 0
    if exp_text is not None:
        exp_digits = exp_text.lstrip("+-").lstrip("0")
        if len(exp_digits) > 10 or int(exp_digits or "0") > _INT32_MAX:
            raise ValidationException(f"{_NOT_A_NUMBER}: {text}")
        exponent = -int(exp_digits or "0") if exp_text[0] == "-" else int(exp_digits or "0")
    digits = (whole + fraction).lstrip("0")
    if not digits:
        return "0"
    significant = digits.rstrip("0")
    count = len(significant)
    exponent += len(digits) - count - len(fraction)  # value == significant * 10**exponent
    adjusted = exponent + count - 1
    if adjusted > MAX_NUMBER_EXPONENT:
        raise ValidationException(_OVERFLOW)
    if adjusted < MIN_NUMBER_EXPONENT:
        raise ValidationException(_UNDERFLOW)
    if count > MAX_NUMBER_DIGITS:
        raise ValidationException(_TOO_PRECISE)
    if exponent >= 0:
        body = significant + "0" * exponent
    else:
        point = count + exponent
        if point > 0:
            body = f"{significant[:point]}.{significant[point:]}"
        else:
            body = f"0.{'0' * -point}{significant}"
    return "-" + body if sign == "-" else body


@lru_cache(maxsize=8192)
def number_size(canonical: str) -> int:
    """Bytes a canonical number occupies: 1 per two significant digits, plus 1 (rule B.6)."""
    if canonical == "0":
        return 1
    digits = canonical.replace("-", "").replace(".", "").strip("0")
    return (len(digits) + 1) // 2 + 1


@lru_cache(maxsize=8192)
def decimal_of(canonical: str) -> Decimal:
    """The exact ``Decimal`` of a canonical number (immutable, so cached and shared)."""
    return Decimal(canonical)


def python_number(value: Any) -> str:
    """Canonical text of an ``int`` (not ``bool``) or ``Decimal``, boto3's checks first."""
    if type(value) is int and -EXACT_INT_LIMIT < value < EXACT_INT_LIMIT:
        return str(value)
    if type(value) is Decimal:
        return decimal_text(str(value))  # str() keeps sign, digits and exponent exactly
    return decimal_text(str(DYNAMODB_CONTEXT.create_decimal(value)))


@lru_cache(maxsize=8192)
def decimal_text(text: str) -> str:
    """Canonical text of a number boto3 serializes as ``text``: boto3's checks, then DynamoDB's.

    ``decimal_text(str(d))`` is :func:`python_number` of a ``Decimal`` ``d`` (a cached C call:
    the write path's hot loop calls it directly)."""
    text = str(DYNAMODB_CONTEXT.create_decimal(text))  # raises Inexact, Rounded, ... as boto3
    if text in ("Infinity", "NaN"):
        raise TypeError("Infinity and NaN not supported")
    return normalize_number(text)
