"""A workspace on a corpus folder: edits are journalled as they happen, a crash loses nothing (the next
open offers them, never applies them silently), Save writes only what changed, a file changed on disk is
never overwritten, and an unwritable folder keeps the edits safe. Qt-free."""

from __future__ import annotations

import os

import pytest

from conftest import write_mini_corpus
from explorer.core import load_corpus
from explorer.core.commands import AddItem, DeleteItem, EditInfo, EditItem
from explorer.core.io.dump import corpus_to_dict
from explorer.core.io.save import SaveConflict, SaveError
from explorer.core.workspace import Workspace


@pytest.fixture()
def folder(tmp_path):
    root = write_mini_corpus(tmp_path / "mini")
    Workspace.open(root).save(everything=True)  # canonical layout first, so that the tests below see only their edits
    return root


def _edit(ws: Workspace) -> None:
    ws.do(EditItem("ev-opened", title="Bridge opened to traffic"))
    ws.do(AddItem("entity", name="Harbin", kind="place", passages=["p-opened"]))
    ws.do(EditInfo(title="Mini, edited"))


def test_save_writes_only_the_files_the_edits_changed(folder):
    ws = Workspace.open(folder)
    before = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    ws.do(EditItem("ev-opened", title="Bridge opened to traffic"))
    assert ws.modified
    result = ws.save()
    assert result.written == ["events.json"]
    assert not ws.modified and not ws.recovery_available()
    after = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    assert [n for n in before if before[n] != after[n]] == ["events.json"]
    assert load_corpus(folder).get("ev-opened").title == "Bridge opened to traffic"
    # a second save with no edit writes nothing; undo then save restores the file byte for byte
    assert ws.save().written == []
    ws.undo()
    ws.save()
    assert (folder / "events.json").read_bytes() == before["events.json"]


def test_a_crash_loses_no_edit_and_recovery_is_offered_not_applied(folder):
    ws = Workspace.open(folder)
    _edit(ws)
    edited = corpus_to_dict(ws.corpus)
    del ws  # the process dies: nothing was saved

    again = Workspace.open(folder)
    assert corpus_to_dict(again.corpus) != edited  # nothing applied silently
    assert again.recovery_available()
    assert again.recover() == 3
    assert corpus_to_dict(again.corpus) == edited
    assert again.modified and again.stack.undo_label() == "Recover Unsaved Edits"
    again.undo()  # one step takes the recovered edits back
    assert again.corpus.get("ent-harbin") is None
    again.redo()
    again.save()
    assert not Workspace.open(folder).recovery_available()
    assert corpus_to_dict(load_corpus(folder)) == edited


def test_discarding_recovery_is_explicit(folder):
    ws = Workspace.open(folder)
    _edit(ws)
    again = Workspace.open(folder)
    assert again.recovery_available()
    again.discard_recovery()
    assert not Workspace.open(folder).recovery_available()


def test_a_file_changed_on_disk_is_not_overwritten(folder):
    ws = Workspace.open(folder)
    ws.do(EditItem("ev-opened", title="Mine"))
    theirs = (folder / "events.json").read_text(encoding="utf-8").replace("Bridge proposed", "Theirs")
    (folder / "events.json").write_text(theirs, encoding="utf-8")
    with pytest.raises(SaveConflict) as err:
        ws.save()
    assert "events.json" in str(err.value)
    assert (folder / "events.json").read_text(encoding="utf-8") == theirs  # their change is kept
    assert ws.modified and ws.recovery_available()  # and so are mine
    ws.save(folder.parent / "mine")  # Save As keeps the edits safe elsewhere
    assert load_corpus(folder.parent / "mine").get("ev-opened").title == "Mine"
    assert not ws.modified


def test_an_unwritable_folder_keeps_the_edits(folder, monkeypatch):
    from explorer.core.io import save as save_module

    ws = Workspace.open(folder)
    ws.do(DeleteItem("rel-builds"))

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(folder))

    monkeypatch.setattr(save_module.os, "open", refuse)
    with pytest.raises(SaveError) as err:
        ws.save()
    assert str(folder) in str(err.value) or "mini" in str(err.value)
    monkeypatch.undo()
    assert ws.modified and ws.recovery_available()
    assert load_corpus(folder).get("rel-builds") is not None  # nothing half-written
    ws.save()
    assert load_corpus(folder).get("rel-builds") is None


def test_journal_lives_outside_the_corpus(folder):
    ws = Workspace.open(folder)
    _edit(ws)
    assert not folder.joinpath(".explorer-save.json").exists()
    assert str(ws.journal.path).startswith(os.environ["EXPLORER_STATE_DIR"])
    assert not [p for p in folder.rglob("*") if "journal" in p.name]


def test_loading_finishes_an_interrupted_save_so_nothing_loads_a_mix(folder, monkeypatch):
    """Killed after the commit point: the next load (validate, export, the window) completes it."""
    from explorer.core.io import save as save_module

    ws = Workspace.open(folder)
    ws.do(EditItem("ev-opened", title="Committed"))
    ws.do(EditInfo(title="Committed too"))
    renames = []
    real = save_module._replace

    def die_after_first_rename(src, dst):
        if renames:
            raise KeyboardInterrupt("killed")
        renames.append(dst)
        return real(src, dst)

    monkeypatch.setattr(save_module, "_replace", die_after_first_rename)
    with pytest.raises(KeyboardInterrupt):
        ws.save()
    monkeypatch.undo()
    assert (folder / ".explorer-save.json").exists()  # committed, renames half done
    again = load_corpus(folder)
    assert again.get("ev-opened").title == "Committed" and again.info.title == "Committed too"
    assert again.notes and "completed" in again.notes[0]
    assert not (folder / ".explorer-save.json").exists()


def test_undoing_back_to_the_saved_state_leaves_nothing_to_recover(folder):
    ws = Workspace.open(folder)
    ws.do(EditItem("ev-opened", title="Briefly"))
    assert ws.recovery_available()
    ws.undo()
    assert not ws.modified and not ws.recovery_available()
    ws.redo()  # and the journal picks up again, replayable from the files on disk
    again = Workspace.open(folder)
    assert again.recovery_available() and again.recover() == 1
    assert again.corpus.get("ev-opened").title == "Briefly"
