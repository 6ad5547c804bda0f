"""The loader's quick path (msgspec rows for events.json and passages.json, checked a column at a time) loads
exactly what pydantic's validation loads, and says exactly the same problems: every case here is loaded
both ways and compared."""

from __future__ import annotations

import json
import shutil

import pytest

import explorer.core.io.load as load_module
from conftest import DATA
from explorer.core import load_corpus
from explorer.core.io.dump import corpus_to_dict
from explorer.core.model.types import Event, Passage


def _both_ways(folder):
    quick = load_corpus(folder)
    saved = dict(load_module._ROWS)
    load_module._ROWS.update({Event: None, Passage: None})  # no rows: pydantic validates every item
    try:
        careful = load_corpus(folder)
    finally:
        load_module._ROWS.clear()
        load_module._ROWS.update(saved)
    return quick, careful


def _same(quick, careful):
    assert corpus_to_dict(quick) == corpus_to_dict(careful)
    assert [str(p) for p in quick.problems] == [str(p) for p in careful.problems]
    assert quick.skipped == careful.skipped
    assert list(quick.events) == list(careful.events) and list(quick.passages) == list(careful.passages)


def _edit(folder, name, change):
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    change(data)
    (folder / name).write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")


CASES = {
    "as it is": lambda f: None,
    "texts with white space at their ends (stripped, as pydantic strips)":
        lambda f: _edit(f, "events.json", lambda d: (d[0].update(title=" \t" + d[0]["title"] + "\u3000\n"),
                                                      d[1].update(summary="summary\u2003"),
                                                      d[2].update(date_text=" in spring "))),
    "a character Python calls space but pydantic keeps (U+001C)":
        lambda f: _edit(f, "events.json", lambda d: (d[0].update(title=d[0]["title"] + "\x1c"),
                                                      d[1].update(title=d[1]["title"] + " "))),
    "a title of spaces only": lambda f: _edit(f, "events.json", lambda d: d[0].update(title="   ")),
    "an id of the wrong form": lambda f: _edit(f, "events.json", lambda d: d[0].update(id="ev one")),
    "a reference of the wrong form": lambda f: _edit(f, "events.json", lambda d: d[0].update(themes=["th/1"])),
    "an id of 201 characters": lambda f: _edit(f, "events.json", lambda d: d[0].update(id="e" * 201)),
    "an unknown field": lambda f: _edit(f, "events.json", lambda d: d[0].update(actor=["x"])),
    "a date that does not exist": lambda f: _edit(f, "events.json", lambda d: d[0].update(start="2019-02-30")),
    "a date as a number": lambda f: _edit(f, "events.json", lambda d: d[0].update(start=2019)),
    "a BCE date": lambda f: _edit(f, "events.json", lambda d: d[0].update(start="-0500", end="-0258")),
    "inferred as a string": lambda f: _edit(f, "events.json", lambda d: d[0].update(inferred="yes")),
    "a NUL and an emoji in texts":
        lambda f: _edit(f, "events.json", lambda d: d[0].update(title="a \u0000 b 😀", summary="\u0000")),
    "an offset as a float": lambda f: _edit(f, "passages.json", lambda d: d[0].update(start=float(d[0]["start"]))),
    "a negative offset": lambda f: _edit(f, "passages.json", lambda d: d[0].update(start=-1)),
    "an empty quote": lambda f: _edit(f, "passages.json", lambda d: d[0].update(quote="")),
    "a quote given without offsets":
        lambda f: _edit(f, "passages.json", lambda d: (d[0].pop("start"), d[0].pop("end"))),
    "a duplicate id": lambda f: _edit(f, "events.json", lambda d: d.append(dict(d[0]))),
    "the list wrapped in an object": lambda f: _edit(f, "events.json", lambda d: None) or
        (f / "events.json").write_text(json.dumps({"events": json.loads((f / "events.json").read_text())}),
                                       encoding="utf-8"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_quick_path_loads_what_pydantic_loads(tmp_path, case):
    folder = tmp_path / "c"
    shutil.copytree(DATA, folder)
    CASES[case](folder)
    _same(*_both_ways(folder))


def test_a_large_list_is_decoded_in_pieces_as_it_is_whole(tmp_path, monkeypatch):
    """Pieces of a few hundred bytes: the cuts fall between items, a quote with ``},\\n{`` written in it
    (escaped, as JSON must) is not cut, and the rows are those of one decode of the whole."""
    from explorer.core.synth import generate

    folder = tmp_path / "s"
    generate(folder, events=300, documents=4, seed=3)
    _edit(folder, "events.json", lambda d: d[5].update(title="a },\n{ b"))
    monkeypatch.setattr(load_module, "PIECE_BYTES", 300)
    _same(*_both_ways(folder))
    row, decoder, _ = load_module._rows_decoder(Event)
    raw = (folder / "events.json").read_bytes()
    assert load_module._decode_in_pieces(decoder, raw) == decoder.decode(raw)
