"""The lab pipeline, built and run: producer -> Kinesis -> ingest -> table -> project, audit.

* A producer (``sim.every``, every ``interval`` virtual seconds) puts ``rate * interval``
  records to the Kinesis stream ``readings`` with PutRecords.  Each record is a JSON reading
  of one of :data:`SENSORS` sensors, whose name is the partition key, with a sequence number
  ``seq`` counting the records produced.
* Function 1, ``ingest``, reads the Kinesis stream through an event source mapping and writes
  each record as the sensor's item to the DynamoDB table ``readings`` (its partitions and a
  NEW_AND_OLD_IMAGES stream).
* Function 2, ``project``, reads the table's stream; function 3, ``audit``, reads it too through
  a second mapping, with reserved concurrency 1: its one instance serves every shard in turn, so
  it is throttled and its iterator age grows.

The run goes a virtual minute at a time (the lab reads the mappings' logs and draws the progress
bar between minutes), takes the shard lineage of both streams one minute before the end (at
23:59 of a 24-hour run: at 24:00 every DynamoDB shard hands over once more), stops the producer
at the end and lets the pipeline drain.
"""

from __future__ import annotations

import json
from binascii import a2b_base64
from collections import Counter
from datetime import timedelta
from typing import Any, TextIO

from streamsim._faces._kinesis_client import KinesisClient
from streamsim._faces._lambda_views import EventSourceMapping
from streamsim._faces._stream_views import Stream as StreamView
from streamsim._faces._table_face import Table
from streamsim._simulation import Simulation

from ._options import LabOptions
from ._progress_bar import ProgressBar
from ._report import FunctionReport, LabReport, kinesis_lineage_text
from ._watch import Deliveries, MappingWatch

STREAM = "readings"
TABLE = "readings"
SENSORS = 64
#: the functions: (name, fixed ms per invocation, ms per record)
INGEST = ("ingest", 100, 10)
PROJECT = ("project", 100, 1)
AUDIT = ("audit", 1_000, 0)
TIMEOUT_S = 60
MINUTE_MS = 60_000
#: the longest the pipeline may take to drain after the producer stops
DRAIN_LIMIT = timedelta(hours=24)


def _duration(fixed_ms: int, per_record_ms: int) -> Any:
    """A function's virtual duration: ``fixed_ms`` plus ``per_record_ms`` for each record."""
    if not per_record_ms:
        return timedelta(milliseconds=fixed_ms)

    def duration(event: dict[str, Any]) -> timedelta:
        return timedelta(milliseconds=fixed_ms + per_record_ms * len(event["Records"]))

    return duration


#: the sensors' names, made once: every record of a sensor shares its name (in the Kinesis
#: records' partition keys and, through ``_SENSOR_OF``, in the table's items and stream images)
SENSOR_NAMES = tuple(f"sensor-{n:02d}" for n in range(SENSORS))
_SENSOR_OF = {name: name for name in SENSOR_NAMES}


class Pipeline:
    """One run of the lab: the simulation, its resources and what the lab observes.

    Args:
        options: what to run.
    """

    def __init__(self, options: LabOptions) -> None:
        self.options = options
        self.sim = sim = Simulation(seed=options.seed)
        self.start_ms = sim.now_ms
        self.kinesis: KinesisClient = sim.client("kinesis")
        self.kinesis.create_stream(StreamName=STREAM, ShardCount=options.kinesis_shards)
        stream_arn = self.kinesis.describe_stream_summary(StreamName=STREAM)[
            "StreamDescriptionSummary"
        ]["StreamARN"]
        self.table: Table = sim.create_table(
            TABLE,
            hash_key="sensor",
            partitions=options.partitions,
            stream_view_type="NEW_AND_OLD_IMAGES",
        )
        table_stream = self.table.latest_stream_arn
        assert table_stream is not None  # created with a stream
        stream_view = self.table.stream
        assert stream_view is not None
        self.stream_view: StreamView = stream_view
        self.produced = 0
        self.rejected = 0
        self.table_writes = 0
        self.per_kinesis_shard: Counter[str] = Counter()
        self.ingested = Deliveries()
        self.projected = Deliveries()
        self.audited = Deliveries()
        self.watches: list[MappingWatch] = []
        for (name, fixed, per_record), handler, source, factor, reserved in (
            (INGEST, self._ingest, stream_arn, options.parallelization_factor, None),
            (PROJECT, self._project, table_stream, options.parallelization_factor, None),
            (AUDIT, self._audit, table_stream, 1, options.reserved_concurrency),
        ):
            self._function(name, handler, _duration(fixed, per_record), reserved)
            self._mapping(name, source, factor)
        self.producer = sim.every(timedelta(seconds=options.interval), self._produce)
        self._per_tick = options.rate_fraction * options.interval  # records, exactly
        self._tick = 0
        if options.split_at is not None:
            sim.call_at(timedelta(milliseconds=options.at_ms(options.split_at)), self._split)
        if options.reshard_at is not None:
            sim.call_at(timedelta(milliseconds=options.at_ms(options.reshard_at)), self._reshard)
        self.split_done_ms: int | None = None
        self.reshard_done_ms: int | None = None

    # --- building -------------------------------------------------------------------------------

    def _function(self, name: str, handler: Any, duration: Any, reserved: int | None) -> None:
        options: dict[str, Any] = {"timeout": TIMEOUT_S, "duration": duration}
        if reserved is not None:
            options["reserved_concurrency"] = reserved
        self.sim.create_function(name, handler, **options)

    def _mapping(self, name: str, source: str, factor: int) -> None:
        created = self.sim.client("lambda").create_event_source_mapping(
            FunctionName=name,
            EventSourceArn=source,
            StartingPosition=self.options.starting_position,
            BatchSize=self.options.batch_size,
            ParallelizationFactor=factor,
        )
        mapping: EventSourceMapping = self.sim.lambda_service.mapping(created["UUID"])
        self.watches.append(
            MappingWatch(
                mapping,
                start_ms=self.start_ms,
                horizon_ms=TIMEOUT_S * 1000,
                log_limit=self.sim.lambda_service.settings.invocation_log_limit,
            )
        )

    # --- the producer, the scheduled changes and the handlers -----------------------------------

    def _produce(self) -> None:
        """Put this interval's records (``rate`` a second, fractions carried exactly)."""
        rate = self._per_tick
        self._tick += 1
        due = int(rate * self._tick) - int(rate * (self._tick - 1))
        first = self.produced
        while due > 0:
            batch = min(due, 500)  # rule K.6: PutRecords takes 1-500 records
            entries = []
            for seq in range(first, first + batch):
                sensor = SENSOR_NAMES[seq % SENSORS]
                data = f'{{"sensor":"{sensor}","seq":{seq},"reading":{seq % 997}}}'
                entries.append({"Data": data.encode(), "PartitionKey": sensor})
            answer = self.kinesis.put_records(StreamName=STREAM, Records=entries)
            self.per_kinesis_shard.update(
                [result["ShardId"] for result in answer["Records"] if "ShardId" in result]
            )
            self.rejected += answer["FailedRecordCount"]
            first += batch
            due -= batch
        self.produced = first

    def _split(self) -> None:
        self.table.split_partition(0)
        self.split_done_ms = self.sim.now_ms

    def _reshard(self) -> None:
        summary = self.kinesis.describe_stream_summary(StreamName=STREAM)
        shards = summary["StreamDescriptionSummary"]["OpenShardCount"]
        self.kinesis.update_shard_count(
            StreamName=STREAM, TargetShardCount=2 * shards, ScalingType="UNIFORM_SCALING"
        )
        self.reshard_done_ms = self.sim.now_ms

    def _ingest(self, event: dict[str, Any], context: Any) -> None:
        """Function 1: each Kinesis record becomes the sensor's item in the table."""
        # Each record's data is one JSON object (the producer's), so the batch's texts joined
        # with commas are one JSON array: one json.loads for the batch instead of one a record
        # (half the cost of decoding).  a2b_base64 is b64decode without its Python wrapper; the
        # text is decoded as UTF-8 first (json.loads of bytes would guess their encoding).
        texts = b",".join([a2b_base64(item["kinesis"]["data"]) for item in event["Records"]])
        readings: list[dict[str, Any]] = json.loads("[" + texts.decode("utf-8") + "]")
        for reading in readings:
            reading["sensor"] = _SENSOR_OF.get(reading["sensor"], reading["sensor"])
        self.ingested.record_all([(reading["sensor"], reading["seq"]) for reading in readings])
        put = self.table.put_item
        for reading in readings:
            put(Item=reading)
        self.table_writes += len(readings)

    @staticmethod
    def _images(event: dict[str, Any], into: Deliveries) -> None:
        images = [item["dynamodb"]["NewImage"] for item in event["Records"]]
        into.record_all([(image["sensor"]["S"], int(image["seq"]["N"])) for image in images])

    def _project(self, event: dict[str, Any], context: Any) -> None:
        """Function 2: reads every change of the table from its stream."""
        self._images(event, self.projected)

    def _audit(self, event: dict[str, Any], context: Any) -> None:
        """Function 3: reads the same changes with a single instance (reserved concurrency)."""
        self._images(event, self.audited)

    # --- running --------------------------------------------------------------------------------

    def run(self, progress: TextIO | None = None, *, show: bool = False) -> LabReport:
        """Run the producer for the options' hours, drain, and report.

        Args:
            progress: where to draw the progress bar (when ``show``).
            show: draw it.
        """
        sim = self.sim
        total = self.options.duration_ms
        bar = ProgressBar(progress, total, enabled=show)
        snapshot_ms = self.start_ms + max(total - MINUTE_MS, 0)
        stops = sorted(
            {*range(self.start_ms + MINUTE_MS, self.start_ms + total, MINUTE_MS), snapshot_ms}
            | {self.start_ms + total}
        )
        lineage: tuple[str, str, int, int, int, int] | None = None
        for stop in stops:
            if stop > sim.now_ms:
                sim.advance(milliseconds=stop - sim.now_ms)
            self._collect()
            if stop == snapshot_ms:
                lineage = self._lineage()
            bar.update(stop - self.start_ms, self.produced)
        bar.finish(total, self.produced)
        assert lineage is not None
        end_ms = sim.now_ms
        self.producer.cancel()
        idle = sim.run_until_idle(DRAIN_LIMIT)
        self._collect()
        return self._report(lineage, snapshot_ms, end_ms, bool(idle))

    def _collect(self) -> None:
        now = self.sim.now_ms
        for watch in self.watches:
            watch.collect(now)

    def _lineage(self) -> tuple[str, str, int, int, int, int]:
        """Both streams' lineage now: texts, then listed and open shards of each."""
        shards: list[dict[str, Any]] = []
        for page in self.kinesis.get_paginator("list_shards").paginate(StreamName=STREAM):
            shards.extend(page["Shards"])
        kinesis_open = sum(
            1 for s in shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]
        )
        kinesis_text = kinesis_lineage_text(STREAM, shards, self.per_kinesis_shard)
        streams = self.sim.client("dynamodbstreams")
        table_shards: list[dict[str, Any]] = []
        request: dict[str, Any] = {"StreamArn": self.stream_view.arn}
        while True:
            desc = streams.describe_stream(**request)["StreamDescription"]
            table_shards.extend(desc["Shards"])
            if "LastEvaluatedShardId" not in desc:
                break
            request["ExclusiveStartShardId"] = desc["LastEvaluatedShardId"]
        table_open = sum(
            1 for s in table_shards if "EndingSequenceNumber" not in s["SequenceNumberRange"]
        )
        table_text = self.stream_view.lineage_text()
        return (
            kinesis_text,
            table_text,
            len(shards),
            kinesis_open,
            len(table_shards),
            table_open,
        )

    def _report(
        self,
        lineage: tuple[str, str, int, int, int, int],
        snapshot_ms: int,
        end_ms: int,
        drained: bool,
    ) -> LabReport:
        produced = self.produced
        functions = []
        for watch, (name, _, _), deliveries, source in zip(
            self.watches,
            (INGEST, PROJECT, AUDIT),
            (self.ingested, self.projected, self.audited),
            (f"Kinesis stream {STREAM}", "the table's stream", "the table's stream"),
            strict=True,
        ):
            function = self.sim.lambda_service.function(name)
            functions.append(
                FunctionReport(
                    name=name,
                    source=source,
                    reserved_concurrency=function.reserved_concurrency,
                    parallelization_factor=watch.mapping.config.parallelization_factor,
                    peak_concurrency=function.peak_concurrency,
                    throttles=function.throttles,
                    errors=function.errors,
                    instances=watch.instances(),
                    deliveries=deliveries.summary(produced),
                )
            )
        kinesis_text, table_text, k_listed, k_open, t_listed, t_open = lineage
        return LabReport(
            options=self.options,
            start_ms=self.start_ms,
            snapshot_ms=snapshot_ms,
            end_ms=end_ms,
            drained_ms=self.sim.now_ms,
            drained=drained,
            produced=produced,
            rejected=self.rejected,
            table_writes=self.table_writes,
            kinesis_lineage=kinesis_text,
            kinesis_shards=k_listed,
            kinesis_open_shards=k_open,
            table_lineage=table_text,
            table_shards=t_listed,
            table_open_shards=t_open,
            split_ms=self.split_done_ms,
            reshard_ms=self.reshard_done_ms,
            functions=tuple(functions),
        )


def run_lab(
    options: LabOptions | None = None, *, progress: TextIO | None = None, show: bool = False
) -> LabReport:
    """Run the lab pipeline and return its report (``str(report)`` is what the command prints).

    Args:
        options: what to run (default: ``LabOptions()``, 24 virtual hours).
        progress: a text stream for the progress bar, drawn only when ``show`` is true.
        show: draw the progress bar.

    >>> report = run_lab(LabOptions(hours=0.25, rate=2))
    >>> report.produced, report.functions[1].deliveries.exactly_once_in_order
    (1800, True)
    """
    return Pipeline(options or LabOptions()).run(progress, show=show)
