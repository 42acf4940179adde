"""Stream records as shards keep them: tuples of atomic values, and the stream facts they need.

A shard keeps each record as a *raw record*: an exact tuple of atomic values (ints, strings,
``bytes``, and frozen images, themselves tuples of atomic values or ``bytes``).  CPython's
cyclic garbage collector stops tracking such a tuple soon after it first sees it, so 24 hours
of records cost the collector nothing.  The images are the table's frozen items
(``_items._frozen``), shared, not copied: the write that made a version of an item froze
it once, for the table and for every record that shows it.

Raw record fields, in order (use the index constants or unpack the tuple):

====================  ==========================================================================
``SEQ``               the sequence number (int; AWS shows it as a decimal string)
``CREATED``           virtual time of the write, epoch milliseconds
``EVENT``             ``"INSERT"``, ``"MODIFY"`` or ``"REMOVE"``
``SIZE``              ``SizeBytes`` (rule B.6), computed at the write
``HASH`` / ``RANGE``  the item's key values (``RANGE`` None without a sort key); the stream's
                      ``key_names`` and ``key_types`` make them the ``Keys`` map
``OLD`` / ``NEW``     the frozen OldImage / NewImage where the view type shows one (else None)
``TTL``               True for a REMOVE made by the TTL sweep (it carries ``userIdentity``)
====================  ==========================================================================

A raw record holds nothing its stream holds once for all its records: :class:`StreamFacts`
names what a record needs from its stream to be shown (:mod:`._render` builds its AWS shapes,
:mod:`._view` its typed view).
"""

from __future__ import annotations

from hashlib import blake2b
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from streamsim._items import Frozen, Shapes

EVENT_VERSION = "1.1"  # rule B.7: live captures show "1.1"
EVENT_SOURCE = "aws:dynamodb"  # rule B.7
TTL_PRINCIPAL = "dynamodb.amazonaws.com"  # rule B.4
TTL_IDENTITY_TYPE = "Service"  # rule B.4

INSERT = "INSERT"
MODIFY = "MODIFY"
REMOVE = "REMOVE"

#: A record as its shard keeps it (see the module docstring for the fields).
RawRecord = tuple[int, int, str, int, Any, Any, "Frozen | None", "Frozen | None", bool]
SEQ: Final = 0
CREATED: Final = 1
EVENT: Final = 2
SIZE: Final = 3
HASH: Final = 4
RANGE: Final = 5
OLD: Final = 6
NEW: Final = 7
TTL: Final = 8


#: Digits of the sequence number a sequential eventID ends with (numbers start at 10**20).
EVENT_ID_DIGITS: Final = 21
#: Opaque eventIDs are the sequence number XOR the stream's 128-bit salt, in hex: unique within
#: a stream (XOR with a constant is a bijection; numbers stay below 2**128, see
#: ``_stream.MAX_SEQUENCE_DIGITS``), random-looking from stream to stream, and not in sequence
#: order when sorted (the salt's set bits swap neighbours at every scale; its lowest bit is
#: always set, so at least half of all consecutive pairs sort in reverse).  One XOR and one
#: ``to_bytes().hex()`` per record (about 5% of a drained record's instructions; a hash or a
#: multiplicative mix measured 10%), rule A.3.


def event_id_prefix(stream_arn: str) -> str:
    """The 11 hex characters a stream's sequential eventIDs begin with: BLAKE2b of its ARN."""
    return blake2b(stream_arn.encode(), digest_size=6).hexdigest()[: 32 - EVENT_ID_DIGITS]


def event_id_salt(stream_arn: str) -> int:
    """The 128-bit salt a stream's opaque eventIDs are mixed with: BLAKE2b of its ARN."""
    # bit 0 set: two consecutive numbers (2k, 2k+1) always sort in reverse as eventIDs, so at
    # least half of all neighbours do, whatever the other bits (see EVENT_ID notes above)
    return int.from_bytes(blake2b(stream_arn.encode(), digest_size=16).digest(), "big") | 1


def event_id(prefix: str, sequence_number: int, salt: int | None = None) -> str:
    """``eventID``: 32 lowercase hex characters, unique within a stream, reproducible, the same
    in GetRecords and Lambda events.

    With a ``salt`` (the default form, ``StreamSettings.event_ids="opaque"``), the sequence
    number mixed with the stream's salt: like AWS's, they look random and do not sort in
    sequence order.  Without (``"sequential"``), the stream's prefix and the last 21 digits of
    the sequence number.

    >>> event_id(event_id_prefix("arn"), 100_000_000_000_000_000_042)
    '394d41a865f100000000000000000042'
    >>> len(event_id("", 100_000_000_000_000_000_042, event_id_salt("arn")))
    32
    """
    if salt is None:
        return prefix + str(sequence_number)[-EVENT_ID_DIGITS:]
    return (sequence_number ^ salt).to_bytes(16, "big").hex()


# Which images each view type carries (rule B.1): (old image?, new image?)
VIEW_IMAGES: dict[str, tuple[bool, bool]] = {
    "KEYS_ONLY": (False, False),
    "NEW_IMAGE": (False, True),
    "OLD_IMAGE": (True, False),
    "NEW_AND_OLD_IMAGES": (True, True),
}


class StreamFacts(Protocol):
    """What a record needs from its stream to be shown: the stream's identity and key schema.

    :class:`~streamsim._streams._stream.Stream` has all of them; a shard and a record view
    know their stream only as this, so they need nothing above them.
    """

    @property
    def arn(self) -> str:
        """The stream ARN (``eventSourceARN``)."""

    @property
    def region(self) -> str:
        """The region (``awsRegion``)."""

    @property
    def view_type(self) -> str:
        """The StreamViewType."""

    @property
    def key_names(self) -> tuple[str, ...]:
        """The table's key attribute names, hash key first."""

    @property
    def key_types(self) -> tuple[str, ...]:
        """The key attributes' types (``"S"``, ``"N"`` or ``"B"``), in schema order."""

    @property
    def event_id_prefix(self) -> str:
        """What the stream's eventIDs begin with (:func:`event_id_prefix` of its ARN)."""

    @property
    def event_id_salt(self) -> int | None:
        """The salt of the stream's opaque eventIDs (None: sequential eventIDs)."""

    @property
    def shapes(self) -> Shapes | None:
        """The shapes its table freezes items with (images thaw faster through them)."""
