"""The lab's report: its numbers as frozen values, and the text ``python -m streamsim lab`` prints.

The text has four parts, one per lesson: the shard lineage of both streams, Lambda instances
per shard, what reserved concurrency 1 does to function 3, and the records end to end.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from streamsim._clock import ms_to_datetime

from ._options import LabOptions
from ._watch import AGE_WINDOW_HOURS, DeliverySummary, Instances

#: Kinesis hash keys are 128-bit (rule K.5).
HASH_SPACE = 1 << 128
#: The report's prose is wrapped at this width (the trees and tables are not).
WIDTH = 100


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


@attrs.frozen(kw_only=True)
class FunctionReport:
    """One function of the pipeline and the mapping that feeds it.

    Attributes:
        name: ``ingest``, ``project`` or ``audit``.
        source: what its mapping reads, in words.
        reserved_concurrency: its reserved concurrency, or None.
        parallelization_factor: its mapping's ParallelizationFactor.
        peak_concurrency: the most instances of it that ran at once.
        throttles: invocations refused for want of a free instance.
        errors: invocations that failed (none in the lab: its handlers do not fail).
        instances: what the lab saw of its mapping's instances and iterator age.
        deliveries: the produced records it received.
    """

    name: str
    source: str
    reserved_concurrency: int | None
    parallelization_factor: int
    peak_concurrency: int
    throttles: int
    errors: int
    instances: Instances
    deliveries: DeliverySummary


@attrs.frozen(kw_only=True)
class LabReport:
    """What a run of the lab found (``str(report)``: the text the command prints).

    Attributes:
        options: what ran.
        start_ms / snapshot_ms / end_ms / drained_ms: virtual instants (epoch ms) of the start,
            of the lineage snapshot (one minute before the end), of the end of production and
            of the end of the drain.
        drained: every mapping caught up after production stopped (within 24 virtual hours).
        produced: records Kinesis accepted; rejected: records PutRecords refused.
        table_writes: items function 1 wrote to the table.
        kinesis_lineage / table_lineage: the two streams' shard trees at ``snapshot_ms``.
        kinesis_shards / kinesis_open_shards: shards ListShards listed then, and how many open.
        table_shards / table_open_shards: the same for the table's stream (DescribeStream).
        split_ms / reshard_ms: when the table split and the Kinesis reshard happened, if asked.
        functions: ``ingest``, ``project`` and ``audit``, in that order.
    """

    options: LabOptions
    start_ms: int
    snapshot_ms: int
    end_ms: int
    drained_ms: int
    drained: bool
    produced: int
    rejected: int
    table_writes: int
    kinesis_lineage: str
    kinesis_shards: int
    kinesis_open_shards: int
    table_lineage: str
    table_shards: int
    table_open_shards: int
    split_ms: int | None
    reshard_ms: int | None
    functions: tuple[FunctionReport, ...]

    def function(self, name: str) -> FunctionReport:
        """The report of the function called ``name``."""
        return next(f for f in self.functions if f.name == name)

    def lesson(self, number: int) -> str:
        """Part ``number`` of the text: 0 the heading, 1 the shard lineage, 2 the instances per
        shard, 3 reserved concurrency, 4 the records end to end.

        Raises:
            IndexError: no such part.
        """
        return "\n".join(_parts(self)[number])

    def __str__(self) -> str:
        return render(self)


def _when(ms: int) -> str:
    return ms_to_datetime(ms).strftime("%Y-%m-%d %H:%M:%S")


def _span(ms: int) -> str:
    """Virtual time as ``1 h 02 min 03.5 s``, shortest form.

    >>> _span(3_723_500), _span(250), _span(61_000)
    ('1 h 02 min 03.5 s', '0.25 s', '1 min 01.0 s')
    """
    if ms < 60_000:
        return f"{ms / 1000:g} s"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds = f"{rest / 1000:04.1f} s"
    if hours:
        return f"{hours} h {minutes:02d} min {seconds}"
    return f"{minutes} min {seconds}"


def _share(hash_key: str) -> str:
    return f"{int(hash_key) * 100 / HASH_SPACE:5.1f}%"


def kinesis_lineage_text(
    name: str, shards: Sequence[Mapping[str, Any]], records: Mapping[str, int]
) -> str:
    """A Kinesis stream's listed shards (ListShards entries) as an ASCII tree.

    Children sit under their ``ParentShardId``; a merged shard names its
    ``AdjacentParentShardId`` too.  Each line gives the shard's state, the records the lab
    wrote to it and its share of the hash key space.

    >>> shards = [{"ShardId": "shardId-000000000000",
    ...            "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": str(2**128 - 1)},
    ...            "SequenceNumberRange": {"StartingSequenceNumber": "1"}}]
    >>> print(kinesis_lineage_text("s", shards, {"shardId-000000000000": 7}))
    <Kinesis stream s shards=1 open=1>
    `-- shardId-000000000000 open           7 records  hash   0.0% .. 100.0%
    """
    listed = {s["ShardId"] for s in shards}
    children: dict[str | None, list[Mapping[str, Any]]] = {}
    for shard in shards:
        parent = shard.get("ParentShardId")
        children.setdefault(parent if parent in listed else None, []).append(shard)
    open_count = sum(1 for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"])
    lines = [f"<Kinesis stream {name} shards={len(shards)} open={open_count}>"]

    def walk(parent: str | None, prefix: str) -> None:
        kids = sorted(children.get(parent, []), key=lambda s: s["ShardId"])
        for i, shard in enumerate(kids):
            last = i == len(kids) - 1
            state = "closed" if "EndingSequenceNumber" in shard["SequenceNumberRange"] else "open"
            hashes = shard["HashKeyRange"]
            end = str(int(hashes["EndingHashKey"]) + 1)
            adjacent = shard.get("AdjacentParentShardId")
            merged = f"  (merged with {adjacent})" if adjacent else ""
            lines.append(
                f"{prefix}{'`-- ' if last else '+-- '}{shard['ShardId']} {state:<6} "
                f"{records.get(shard['ShardId'], 0):>9,} records  "
                f"hash {_share(hashes['StartingHashKey'])} .. {_share(end)}{merged}"
            )
            walk(shard["ShardId"], prefix + ("    " if last else "|   "))

    walk(None, "")
    return "\n".join(lines)


def _s(count: float) -> str:
    return "" if count == 1 else "s"


def _settings_line(options: LabOptions) -> str:
    changes = []
    if options.split_at is not None:
        changes.append(f"table partition 0 splits at hour {options.split_at:g}")
    if options.reshard_at is not None:
        changes.append(f"Kinesis shards double at hour {options.reshard_at:g}")
    return _wrap(
        f"{options.hours:g} virtual hour{_s(options.hours)}; {options.rate:g} "
        f"record{_s(options.rate)}/s (a PutRecords batch every "
        f"{options.interval} s) into "
        f"{options.kinesis_shards} Kinesis shard(s); a table of {options.partitions} "
        f"partition(s); BatchSize {options.batch_size}, StartingPosition "
        f"{options.starting_position}, ParallelizationFactor {options.parallelization_factor} "
        f"(ingest, project); audit's reserved concurrency {options.reserved_concurrency}; "
        f"seed {options.seed}" + "".join(f"; {c}" for c in changes),
        "  ",
    )


def _lineage_part(report: LabReport) -> list[str]:
    at = _when(report.snapshot_ms)
    return [
        f"1. Shard lineage at {at} (one minute before the end)",
        "",
        _wrap(
            f"Kinesis stream: {report.kinesis_shards} shards listed by ListShards, "
            f"{report.kinesis_open_shards} open.  Kinesis shards never rotate by themselves: "
            "only a reshard (--reshard-at) closes a shard and gives it children."
        ),
        report.kinesis_lineage,
        "",
        _wrap(
            f"The table's stream: {report.table_shards} shards listed by DescribeStream, "
            f"{report.table_open_shards} open.  Each shard hands over to a child every 4 hours, "
            "one chain per partition; a partition split (--split-at) gives a shard two children."
        ),
        report.table_lineage,
    ]


def _instances_part(report: LabReport) -> list[str]:
    lines = [
        _wrap(
            "2. Lambda instances per shard: a mapping runs one instance per shard at a time "
            "(ParallelizationFactor N: N per shard)"
        ),
        "",
        f"  {'function':<9} {'reads':<24} {'shards read':>11} {'most at once on a shard':>24} "
        f"{'peak instances':>15}",
    ]
    for f in report.functions:
        lines.append(
            f"  {f.name:<9} {f.source:<24} {f.instances.shards_read:>11} "
            f"{f.instances.most_per_shard:>24} {f.peak_concurrency:>15}"
        )
    lines.append(
        _wrap(
            f"(open shards at the end: Kinesis {report.kinesis_open_shards}, table stream "
            f"{report.table_open_shards}; the peak instances of a function stay within its "
            "stream's open shards times ParallelizationFactor)",
            "  ",
        )
    )
    return lines


def _ages(head: str, instances: Instances) -> list[str]:
    """``head`` and the windows' ages, wrapped between windows (never inside one)."""
    lines: list[str] = []
    current = head
    for hour, age in instances.age_windows:
        item = f"{hour:02d}-{hour + AGE_WINDOW_HOURS:02d}h {_span(age)}"
        joined = f"{current} | {item}" if current.endswith("s") else f"{current} {item}"
        if len(joined) > WIDTH:
            lines.append(current)
            joined = f"    {item}"
        current = joined
    return [*lines, current]


def _reserved_part(report: LabReport) -> list[str]:
    project, audit = report.function("project"), report.function("audit")
    reserved = audit.reserved_concurrency
    lines = [
        _wrap(
            f"3. Reserved concurrency {reserved} (audit): at most {reserved} instance(s) at a "
            "time for all the open shards of the table's stream, which wait their turn"
        ),
        "",
        f"  throttles:        project {project.throttles:,}, audit {audit.throttles:,}",
        f"  peak instances:   project {project.peak_concurrency}, audit "
        f"{audit.peak_concurrency} (reserved {reserved})",
        f"  max iterator age: project {_span(project.instances.max_iterator_age_ms)}, audit "
        f"{_span(audit.instances.max_iterator_age_ms)}",
        *_ages(f"  audit's max iterator age per {AGE_WINDOW_HOURS} hours:", audit.instances),
    ]
    return lines


def _delivery(f: FunctionReport) -> str:
    d = f.deliveries
    verdict = "yes" if d.exactly_once_in_order else "NO"
    return (
        f"  {f.name:<8}{d.received:>11,} received; once each, in key order: {verdict:<3} "
        f"(missing {d.missing:,}, twice {d.duplicates:,}, out of order {d.out_of_order:,})"
    )


def _records_part(report: LabReport) -> list[str]:
    drain = _span(report.drained_ms - report.end_ms)
    drained = (
        f"drained {drain} after the producer stopped, at {_when(report.drained_ms)}"
        if report.drained
        else f"NOT drained {drain} after the producer stopped"
    )
    lines = [
        _wrap(
            "4. Records end to end (each produced record: a Kinesis put, a delivery to ingest, a "
            "table write, a delivery to project and one to audit)"
        ),
        "",
        _wrap(
            f"produced {report.produced:,} (PutRecords refused {report.rejected:,}); the table "
            f"took {report.table_writes:,} writes; {drained}; failed invocations: "
            + ", ".join(f"{f.name} {f.errors:,}" for f in report.functions),
            "  ",
        ),
    ]
    lines.extend(_delivery(f) for f in report.functions)
    incomplete = [f.name for f in report.functions if not f.instances.complete]
    if incomplete:
        lines.append(
            _wrap(
                f"(the invocation logs of {', '.join(incomplete)} dropped entries before the lab "
                "read them: the instance counts above may miss some)",
                "  ",
            )
        )
    return lines


def render(report: LabReport) -> str:
    """The report as the command prints it."""
    return "\n\n".join("\n".join(part) for part in _parts(report))


def _parts(report: LabReport) -> list[list[str]]:
    """The heading and the four lessons, each as lines."""
    head = [
        "streamsim lab: producer -> Kinesis -> ingest -> DynamoDB table -> stream -> "
        "project, audit",
        _settings_line(report.options),
        f"  from {_when(report.start_ms)} to {_when(report.end_ms)} (virtual)",
    ]
    return [
        head,
        _lineage_part(report),
        _instances_part(report),
        _reserved_part(report),
        _records_part(report),
    ]
