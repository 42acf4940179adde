"""The poller of one event source mapping: shard readers, slots, batches, retries.

One module per job: reading a source's shards in lineage order (:mod:`._reading`), the
mapping-wide state (:mod:`._context`), a slot's state (:mod:`._slot_state`) and its work:
filling a batch (:mod:`._filling`), invoking with retries, bisection and partial batch
responses (:mod:`._invoking`), giving up to the on-failure destination
(:mod:`._discarding`); :class:`~._slot.Slot` puts those together.  Concurrency is the
account's :class:`~streamsim._lambda._concurrency.ConcurrencyPool`; the source is any
:class:`~streamsim._lambda._source.EventSource`.

AWS behaviour: rule D.3-D.12 (see each module).  Differs from AWS: a throttled batch waits
in first-come-first-served order for a free instance and starts as soon as one frees (AWS
retries throttles with back-off); see also :mod:`streamsim._lambda._windows` and the
service's settings.
"""

from ._batch import Batch as Batch
from ._reading import MappingPoller as MappingPoller
from ._reading import ShardReader as ShardReader
from ._slot import Slot as Slot
