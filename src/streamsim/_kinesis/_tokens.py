"""Opaque tokens (shard iterators, NextTokens): fields sealed with a keyed checksum.

A token carries everything a later call needs, so the service keeps no state per token and
memory does not grow with the number issued; the checksum (keyed by the simulation's seed)
makes a token that was not issued, or was altered, recognisable.
"""

from __future__ import annotations

import binascii
from base64 import urlsafe_b64decode, urlsafe_b64encode
from hashlib import blake2b

_SEP = "\x1f"


class TokenSealer:
    """Seal fields into an opaque token and open them again.

    >>> sealer = TokenSealer(b"k")
    >>> sealer.open(sealer.seal("a", "b"))
    ['a', 'b']
    >>> sealer.open("garbage") is None
    True
    """

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        self._key = blake2b(key, digest_size=32).digest()

    def seal(self, *fields: str) -> str:
        """The token of ``fields`` (none may contain the separator character)."""
        body = _SEP.join(fields)
        mac = blake2b(body.encode(), key=self._key, digest_size=8).hexdigest()
        return urlsafe_b64encode(f"{body}{_SEP}{mac}".encode()).decode("ascii")

    def open(self, token: str) -> list[str] | None:
        """The fields of a token this sealer issued, or None for anything else."""
        try:
            text = urlsafe_b64decode(token.encode("ascii")).decode()
        except (ValueError, UnicodeError, binascii.Error):
            return None
        body, sep, mac = text.rpartition(_SEP)
        if not sep:
            return None
        expected = blake2b(body.encode(), key=self._key, digest_size=8).hexdigest()
        if mac != expected:
            return None
        return body.split(_SEP)
