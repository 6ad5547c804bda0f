"""Installed like any desktop app: the package finds its corpus and fonts wherever it is installed, never
writes into the installation, and (slow) the wheel and the standalone bundle work from any folder.

The slow tests (`python3 run_tests.py -m slow`; .ci/run runs them) build from a copy of the checkout, so
nothing is written into it: the sdist and the wheel with `python -m build`, installed into a fresh virtual
environment in a temporary folder; and the PyInstaller bundle with tools/build_bundle.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

import explorer
from conftest import DATA, ROOT, open_window

# -- where things are (fast) -----------------------------------------------------------------------------


def test_a_checkout_uses_its_own_top_level_folders():
    assert explorer.default_corpus_path() == DATA
    assert explorer.resources_path() == ROOT / "resources"
    assert (explorer.resources_path() / "fonts" / "NotoSansCJKsc-Regular-subset.otf").is_file()
    assert explorer.install_dir() is None  # data/ is the project's own: it may be edited and saved
    assert not explorer.is_in_install(DATA)


def _fake_install(tmp_path: Path) -> Path:
    """site-packages as a wheel lays it out: the package with data/ and resources/ inside it (as setup.py
    maps them), and nothing beside it."""
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "src" / "explorer", site / "explorer",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(DATA, site / "explorer" / "data")
    shutil.copytree(ROOT / "resources", site / "explorer" / "resources")
    return site


def _python_in(site: Path, code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_an_installed_package_finds_what_it_carries_with_importlib_resources(tmp_path):
    site = _fake_install(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    out = json.loads(_python_in(site, (
        "import json, explorer\n"
        "print(json.dumps([str(explorer.default_corpus_path()), str(explorer.resources_path()),\n"
        "                  str(explorer.install_dir()), explorer.is_in_install(explorer.default_corpus_path()),\n"
        "                  explorer.is_in_install('.'), str(explorer.licences_path())]))"), tmp_path / "elsewhere"))
    package = (site / "explorer").resolve()
    assert out == [str(site / "explorer" / "data"), str(site / "explorer" / "resources"), str(package), True,
                   False, str(site / "explorer" / "resources" / "licenses")]


def test_an_installed_package_without_its_data_says_where_it_looked(tmp_path):
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "src" / "explorer", site / "explorer", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "elsewhere").mkdir()
    out = _python_in(site, "import explorer; print(explorer.default_corpus_path())", tmp_path / "elsewhere")
    assert out.strip() == str(site / "explorer" / "data")  # never a folder found by walking up


# -- never writing into the installation (fast) ----------------------------------------------------------


@pytest.fixture()
def installed_corpus(tmp_path, monkeypatch):
    """A copy of the default corpus inside a pretend installation of explorer."""
    install = tmp_path / "install"
    shutil.copytree(DATA, install / "explorer" / "data")
    monkeypatch.setattr(explorer, "install_dir", lambda: install.resolve())
    return install / "explorer" / "data"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_save_on_the_bundled_corpus_explains_and_offers_save_as(app, qtbot, installed_corpus, tmp_path):
    from explorer.core.commands import EditItem

    before = _tree(installed_corpus)
    win = open_window(qtbot, installed_corpus, use_settings=False)
    assert win.save_corpus()  # nothing to save yet: nothing to refuse
    assert "Nothing to save" in win.statusBar().currentMessage()
    event = win.state.corpus.events[0]
    win.state.do(EditItem(event.id, title="My reading"))
    assert not win.save_corpus()
    assert "comes with Explorer" in win.last_save_error and "never changed" in win.last_save_error
    assert "Save As" in win.last_save_error and "Your edits are kept" in win.last_save_error
    assert "never changed" in win.statusBar().currentMessage()
    assert win.isWindowModified() and win.state.corpus.get(event.id).title == "My reading"
    assert _tree(installed_corpus) == before
    assert not win.save_corpus_as(installed_corpus.parent / "copy")  # nor anywhere inside the installation
    assert "inside Explorer's installation" in win.last_save_error
    assert not (installed_corpus.parent / "copy").exists()
    assert win.save_corpus_as(tmp_path / "mine")  # Save As works: the edits land in the user's folder
    from explorer.core import load_corpus

    assert load_corpus(tmp_path / "mine").get(event.id).title == "My reading"
    assert not win.isWindowModified() and win.corpus_path == tmp_path / "mine"
    assert _tree(installed_corpus) == before
    win.close()


def test_validate_fix_refuses_the_bundled_corpus(installed_corpus, monkeypatch, capsys):
    from explorer import cli

    before = _tree(installed_corpus)
    monkeypatch.setattr(cli, "default_corpus_path", lambda: installed_corpus)
    assert cli.main(["validate", "--fix"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("explorer: ") and "never changed" in err and err.count("\n") == 1
    assert cli.main(["validate", "--fix", str(installed_corpus)]) == 2
    assert _tree(installed_corpus) == before


# -- the wheel and the bundle, built and run as a user would (slow) --------------------------------------

IGNORED_IN_COPY = shutil.ignore_patterns(".venv", ".git", "build", "dist", "__pycache__", "*.egg-info", "out",
                                         "results", ".pytest_cache", ".hypothesis")


@pytest.fixture(scope="module")
def source_tree(tmp_path_factory):
    """A copy of the checkout (what git tracks and what is being worked on, without environments and
    build output), to build from without writing into the checkout."""
    target = tmp_path_factory.mktemp("source") / "explorer"
    shutil.copytree(ROOT, target, ignore=IGNORED_IN_COPY, symlinks=True)
    return target


def _clean_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell: no test settings, an empty HOME, offscreen Qt."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "QT_", "EXPLORER_", "XDG_", "VIRTUAL_ENV", "PYTEST"))}
    (tmp / "home").mkdir(exist_ok=True)
    (tmp / "runtime").mkdir(mode=0o700, exist_ok=True)
    env.update(HOME=str(tmp / "home"), QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp / "runtime"), **extra)
    return env


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_and_works_from_any_folder(source_tree, tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(source_tree)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    wheel = next(dist.glob("explorer-*.whl"))
    sdist = next(dist.glob("explorer-*.tar.gz"))
    with zipfile.ZipFile(wheel) as z:  # the wheel carries everything (built from the sdist, so that too)
        names = set(z.namelist())
    for name in ("explorer/data/corpus.json", "explorer/data/events.json", "explorer/data/documents.json",
                 "explorer/resources/fonts/NotoSansCJKsc-Regular-subset.otf", "explorer/resources/fonts/OFL.txt",
                 "explorer/resources/icons/explorer.svg", "explorer/resources/icons/explorer-256.png",
                 "explorer/resources/licenses/LGPL-3.0.txt", f"explorer/resources/linux/{explorer.APP_ID}.desktop",
                 "explorer/cli.py", "explorer/core/io/journal.py", "explorer/qt/export/render.py"):
        assert name in names, name
    for text in (DATA / "documents").iterdir():
        assert f"explorer/data/documents/{text.name}" in names
    assert not any(n.startswith(("data/", "resources/", "tests/")) for n in names)
    with tarfile.open(sdist) as t:
        top = t.getnames()[0].split("/")[0]
        members = set(t.getnames())
    for name in ("data/events.json", "resources/fonts/OFL.txt", "setup.py", "MANIFEST.in", "pyproject.toml"):
        assert f"{top}/{name}" in members, name

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                              str(wheel)], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    exe = env_dir / "bin" / "explorer"
    package = Path(subprocess.run([str(python), "-c", "import explorer, os; print(os.path.dirname(explorer.__file__))"],
                                  capture_output=True, text=True, cwd=tmp_path, check=True).stdout.strip())
    assert str(package).startswith(str(env_dir)), package
    before = _snapshot(package)

    cwd = tmp_path / "somewhere else"
    cwd.mkdir()
    env = _clean_env(tmp_path)

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                              env={**env, **extra})

    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"explorer {explorer.__version__}\nPython ") and "\nQt 6." in result.stdout
    assert "LGPL-3.0-only" in result.stdout and "OFL-1.1" in result.stdout
    assert f"Licence texts: {package / 'resources' / 'licenses'}\n" in result.stdout + "\n"

    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid: ") and " events" in result.stdout

    result = run("dump")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["events"] and data["documents"] and all(d["text"] for d in data["documents"])

    result = run("export", "window", "out.png")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _png_size(cwd / "out.png") == (1600, 1000)

    result = run("export", "experts", "experts.svg")  # the CJK font is found: the SVG embeds it
    assert result.returncode == 0, result.stderr
    svg = (cwd / "experts.svg").read_text(encoding="utf-8")
    assert "@font-face" in svg and "font/otf;base64," in svg

    result = run("validate", "--fix")  # the bundled corpus is never written
    assert result.returncode == 2 and "never changed" in result.stderr

    corpus = tmp_path / "my corpus"  # `explorer PATH`, as a file manager's "Open with" runs it
    shutil.copytree(package / "data", corpus)
    result = run(str(corpus), EXPLORER_AUTOQUIT_MS="1")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr

    assert _snapshot(package) == before, "something was written into the installation"
    assert sorted(p.name for p in cwd.iterdir()) == ["experts.svg", "out.png"]


@pytest.mark.slow
def test_the_standalone_bundle_builds_and_its_commands_work_offscreen(source_tree, tmp_path):
    """tools/build_bundle.py: PyInstaller, only the Qt modules used, the smoke test of the frozen commands
    (validate, dump, export window, the CJK font, nothing written into the bundle), the desktop files."""
    report_file = tmp_path / "report.json"
    result = subprocess.run([sys.executable, str(source_tree / "tools" / "build_bundle.py"), "--work",
                             str(tmp_path / "work"), "--dist", str(tmp_path / "dist"), "--report", str(report_file)],
                            capture_output=True, text=True, timeout=1500, cwd=tmp_path,
                            env={k: v for k, v in os.environ.items() if not k.startswith(("QT_", "EXPLORER_"))})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["smoke"] == "passed" and report["cjk_font_embedded"]
    assert report["validate"].startswith("valid: ")
    assert tuple(report["export_window_png"]) == (1600, 1000)
    assert set(report["pyside6_modules"]) <= {"QtCore", "QtGui", "QtWidgets", "QtSvg", "QtOpenGL", "QtOpenGLWidgets"}
    assert not report["qt_unexpected"], report["qt_libraries"]
    assert "Python " in report["version_text"] and "PSF-2.0" in report["version_text"]  # the bundle ships Python
    bundle = Path(report["bundle"])
    for name in ("Qt-PySide6-shiboken6-LGPL-3.0.txt", "NotoSansCJK-OFL-1.1.txt", "Python-LICENSE.txt",
                 "pyqtgraph-LICENSE.txt", "numpy-LICENSE.txt"):
        assert (bundle / "licenses" / name).is_file(), name
    assert (bundle / "share" / "applications" / f"{explorer.APP_ID}.desktop").is_file()
    assert (bundle / "share" / "metainfo" / f"{explorer.APP_ID}.metainfo.xml").is_file()
    assert (bundle / "share" / "icons" / "hicolor" / "256x256" / "apps" / f"{explorer.APP_ID}.png").is_file()
    # the bundle's own installer of the desktop entry points at where the bundle is
    home = tmp_path / "home"
    home.mkdir()
    installed = subprocess.run(["sh", str(bundle / "install-desktop-entry.sh")], capture_output=True, text=True,
                               env={"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}, timeout=60)
    assert installed.returncode == 0, installed.stderr
    entry = (home / ".local" / "share" / "applications" / f"{explorer.APP_ID}.desktop").read_text(encoding="utf-8")
    assert f'Exec="{bundle / "explorer"}" %f' in entry
