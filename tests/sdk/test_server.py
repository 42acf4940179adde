"""``sim.serve()`` and ``python -m streamsim serve``: the loopback AWS endpoint."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from streamsim import Simulation, SimulationError

ROOT = Path(__file__).resolve().parents[2]
NO_RETRIES = Config(retries={"mode": "legacy", "total_max_attempts": 1}, read_timeout=30)


def client(url: str, service: str = "dynamodb") -> Any:
    """A real boto3 client of the endpoint, with fake credentials and no retries."""
    return boto3.session.Session().client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="fake",
        aws_secret_access_key="fake",
        config=NO_RETRIES,
    )


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST ``body``; the status and the JSON answer (errors included)."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_serve_answers_real_boto3_over_http() -> None:
    """A boto3 client pointed at server.url creates, writes and reads the served simulation."""
    sim = Simulation(seed=1)
    with sim.serve(port=0) as server:
        dynamodb = client(server.url)
        dynamodb.create_table(
            TableName="served",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.put_item(TableName="served", Item={"pk": {"S": "a"}, "b": {"B": b"\x01"}})
        item = dynamodb.get_item(TableName="served", Key={"pk": {"S": "a"}})["Item"]
    assert item == {"pk": {"S": "a"}, "b": {"B": b"\x01"}}
    assert sim.table("served").get_item(Key={"pk": "a"})["Item"]["b"] == b"\x01"


def test_admin_advance_moves_virtual_time_and_runs_the_poller() -> None:
    """POST /_streamsim/advance advances virtual time; mappings deliver records meanwhile."""
    sim = Simulation(seed=1)
    table = sim.create_table("feed", hash_key="pk", stream_view_type="NEW_IMAGE")
    seen: list[str] = []
    sim.create_function(
        "collect", lambda event, _: seen.extend(r["eventName"] for r in event["Records"])
    )
    with sim.serve(port=0) as server:
        client(server.url, "lambda").create_event_source_mapping(
            FunctionName="collect", EventSourceArn=sim.streams[0].arn, StartingPosition="LATEST"
        )
        table.put_item(Item={"pk": "a"})
        status, now = post(server.url + "/_streamsim/advance", b'{"seconds": 5}')
        with urllib.request.urlopen(server.url + "/_streamsim/now", timeout=30) as response:
            told = json.loads(response.read())
    assert status == 200
    assert now == told == {"now": "2024-01-01T00:00:05+00:00", "now_ms": 1704067205000}
    assert seen == ["INSERT"]


def test_admin_advance_rejects_bad_units() -> None:
    """Unknown units, negative durations and bad JSON are AWS-style errors; time stays."""
    sim = Simulation(seed=1)
    with sim.serve(port=0) as server:
        url = server.url + "/_streamsim/advance"
        assert post(url, b'{"weeks": 1}')[1]["__type"].endswith("#ValidationException")
        assert post(url, b'{"seconds": -1}')[1]["__type"].endswith("#ValidationException")
        assert post(url, b"{nope")[1]["__type"].endswith("#SerializationException")
    assert sim.now_ms == 1704067200000


def test_malformed_json_over_http_is_a_serialization_exception() -> None:
    """A DynamoDB request whose body is not JSON answers 400 SerializationException."""
    with Simulation(seed=1).serve(port=0) as server:
        headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables"}
        status, body = post(server.url + "/", b"{", headers)
        unknown = post(server.url + "/", b"{}", {"X-Amz-Target": "DynamoDB_20120810.Nope"})
    assert (status, body["__type"].rsplit("#")[1]) == (400, "SerializationException")
    assert unknown[1]["__type"].endswith("#UnknownOperationException")


def test_body_over_the_limit_is_refused_unread() -> None:
    """A request body larger than max_body_bytes answers 413 and is not processed."""
    sim = Simulation(seed=1)
    with sim.serve(port=0, max_body_bytes=100) as server:
        headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables"}
        status, body = post(server.url + "/", b"{" + b" " * 200 + b"}", headers)
    assert status == 413
    assert "at most 100" in body["message"]


def test_refused_body_may_still_be_sent_after_the_413() -> None:
    """After a 413 the server drains the rest of the body, so the client never meets a reset."""
    import socket

    server = Simulation(seed=1).serve(port=0, max_body_bytes=64)
    with server, socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        head = (
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"X-Amz-Target: DynamoDB_20120810.ListTables\r\n\r\n"
        )
        sock.sendall(head + b"65\r\n{" + b" " * 100 + b"\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            part = sock.recv(65536)
            assert part, f"the server closed before answering: {answer!r}"
            answer += part
        time.sleep(0.2)  # the server has answered; a server that closed now would reset us
        for _ in range(3):
            sock.sendall(b"1000\r\n" + b" " * 4096 + b"\r\n")
        sock.sendall(b"1\r\n}\r\n0\r\n\r\n")
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(65536) == b""  # a clean end, not ConnectionResetError
    assert answer.startswith(b"HTTP/1.1 413")


def test_loopback_only_unless_allow_remote() -> None:
    """A non-loopback host is refused unless allow_remote; loopback names are fine."""
    sim = Simulation(seed=1)
    with pytest.raises(ValueError, match="allow_remote"):
        sim.serve("0.0.0.0")
    assert sim.serve("0.0.0.0", allow_remote=True).host == "0.0.0.0"
    assert sim.serve("localhost").host == "localhost"


def test_bad_clock_or_speed_is_refused() -> None:
    """clock must be manual or wall; speed a positive finite number."""
    sim = Simulation(seed=1)
    with pytest.raises(ValueError, match="clock"):
        sim.serve(clock="sundial")
    for speed in (0, -1.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="speed"):
            sim.serve(clock="wall", speed=speed)


def test_handler_calling_the_endpoint_during_advance_gets_a_clear_error() -> None:
    """A handler calling the endpoint over HTTP during advance gets 503, not a hang."""
    sim = Simulation(seed=1)
    table = sim.create_table("loop", hash_key="pk", stream_view_type="NEW_IMAGE")
    errors: list[dict[str, str]] = []
    with sim.serve(port=0, busy_timeout=0.3) as server:

        def handler(event: Any, context: Any) -> None:
            try:
                client(server.url).list_tables()
            except ClientError as exc:
                errors.append(exc.response["Error"])

        sim.create_function("calls-back", handler)
        sim.client("lambda").create_event_source_mapping(
            FunctionName="calls-back", EventSourceArn=sim.streams[0].arn, StartingPosition="LATEST"
        )
        table.put_item(Item={"pk": "a"})
        server.advance(seconds=2)
    assert [e["Code"] for e in errors] == ["ServiceUnavailable"]
    assert "handler" in errors[0]["Message"]


def test_handler_calling_server_advance_raises_at_once() -> None:
    """server.advance from a handler (the thread holding the simulation) raises at once."""
    sim = Simulation(seed=1)
    table = sim.create_table("reenter", hash_key="pk", stream_view_type="NEW_IMAGE")
    messages: list[str] = []
    with sim.serve(port=0) as server:

        def handler(event: Any, context: Any) -> None:
            try:
                server.advance(seconds=1)
            except SimulationError as exc:
                messages.append(str(exc))

        sim.create_function("reenters", handler)
        sim.client("lambda").create_event_source_mapping(
            FunctionName="reenters", EventSourceArn=sim.streams[0].arn, StartingPosition="LATEST"
        )
        table.put_item(Item={"pk": "a"})
        server.advance(seconds=2)
    assert len(messages) == 1
    assert "thread that holds the simulation" in messages[0]


def test_wall_clock_follows_wall_time_times_speed() -> None:
    """clock='wall' moves virtual time with wall time times speed; it stops with the server."""
    sim = Simulation(seed=1)
    start = sim.now_ms
    with sim.serve(port=0, clock="wall", speed=1000):
        time.sleep(0.5)
    moved = sim.now_ms - start
    assert moved >= 100_000
    time.sleep(0.2)
    assert sim.now_ms - start == moved


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def served() -> Iterator[str]:
    """``python -m streamsim serve --port 0 --setup ...`` in a subprocess; its URL."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamsim",
            "serve",
            "--port",
            "0",
            "--seed",
            "3",
            "--setup",
            "tests.sdk.setup_for_serve:setup",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    with process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            assert line.startswith("streamsim: serving http://127.0.0.1:"), process.stderr
            yield line.split()[2]
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0


def test_cli_serve_runs_the_setup_function(served: str) -> None:
    """python -m streamsim serve --setup module:function serves what the function created."""
    assert client(served).list_tables()["TableNames"] == ["prepared"]
    function = client(served, "lambda").get_function(FunctionName="counter")
    assert function["Configuration"]["FunctionName"] == "counter"


def test_cli_serve_refuses_a_bad_setup() -> None:
    """A --setup that is not module:function exits with status 2 and says why."""
    result = subprocess.run(
        [sys.executable, "-m", "streamsim", "serve", "--port", "0", "--setup", "nocolon"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "module:function" in result.stderr


def aws_cli() -> str:
    """The AWS CLI to run: $STREAMSIM_AWS_CLI, the repository's .venv-awscli, or `aws`."""
    candidates = [os.environ.get("STREAMSIM_AWS_CLI"), str(ROOT / ".venv-awscli/bin/aws")]
    candidates.append(shutil.which("aws"))
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    message = "the AWS CLI is not installed (.ci/run installs it into .venv-awscli)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def test_aws_cli_creates_a_stream_writes_and_reads_records_back(served: str) -> None:
    """The AWS CLI creates a table, enables its stream, writes, reads the records back, maps it."""
    cli = aws_cli()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "fake",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_MAX_ATTEMPTS": "1",
    }

    def aws(*args: str) -> Any:
        result = subprocess.run(
            [cli, *args, "--endpoint-url", served, "--output", "json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    aws(
        "dynamodb", "create-table", "--table-name", "cli-orders",
        "--attribute-definitions", "AttributeName=pk,AttributeType=S",
        "--key-schema", "AttributeName=pk,KeyType=HASH",
        "--billing-mode", "PAY_PER_REQUEST",
    )  # fmt: skip
    updated = aws(
        "dynamodb", "update-table", "--table-name", "cli-orders",
        "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
    )  # fmt: skip
    arn = updated["TableDescription"]["LatestStreamArn"]
    aws("dynamodb", "put-item", "--table-name", "cli-orders", "--item", '{"pk": {"S": "a"}}')
    aws(
        "dynamodb", "put-item", "--table-name", "cli-orders",
        "--item", '{"pk": {"S": "a"}, "n": {"N": "2"}}',
    )  # fmt: skip
    stream = aws("dynamodbstreams", "describe-stream", "--stream-arn", arn)
    shard = stream["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = aws(
        "dynamodbstreams", "get-shard-iterator", "--stream-arn", arn, "--shard-id", shard,
        "--shard-iterator-type", "TRIM_HORIZON",
    )["ShardIterator"]  # fmt: skip
    records = aws("dynamodbstreams", "get-records", "--shard-iterator", iterator)["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY"]
    assert records[1]["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "n": {"N": "2"}}
    assert records[1]["dynamodb"]["OldImage"] == {"pk": {"S": "a"}}
    mapping = aws(
        "lambda", "create-event-source-mapping", "--function-name", "counter",
        "--event-source-arn", arn, "--starting-position", "TRIM_HORIZON",
    )  # fmt: skip
    listed = aws("lambda", "list-event-source-mappings", "--function-name", "counter")
    assert [m["UUID"] for m in listed["EventSourceMappings"]] == [mapping["UUID"]]


def test_chunked_bodies_are_read_and_limited() -> None:
    """A chunked request body is read; one over max_body_bytes is refused with 413."""
    import http.client

    def send(server_port: int, chunks: list[bytes]) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", server_port, timeout=30)
        headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables"}
        try:
            connection.request("POST", "/", body=iter(chunks), headers=headers, encode_chunked=True)
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    with Simulation(seed=1).serve(port=0, max_body_bytes=64) as server:
        assert send(server.port, [b"{", b"}"]) == (200, {"TableNames": []})
        assert send(server.port, [b"{" + b" " * 100, b"}"])[0] == 413
