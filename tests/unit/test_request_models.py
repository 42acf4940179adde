"""The request tables the faces validate against are botocore's service models (an oracle).

streamsim checks requests as botocore does without botocore installed, against tables that
``tools/generate_request_models.py`` writes from botocore's service models into
``streamsim._faces._models``.  With the botocore those modules name, regenerating must change
nothing; with any botocore, every member the tables accept must be one the model has, with
the same kind, and every nested structure must be checked member by member.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timezone
from pathlib import Path
from typing import Any

import botocore
import botocore.session
import pytest
from botocore.utils import parse_to_aware_datetime
from botocore.validate import ParamValidator
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from streamsim import Simulation
from streamsim._errors import InvalidParameterValueException, ValidationException
from streamsim._faces._models import dynamodb, dynamodbstreams, kinesis, lambda_
from streamsim._faces._param_shapes import ListOf, Struct
from streamsim._faces._params import ParamValidationError, check_params, is_timestamp_text

ROOT = Path(__file__).resolve().parents[2]
MODULES = {
    "dynamodb": dynamodb,
    "dynamodbstreams": dynamodbstreams,
    "kinesis": kinesis,
    "lambda": lambda_,
}
#: botocore type -> the kind of ``_param_shapes.KINDS`` that checks it
KINDS = {
    "string": "str",
    "integer": "int",
    "long": "int",
    "boolean": "bool",
    "map": "dict",
    "timestamp": "timestamp",
    "blob": "blob",
}


def _problems(path: str, shape: Any, kind: Any) -> list[str]:
    """Where our ``kind`` for ``path`` disagrees with botocore's ``shape``."""
    if isinstance(kind, Struct):
        if shape.type_name != "structure":
            return [f"{path}: a structure here, a {shape.type_name} in the model"]
        found = [f"{path}.{n}: not in the model" for n in kind.members if n not in shape.members]
        if set(kind.required) != set(shape.required_members):
            found.append(f"{path}: required {kind.required} != {shape.required_members}")
        for name, (member, _) in kind.members.items():
            if name in shape.members:
                found += _problems(f"{path}.{name}", shape.members[name], member)
        return found
    if isinstance(kind, ListOf):
        if shape.type_name != "list":
            return [f"{path}: a list here, a {shape.type_name} in the model"]
        return _problems(f"{path}[]", shape.member, kind.element)
    if KINDS.get(shape.type_name) != kind:
        return [f"{path}: kind {kind!r} for the model's {shape.type_name}"]
    return []


@pytest.mark.parametrize("service", sorted(MODULES))
def test_request_tables_accept_only_what_the_service_model_has(service: str) -> None:
    """Every member of every table is in botocore's model, same kind, nested ones included."""
    model = botocore.session.get_session().get_service_model(service)
    problems: list[str] = []
    for operation, (required, members) in MODULES[service].OPERATIONS.items():
        shape = model.operation_model(operation).input_shape
        problems += _problems(operation, shape, Struct(required, members))
    assert problems == []


def test_request_tables_are_what_the_generator_writes_from_their_botocore() -> None:
    """With the botocore the tables name, regenerating them changes nothing."""
    versions = {module.BOTOCORE_VERSION for module in MODULES.values()}
    if versions != {botocore.__version__}:
        pytest.skip(f"tables from botocore {versions}, installed {botocore.__version__}")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "generate_request_models.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_nested_structure_members_are_checked_like_botocore() -> None:
    """An unknown or mistyped member deep in a request fails as botocore's check would."""
    sim = Simulation(seed=1)
    client = sim.client("dynamodb")
    with pytest.raises(ValidationException) as info:
        client.create_table(
            TableName="tbl",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-x",
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "Projection": {"ProjectionTyp": "ALL", "NonKeyAttributes": [""]},
                }
            ],
        )
    assert str(info.value).splitlines()[1:] == [
        'Unknown parameter in GlobalSecondaryIndexes[0].Projection: "ProjectionTyp", must be '
        "one of: ProjectionType, NonKeyAttributes",
        "Invalid length for parameter GlobalSecondaryIndexes[0].Projection.NonKeyAttributes[0], "
        "value: 0, valid min length: 1",
    ]
    assert client.list_tables()["TableNames"] == []
    with pytest.raises(ValidationException, match="Unknown parameter in SourceAccessConfig"):
        sim.client("lambda").create_event_source_mapping(
            FunctionName="f", SourceAccessConfigurations=[{"Kind": "x"}]
        )
    assert InvalidParameterValueException is not None


# --- the checker against botocore's own validator -------------------------------------------------

_SCALARS = st.one_of(
    st.text(max_size=3),
    st.integers(-2, 3),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, max_value=5, min_value=-5),
    st.just({}),
    st.just([]),
)


def _value(kind: Any, depth: int) -> st.SearchStrategy[Any]:
    """Values for a member of ``kind``: mostly well-typed, sometimes anything."""
    if isinstance(kind, Struct) and depth < 4:
        return st.one_of(_struct(kind, depth + 1), _SCALARS)
    if isinstance(kind, ListOf) and depth < 4:
        return st.one_of(st.lists(_value(kind.element, depth + 1), max_size=2), _SCALARS)
    typed = {
        "str": st.text(max_size=40),
        "int": st.integers(-3, 3),
        "bool": st.booleans(),
        "dict": st.just({}),  # maps: botocore checks their entries, streamsim's converters do
        "timestamp": st.datetimes(timezones=st.just(timezone.utc)),
        "blob": st.binary(max_size=4),
    }.get(kind if isinstance(kind, str) else "", _SCALARS)
    return st.one_of(typed, _SCALARS)


def _struct(kind: Struct, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    names = st.sampled_from([*kind.members, "Unknown"])

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        chosen = draw(st.lists(names, unique=True, max_size=4))
        return {
            name: draw(_value(kind.members[name][0] if name in kind.members else "", depth))
            for name in chosen
        }

    return build()


def _botocore_parses(text: str) -> bool:
    try:
        parse_to_aware_datetime(text)
    except Exception:
        return False
    return True


@st.composite
def _requests(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    service = draw(st.sampled_from(sorted(MODULES)))
    operation = draw(st.sampled_from(sorted(MODULES[service].OPERATIONS)))
    required, members = MODULES[service].OPERATIONS[operation]
    return service, operation, draw(_struct(Struct(required, members)))


@settings(
    max_examples=int(os.environ.get("STREAMSIM_ORACLE_EXAMPLES", "300")),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(request=_requests())
def test_request_checks_report_what_botocore_reports(request: tuple[str, str, Any]) -> None:
    """For any request, the checker reports botocore's ParamValidator's lines, in its order."""
    service, operation, params = request
    for name in ("Timestamp", "StartingPositionTimestamp"):  # is_timestamp_text's "Differs"
        text = params.get(name)
        if isinstance(text, str):
            assume(is_timestamp_text(text) == _botocore_parses(text))
    model = botocore.session.get_session().get_service_model(service)
    report = ParamValidator().validate(params, model.operation_model(operation).input_shape)
    spec = MODULES[service].OPERATIONS[operation]
    try:
        check_params(spec, params)
    except ParamValidationError as error:
        ours = str(error)
    else:
        ours = None
    if not report.has_errors():
        assert ours is None
    else:
        assert ours == "Parameter validation failed:\n" + report.generate_report()
