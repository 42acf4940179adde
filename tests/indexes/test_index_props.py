"""Property: a Query on an index equals a brute-force filter, sort and projection of the
table's items, after any sequence of writes; no index ever holds an item missing its keys
(``Simulation._check``).  Rules H.9 and H.10."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streamsim._errors import ValidationException
from streamsim._simulation import Simulation

HASHES = ["a", "b"]


def value(kind: str, raw: int) -> dict[str, str]:
    return {"N": str(raw)} if kind == "N" else {"S": f"v{raw}"}


def order_of(av: dict[str, str]) -> Any:
    ((tag, raw),) = av.items()
    return Decimal(raw) if tag == "N" else raw


@st.composite
def schemas(draw: st.DrawFn) -> dict[str, Any]:
    """A table (pk S, sk N) with a GSI on g [/ r] and an LSI on r, random types/projections."""
    g_type = draw(st.sampled_from(["S", "N"]))
    r_type = draw(st.sampled_from(["S", "N"]))
    gsi_range = draw(st.booleans())
    projections = st.sampled_from(["ALL", "KEYS_ONLY", "INCLUDE"])
    return {
        "g_type": g_type,
        "r_type": r_type,
        "gsi_range": gsi_range,
        "gsi_projection": draw(projections),
        "lsi_projection": draw(projections),
    }


def projection(kind: str) -> dict[str, Any]:
    if kind == "INCLUDE":
        return {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}
    return {"ProjectionType": kind}


def create(client: Any, schema: dict[str, Any]) -> None:
    gsi_keys = [{"AttributeName": "g", "KeyType": "HASH"}]
    if schema["gsi_range"]:
        gsi_keys.append({"AttributeName": "r", "KeyType": "RANGE"})
    client.create_table(
        TableName="props",
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": schema["g_type"]},
            {"AttributeName": "r", "AttributeType": schema["r_type"]},
        ],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi",
                "KeySchema": gsi_keys,
                "Projection": projection(schema["gsi_projection"]),
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "lsi",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "r", "KeyType": "RANGE"},
                ],
                "Projection": projection(schema["lsi_projection"]),
            }
        ],
    )


writes = st.lists(
    st.tuples(
        st.sampled_from(["put", "put", "update", "delete"]),
        st.sampled_from(HASHES),
        st.integers(0, 3),  # sk
        st.one_of(st.none(), st.integers(0, 2)),  # g
        st.one_of(st.none(), st.integers(0, 2)),  # r
        st.booleans(),  # with x
        st.sampled_from([False, False, False, False, True]),  # a wrong-typed g
    ),
    max_size=25,
)


def apply(client: Any, schema: dict[str, Any], write: tuple[Any, ...]) -> None:
    kind, pk, sk, g, r, with_x, wrong = write
    key = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
    g_type = schema["g_type"]
    g_value = None if g is None else value(("S" if g_type == "N" else "N") if wrong else g_type, g)
    if kind == "delete":
        client.delete_item(TableName="props", Key=key)
        return
    if kind == "put":
        item = dict(key)
        if g_value is not None:
            item["g"] = g_value
        if r is not None:
            item["r"] = value(schema["r_type"], r)
        if with_x:
            item["x"] = {"S": "x"}
        item["y"] = {"S": "y"}
        client.put_item(TableName="props", Item=item)
        return
    sets = []
    values: dict[str, Any] = {}
    if g_value is not None:
        sets.append("g = :g")
        values[":g"] = g_value
    if r is not None:
        sets.append("r = :r")
        values[":r"] = value(schema["r_type"], r)
    expression = ("SET " + ", ".join(sets)) if sets else "REMOVE g"
    params: dict[str, Any] = {"TableName": "props", "Key": key, "UpdateExpression": expression}
    if values:
        params["ExpressionAttributeValues"] = values
    client.update_item(**params)


def expected(
    items: list[dict[str, Any]], hash_name: str, hv: Any, range_name: str | None, kept: Any
) -> list[dict[str, Any]]:
    chosen = [
        i for i in items if i.get(hash_name) == hv and (range_name is None or range_name in i)
    ]
    chosen.sort(
        key=lambda i: (
            order_of(i[range_name]) if range_name else 0,
            order_of(i["pk"]),
            order_of(i["sk"]),
        )
    )
    if kept is None:
        return chosen
    return [{k: v for k, v in i.items() if k in kept} for i in chosen]


def query_all(client: Any, index: str, condition: str, hv: Any, forward: bool) -> list[Any]:
    out: list[Any] = []
    start = None
    while True:
        params: dict[str, Any] = {
            "TableName": "props",
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": {":h": hv},
            "ScanIndexForward": forward,
            "Limit": 2,
        }
        if start is not None:
            params["ExclusiveStartKey"] = start
        page = client.query(**params)
        out += page["Items"]
        start = page.get("LastEvaluatedKey")
        if start is None:
            return out


def kept_names(schema: dict[str, Any], which: str, keys: list[str]) -> Any:
    kind = schema[f"{which}_projection"]
    if kind == "ALL":
        return None
    return {"pk", "sk", *keys, *(["x"] if kind == "INCLUDE" else [])}


@given(schema=schemas(), sequence=writes)
def test_rule_h10_index_query_equals_brute_force(
    schema: dict[str, Any], sequence: list[tuple[Any, ...]]
) -> None:
    """Every Query on every index equals filtering, sorting and projecting the table's items."""
    sim = Simulation(seed=3)
    client = sim.client("dynamodb")
    create(client, schema)
    for write in sequence:
        kind, _, _, g, _, _, wrong = write
        if wrong and g is not None and kind != "delete":
            before = client.scan(TableName="props")["Items"]
            with pytest.raises(ValidationException, match="Type mismatch for Index Key g"):
                apply(client, schema, write)
            assert client.scan(TableName="props")["Items"] == before
        else:
            apply(client, schema, write)
        sim._check()
    items = client.scan(TableName="props")["Items"]
    gsi_range = "r" if schema["gsi_range"] else None
    gsi_kept = kept_names(schema, "gsi", ["g", *(["r"] if gsi_range else [])])
    for raw in range(3):
        hv = value(schema["g_type"], raw)
        want = expected(items, "g", hv, gsi_range, gsi_kept)
        assert query_all(client, "gsi", "g = :h", hv, True) == want
        assert query_all(client, "gsi", "g = :h", hv, False) == want[::-1]
    lsi_kept = kept_names(schema, "lsi", ["r"])
    for pk in HASHES:
        want = expected(items, "pk", {"S": pk}, "r", lsi_kept)
        assert query_all(client, "lsi", "pk = :h", {"S": pk}, True) == want
    scanned = client.scan(TableName="props", IndexName="gsi")["Items"]
    assert len(scanned) == sum(1 for i in items if "g" in i and (gsi_range is None or "r" in i))
