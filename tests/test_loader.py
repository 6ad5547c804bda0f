"""The loader on good and bad input: every problem names the file, the place and the problem, and the
valid rest still loads."""

import json
import os
import subprocess
import sys

import pytest

from explorer.core import NotACorpusError, load_corpus


def _edit(folder, name, change):
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _problems(folder):
    corpus = load_corpus(folder)
    return corpus, [str(p) for p in corpus.problems]


def test_mini_corpus_loads_clean(mini_corpus):
    corpus, problems = _problems(mini_corpus)
    assert problems == []
    assert corpus.counts() == {"documents": 1, "passages": 4, "events": 3, "experts": 1, "entities": 2,
                               "relationships": 1, "themes": 1}
    ev = corpus.get("ev-trade")
    assert str(ev.start) == "2021-01" and str(ev.end) == "2021-11" and ev.is_span
    p = corpus.get("p-opened")
    assert corpus.get("doc-a").text[p.start:p.end] == p.quote
    assert p.prefix.endswith("1988. ") and p.suffix.startswith("\nLi Wei")


def test_malformed_json_is_reported_with_line_and_rest_loads(mini_corpus):
    (mini_corpus / "events.json").write_text('[{"id": "ev-x", "title": "X",, }]', encoding="utf-8")
    corpus, problems = _problems(mini_corpus)
    assert len(problems) == 1
    assert problems[0].startswith("events.json: line 1, column ") and "malformed JSON" in problems[0]
    assert corpus.events == [] and len(corpus.experts) == 1 and len(corpus.passages) == 4


def test_truncated_json(mini_corpus):
    text = (mini_corpus / "experts.json").read_text(encoding="utf-8")
    (mini_corpus / "experts.json").write_text(text[: len(text) // 2], encoding="utf-8")
    corpus, problems = _problems(mini_corpus)
    assert any(p.startswith("experts.json: line ") and "malformed JSON" in p for p in problems)
    assert len(corpus.events) == 3  # the rest loads


def test_impossible_date_skips_only_that_item(mini_corpus):
    _edit(mini_corpus, "events.json", lambda d: d[0].update(start="2019-02-30"))
    corpus, problems = _problems(mini_corpus)
    assert problems == ["events.json: [0].start: February 2019 has no day 30 (it has 28 days) in ev-proposed; "
                        "item skipped"]
    assert [e.id for e in corpus.events] == ["ev-opened", "ev-trade"]


def test_end_before_start(mini_corpus):
    _edit(mini_corpus, "events.json", lambda d: d[2].update(start="2021-11", end="2021-01"))
    corpus, problems = _problems(mini_corpus)
    assert problems == ["events.json: [2].end: end 2021-01 is before start 2021-11 in ev-trade; the end is ignored"]
    assert corpus.get("ev-trade").end is None


def test_unknown_document_and_unknown_item_references(mini_corpus):
    _edit(mini_corpus, "passages.json", lambda d: d[3].update(document="doc-missing"))
    _edit(mini_corpus, "events.json", lambda d: d[0].update(actors=["ent-bridge", "ent-nowhere"]))
    _edit(mini_corpus, "relationships.json", lambda d: d[0].update(target="ent-ghost"))
    corpus, problems = _problems(mini_corpus)
    assert "passages.json: [3].document: unknown document 'doc-missing'; passage p-trade skipped" in problems
    assert "events.json: [0].actors[1]: ev-proposed refers to unknown actor 'ent-nowhere'" in problems
    assert any(p.startswith("relationships.json: [0].target: rel-builds refers to unknown") for p in problems)
    # the event whose only passage was skipped is kept; the references to that passage are follow-ons of
    # its problem: one line per file counts them instead of a line each (and no "no passage as evidence")
    assert "entities.json: file: 1 reference to skipped passages was dropped" in problems
    assert "events.json: file: 1 reference to skipped passages was dropped" in problems
    assert not any("ev-trade" in p for p in problems)
    assert corpus.get("ev-trade").passages == []
    assert corpus.get("ev-proposed").actors == ["ent-bridge"]
    assert corpus.relationships == []


def test_quote_not_found(mini_corpus):
    _edit(mini_corpus, "passages.json", lambda d: d[1].update(quote="It closed in May 2020."))
    corpus, problems = _problems(mini_corpus)
    assert "passages.json: [1].quote: quote of passage p-opened not found in docs/a.txt; passage skipped" in problems
    assert corpus.get("p-opened") is None


def test_wrong_offsets_are_reanchored_by_a_unique_quote(mini_corpus):
    _edit(mini_corpus, "passages.json", lambda d: d[1].update(start=0, end=5))
    corpus, problems = _problems(mini_corpus)
    p = corpus.get("p-opened")
    assert corpus.get("doc-a").text[p.start:p.end] == "It opened in April 2020."
    assert problems == [f"passages.json: [1].start: offsets 0–5 of passage p-opened do not match its quote; "
                        f"re-anchored by the quote to {p.start}–{p.end}"]


def test_ambiguous_quote_with_wrong_offsets_is_skipped(mini_corpus):
    _edit(mini_corpus, "passages.json", lambda d: d[3].update(quote="rade", start=0, end=4))
    corpus, problems = _problems(mini_corpus)
    assert corpus.get("p-trade") is None
    assert any("occurs more than once" in p for p in problems)


def test_duplicate_id(mini_corpus):
    _edit(mini_corpus, "entities.json", lambda d: d.append(dict(d[0], name="Another")))
    _edit(mini_corpus, "themes.json", lambda d: d.append(dict(d[0], id="ev-opened")))
    corpus, problems = _problems(mini_corpus)
    assert "entities.json: [2].id: duplicate id 'ent-bridge' (first used in entities.json); this one skipped" in problems
    assert "events.json: [1].id: duplicate id 'ev-opened' (first used in themes.json); this one skipped" in problems
    assert corpus.get("ent-bridge").name == "The bridge"


def test_document_not_utf8(mini_corpus):
    (mini_corpus / "docs" / "a.txt").write_bytes("caf\u00e9 line\nsecond \xff\n".encode("latin-1"))
    corpus, problems = _problems(mini_corpus)
    assert problems[0] == "docs/a.txt: line 1: is not UTF-8 text (byte 3); document doc-a skipped"
    assert corpus.documents == [] and corpus.passages == []
    assert len(corpus.experts) == 1  # still there, without evidence
    # the passages in that document and the references to them are counted (once per file), not listed
    assert problems[1:] == ["passages.json: file: 4 passages in skipped documents were skipped too",
                            "themes.json: file: 1 reference to skipped passages was dropped",
                            "entities.json: file: 2 references to skipped passages were dropped",
                            "experts.json: file: 2 references to skipped passages were dropped",
                            "events.json: file: 3 references to skipped passages were dropped",
                            "relationships.json: file: 1 reference to skipped passages was dropped"]
    assert corpus.skipped == {"documents": 1, "passages": 4}


def test_binary_document(mini_corpus):
    (mini_corpus / "docs" / "a.txt").write_bytes(b"\x89PNG\x00\x00")
    corpus, problems = _problems(mini_corpus)
    assert problems[0] == "docs/a.txt: file: is not a text file; document doc-a skipped"


@pytest.mark.parametrize("ref", ["../outside.txt", "/etc/hostname", "docs/../../outside.txt"])
def test_file_reference_outside_the_corpus(mini_corpus, ref):
    (mini_corpus.parent / "outside.txt").write_text("secret", encoding="utf-8")
    _edit(mini_corpus, "documents.json", lambda d: d[0].update(file=ref))
    corpus, problems = _problems(mini_corpus)
    assert problems[0].startswith("documents.json: [0].file: ")
    assert ("outside the corpus folder" in problems[0]) or ("absolute path" in problems[0])
    assert corpus.documents == []


def test_missing_document_file(mini_corpus):
    (mini_corpus / "docs" / "a.txt").unlink()
    corpus, problems = _problems(mini_corpus)
    assert problems[0] == "documents.json: [0].file: 'docs/a.txt' does not exist; document doc-a skipped"


def test_unknown_field_and_missing_field(mini_corpus):
    _edit(mini_corpus, "experts.json", lambda d: d[0].update(nickname="x"))
    _edit(mini_corpus, "events.json", lambda d: d[0].pop("title"))
    corpus, problems = _problems(mini_corpus)
    assert "experts.json: [0].nickname: Unknown field 'nickname' in ex-liwei; item skipped" in problems
    assert "events.json: [0].title: Required field is missing in ev-proposed; item skipped" in problems


def test_not_a_corpus(tmp_path):
    with pytest.raises(NotACorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(NotACorpusError, match="is not a folder"):
        load_corpus(tmp_path / "file.txt")
    with pytest.raises(NotACorpusError, match="not a corpus folder"):
        load_corpus(tmp_path)


def test_model_imports_no_qt():
    code = ("import sys, explorer.core, explorer.core.index; "
            "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken', 'pyqtgraph'))); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_quick_path_for_events_and_passages_gives_what_validating_each_item_gives(tmp_path):
    """events.json and passages.json are validated into plain dicts (then wrapped as models) when the
    whole file is valid, and item by item when it is not: both give the same items, defaults included."""
    import json as _json

    from conftest import write_mini_corpus
    from explorer.core import load_corpus
    from explorer.core.model import Event, Passage

    quick = load_corpus(write_mini_corpus(tmp_path / "quick"))
    careful_folder = write_mini_corpus(tmp_path / "careful")
    for name, bad in (("events.json", {"id": "ev-bad", "title": "Bad", "start": "2021-02-30", "passages": []}),
                      ("passages.json", {"id": "p-bad", "document": "doc-a", "quote": ""})):
        items = _json.loads((careful_folder / name).read_text(encoding="utf-8"))
        (careful_folder / name).write_text(_json.dumps(items + [bad]), encoding="utf-8")
    careful = load_corpus(careful_folder)
    assert [p.where for p in careful.problems] == ["[4].quote", "[3].start"]
    assert not quick.problems
    assert [e.model_dump() for e in quick.events] == [e.model_dump() for e in careful.events]
    assert [p.model_dump() for p in quick.passages] == [p.model_dump() for p in careful.passages]
    for ev in quick.events:  # as a validated model would be, defaults included
        assert Event.model_validate(ev.model_dump()) == ev
        assert ev.summary == "" and ev.inferred is False and isinstance(ev.experts, list)
    for p in quick.passages:
        assert Passage.model_validate(p.model_dump()) == p


@pytest.mark.parametrize("link", ["file", "folder", "inside"])
def test_a_document_file_through_a_symbolic_link(mini_corpus, link):
    outside = mini_corpus.parent / "elsewhere"
    outside.mkdir()
    text = (mini_corpus / "docs" / "a.txt").read_text(encoding="utf-8")
    (outside / "a.txt").write_text(text, encoding="utf-8")
    if link == "file":  # docs/a.txt -> a file outside the corpus folder
        (mini_corpus / "docs" / "a.txt").unlink()
        os.symlink(outside / "a.txt", mini_corpus / "docs" / "a.txt")
    elif link == "folder":  # docs -> a folder outside
        for f in (mini_corpus / "docs").iterdir():
            f.unlink()
        (mini_corpus / "docs").rmdir()
        os.symlink(outside, mini_corpus / "docs")
    else:  # docs/a.txt -> another file inside the folder: loaded
        (mini_corpus / "docs" / "a.txt").rename(mini_corpus / "docs" / "real.txt")
        os.symlink("real.txt", mini_corpus / "docs" / "a.txt")
    corpus, problems = _problems(mini_corpus)
    if link == "inside":
        assert problems == [] and corpus.get("doc-a").text == text
    else:
        assert problems[0] == "documents.json: [0].file: 'docs/a.txt' points outside the corpus folder; " \
                              "document doc-a skipped"
        assert corpus.get("doc-a") is None
