"""A state machine over a table whose GSIs come and go (rules H.9-H.11): random writes, GSI
creations and deletions, and time passing; after every step the simulation's invariants hold
(no index holds an item missing its keys, every item with them is indexed) and a Query on each
readable index equals the model's answer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from streamsim._errors import ValidationException
from streamsim._simulation import Simulation

ATTRS = ["a", "b"]


class IndexMachine(RuleBasedStateMachine):
    """Model: the table's items as a dict; the GSIs as {name: (attribute, status)}."""

    def __init__(self) -> None:
        super().__init__()
        self.sim = Simulation(seed=5)
        self.client = self.sim.client("dynamodb")
        self.client.create_table(
            TableName="machine",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        self.items: dict[str, dict[str, Any]] = {}

    def gsis(self) -> dict[str, dict[str, Any]]:
        table = self.client.describe_table(TableName="machine")["Table"]
        return {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}

    @rule(
        pk=st.sampled_from(["p0", "p1", "p2", "p3"]),
        a=st.integers(0, 2),
        b=st.none() | st.integers(0, 2),
    )
    def put(self, pk: str, a: int, b: int | None) -> None:
        item: dict[str, Any] = {"pk": {"S": pk}, "a": {"S": f"v{a}"}}
        if b is not None:
            item["b"] = {"N": str(b)}
        self.client.put_item(TableName="machine", Item=item)
        self.items[pk] = item

    @rule(pk=st.sampled_from(["p0", "p1", "p2", "p3"]))
    def delete(self, pk: str) -> None:
        self.client.delete_item(TableName="machine", Key={"pk": {"S": pk}})
        self.items.pop(pk, None)

    @rule(pk=st.sampled_from(["p0", "p1"]), attr=st.sampled_from(ATTRS))
    def wrong_type(self, pk: str, attr: str) -> None:
        """A wrong-typed key of a live index is rejected and changes nothing."""
        live = {
            i["KeySchema"][0]["AttributeName"]
            for i in self.gsis().values()
            if i["IndexStatus"] != "DELETING"
        }
        bad = {"N": "1"} if attr == "a" else {"S": "x"}
        item = {"pk": {"S": pk}, attr: bad}
        if attr in live:
            with pytest.raises(ValidationException, match="Type mismatch for Index Key"):
                self.client.put_item(TableName="machine", Item=item)

    @precondition(lambda self: len(self.gsis()) < 2)
    @rule(attr=st.sampled_from(ATTRS))
    def create_gsi(self, attr: str) -> None:
        name = f"by-{attr}"
        if name in self.gsis():
            return
        self.client.update_table(
            TableName="machine",
            AttributeDefinitions=[
                {"AttributeName": attr, "AttributeType": "S" if attr == "a" else "N"}
            ],
            GlobalSecondaryIndexUpdates=[
                {
                    "Create": {
                        "IndexName": name,
                        "KeySchema": [{"AttributeName": attr, "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "KEYS_ONLY"},
                    }
                }
            ],
        )

    @rule(attr=st.sampled_from(ATTRS))
    def delete_gsi(self, attr: str) -> None:
        shown = self.gsis().get(f"by-{attr}")
        if shown is None or shown["IndexStatus"] == "DELETING":
            return
        self.client.update_table(
            TableName="machine",
            GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": f"by-{attr}"}}],
        )

    @rule(seconds=st.sampled_from([1, 5, 10]))
    def advance(self, seconds: int) -> None:
        self.sim.advance(seconds=seconds)

    @invariant()
    def holds(self) -> None:
        self.sim._check()
        for name, shown in self.gsis().items():
            if shown["IndexStatus"] != "ACTIVE":
                continue
            attr = shown["KeySchema"][0]["AttributeName"]
            values = {next(iter(i[attr].items())) for i in self.items.values() if attr in i}
            total = 0
            for tag, raw in sorted(values):
                value = {tag: raw}
                got = self.client.query(
                    TableName="machine",
                    IndexName=name,
                    KeyConditionExpression="#k = :v",
                    ExpressionAttributeNames={"#k": attr},
                    ExpressionAttributeValues={":v": value},
                )["Items"]
                want = sorted(
                    (
                        {"pk": i["pk"], attr: i[attr]}
                        for i in self.items.values()
                        if i.get(attr) == value
                    ),
                    key=lambda i: i["pk"]["S"],
                )
                assert got == want
                total += len(got)
            assert shown["ItemCount"] == total


TestIndexMachine = IndexMachine.TestCase
