"""Event sheets row by row (the reader's fast paths: cells read by index from a padded row, each distinct
date and precision pair parsed once, names looked up once) and the import's bulk preparation (passages and
events checked by the model directly, a command only for one it refuses): every row shape, every refusal
named, the rest imported, one undo step."""

from __future__ import annotations

import csv

from explorer.core import Workspace
from explorer.core.corpus import Corpus
from explorer.core.interop import apply_plan, read_file
from explorer.core.interop.common import ImportPlan, PDocument, PEntity, PEvent, PSpan, PTheme, prepare
from explorer.core.model.dates import PartialDate
from explorer.core.model.types import Entity


def _csv(tmp_path, rows, name="events.csv"):
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_every_row_shape_and_each_bad_row_named(tmp_path):
    path = _csv(tmp_path, [
        ["Date", "Title", "Actors", "Precision", "Notes"],
        ["2020-04-05", "Full row", "China; china | Russia", "", "First notes"],  # row 2
        ["2019", "Short row"],  # row 3: the missing cells read as empty
        ["2018", "Long row", "Gazprom", "", "", "extra", ""],  # row 4: said, and imported
        ["2017", "Empty extras", "", "", "", "", ""],  # row 5: empty extra cells are nothing to say
        [],  # row 6
        ["  ", " ", "", "", ""],  # row 7: blank
        ["sometime", "Vague", "", "", ""],  # row 8
        ["sometime", "Vague again", "", "", ""],  # row 9: the same refusal, its own line
        ["2020-04-05", "Same day, month precision", "", "month", ""],  # row 10
        ["2020-04-05", "Same day, day precision", "", "day", ""],  # row 11
        ["2020-04-05", "Same day again", "", "", ""],  # row 12
        ["2020-04-05", "Odd precision", "", "weird", ""],  # row 13
        ["2021", "", "", "", ""],  # row 14: no title and no text
        ["2021", "", "", "", "Notes make the title\nsecond line"],  # row 15
    ])
    plan = read_file(path)
    assert [str(p) for p in plan.problems] == [
        "events.csv: row 4: 7 cells but the header has 5 columns; the extra cells are ignored",
        "events.csv: row 8: Date: 'sometime' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD, or dd-mm-yyyy); "
        "the row is left out",
        "events.csv: row 9: Date: 'sometime' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD, or dd-mm-yyyy); "
        "the row is left out",
        "events.csv: row 13: precision 'weird' is not year, month or day; the row is left out",
        "events.csv: row 14: no title (and no text to make one from); the row is left out",
    ]
    got = [(e.title, str(e.start), e.provenance) for e in plan.events]
    assert got == [("Full row", "2020-04-05", "events.csv row 2"), ("Short row", "2019", "events.csv row 3"),
                   ("Long row", "2018", "events.csv row 4"), ("Empty extras", "2017", "events.csv row 5"),
                   ("Same day, month precision", "2020-04", "events.csv row 10"),
                   ("Same day, day precision", "2020-04-05", "events.csv row 11"),
                   ("Same day again", "2020-04-05", "events.csv row 12"),
                   ("Notes make the title", "2021", "events.csv row 15")]
    full = plan.events[0]
    # 'China' and 'china' are one entity; the names of a cell split on ; and |
    assert full.actors == ["e:china", "e:china", "e:russia"]
    assert {k: e.name for k, e in plan.entities.items()} == {"e:china": "China", "e:russia": "Russia",
                                                             "e:gazprom": "Gazprom"}
    assert full.summary == "First notes" and plan.events[-1].summary == "Notes make the title\nsecond line"
    # each row's block of the document is its passage
    text = plan.documents[0].text
    assert text[full.span.start:full.span.end] == \
        "Row 2: Full row\n5 April 2020\nFirst notes\nActors: China; china; Russia"
    short = plan.events[1]
    assert text[short.span.start:short.span.end] == "Row 3: Short row\n2019"
    assert text.endswith("Row 15: Notes make the title\n2021\nNotes make the title\nsecond line\n")
    # the import: the two spellings of China are one id, and the existing China is the one
    c = Corpus(root=tmp_path / "c", entities=[Entity(id="ent-china", name="China", kind="country")])
    ws = Workspace(c)
    result = apply_plan(ws, plan)
    events = {e.title: e for e in ws.corpus.events}
    assert events["Full row"].actors == ["ent-china", "ent-russia"]
    assert [ws.corpus.get(p).quote for p in events["Short row"].passages] == ["Row 3: Short row\n2019"]
    assert result.count("event") == 8 and result.count("passage") == 8 and result.merged == 1
    assert sorted(e.name for e in ws.corpus.entities) == ["China", "Gazprom", "Russia"]


def test_acled_rows(tmp_path):
    path = _csv(tmp_path, [
        ["event_date", "time_precision", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2",
         "location", "source", "notes"],
        ["2016-03-15", "1", "Battles", "Armed clash", "Group A", "Group B; Group A", "Group b", "Aleppo",
         "Reuters; AFP", "A clash."],
        ["2016-03-15", "2", "Battles", "", "Group A", "", "", "Aleppo", "", ""],
        ["2016-03-15", "3", "Protests", "Peaceful protest", "", "", "Group C", "", "BBC", "March."],
        ["15-03-2016", "1", "Riots", "Mob violence", "Group C", "", "", "Gao", "", "Day first."],
    ])
    plan = read_file(path)
    assert not plan.problems
    assert [n for n in plan.notes if "ACLED" in n]
    ev = plan.events
    assert [e.title for e in ev] == ["Armed clash — Aleppo", "Battles — Aleppo", "Peaceful protest",
                                     "Mob violence — Gao"]
    assert [str(e.start) for e in ev] == ["2016-03-15", "2016-03-15", "2016-03", "2016-03-15"]
    assert ev[0].date_text is None
    assert ev[1].date_text == "the week of 15 March 2016 (ACLED time precision 2: a specific week)"
    assert ev[2].date_text == "March 2016 (ACLED time precision 3)"
    assert ev[0].actors == ["e:group a", "e:group b", "e:group b"]  # 'Group b' is Group B by name
    assert ev[0].themes == ["t:battles"] and ev[2].themes == ["t:protests"]
    assert {e.kind for e in plan.entities.values()} == {"group"}
    assert ev[0].summary == "A clash."
    text = plan.documents[0].text
    assert text[ev[0].span.start:ev[0].span.end] == \
        "Row 2: Armed clash — Aleppo\n15 March 2016\nA clash.\nSource: Reuters; AFP"
    assert text[ev[2].span.start:ev[2].span.end] == "Row 4: Peaceful protest\nMarch 2016\nMarch.\nSource: BBC"
    # an entity's and a theme's evidence: the blocks of the first rows that name it
    assert plan.entities["e:group a"].spans == [ev[0].span, ev[1].span]
    assert plan.themes["t:battles"].spans == [ev[0].span, ev[1].span]


def test_end_dates_and_their_precision(tmp_path):
    path = _csv(tmp_path, [
        ["Start", "End", "end_precision", "Title"],
        ["2001-09", "2001-09", "", "Same as the start"],
        ["2001", "2003-05-02", "year", "To a year"],
        ["2005", "2001", "", "Backwards"],
        ["2005", "then", "", "Bad end"],
        ["2001-09-11T10:30", "", "", "With a time"],
    ])
    plan = read_file(path)
    assert [str(p) for p in plan.problems] == [
        "events.csv: row 4: End: the end (2001) is before the start (2005); kept as a point",
        "events.csv: row 5: 'then' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD, or dd-mm-yyyy); "
        "the row is left out",
    ]
    got = [(e.title, str(e.start), str(e.end) if e.end else None, e.date_text) for e in plan.events]
    assert got == [("Same as the start", "2001-09", None, None), ("To a year", "2001", "2003", None),
                   ("Backwards", "2005", None, None), ("With a time", "2001-09-11", None, "2001-09-11 10:30")]


def _plan(tmp_path) -> ImportPlan:
    """A plan by hand, with what a reader would not write: an entity of an unknown kind, an event with an
    empty title, a span outside its document."""
    plan = ImportPlan(tmp_path / "hand.csv", "csv")
    text = "First block.\n\nSecond block.\n"
    plan.documents.append(PDocument("doc", "hand.csv (imported events)", text))
    a, b, far = PSpan(0, 12, "doc"), PSpan(14, 27, "doc"), PSpan(20, 400, "doc")
    plan.themes["t:talks"] = PTheme("t:talks", "Talks", spans=[a])
    plan.entities["e:bad"] = PEntity("e:bad", "Bad kind", kind="spaceship", spans=[a])
    plan.entities["e:good"] = PEntity("e:good", "Good", spans=[b])
    plan.events.append(PEvent("Kept", PartialDate(2001), themes=["t:talks"], actors=["e:bad", "e:good"], span=a))
    plan.events.append(PEvent("", PartialDate(2002), span=b))
    plan.events.append(PEvent("Beyond the text", PartialDate(2003), actors=["e:good"], span=far))
    return plan


def test_what_the_model_refuses_is_a_problem_and_the_rest_imports(tmp_path):
    ws = Workspace(Corpus(root=tmp_path / "c"))
    prepared = prepare(ws.corpus, _plan(tmp_path))
    problems = [str(p) for p in prepared.result.problems]
    assert len(problems) == 3, problems
    assert problems[0].startswith("hand.csv: p-hand-csv-imported-events-3: ") and "is not a range of" in problems[0]
    assert problems[1].startswith("hand.csv: Bad kind: an entity ent-bad-kind: kind: ")
    assert problems[2].startswith("hand.csv: ev-event: an event ev-event: title: ")
    # the preview counts what the commands were made for (as before); the result what was added
    assert len(prepared.result.ids["event"]) == 3
    result_before = {k: list(v) for k, v in prepared.result.ids.items()}
    result = prepared.result
    from explorer.core.interop.common import apply_prepared

    apply_prepared(ws, prepared)
    corpus = ws.corpus
    assert sorted(e.title for e in corpus.events) == ["Beyond the text", "Kept"]
    kept = next(e for e in corpus.events if e.title == "Kept")
    assert kept.actors == ["ent-good"] and kept.themes == ["theme-talks"]  # the refused entity left out
    beyond = next(e for e in corpus.events if e.title == "Beyond the text")
    assert beyond.passages == [] and corpus.is_unsupported(beyond.id)  # its passage was refused
    assert result.ids["event"] == [i for i in result_before["event"] if i in corpus]
    assert set(result.ids["entity"]) == {"ent-good"} and len(result.ids["passage"]) == 2
    assert all(i in corpus for ids in result.ids.values() for i in ids)
    assert ws.stack.undo_label() == "Import hand.csv"
    ws.undo()
    assert not list(corpus.events) and not list(corpus.passages) and not list(corpus.entities)


def test_a_reimport_into_the_same_corpus_adds_new_ids(tmp_path):
    path = _csv(tmp_path, [["Date", "Title", "Actors"], ["2001", "Talks", "China"], ["2002", "Talks", "China"]])
    ws = Workspace(Corpus(root=tmp_path / "c"))
    first = apply_plan(ws, read_file(path))
    second = apply_plan(ws, read_file(path))
    assert first.ids["event"] == ["ev-talks", "ev-talks-2"]
    assert second.ids["event"] == ["ev-talks-3", "ev-talks-4"]
    assert second.ids["document"] == ["doc-events-csv-imported-events-2"]
    assert second.merged == 1 and "entity" not in second.ids  # China again: the one already there
    assert len(ws.corpus.events) == 4 and len(ws.corpus.passages) == 4


def test_short_rows_of_explorers_own_sheet(tmp_path):
    """A row of explorer's export cut short after its end date (a hand-edited sheet): the missing cells are
    empty (the reader indexed the end precision's cell past the row: IndexError, and nothing imported)."""
    from explorer.core.interop.spreadsheet import EXPLORER_COLUMNS

    path = _csv(tmp_path, [EXPLORER_COLUMNS,
                           ["ev-a", "Cut short", "", "2001", "2003"],
                           ["ev-b", "Whole", "", "2001-05", "2002", "month", "year", "true", "spring 2001", "", "",
                            "", "", "", "sources disagree"]])
    plan = read_file(path)
    assert not plan.problems and "an events sheet exported by explorer" in plan.notes
    cut, whole = plan.events
    assert (str(cut.start), str(cut.end), cut.date_text, cut.inferred, cut.conflict) == \
        ("2001", "2003", None, False, None)
    assert (str(whole.start), str(whole.end), whole.date_text, whole.inferred, whole.conflict) == \
        ("2001-05", "2002", "spring 2001", True, "sources disagree")


_DATES = ["2020-04", "2019", "2018-07-09", "1999", "2021-02-30", "15-03-2016", "sometime", "", "2001-09-11T10:30",
          "500 BCE", "2020-04-05"]
_PRECISIONS = ["", "year", "month", "day", "weird"]
_NAMES = ["China", "china", "Russia; NATO", " Gazprom ", "A | B | a", "", ";"]
_TEXTS = ["Bridge opens", "", "  ", "line one\nline two", "Ça va", "x" * 120]


def test_random_sheets_every_row_is_an_event_or_a_line_and_the_import_undoes(tmp_path_factory):
    """Random sheets of every shape: each data row is one event (with its row's block as its passage and its
    row as provenance) or is named in a line that leaves it out (blank rows neither); the import applies as
    one step, adds what its result says, and its undo gives the corpus back."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    header = ["Date", "Precision", "Title", "Actors", "Notes"]
    cells = st.tuples(st.sampled_from(_DATES), st.sampled_from(_PRECISIONS), st.sampled_from(_TEXTS),
                      st.sampled_from(_NAMES), st.sampled_from(_TEXTS))
    # a row as written, cut short, with extra cells (empty or not), or blank
    row = st.builds(lambda c, cut, extra: [*c[:cut], *extra], cells, st.sampled_from([5, 5, 5, 5, 4, 3, 2, 0]),
                    st.lists(st.sampled_from(["", "extra"]), max_size=2))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(row, min_size=1, max_size=25))
    def check(rows):
        folder = tmp_path_factory.mktemp("sheet")
        path = _csv(folder, [header, *rows])
        plan = read_file(path)
        text = plan.documents[0].text
        by_row = {int(e.provenance.rsplit(" ", 1)[1]): e for e in plan.events}
        left_out = {int(p.where.split(":")[0].split()[1]) for p in plan.problems if "left out" in p.what}
        for n, cells in enumerate(rows, start=2):
            blank = not any(c.strip() for c in cells)
            assert (n in by_row) + (n in left_out) == (0 if blank else 1), (n, cells)
            if n in by_row:
                ev = by_row[n]
                assert text[ev.span.start:ev.span.end].startswith(f"Row {n}: {ev.title}\n")
        ws = Workspace(Corpus(root=folder / "c"))
        before = ws.corpus.snapshot()
        result = apply_plan(ws, plan)
        assert len(ws.corpus.events) == result.count("event") == len(plan.events)
        for ev in ws.corpus.events:
            assert [ws.corpus.get(p).quote for p in ev.passages][0].startswith("Row ")
        ws.undo()
        assert ws.corpus.snapshot() == before

    check()


def test_lines_and_text_as_the_csv_module_would_read_them():
    """The reader finds a sheet's lines itself (a C call over the whole file held Python's lock for 0.1-0.3 s
    while the window waited) and decodes it a piece at a time: the same lines as StringIO(newline=""), the
    same rows and errors from the csv module, the same text as decoding at once (a character cut by a piece,
    a byte-order mark, cp1252 when it is not UTF-8)."""
    import io
    import random

    from explorer.core.interop.spreadsheet import _LINE, _decode

    rnd = random.Random(7)
    alphabet = ["a", ",", '"', "\r", "\n", "\r\n", "é", "\u2028", "\x0b", "\x1c", " ", "\x85", "中"]

    def rows_of(lines):
        try:
            return list(csv.reader(lines))
        except csv.Error as exc:
            return ("error", str(exc))

    for _ in range(2000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        ours = [m.group() for m in _LINE.finditer(text)]
        assert ours == io.StringIO(text, newline="").readlines(), repr(text)
        assert rows_of(iter(ours)) == rows_of(io.StringIO(text, newline="")), repr(text)
    for n in range(200):
        text = "".join(rnd.choice(["a", "é", "中", "😀", "\n"]) for _ in range(rnd.randint(0, 300)))
        raw = ("\ufeff" if n % 2 else "").encode("utf-8") + text.encode("utf-8")
        assert _decode(raw, piece=7) == raw.decode("utf-8-sig")
        bad = raw + b"\xff" + text.encode("utf-8")
        assert _decode(bad, piece=5) == bad.decode("cp1252", errors="replace")
