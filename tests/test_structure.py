"""The shape of ``helpers/``: no import cycle, a self-contained simulator, small modules, a light import.

The import graph is read from the source (the AST of every module, imports inside functions
included), so a cycle hidden in a function that only some lesson calls is still found.
Imports under ``if TYPE_CHECKING:`` never run and are left out.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "helpers"
#: The most lines a module may have (the issue says 500; this keeps a margin).
MAX_LINES = 450
#: Modules the live-mode ``get_client()`` may load from the simulator package: the package
#: itself (its exports are lazy) and the small modules configuration reads (the offline key,
#: the profile names, the model table that the retirement guard shares with the simulator).
LIVE_ALLOWED = {
    "helpers.offline",
    "helpers.offline.data",
    "helpers.offline.wire",
    "helpers.offline.data.catalog",
    "helpers.offline.wire.constants",
    "helpers.offline.wire.errors",
    "helpers.offline.data.profiles",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run (anywhere, functions included)."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _base(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = importer if MODULES[importer].name == "__init__.py" else importer.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def _targets(importer: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The helpers modules an import statement runs (a target's parent packages included)."""
    if isinstance(node, ast.Import):
        named = {alias.name for alias in node.names}
    else:
        base = _base(importer, node)
        named = {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}
    targets: set[str] = set()
    for name in named:
        while name.startswith("helpers") and name not in MODULES and "." in name:
            name = name.rpartition(".")[0]  # `import helpers.x.attr` style: the module part
        while name in MODULES and name != importer and not importer.startswith(name + "."):
            targets.add(name)  # running a module runs its parent packages first
            name = name.rpartition(".")[0]
    return targets


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = set().union(*(_targets(name, n) for n in _import_nodes(tree)))
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``[a, b, ..., a]``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_graph_reader_sees_imports_in_functions_and_relative_levels() -> None:
    # The checks below are only as good as this reader: it must find a function-level
    # relative import and resolve `...` from inside a simulator subpackage.
    tree = ast.parse("def f():\n    from ...keys import mask_key\n")
    (node,) = _import_nodes(tree)
    assert _targets("helpers.offline.wire.server", node) == {"helpers.keys"}
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_helpers_import_graph_has_no_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_simulator_imports_nothing_outside_its_package() -> None:
    outside = {
        (name, target)
        for name, targets in import_graph().items()
        if name.startswith("helpers.offline")
        for target in targets
        if target != "helpers" and not target.startswith("helpers.offline")
    }
    assert not outside, f"helpers/offline imports the rest of helpers: {sorted(outside)}"


def test_no_module_is_over_the_line_limit() -> None:
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def _live_environ(home: Path) -> dict[str, str]:
    """A live-mode environment: a key, no KIT_* or OPENAI_* settings of this machine."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("KIT_", "OPENAI_")) and "PROXY" not in k.upper()}
    keep.update(HOME=str(home), PYTHONPATH=str(ROOT), OPENAI_API_KEY="sk-test-" + "a1b2c3d4" * 6)
    return keep


SCRIPT = """
import json, sys
import helpers
first = sorted(m for m in sys.modules if m.startswith("helpers"))
client = helpers.get_client(quiet=True)
print(json.dumps({"import": first, "client": sorted(m for m in sys.modules if m.startswith("helpers")),
                  "base_url": str(client.base_url)}))
"""


def test_live_import_loads_no_simulator(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=_live_environ(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["import"] == ["helpers"], "import helpers loaded more than the package"
    assert "api.openai.com" in seen["base_url"], "the environment was not live mode"
    loaded = {m for m in seen["client"] if m.startswith("helpers.offline")}
    assert loaded <= LIVE_ALLOWED, f"live get_client() loaded simulator modules: {sorted(loaded - LIVE_ALLOWED)}"


#: The simulator's layers, by concern: what each may import from the others.
SIM_LAYERS = {
    "wire": {"wire", "endpoints", "data", "behaviour", "replay"},  # the server routes to the endpoints
    "replay": {"replay", "wire"},  # recordings and their replay (issue 17): imported on demand; shares the wire's framing
    "endpoints": {"wire", "data", "behaviour", "endpoints"},
    "behaviour": {"behaviour", "data", "wire"},
    "data": {"data", "wire", "behaviour"},
}
#: The most lines a simulator module may have (the layout issue says about 400).
SIM_MAX_LINES = 400


def test_simulator_is_laid_out_by_concern() -> None:
    layer_of = lambda name: name.split(".")[2] if name.count(".") >= 3 else None  # noqa: E731
    flat = [name for name in MODULES if name.startswith("helpers.offline.") and layer_of(name) is None
            and name not in ("helpers.offline.__main__", *(f"helpers.offline.{layer}" for layer in SIM_LAYERS))]
    assert not flat, f"simulator modules outside wire/, endpoints/, behaviour/, data/: {flat}"
    wrong = {
        (name, target)
        for name, targets in import_graph().items()
        if (layer := layer_of(name)) is not None
        for target in targets
        if (other := layer_of(target)) is not None and other not in SIM_LAYERS[layer]
    }
    assert not wrong, f"simulator imports across layers: {sorted(wrong)}"
    # behaviour never reaches the HTTP side: no server, no endpoint module
    upward = {(n, t) for n, ts in import_graph().items() if layer_of(n) == "behaviour" for t in ts
              if layer_of(t) == "endpoints" or t == "helpers.offline.wire.server"}
    assert not upward, f"behaviour imports the HTTP side: {sorted(upward)}"
    long = {name: n for name, path in MODULES.items() if name.startswith("helpers.offline.")
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > SIM_MAX_LINES}
    assert not long, f"simulator modules over {SIM_MAX_LINES} lines: {long}"
