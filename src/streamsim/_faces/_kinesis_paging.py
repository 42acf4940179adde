"""The Kinesis client's paginators, waiters and ``meta``, as boto3 offers them.

Paginators follow botocore's ``kinesis`` paginator model: DescribeStream pages by
``ExclusiveStartShardId`` (the last shard of a page) while ``HasMoreShards``; ListStreams by
``NextToken`` while ``HasMoreStreams``; ListShards by ``NextToken``.  Like botocore's, the
ListShards paginator keeps the first call's parameters on later pages, so a stream named by
``StreamName`` with more than one page fails on AWS ("NextToken and StreamName cannot be
provided together.") and here alike.  Waiters: ``stream_exists`` (DescribeStream until
``ACTIVE``, every 10 s, 18 times) and ``stream_not_exists`` (until ResourceNotFoundException),
polling in virtual time.

AWS behaviour: rule K.2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from streamsim._clock import Clock
from streamsim._errors import ResourceNotFoundException

from ._params import pagination_config, waiter_config
from ._waiters import WaiterError, WaiterModelConfig

#: boto3 method -> (operation, input token, limit key, output token of a page, more results
#: of a page, result keys)
_PAGING: dict[str, tuple[str, str, str, Callable[[Any], Any], Callable[[Any], bool], str]] = {
    "describe_stream": (
        "DescribeStream",
        "ExclusiveStartShardId",
        "Limit",
        lambda page: (page["StreamDescription"]["Shards"] or [{}])[-1].get("ShardId"),
        lambda page: bool(page["StreamDescription"]["HasMoreShards"]),
        "Shards",
    ),
    "list_streams": (
        "ListStreams",
        "NextToken",
        "Limit",
        lambda page: page.get("NextToken"),
        lambda page: bool(page["HasMoreStreams"]),
        "StreamNames",
    ),
    "list_shards": (
        "ListShards",
        "NextToken",
        "MaxResults",
        lambda page: page.get("NextToken"),
        lambda page: "NextToken" in page,
        "Shards",
    ),
}
WAITERS = {"stream_exists": "StreamExists", "stream_not_exists": "StreamNotExists"}
WAITER_DELAY_S = 10  # rule K.2
WAITER_MAX_ATTEMPTS = 18  # rule K.2


def _results(method: str, page: Mapping[str, Any]) -> list[Any]:
    key = _PAGING[method][5]
    holder = page["StreamDescription"] if method == "describe_stream" else page
    return list(holder.get(key, []))


class PageIterator:
    """Pages of one paginated Kinesis operation, as boto3's ``PageIterator`` yields them."""

    def __init__(self, call: Callable[..., dict[str, Any]], method: str, params: dict[str, Any]):
        self._call = call
        self._method = method
        max_items, page_size, token = pagination_config(params.pop("PaginationConfig", None))
        _, in_token, limit_key, *_ = _PAGING[method]
        if page_size is not None:
            params[limit_key] = page_size
        if token is not None:
            params[in_token] = token
        self._max_items = max_items
        self._params = params

    def __iter__(self) -> Iterator[dict[str, Any]]:
        _, in_token, _, out_token, more, _ = _PAGING[self._method]
        params = dict(self._params)
        seen = 0
        while True:
            page = self._call(**params)
            yield page
            seen += len(_results(self._method, page))
            token = out_token(page)
            if not more(page) or token is None:
                return
            if self._max_items is not None and seen >= self._max_items:
                return
            params[in_token] = token

    def build_full_result(self) -> dict[str, Any]:
        """Every page merged: the result lists concatenated (ListStreams: both lists)."""
        out: dict[str, Any] = {}
        for page in self:
            if self._method == "describe_stream":
                merged = out.setdefault("StreamDescription", {})
                for key, value in page["StreamDescription"].items():
                    if key == "Shards":
                        merged.setdefault("Shards", []).extend(value)
                    elif key != "HasMoreShards":
                        merged[key] = value
                continue
            keys = ("StreamNames", "StreamSummaries") if self._method == "list_streams" else ()
            for key in keys or (_PAGING[self._method][5],):
                out.setdefault(key, []).extend(page.get(key, []))
        return out


class Paginator:
    """``client.get_paginator("describe_stream" | "list_streams" | "list_shards")``."""

    def __init__(self, call: Callable[..., dict[str, Any]], method: str) -> None:
        self._call = call
        self._method = method

    def paginate(self, **params: Any) -> PageIterator:
        """Iterate the pages of the operation called with ``params``."""
        return PageIterator(self._call, self._method, params)


class StreamWaiter:
    """``client.get_waiter("stream_exists" | "stream_not_exists")``, in virtual time.

    ``wait(StreamName=..., WaiterConfig={"Delay": 10, "MaxAttempts": 18})`` calls
    DescribeStream at once and then every ``Delay`` seconds of virtual time (advancing the
    simulation), as boto3's waiter polls it.
    """

    def __init__(self, describe: Callable[..., dict[str, Any]], clock: Clock, name: str) -> None:
        self._describe = describe
        self._clock = clock
        self.name = name
        self.config = WaiterModelConfig(
            WAITERS[name], WAITER_DELAY_S, WAITER_MAX_ATTEMPTS, "DescribeStream"
        )

    def _done(self, params: dict[str, Any]) -> bool:
        try:
            status = self._describe(**params)["StreamDescription"]["StreamStatus"]
        except ResourceNotFoundException:
            return self.name == "stream_not_exists"
        return self.name == "stream_exists" and status == "ACTIVE"

    def wait(self, *, WaiterConfig: Mapping[str, Any] | None = None, **params: Any) -> None:
        """Return once the stream is ACTIVE (or gone); else :class:`WaiterError` in the end.

        Raises:
            WaiterConfigError: a bad ``WaiterConfig``.
            WaiterError: the state was not reached after ``MaxAttempts`` polls.
            StreamsimError: DescribeStream rejected the parameters.
        """
        delay, attempts = waiter_config(WaiterConfig, self.config.delay, self.config.max_attempts)
        for attempt in range(attempts):
            if self._done(params):
                return
            if attempt + 1 < attempts:
                self._clock.advance_to(self._clock.now_ms + round(delay * 1000))
        raise WaiterError(f"Waiter {self.config.name} failed: Max attempts exceeded")


class KinesisClientMeta:
    """``client.meta``: what boto3's ``ClientMeta`` offers that applies here."""

    def __init__(self, region_name: str, methods: Mapping[str, str]) -> None:
        self.region_name = region_name
        self.service_name = "kinesis"
        self.partition = "aws"
        self.endpoint_url = f"https://kinesis.{region_name}.amazonaws.com"
        self.method_to_api_mapping = dict(methods)

    def __repr__(self) -> str:
        return f"<ClientMeta kinesis region={self.region_name}>"
