"""Differential check: seeded random workloads through the public API, as a transcript.

What it is for: streamsim is refactored often (modules move, internals are rewritten). This
script drives many random but seeded workloads through the stable, boto3-shaped public
entry points only (``Simulation``, the resource-shaped ``Table``, and the ``dynamodb``,
``dynamodbstreams`` and ``lambda`` clients) and writes a deterministic transcript of every
call: its parameters, its returned value (as sorted JSON) or its error (class name, AWS error
code and message), plus every event the Lambda handlers receive. Two versions of the library
whose behaviour is the same give a byte-identical transcript, hence the same sha256.

How to compare two versions (for example the main branch and a refactoring branch)::

    PYTHONPATH=/path/to/old/src python benchmarks/differential.py --out /tmp/old.txt
    PYTHONPATH=/path/to/new/src python benchmarks/differential.py --out /tmp/new.txt

Compare the ``workloads=N sha256=...`` lines printed on stdout; when they differ,
``diff /tmp/old.txt /tmp/new.txt`` shows the first workload and call that behaves
differently (each workload starts with a ``=== workload <seed>`` line, so one seed can be
re-run alone with ``--first-seed <seed> --workloads 1``).

Options: ``--workloads N`` (default 200), ``--first-seed S`` (default 0), ``--out FILE``
(the transcript; without it only the summary line is printed). Progress goes to stderr.

Nothing in the transcript depends on wall-clock time, hash seeds or unseeded randomness:
sets are printed sorted, and shard iterators (opaque tokens) are printed as ``<iterator>``.
No repr of a library object is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from streamsim import Binary, Simulation

TABLE = "tbl"
VIEWS = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]
ITERATOR_KEYS = {"ShardIterator", "NextShardIterator"}


# ----------------------------------------------------------------------------- output


def norm(value: Any) -> Any:
    """A JSON-ready, hash-seed-independent form of a returned value."""
    if isinstance(value, dict):
        return {
            str(k): ("<iterator>" if k in ITERATOR_KEYS and v is not None else norm(v))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [norm(v) for v in value]
    if isinstance(value, (set, frozenset)):
        members = [norm(v) for v in value]
        return {"<set>": sorted(members, key=lambda m: json.dumps(m, sort_keys=True))}
    if isinstance(value, Binary):
        return {"<Binary>": bytes(value.value).hex()}
    if isinstance(value, (bytes, bytearray)):
        return {"<bytes>": bytes(value).hex()}
    if isinstance(value, Decimal):
        return {"<Decimal>": str(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"<type>": type(value).__name__}


def dumps(value: Any) -> str:
    return json.dumps(norm(value), sort_keys=True, default=str)


class Transcript:
    """The lines of one run; ``call`` runs an API call and records its outcome."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, text: str) -> None:
        self.lines.append(text)

    def call(self, label: str, fn: Callable[..., Any], **params: Any) -> Any:
        """Run ``fn(**params)``; record ``label``, the params and the response or error."""
        self.line(f"> {label} {dumps(params)}")
        try:
            result = fn(**params)
        except Exception as exc:  # every error is part of the behaviour under test
            self.error(exc)
            return None
        self.line(f"< {dumps(result)}")
        return result

    def error(self, exc: BaseException) -> None:
        response = getattr(exc, "response", None)
        code = None
        extra: dict[str, Any] = {}
        if isinstance(response, dict):
            code = response.get("Error", {}).get("Code")
            if "CancellationReasons" in response:
                extra["CancellationReasons"] = response["CancellationReasons"]
        self.line(f"! {type(exc).__name__} {code} {dumps(str(exc))} {dumps(extra)}")


# ----------------------------------------------------------------------------- values


def to_wire(value: Any) -> dict[str, Any]:
    """A Python value in DynamoDB JSON (what the low-level client takes)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, Decimal):
        return {"N": str(value)}
    if isinstance(value, Binary):
        return {"B": bytes(value.value)}
    if isinstance(value, (bytes, bytearray)):
        return {"B": bytes(value)}
    if isinstance(value, (set, frozenset)):
        members = sorted(value, key=lambda m: dumps(m))
        if all(isinstance(m, str) for m in members) and members:
            return {"SS": members}
        if all(isinstance(m, Decimal) for m in members) and members:
            return {"NS": [str(m) for m in members]}
        return {"BS": [bytes(m.value) if isinstance(m, Binary) else m for m in members]}
    if isinstance(value, list):
        return {"L": [to_wire(v) for v in value]}
    if isinstance(value, dict):
        return {"M": {k: to_wire(v) for k, v in value.items()}}
    raise TypeError(type(value).__name__)


def wire_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: to_wire(v) for k, v in item.items()}


def rand_number(rng: random.Random) -> Decimal:
    choice = rng.randrange(5)
    if choice == 0:
        return Decimal(rng.randint(-5, 5))
    if choice == 1:
        return Decimal(f"{rng.randint(-999, 999)}.{rng.randint(0, 99):02d}")
    if choice == 2:
        return Decimal(rng.choice(["1E+10", "-0.000001", "123456789012345678901234567890", "0"]))
    if choice == 3:
        return Decimal(rng.randint(0, 100))
    return Decimal(rng.choice(["1.50", "2.0", "1e2"]))


def rand_value(rng: random.Random, depth: int = 0) -> Any:
    """A random attribute value of any DynamoDB type."""
    kinds = ["S", "N", "B", "Bin", "BOOL", "NULL", "SS", "NS", "BS"]
    if depth < 2:
        kinds += ["L", "M"]
    kind = rng.choice(kinds)
    if kind == "S":
        return rng.choice(["", "a", "hello", "ünïcödé", "x" * rng.randint(1, 40), "0"])
    if kind == "N":
        return rand_number(rng)
    if kind == "B":
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 5)))
    if kind == "Bin":
        return Binary(bytes(rng.randrange(256) for _ in range(rng.randint(1, 5))))
    if kind == "BOOL":
        return rng.random() < 0.5
    if kind == "NULL":
        return None
    if kind == "SS":
        return {rng.choice("abcdefgh") * rng.randint(1, 3) for _ in range(rng.randint(1, 4))}
    if kind == "NS":
        return {Decimal(rng.randint(-20, 20)) for _ in range(rng.randint(1, 4))}
    if kind == "BS":
        return {bytes([rng.randrange(8)]) for _ in range(rng.randint(1, 3))}
    if kind == "L":
        return [rand_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {f"m{i}": rand_value(rng, depth + 1) for i in range(rng.randint(0, 3))}


# ----------------------------------------------------------------------------- workload


class Workload:
    """One seeded workload: a table, maybe a Lambda mapping, and a random run of calls."""

    def __init__(self, seed: int, out: Transcript) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.out = out
        self.sim = Simulation(seed=seed)
        self.ddb = self.sim.client("dynamodb")
        self.streams = self.sim.client("dynamodbstreams")
        self.lam = self.sim.client("lambda")
        rng = self.rng
        self.hash_type = rng.choice(["S", "S", "N", "B"])
        self.range_type = rng.choice([None, None, "S", "N"])
        self.partitions = rng.randint(1, 4)
        self.view: str | None = rng.choice([*VIEWS, VIEWS[3], None])
        self.keys_by_index: dict[int, Any] = {}
        self.last_items: dict[str, dict[str, Any]] = {}
        self.seen_sequence_numbers: dict[str, list[str]] = {}
        self.mappings: list[str] = []
        self.stale_iterators: list[str] = []
        self.first_seen: list[tuple[str, str, str]] = []
        self.handler_rng = random.Random(seed * 7919 + 1)
        params: dict[str, Any] = {
            "hash_key": "pk",
            "hash_key_type": self.hash_type,
            "partitions": self.partitions,
            "stream_view_type": self.view,
        }
        if self.range_type:
            params["range_key"] = "sk"
            params["range_key_type"] = self.range_type
        out.line(f"table {dumps(params)}")
        self.table = self.sim.create_table(TABLE, **params)

    # keys and items

    def hash_value(self, i: int) -> Any:
        if self.hash_type == "S":
            return f"k{i}"
        if self.hash_type == "N":
            return Decimal(i)
        return bytes([i, 7])

    def key(self) -> dict[str, Any]:
        key = {"pk": self.hash_value(self.rng.randrange(8))}
        if self.range_type == "S":
            key["sk"] = f"r{self.rng.randrange(3)}"
        elif self.range_type == "N":
            key["sk"] = Decimal(self.rng.randrange(3))
        return key

    def item(self) -> dict[str, Any]:
        """A new item, a rewrite of a known one (maybe reordered), or an identical copy."""
        rng = self.rng
        key = self.key()
        known = self.last_items.get(dumps(key))
        choice = rng.randrange(4)
        if known is not None and choice == 0:
            return dict(known)  # the same item: a put that changes nothing
        if known is not None and choice == 1:
            names = list(known)
            rng.shuffle(names)
            return {name: known[name] for name in names}  # same item, another order
        item = dict(key)
        for name in rng.sample(["a", "b", "c", "cnt", "tags", "lst", "doc"], rng.randint(0, 4)):
            item[name] = rand_value(rng)
        if rng.random() < 0.3:
            item["cnt"] = Decimal(rng.randint(0, 10))
        return item

    def remember(self, item: dict[str, Any]) -> None:
        key = {"pk": item["pk"]}
        if "sk" in item:
            key["sk"] = item["sk"]
        self.last_items[dumps(key)] = item

    # operations

    def op_face_put(self) -> None:
        item = self.item()
        params: dict[str, Any] = {"Item": item}
        if self.rng.random() < 0.3:
            params["ConditionExpression"] = self.rng.choice(
                ["attribute_not_exists(pk)", "attribute_exists(pk)", "cnt < :lim"]
            )
            if "lim" in params["ConditionExpression"]:
                params["ExpressionAttributeValues"] = {":lim": Decimal(5)}
        if self.rng.random() < 0.3:
            params["ReturnValues"] = self.rng.choice(["ALL_OLD", "NONE", "ALL_NEW"])
        if self.out.call("table.put_item", self.table.put_item, **params) is not None:
            self.remember(item)

    def op_client_put(self) -> None:
        item = self.item()
        params: dict[str, Any] = {"TableName": TABLE, "Item": wire_item(item)}
        if self.rng.random() < 0.3:
            params["ConditionExpression"] = "attribute_not_exists(#p)"
            params["ExpressionAttributeNames"] = {"#p": "pk"}
        if self.rng.random() < 0.4:
            params["ReturnValues"] = "ALL_OLD"
        if self.rng.random() < 0.2:
            params["ReturnConsumedCapacity"] = "TOTAL"
        if self.out.call("ddb.put_item", self.ddb.put_item, **params) is not None:
            self.remember(item)

    def op_get(self) -> None:
        key = self.key()
        params: dict[str, Any] = {"Key": key}
        if self.rng.random() < 0.5:
            params["ConsistentRead"] = True
        if self.rng.random() < 0.3:
            params["ProjectionExpression"] = "#a, cnt, tags[0], doc.m0"
            params["ExpressionAttributeNames"] = {"#a": "a"}
        if self.rng.random() < 0.5:
            self.out.call("table.get_item", self.table.get_item, **params)
        else:
            params["Key"] = wire_item(key)
            self.out.call("ddb.get_item", self.ddb.get_item, TableName=TABLE, **params)

    UPDATES = [
        ("SET #a = :v", {"#a": "a"}, {":v": "V"}),
        ("SET cnt = if_not_exists(cnt, :z) + :one", None, {":z": "Z", ":one": "ONE"}),
        ("REMOVE b, doc.m1", None, None),
        ("ADD tags :ss", None, {":ss": "SS"}),
        ("ADD cnt :one", None, {":one": "ONE"}),
        ("DELETE tags :ss", None, {":ss": "SS"}),
        ("SET lst = list_append(if_not_exists(lst, :empty), :l)", None, {":empty": "E", ":l": "L"}),
        ("SET c = :v REMOVE #a ADD cnt :one", {"#a": "a"}, {":v": "V", ":one": "ONE"}),
        ("SET lst[0] = :v", None, {":v": "V"}),
        ("SET pk = :v", None, {":v": "V"}),  # invalid: updates a key attribute
        ("SET = :v", None, {":v": "V"}),  # invalid syntax
    ]
    CONDITIONS = [
        ("attribute_exists(pk)", None),
        ("attribute_not_exists(pk)", None),
        ("cnt < :lim", {":lim": Decimal(5)}),
        ("attribute_type(tags, :t)", {":t": "SS"}),
        ("size(a) > :one", {":one": Decimal(1)}),
        ("contains(tags, :s)", {":s": "a"}),
    ]

    def update_values(self, spec: dict[str, str]) -> dict[str, Any]:
        rng = self.rng
        makers: dict[str, Callable[[], Any]] = {
            "V": lambda: rand_value(rng),
            "Z": lambda: Decimal(0),
            "ONE": lambda: Decimal(rng.choice([1, -1, 2])),
            "SS": lambda: {rng.choice("abcd") for _ in range(rng.randint(1, 2))},
            "E": list,
            "L": lambda: [rand_value(rng)],
        }
        return {name: makers[kind]() for name, kind in spec.items()}

    def op_update(self) -> None:
        rng = self.rng
        expression, names, values_spec = rng.choice(self.UPDATES)
        values = self.update_values(values_spec or {})
        params: dict[str, Any] = {"Key": self.key(), "UpdateExpression": expression}
        if rng.random() < 0.4:
            condition, cvalues = rng.choice(self.CONDITIONS)
            params["ConditionExpression"] = condition
            values.update(cvalues or {})
        if names:
            params["ExpressionAttributeNames"] = names
        if values:
            params["ExpressionAttributeValues"] = values
        if rng.random() < 0.6:
            params["ReturnValues"] = rng.choice(
                ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]
            )
        if rng.random() < 0.2:
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        if rng.random() < 0.5:
            self.out.call("table.update_item", self.table.update_item, **params)
        else:
            params["Key"] = wire_item(params["Key"])
            if "ExpressionAttributeValues" in params:
                params["ExpressionAttributeValues"] = wire_item(params["ExpressionAttributeValues"])
            self.out.call("ddb.update_item", self.ddb.update_item, TableName=TABLE, **params)

    def op_delete(self) -> None:
        rng = self.rng
        params: dict[str, Any] = {"Key": self.key()}
        if rng.random() < 0.3:
            condition, cvalues = rng.choice(self.CONDITIONS)
            params["ConditionExpression"] = condition
            if cvalues:
                params["ExpressionAttributeValues"] = cvalues
        if rng.random() < 0.5:
            params["ReturnValues"] = rng.choice(["ALL_OLD", "NONE"])
        if rng.random() < 0.5:
            self.out.call("table.delete_item", self.table.delete_item, **params)
        else:
            params["Key"] = wire_item(params["Key"])
            if "ExpressionAttributeValues" in params:
                params["ExpressionAttributeValues"] = wire_item(params["ExpressionAttributeValues"])
            self.out.call("ddb.delete_item", self.ddb.delete_item, TableName=TABLE, **params)

    def op_query(self) -> None:
        rng = self.rng
        face = rng.random() < 0.5
        hash_value = self.hash_value(rng.randrange(8))
        params: dict[str, Any] = {
            "KeyConditionExpression": "#h = :h",
            "ExpressionAttributeNames": {"#h": "pk"},
            "ExpressionAttributeValues": {":h": hash_value},
        }
        if self.range_type and rng.random() < 0.5:
            params["KeyConditionExpression"] += " AND sk >= :s"
            low = "r1" if self.range_type == "S" else Decimal(1)
            params["ExpressionAttributeValues"][":s"] = low
        if rng.random() < 0.5:
            params["Limit"] = rng.randint(1, 3)
        if rng.random() < 0.3:
            params["ScanIndexForward"] = False
        if rng.random() < 0.2:
            params["Select"] = "COUNT"
        if rng.random() < 0.2:
            params["FilterExpression"] = "attribute_exists(cnt)"
        if not face:
            params["ExpressionAttributeValues"] = wire_item(params["ExpressionAttributeValues"])
        fn = self.table.query if face else self.ddb.query
        if not face:
            params["TableName"] = TABLE
        self.paged("table.query" if face else "ddb.query", fn, params)

    def op_scan(self) -> None:
        rng = self.rng
        face = rng.random() < 0.5
        params: dict[str, Any] = {}
        if rng.random() < 0.6:
            params["Limit"] = rng.randint(1, 5)
        if rng.random() < 0.3:
            params["FilterExpression"] = "attribute_type(a, :t)"
            params["ExpressionAttributeValues"] = {":t": rng.choice(["S", "N", "SS", "M"])}
        if rng.random() < 0.2:
            params["Select"] = "COUNT"
        if rng.random() < 0.2:
            params["ConsistentRead"] = True
        if not face:
            params["TableName"] = TABLE
            if "ExpressionAttributeValues" in params:
                params["ExpressionAttributeValues"] = wire_item(params["ExpressionAttributeValues"])
        self.paged(
            "table.scan" if face else "ddb.scan", self.table.scan if face else self.ddb.scan, params
        )

    def paged(self, label: str, fn: Callable[..., Any], params: dict[str, Any]) -> None:
        for _ in range(20):
            response = self.out.call(label, fn, **params)
            if not response or "LastEvaluatedKey" not in response:
                return
            params = {**params, "ExclusiveStartKey": response["LastEvaluatedKey"]}

    def op_batch_write(self) -> None:
        rng = self.rng
        requests = []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.7:
                item = self.item()
                requests.append({"PutRequest": {"Item": wire_item(item)}})
            else:
                requests.append({"DeleteRequest": {"Key": wire_item(self.key())}})
        if rng.random() < 0.1:
            requests = []  # invalid: empty
        self.out.call(
            "ddb.batch_write_item", self.ddb.batch_write_item, RequestItems={TABLE: requests}
        )

    def op_batch_get(self) -> None:
        keys = [wire_item(self.key()) for _ in range(self.rng.randint(1, 4))]
        request: dict[str, Any] = {"Keys": keys}
        if self.rng.random() < 0.3:
            request["ConsistentRead"] = True
        self.out.call("ddb.batch_get_item", self.ddb.batch_get_item, RequestItems={TABLE: request})

    def op_transact(self) -> None:
        rng = self.rng
        actions = []
        used: set[str] = set()
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(["Put", "Update", "Delete", "ConditionCheck"])
            if kind == "Put":
                item = self.item()
                key = {k: v for k, v in item.items() if k in ("pk", "sk")}
                body: dict[str, Any] = {"Item": wire_item(item)}
            else:
                key = self.key()
                body = {"Key": wire_item(key)}
            if kind == "Update":
                body["UpdateExpression"] = "ADD cnt :one"
                body["ExpressionAttributeValues"] = {":one": {"N": "1"}}
            if kind == "ConditionCheck" or rng.random() < 0.3:
                body["ConditionExpression"] = rng.choice(
                    ["attribute_exists(pk)", "attribute_not_exists(pk)"]
                )
            body["TableName"] = TABLE
            if dumps(key) in used and rng.random() < 0.7:
                continue
            used.add(dumps(key))
            actions.append({kind: body})
        self.out.call(
            "ddb.transact_write_items", self.ddb.transact_write_items, TransactItems=actions
        )

    def op_invalid(self) -> None:
        rng = self.rng
        calls: list[tuple[str, Callable[..., Any], dict[str, Any]]] = [
            ("table.put_item", self.table.put_item, {"Item": {"a": "no key"}}),
            ("table.put_item", self.table.put_item, {"Item": {"pk": Decimal(1), "sk": 5}}),
            ("table.put_item", self.table.put_item, {"Item": {**self.key(), "e": set()}}),
            ("table.get_item", self.table.get_item, {"Key": {"pk": True}}),
            ("ddb.get_item", self.ddb.get_item, {"TableName": "nope", "Key": {"pk": {"S": "a"}}}),
            ("ddb.put_item", self.ddb.put_item, {"TableName": TABLE, "Item": {"pk": {"X": "a"}}}),
            (
                "table.update_item",
                self.table.update_item,
                {"Key": self.key(), "UpdateExpression": "SET a = :unused"},
            ),
            (
                "table.update_item",
                self.table.update_item,
                {
                    "Key": self.key(),
                    "UpdateExpression": "SET a = :v",
                    "ExpressionAttributeValues": {":v": "x", ":w": "unused"},
                },
            ),
            ("table.query", self.table.query, {"KeyConditionExpression": "a = :v"}),
            ("ddb.scan", self.ddb.scan, {"TableName": TABLE, "Limit": 0}),
            ("ddb.describe_table", self.ddb.describe_table, {"TableName": "missing"}),
            ("ddb.transact_write_items", self.ddb.transact_write_items, {"TransactItems": []}),
            ("table.put_item", self.table.put_item, {"Item": {**self.key(), "f": 1.5}}),
        ]
        label, fn, params = rng.choice(calls)
        self.out.call(label, fn, **params)

    def op_split(self) -> None:
        index = self.rng.randrange(self.partitions + 2)
        self.out.line(f"> table.split_partition {index}")
        try:
            result = self.table.split_partition(index)
        except Exception as exc:
            self.out.error(exc)
            return
        self.partitions += 1
        self.out.line(f"< {dumps(result)}")

    def op_advance(self) -> None:
        rng = self.rng
        unit, amount = rng.choice(
            [
                ("seconds", rng.randint(1, 10)),
                ("seconds", rng.randint(10, 120)),
                ("minutes", rng.randint(1, 30)),
                ("hours", rng.choice([1, 3, 4, 5])),
                ("hours", 25),
            ]
        )
        self.out.line(f"> advance {unit}={amount}")
        try:
            result = self.sim.advance(**{unit: amount})
        except Exception as exc:
            self.out.error(exc)
            return
        self.out.line(f"< {dumps(result)}")

    def op_toggle_stream(self) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            spec: dict[str, Any] = {"StreamEnabled": False}
        else:
            spec = {"StreamEnabled": True, "StreamViewType": rng.choice(VIEWS)}
        self.out.call(
            "ddb.update_table", self.ddb.update_table, TableName=TABLE, StreamSpecification=spec
        )

    def op_describe_table(self) -> None:
        self.out.call("ddb.describe_table", self.ddb.describe_table, TableName=TABLE)

    def stream_arns(self) -> list[str]:
        listed = self.out.call("streams.list_streams", self.streams.list_streams, TableName=TABLE)
        if not listed:
            return []
        return [s["StreamArn"] for s in listed["Streams"]]

    def describe_shards(self, arn: str, limit: int | None) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        params: dict[str, Any] = {"StreamArn": arn}
        if limit:
            params["Limit"] = limit
        for _ in range(50):
            response = self.out.call(
                "streams.describe_stream", self.streams.describe_stream, **params
            )
            if not response:
                break
            description = response["StreamDescription"]
            shards.extend(description.get("Shards", []))
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            params = {**params, "ExclusiveStartShardId": last}
        return shards

    def read_shard(self, arn: str, shard: dict[str, Any], kind: str, limit: int) -> None:
        """Read one shard from ``kind`` until it ends or an empty page on an open shard."""
        rng = self.rng
        shard_id = shard["ShardId"]
        params: dict[str, Any] = {"StreamArn": arn, "ShardId": shard_id, "ShardIteratorType": kind}
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            seen = self.seen_sequence_numbers.get(shard_id, [])
            if rng.random() < 0.1 and self.seen_sequence_numbers:
                # another shard's number (or none): invalid for this shard
                others = sorted(n for ns in self.seen_sequence_numbers.values() for n in ns)
                params["SequenceNumber"] = rng.choice(others) if others else "1"
            elif seen and rng.random() < 0.8:
                params["SequenceNumber"] = rng.choice(seen)
            else:
                params["SequenceNumber"] = shard["SequenceNumberRange"]["StartingSequenceNumber"]
        if kind == "AT_TIMESTAMP":
            start = datetime(2024, 1, 1, tzinfo=timezone.utc)
            params["Timestamp"] = start + timedelta(minutes=rng.randint(0, 3000))
        response = self.out.call(
            "streams.get_shard_iterator", self.streams.get_shard_iterator, **params
        )
        if not response:
            return
        iterator = response.get("ShardIterator")
        if iterator and rng.random() < 0.3:
            self.stale_iterators.append(iterator)
            del self.stale_iterators[:-5]
        for _ in range(40):
            if not iterator:
                return
            page = self.out.call(
                "streams.get_records", self.streams.get_records, ShardIterator=iterator, Limit=limit
            )
            if not page:
                return
            if page["Records"] and len(self.first_seen) < 10:
                first = page["Records"][0]["dynamodb"]["SequenceNumber"]
                self.first_seen.append((arn, shard_id, first))
            seen = self.seen_sequence_numbers.setdefault(shard_id, [])
            seen.extend(record["dynamodb"]["SequenceNumber"] for record in page["Records"])
            del seen[:-20]
            iterator = page.get("NextShardIterator")
            if not page["Records"] and rng.random() < 0.7:
                return

    def op_drain(self) -> None:
        """Read a random stream of the table: every shard, parents before children."""
        rng = self.rng
        arns = self.stream_arns()
        if not arns:
            return
        arn = rng.choice(arns)
        shards = self.describe_shards(arn, rng.choice([None, 1, 2, 100]))
        limit = rng.choice([1, 7, 1000])
        by_id = {s["ShardId"]: s for s in shards}
        ids = set(by_id)
        order: list[str] = []
        pending = [s["ShardId"] for s in shards if s.get("ParentShardId") not in ids]
        children: dict[str, list[str]] = {}
        for s in shards:
            if s.get("ParentShardId") in ids:
                children.setdefault(s["ParentShardId"], []).append(s["ShardId"])
        while pending:  # lineage: a parent, then its children
            shard_id = pending.pop(0)
            order.append(shard_id)
            pending.extend(children.get(shard_id, []))
        for shard_id in order:
            kind = rng.choice(
                [
                    "TRIM_HORIZON",
                    "TRIM_HORIZON",
                    "LATEST",
                    "AT_SEQUENCE_NUMBER",
                    "AFTER_SEQUENCE_NUMBER",
                    "AT_TIMESTAMP",
                ]
            )
            self.read_shard(arn, by_id[shard_id], kind, limit)
        if rng.random() < 0.2 and shards:
            self.out.call(
                "streams.describe_stream",
                self.streams.describe_stream,
                StreamArn=arn,
                ShardFilter={"Type": "CHILD_SHARDS", "ShardId": shards[0]["ShardId"]},
            )
        if rng.random() < 0.2:
            self.out.call(
                "streams.get_shard_iterator",
                self.streams.get_shard_iterator,
                StreamArn=arn,
                ShardId="shardId-00000001704067200000-00000000",
                ShardIteratorType="TRIM_HORIZON",
            )

    def op_stale_read(self) -> None:
        """Read from an iterator obtained earlier (it may have expired or been trimmed)."""
        if not self.stale_iterators:
            return
        iterator = self.rng.choice(self.stale_iterators)
        limit = self.rng.choice([1, 7, 1000])
        self.out.call(
            "streams.get_records", self.streams.get_records, ShardIterator=iterator, Limit=limit
        )

    def op_retention_probe(self) -> None:
        """Ask again for an early record (after 24 hours it has been trimmed away)."""
        if not self.first_seen:
            return
        arn, shard_id, sequence_number = self.rng.choice(self.first_seen)
        response = self.out.call(
            "streams.get_shard_iterator",
            self.streams.get_shard_iterator,
            StreamArn=arn,
            ShardId=shard_id,
            ShardIteratorType=self.rng.choice(["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"]),
            SequenceNumber=sequence_number,
        )
        if response and response.get("ShardIterator"):
            self.out.call(
                "streams.get_records",
                self.streams.get_records,
                ShardIterator=response["ShardIterator"],
                Limit=7,
            )

    # lambda

    def handler(self, name: str) -> Callable[[dict[str, Any], Any], Any]:
        hrng = self.handler_rng

        def handle(event: dict[str, Any], context: Any) -> Any:
            self.out.line(f"@ {name} {json.dumps(norm(event), sort_keys=True, default=str)}")
            outcome = hrng.choice(["ok", "ok", "ok", "raise", "report", "report_bad"])
            records = event.get("Records") or []
            response: dict[str, Any] = {}
            if "state" in event:
                state = dict(event["state"] or {})
                state["n"] = str(int(state.get("n", "0")) + len(records))
                response["state"] = state
            if outcome == "raise":
                raise RuntimeError(f"{name} fails on purpose")
            if outcome == "report" and records:
                chosen = hrng.choice(records)
                response["batchItemFailures"] = [
                    {"itemIdentifier": chosen["dynamodb"]["SequenceNumber"]}
                ]
            if outcome == "report_bad":
                response["batchItemFailures"] = [{"itemIdentifier": "nope"}]
            return response or None

        return handle

    def op_create_mapping(self) -> None:
        rng = self.rng
        arns = self.stream_arns()
        if not arns:
            return
        name = f"fn{len(self.mappings)}"
        self.out.line(f"> create_function {name}")
        try:
            if rng.random() < 0.5:
                self.sim.create_function(name, self.handler(name), timeout=rng.choice([3, 30]))
            else:
                self.sim.create_function(name, self.handler(name))
        except Exception as exc:
            self.out.error(exc)
        params: dict[str, Any] = {
            "FunctionName": name,
            "EventSourceArn": arns[-1],
            "StartingPosition": rng.choice(["TRIM_HORIZON", "LATEST"]),
            "BatchSize": rng.choice([1, 10, 100]),
        }
        if rng.random() < 0.4:
            params["ParallelizationFactor"] = rng.choice([1, 2, 5])
        if rng.random() < 0.4:
            params["BisectBatchOnFunctionError"] = True
        if rng.random() < 0.6:
            params["MaximumRetryAttempts"] = rng.choice([0, 1, 2, 5])
        if rng.random() < 0.5:
            params["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
        if rng.random() < 0.3:
            pattern = rng.choice(
                [
                    {"eventName": ["INSERT"]},
                    {"eventName": ["MODIFY", "REMOVE"]},
                    {"dynamodb": {"NewImage": {"cnt": {"N": [{"numeric": [">", 3]}]}}}},
                ]
            )
            params["FilterCriteria"] = {"Filters": [{"Pattern": json.dumps(pattern)}]}
        if rng.random() < 0.25:
            params["TumblingWindowInSeconds"] = rng.choice([30, 60])
        if rng.random() < 0.05:
            params["BatchSize"] = 0  # invalid
        response = self.out.call(
            "lambda.create_event_source_mapping", self.lam.create_event_source_mapping, **params
        )
        if response:
            self.mappings.append(response["UUID"])

    def op_mapping_admin(self) -> None:
        rng = self.rng
        if not self.mappings:
            self.out.call("lambda.list_event_source_mappings", self.lam.list_event_source_mappings)
            return
        uuid = rng.choice(self.mappings)
        choice = rng.randrange(5)
        if choice == 0:
            self.out.call(
                "lambda.get_event_source_mapping", self.lam.get_event_source_mapping, UUID=uuid
            )
        elif choice == 1:
            self.out.call(
                "lambda.list_event_source_mappings",
                self.lam.list_event_source_mappings,
                FunctionName=rng.choice(["fn0", "fn1", "missing"]),
            )
        elif choice == 2:
            changes = rng.choice(
                [
                    {"BatchSize": rng.choice([1, 10, 100])},
                    {"Enabled": False},
                    {"Enabled": True},
                    {"MaximumRetryAttempts": 1},
                    {"BisectBatchOnFunctionError": True},
                ]
            )
            self.out.call(
                "lambda.update_event_source_mapping",
                self.lam.update_event_source_mapping,
                UUID=uuid,
                **changes,
            )
        elif choice == 3:
            self.out.call(
                "lambda.delete_event_source_mapping",
                self.lam.delete_event_source_mapping,
                UUID=uuid,
            )
        else:
            self.out.call(
                "lambda.get_event_source_mapping",
                self.lam.get_event_source_mapping,
                UUID="00000000-0000-0000-0000-000000000000",
            )

    # the run

    def run(self) -> None:
        rng = self.rng
        ops: list[tuple[Callable[[], None], int]] = [
            (self.op_face_put, 14),
            (self.op_client_put, 8),
            (self.op_get, 5),
            (self.op_update, 12),
            (self.op_delete, 5),
            (self.op_query, 3),
            (self.op_scan, 2),
            (self.op_batch_write, 3),
            (self.op_batch_get, 2),
            (self.op_transact, 3),
            (self.op_invalid, 3),
            (self.op_split, 2),
            (self.op_advance, 8),
            (self.op_toggle_stream, 1),
            (self.op_describe_table, 1),
            (self.op_drain, 2),
            (self.op_stale_read, 1),
            (self.op_retention_probe, 1),
            (self.op_create_mapping, 1),
            (self.op_mapping_admin, 2),
        ]
        functions = [fn for fn, _ in ops]
        weights = [w for _, w in ops]
        if rng.random() < 0.6:
            self.op_create_mapping()
        for _ in range(rng.randint(30, 70)):
            rng.choices(functions, weights)[0]()
        self.out.line("> advance minutes=2")
        self.sim.advance(minutes=2)
        self.op_drain()
        self.out.call("lambda.list_event_source_mappings", self.lam.list_event_source_mappings)
        for uuid in self.mappings:
            self.out.call(
                "lambda.get_event_source_mapping", self.lam.get_event_source_mapping, UUID=uuid
            )
        self.out.call("table.scan", self.table.scan, ConsistentRead=True)


def run(first_seed: int, workloads: int) -> Transcript:
    out = Transcript()
    for n, seed in enumerate(range(first_seed, first_seed + workloads), start=1):
        out.line(f"=== workload {seed}")
        try:
            Workload(seed, out).run()
        except Exception as exc:  # a crash of the harness is behaviour too: keep going
            out.line("!!! workload aborted")
            out.error(exc)
        if n % 50 == 0 or n == workloads:
            print(f"{n}/{workloads} workloads", file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", type=int, default=200, help="how many (default 200)")
    parser.add_argument("--first-seed", type=int, default=0, help="seed of the first (0)")
    parser.add_argument("--out", help="write the full transcript to this file")
    args = parser.parse_args(argv)
    out = run(args.first_seed, args.workloads)
    text = "\n".join(out.lines) + "\n"
    data = text.encode("utf-8")
    if args.out:
        with open(args.out, "wb") as handle:
            handle.write(data)
    print(f"workloads={args.workloads} sha256={hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
