"""streamsim: DynamoDB Streams and the Lambda poller, simulated in memory and in virtual time.

The public surface is small:

* :class:`Simulation` owns virtual time, the seeded random source and every resource; it hands
  out boto3-shaped clients (``sim.client("dynamodb" | "dynamodbstreams" | "lambda")``) and
  creates tables (:class:`Table`, shaped like boto3's resource Table) and Lambda functions.
* :class:`Stream`, :class:`Shard` and :class:`StreamRecord` are the typed views a notebook or a
  test looks at; :class:`StreamSettings`, :class:`TTLSettings`, :class:`SplitPolicy` and
  :class:`LambdaSettings` configure behaviour that AWS leaves open.
* every AWS error class, under its AWS name; :mod:`streamsim.testing` has the consumer-side
  checking toolkit.
"""

from __future__ import annotations

from streamsim._dynamodb._splits import SplitPolicy as SplitPolicy
from streamsim._dynamodb._ttl import TTLSettings as TTLSettings
from streamsim._faces._table_face import Table as Table
from streamsim._items import Binary as Binary
from streamsim._lambda._service import LambdaSettings as LambdaSettings
from streamsim._streams._shard import Shard as Shard
from streamsim._streams._stream import Stream as Stream
from streamsim._streams._stream import StreamSettings as StreamSettings
from streamsim._streams._view import StreamRecord as StreamRecord

from ._errors import ConditionalCheckFailedException as ConditionalCheckFailedException
from ._errors import ExpiredIteratorException as ExpiredIteratorException
from ._errors import InternalServerError as InternalServerError
from ._errors import InvalidParameterValueException as InvalidParameterValueException
from ._errors import LimitExceededException as LimitExceededException
from ._errors import ResourceConflictException as ResourceConflictException
from ._errors import ResourceInUseException as ResourceInUseException
from ._errors import ResourceNotFoundException as ResourceNotFoundException
from ._errors import SimulationError as SimulationError
from ._errors import StreamsimError as StreamsimError
from ._errors import TooManyRequestsException as TooManyRequestsException
from ._errors import TransactionCanceledException as TransactionCanceledException
from ._errors import TrimmedDataAccessException as TrimmedDataAccessException
from ._errors import ValidationException as ValidationException
from ._simulation import Simulation as Simulation

__version__ = "0.1.0"

__all__ = [
    "Binary",
    "ConditionalCheckFailedException",
    "ExpiredIteratorException",
    "InternalServerError",
    "InvalidParameterValueException",
    "LambdaSettings",
    "LimitExceededException",
    "ResourceConflictException",
    "ResourceInUseException",
    "ResourceNotFoundException",
    "Shard",
    "SimulationError",
    "SplitPolicy",
    "Stream",
    "StreamRecord",
    "StreamSettings",
    "StreamsimError",
    "TTLSettings",
    "Table",
    "TooManyRequestsException",
    "TransactionCanceledException",
    "TrimmedDataAccessException",
    "ValidationException",
    "__version__",
]
