"""The table catalog: the tables of one account and region, their metadata and their streams.

:class:`TableCatalog` creates, finds and deletes tables (by name or table ARN), keeps what
DescribeTable shows beyond the engine (:class:`TableMeta`: id, billing, throughput, deletion
protection, table class), enables streams, and keeps every stream ever enabled so that streams
of disabled or deleted tables stay readable for their retention period.

AWS behaviour: rule A.2 (table names), C.1 (stream specification; a new stream of a re-created
table gets a label after the old one's), C.4 (key attribute types).
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable
from typing import Any

from streamsim._clock import Clock
from streamsim._errors import (
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from streamsim._streams._stream import VIEW_TYPES, Stream, StreamSettings

from ._splits import SplitPolicy
from ._table import KEY_TYPES, TableEngine
from ._tags import TableTags
from ._ttl import TTLSettings

TABLE_NAME_RE = re.compile(r"[a-zA-Z0-9_.-]{3,255}")  # rule A.2 TableName


class TableMeta:
    """What DescribeTable shows that the engine does not model: billing, throughput, id."""

    __slots__ = (
        "attribute_definitions",
        "billing_mode",
        "deletion_protection",
        "engine",
        "ppr_since_ms",
        "read_units",
        "table_class",
        "table_id",
        "tags",
        "write_units",
    )

    def __init__(self, engine: TableEngine, table_id: str) -> None:
        self.engine = engine
        self.table_id = table_id
        self.billing_mode = "PAY_PER_REQUEST"
        self.read_units = 0
        self.write_units = 0
        self.ppr_since_ms = engine.created_ms
        self.deletion_protection = False
        self.table_class: str | None = None
        self.tags = TableTags()  # rule H.34
        self.attribute_definitions: list[tuple[str, str]] = [(engine.hash_key, engine.hash_type)]
        if engine.range_key is not None:
            self.attribute_definitions.append((engine.range_key, engine.range_type))

    def configure(
        self,
        *,
        billing_mode: str,
        read_units: int,
        write_units: int,
        table_class: str | None,
        deletion_protection: bool,
        now_ms: int,
    ) -> None:
        """Apply CreateTable's or UpdateTable's settings (already checked by the face).

        A switch to PAY_PER_REQUEST notes ``now_ms`` as LastUpdateToPayPerRequestDateTime.
        """
        if billing_mode == "PAY_PER_REQUEST" and self.billing_mode != "PAY_PER_REQUEST":
            self.ppr_since_ms = now_ms
        self.billing_mode = billing_mode
        self.read_units, self.write_units = read_units, write_units
        self.table_class = table_class
        self.deletion_protection = deletion_protection


def bad_table_name(name: Any) -> ValidationException:
    """The error for a ``TableName`` that is neither a table name nor an ARN (rule A.2)."""
    return ValidationException(
        f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ "
        "and have length between 3 and 255"
    )


def validate_table(
    name: Any, hash_key: Any, hash_type: Any, range_key: Any, range_type: Any
) -> None:
    """Check a table's name and key schema as CreateTable does.

    Raises:
        ValidationException: a bad name, key attribute name or key type, or equal keys.
    """
    if not isinstance(name, str) or not TABLE_NAME_RE.fullmatch(name):
        raise bad_table_name(name)
    for key, kind, role in ((hash_key, hash_type, "HASH"), (range_key, range_type, "RANGE")):
        if key is None and role == "RANGE":
            continue
        if not isinstance(key, str) or not 1 <= len(key.encode()) <= 255:
            raise ValidationException(
                f"{role} key attribute name must be a string of 1 to 255 bytes, got {key!r}"
            )
        if kind not in KEY_TYPES:
            raise ValidationException(
                f"1 validation error detected: Value '{kind}' at 'attributeDefinitions' "
                "failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]"
            )
    if range_key is not None and range_key == hash_key:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same "
            f"name: {hash_key}"
        )


class TableCatalog:
    """The tables of one simulated account and region, and every stream they enabled.

    Args:
        clock: the simulation's clock.
        rng: the simulation's named generators (``rng(name)``).
        region, account_id: for ARNs.
        stream_settings, ttl_settings, split_policy: what every new table gets.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        rng: Callable[[str], random.Random],
        region: str,
        account_id: str,
        stream_settings: StreamSettings,
        ttl_settings: TTLSettings,
        split_policy: SplitPolicy,
    ) -> None:
        self._clock = clock
        self._rng = rng
        self._region = region
        self._account_id = account_id
        self._stream_settings = stream_settings
        self._ttl_settings = ttl_settings
        self._split_policy = split_policy
        self._tables: dict[str, TableEngine] = {}
        self._meta: dict[str, TableMeta] = {}
        self._streams: list[Stream] = []

    # --- tables ---------------------------------------------------------------------------------

    def create(
        self,
        name: str,
        *,
        hash_key: str,
        hash_key_type: str = "S",
        range_key: str | None = None,
        range_key_type: str = "S",
        partitions: int = 1,
        stream_view_type: str | None = None,
    ) -> TableEngine:
        """Create a table (with a stream of ``stream_view_type``, if given) and return it.

        Raises:
            ValidationException: a bad name, key definition, partition count or view type.
            ResourceInUseException: a table with this name exists.
        """
        validate_table(name, hash_key, hash_key_type, range_key, range_key_type)
        if stream_view_type is not None and stream_view_type not in VIEW_TYPES:
            raise ValidationException(
                f"1 validation error detected: Value '{stream_view_type}' at "
                "'streamSpecification.streamViewType' failed to satisfy constraint: Member must "
                f"satisfy enum value set: [{', '.join(VIEW_TYPES)}]"
            )
        if name in self._tables:
            raise ResourceInUseException(f"Table already exists: {name}")
        engine = TableEngine(
            name=name,
            hash_key=hash_key,
            hash_type=hash_key_type,
            range_key=range_key,
            range_type=range_key_type,
            partitions=partitions,
            clock=self._clock,
            region=self._region,
            account_id=self._account_id,
            stream_settings=self._stream_settings,
            stream_rng=self._rng(f"table/{name}/streams"),
            ttl_settings=self._ttl_settings,
            split_policy=self._split_policy,
            prior_stream=next((s for s in reversed(self._streams) if s.table_name == name), None),
        )
        self._tables[name] = engine
        if stream_view_type is not None:
            self._streams.append(engine.enable_stream(stream_view_type))
        return engine

    def get(self, name: str) -> TableEngine:
        """The table named ``name``.

        Raises:
            ResourceNotFoundException: no such table.
        """
        engine = self._tables.get(name)
        if engine is None:
            raise ResourceNotFoundException(
                f"Requested resource not found: Table: {name} not found"
            )
        return engine

    def resolve(self, table_name: Any) -> TableEngine:
        """The table named by a request's ``TableName`` (a name or a table ARN).

        Raises:
            ValidationException: not a string, or not a possible table name.
            ResourceNotFoundException: no such table (or an ARN of another account/region).
        """
        if not isinstance(table_name, str):
            raise ValidationException(
                f"Invalid type for parameter TableName, value: {table_name}, "
                f"type: {type(table_name)}, valid types: <class 'str'>"
            )
        name = table_name
        if name.startswith("arn:"):
            prefix = f"arn:aws:dynamodb:{self._region}:{self._account_id}:table/"
            if not name.startswith(prefix) or "/" in name[len(prefix) :]:
                raise ResourceNotFoundException(
                    f"Requested resource not found: Table: {table_name} not found"
                )
            name = name[len(prefix) :]
        elif not TABLE_NAME_RE.fullmatch(name):  # a name no table can have: the request is bad
            raise bad_table_name(name)
        return self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._tables

    def __len__(self) -> int:
        return len(self._tables)

    def names(self) -> list[str]:
        """The names of the existing tables, in order."""
        return sorted(self._tables)

    def delete(self, name: str) -> TableEngine:
        """DeleteTable: the table is gone at once; its stream ends (readable 24 hours).

        Raises:
            ResourceNotFoundException: no such table.
            ResourceInUseException: its stream is still being enabled.
        """
        engine = self.get(name)
        engine.mark_deleted()
        del self._tables[name]
        return engine

    def check_deletable(self, engine: TableEngine) -> None:
        """Raise ValidationException if ``engine`` is protected against deletion."""
        if self.meta(engine).deletion_protection:
            raise ValidationException(
                "Resource cannot be deleted as it is currently protected against deletion. "
                "Disable deletion protection first."
            )

    def meta(self, engine: TableEngine) -> TableMeta:
        """The DescribeTable metadata of ``engine`` (created on first use, deterministically)."""
        meta = self._meta.get(engine.arn)
        if meta is None or meta.engine is not engine:
            rng = self._rng(f"table-id/{engine.name}/{engine.created_ms}")
            table_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            meta = self._meta[engine.arn] = TableMeta(engine, table_id)
        return meta

    # --- streams --------------------------------------------------------------------------------

    def enable_stream(self, engine: TableEngine, view_type: str) -> Stream:
        """Enable a new stream on ``engine`` (rule C.1) and register it.

        Raises:
            ValidationException: a stream is already enabled, or the view type is invalid.
        """
        stream = engine.enable_stream(view_type)
        self._streams.append(stream)
        return stream

    def all_streams(self) -> list[Stream]:
        """Every stream ever enabled in this account, in order, readable or not (a new list)."""
        return list(self._streams)

    def readable_streams(self) -> list[Stream]:
        """Every stream still listed (enabled, or ended within the retention period)."""
        now = self._clock.now_ms
        return [s for s in self._streams if s.is_readable(now)]

    def find_stream(self, arn: str) -> Stream | None:
        """The readable stream with ARN ``arn``, or None."""
        now = self._clock.now_ms
        for stream in self._streams:
            if stream.arn == arn and stream.is_readable(now):
                return stream
        return None

    def _check(self) -> None:
        """Assert the catalog's invariants and every table's.

        Every listed table is live under its own name; every stream a table enabled is
        registered; a table has at most one enabled stream, and it is the table's current one;
        the streams of deleted (or replaced) tables have ended.
        """
        registered = {id(stream) for stream in self._streams}
        current: dict[int, TableEngine] = {}
        for name, engine in self._tables.items():
            assert engine.name == name, f"table listed as {name} is named {engine.name}"
            assert engine.deleted_ms is None, f"deleted table {name} is still listed"
            engine._check()
            for stream in engine.streams:
                assert id(stream) in registered, f"table {name}: stream {stream.arn} unregistered"
            if engine.stream is not None:
                current[id(engine.stream)] = engine
        for stream in self._streams:
            if stream.is_enabled:
                owner = current.get(id(stream))
                assert owner is not None, f"stream {stream.arn} is enabled but no table's current"
                assert owner.name == stream.table_name, (
                    f"stream {stream.arn} is enabled but the current stream of {owner.name}"
                )
        arns = [stream.arn for stream in self._streams]
        assert len(set(arns)) == len(arns), "two streams share an ARN"
        for arn, meta in self._meta.items():
            assert meta.engine.arn == arn, f"table metadata under {arn} is another table's"
