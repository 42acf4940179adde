"""Read-only views of the on-failure destinations: the queues, topics and buckets users create.

``sim.create_queue`` and ``sim.lambda_service.create_topic`` / ``create_bucket`` (and the
service's ``destinations`` and ``destination(arn)``) hand out these views.  They show what a
destination received (``messages``, and a bucket's ``objects``) as fresh copies; delivering is
the poller's, so ``deliver`` is not on them and nothing a user does to a returned list changes
what the destination holds.  AWS behaviour: rule D.7.
"""

from __future__ import annotations

from typing import Any

from streamsim._lambda._destinations import Bucket as BucketModel
from streamsim._lambda._destinations import Destination
from streamsim._lambda._destinations import Queue as QueueModel
from streamsim._lambda._destinations import Topic as TopicModel

from ._display import Display


class _DestinationView(Display):
    """What every destination view shows: its name, ARN, kind and the messages it received."""

    __slots__ = ("_model",)

    def __init__(self, model: Destination) -> None:
        self._model = model

    @property
    def name(self) -> str:
        """The queue, topic or bucket name."""
        return self._model.name

    @property
    def arn(self) -> str:
        """Its ARN, as a mapping's ``DestinationConfig.OnFailure.Destination`` names it."""
        return self._model.arn

    @property
    def kind(self) -> str:
        """``"sqs"``, ``"sns"`` or ``"s3"``."""
        return self._model.kind

    @property
    def messages(self) -> list[dict[str, Any]]:
        """What the destination received, oldest first (a new list)."""
        raise NotImplementedError  # pragma: no cover - every destination kind has its own

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _DestinationView):
            return NotImplemented
        return self._model is other._model

    def __hash__(self) -> int:
        return id(self._model)

    def __repr__(self) -> str:
        count = len(self.messages)
        return f"<{type(self).__name__} {self.name} messages={count}>"


class Queue(_DestinationView):
    """A standard SQS queue: ``arn:aws:sqs:<region>:<account>:<name>`` (read-only view)."""

    __slots__ = ("_queue",)

    def __init__(self, model: QueueModel) -> None:
        super().__init__(model)
        self._queue = model

    @property
    def url(self) -> str:
        """The queue URL."""
        return self._queue.url

    @property
    def fifo(self) -> bool:
        """True for a ``.fifo`` queue (which AWS refuses as a destination)."""
        return self._queue.fifo

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The bodies received, oldest first, each decoded from JSON (a new list)."""
        return list(self._queue.messages)


class Topic(_DestinationView):
    """A standard SNS topic: ``arn:aws:sns:<region>:<account>:<name>`` (read-only view)."""

    __slots__ = ("_topic",)

    def __init__(self, model: TopicModel) -> None:
        super().__init__(model)
        self._topic = model

    @property
    def fifo(self) -> bool:
        """True for a ``.fifo`` topic (which AWS refuses as a destination)."""
        return self._topic.fifo

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The messages published, oldest first, each decoded from JSON (a new list)."""
        return list(self._topic.messages)


class Bucket(_DestinationView):
    """An S3 bucket: ``arn:aws:s3:::<name>`` (read-only view)."""

    __slots__ = ("_bucket",)

    def __init__(self, model: BucketModel) -> None:
        super().__init__(model)
        self._bucket = model

    @property
    def objects(self) -> dict[str, dict[str, Any]]:
        """Object key -> the object's JSON content decoded (a new dict)."""
        return dict(self._bucket.objects)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The stored objects' contents, in key order (a new list)."""
        return self._bucket.messages


def destination_view(model: Destination) -> Queue | Topic | Bucket:
    """The view of a model destination, by its kind."""
    if isinstance(model, QueueModel):
        return Queue(model)
    if isinstance(model, TopicModel):
        return Topic(model)
    assert isinstance(model, BucketModel), model
    return Bucket(model)
