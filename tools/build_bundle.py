#!/usr/bin/env python3
"""Build explorer as a standalone one-folder app, for people without Python, and smoke-test it.

    python3 tools/build_bundle.py                 build dist/explorer/, smoke-test it, report size and times
    python3 tools/build_bundle.py --archive       also pack it as dist/explorer-VERSION-PLATFORM.tar.gz
    python3 tools/build_bundle.py --cold          measure the start-up after dropping the OS file cache (root, Linux)
    python3 tools/build_bundle.py smoke [BUNDLE]  smoke-test a bundle that is already built
    python3 tools/build_bundle.py desktop [--exec CMD] [--prefix DIR]
                                                  install the desktop entry, AppStream metainfo and icons for an
                                                  `explorer` on PATH (a pipx or pip install), in ~/.local/share
    python3 tools/build_bundle.py icons           redraw resources/icons/*.png from explorer.svg (QtSvg, offscreen)

How the bundle is made: the sdist and the wheel are built with `python -m build` (so the bundle holds what the
wheel holds), the wheel is installed with PyInstaller (the `bundle` extra of pyproject.toml pins it) into a
build environment of its own (build/bundle/venv, reused), with nothing else, and PyInstaller freezes
`explorer.cli:main` into dist/explorer/ with only the Qt modules the app imports (QtCore, QtGui, QtWidgets,
QtSvg): the optional ones pyqtgraph would take (OpenGL, QtTest) and everything else are left out. The
bundle gets the licence texts of what it ships (licenses/), the desktop entry, the metainfo and the icons
(share/), and install-desktop-entry.sh, which installs them for the user with the bundle's own path.

The smoke test runs the frozen `explorer --version`, `validate`, `dump` and `export window out.png`, and an
SVG export that must embed the CJK font, offscreen, from another folder with an empty HOME, and checks that
nothing was written into the bundle. It prints a report (and writes it as JSON with --report FILE).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from explorer import APP_ID, SHIPPED, __version__  # noqa: E402  (pure Python: no Qt imported)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: modules the app never uses that the freezer would otherwise follow (optional imports of pyqtgraph,
#: numpy and the standard library) or that a build environment may hold
EXCLUDED = (
    "PySide6.QtTest", "PySide6.QtNetwork", "PySide6.QtQml",
    "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtPrintSupport", "PySide6.QtDBus", "PySide6.QtXml",
    "PySide6.QtSql", "PySide6.QtConcurrent", "PySide6.QtUiTools", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtSvgWidgets",
    "pyqtgraph.opengl", "pyqtgraph.examples", "pyqtgraph.jupyter", "pyqtgraph.canvas", "pyqtgraph.console",
    "pyqtgraph.flowchart",
    "PyQt5", "PyQt6", "PySide2", "tkinter", "_tkinter", "matplotlib", "scipy", "pandas", "PIL", "IPython",
    "jupyter_rfb", "cupy", "numba", "OpenGL", "h5py", "pytest", "hypothesis", "setuptools", "pip",
    "lib2to3",
)
#: what the freezer takes along that the app never loads: Qt's platform plugins for framebuffers, EGL,
#: Vulkan and VNC (the app runs on xcb, wayland or offscreen), the TUIO touch plugin, the network library
#: only these two need, and Qt's own translations (explorer installs no translator)
PRUNED = (
    "_internal/PySide6/Qt/plugins/platforms/libqvnc.so", "_internal/PySide6/Qt/plugins/platforms/libqlinuxfb.so",
    "_internal/PySide6/Qt/plugins/platforms/libqeglfs.so", "_internal/PySide6/Qt/plugins/platforms/libqminimalegl.so",
    "_internal/PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so", "_internal/PySide6/Qt/plugins/egldeviceintegrations",
    "_internal/PySide6/Qt/plugins/generic/libqtuiotouchplugin.so", "_internal/PySide6/Qt/lib/libQt6Network.so.6",
    "_internal/PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", "_internal/PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6",
    "_internal/PySide6/Qt/translations",
)
#: the Qt libraries a bundle may hold: what QtCore/QtGui/QtWidgets/QtSvg need and the platform plugins
#: (xcb, wayland, offscreen) bring in; anything else is reported as unexpected
QT_LIBS_EXPECTED = ("Core", "Gui", "Widgets", "Svg", "OpenGL", "OpenGLWidgets", "DBus", "XcbQpa", "WaylandClient",
                    "WlShellIntegration")


def log(msg: str) -> None:
    print(f"build_bundle: {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def pins() -> dict[str, str]:
    """The requirement strings for PyInstaller and build, from pyproject.toml (one place for pins)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    out = {}
    for req in extras["bundle"] + extras["test"]:
        name = req.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower()
        out[name] = req
    return {"pyinstaller": out["pyinstaller"], "build": out["build"]}


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


# -- icons -----------------------------------------------------------------------------------------------

def render_icons(svg: Path, out_dir: Path, sizes=ICON_SIZES, name: str = "explorer-{size}.png") -> list[Path]:
    """Draw the SVG at each size with QtSvg (offscreen). Needs PySide6: run it in the checkout's .venv."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 (kept alive)
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"build_bundle: {svg} is not a valid SVG")
    out = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        path = out_dir / name.format(size=size)
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"build_bundle: cannot write {path}")
        out.append(path)
    return out


def cmd_icons(args: argparse.Namespace) -> int:
    try:
        import PySide6  # noqa: F401
    except ImportError:  # re-run in the checkout's environment, which has Qt
        sys.path.insert(0, str(ROOT))
        from main import ensure_venv

        return subprocess.call([str(ensure_venv()), str(Path(__file__).resolve()), "icons"])
    icons = ROOT / "resources" / "icons"
    for path in render_icons(icons / "explorer.svg", icons):
        print(path.relative_to(ROOT))
    return 0


# -- desktop entry and metainfo --------------------------------------------------------------------------

def desktop_entry(exec_cmd: str, icon: str = APP_ID, try_exec: str | None = None) -> str:
    """resources/linux's desktop entry, with Exec (and TryExec) pointing at ``exec_cmd``."""
    text = (ROOT / "resources" / "linux" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    quoted = f'"{exec_cmd}"' if " " in exec_cmd else exec_cmd
    lines = []
    for line in text.splitlines():
        if line.startswith("Exec="):
            line = f"Exec={quoted} %f"
        elif line.startswith("TryExec="):
            line = f"TryExec={try_exec or exec_cmd}"
        elif line.startswith("Icon="):
            line = f"Icon={icon}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def write_share(share: Path, exec_cmd: str) -> list[Path]:
    """share/applications, share/metainfo and share/icons/hicolor under ``share``, as XDG lays them out."""
    written = []
    apps = share / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    desktop = apps / f"{APP_ID}.desktop"
    desktop.write_text(desktop_entry(exec_cmd), encoding="utf-8")
    written.append(desktop)
    meta = share / "metainfo"
    meta.mkdir(parents=True, exist_ok=True)
    target = meta / f"{APP_ID}.metainfo.xml"
    shutil.copyfile(ROOT / "resources" / "linux" / f"{APP_ID}.metainfo.xml", target)
    written.append(target)
    icons = ROOT / "resources" / "icons"
    for size in ICON_SIZES:
        folder = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(icons / f"explorer-{size}.png", folder / f"{APP_ID}.png")
        written.append(folder / f"{APP_ID}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icons / "explorer.svg", scalable / f"{APP_ID}.svg")
    written.append(scalable / f"{APP_ID}.svg")
    return written


def refresh_desktop_caches(share: Path) -> None:
    for tool, arg in (("update-desktop-database", share / "applications"),
                      ("gtk-update-icon-cache", share / "icons" / "hicolor")):
        if shutil.which(tool):
            subprocess.run([tool, "-q", str(arg)] if tool == "update-desktop-database" else [tool, "-q", "-t", str(arg)],
                           check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cmd_desktop(args: argparse.Namespace) -> int:
    exec_cmd = args.exec or shutil.which("explorer")
    if not exec_cmd:
        print("build_bundle: no `explorer` on PATH; give its path with --exec", file=sys.stderr)
        return 2
    share = Path(args.prefix).expanduser() if args.prefix else \
        Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    for path in write_share(share, str(Path(exec_cmd).resolve()) if os.sep in exec_cmd else exec_cmd):
        print(path)
    refresh_desktop_caches(share)
    return 0


INSTALL_SCRIPT = """#!/bin/sh
# Install explorer's desktop entry, AppStream metainfo and icons for this user, pointing at this bundle
# (run it again after moving the bundle). Remove them with: sh install-desktop-entry.sh --uninstall
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
id=@APP_ID@
if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$data/applications/$id.desktop" "$data/metainfo/$id.metainfo.xml" "$data"/icons/hicolor/*/apps/"$id".png \\
          "$data/icons/hicolor/scalable/apps/$id.svg"
    echo "removed explorer's desktop entry"
    exit 0
fi
mkdir -p "$data/applications" "$data/metainfo"
sed -e "s|^Exec=.*|Exec=\\"$here/explorer\\" %f|" -e "s|^TryExec=.*|TryExec=$here/explorer|" \\
    "$here/share/applications/$id.desktop" > "$data/applications/$id.desktop"
cp "$here/share/metainfo/$id.metainfo.xml" "$data/metainfo/"
(cd "$here/share" && find icons -type f) | while read -r icon; do
    mkdir -p "$data/$(dirname "$icon")"
    cp "$here/share/$icon" "$data/$icon"
done
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "installed $data/applications/$id.desktop (Exec: $here/explorer)"
"""


# -- licences --------------------------------------------------------------------------------------------

def copy_licences(python: Path, dest: Path) -> list[str]:
    """The licence texts of everything shipped into ``dest``: each distribution's own licence files (from
    the build environment), Qt's LGPL (with the GPL it builds on), the font's OFL and Python's licence."""
    dest.mkdir(parents=True, exist_ok=True)
    dists = [d for _, d, _, _ in SHIPPED if d] + ["explorer"]
    script = (
        "import json, sys\nfrom importlib import metadata\nout = {}\n"
        "for name in sys.argv[1:]:\n"
        "    d = metadata.distribution(name)\n"
        "    files = [str(d.locate_file(f)) for f in (d.files or []) if '.dist-info/' in str(f) and\n"
        "             (('licen' in str(f).lower()) or ('copying' in str(f).lower()) or str(f).endswith('/LICENSE'))]\n"
        "    out[name] = {'version': d.version, 'license': d.metadata.get('License-Expression') or d.metadata.get('License') or '', 'files': files}\n"
        "print(json.dumps(out))\n")
    found = json.loads(subprocess.run([str(python), "-c", script, *dists], check=True, capture_output=True,
                                      text=True).stdout)
    names = []
    for name, info in found.items():
        for f in info["files"]:
            rel = f.split(".dist-info/", 1)[1].removeprefix("licenses/")
            target = dest / f"{name}-{rel.replace('/', '_')}"
            shutil.copyfile(f, target)
            names.append(target.name)
    resources = ROOT / "resources"
    for src, name in ((resources / "licenses" / "LGPL-3.0.txt", "Qt-PySide6-shiboken6-LGPL-3.0.txt"),
                      (resources / "licenses" / "GPL-3.0.txt", "Qt-PySide6-shiboken6-GPL-3.0.txt"),
                      (resources / "fonts" / "OFL.txt", "NotoSansCJK-OFL-1.1.txt")):
        shutil.copyfile(src, dest / name)
        names.append(name)
    base = subprocess.run([str(python), "-c", "import sys, sysconfig; print(sysconfig.get_paths()['stdlib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    base_prefix = subprocess.run([str(python), "-c", "import sys; print(sys.base_prefix)"], check=True,
                                 capture_output=True, text=True).stdout.strip()
    for candidate in (Path(base) / "LICENSE.txt", Path(base_prefix) / "LICENSE.txt",
                      Path(f"/usr/share/doc/python{sys.version_info.major}.{sys.version_info.minor}/copyright")):
        if candidate.is_file():
            shutil.copyfile(candidate, dest / "Python-LICENSE.txt")
            names.append("Python-LICENSE.txt")
            break
    return sorted(names)


def prune(bundle: Path) -> int:
    """Remove PRUNED from the bundle, after checking that no library left needs a removed one."""
    removed: list[Path] = []
    for rel in PRUNED:
        path = bundle / rel
        if path.exists():
            removed.append(path)
    sonames = [p.name.encode() for p in removed if p.is_file() and ".so" in p.name]
    freed = 0
    for path in removed:
        if path.is_dir():
            freed += folder_size(path)
            shutil.rmtree(path)
        else:
            freed += path.stat().st_size
            path.unlink()
    for link in bundle.rglob("*"):
        if link.is_symlink() and not link.exists():  # PyInstaller's links to what was removed
            link.unlink()
    for lib in bundle.rglob("*.so*"):
        if lib.is_file() and not lib.is_symlink():
            data = lib.read_bytes()
            needed = [s.decode() for s in sonames if s in data]
            if needed:
                raise SystemExit(f"build_bundle: {lib.relative_to(bundle)} needs {needed}, which PRUNED removes")
    return freed


def strip_python(bundle: Path) -> int:
    """Strip the debug symbols of the Python runtime (a source-built Python keeps them: libpython alone is
    ~20 MiB of them). Not PyInstaller's --strip: stripping numpy's audited OpenBLAS breaks it."""
    strip = shutil.which("strip")
    if strip is None or os.name == "nt":
        return 0
    targets = [p for p in bundle.glob("_internal/libpython3*.so*") if p.is_file()]
    targets += [p for p in bundle.glob("_internal/python3*/lib-dynload/*.so") if p.is_file()]
    before = sum(p.stat().st_size for p in targets)
    for path in targets:
        subprocess.run([strip, "--strip-debug", str(path)], check=False)
    return before - sum(p.stat().st_size for p in targets)


# -- build -----------------------------------------------------------------------------------------------

def build(args: argparse.Namespace) -> dict:
    work = Path(args.work).resolve()
    dist = Path(args.dist).resolve()
    work.mkdir(parents=True, exist_ok=True)
    report: dict = {"version": __version__, "platform": f"{platform.system()}-{platform.machine()}",
                    "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d")}
    started = time.monotonic()
    requirements = pins()
    venv = work / "venv"
    python = venv_python(venv)
    if not python.exists():
        log(f"creating the build environment {venv}")
        run([sys.executable, "-m", "venv", venv])
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirements["build"],
         requirements["pyinstaller"]])

    wheels = work / "wheel"
    shutil.rmtree(wheels, ignore_errors=True)
    run([python, "-m", "build", "--outdir", wheels, ROOT], stdout=subprocess.DEVNULL)
    wheel = next(wheels.glob("explorer-*.whl"))
    report["wheel_bytes"] = wheel.stat().st_size
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--force-reinstall",
         "--no-deps", wheel])
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel])  # its dependencies

    entry = work / "explorer_main.py"
    entry.write_text("from explorer.cli import main\n\nraise SystemExit(main())\n", encoding="utf-8")
    cmd = [python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--onedir",
           "--name", "explorer", "--distpath", dist, "--workpath", work / "pyinstaller", "--specpath", work,
           "--collect-data", "explorer", "--copy-metadata", "explorer"]
    for _, dist_name, _, _ in SHIPPED:
        if dist_name:
            cmd += ["--copy-metadata", dist_name]
    for module in EXCLUDED:
        cmd += ["--exclude-module", module]
    if sys.platform == "win32":
        cmd += ["--icon", ROOT / "resources" / "icons" / "explorer-256.png"]
    freeze_started = time.monotonic()
    run([*cmd, entry])
    report["freeze_seconds"] = round(time.monotonic() - freeze_started, 1)

    bundle = dist / "explorer"
    report["pruned_bytes"] = prune(bundle) + strip_python(bundle)
    report["licences"] = copy_licences(python, bundle / "licenses")
    share = bundle / "share"
    executable = bundle / ("explorer.exe" if os.name == "nt" else "explorer")
    write_share(share, "explorer")  # the bundle's own copy names no path: install-desktop-entry.sh sets it
    script = bundle / "install-desktop-entry.sh"
    script.write_text(INSTALL_SCRIPT.replace("@APP_ID@", APP_ID), encoding="utf-8")
    script.chmod(0o755)
    report["build_seconds"] = round(time.monotonic() - started, 1)
    report["bundle"] = str(bundle)
    report["bundle_bytes"] = folder_size(bundle)
    report["bundle_files"] = sum(1 for p in bundle.rglob("*") if p.is_file())
    qt_libs = sorted({p.name.split(".")[0].removeprefix("libQt6") for p in bundle.rglob("libQt6*")})
    report["qt_libraries"] = qt_libs
    report["qt_unexpected"] = [q for q in qt_libs if q not in QT_LIBS_EXPECTED]
    pyside_modules = sorted({p.name.split(".")[0] for p in (bundle / "_internal" / "PySide6").glob("Qt*") if p.is_file()})
    report["pyside6_modules"] = pyside_modules
    if args.archive:
        import tarfile

        archive = dist / f"explorer-{__version__}-{sys.platform}-{platform.machine()}.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(bundle, arcname=f"explorer-{__version__}")
        report["archive"] = str(archive)
        report["archive_bytes"] = archive.stat().st_size
    log(f"built {bundle}: {mib(report['bundle_bytes'])} in {report['bundle_files']} files, "
        f"{report['build_seconds']} s (PyInstaller {report['freeze_seconds']} s)")
    if not executable.exists():
        raise SystemExit(f"build_bundle: {executable} was not made")
    return report


# -- smoke test ------------------------------------------------------------------------------------------

def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def drop_file_cache() -> bool:
    """Empty the OS file cache (Linux, root), so the next start reads the bundle from the disk."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def smoke(bundle: Path, cold: bool = False) -> dict:
    """Run the frozen commands offscreen from another folder with an empty HOME; raise on any failure."""
    executable = bundle / ("explorer.exe" if os.name == "nt" else "explorer")
    if not executable.exists():
        raise SystemExit(f"build_bundle: {executable} does not exist; build the bundle first")
    before = _snapshot(bundle)
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="explorer-bundle-smoke-") as tmp:
        tmp = Path(tmp)
        (tmp / "home").mkdir()
        (tmp / "cwd").mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_", "EXPLORER_", "XDG_"))}
        env.update(HOME=str(tmp / "home"), QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp / "runtime"))
        (tmp / "runtime").mkdir(mode=0o700)

        def frozen(*argv: str, timeout: int = 180, extra: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
            t = time.monotonic()
            result = subprocess.run([str(executable), *argv], cwd=tmp / "cwd", env={**env, **(extra or {})},
                                    capture_output=True, text=True, timeout=timeout)
            elapsed = time.monotonic() - t
            if result.returncode != 0:
                raise SystemExit(f"build_bundle: frozen `explorer {' '.join(argv)}` exited {result.returncode}:\n"
                                 f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
            return result, elapsed

        if cold:
            report["cold_cache_dropped"] = drop_file_cache()
        result, report["cold_version_seconds"] = frozen("--version")
        report["version_text"] = result.stdout
        if "LGPL" not in result.stdout or "OFL" not in result.stdout or "Qt 6" not in result.stdout:
            raise SystemExit(f"build_bundle: --version lacks the versions or licences:\n{result.stdout}")
        result, report["validate_seconds"] = frozen("validate")
        if not result.stdout.startswith("valid: "):
            raise SystemExit(f"build_bundle: validate said {result.stdout!r}")
        report["validate"] = result.stdout.strip()
        result, report["dump_seconds"] = frozen("dump")
        data = json.loads(result.stdout)
        if not data.get("events") or not data.get("documents"):
            raise SystemExit("build_bundle: dump has no events or documents")
        _, report["export_window_seconds"] = frozen("export", "window", "out.png")
        report["export_window_png"] = png_size(tmp / "cwd" / "out.png")
        _, _ = frozen("export", "experts", "experts.svg")
        svg = (tmp / "cwd" / "experts.svg").read_text(encoding="utf-8")
        if "@font-face" not in svg or "font/otf;base64," not in svg:
            raise SystemExit("build_bundle: the SVG export embeds no font: the bundled CJK font was not found")
        report["cjk_font_embedded"] = True
        # the window, opened on a corpus folder as a file manager's "Open with" does, then closed at once
        corpus = tmp / "a corpus"
        shutil.copytree(bundle / "_internal" / "explorer" / "data", corpus)
        if cold:
            drop_file_cache()
        _, report["window_start_seconds"] = frozen(str(corpus), extra={"EXPLORER_AUTOQUIT_MS": "1"})
        leftovers = sorted(p.name for p in (tmp / "cwd").iterdir() if p.name not in {"out.png", "experts.svg"})
        if leftovers:
            raise SystemExit(f"build_bundle: the commands left files in the working folder: {leftovers}")
    after = _snapshot(bundle)
    changed = sorted(set(before.items()) ^ set(after.items()))
    if changed:
        raise SystemExit(f"build_bundle: the frozen app wrote into the bundle: {changed[:10]}")
    report["smoke"] = "passed"
    for key in ("cold_version_seconds", "validate_seconds", "dump_seconds", "export_window_seconds",
                "window_start_seconds"):
        report[key] = round(report[key], 2)
    return report


def print_report(report: dict) -> None:
    lines = []
    if "bundle_bytes" in report:
        lines += [f"bundle:           {report['bundle']} ({mib(report['bundle_bytes'])}, {report['bundle_files']} files)",
                  f"wheel:            {report['wheel_bytes'] / 1024:.0f} KiB",
                  f"build time:       {report['build_seconds']} s (PyInstaller {report['freeze_seconds']} s)",
                  f"Qt libraries:     {', '.join(report['qt_libraries'])}",
                  f"PySide6 modules:  {', '.join(report['pyside6_modules'])}"]
        if report.get("archive"):
            lines.append(f"archive:          {report['archive']} ({mib(report['archive_bytes'])})")
    if report.get("smoke") == "passed":
        cold = " (file cache dropped)" if report.get("cold_cache_dropped") else ""
        lines += [f"smoke test:       passed ({report['validate']})",
                  f"start-up{cold}: --version {report['cold_version_seconds']} s, validate {report['validate_seconds']} s, "
                  f"dump {report['dump_seconds']} s, export window {report['export_window_seconds']} s "
                  f"({report['export_window_png'][0]}×{report['export_window_png'][1]} PNG), "
                  f"window open and closed {report['window_start_seconds']} s"]
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_bundle.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="where the bundle goes (default: dist/)")
    parser.add_argument("--work", default=str(ROOT / "build" / "bundle"),
                        help="build environment and intermediate files (default: build/bundle/)")
    parser.add_argument("--archive", action="store_true", help="also pack the bundle as a .tar.gz")
    parser.add_argument("--no-smoke", action="store_true", help="build only")
    parser.add_argument("--cold", action="store_true",
                        help="drop the OS file cache before timing the start-up (Linux, as root)")
    parser.add_argument("--report", help="also write the report as JSON to this file")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("smoke", help="smoke-test a built bundle")
    p.add_argument("bundle", nargs="?", help="the bundle folder (default: DIST/explorer)")
    p = sub.add_parser("desktop", help="install the desktop entry, metainfo and icons for an installed explorer")
    p.add_argument("--exec", help="the explorer command (default: `explorer` on PATH)")
    p.add_argument("--prefix", help="the data folder (default: $XDG_DATA_HOME or ~/.local/share)")
    sub.add_parser("icons", help="redraw resources/icons/*.png from explorer.svg")
    args = parser.parse_args(argv)

    if args.command == "icons":
        return cmd_icons(args)
    if args.command == "desktop":
        return cmd_desktop(args)
    if args.command == "smoke":
        report = smoke(Path(args.bundle or Path(args.dist) / "explorer").resolve(), cold=args.cold)
    else:
        report = build(args)
        if not args.no_smoke:
            report.update(smoke(Path(report["bundle"]), cold=args.cold))
    print_report(report)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
