"""The journal of unsaved edits: where it lives, operations as JSON, torn and broken lines, fsync, and
recovery after a crash by replaying it on the corpus as it is on disk."""

from __future__ import annotations

import json
import sys

import pytest

from conftest import MINI_TEXT, write_mini_corpus
from explorer.core.corpus import KIND_ORDER, Put, Remove, SetInfo
from explorer.core.io import journal as journal_module
from explorer.core.io.journal import Journal, journal_dir, ops_from_json, ops_to_json
from explorer.core.io.load import load_corpus
from explorer.core.io.save import read_stamps
from explorer.core.model.types import CorpusInfo, Passage


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("EXPLORER_STATE_DIR", str(folder))
    return folder


@pytest.fixture()
def mini(tmp_path):
    return write_mini_corpus(tmp_path / "mini")


def roundtrip(ops):
    return ops_from_json(json.loads(json.dumps(ops_to_json(ops), ensure_ascii=False)))


# -- where -------------------------------------------------------------------------------------------------

def test_journal_dir_follows_the_environment(monkeypatch, tmp_path, state_dir):
    assert journal_dir() == state_dir
    monkeypatch.delenv("EXPLORER_STATE_DIR")
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
        assert journal_dir() == tmp_path / "xdg" / "explorer" / "journal"
        monkeypatch.delenv("XDG_STATE_HOME")
        monkeypatch.setenv("HOME", str(tmp_path / "home"))
        assert journal_dir() == tmp_path / "home" / ".local" / "state" / "explorer" / "journal"
    monkeypatch.setattr(journal_module.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert journal_dir() == tmp_path / "local" / "explorer" / "journal"
    monkeypatch.setattr(journal_module.sys, "platform", "darwin")
    assert journal_dir().parts[-4:] == ("Library", "Application Support", "explorer", "journal")


def test_one_journal_per_corpus_folder(tmp_path, mini, state_dir):
    a = Journal.for_corpus(mini)
    assert a.path.parent == state_dir
    assert Journal.for_corpus(tmp_path / "mini" / ".." / "mini").path == a.path  # by the resolved path
    link = tmp_path / "link"
    link.symlink_to(mini)
    assert Journal.for_corpus(link).path == a.path
    assert Journal.for_corpus(tmp_path / "other").path != a.path
    assert not str(mini) in a.path.name  # a hash, not the path


# -- operations as JSON ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KIND_ORDER)
def test_put_of_every_kind_round_trips(mini, kind):
    corpus = load_corpus(mini)
    items = corpus.items_of(kind)
    assert items
    ops = [Put(item) for item in items] + [Put(items[0], position=0)]
    back = roundtrip(ops)
    assert back == ops
    if kind == "document":
        assert back[0].item.text == MINI_TEXT and ops_to_json(ops)[0]["item"]["text"] == MINI_TEXT
    if kind == "passage":
        assert back[0].item.suffix and back[0].item.suffix == items[0].suffix


def test_remove_and_info_round_trip():
    ops = [Remove("ev-opened"), SetInfo(CorpusInfo(title="T", description="Dé", time_range=["1988", "2020-04"])),
           SetInfo(CorpusInfo())]
    assert roundtrip(ops) == ops
    data = ops_to_json(ops)
    assert data[0] == {"op": "remove", "id": "ev-opened"}
    assert data[1]["op"] == "info" and data[1]["info"]["time_range"] == ["1988", "2020-04"]


def test_put_json_shape(mini):
    corpus = load_corpus(mini)
    data = ops_to_json([Put(corpus.get("ev-trade"), position=2)])[0]
    assert data["op"] == "put" and data["kind"] == "event" and data["position"] == 2
    assert data["item"]["id"] == "ev-trade" and data["item"]["start"] == "2021-01"


@pytest.mark.parametrize("bad", [{"op": "frob"}, {"op": "put", "kind": "nope", "item": {}},
                                 {"op": "put", "kind": "event", "item": {"id": "x"}}, {"op": "remove"},
                                 {"op": "put", "kind": "theme", "position": -1,
                                  "item": {"id": "t", "name": "T", "passages": ["p"]}}, "put"])
def test_bad_operations_raise_value_error(bad):
    with pytest.raises(ValueError):
        ops_from_json([bad])


# -- the file ----------------------------------------------------------------------------------------------

def test_append_and_read_back(mini):
    corpus = load_corpus(mini)
    journal = Journal.for_corpus(mini)
    assert not journal.exists() and journal.entries() == []
    stamps = read_stamps(mini)
    op1 = [Put(corpus.get("ev-opened").model_copy(update={"title": "A"}))]
    op2 = [Remove("rel-builds"), SetInfo(CorpusInfo(title="B"))]
    journal.append(op1, "Edit Event")
    journal.append(op2, "Delete Relationship")
    assert journal.exists()
    entries = journal.entries()
    assert [(e.label, e.ops) for e in entries] == [("Edit Event", op1), ("Delete Relationship", op2)]
    assert list(entries[1]) == op2 and journal.problems == []
    lines = journal.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    header = json.loads(lines[0])
    assert header["v"] == 1 and header["base"]["root"] == str(mini.resolve())
    assert json.loads(lines[1]) == {"v": 1, "label": "Edit Event", "ops": ops_to_json(op1)}
    assert journal.base().stamps == stamps
    journal.clear()
    assert not journal.exists() and journal.entries() == []
    journal.clear()  # twice is fine


def test_base_stamps_given_by_the_caller(mini):
    journal = Journal.for_corpus(mini, base_stamps={})
    journal.append([Remove("rel-builds")], "x")
    assert journal.base().stamps == {}
    stamps = read_stamps(mini)
    other = Journal.for_corpus(mini)
    other.clear()
    other.append([Remove("rel-builds")], "x", stamps=stamps)
    other.append([Remove("ev-opened")], "y", stamps={})  # the header is written once
    assert other.base().stamps == stamps


def test_changed_since_base(mini):
    journal = Journal.for_corpus(mini)
    journal.append([Remove("rel-builds")], "x")
    assert journal.changed_since_base() == []
    (mini / "themes.json").write_text("[]", encoding="utf-8")
    (mini / "docs" / "a.txt").unlink()
    assert journal.changed_since_base() == ["docs/a.txt", "themes.json"]


def test_a_torn_last_line_is_ignored_and_repaired(mini):
    journal = Journal.for_corpus(mini)
    journal.append([Remove("rel-builds")], "one")
    journal.append([Remove("ev-opened")], "two")
    full = journal.path.read_bytes()
    with open(journal.path, "ab") as f:
        f.write(b'{"v":1,"label":"three","ops":[{"op":"rem')  # the crash came mid-write
    contents = journal.read()
    assert [e.label for e in contents.entries] == ["one", "two"]
    assert contents.problems == [] and contents.torn
    # the next session appends after the last complete line
    Journal.for_corpus(mini).append([Remove("ev-trade")], "four")
    assert journal.path.read_bytes().startswith(full)
    assert [e.label for e in journal.entries()] == ["one", "two", "four"] and journal.problems == []


def test_a_torn_header_is_rewritten(mini):
    journal = Journal.for_corpus(mini)
    journal.path.parent.mkdir(parents=True)
    journal.path.write_bytes(b'{"v":1,"base":{"ro')
    assert journal.entries() == [] and journal.problems == []
    journal.append([Remove("rel-builds")], "one")
    assert [e.label for e in journal.entries()] == ["one"] and journal.base() is not None


def test_a_complete_last_line_without_its_newline_is_kept(mini):
    journal = Journal.for_corpus(mini)
    journal.append([Remove("rel-builds")], "one")
    journal.path.write_bytes(journal.path.read_bytes().rstrip(b"\n"))
    assert [e.label for e in journal.entries()] == ["one"]
    Journal.for_corpus(mini).append([Remove("ev-opened")], "two")
    assert [e.label for e in journal.entries()] == ["one", "two"]


def test_a_broken_middle_line_is_reported_by_number(mini):
    journal = Journal.for_corpus(mini)
    for label in ("one", "two", "three", "four"):
        journal.append([Remove("rel-builds")], label)
    lines = journal.path.read_bytes().split(b"\n")
    lines[2] = lines[2][:20] + b"#garbage#" + lines[2][20:]  # "two"
    lines[3] = json.dumps({"v": 1, "label": "three", "ops": [{"op": "explode"}]}).encode()
    journal.path.write_bytes(b"\n".join(lines))
    entries = journal.entries()  # no exception
    assert [e.label for e in entries] == ["one", "four"]
    assert [e.line for e in entries] == [2, 5]
    assert len(journal.problems) == 2
    assert journal.problems[0].startswith("line 3: cannot be read")
    assert journal.problems[1].startswith("line 4: the edit cannot be read")


def test_a_line_from_another_version_is_skipped(mini):
    journal = Journal.for_corpus(mini)
    journal.append([Remove("rel-builds")], "one")
    with open(journal.path, "ab") as f:
        f.write(b'{"v":2,"label":"future","ops":[]}\n')
    assert [e.label for e in journal.entries()] == ["one"]
    assert journal.problems == ["line 3: written by another version of explorer (v=2); skipped"]


def test_append_fsyncs_after_writing(mini, monkeypatch):
    journal = Journal.for_corpus(mini)
    seen = []
    real = journal_module._fsync

    def fsync(fd):
        seen.append(journal.path.read_bytes().count(b"\n") if journal.path.exists() else None)
        real(fd)

    monkeypatch.setattr(journal_module, "_fsync", fsync)
    journal.append([Remove("rel-builds")], "one")
    assert seen[0] == 2  # the header and the entry were written when the file was fsynced
    seen.clear()
    journal.append([Remove("ev-opened")], "two")
    assert seen == [3]


def test_replaying_the_journal_after_a_crash_gives_the_same_corpus(mini):
    corpus = load_corpus(mini)
    journal = Journal.for_corpus(mini)

    def edit(ops, label):
        corpus.apply(ops)
        journal.append(ops, label)

    text = corpus.get("doc-a").text
    edit([Put(corpus.get("ev-opened").model_copy(update={"title": "Opened, 2020"}))], "Edit Event")
    edit([Put(Passage(id="p-new", document="doc-a", start=text.index("Li Wei"),
                      end=text.index("Li Wei") + 6, quote="Li Wei"))], "Add Passage")
    edit([Put(corpus.get("ex-liwei").model_copy(update={"passages": ["p-liwei", "p-new"]})),
          Remove("rel-builds")], "Edit Expert")
    edit([Put(corpus.get("ev-trade"), position=0)], "Move Event")
    edit([Put(corpus.get("doc-a").model_copy(update={"text": text + "Added 中文.\n"}))], "Edit Text")
    edit([SetInfo(corpus.info.model_copy(update={"title": "Mini (edited)"}))], "Edit Corpus")
    expected = corpus.snapshot()
    del corpus  # the process dies: nothing was saved

    again = load_corpus(mini)
    assert again.snapshot() != expected
    entries = Journal.for_corpus(mini).entries()
    assert len(entries) == 6
    for entry in entries:
        again.apply(entry.ops)
    assert again.snapshot() == expected


def test_background_sync_writes_at_once_and_fsyncs_soon_after(mini, monkeypatch, tmp_path):
    """The workspace's journal does not make an edit wait for the disk: the line is written before
    append returns (an app crash loses nothing), the fsync follows in another thread, and flush waits."""
    import threading

    from explorer.core.io import journal as journal_module
    from explorer.core.io.journal import Journal

    synced = []
    release = threading.Event()
    real = journal_module._fsync

    def slow_fsync(fd):
        release.wait(5)
        synced.append(threading.current_thread().name)
        real(fd)

    journal = Journal.for_corpus(mini, tmp_path / "state", background_sync=True)
    corpus = load_corpus(mini)
    journal.append([Put(corpus.get("ev-trade").model_copy(update={"title": "First"}))], "First")
    assert journal.flush(timeout=5)  # the file exists (creating it also fsyncs its folder, once)
    monkeypatch.setattr(journal_module, "_fsync", slow_fsync)
    ops = [Put(corpus.get("ev-opened").model_copy(update={"title": "Written at once"}))]
    journal.append(ops, "Edit")
    assert "Written at once" in journal.path.read_text(encoding="utf-8")  # before any fsync
    assert not synced and not journal.flush(timeout=0.05)
    release.set()
    assert journal.flush(timeout=5)
    assert synced == ["explorer-journal-fsync"]
    assert [e.label for e in journal.entries()] == ["First", "Edit"]
