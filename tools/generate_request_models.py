"""Write ``src/streamsim/_faces/_models/*.py``: the request shapes of botocore's service models.

Usage::

    .venv/bin/python tools/generate_request_models.py          # rewrite the modules
    .venv/bin/python tools/generate_request_models.py --check  # exit 1 if they would change

streamsim validates every request the way botocore does before it sends one (missing and
unknown members, Python types, minimum lengths and values, member by member into nested
structures), without botocore installed.  The tables it checks against are generated here,
from the service models of the botocore this runs with, for the operations each face
implements (``OPERATIONS`` below), and committed.  ``tests/unit/test_request_models.py`` runs
``--check`` when the installed botocore is the one the modules name, so they cannot drift.

What the tables keep of a model: for each structure its required members and, in the model's
order, each member's kind (a key of ``_param_shapes.KINDS``, or a nested :class:`Struct` /
:class:`ListOf`) and minimum (botocore's ``min``: a length for strings and lists, a value for
integers).  Maps are checked as mappings only, and ``AttributeValue`` (an item's values, which
boto3's resource lets a caller pass as Python values) as ``"value"``: the item converters of
``streamsim._items`` check them, with DynamoDB's own messages.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore
import botocore.session

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "streamsim" / "_faces" / "_models"

#: service -> (module name, the operations its face implements)
OPERATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dynamodb": (
        "dynamodb",
        (
            "CreateTable",
            "DescribeTable",
            "UpdateTable",
            "DeleteTable",
            "ListTables",
            "PutItem",
            "GetItem",
            "UpdateItem",
            "DeleteItem",
            "BatchWriteItem",
            "BatchGetItem",
            "TransactWriteItems",
            "TransactGetItems",
            "Query",
            "Scan",
            "UpdateTimeToLive",
            "DescribeTimeToLive",
            "TagResource",
            "UntagResource",
            "ListTagsOfResource",
            "EnableKinesisStreamingDestination",
            "DisableKinesisStreamingDestination",
            "DescribeKinesisStreamingDestination",
            "UpdateKinesisStreamingDestination",
        ),
    ),
    "dynamodbstreams": (
        "dynamodbstreams",
        ("ListStreams", "DescribeStream", "GetShardIterator", "GetRecords"),
    ),
    "kinesis": (
        "kinesis",
        (
            "CreateStream",
            "DeleteStream",
            "DescribeStream",
            "DescribeStreamSummary",
            "ListStreams",
            "ListShards",
            "PutRecord",
            "PutRecords",
            "GetShardIterator",
            "GetRecords",
            "IncreaseStreamRetentionPeriod",
            "DecreaseStreamRetentionPeriod",
            "SplitShard",
            "MergeShards",
            "UpdateShardCount",
            "AddTagsToStream",
            "RemoveTagsFromStream",
            "ListTagsForStream",
        ),
    ),
    "lambda": (
        "lambda_",
        (
            "CreateEventSourceMapping",
            "UpdateEventSourceMapping",
            "DeleteEventSourceMapping",
            "GetEventSourceMapping",
            "ListEventSourceMappings",
            "PutFunctionConcurrency",
            "GetFunctionConcurrency",
            "DeleteFunctionConcurrency",
            "GetFunction",
            "Invoke",
            "PutFunctionEventInvokeConfig",
            "UpdateFunctionEventInvokeConfig",
            "GetFunctionEventInvokeConfig",
            "DeleteFunctionEventInvokeConfig",
        ),
    ),
}
#: botocore type -> kind of ``_param_shapes.KINDS``
KIND = {
    "string": "str",
    "integer": "int",
    "long": "int",
    "boolean": "bool",
    "map": "dict",
    "timestamp": "timestamp",
    "blob": "blob",
    "double": "double",
}
#: structures checked as one value by the item converters, not member by member
VALUES = frozenset({"AttributeValue"})


class Writer:
    """Collects one service's structures as module-level constants, dependencies first."""

    def __init__(self) -> None:
        self.defined: dict[str, str] = {}  # constant name -> its definition, in order
        self.visiting: set[str] = set()

    def kind(self, shape: Any) -> str:
        """The source text of a member's kind."""
        if shape.type_name == "structure":
            if shape.name in VALUES:
                return '"value"'
            return self.struct(shape)
        if shape.type_name == "list":
            element = shape.member
            low = self.minimum(element) if element.type_name != "structure" else None
            return f"ListOf({self.kind(element)}{'' if low is None else f', {low}'})"
        return repr(KIND[shape.type_name])

    def struct(self, shape: Any) -> str:
        """The constant holding structure ``shape`` (defined on first use)."""
        name = f"_{shape.name}"
        if name in self.visiting:  # a recursive structure would loop: fail loudly instead
            raise SystemExit(f"recursive structure {shape.name}: add it to VALUES")
        if name not in self.defined:
            self.visiting.add(name)
            table = self.table(shape)  # defines the structures it uses first
            self.visiting.discard(name)
            self.defined[name] = f"{name} = Struct({table})\n"
        return name

    def table(self, shape: Any) -> str:
        """``(required, {member: (kind, minimum)})`` of a structure, as source text."""
        required = tuple(shape.required_members)
        members = ", ".join(
            f"{name!r}: ({self.kind(member)}, {self.minimum(member)!r})"
            for name, member in shape.members.items()
        )
        return f"{required!r}, {{{members}}}"

    @staticmethod
    def minimum(shape: Any) -> int | None:
        if shape.type_name in ("string", "list", "integer", "long"):
            low = shape.metadata.get("min")
            return None if low is None else int(low)
        return None


def render(service: str) -> tuple[str, str]:
    """(file name, text) of one service's module."""
    module, operations = OPERATIONS[service]
    model = botocore.session.get_session().get_service_model(service)
    writer = Writer()
    rows = [
        f"    {op!r}: ({writer.table(model.operation_model(op).input_shape)})," for op in operations
    ]
    header = (
        f'"""{model.metadata.get("serviceId", service)}\'s requests, from botocore '
        f"{botocore.__version__}'s service model.\n\n"
        "Generated by ``tools/generate_request_models.py``: do not edit; regenerate.\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        "from streamsim._faces._param_shapes import {imports}\n\n"
        f"BOTOCORE_VERSION = {botocore.__version__!r}\n\n"
    )
    body = "\n".join(text for text in writer.defined.values())
    ops = "#: operation -> (required members, member -> (kind, minimum))\n"
    ops += "OPERATIONS: dict[str, OperationSpec] = {\n" + "\n".join(rows) + "\n}\n"
    used = ["ListOf"] if "ListOf(" in body + ops else []
    used += ["OperationSpec"] + (["Struct"] if "Struct(" in body else [])
    text = header.replace("{imports}", ", ".join(used)) + body + "\n" + ops
    return f"{module}.py", formatted(text)


def formatted(text: str) -> str:
    """``text`` as ``ruff format`` writes it (the project's formatter, so --check is stable)."""
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [str(ruff), "format", "--stdin-filename", "generated.py", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on change")
    args = parser.parse_args()
    changed = []
    for service in OPERATIONS:
        name, text = render(service)
        path = OUT / name
        if not path.exists() or path.read_text() != text:
            changed.append(name)
            if not args.check:
                path.write_text(text)
    if args.check and changed:
        print(f"out of date: {', '.join(changed)}; run tools/generate_request_models.py")
        return 1
    print(f"{'changed' if changed else 'unchanged'}: {', '.join(changed) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
