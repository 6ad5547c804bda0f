"""Test configuration: Qt runs offscreen, settings go to a temporary folder, windows are closed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# offscreen, on a virtual 2560×1600 screen at 96 dpi (the default 800×800 screen clamps restored windows)
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).resolve().parent / 'offscreen.json'}"
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/explorer-test-runtime")
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)
# the journal of unsaved edits goes to a folder of this test run, never to the user's own state folder
import tempfile  # noqa: E402

os.environ["EXPLORER_STATE_DIR"] = tempfile.mkdtemp(prefix="explorer-test-state-")
# the cache of opened corpora (core.io.cache) in a folder of the test run's own, never the user's
os.environ["EXPLORER_CACHE_DIR"] = tempfile.mkdtemp(prefix="explorer-test-cache-")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def qapp_args():
    return ["explorer-tests"]


@pytest.fixture(scope="session")
def qapp_cls():
    from PySide6.QtWidgets import QApplication

    return QApplication


@pytest.fixture(autouse=True, scope="session")
def _isolated_settings(tmp_path_factory):
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture()
def app(qapp):
    from explorer.qt.app import make_app

    return make_app()


@pytest.fixture(scope="session")
def corpus():
    from explorer.core import load_corpus

    return load_corpus(DATA)


@pytest.fixture()
def state(app, corpus):
    from explorer.qt.bridge import AppState

    st = AppState()
    st.set_corpus(corpus)
    yield st
    st.deleteLater()


@pytest.fixture()
def corpus_copy(tmp_path):
    """A writable copy of the default corpus, to break in tests."""
    target = tmp_path / "corpus"
    shutil.copytree(DATA, target)
    return target


def view_factory(qtbot, state, default_size=(1200, 700)):
    """Build views on a state, shown at a given size; close them all by exhausting the generator."""
    created = []

    def factory(cls, width=default_size[0], height=default_size[1]):
        view = cls(state)
        qtbot.addWidget(view)
        view.resize(width, height)
        view.show()
        qtbot.waitExposed(view)
        created.append(view)
        return view

    yield factory
    for view in created:
        view.close()


def open_window(qtbot, corpus, size=None, use_settings: bool = True, exposed: bool = False):
    """The main window, shown (at ``size`` when given; ``exposed``: once on screen), with ``corpus`` opened in
    the background as the app opens it (None: the default corpus, as the app starts)."""
    from explorer.qt.window.main_window import MainWindow

    win = MainWindow(use_settings=use_settings)
    qtbot.addWidget(win)
    if size is not None:
        win.resize(*size)
    win.show()
    if exposed:
        qtbot.waitExposed(win)
    with qtbot.waitSignal(win.corpusLoaded, timeout=20000):
        win.open_corpus(corpus)
    return win


@pytest.fixture()
def make_view(qtbot, state):
    """Build a view on the shared state, show it at a given size, and close it after the test."""
    yield from view_factory(qtbot, state)


MINI_TEXT = ("The bridge was proposed in 1988. It opened in April 2020.\n"
             "Li Wei 李伟 argues that trade will grow. Trade grew in 2021.\n")


def anchored_passage(pid: str, document: str, text: str, quote: str) -> dict:
    """A passage record for ``quote``, with its exact offsets in ``text``."""
    start = text.index(quote)
    return {"id": pid, "document": document, "start": start, "end": start + len(quote), "quote": quote}


def write_corpus_folder(root: Path, texts: dict[str, str], files: dict) -> Path:
    """Write a corpus folder: text files (relative path -> text) and annotation files (name -> data)."""
    import json

    root.mkdir(parents=True, exist_ok=True)
    for rel, text in texts.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for name, data in files.items():
        (root / name).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return root


def write_mini_corpus(folder: Path) -> Path:
    """A small valid corpus, written from scratch, for loader and CLI tests."""

    def passage(pid, quote):
        return anchored_passage(pid, "doc-a", MINI_TEXT, quote)

    files = {
        "corpus.json": {"title": "Mini", "description": "A test corpus"},
        "documents.json": [{"id": "doc-a", "title": "Doc A", "author": "Someone", "date": "2021-05",
                            "file": "docs/a.txt"}],
        "passages.json": [passage("p-proposed", "The bridge was proposed in 1988."),
                          passage("p-opened", "It opened in April 2020."),
                          passage("p-liwei", "Li Wei 李伟 argues that trade will grow."),
                          passage("p-trade", "Trade grew in 2021.")],
        "themes.json": [{"id": "theme-infra", "name": "Infrastructure", "passages": ["p-proposed"]}],
        "entities.json": [{"id": "ent-bridge", "name": "The bridge", "kind": "project",
                           "passages": ["p-proposed"]},
                          {"id": "ent-china", "name": "China", "kind": "country", "passages": ["p-trade"]}],
        "experts.json": [{"id": "ex-liwei", "name": "Li Wei", "native_name": "李伟", "affiliation": "Somewhere",
                          "role": "analyst", "passages": ["p-liwei"],
                          "positions": [{"text": "Trade will grow", "passages": ["p-liwei"]}]}],
        "events.json": [{"id": "ev-proposed", "title": "Bridge proposed", "start": "1988",
                         "themes": ["theme-infra"], "actors": ["ent-bridge"], "passages": ["p-proposed"]},
                        {"id": "ev-opened", "title": "Bridge opened", "start": "2020-04",
                         "themes": ["theme-infra"], "actors": ["ent-bridge"], "passages": ["p-opened"]},
                        {"id": "ev-trade", "title": "Trade grew", "start": "2021-01", "end": "2021-11",
                         "experts": ["ex-liwei"], "passages": ["p-trade"]}],
        "relationships.json": [{"id": "rel-builds", "source": "ent-china", "target": "ent-bridge",
                                "kind": "builds", "start": "1988", "passages": ["p-proposed"]}],
    }
    return write_corpus_folder(folder, {"docs/a.txt": MINI_TEXT}, files)


@pytest.fixture()
def mini_corpus(tmp_path):
    return write_mini_corpus(tmp_path / "mini")
