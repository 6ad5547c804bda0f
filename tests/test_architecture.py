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


#: what neither the window's first paint nor the default corpus shown needs (issue 15): the formats in and
#: out, the readers of .pdf/.docx/.md, the reading assistant, the export renderer, the graph view (made
#: when its tab is first shown) and networkx (its layout), matplotlib and scipy
NOT_AT_START_UP = ("networkx", "scipy", "matplotlib", "explorer.core.interop", "explorer.core.ingest",
                   "explorer.core.assist", "explorer.qt.export", "explorer.qt.views.graph",
                   "explorer.qt.window.interop_dialog", "explorer.qt.window.export_dialog",
                   "explorer.qt.window.ingest_dialog", "explorer.qt.window.forms", "pypdfium2", "lxml",
                   "markdown_it", "docx", "openpyxl", "fontTools", "PySide6.QtPrintSupport")

_START_UP = """
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from explorer.qt.app import make_app
app = make_app()
from explorer.qt.window.main_window import MainWindow
from PySide6.QtCore import QEvent, QObject, QTimer
window = MainWindow(use_settings=False)
seen = {}
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.window() is window:
            seen.setdefault("first paint", sorted(sys.modules))
        return False
watcher = FirstPaint()
app.installEventFilter(watcher)
window.show()
def shown():
    window.update()
    QTimer.singleShot(50, lambda: (seen.setdefault("corpus shown", sorted(sys.modules)), app.quit()))
window.corpusLoaded.connect(shown)
window.corpusFailed.connect(lambda message: (seen.setdefault("failed", message), app.quit()))
window.open_corpus(None)
QTimer.singleShot(60000, app.quit)
app.exec()
print(json.dumps(seen))
"""


def test_start_up_imports_only_what_the_first_paint_and_the_corpus_need(tmp_path):
    """The real window to its first paint, then the default corpus shown, in a fresh interpreter: neither
    imports the formats, the readers, the assistant, the exporter, the graph view or networkx."""
    import json
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_QPA")}
    env.update(PYTHONPATH=str(SRC), XDG_CONFIG_HOME=str(tmp_path / "config"),
               EXPLORER_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-c", _START_UP], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(seen) == {"first paint", "corpus shown"}, seen.keys()
    for moment, modules in seen.items():
        loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in NOT_AT_START_UP))
        assert not loaded, f"imported by the {moment}: {loaded}"
