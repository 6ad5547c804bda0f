"""The shape of the package: a Qt-free core, and no import cycles anywhere."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "explorer"
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(name: str, path: Path) -> list[tuple[str, int]]:
    """Every module a module imports (at any depth of its code, lazy imports included), absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, node.lineno))
            for alias in node.names:  # `from . import x` may import the submodule x
                out.append((f"{target}.{alias.name}", node.lineno))
    return out


def test_core_never_imports_qt_in_its_source():
    offenders = []
    for name, path in _modules().items():
        if not name.startswith("explorer.core"):
            continue
        for target, line in _imports(name, path):
            if target.split(".")[0] in QT_MODULES or target.startswith("explorer.qt"):
                offenders.append(f"{path.relative_to(SRC)}:{line} imports {target}")
    assert not offenders, "\n".join(offenders)


def test_importing_every_core_module_loads_no_qt():
    core = sorted(n for n in _modules() if n.startswith("explorer.core"))
    assert len(core) > 10
    code = ("import importlib, sys\n"
            f"for name in {core!r}:\n"
            "    importlib.import_module(name)\n"
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r})\n"
            "print(bad)\n"
            "sys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_import_cycles():
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for target, _ in _imports(name, path):
            if target in modules and target != name:
                deps.add(target)
        # importing a module imports its parent packages; a package's __init__ importing its children
        # is not a cycle, so parents are not counted as dependencies
        graph[name] = {d for d in deps if not name.startswith(d + ".")}
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph[n]):
            if state.get(d) == 1:
                cycles.append(" -> ".join(stack[stack.index(d):] + [d]))
            elif d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n)
    assert not cycles, "\n".join(cycles)


def test_the_loading_path_imports_no_view():
    """What runs in the loading thread (load, index, graph layout) is core code."""
    from explorer.qt.window import main_window

    source = Path(main_window.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "load_corpus_and_index")
    targets = [_imports_of(node) for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert all("views" not in t for t in targets), targets


def _imports_of(node) -> str:
    if isinstance(node, ast.Import):
        return ",".join(a.name for a in node.names)
    return "." * node.level + (node.module or "")
