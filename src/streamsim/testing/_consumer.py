"""Consumer side: record what each invocation of a handler got and did, then check it.

:class:`ConsumerHistory` wraps a stream handler (``history.wrap(handler)``) and records, per
invocation, an :class:`Attempt`: the records delivered (sequence numbers, event names, keys),
the response or the error, and every change the handler made to the *sink* tables while it
ran (a handler runs at one virtual instant, so whatever a watched table commits during the
call is the call's).  After a run, :meth:`ConsumerHistory.attempts` joins each attempt with
the mapping's invocation log (by request id): its outcome, its attempt number, its shard, and
how many of its records the mapping took as processed (``committed``: all of a success, the
records before the lowest one a ReportBatchItemFailures response named, none of a failure).

The checkers read that history (Elle style: ``valid``, a minimal witness, an explanation):

* :func:`check_no_lost_change`: every change of the source table was committed by some
  invocation;
* :func:`check_no_duplicate_effect`: no record was committed twice;
* :func:`check_consumer_order`: each item's records were committed in sequence-number order;
* :func:`check_lineage_order`: no record of a child shard was committed before every record
  of its parents;
* :func:`check_convergence`: a sink's items equal what a model of the source table says,
  with the attempts that wrote a diverging item as the explanation (a duplicate effect of a
  retried batch shows there: the failed attempt's writes, then the retry's).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from streamsim._items import item_to_python

from ._history import Anomaly, Change, CheckResult, WriteLog

SUCCESS = "success"
PARTIAL_FAILURE = "partial_failure"


@attrs.frozen(kw_only=True)
class Delivered:
    """One record as a handler received it (plain data).

    Attributes:
        sequence_number: ``dynamodb.SequenceNumber``; event_id: ``eventID``;
        event_name: ``INSERT`` / ``MODIFY`` / ``REMOVE``; keys: ``dynamodb.Keys`` (DynamoDB
        JSON); stream_arn: ``eventSourceARN``.
    """

    sequence_number: str
    event_id: str
    event_name: str
    keys: Mapping[str, Any]
    stream_arn: str

    def __str__(self) -> str:
        keys = ",".join(f"{k}={_plain(v)}" for k, v in sorted(self.keys.items()))
        return f"{self.sequence_number} {self.event_name} {keys}"


def _plain(value: Mapping[str, Any]) -> Any:
    ((kind, raw),) = value.items()
    return raw if kind in ("S", "N") else value


@attrs.frozen(kw_only=True)
class Attempt:
    """One invocation of the wrapped handler, as the consumer saw it, with its outcome.

    Attributes:
        number: 1 for the first call of the handler, 2 for the second, ...
        request_id: the invocation's ``aws_request_id``.
        at_ms: virtual time of the call.
        records: the :class:`Delivered` records, in event order.
        response: what the handler returned (None when it raised).
        error: ``"Type: message"`` of what the handler raised, else None.
        writes: the changes the handler made to the sink tables, in commit order.
        outcome: the mapping's verdict (``success``, ``partial_failure``, ``function_error``,
            ``timeout``), or None when the invocation is unknown to every mapping (in flight,
            or not invoked by a mapping).
        attempt: the mapping's attempt number for these records (1 = first delivery).
        shard_id: the shard the records came from (None when unknown).
        committed: how many of ``records`` (a prefix) the mapping took as processed.
    """

    number: int
    request_id: str
    at_ms: int
    records: tuple[Delivered, ...]
    response: Any = None
    error: str | None = None
    writes: tuple[Change, ...] = ()
    outcome: str | None = None
    attempt: int | None = None
    shard_id: str | None = None
    committed: int = 0

    def render(self) -> str:
        """Two or more lines: the call, then what it wrote."""
        verdict = self.outcome or "no outcome yet"
        error = f" ({self.error})" if self.error else ""
        records = "; ".join(str(r) for r in self.records) or "no records"
        head = (
            f"#{self.number} t={self.at_ms}ms {self.shard_id or '?'} attempt {self.attempt or '?'}"
            f": [{records}] -> {verdict}{error}, committed {self.committed}/{len(self.records)}"
        )
        lines = [head]
        lines.extend(f"    wrote {_render_change(c)}" for c in self.writes)
        return "\n".join(lines)


def _render_change(change: Change) -> str:
    image = change.new_image if change.new_image is not None else change.keys
    return f"{change.event_name} {item_to_python(image)}"


class ConsumerHistory:
    """What a wrapped handler was given and did, invocation by invocation.

    Args:
        sim: the :class:`~streamsim.Simulation` (its mappings' invocation logs give outcomes).
        sinks: tables the handler writes to; their changes are attributed to the invocation
            that made them.

    >>> from streamsim import Simulation
    >>> sim = Simulation(seed=1)
    >>> history = ConsumerHistory(sim)
    >>> handler = history.wrap(lambda event, context: None)
    >>> history.attempts()
    []
    """

    def __init__(self, sim: Any, *, sinks: Iterable[Any] = ()) -> None:
        self._sim = sim
        self._logs = [WriteLog(table) for table in sinks]
        self._raw: list[dict[str, Any]] = []

    def wrap(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """``handler`` recording each call into this history (errors pass through unchanged)."""

        @functools.wraps(handler)
        def recorded(event: dict[str, Any], context: Any) -> Any:
            entry: dict[str, Any] = {
                "number": len(self._raw) + 1,
                "request_id": getattr(context, "aws_request_id", ""),
                "at_ms": self._sim.now_ms,
                "records": tuple(_delivered(r) for r in event.get("Records", ())),
                "marks": [len(log.changes) for log in self._logs],
            }
            self._raw.append(entry)
            try:
                response = handler(event, context)
            except BaseException as exc:
                entry["error"] = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                entry["writes"] = self._writes_since(entry["marks"])
            entry["response"] = response
            return response

        return recorded

    def _writes_since(self, marks: Sequence[int]) -> tuple[Change, ...]:
        found = [c for log, mark in zip(self._logs, marks, strict=True) for c in log.changes[mark:]]
        return tuple(sorted(found, key=lambda c: (c.at_ms, c.index)))

    def attempts(self) -> list[Attempt]:
        """Every call so far, joined with the outcome its mapping logged."""
        outcomes: dict[str, Any] = {}
        for mapping in self._sim.lambda_service.mappings.values():
            for invocation in mapping.invocation_log:
                outcomes[invocation.request_id] = invocation
        found: list[Attempt] = []
        for entry in self._raw:
            records = entry["records"]
            logged = outcomes.get(entry["request_id"])
            outcome = None if logged is None else logged.outcome
            committed = 0
            if outcome == SUCCESS:
                committed = len(records)
            elif outcome == PARTIAL_FAILURE:
                committed = _first_failed(entry.get("response"), records)
            found.append(
                Attempt(
                    number=entry["number"],
                    request_id=entry["request_id"],
                    at_ms=entry["at_ms"],
                    records=records,
                    response=entry.get("response"),
                    error=entry.get("error"),
                    writes=entry.get("writes", ()),
                    outcome=outcome,
                    attempt=None if logged is None else logged.attempt,
                    shard_id=None if logged is None else logged.shard_id,
                    committed=committed,
                )
            )
        return found

    def committed(self) -> list[tuple[Attempt, Delivered]]:
        """Every record the mappings took as processed, in the order they were committed."""
        return [(a, r) for a in self.attempts() for r in a.records[: a.committed]]

    def render(self, *, limit: int | None = 30) -> str:
        """The attempts, one block each (the last ``limit``; None: all)."""
        attempts = self.attempts()
        if not attempts:
            return "(the handler was never called)"
        skipped = 0 if limit is None else max(0, len(attempts) - limit)
        lines = [f"... {skipped} earlier attempts"] if skipped else []
        lines.extend(a.render() for a in attempts[skipped:])
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def __len__(self) -> int:
        return len(self._raw)

    def __repr__(self) -> str:
        return f"<ConsumerHistory attempts={len(self._raw)} sinks={len(self._logs)}>"


def _delivered(record: Mapping[str, Any]) -> Delivered:
    body = record.get("dynamodb", {})
    return Delivered(
        sequence_number=str(body.get("SequenceNumber", "")),
        event_id=str(record.get("eventID", "")),
        event_name=str(record.get("eventName", "")),
        keys=dict(body.get("Keys", {})),
        stream_arn=str(record.get("eventSourceARN", "")),
    )


def _first_failed(response: Any, records: Sequence[Delivered]) -> int:
    """Index of the lowest record a ReportBatchItemFailures response names (rule D.6)."""
    index = {r.sequence_number: i for i, r in enumerate(records)}
    failures = response.get("batchItemFailures") if isinstance(response, dict) else None
    named = [
        index[f["itemIdentifier"]]
        for f in failures or ()
        if isinstance(f, dict) and f.get("itemIdentifier") in index
    ]
    return min(named, default=len(records))


# --- checkers -------------------------------------------------------------------------------------


def _key_id(keys: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted((name, repr(value)) for name, value in keys.items()))


def check_no_lost_change(history: ConsumerHistory, source: WriteLog) -> CheckResult:
    """Every change of the source table (made while a stream was enabled) was committed.

    A change counts as processed once an invocation that carried its record ended with that
    record committed (rule D.6).  The witness is the first change never committed, with the
    attempts that were given it (none: it was never delivered, e.g. trimmed or given up).
    """
    attempts = history.attempts()
    committed: set[tuple[str, str]] = set()
    delivered: dict[tuple[str, str], list[Attempt]] = {}
    for attempt in attempts:
        for i, record in enumerate(attempt.records):
            key = (record.stream_arn, record.sequence_number)
            delivered.setdefault(key, []).append(attempt)
            if i < attempt.committed:
                committed.add(key)
    for change in source.streamed():
        assert change.stream_arn is not None
        key = (change.stream_arn, change.sequence_number or "")
        if key in committed:
            continue
        tried = delivered.get(key, [])
        if tried:
            how = "; ".join(f"#{a.number} {a.outcome or 'no outcome yet'}" for a in tried)
            explanation = (
                f"write #{change.index} ({change.event_name} of {change.keys}, SequenceNumber "
                f"{change.sequence_number}) was delivered but never processed: attempts {how}"
            )
        else:
            explanation = (
                f"write #{change.index} ({change.event_name} of {change.keys}, SequenceNumber "
                f"{change.sequence_number}) was never delivered to the handler"
            )
        witness = {"change": change, "attempts": [a.render() for a in tried]}
        return CheckResult((Anomaly("lost", explanation, witness),))
    return CheckResult()


def check_no_duplicate_effect(history: ConsumerHistory) -> CheckResult:
    """No record was committed twice (a record processed successfully is never redelivered).

    Redelivery of records whose invocation failed is expected (at-least-once); whether the
    handler's effects stay single under it is what :func:`check_convergence` judges, with
    the failed attempt's writes in its explanation.
    """
    first: dict[tuple[str, str], Attempt] = {}
    for attempt in history.attempts():
        for record in attempt.records[: attempt.committed]:
            key = (record.stream_arn, record.sequence_number)
            earlier = first.get(key)
            if earlier is not None:
                return CheckResult(
                    (
                        Anomaly(
                            "duplicated",
                            f"record {record} was processed twice: by attempt "
                            f"#{earlier.number} and again by #{attempt.number}",
                            {"first": earlier.render(), "second": attempt.render()},
                        ),
                    )
                )
            first[key] = attempt
    return CheckResult()


def check_consumer_order(history: ConsumerHistory) -> CheckResult:
    """Each item's records were committed in increasing sequence-number order (rule B.3, D.4).

    Sequence numbers are compared as numbers (AWS's are 21 to 40 digits).
    """
    last: dict[tuple[str, tuple[Any, ...]], tuple[Attempt, Delivered]] = {}
    for attempt, record in history.committed():
        key = (record.stream_arn, _key_id(record.keys))
        previous = last.get(key)
        if previous is not None and int(previous[1].sequence_number) >= int(record.sequence_number):
            return CheckResult(
                (
                    Anomaly(
                        "reordered",
                        f"item {dict(record.keys)}: record {record.sequence_number} was "
                        f"processed (attempt #{attempt.number}) after record "
                        f"{previous[1].sequence_number} (attempt #{previous[0].number})",
                        {"first": previous[0].render(), "second": attempt.render()},
                    ),
                )
            )
        last[key] = (attempt, record)
    return CheckResult()


def check_lineage_order(history: ConsumerHistory, parents: Mapping[str, str | None]) -> CheckResult:
    """No record of a shard was committed before every committed record of its parent shard.

    Args:
        history: the consumer's history.
        parents: ``{shard_id: parent_shard_id}`` (e.g. from :func:`shard_parents`).
    """
    last_commit: dict[str, int] = {}
    first_commit: dict[str, tuple[int, Attempt]] = {}
    for attempt in history.attempts():
        if attempt.committed and attempt.shard_id is not None:
            last_commit[attempt.shard_id] = attempt.number
            first_commit.setdefault(attempt.shard_id, (attempt.number, attempt))
    for shard_id, (number, attempt) in sorted(first_commit.items()):
        parent = parents.get(shard_id)
        if parent is not None and last_commit.get(parent, 0) > number:
            return CheckResult(
                (
                    Anomaly(
                        "child-before-parent",
                        f"shard {shard_id} had records processed (attempt #{number}) before "
                        f"its parent {parent} was done (attempt #{last_commit[parent]})",
                        {"child": shard_id, "parent": parent, "attempt": attempt.render()},
                    ),
                )
            )
    return CheckResult()


def shard_parents(sim: Any, stream_arn: str) -> dict[str, str | None]:
    """``{shard_id: parent_shard_id}`` of a stream, through DescribeStream."""
    client = sim.client("dynamodbstreams")
    found: dict[str, str | None] = {}
    params: dict[str, Any] = {"StreamArn": stream_arn}
    while True:
        description = client.describe_stream(**params)["StreamDescription"]
        for shard in description["Shards"]:
            found[shard["ShardId"]] = shard.get("ParentShardId")
        last = description.get("LastEvaluatedShardId")
        if not last:
            return found
        params["ExclusiveStartShardId"] = last


def table_items(table: Any) -> list[dict[str, Any]]:
    """Every item of a table (a full Scan, following pagination), as plain Python values."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    while True:
        page = table.scan(**params)
        items.extend(page["Items"])
        last = page.get("LastEvaluatedKey")
        if not last:
            return items
        params["ExclusiveStartKey"] = last


def _canonical(value: Any) -> str:
    """A sortable text of a key value, numbers compared by value (1 == Decimal("1.0"))."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f"N:{Decimal(str(value)).normalize()}"
    return f"{type(value).__name__}:{value!r}"


def check_convergence(
    actual: Iterable[Mapping[str, Any]],
    expected: Iterable[Mapping[str, Any]],
    *,
    key: Sequence[str],
    history: ConsumerHistory | None = None,
) -> CheckResult:
    """The sink holds exactly the items a model of the source says it should.

    Args:
        actual: the sink's items (plain Python values, e.g. :func:`table_items`).
        expected: the items the model computes from the source table.
        key: the names of the sink's key attributes.
        history: when given, the explanation lists the attempts that wrote the first item
            that differs (a retried batch's double effect shows as two attempts' writes).
    """
    names = tuple(key)

    def ident(item: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(_canonical(item.get(name)) for name in names)

    have = {ident(item): dict(item) for item in actual}
    want = {ident(item): dict(item) for item in expected}
    for ident_ in sorted(set(have) | set(want)):
        got, should = have.get(ident_), want.get(ident_)
        if got == should:
            continue
        label = {name: (got or should or {}).get(name) for name in names}
        if got is None:
            what = f"item {label} is missing from the sink; the model has {should}"
        elif should is None:
            what = f"the sink holds {got}, which the model does not have"
        else:
            what = f"item {label} is {got} in the sink but {should} in the model"
        writers: list[str] = []
        if history is not None:
            for attempt in history.attempts():
                touched = [
                    c
                    for c in attempt.writes
                    if ident(item_to_python(c.new_image or c.old_image or c.keys)) == ident_
                ]
                if touched:
                    writers.append(attempt.render())
        if writers:
            what += ". Attempts that wrote it:\n" + "\n".join(writers)
        return CheckResult(
            (
                Anomaly(
                    "diverged",
                    what,
                    {"key": label, "sink": got, "model": should, "writers": writers},
                ),
            )
        )
    return CheckResult()
