"""Stream-side histories: record what a table wrote, check what a reader of its stream got.

Elle-style (Jepsen): during a run, record plain-data histories; afterwards, check them and get
``valid``, a minimal witness of the first anomaly and a plain-English explanation.

* :func:`read_stream` reads every readable record of a stream through the DynamoDB Streams API
  (``sim.client("dynamodbstreams")``, or a real boto3 client) exactly as a careful consumer
  does: DescribeStream with pagination, parents before children, TRIM_HORIZON, GetRecords until
  a closed shard ends and until an open shard has nothing more.
* :class:`WriteLog` records every item change a table commits, in commit order, with the stream
  that was enabled at that moment.
* :func:`check_stream_history` (and the four checks it combines) compares them: every change
  exactly once, each item's changes in write order, sequence numbers strictly increasing within
  each shard, children read after their parents.

>>> from streamsim import Simulation
>>> sim = Simulation(seed=1)
>>> table = sim.create_table("t1x", hash_key="pk", stream_view_type="NEW_AND_OLD_IMAGES")
>>> log = WriteLog(table)
>>> _ = table.put_item(Item={"pk": "a", "n": 1})
>>> _ = table.put_item(Item={"pk": "a", "n": 2})
>>> _ = table.delete_item(Key={"pk": "a"})
>>> records = read_stream(sim, table.latest_stream_arn)
>>> [r["eventName"] for r in records]
['INSERT', 'MODIFY', 'REMOVE']
>>> check_stream_history(records, log).valid
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

import attrs

from streamsim._items import Item
from streamsim._streams._records import INSERT, MODIFY, REMOVE, VIEW_IMAGES

from ._reading import StreamRead
from ._reading import read_stream as read_stream  # for the example above

# --- recording writes -------------------------------------------------------------------------


@attrs.frozen
class Change:
    """One item change a table committed (canonical DynamoDB JSON, copies).

    Attributes:
        keys: the item's key attributes.
        event_name: ``INSERT``, ``MODIFY`` or ``REMOVE``.
        old_image / new_image: the whole item before / after (None where there is none).
        at_ms: virtual time of the commit.
        stream_arn: the stream enabled on the table at that moment (None: no stream).
        index: position in the log (0, 1, ...).
        sequence_number: the SequenceNumber of the stream record the change made (None: no
            stream, or a change built by hand).  Checkers match records to changes by it when
            it is known, so two changes with the same content are never confused.
    """

    keys: Item
    event_name: str
    old_image: Item | None
    new_image: Item | None
    at_ms: int
    stream_arn: str | None
    index: int
    sequence_number: str | None = None


class WriteLog:
    """An append-only history of every item change a table commits, in commit order.

    Attach it before writing; it observes the table engine directly (no-op writes, deletes of
    missing items and rejected writes commit nothing, so they are not in the log: rule B.2).

    Args:
        table: a :class:`~streamsim.Table` (or the engine behind one).
    """

    def __init__(self, table: Any) -> None:
        engine = getattr(table, "_engine", table)
        self._engine = engine
        self.changes: list[Change] = []
        engine.observers.append(self._observe)

    def _observe(self, old: Item | None, new: Item | None, is_ttl: bool) -> None:
        engine = self._engine
        image = new if new is not None else old
        assert image is not None
        stream = engine.stream
        self.changes.append(
            Change(
                keys={name: dict(image[name]) for name in engine.key_names},
                event_name=INSERT if old is None else (REMOVE if new is None else MODIFY),
                old_image=old,  # the engine hands observers fresh copies
                new_image=new,
                at_ms=engine.clock.now_ms,
                stream_arn=None if stream is None else stream.arn,
                index=len(self.changes),
                # the table appends to its stream before it tells observers
                sequence_number=None if stream is None else str(stream.next_sequence_number - 1),
            )
        )

    def detach(self) -> None:
        """Stop recording."""
        if self._observe in self._engine.observers:
            self._engine.observers.remove(self._observe)

    def for_stream(self, stream_arn: str) -> list[Change]:
        """The changes made while ``stream_arn`` was the table's enabled stream."""
        return [c for c in self.changes if c.stream_arn == stream_arn]

    def streamed(self) -> list[Change]:
        """The changes made while the table had a stream (any stream)."""
        return [c for c in self.changes if c.stream_arn is not None]

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Any:
        return iter(self.changes)

    def __repr__(self) -> str:
        return f"<WriteLog table={self._engine.name} changes={len(self.changes)}>"


# --- checking -------------------------------------------------------------------------------------


@attrs.frozen
class Anomaly:
    """One violated guarantee.

    Attributes:
        kind: ``lost``, ``duplicated``, ``unexpected``, ``mismatched``, ``reordered``,
            ``sequence-not-increasing``, ``sequence-out-of-range`` or ``child-before-parent``.
        explanation: what went wrong, in a sentence.
        witness: the smallest set of plain data that shows it (records, changes, shard ids).
    """

    kind: str
    explanation: str
    witness: Mapping[str, Any]


@attrs.frozen
class CheckResult:
    """The verdict of a check: ``valid``, and every anomaly found (first = minimal witness)."""

    anomalies: tuple[Anomaly, ...] = ()

    @property
    def valid(self) -> bool:
        """True when no guarantee was violated."""
        return not self.anomalies

    @property
    def witness(self) -> Mapping[str, Any] | None:
        """The witness of the first anomaly, or None when valid."""
        return self.anomalies[0].witness if self.anomalies else None

    @property
    def explanation(self) -> str:
        """A plain-English account of every anomaly ("valid" when there is none)."""
        if not self.anomalies:
            return "valid: every check passed"
        lines = [f"{len(self.anomalies)} anomal{'y' if len(self.anomalies) == 1 else 'ies'}:"]
        lines.extend(f"- {a.kind}: {a.explanation}" for a in self.anomalies)
        return "\n".join(lines)

    def __bool__(self) -> bool:
        return self.valid

    def __add__(self, other: CheckResult) -> CheckResult:
        return CheckResult(self.anomalies + other.anomalies)


def _key_id(keys: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted((name, repr(av)) for name, av in keys.items()))


def _changes(
    writes: Any, records: Sequence[Mapping[str, Any]], stream_arn: str | None = None
) -> list[Change]:
    """The changes ``records`` should hold.

    From a :class:`WriteLog`: those made while the stream read was enabled: ``stream_arn``
    when given, else a :class:`StreamRead`'s stream, else the streams the records name in
    ``eventSourceARN`` (Lambda event records), else every change made while the table had a
    stream.  A plain list of changes is taken as it is.
    """
    if not isinstance(writes, WriteLog):
        return list(writes)
    arn = stream_arn or getattr(records, "stream_arn", None)
    if arn is not None:
        return writes.for_stream(arn)
    named = {r["eventSourceARN"] for r in records if "eventSourceARN" in r}
    streamed = writes.streamed()
    if named:
        return [c for c in streamed if c.stream_arn in named]
    return streamed


def _sn(record: Mapping[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def _by_sequence(changes: Sequence[Change]) -> dict[str, Change] | None:
    """Changes by their sequence number, when every change knows its own (else None)."""
    found: dict[str, Change] = {}
    streams = {change.stream_arn for change in changes}
    if len(streams) > 1:  # every stream numbers its records afresh: numbers are ambiguous
        return None
    for change in changes:
        if change.sequence_number is None:
            return None
        found[change.sequence_number] = change
    return found


def _view_type(records: Sequence[Mapping[str, Any]]) -> str:
    view = getattr(records, "view_type", None)
    if view is None and records:
        view = records[0]["dynamodb"].get("StreamViewType")
    return view or "NEW_AND_OLD_IMAGES"


def _signature(event_name: str, old: Any, new: Any, view_type: str) -> tuple[str, Any, Any]:
    show_old, show_new = VIEW_IMAGES[view_type]
    return (event_name, old if show_old else None, new if show_new else None)


def _record_signature(record: Mapping[str, Any], view_type: str) -> tuple[str, Any, Any]:
    body = record["dynamodb"]
    return _signature(record["eventName"], body.get("OldImage"), body.get("NewImage"), view_type)


def _change_signature(change: Change, view_type: str) -> tuple[str, Any, Any]:
    return _signature(change.event_name, change.old_image, change.new_image, view_type)


def _brief(record: Mapping[str, Any]) -> dict[str, Any]:
    body = record["dynamodb"]
    return {
        "eventName": record["eventName"],
        "Keys": body["Keys"],
        "SequenceNumber": body["SequenceNumber"],
        **({"NewImage": body["NewImage"]} if "NewImage" in body else {}),
        **({"OldImage": body["OldImage"]} if "OldImage" in body else {}),
    }


def _brief_change(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {"index": change.index, "eventName": change.event_name}
    out["Keys"] = change.keys
    if change.new_image is not None:
        out["NewImage"] = change.new_image
    if change.old_image is not None:
        out["OldImage"] = change.old_image
    return out


def _dedupe(records: Sequence[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], list[Anomaly]]:
    """The records read once each (by sequence number and eventID), and the re-reads."""
    anomalies: list[Anomaly] = []
    seen: dict[str, Mapping[str, Any]] = {}
    unique: list[Mapping[str, Any]] = []
    for record in records:
        sn = _sn(record)
        first = seen.get(sn)
        if first is not None and record["eventID"] == first["eventID"]:
            anomalies.append(
                Anomaly(
                    "duplicated",
                    f"the record with SequenceNumber {sn} ({record['eventName']} of "
                    f"{record['dynamodb']['Keys']}) was read twice",
                    {"record": _brief(record)},
                )
            )
            continue
        seen[sn] = record
        unique.append(record)
    return unique, anomalies


def _match(
    records: Sequence[Mapping[str, Any]], changes: Sequence[Change], view: str
) -> tuple[list[tuple[Change, Mapping[str, Any]]], list[Anomaly], list[Change]]:
    """Pair records with the changes they record: ``(pairs in read order, anomalies, unmatched)``.

    When every change knows its sequence number, a record is the change with its
    SequenceNumber (and must carry that change's content): two changes with equal content (an
    item's A-B-A history) are never confused.  Otherwise a record matches the first unmatched
    change of its item with the same event name and images.
    """
    anomalies: list[Anomaly] = []
    pairs: list[tuple[Change, Mapping[str, Any]]] = []
    by_sn = _by_sequence(changes)
    if by_sn is not None:
        used: set[str] = set()
        for record in records:
            sn = _sn(record)
            change = by_sn.get(sn)
            if change is None or sn in used:
                anomalies.append(_unexpected(record) if change is None else _twice(change, record))
                continue
            used.add(sn)
            if _key_id(change.keys) != _key_id(record["dynamodb"]["Keys"]) or (
                _change_signature(change, view) != _record_signature(record, view)
            ):
                anomalies.append(
                    Anomaly(
                        "mismatched",
                        f"SequenceNumber {sn} should record write #{change.index} "
                        f"({change.event_name} of {change.keys}) but holds a "
                        f"{record['eventName']} of {record['dynamodb']['Keys']} with other "
                        "images",
                        {"change": _brief_change(change), "record": _brief(record)},
                    )
                )
                continue
            pairs.append((change, record))
        unmatched = [c for c in changes if c.sequence_number not in used]
        return pairs, anomalies, unmatched
    expected: dict[tuple[Any, ...], list[Change]] = {}
    for change in changes:
        expected.setdefault(_key_id(change.keys), []).append(change)
    delivered: dict[tuple[Any, ...], list[Change]] = {}
    for record in records:
        key = _key_id(record["dynamodb"]["Keys"])
        sig = _record_signature(record, view)
        pending = expected.get(key, [])
        match = next((i for i, c in enumerate(pending) if _change_signature(c, view) == sig), None)
        if match is None:
            again = next(
                (c for c in delivered.get(key, ()) if _change_signature(c, view) == sig), None
            )
            anomalies.append(_unexpected(record) if again is None else _twice(again, record))
            continue
        change = pending.pop(match)
        delivered.setdefault(key, []).append(change)
        pairs.append((change, record))
    unmatched = sorted((c for cs in expected.values() for c in cs), key=lambda c: c.index)
    return pairs, anomalies, unmatched


def _unexpected(record: Mapping[str, Any]) -> Anomaly:
    return Anomaly(
        "unexpected",
        f"the stream holds a {record['eventName']} of {record['dynamodb']['Keys']} "
        f"(SequenceNumber {_sn(record)}) that matches no write",
        {"record": _brief(record)},
    )


def _twice(change: Change, record: Mapping[str, Any]) -> Anomaly:
    return Anomaly(
        "duplicated",
        f"write #{change.index} ({change.event_name} of {change.keys}) appears twice, the "
        f"second time as SequenceNumber {_sn(record)}",
        {"change": _brief_change(change), "record": _brief(record)},
    )


def check_exactly_once(
    records: Sequence[Mapping[str, Any]],
    writes: WriteLog | Iterable[Change],
    *,
    stream_arn: str | None = None,
) -> CheckResult:
    """Every change appears exactly once: none lost, none duplicated, none made up (rule B.3).

    A record is matched to its change by SequenceNumber when the changes know theirs (a
    :class:`WriteLog` records them), and must then carry the change's key, event name and the
    images its view type shows; otherwise by content, per item, in order.

    Args:
        records: a :class:`StreamRead` or any list of ``Record`` dicts (GetRecords records or
            Lambda event records).
        writes: a :class:`WriteLog` (see :func:`check_stream_history` for which of its
            changes are expected) or the expected :class:`Change` list.
        stream_arn: expect only the changes made while this stream was enabled.
    """
    view = _view_type(records)
    unique, anomalies = _dedupe(records)
    _pairs, found, unmatched = _match(unique, _changes(writes, records, stream_arn), view)
    anomalies.extend(found)
    anomalies.extend(
        Anomaly(
            "lost",
            f"write #{change.index} ({change.event_name} of {change.keys}) never appeared in "
            "the stream",
            {"change": _brief_change(change)},
        )
        for change in unmatched
    )
    return CheckResult(tuple(anomalies))


def check_item_order(
    records: Sequence[Mapping[str, Any]],
    writes: WriteLog | Iterable[Change],
    *,
    stream_arn: str | None = None,
) -> CheckResult:
    """Each item's records come in the order its changes were written (rule B.3).

    Only records that match a change are considered (see :func:`check_exactly_once` for the
    rest; matching by SequenceNumber when known, so an A-B-A history read backwards is caught);
    the first pair of one item's records read in the wrong order is the witness.
    """
    view = _view_type(records)
    unique, _ = _dedupe(records)
    pairs, _, _ = _match(unique, _changes(writes, records, stream_arn), view)
    matched: dict[tuple[Any, ...], list[tuple[int, Mapping[str, Any]]]] = {}
    for change, record in pairs:
        matched.setdefault(_key_id(change.keys), []).append((change.index, record))
    anomalies: list[Anomaly] = []
    for key in sorted(matched):
        for (i, before), (j, after) in pairwise(matched[key]):
            if j < i:
                anomalies.append(
                    Anomaly(
                        "reordered",
                        f"item {after['dynamodb']['Keys']}: write #{j} "
                        f"({after['eventName']}) was read after write #{i} "
                        f"({before['eventName']}), though it was written before it",
                        {"read_first": _brief(before), "read_second": _brief(after)},
                    )
                )
                break
    return CheckResult(tuple(anomalies))


def check_sequence_numbers(records: StreamRead) -> CheckResult:
    """Within each shard, sequence numbers strictly increase and lie in the shard's range."""
    anomalies: list[Anomaly] = []
    for shard in records.shards:
        low = int(shard.starting_sequence_number)
        high = None if shard.ending_sequence_number is None else int(shard.ending_sequence_number)
        previous: Mapping[str, Any] | None = None
        for record in shard.records:
            sn = int(record["dynamodb"]["SequenceNumber"])
            if sn < low or (high is not None and sn > high):
                anomalies.append(
                    Anomaly(
                        "sequence-out-of-range",
                        f"shard {shard.shard_id} covers {low}..{high or ''} but holds "
                        f"SequenceNumber {sn}",
                        {"shard_id": shard.shard_id, "record": _brief(record)},
                    )
                )
            if previous is not None and sn <= int(previous["dynamodb"]["SequenceNumber"]):
                anomalies.append(
                    Anomaly(
                        "sequence-not-increasing",
                        f"shard {shard.shard_id}: SequenceNumber {sn} follows "
                        f"{previous['dynamodb']['SequenceNumber']}",
                        {
                            "shard_id": shard.shard_id,
                            "previous": _brief(previous),
                            "record": _brief(record),
                        },
                    )
                )
            previous = record
    return CheckResult(tuple(anomalies))


def check_children_after_parents(records: StreamRead) -> CheckResult:
    """Every shard was read after its parent (when the parent was read at all), and a
    child's records are numbered above its parent's end (rule A.10)."""
    anomalies: list[Anomaly] = []
    position = {shard.shard_id: i for i, shard in enumerate(records.shards)}
    by_id = {shard.shard_id: shard for shard in records.shards}
    for i, shard in enumerate(records.shards):
        parent_id = shard.parent_shard_id
        if parent_id is None or parent_id not in position:
            continue
        parent = by_id[parent_id]
        if position[parent_id] > i:
            anomalies.append(
                Anomaly(
                    "child-before-parent",
                    f"shard {shard.shard_id} was read before its parent {parent_id}",
                    {"child": shard.shard_id, "parent": parent_id},
                )
            )
        end = parent.ending_sequence_number
        if end is None or int(shard.starting_sequence_number) <= int(end):
            anomalies.append(
                Anomaly(
                    "child-before-parent",
                    f"shard {shard.shard_id} starts at {shard.starting_sequence_number}, not "
                    f"after its parent {parent_id} ends ({end or 'still open'})",
                    {
                        "child": shard.shard_id,
                        "child_start": shard.starting_sequence_number,
                        "parent": parent_id,
                        "parent_end": end,
                    },
                )
            )
    return CheckResult(tuple(anomalies))


def check_stream_history(
    records: Sequence[Mapping[str, Any]],
    writes: WriteLog | Iterable[Change],
    *,
    stream_arn: str | None = None,
) -> CheckResult:
    """All the checks: exactly once, per-item write order, and (for a :class:`StreamRead`)
    sequence numbers per shard and children after parents.

    Args:
        records: what :func:`read_stream` returned (or any list of ``Record`` dicts, for which
            only the first two checks can run).
        writes: a :class:`WriteLog` or the expected :class:`Change` list.  From a log, the
            changes expected are those made while the stream read was enabled: ``stream_arn``
            when given, else the :class:`StreamRead`'s stream, else the streams the records
            name (``eventSourceARN``), else any stream (never changes made with no stream).
        stream_arn: see ``writes``.

    Returns:
        a :class:`CheckResult`; ``result.valid``, ``result.witness``, ``result.explanation``.
    """
    if not isinstance(writes, WriteLog):
        writes = list(writes)
    result = check_exactly_once(records, writes, stream_arn=stream_arn)
    result = result + check_item_order(records, writes, stream_arn=stream_arn)
    if isinstance(records, StreamRead):
        result = result + check_sequence_numbers(records) + check_children_after_parents(records)
    return result
