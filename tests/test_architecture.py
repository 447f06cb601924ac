"""Guards of the package's shape: layers, cycles, sizes and private names.

The import graph is built from the source (imports inside functions count, and so do
``importlib.import_module("cchc_tasks.…")`` strings; imports under ``TYPE_CHECKING``
do not), so a cycle hidden in a function body is found as surely as one at the top.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cchc_tasks"

# Lowest first. A module may import modules of its own layer or of a layer below;
# the first pattern that matches a module's dotted name (without "cchc_tasks.") wins.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "leaves",
        (
            "errors",
            "_version",
            "_json",
            "_collector",
            "_fields",
            "_codec",
            "_files",
            "_tabular",
            "_display",
            "_markers",
            "ratings",
            "i18n",
        ),
    ),
    (
        "model",
        (
            "units",
            "plans",
            "tasks",
            "results",
            "targets",
            "calendar",
            "recurrence",
            "inspections",
            "criteria",
            "indices",
            "surveys",
            "ranking",
            "computed",
            "params",
            "config",
            "survey_codes",
            "accounts",
        ),
    ),
    ("store", ("store", "store.*")),
    ("rule types", ("verdicts", "hookspecs")),
    ("rule sets", ("rulesets", "rulesets.*")),
    ("plugin manager", ("plugins",)),
    ("evaluation", ("evaluation",)),
    ("façade", ("tracker", "tracker.*")),
    (
        "presentation and IO",
        (
            "labels",
            "tables",
            "charts",
            "reports",
            "notebook",
            "exports",
            "sheets",
            "annex",
            "sheet_imports",
            "examples",
            "_demo_indices",
        ),
    ),
    ("web application", ("web", "web.*")),
    ("testing aids", ("testing", "pytest_plugin")),
    ("command line", ("cli", "cli.*")),
]
# The package's own __init__ is its public index: it names every layer (lazily).
INDEX = "cchc_tasks"
MAX_LINES = 1000
MAX_FUNCTION_LINES = 80
# Functions that are declarative tables (data, not logic) may be longer.
DECLARATIVE = {("cchc_tasks.examples", "_before_the_reform")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    if level == 0:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: -(level - 1)]
    return ".".join(base + ([name] if name else []))


class _Imports(ast.NodeVisitor):
    """Every run-time import of a package module in one module's source."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.found: set[str] = set()

    def _add(self, target: str) -> None:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != self.module:
            self.found.add(target)

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.startswith("cchc_tasks"):
                self._add(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        target = _resolve(self.module, self.is_package, node.level, node.module)
        if not target.startswith("cchc_tasks"):
            return
        for alias in node.names:
            full = f"{target}.{alias.name}"
            self._add(full if full in MODULES else target)

    def visit_Call(self, node: ast.Call) -> None:
        """``importlib.import_module("cchc_tasks.x")`` (or ``"x"`` with a package) and
        ``__import__("cchc_tasks.x")`` import as surely as an import statement."""
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("import_module", "__import__") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                target = first.value
                if target.startswith("."):
                    level = len(target) - len(target.lstrip("."))
                    target = _resolve(self.module, self.is_package, level, target.lstrip("."))
                if re.fullmatch(r"cchc_tasks(\.\w+)*", target):
                    self._add(target)
        self.generic_visit(node)


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        visitor = _Imports(name, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        graph[name] = visitor.found
    return graph


def layer_of(module: str) -> int:
    short = module.removeprefix("cchc_tasks.")
    for rank, (_, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            if short == pattern or (pattern.endswith(".*") and short.startswith(pattern[:-1])):
                return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {Path(__file__).name}")


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first = last), or None."""
    state: dict[str, int] = {}  # 1 = on the path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    graph.pop(INDEX, None)
    cycle = find_cycle({m: deps - {INDEX} for m, deps in graph.items()})
    assert cycle is None, "import cycle: " + " → ".join(cycle or ())


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_module_imports_only_its_layer_and_those_below() -> None:
    upward = []
    for module, deps in import_graph().items():
        if module == INDEX:
            continue
        for dep in deps - {INDEX}:
            if layer_of(dep) > layer_of(module):
                upward.append(
                    f"{module} ({LAYERS[layer_of(module)][0]}) imports {dep} "
                    f"({LAYERS[layer_of(dep)][0]})"
                )
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_the_domain_does_not_import_presentation_even_lazily() -> None:
    graph = import_graph()
    presentation = {
        m for m in MODULES if m != INDEX and LAYERS[layer_of(m)][0] == "presentation and IO"
    }
    for module in ("cchc_tasks.tasks", "cchc_tasks.verdicts", "cchc_tasks.evaluation"):
        assert not graph[module] & presentation


def _python_files() -> Iterator[Path]:
    for folder in ("cchc_tasks", "tests", "plugins", "benchmarks", "docs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "_build" not in path.parts:
                yield path


def test_no_source_file_is_over_a_thousand_lines() -> None:
    long = []
    for path in _python_files():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            long.append(f"{path.relative_to(ROOT)}: {count} lines")
    assert not long, f"files over {MAX_LINES} lines:\n" + "\n".join(long)


def test_no_function_of_the_package_is_over_eighty_lines() -> None:
    long = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                count = (node.end_lineno or node.lineno) - node.lineno + 1
                if count > MAX_FUNCTION_LINES and (module, node.name) not in DECLARATIVE:
                    long.append(f"{module}.{node.name}: {count} lines")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(long)


# Private-looking names that are public protocols of Python or of libraries we use.
PROTOCOL_NAMES = {"_repr_html_", "_asdict", "_replace", "_fields", "_make", "_exit", "_getframe"}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in PROTOCOL_NAMES


def _own_names(tree: ast.AST) -> set[str]:
    """Names a module defines itself: functions, classes, attributes it assigns."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


# Internal modules (``_display``, ``tracker._session``) may be imported by name; their
# own private names may not.
PRIVATE_MODULES = {p.stem for p in PACKAGE.rglob("_*.py")} | {
    p.name for p in PACKAGE.rglob("_*") if p.is_dir() and p.name != "__pycache__"
}


def private_uses(path: Path) -> list[str]:
    """``from x import _y`` of another module of ours, and ``obj._z`` where ``_z`` is
    not defined in this module (``self._z`` and ``cls._z`` of its own classes are)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _own_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.level > 0 or (node.module or "").startswith("cchc")
        ):
            for alias in node.names:
                if _private(alias.name) and alias.name not in PRIVATE_MODULES:
                    found.append(f"line {node.lineno}: imports {alias.name}")
        elif (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and node.attr not in own
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ):
            found.append(f"line {node.lineno}: uses .{node.attr}")
    return found


@pytest.mark.parametrize("path", list(_python_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_is_used_across_modules(path: Path) -> None:
    uses = private_uses(path)
    assert not uses, f"{path.relative_to(ROOT)} uses private names of other modules:\n" + (
        "\n".join(uses)
    )
