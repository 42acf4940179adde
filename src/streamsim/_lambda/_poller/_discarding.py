"""Giving up on records: the on-failure record, its destination, and the discard log.

AWS behaviour: rule D.7.  A batch whose retries are used up, or whose records are too old,
is dropped; when the mapping has an OnFailure destination, a record describing the batch
(not the records themselves, except for S3, which gets the event payload too) is sent there.
"""

from __future__ import annotations

from streamsim._gc import paused_gc
from streamsim._lambda._destinations import failure_envelope, s3_object_key
from streamsim._lambda._metrics import DISCARDED, RECORD_AGE_EXCEEDED, Discard

from ._batch import Batch
from ._slot_state import SlotState


class Discarding(SlotState):
    """The part of a slot that gives up on a batch (rule D.7)."""

    __slots__ = ()

    def _discard(self, batch: Batch, condition: str, *, invoked: bool) -> None:
        """Drop a batch's records and send an on-failure record to the destination."""
        records = batch.records
        if batch.window is not None and batch.final:
            self.window = None  # the final invocation of a window was given up
        if not records:
            return
        reader = self.reader
        poller = reader.poller
        mapping = poller.mapping
        environment = poller.environment
        settings = poller.settings
        metrics = poller.metrics
        shard_id = reader.shard.shard_id
        now = poller.clock.now_ms
        metrics.dropped += len(records)
        if condition == RECORD_AGE_EXCEEDED:
            condition = settings.record_age_condition
        sequence_number = poller.sequence_number
        first = str(sequence_number(records[0]))
        last = str(sequence_number(records[-1]))
        destination_arn = mapping.config.on_failure_destination
        delivered: str | None = None
        if destination_arn is not None:
            destination = environment.destination(destination_arn)
            include_response = invoked or settings.response_context_when_not_invoked
            with paused_gc():  # the one GC policy for rendering records (streamsim._gc)
                record = failure_envelope(
                    request_id=batch.last_request_id or environment.new_uuid(),
                    function_arn=mapping.function.arn,
                    condition=condition,
                    invoke_count=batch.attempts,
                    function_error="Unhandled" if invoked and batch.last_error else None,
                    include_response_context=include_response,
                    now_ms=now,
                )
                name, info = poller.source.batch_info(shard_id, records)
                record[name] = info
            if destination is None:
                metrics.destination_delivery_failures += 1
            else:
                payload = None
                if destination.kind == "s3":
                    payload = {"Records": self.reader.build_events(records)}
                key = s3_object_key(mapping.uuid, shard_id, now, environment.new_uuid())
                destination.deliver(record, payload, key)
                metrics.on_failure_delivered += len(records)
                delivered = destination_arn
        metrics.discards.append(
            Discard(
                at_ms=now,
                shard_id=shard_id,
                first_sequence_number=first,
                last_sequence_number=last,
                batch_size=len(records),
                condition=condition,
                invoke_count=batch.attempts,
                delivered_to=delivered,
            )
        )
        metrics.history.append((now, DISCARDED, shard_id, first, condition))
