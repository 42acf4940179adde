"""streamsim: DynamoDB Streams and the Lambda poller, simulated in memory and in virtual time.

The public surface is small, and every name in it is something a call hands back or takes:

* :class:`Simulation` owns virtual time, the seeded random source and every resource.  It
  creates tables (:class:`Table`, shaped like boto3's resource Table), Lambda functions
  (:class:`Function`) and queues (:class:`Queue`), and hands out boto3-shaped clients:
  ``sim.client("dynamodb")`` is a :class:`DynamoDBClient`, ``"dynamodbstreams"`` a
  :class:`DynamoDBStreamsClient`, ``"lambda"`` a :class:`LambdaClient` and ``"kinesis"`` a
  :class:`KinesisClient` (Kinesis Data Streams).
* Read-only views of the simulated world, for a notebook or a test to look at: a table's
  :class:`Stream` (``table.stream``, ``sim.streams``), its :class:`Shard` objects and their
  :class:`StreamRecord` values; ``sim.lambda_service`` (a :class:`LambdaService`) with each
  :class:`EventSourceMapping`, its :class:`MappingConfig` and :class:`MappingMetrics`
  (:class:`MetricsSnapshot`, and the :class:`Invocation`, :class:`Discard` and
  :class:`IteratorAge` entries of its logs); on-failure destinations (:class:`Queue`,
  :class:`Topic`, :class:`Bucket`); a Kinesis data stream's :class:`KinesisStream`
  (``sim.kinesis_streams``, ``sim.kinesis_stream(name)``) and its :class:`KinesisShard`
  objects.  A handler receives a :class:`LambdaContext`.
* Pictures (:class:`Picture`: ``stream.lineage()``, ``stream.counts()``,
  ``mapping.timeline()``, ``function.timeline()``) and the logs they are drawn from: a stream's
  lifecycle log of :class:`StreamEvent` and a mapping's history of :class:`MappingEvent`.
* Settings for behaviour that AWS leaves open: :class:`StreamSettings`, :class:`TTLSettings`,
  :class:`SplitPolicy`, :class:`LambdaSettings` and :class:`KinesisSettings`; :class:`Binary`
  for binary attributes.
* every AWS error class, under its AWS name; :mod:`streamsim.testing` has the consumer-side
  checking toolkit.
"""

from __future__ import annotations

from streamsim._dynamodb._splits import SplitPolicy as SplitPolicy
from streamsim._dynamodb._ttl import TTLSettings as TTLSettings
from streamsim._faces._destination_views import Bucket as Bucket
from streamsim._faces._destination_views import Queue as Queue
from streamsim._faces._destination_views import Topic as Topic
from streamsim._faces._dynamodb_client import DynamoDBClient as DynamoDBClient
from streamsim._faces._kinesis_client import KinesisClient as KinesisClient
from streamsim._faces._kinesis_views import KinesisShard as KinesisShard
from streamsim._faces._kinesis_views import KinesisStream as KinesisStream
from streamsim._faces._lambda_client import LambdaClient as LambdaClient
from streamsim._faces._lambda_views import EventSourceMapping as EventSourceMapping
from streamsim._faces._lambda_views import Function as Function
from streamsim._faces._lambda_views import LambdaService as LambdaService
from streamsim._faces._lambda_views import MappingMetrics as MappingMetrics
from streamsim._faces._stream_views import Shard as Shard
from streamsim._faces._stream_views import Stream as Stream
from streamsim._faces._streams_client import DynamoDBStreamsClient as DynamoDBStreamsClient
from streamsim._faces._table_face import Table as Table
from streamsim._items import Binary as Binary
from streamsim._kinesis._settings import KinesisSettings as KinesisSettings
from streamsim._lambda._config import MappingConfig as MappingConfig
from streamsim._lambda._functions import LambdaContext as LambdaContext
from streamsim._lambda._metrics import Discard as Discard
from streamsim._lambda._metrics import Invocation as Invocation
from streamsim._lambda._metrics import IteratorAge as IteratorAge
from streamsim._lambda._metrics import MappingEvent as MappingEvent
from streamsim._lambda._metrics import MetricsSnapshot as MetricsSnapshot
from streamsim._lambda._progress import Blocked as Blocked
from streamsim._lambda._progress import IdleReport as IdleReport
from streamsim._lambda._progress import InvocationTrace as InvocationTrace
from streamsim._lambda._service import LambdaSettings as LambdaSettings
from streamsim._pictures import Picture as Picture
from streamsim._streams._history import StreamEvent as StreamEvent
from streamsim._streams._stream import StreamSettings as StreamSettings
from streamsim._streams._view import StreamRecord as StreamRecord

from ._clock import HandlerTimedOut as HandlerTimedOut
from ._errors import ConditionalCheckFailedException as ConditionalCheckFailedException
from ._errors import ExpiredIteratorException as ExpiredIteratorException
from ._errors import InternalServerError as InternalServerError
from ._errors import InvalidArgumentException as InvalidArgumentException
from ._errors import InvalidParameterValueException as InvalidParameterValueException
from ._errors import InvalidRequestContentException as InvalidRequestContentException
from ._errors import LimitExceededException as LimitExceededException
from ._errors import RequestEntityTooLargeException as RequestEntityTooLargeException
from ._errors import ResourceConflictException as ResourceConflictException
from ._errors import ResourceInUseException as ResourceInUseException
from ._errors import ResourceNotFoundException as ResourceNotFoundException
from ._errors import SimulationError as SimulationError
from ._errors import StreamsimError as StreamsimError
from ._errors import TooManyRequestsException as TooManyRequestsException
from ._errors import TransactionCanceledException as TransactionCanceledException
from ._errors import TrimmedDataAccessException as TrimmedDataAccessException
from ._errors import ValidationException as ValidationException
from ._producers import ScheduledCall as ScheduledCall
from ._simulation import Simulation as Simulation

__version__ = "0.1.0"

__all__ = [
    "Binary",
    "Blocked",
    "Bucket",
    "ConditionalCheckFailedException",
    "Discard",
    "DynamoDBClient",
    "DynamoDBStreamsClient",
    "EventSourceMapping",
    "ExpiredIteratorException",
    "Function",
    "HandlerTimedOut",
    "IdleReport",
    "InternalServerError",
    "InvalidArgumentException",
    "InvalidParameterValueException",
    "InvalidRequestContentException",
    "Invocation",
    "InvocationTrace",
    "IteratorAge",
    "KinesisClient",
    "KinesisSettings",
    "KinesisShard",
    "KinesisStream",
    "LambdaClient",
    "LambdaContext",
    "LambdaService",
    "LambdaSettings",
    "LimitExceededException",
    "MappingConfig",
    "MappingEvent",
    "MappingMetrics",
    "MetricsSnapshot",
    "Picture",
    "Queue",
    "RequestEntityTooLargeException",
    "ResourceConflictException",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "ScheduledCall",
    "Shard",
    "Simulation",
    "SimulationError",
    "SplitPolicy",
    "Stream",
    "StreamEvent",
    "StreamRecord",
    "StreamSettings",
    "StreamsimError",
    "TTLSettings",
    "Table",
    "TooManyRequestsException",
    "Topic",
    "TransactionCanceledException",
    "TrimmedDataAccessException",
    "ValidationException",
    "__version__",
]
