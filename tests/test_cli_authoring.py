"""Authoring from the command line: `explorer new` and `explorer validate --fix`, run in-process."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import DATA, MINI_TEXT
from explorer import cli
from explorer.core.io import save
from explorer.core.io.load import load_corpus
from explorer.core.io.save import JSON_FILES, MANIFEST, TMP_SUFFIX


def run(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def files_of(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- explorer new ------------------------------------------------------------------------------------------

def test_new_creates_an_empty_valid_corpus(tmp_path, capsys):
    target = tmp_path / "deep" / "my-corpus"
    code, out, err = run(capsys, "new", target, "--title", "Río de la Plata 河", "--description", "Notes",
                         "--from", "1990", "--to", "2001-06")
    assert code == 0, err
    assert out == f"created an empty corpus in {target} (corpus.json, documents.json)\n" and err == ""
    assert sorted(files_of(target)) == ["corpus.json", "documents.json"]
    assert (target / "documents.json").read_text(encoding="utf-8") == "[]\n"
    info = json.loads((target / "corpus.json").read_text(encoding="utf-8"))
    assert info == {"title": "Río de la Plata 河", "description": "Notes", "time_range": ["1990", "2001-06"]}
    assert "Río de la Plata 河" in (target / "corpus.json").read_text(encoding="utf-8")  # not escaped
    corpus = load_corpus(target)
    assert corpus.problems == [] and corpus.info.title == "Río de la Plata 河"
    code, out, _ = run(capsys, "validate", target)
    assert code == 0 and out.startswith("valid: 0 documents")


def test_new_titles_the_corpus_after_its_folder(tmp_path, capsys):
    target = tmp_path / "field-notes"
    target.mkdir()  # an empty folder is fine
    code, _, err = run(capsys, "new", target)
    assert code == 0, err
    assert json.loads((target / "corpus.json").read_text(encoding="utf-8")) == {"title": "field-notes"}


def test_new_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    code, out, err = run(capsys, "new", target)
    assert code == 2 and out == ""
    assert err == f"explorer: {target} is not empty; `explorer new` creates a corpus in a new or empty folder\n"
    assert files_of(target) == {"notes.txt": b"mine"}


def test_new_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "new", target)
    assert code == 2 and "exists and is not a folder" in err


@pytest.mark.parametrize("args, message", [
    (["--from", "1990"], "--from and --to go together"),
    (["--from", "1990", "--to", "nineteen"], "'nineteen'"),
    (["--from", "2000", "--to", "1990"], "ends (1990) before it starts (2000)"),
])
def test_new_refuses_a_bad_time_range(tmp_path, capsys, args, message):
    target = tmp_path / "c"
    code, out, err = run(capsys, "new", target, *args)
    assert code == 2 and out == "" and message in err and err.startswith("explorer: ")
    assert "Traceback" not in err
    assert not target.exists()


def test_new_without_a_path_is_a_usage_error(capsys):
    code, _, err = run(capsys, "new")
    assert code == 2 and "usage" in err


# -- explorer validate --fix -------------------------------------------------------------------------------

def shift_first_passage(root, by=3):
    path = root / "passages.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data[0]["start"] += by
    data[0]["end"] += by
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return data[0]["id"]


def test_fix_anchors_offsets_and_writes_the_canonical_layout(corpus_copy, capsys):
    pid = shift_first_passage(corpus_copy)
    code, out, err = run(capsys, "validate", corpus_copy)
    assert code == 1 and "re-anchored" in out
    before = files_of(corpus_copy)
    code, out, err = run(capsys, "validate", "--fix", corpus_copy)
    assert code == 0, err
    assert out == "rewrote passages.json (offsets anchored, canonical layout)\n"
    after = files_of(corpus_copy)
    assert [k for k in after if after[k] != before[k]] == ["passages.json"]
    assert after["passages.json"] == (DATA / "passages.json").read_bytes()
    fixed = load_corpus(corpus_copy)
    assert fixed.problems == [] and fixed.get(pid).start == load_corpus(DATA).get(pid).start
    code, out, _ = run(capsys, "validate", "--fix", corpus_copy)
    assert (code, out) == (0, "nothing to fix\n")
    assert not [p for p in corpus_copy.iterdir() if p.name.endswith(TMP_SUFFIX) or p.name == MANIFEST]


def test_fix_rewrites_a_hand_formatted_corpus(mini_corpus, capsys):
    code, out, err = run(capsys, "validate", "--fix", mini_corpus)
    assert code == 0, err
    assert out.splitlines() == [f"rewrote {name} (canonical layout)" for name in JSON_FILES]
    assert (mini_corpus / "docs" / "a.txt").read_text(encoding="utf-8") == MINI_TEXT
    assert load_corpus(mini_corpus).problems == []
    assert run(capsys, "validate", "--fix", mini_corpus)[1] == "nothing to fix\n"


def test_fix_leaves_a_file_it_cannot_repair_alone(mini_corpus, capsys):
    shift_first_passage(mini_corpus, by=1)
    broken = '[{"id": "ev-x", "title": "No date", "passages": ["p-trade"]}]'
    (mini_corpus / "events.json").write_text(broken, encoding="utf-8")
    code, out, err = run(capsys, "validate", "--fix", mini_corpus)
    assert code == 1
    lines = out.splitlines()
    assert "rewrote passages.json (offsets anchored, canonical layout)" in lines
    assert not any(line.startswith("rewrote events.json") for line in lines)
    assert any(line.startswith("events.json: [0].start: ") for line in lines)
    assert "cannot repair" in err and "left unchanged: events.json" in err
    assert (mini_corpus / "events.json").read_text(encoding="utf-8") == broken


def test_fix_does_not_drop_a_document_whose_text_failed_to_load(mini_corpus, capsys):
    (mini_corpus / "docs" / "a.txt").write_bytes(b"\xff\xfe not utf-8")
    before = files_of(mini_corpus)
    code, out, err = run(capsys, "validate", "--fix", mini_corpus)
    assert code == 1
    after = files_of(mini_corpus)
    for name in ("documents.json", "passages.json", "events.json", "docs/a.txt"):
        assert after[name] == before[name], name
    assert json.loads(after["documents.json"])[0]["id"] == "doc-a"


def test_fix_creates_a_missing_documents_list(tmp_path, capsys):
    root = tmp_path / "c"
    root.mkdir()
    (root / "corpus.json").write_text('{"title": "Only a title"}', encoding="utf-8")
    code, out, err = run(capsys, "validate", "--fix", root)
    assert code == 0, err
    assert out.splitlines() == ["rewrote corpus.json (canonical layout)", "wrote documents.json (it was missing)"]
    assert (root / "documents.json").read_text(encoding="utf-8") == "[]\n"


def test_fix_on_the_default_corpus_when_it_is_writable(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setattr(cli, "default_corpus_path", lambda: copy)
    assert run(capsys, "validate", "--fix") == (0, "nothing to fix\n", "")
    shift_first_passage(copy)
    code, out, _ = run(capsys, "validate", "--fix")
    assert code == 0 and out == "rewrote passages.json (offsets anchored, canonical layout)\n"


def test_fix_refuses_a_folder_that_cannot_be_written(tmp_path, monkeypatch, capsys):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    shift_first_passage(copy)
    monkeypatch.setattr(cli, "default_corpus_path", lambda: copy)
    before = files_of(copy)

    def denied(path, *args):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(save, "_open_new", denied)
    code, out, err = run(capsys, "validate", "--fix")
    assert code == 2 and out == ""
    assert err.startswith(f"explorer: cannot fix {copy}: cannot write passages.json in the folder {copy}: "
                          f"permission denied; nothing was saved")
    assert "Traceback" not in err
    assert files_of(copy) == before


def test_fix_finishes_an_interrupted_save_first(mini_corpus, capsys):
    (mini_corpus / ("events.json" + TMP_SUFFIX)).write_text("[half", encoding="utf-8")
    code, out, err = run(capsys, "validate", "--fix", mini_corpus)
    assert code == 0
    assert "interrupted save of events.json was rolled back" in err
    assert not (mini_corpus / ("events.json" + TMP_SUFFIX)).exists()


@pytest.mark.parametrize("target", ["does-not-exist", "README.md"])
def test_fix_on_something_that_is_not_a_corpus(tmp_path, capsys, target):
    (tmp_path / "README.md").write_text("x", encoding="utf-8")
    code, out, err = run(capsys, "validate", "--fix", tmp_path / target)
    assert code == 2 and out == "" and err.startswith("explorer: ")


def test_plain_validate_still_writes_nothing(corpus_copy, capsys):
    shift_first_passage(corpus_copy)
    before = files_of(corpus_copy)
    code, _, _ = run(capsys, "validate", corpus_copy)
    assert code == 1 and files_of(corpus_copy) == before


def _edit_json(root, name, change):
    path = root / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name, change", [
    ("events.json", lambda d: d[0]["themes"].append("theme-nowhere")),  # the loader drops the reference
    ("events.json", lambda d: d[2].update(end="2019")),  # an end before its start: the loader ignores it
    ("themes.json", lambda d: d[0].update(color="blue")),  # an invalid item: skipped
    ("relationships.json", lambda d: d[0].update(target="ent-ghost")),  # a relationship to nobody
], ids=["unknown-reference", "end-before-start", "invalid-item", "unknown-target"])
def test_fix_never_writes_back_what_the_loader_dropped(mini_corpus, capsys, name, change):
    _edit_json(mini_corpus, name, change)
    before = (mini_corpus / name).read_bytes()
    code, out, err = run(capsys, "validate", "--fix", mini_corpus)
    assert code == 1
    assert (mini_corpus / name).read_bytes() == before
    assert f"rewrote {name}" not in out
    assert "left unchanged: " in err and name in err.split("left unchanged: ")[1]
