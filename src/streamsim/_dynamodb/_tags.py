"""A table's tags: TagResource, UntagResource, ListTagsOfResource and CreateTable's ``Tags``.

AWS behaviour (rule H.34): at most 50 tags per table; a key is 1 to 128 characters, a value 0
to 256; letters, digits, white space and ``+ - = . _ : /`` only; keys starting ``aws:`` are
reserved; one value per key (tagging a key again replaces its value); untagging a key the table
does not have is no error.  A request that breaks a rule changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from streamsim._errors import ValidationException

__all__ = ["MAX_TAGS", "TableTags", "checked_tags"]

MAX_TAGS: Final = 50
MAX_KEY_CHARS: Final = 128
MAX_VALUE_CHARS: Final = 256
_ALLOWED: Final = re.compile(r"[\w\s+\-=.:/]*")  # \w: Unicode letters, digits and _
_INVALID: Final = "One or more parameter values were invalid: "


def _length_error(value: str, where: str, limit: int) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
        f"constraint: Member must have length less than or equal to {limit}"
    )


def checked_tags(tags: Any) -> dict[str, str]:
    """A request's ``Tags`` (``[{"Key": k, "Value": v}, ...]``) as a dict, checked.

    A key given twice keeps its last value.

    Raises:
        ValidationException: an empty list, a key or value too long, characters outside the
            allowed set, a key starting ``aws:``, or more than 50 tags.
    """
    if not isinstance(tags, Sequence) or isinstance(tags, str) or not tags:
        raise ValidationException(
            "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    out: dict[str, str] = {}
    for index, tag in enumerate(tags, start=1):
        if not isinstance(tag, Mapping):
            raise ValidationException(f"Invalid type for parameter Tags[{index - 1}]")
        key, value = tag.get("Key"), tag.get("Value")
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValidationException(
                f"{_INVALID}A tag needs a string Key and a string Value (tags.{index})"
            )
        if len(key) > MAX_KEY_CHARS:
            raise _length_error(key, f"tags.{index}.member.key", MAX_KEY_CHARS)
        if len(value) > MAX_VALUE_CHARS:
            raise _length_error(value, f"tags.{index}.member.value", MAX_VALUE_CHARS)
        for text, what in ((key, "key"), (value, "value")):
            if not _ALLOWED.fullmatch(text):
                raise ValidationException(
                    f"{_INVALID}Tag {what} '{text}' may hold only letters, numbers, white space "
                    "and + - = . _ : /"
                )
        if key.lower().startswith("aws:"):
            raise ValidationException(
                f"{_INVALID}Tag keys starting with 'aws:' are reserved for AWS: {key}"
            )
        out[key] = value
    return out


class TableTags:
    """The tags of one table, in the order their keys were first set."""

    __slots__ = ("_tags",)

    def __init__(self) -> None:
        self._tags: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._tags)

    def tag(self, tags: Mapping[str, str]) -> None:
        """Add or replace ``tags`` (already checked by :func:`checked_tags`).

        Raises:
            ValidationException: the table would hold more than 50 tags (nothing changes).
        """
        total = len(self._tags.keys() | tags.keys())
        if total > MAX_TAGS:
            raise ValidationException(
                f"{_INVALID}The number of tags on a table cannot exceed {MAX_TAGS}; the request "
                f"would leave {total}"
            )
        self._tags.update(tags)

    def untag(self, keys: Sequence[str]) -> None:
        """Remove the tags with ``keys``; keys the table does not have are ignored."""
        for key in keys:
            self._tags.pop(key, None)

    def listed(self) -> list[dict[str, str]]:
        """ListTagsOfResource's ``Tags``."""
        return [{"Key": key, "Value": value} for key, value in self._tags.items()]
