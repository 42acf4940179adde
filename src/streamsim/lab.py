"""The lab pipeline as a library: what ``python -m streamsim lab`` runs and prints.

A producer writes readings to a Kinesis stream; function ``ingest`` reads the stream and writes
each reading to a DynamoDB table with 4 partitions and a NEW_AND_OLD_IMAGES stream; function
``project`` reads the table's stream, and so does function ``audit``, with reserved concurrency 1.
:func:`run_lab` runs it for a number of virtual hours and returns a :class:`LabReport`, whose
text (``str(report)``) shows the shard lineage of both streams, the Lambda instances per shard,
the effect of reserved concurrency 1 and the records end to end.

>>> from streamsim.lab import LabOptions, run_lab
>>> report = run_lab(LabOptions(hours=0.5, rate=1))
>>> report.produced, report.function("audit").peak_concurrency
(1800, 1)
"""

from __future__ import annotations

from streamsim._lab._options import LabOptions as LabOptions
from streamsim._lab._pipeline import run_lab as run_lab
from streamsim._lab._report import FunctionReport as FunctionReport
from streamsim._lab._report import LabReport as LabReport
from streamsim._lab._watch import DeliverySummary as DeliverySummary
from streamsim._lab._watch import Instances as Instances

__all__ = ["DeliverySummary", "FunctionReport", "Instances", "LabOptions", "LabReport", "run_lab"]
