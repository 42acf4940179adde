"""Microseconds per ``put_item`` through each door into a simulation, beside moto's mock_aws.

Run: ``python benchmarks/bench_sdk.py``.  The same 5-attribute items (DynamoDB JSON) are
written through:

* ``sim.client("dynamodb")``: the native face (the baseline of the ratios);
* a client of ``sim.boto3_session()``: botocore signs, serialises and parses; no network;
* a boto3 client pointed at ``sim.serve()``: the same over loopback HTTP;
* a boto3 client inside moto's ``mock_aws()``, if moto is installed (a benchmark-only
  dependency): ``moto: not installed`` otherwise.

Each figure is the best of several timed runs after a warm-up.  A benchmark, not a test: it
asserts nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from _workload import best_us_per_call, python_items, wire_items

from streamsim._simulation import Simulation

N_ITEMS = 1_000
RUNS = 5
TABLE = {
    "TableName": "bench",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def writer(client: Any, wire: list[list[dict[str, Any]]]) -> Callable[[int], None]:
    put = client.put_item

    def run(index: int) -> None:
        for item in wire[index]:
            put(TableName="bench", Item=item)

    return run


def fake_client(service: str, **options: Any) -> Any:
    """A boto3 client with fake credentials and no retries (for the endpoint and moto)."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        service,
        region_name="us-east-1",
        aws_access_key_id="fake",
        aws_secret_access_key="fake",
        config=Config(retries={"mode": "legacy", "total_max_attempts": 1}),
        **options,
    )


def main() -> None:
    wire = [wire_items(python_items(run, N_ITEMS)) for run in range(RUNS + 1)]
    rows: list[tuple[str, float | None]] = []

    sim = Simulation(seed=0)
    face = sim.client("dynamodb")
    face.create_table(**TABLE)
    rows.append(("sim.client (baseline)", best_us_per_call(RUNS, writer(face, wire), N_ITEMS)))

    sim = Simulation(seed=0)
    session_client = sim.boto3_session().client("dynamodb")
    session_client.create_table(**TABLE)
    rows.append(
        ("sim.boto3_session()", best_us_per_call(RUNS, writer(session_client, wire), N_ITEMS))
    )

    sim = Simulation(seed=0)
    with sim.serve(port=0) as server:
        http_client = fake_client("dynamodb", endpoint_url=server.url)
        http_client.create_table(**TABLE)
        rows.append(
            ("sim.serve() endpoint", best_us_per_call(RUNS, writer(http_client, wire), N_ITEMS))
        )

    try:
        from moto import mock_aws
    except ImportError:
        rows.append(("moto mock_aws", None))
    else:
        with mock_aws():
            moto_client = fake_client("dynamodb")
            moto_client.create_table(**TABLE)
            rows.append(
                ("moto mock_aws", best_us_per_call(RUNS, writer(moto_client, wire), N_ITEMS))
            )

    base = rows[0][1]
    assert base is not None
    print(f"put_item of 5-attribute items, best of {RUNS} runs of {N_ITEMS} writes")
    for name, us in rows:
        if us is None:
            print(f"  {'moto:':<24} not installed")
        else:
            print(f"  {name:<24} {us:8.1f} us/write   {us / base:6.1f} x sim.client")


if __name__ == "__main__":
    main()
