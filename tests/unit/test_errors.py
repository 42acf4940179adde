"""The error hierarchy: decided once, at import, and the same to a caller whatever is installed.

``StreamsimError`` subclasses botocore's ``ClientError`` when botocore can be imported (so code
written for boto3 catches it unchanged) and ``Exception`` otherwise; the choice is made once,
when ``streamsim`` is first imported.  Either way an error carries the same ``response``,
``operation_name``, ``code`` and text.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from botocore.exceptions import ClientError

import streamsim
from streamsim import Simulation, ValidationException

_PROBE = textwrap.dedent(
    """
    import json, sys
    {block}
    from streamsim import Simulation, ValidationException, StreamsimError
    sim = Simulation(seed=1)
    try:
        sim.client("dynamodb").describe_table(TableName="nope")
    except StreamsimError as exc:
        caught = exc
    print(json.dumps({{
        "bases": [c.__name__ for c in StreamsimError.__mro__],
        "type": type(caught).__name__,
        "response": caught.response,
        "operation": caught.operation_name,
        "text": str(caught),
        "botocore": "botocore" in sys.modules,
    }}, sort_keys=True))
    """
)

_BLOCK_BOTOCORE = textwrap.dedent(
    """
    class _NoBotocore:
        def find_spec(self, name, path=None, target=None):
            if name == "botocore" or name.startswith("botocore."):
                raise ImportError("botocore is blocked for this test")
            return None
    sys.meta_path.insert(0, _NoBotocore())
    """
)


def _probe(block: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE.format(block=block)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout)
    return result


def test_errors_are_client_errors_when_botocore_is_importable() -> None:
    """With botocore importable, every streamsim error is a botocore ClientError."""
    assert issubclass(streamsim.StreamsimError, ClientError)
    exc = ValidationException("bad", "PutItem")
    assert isinstance(exc, ClientError)
    assert exc.response["Error"] == {"Code": "ValidationException", "Message": "bad"}


def test_errors_look_the_same_without_botocore() -> None:
    """Without botocore the base is Exception, and response, operation and text are unchanged."""
    with_botocore = _probe("")
    without = _probe(_BLOCK_BOTOCORE)
    assert with_botocore["botocore"] is True
    assert without["botocore"] is False
    assert "ClientError" in with_botocore["bases"]  # type: ignore[operator]
    assert "ClientError" not in without["bases"]  # type: ignore[operator]
    for key in ("type", "response", "operation", "text"):
        assert with_botocore[key] == without[key], key


def test_error_text_names_the_operation_and_code() -> None:
    """str(error) reads as botocore's: the code, the operation, then the message."""
    sim = Simulation(seed=1)
    with pytest.raises(streamsim.ResourceNotFoundException) as caught:
        sim.client("dynamodb").describe_table(TableName="missing-table")
    assert str(caught.value).startswith(
        "An error occurred (ResourceNotFoundException) when calling the DescribeTable operation: "
    )
