"""The package's layers import downward only, and no module imports itself round a cycle.

Every import counts: at module level, inside functions, and under ``TYPE_CHECKING`` (a
``TYPE_CHECKING`` import that exists to dodge a cycle is still a cycle).  The layers, lowest
first, as ``docs/architecture.md`` draws them:

* foundation: errors, the clock, the GC policy, attrs validators, and the pictures (drawn from
  plain records, so every layer above may hand them data);
* ``_items``: the DynamoDB type system and frozen items;
* ``_streams``: partitions, shards, stream records and their AWS shapes;
* ``_dynamodb``, ``_lambda`` and ``_kinesis``: tables (which write to streams), the Lambda poller
  (which reads them) and Kinesis Data Streams; none imports another;
* ``_model``: one simulated account and region, owning every service's state, and what joins
  two services (``_kinesis_destinations``: DynamoDB changes into Kinesis);
* ``_faces``: the boto3-shaped clients and the resource ``Table``, translating to the model;
* ``_sdk``: real AWS SDKs' HTTP requests to the faces (boto3 session, patch, HTTP endpoint);
* ``_simulation``; the lab pipeline (``_lab``, built on the simulation); then the public
  namespace (``streamsim.lab`` among it), ``testing``, the pytest plugin and the command
  line (``python -m streamsim``).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "streamsim"

LAYERS: list[tuple[str, ...]] = [
    (
        "streamsim._errors",
        "streamsim._clock",
        "streamsim._producers",
        "streamsim._gc",
        "streamsim._validators",
        "streamsim._pictures",
        "streamsim._reprs",
    ),
    ("streamsim._items",),
    ("streamsim._streams",),
    ("streamsim._dynamodb", "streamsim._lambda", "streamsim._kinesis"),
    ("streamsim._model", "streamsim._kinesis_destinations"),
    ("streamsim._faces",),
    ("streamsim._sdk",),
    ("streamsim._simulation",),
    ("streamsim._lab",),
    ("streamsim", "streamsim.testing", "streamsim.pytest_plugin", "streamsim.__main__"),
]
#: Components on one layer that must not import each other.
INDEPENDENT = [
    ("streamsim._dynamodb", "streamsim._lambda"),
    ("streamsim._dynamodb", "streamsim._kinesis"),
    ("streamsim._lambda", "streamsim._kinesis"),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The streamsim modules ``name`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:
                    found.add(sub)
                elif target in known:
                    found.add(target)
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _component(module: str) -> str:
    """The longest layer entry that ``module`` is or lies inside."""
    best = ""
    for layer in LAYERS:
        for entry in layer:
            inside = module == entry or module.startswith(entry + ".")
            if inside and len(entry) > len(best):
                best = entry
    return best


def _rank(component: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if component in layer)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(sorted(members))
    return found


def test_no_import_cycles() -> None:
    """No set of modules inside src/streamsim imports itself round a cycle (any import counts)."""
    assert _cycles(_graph()) == []


def test_every_module_has_a_layer() -> None:
    """Each module lies in exactly one named layer, so the layering rule covers it."""
    unplaced = [name for name in _modules() if not _component(name)]
    assert unplaced == []


def test_imports_point_down() -> None:
    """A module imports only from its own layer or a lower one (never from a higher layer)."""
    upward = []
    for name, targets in sorted(_graph().items()):
        mine = _component(name)
        for target in sorted(targets):
            theirs = _component(target)
            if _rank(theirs) > _rank(mine):
                upward.append(f"{name} -> {target}")
    assert upward == []


def test_independent_components_do_not_import_each_other() -> None:
    """Tables and the Lambda poller meet only through streams: neither imports the other."""
    crossing = []
    for name, targets in sorted(_graph().items()):
        for a, b in INDEPENDENT:
            for source, other in ((a, b), (b, a)):
                if _component(name) == source:
                    crossing += [
                        f"{name} -> {t}" for t in sorted(targets) if _component(t) == other
                    ]
    assert crossing == []


def test_cycle_finder_finds_a_cycle() -> None:
    """The checker itself: a two-module loop and a three-module loop are both reported."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": set()}
    assert _cycles(graph) == [["a", "b"], ["c", "d", "e"]]
