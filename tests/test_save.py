"""Saving a corpus: the canonical layout, only changed files written, conflicts and unwritable folders
refused, Save As, and all-or-nothing saves that survive being killed at any step."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import DATA, MINI_TEXT, write_mini_corpus
from explorer.core.corpus import FILE_OF_KIND, KIND_ORDER, Put, Remove, SetInfo
from explorer.core.io import save
from explorer.core.io.dump import corpus_to_dict
from explorer.core.io.load import load_corpus
from explorer.core.io.save import (JSON_FILES, MANIFEST, TMP_SUFFIX, FileStamp, SaveConflict, SaveError,
                                   canonical_bytes, canonical_info_bytes, finish_interrupted_save, read_stamps,
                                   save_corpus)
from explorer.core.model.types import Passage, Theme


def snapshot_files(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under a folder: relative name -> (bytes, mtime_ns)."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.name.endswith(TMP_SUFFIX) or p.name == MANIFEST]


def loaded(root: Path):
    corpus = load_corpus(root)
    corpus.file_stamps = {}
    return corpus


@pytest.fixture()
def canonical_mini(tmp_path):
    """The mini corpus, saved once into the canonical layout, with its stamps."""
    root = write_mini_corpus(tmp_path / "mini")
    save_corpus(load_corpus(root))
    return root


def edit_several(corpus, text_too: bool = False):
    """A batch that changes several files: an event, a theme, corpus.json, a new passage, a removal (and,
    with ``text_too``, a document text)."""
    ops = [Put(corpus.get("ev-opened").model_copy(update={"title": "Bridge opened at last"})),
           Put(corpus.get("theme-infra").model_copy(update={"description": "Bridges, roads, rails"})),
           SetInfo(corpus.info.model_copy(update={"title": "Mini, edited"})),
           Put(Passage(id="p-grew", document="doc-a", start=MINI_TEXT.index("Trade grew"),
                       end=MINI_TEXT.index("Trade grew") + len("Trade grew"), quote="Trade grew")),
           Put(corpus.get("ev-trade").model_copy(update={"passages": ["p-trade", "p-grew"]})),
           Remove("rel-builds")]
    if text_too:
        doc = corpus.get("doc-a")
        ops.append(Put(doc.model_copy(update={"text": doc.text + "A new closing line: 新.\n"})))
    return corpus.apply(ops)


# -- canonical layout ----------------------------------------------------------------------------------------

def test_canonical_layout_of_an_annotation_file(corpus):
    data = canonical_bytes("event", corpus.events)
    text = data.decode("utf-8")
    assert text.startswith('[\n  {\n    "id": ') and text.endswith("\n  }\n]\n")
    assert "\r" not in text and "\\u" not in text  # non-ASCII as is
    items = json.loads(text)
    assert [i["id"] for i in items] == [e.id for e in corpus.events]
    first = items[0]
    assert list(first)[0] == "id"
    assert list(first) == [k for k in type(corpus.events[0]).model_fields if k in first]  # model field order
    assert "inferred" not in first and "experts" not in first and "end" not in first  # defaults left out
    assert first["start"] == "1988"
    # exactly what pydantic's python dump + json.dumps give
    expected = json.dumps([e.model_dump(mode="json", exclude_defaults=True) for e in corpus.events],
                          ensure_ascii=False, indent=2) + "\n"
    assert text == expected


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_canonical_bytes_match_the_python_dump_for_every_kind(corpus, kind):
    items = corpus.items_of(kind)
    drop = {"document": {"text"}, "passage": {"prefix", "suffix"}}.get(kind, set())
    expected = json.dumps([i.model_dump(mode="json", exclude_defaults=True, exclude=drop) for i in items],
                          ensure_ascii=False, indent=2) + "\n"
    assert canonical_bytes(kind, items).decode("utf-8") == expected


def test_documents_without_text_and_passages_without_context(corpus):
    docs = json.loads(canonical_bytes("document", corpus.documents))
    assert all("text" not in d for d in docs) and all(d["file"] for d in docs)
    assert docs[0]["date"] == "2021-12"
    passages = json.loads(canonical_bytes("passage", corpus.passages))
    assert all("prefix" not in p and "suffix" not in p for p in passages)
    assert passages[0]["start"] == 0  # a required field is written even when it is 0


def test_non_ascii_is_written_as_utf8():
    theme = Theme(id="t", name="Économie 经济", passages=["p"])
    data = canonical_bytes("theme", [theme])
    assert "Économie 经济".encode("utf-8") in data
    assert canonical_bytes("theme", []) == b"[]\n"


def test_canonical_info(corpus):
    text = canonical_info_bytes(corpus.info).decode("utf-8")
    assert text.startswith("{\n  \"title\": ") and text.endswith("}\n")
    assert json.loads(text)["time_range"] == ["1988", "2022"]
    from explorer.core.model.types import CorpusInfo

    assert canonical_info_bytes(CorpusInfo()) == b"{}\n"


def test_default_corpus_is_canonical(tmp_path):
    """data/ is stored in the canonical layout: loading and saving it writes nothing."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    before = snapshot_files(copy)
    result = save_corpus(load_corpus(copy), stamps=read_stamps(copy))
    assert result.written == []
    assert set(result.unchanged) >= set(JSON_FILES)
    assert snapshot_files(copy) == before
    for name in JSON_FILES:  # and the bytes are the canonical ones, file by file
        assert (DATA / name).read_bytes() == (copy / name).read_bytes()


def test_load_save_load_of_a_hand_written_corpus_is_stable(tmp_path):
    root = write_mini_corpus(tmp_path / "mini")
    first = load_corpus(root)
    result = save_corpus(first, stamps=read_stamps(root))
    assert set(result.written) == set(JSON_FILES)  # written by json.dumps(indent=1): all rewritten
    assert "docs/a.txt" in result.unchanged
    assert (root / "docs" / "a.txt").read_text(encoding="utf-8") == MINI_TEXT
    second = load_corpus(root)
    assert second.problems == []
    assert corpus_to_dict(second) == corpus_to_dict(first)
    before = snapshot_files(root)
    assert save_corpus(second).written == []
    assert snapshot_files(root) == before


# -- stamps ------------------------------------------------------------------------------------------------

def test_read_stamps_covers_json_and_document_files(mini_corpus):
    stamps = read_stamps(mini_corpus)
    assert set(stamps) == set(JSON_FILES) | {"docs/a.txt"}
    import hashlib

    st = (mini_corpus / "events.json").stat()
    assert stamps["events.json"] == FileStamp(st.st_size, st.st_mtime_ns,
                                              hashlib.sha256((mini_corpus / "events.json").read_bytes()).hexdigest())
    (mini_corpus / "themes.json").unlink()
    assert "themes.json" not in read_stamps(mini_corpus)


# -- only what changed -------------------------------------------------------------------------------------

def test_only_the_changed_file_is_rewritten(canonical_mini):
    stamps = read_stamps(canonical_mini)
    corpus = load_corpus(canonical_mini)
    before = snapshot_files(canonical_mini)
    cs = corpus.apply([Put(corpus.get("ev-opened").model_copy(update={"title": "Opened"}))])
    assert cs.files() == {"events.json"}
    result = save_corpus(corpus, cs.files(), stamps)
    assert result.written == ["events.json"] and result.unchanged == []
    after = snapshot_files(canonical_mini)
    assert {k for k in after if after[k] != before[k]} == {"events.json"}
    assert json.loads((canonical_mini / "events.json").read_text(encoding="utf-8"))[1]["title"] == "Opened"
    assert result.stamps["events.json"] == read_stamps(canonical_mini)["events.json"]
    assert leftovers(canonical_mini) == []


def test_dirty_file_with_the_same_bytes_is_not_written(canonical_mini):
    corpus = load_corpus(canonical_mini)
    before = snapshot_files(canonical_mini)
    result = save_corpus(corpus, {"events.json", "themes.json", "docs/a.txt", "gone.txt"})
    assert result.written == [] and result.unchanged == ["themes.json", "events.json", "docs/a.txt"]
    assert snapshot_files(canonical_mini) == before


def test_unedited_copy_of_the_default_corpus_saves_nothing(corpus_copy):
    before = snapshot_files(corpus_copy)
    corpus = load_corpus(corpus_copy)
    assert save_corpus(corpus).written == []
    assert save_corpus(corpus, set(JSON_FILES) | {d.file for d in corpus.documents}).written == []
    assert snapshot_files(corpus_copy) == before


def test_a_missing_empty_file_is_not_created(canonical_mini):
    (canonical_mini / "relationships.json").unlink()
    corpus = load_corpus(canonical_mini)
    corpus.apply([Put(corpus.get("ev-opened").model_copy(update={"title": "Opened"}))])
    assert save_corpus(corpus).written == ["events.json"]
    assert not (canonical_mini / "relationships.json").exists()


def test_document_text_is_written_byte_exactly(canonical_mini):
    corpus = load_corpus(canonical_mini)
    doc = corpus.get("doc-a")
    new_text = doc.text + "Ligne française, 中文, and\r\na Windows line end without translation\r\n"
    cs = corpus.apply([Put(doc.model_copy(update={"text": new_text}))])
    assert cs.files() == {"documents.json", "docs/a.txt"}
    result = save_corpus(corpus, cs.files(), corpus.file_stamps)
    assert result.written == ["docs/a.txt"] and result.unchanged == ["documents.json"]
    assert (canonical_mini / "docs" / "a.txt").read_bytes() == new_text.encode("utf-8")
    assert load_corpus(canonical_mini).get("doc-a").text == new_text


def test_new_document_in_a_new_folder(canonical_mini):
    from explorer.core.model.types import Document

    corpus = load_corpus(canonical_mini)
    cs = corpus.apply([Put(Document(id="doc-b", title="Doc B", file="more/texts/b.txt", text="Bé.\n"))])
    result = save_corpus(corpus, cs.files())
    assert result.written == ["documents.json", "more/texts/b.txt"]
    assert (canonical_mini / "more" / "texts" / "b.txt").read_bytes() == "Bé.\n".encode("utf-8")
    assert load_corpus(canonical_mini).get("doc-b").text == "Bé.\n"


def test_a_document_file_outside_the_folder_is_refused(canonical_mini):
    from explorer.core.model.types import Document

    corpus = load_corpus(canonical_mini)
    corpus.apply([Put(Document(id="doc-b", title="Doc B", file="../escape.txt", text="x"))])
    before = snapshot_files(canonical_mini)
    with pytest.raises(SaveError, match="not inside the corpus folder"):
        save_corpus(corpus)
    assert snapshot_files(canonical_mini) == before
    assert not (canonical_mini.parent / "escape.txt").exists()


def test_a_byte_order_mark_alone_is_no_change(canonical_mini):
    path = canonical_mini / "docs" / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    corpus = load_corpus(canonical_mini)
    assert save_corpus(corpus).written == []


def test_stamps_returned_by_a_save_serve_the_next_one(canonical_mini):
    stamps = read_stamps(canonical_mini)
    corpus = load_corpus(canonical_mini)
    for title in ("One", "Two", "Three"):
        cs = corpus.apply([Put(corpus.get("ev-opened").model_copy(update={"title": title}))])
        result = save_corpus(corpus, cs.files(), stamps)
        assert result.written == ["events.json"]
        stamps.update(result.stamps)
    assert stamps == read_stamps(canonical_mini)


# -- conflicts and unwritable folders ----------------------------------------------------------------------------

def test_a_file_changed_on_disk_since_load_is_not_overwritten(canonical_mini):
    stamps = read_stamps(canonical_mini)
    corpus = load_corpus(canonical_mini)
    cs = corpus.apply([Put(corpus.get("ev-opened").model_copy(update={"title": "Mine"})),
                       Put(corpus.get("theme-infra").model_copy(update={"name": "Mine too"}))])
    theirs = (canonical_mini / "events.json").read_text(encoding="utf-8").replace("Bridge opened", "Theirs")
    (canonical_mini / "events.json").write_text(theirs, encoding="utf-8")
    before = snapshot_files(canonical_mini)
    with pytest.raises(SaveConflict) as info:
        save_corpus(corpus, cs.files(), stamps)
    assert info.value.files == ["events.json"]
    assert "events.json was changed on disk" in str(info.value) and "nothing was saved" in str(info.value)
    assert isinstance(info.value, SaveError)
    assert snapshot_files(canonical_mini) == before  # themes.json was not written either
    assert leftovers(canonical_mini) == []


def test_a_file_deleted_since_load_is_a_conflict(canonical_mini):
    stamps = read_stamps(canonical_mini)
    corpus = load_corpus(canonical_mini)
    cs = corpus.apply([Put(corpus.get("theme-infra").model_copy(update={"name": "Mine"}))])
    (canonical_mini / "themes.json").unlink()
    with pytest.raises(SaveConflict, match="themes.json was deleted") as info:
        save_corpus(corpus, cs.files(), stamps)
    assert info.value.files == ["themes.json"]
    assert not (canonical_mini / "themes.json").exists()


def test_a_change_on_disk_to_a_file_not_being_saved_is_no_conflict(canonical_mini):
    stamps = read_stamps(canonical_mini)
    corpus = load_corpus(canonical_mini)
    cs = corpus.apply([Put(corpus.get("ev-opened").model_copy(update={"title": "Mine"}))])
    (canonical_mini / "themes.json").write_text("[]\n", encoding="utf-8")  # someone else's business
    assert save_corpus(corpus, cs.files(), stamps).written == ["events.json"]
    assert (canonical_mini / "themes.json").read_text(encoding="utf-8") == "[]\n"


def _permission_denied(*args, **kwargs):
    raise PermissionError(13, "Permission denied", str(args[0]) if args else None)


@pytest.mark.parametrize("step", ["_open_new", "_replace", "_write"])
def test_an_unwritable_folder_is_a_save_error_and_nothing_changes(canonical_mini, monkeypatch, step):
    corpus = load_corpus(canonical_mini)
    edit_several(corpus)
    before = snapshot_files(canonical_mini)
    monkeypatch.setattr(save, step, _permission_denied)
    with pytest.raises(SaveError) as info:
        save_corpus(corpus, stamps=read_stamps(canonical_mini))
    message = str(info.value)
    assert str(canonical_mini) in message and "permission denied" in message and "nothing was saved" in message
    assert not isinstance(info.value, SaveConflict)
    monkeypatch.undo()
    assert snapshot_files(canonical_mini) == before
    assert leftovers(canonical_mini) == []


_READ_ONLY_CHILD = textwrap.dedent("""
    import sys
    from explorer.core.corpus import Put
    from explorer.core.io.load import load_corpus
    from explorer.core.io.save import SaveError, save_corpus

    corpus = load_corpus(sys.argv[1])
    cs = corpus.apply([Put(corpus.get("ev-opened").model_copy(update={"title": "Mine"}))])
    try:
        save_corpus(corpus, cs.files())
    except SaveError as exc:
        print(exc)
        raise SystemExit(3)
""")


def test_a_really_read_only_folder(canonical_mini, tmp_path):
    """chmod 555 for real; as root, in a child process without the capabilities that bypass it."""
    script = tmp_path / "child.py"
    script.write_text(_READ_ONLY_CHILD, encoding="utf-8")
    command = [sys.executable, str(script), str(canonical_mini)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to drop the capabilities; the monkeypatched test covers it")
        command = [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    before = snapshot_files(canonical_mini)
    canonical_mini.chmod(0o555)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        canonical_mini.chmod(0o755)
    if done.returncode != 3 and "Operation not permitted" in done.stderr:
        pytest.skip(f"cannot drop capabilities here: {done.stderr.strip()[:200]}")
    assert done.returncode == 3, done.stdout + done.stderr
    assert done.stdout.strip() == (f"cannot write events.json in the folder {canonical_mini}: permission denied; "
                                   f"nothing was saved")
    assert snapshot_files(canonical_mini) == before and leftovers(canonical_mini) == []


def test_save_into_a_folder_that_is_gone(tmp_path):
    root = write_mini_corpus(tmp_path / "mini")
    corpus = load_corpus(root)
    shutil.rmtree(root)
    with pytest.raises(SaveError, match="does not exist"):
        save_corpus(corpus)


# -- Save As -----------------------------------------------------------------------------------------------

def test_save_as_writes_everything_into_a_new_folder(canonical_mini, tmp_path):
    source_before = snapshot_files(canonical_mini)
    corpus = load_corpus(canonical_mini)
    edit_several(corpus, text_too=True)
    target = tmp_path / "elsewhere" / "copy"
    result = save_corpus(corpus, target=target)
    assert result.root == target
    assert set(result.written) == set(JSON_FILES) | {"docs/a.txt"}
    assert snapshot_files(canonical_mini) == source_before  # the original is untouched
    copy = load_corpus(target)
    assert copy.problems == []
    assert copy.get("ev-opened").title == "Bridge opened at last" and copy.info.title == "Mini, edited"
    assert (target / "docs" / "a.txt").read_text(encoding="utf-8") == corpus.get("doc-a").text
    assert result.stamps == read_stamps(target)
    assert leftovers(target) == []


def test_save_as_copies_document_files_byte_for_byte(tmp_path):
    root = write_mini_corpus(tmp_path / "mini")
    raw = b"\xef\xbb\xbf" + MINI_TEXT.encode("utf-8")
    (root / "docs" / "a.txt").write_bytes(raw)
    result = save_corpus(load_corpus(root), target=tmp_path / "copy")
    assert (tmp_path / "copy" / "docs" / "a.txt").read_bytes() == raw
    assert "relationships.json" in result.written


def test_save_as_into_a_folder_that_cannot_be_created(tmp_path):
    corpus = load_corpus(write_mini_corpus(tmp_path / "mini"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(SaveError, match="cannot create the folder"):
        save_corpus(corpus, target=tmp_path / "file" / "sub")


# -- interrupted saves -------------------------------------------------------------------------------------------

class Crash(BaseException):
    """The process dies here (not an exception the save may handle)."""


STEPS = ("_open_new", "_write", "_fsync", "_close", "_replace", "_unlink")


def _crash_at(monkeypatch, n: int) -> list[str]:
    """Make the n-th low-level step of a save kill it; returns the names of the steps taken."""
    taken: list[str] = []
    for name in STEPS:
        real = getattr(save, name)

        def step(*args, _real=real, _name=name):
            taken.append(_name)
            if len(taken) == n:
                if _name == "_write":  # die half-way through writing the bytes
                    _real(args[0], args[1][:len(args[1]) // 2])
                raise Crash(f"killed at step {n} ({_name})")
            return _real(*args)

        monkeypatch.setattr(save, name, step)
    return taken


@pytest.mark.parametrize("text_too", [False, True], ids=["json-files", "with-document-text"])
def test_a_save_killed_at_any_step_leaves_the_old_or_the_new_corpus(tmp_path, monkeypatch, text_too):
    pristine = tmp_path / "pristine"
    write_mini_corpus(pristine)
    save_corpus(load_corpus(pristine))
    old = corpus_to_dict(load_corpus(pristine))
    reference = load_corpus(pristine)
    edit_several(reference, text_too)
    save_corpus(reference, target=tmp_path / "reference")
    new = corpus_to_dict(load_corpus(tmp_path / "reference"))
    assert new != old

    outcomes = []
    n = 0
    while True:
        n += 1
        root = tmp_path / f"run-{n}"
        shutil.copytree(pristine, root)
        corpus = load_corpus(root)
        cs = edit_several(corpus, text_too)
        stamps = read_stamps(root)
        with monkeypatch.context() as m:
            taken = _crash_at(m, n)
            try:
                result = save_corpus(corpus, cs.files(), stamps)
            except Crash:
                crashed = True
            else:
                crashed = False
        if not crashed:
            assert len(result.written) >= 4
            assert corpus_to_dict(load_corpus(root)) == new
            assert finish_interrupted_save(root) == [] and leftovers(root) == []
            break
        notes = finish_interrupted_save(root)
        assert leftovers(root) == [], (n, taken[-1])
        after = load_corpus(root)
        assert after.problems == [], (n, taken[-1], after.problems)
        state = corpus_to_dict(after)
        assert state in (old, new), (n, taken[-1])
        outcome = "new" if state == new else "old"
        if notes:
            assert ("completed" in notes[0]) == (outcome == "new"), (n, notes)
        outcomes.append(outcome)
        shutil.rmtree(root)
        assert n < 500
    # the commit point splits the steps: before it every crash leaves the old corpus, after it the new
    assert outcomes and "old" in outcomes and "new" in outcomes
    first_new = outcomes.index("new")
    assert all(o == "old" for o in outcomes[:first_new]) and all(o == "new" for o in outcomes[first_new:])


_CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from test_save import edit_several
    from explorer.core.io import save
    from explorer.core.io.load import load_corpus

    root, n = Path(sys.argv[1]), int(sys.argv[2])
    stamps = save.read_stamps(root)
    corpus = load_corpus(root)
    cs = edit_several(corpus, text_too=True)
    count = [0]
    for name in ("_open_new", "_write", "_fsync", "_close", "_replace", "_unlink"):
        real = getattr(save, name)
        def step(*args, _real=real):
            count[0] += 1
            if count[0] == n:
                os._exit(1)  # no cleanup, no finally: the process is gone
            return _real(*args)
        setattr(save, name, step)
    save.save_corpus(corpus, cs.files(), stamps)
    print(count[0])
""")


def test_a_save_in_a_killed_process_is_recovered(tmp_path):
    pristine = tmp_path / "pristine"
    write_mini_corpus(pristine)
    save_corpus(load_corpus(pristine))
    old = corpus_to_dict(load_corpus(pristine))
    reference = load_corpus(pristine)
    edit_several(reference, text_too=True)
    save_corpus(reference, target=tmp_path / "reference")
    new = corpus_to_dict(load_corpus(tmp_path / "reference"))
    script = tmp_path / "child.py"
    script.write_text(_CHILD, encoding="utf-8")
    tests_dir = str(Path(__file__).resolve().parent)

    def run(root: Path, n: int):
        return subprocess.run([sys.executable, str(script), str(root), str(n), tests_dir], capture_output=True,
                              text=True, timeout=120)

    probe = tmp_path / "probe"
    shutil.copytree(pristine, probe)
    done = run(probe, 10 ** 6)
    assert done.returncode == 0, done.stderr
    total = int(done.stdout.strip())
    assert corpus_to_dict(load_corpus(probe)) == new
    seen = set()
    for n in sorted({1, 3, total // 3, total // 2, total - 6, total - 3, total - 1, total}):
        root = tmp_path / f"kill-{n}"
        shutil.copytree(pristine, root)
        killed = run(root, n)
        assert killed.returncode == 1, (n, killed.stderr)
        finish_interrupted_save(root)
        assert leftovers(root) == []
        state = corpus_to_dict(load_corpus(root))
        assert state in (old, new), n
        seen.add("new" if state == new else "old")
    assert seen == {"old", "new"}


def test_finish_on_a_clean_folder_does_nothing_cheaply(canonical_mini, monkeypatch):
    calls = []
    real = os.listdir
    monkeypatch.setattr(save.os, "listdir", lambda p: calls.append(p) or real(p))
    for name in ("_replace", "_unlink", "_open_new"):
        monkeypatch.setattr(save, name, lambda *a: pytest.fail("a clean folder needs no change"))
    assert finish_interrupted_save(canonical_mini) == []
    assert calls == [canonical_mini]


def test_finish_rolls_back_temp_files_without_a_manifest(canonical_mini):
    (canonical_mini / ("events.json" + TMP_SUFFIX)).write_text("[half", encoding="utf-8")
    notes = finish_interrupted_save(canonical_mini)
    assert len(notes) == 1 and "events.json" in notes[0] and "rolled back" in notes[0]
    assert leftovers(canonical_mini) == []
    assert load_corpus(canonical_mini).problems == []


def test_finish_completes_a_committed_save(canonical_mini):
    corpus = load_corpus(canonical_mini)
    corpus.apply([Put(corpus.get("ev-opened").model_copy(update={"title": "Done"}))])
    data = canonical_bytes("event", corpus.events)
    (canonical_mini / ("events.json" + TMP_SUFFIX)).write_bytes(data)
    (canonical_mini / MANIFEST).write_text(json.dumps(
        {"v": 1, "state": "commit", "renames": [["events.json" + TMP_SUFFIX, "events.json"],
                                                ["themes.json" + TMP_SUFFIX, "themes.json"],
                                                ["../outside" + TMP_SUFFIX, "../outside"]]}), encoding="utf-8")
    notes = finish_interrupted_save(canonical_mini)
    assert notes == ["An interrupted save of events.json and themes.json was completed: those files hold "
                     "what was saved."]
    assert (canonical_mini / "events.json").read_bytes() == data
    assert leftovers(canonical_mini) == []


def test_a_save_finishes_an_earlier_interrupted_one_first(canonical_mini):
    (canonical_mini / ("themes.json" + TMP_SUFFIX)).write_text("[half", encoding="utf-8")
    corpus = load_corpus(canonical_mini)
    cs = corpus.apply([Put(corpus.get("ev-opened").model_copy(update={"title": "Done"}))])
    assert save_corpus(corpus, cs.files()).written == ["events.json"]
    assert leftovers(canonical_mini) == []


def test_fsync_before_rename(canonical_mini, monkeypatch):
    """Every temp file is fsynced before the manifest commits the save, and the manifest is gone after."""
    log = []
    for name in ("_fsync", "_replace", "_unlink"):
        real = getattr(save, name)
        monkeypatch.setattr(save, name, lambda *a, _r=real, _n=name: (log.append((_n, a)), _r(*a))[1])
    corpus = load_corpus(canonical_mini)
    cs = edit_several(corpus)
    result = save_corpus(corpus, cs.files())
    renames = [a for n, a in log if n == "_replace"]
    assert renames[0][1].endswith(MANIFEST)  # the commit point comes first ...
    assert [Path(dst).name for _, dst in renames[1:]] == [Path(r).name for r in result.written]  # ... then these
    commit = log.index(("_replace", renames[0]))
    assert sum(1 for n, _ in log[:commit] if n == "_fsync") >= len(result.written) + 1
    assert log[-2][0] == "_unlink" and log[-2][1][0].endswith(MANIFEST)


def test_events_and_passages_are_written_from_their_columns_exactly_as_pydantic_writes_them(tmp_path):
    """The fast path (straight from the tables) and the pydantic path give the same bytes, odd strings
    included: quotes, backslashes, control characters, CJK, astral characters, empty and missing fields."""
    from explorer.core.synth import generate

    odd = 'a "quoted" \\ back\x01slash\ttab\nnew 李伟 😀 \u2028 end'
    corpus = load_corpus(DATA)
    doc = corpus.documents[0]
    text = doc.text
    ops = [Put(corpus.events[0].model_copy(update={"title": odd, "summary": "", "date_text": odd, "conflict": odd,
                                                    "inferred": True, "themes": [], "experts": []})),
           Put(corpus.events[1].model_copy(update={"provenance": "events.csv: row 7 " + odd}))]
    corpus.apply(ops)
    generate(tmp_path / "synth", events=300, documents=5, seed=3)
    for c in (corpus, load_corpus(tmp_path / "synth")):
        for kind, items in (("event", c.events), ("passage", c.passages)):
            assert canonical_bytes(kind, items) == canonical_bytes(kind, list(items)), kind
    assert odd and text


def test_save_as_carries_the_imported_originals_byte_for_byte(tmp_path):
    """A document added from a PDF or DOCX keeps its original beside its text; Save As takes it along (it
    was left behind: the new folder's documents named originals it did not have)."""
    from explorer.core.commands import AddDocument
    from explorer.core.workspace import Workspace

    folder = write_mini_corpus(tmp_path / "mini")
    original = bytes(range(256)) * 40 + b"%PDF-like bytes\r\n\x00"
    (folder / "documents" / "originals").mkdir(parents=True)
    (folder / "documents" / "originals" / "report.pdf").write_bytes(original)
    ws = Workspace.open(folder, journal=False)
    ws.do(AddDocument(title="Report", text="The report's text.\n", original="documents/originals/report.pdf"))
    ws.save()
    target = tmp_path / "copy"
    ws.save(target=target)
    assert (target / "documents" / "originals" / "report.pdf").read_bytes() == original
    again = load_corpus(target)
    (doc,) = [d for d in again.documents if d.title == "Report"]
    assert doc.original == "documents/originals/report.pdf" and not again.problems
    # an original that is gone is not invented, and does not stop the save (the corpus is the copy now)
    assert ws.corpus.root == target
    (target / "documents" / "originals" / "report.pdf").unlink()
    ws.save(target=tmp_path / "copy2")
    assert not (tmp_path / "copy2" / "documents" / "originals" / "report.pdf").exists()
