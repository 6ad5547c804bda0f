"""The loader's messages, word for word, on corpora written by hand: passages given by their quote alone,
one line per cause (not one per follow-on), and messages that say what was meant."""

import json

import pytest

from conftest import MINI_TEXT, anchored_passage, write_corpus_folder, write_mini_corpus
from explorer.core import load_corpus
from explorer.core.io.dump import corpus_to_dict
from explorer.core.io.load import skipped_summary
from explorer.core.model import Passage


def _edit(folder, name, change):
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _problems(folder):
    corpus = load_corpus(folder)
    return corpus, [str(p) for p in corpus.problems]


@pytest.fixture()
def mini(tmp_path):
    return write_mini_corpus(tmp_path / "mini")


def _one_document(tmp_path, data: bytes, passages: list[dict]):
    """A corpus of one document (``data`` as its file's bytes), the passages, and one event per passage."""
    root = tmp_path / "one"
    events = [{"id": f"ev-{i}", "title": "E", "start": "2000", "passages": [p["id"]]} for i, p in enumerate(passages)]
    write_corpus_folder(root, {}, {"documents.json": [{"id": "doc", "title": "D", "file": "d.txt"}],
                                   "passages.json": passages, "events.json": events})
    (root / "d.txt").write_bytes(data)
    return root


def _no_offsets(data):
    for p in data:
        del p["start"], p["end"]


# -- passages given by their quote alone ----------------------------------------------------------------------

def test_a_passage_given_by_its_quote_alone_is_anchored_where_it_occurs(mini):
    _edit(mini, "passages.json", _no_offsets)
    corpus, problems = _problems(mini)
    assert problems == [] and corpus.skipped == {}
    for p in corpus.passages:
        assert type(p.start) is int and type(p.end) is int
        assert MINI_TEXT[p.start:p.end] == p.quote and p.start == MINI_TEXT.index(p.quote)
    p = corpus.get("p-opened")
    assert p.prefix.endswith("1988. ") and p.suffix.startswith("\nLi Wei")
    dumped = corpus_to_dict(corpus)["passages"][1]
    assert (dumped["start"], dumped["end"]) == (p.start, p.end)
    assert p.model_copy(update={"quote": "x"}).start == p.start  # copies keep the offsets


def test_the_model_accepts_a_passage_without_offsets_but_the_loader_never_returns_one():
    p = Passage(id="p", document="d", quote="q")
    assert p.start is None and p.end is None


@pytest.mark.parametrize("drop", ["start", "end"])
def test_one_offset_is_enough_when_it_is_right(mini, drop):
    _edit(mini, "passages.json", lambda d: d[1].pop(drop))
    corpus, problems = _problems(mini)
    assert problems == []
    p = corpus.get("p-opened")
    assert MINI_TEXT[p.start:p.end] == "It opened in April 2020."


def test_an_ambiguous_quote_alone_says_how_often_it_occurs(mini):
    _edit(mini, "passages.json", lambda d: (_no_offsets(d), d[3].update(quote="rade")))
    corpus, problems = _problems(mini)
    assert problems == [
        "passages.json: [3].quote: quote of passage p-trade occurs 2 times in docs/a.txt; give start and end, "
        "or a longer quote, to say which one; passage skipped",
        "entities.json: file: 1 reference to skipped passages was dropped",
        "events.json: file: 1 reference to skipped passages was dropped"]
    assert corpus.get("p-trade") is None and corpus.skipped == {"passages": 1}


def test_a_quote_alone_that_is_not_in_the_text(mini):
    _edit(mini, "passages.json", lambda d: (_no_offsets(d), d[1].update(quote="It closed in May 2020.")))
    corpus, problems = _problems(mini)
    assert problems[0] == "passages.json: [1].quote: quote of passage p-opened not found in docs/a.txt; passage skipped"
    assert problems[1:] == ["events.json: file: 1 reference to skipped passages was dropped"]


def test_wrong_offsets_and_an_ambiguous_quote_say_how_often(mini):
    _edit(mini, "passages.json", lambda d: d[3].update(quote="rade", start=0, end=4))
    corpus, problems = _problems(mini)
    assert problems[0] == ("passages.json: [3].start: offsets 0–4 of passage p-trade do not match its quote, which "
                           "occurs more than once (2 times) in docs/a.txt; passage skipped")


def test_end_before_start_is_one_line_with_the_re_anchoring(mini):
    _edit(mini, "passages.json", lambda d: d[1].update(start=40, end=10))
    corpus, problems = _problems(mini)
    p = corpus.get("p-opened")
    assert problems == [f"passages.json: [1].start: offsets 40–10 of passage p-opened do not match its quote; "
                        f"re-anchored by the quote to {p.start}–{p.end}"]


# -- a file that cannot be read: one line, and one per file that refers into it -------------------------------

@pytest.mark.parametrize("text, message", [
    ('[{"id": "ev-a", "title": "A", "start": "2000"},\n]',
     "line 1, column 47: malformed JSON: a trailing comma before ]; remove the comma after the last item"),
    ('[{"id": "ev-a", "title": "A", "start": "2000",\n}]',
     "line 1, column 46: malformed JSON: a trailing comma before }; remove the comma after the last field"),
    ('[{"id": "ev-a", "title": "A", "start": "2000"}\n {"id": "ev-b"}]',
     "line 2, column 2: malformed JSON: a comma is missing between two items"),
    ('[{"id": "ev-a", "title": "A"\n "start": "2000"}]',
     "line 2, column 2: malformed JSON: a comma is missing between two fields"),
    ("[{'id': 'ev-a'}]", "line 1, column 3: malformed JSON: single quotes ('); JSON strings need double quotes (\")"),
    ('[{"id": "ev-a", "title": "A\n, "start": "2000"}]',
     'line 1, column 28: malformed JSON: a string is not closed (a " is missing before the end of the line)'),
    ('[{"id": "ev-a", "title": "A}]', 'line 1, column 26: malformed JSON: a string is not closed (a " is missing)'),
    ('[{"id": "ev-a", "title": "A", "start": "2000"}, {"id": "ev-b", "ti',
     "line 1, column 67: malformed JSON: the file ends before the list is closed (is it truncated?)"),
    ('[{"id": "ev-a", "title": "A", "start": "2000"},\n',
     "line 2, column 1: malformed JSON: the file ends before the list is closed (is it truncated?)"),
    ('[{"id": "ev-a", "inferred": True}]',
     "line 1, column 29: malformed JSON: write true, false and null in lower case"),
    ('[// the events\n]', "line 1, column 2: malformed JSON: comments are not allowed in JSON"),
    ('[{"id": "ev-a",, "title": "A"}]', "line 1, column 16: malformed JSON: two commas in a row"),
    ('[{“id”: "ev-a"}]', 'line 1, column 3: malformed JSON: curly quotes (“); JSON strings need straight double '
                        'quotes (")'),
    ('[]\n[]', "line 2, column 1: malformed JSON: more text after the end of the list (only one list per file)"),
])
def test_malformed_json_is_one_line_naming_the_likely_cause(mini, text, message):
    (mini / "events.json").write_text(text, encoding="utf-8")
    corpus, problems = _problems(mini)
    assert problems == [f"events.json: {message}"]
    assert corpus.events == [] and len(corpus.passages) == 4


def test_a_broken_passages_file_is_one_line_and_one_count_per_file_that_refers_into_it(mini):
    (mini / "passages.json").write_text('[\n {"id": "p-proposed", "document": "doc-a", "quote": "The bridge"},\n]',
                                        encoding="utf-8")
    corpus, problems = _problems(mini)
    # a count per referring file (not per reference, and no "no passage as evidence"): a tool that writes the
    # loaded corpus back can tell which files did not load whole
    assert problems == [
        "passages.json: line 2, column 66: malformed JSON: a trailing comma before ]; remove the comma after the "
        "last item",
        "themes.json: file: 1 reference into passages.json was not checked because that file could not be read",
        "entities.json: file: 2 references into passages.json were not checked because that file could not be read",
        "experts.json: file: 2 references into passages.json were not checked because that file could not be read",
        "events.json: file: 3 references into passages.json were not checked because that file could not be read",
        "relationships.json: file: 1 reference into passages.json was not checked because that file could not be "
        "read"]
    assert len(corpus.events) == 3 and corpus.get("ev-trade").passages == []


def test_a_json_file_that_is_not_a_list_is_one_line_too(mini):
    (mini / "themes.json").write_text('{"id": "theme-infra"}', encoding="utf-8")
    corpus, problems = _problems(mini)
    assert problems == ["themes.json: file: expected a JSON list of objects, found dict",
                        "events.json: file: 2 references into themes.json were not checked because that file could "
                        "not be read"]


def test_a_missing_optional_file_is_named_once_per_file_that_refers_to_it(mini, tmp_path):
    (mini / "themes.json").unlink()
    corpus, problems = _problems(mini)
    assert problems == ["events.json: file: themes.json is missing; 2 items refer to themes"]
    assert corpus.get("ev-proposed").themes == []
    mini = write_mini_corpus(tmp_path / "other")
    (mini / "passages.json").unlink()
    corpus, problems = _problems(mini)
    assert problems == ["themes.json: file: passages.json is missing; 1 item refers to passages",
                        "entities.json: file: passages.json is missing; 2 items refer to passages",
                        "experts.json: file: passages.json is missing; 1 item refers to passages",
                        "events.json: file: passages.json is missing; 3 items refer to passages",
                        "relationships.json: file: passages.json is missing; 1 item refers to passages"]


def test_absent_optional_files_that_nothing_refers_to_are_fine(mini):
    (mini / "relationships.json").unlink()
    (mini / "corpus.json").unlink()
    assert _problems(mini)[1] == []


def test_a_missing_documents_list(mini):
    (mini / "documents.json").unlink()
    corpus, problems = _problems(mini)
    assert problems[:2] == [
        "documents.json: file: the file is missing; a corpus needs a list of its documents",
        "passages.json: file: 4 references into documents.json were not checked because that file is missing"]
    assert "events.json: file: 3 references to skipped passages were dropped" in problems
    assert len(problems) == 7 and corpus.skipped == {"passages": 4}


def test_a_skipped_document_takes_its_passages_with_it_in_one_line(mini):
    (mini / "docs" / "a.txt").unlink()
    corpus, problems = _problems(mini)
    assert problems[:2] == ["documents.json: [0].file: 'docs/a.txt' does not exist; document doc-a skipped",
                            "passages.json: file: 4 passages in skipped documents were skipped too"]
    assert not any("unknown" in p or "no passage" in p for p in problems)


def test_a_skipped_entity_takes_its_relationships_with_it(mini):
    _edit(mini, "entities.json", lambda d: d[1].update(kind="nation"))
    corpus, problems = _problems(mini)
    assert problems == [
        'entities.json: [1].kind: "nation" is not one of country, person, organisation, project, agreement, place, '
        "event, group in ent-china; item skipped",
        "relationships.json: file: 1 relationship skipped because an entity or expert it links did not load"]
    assert corpus.skipped == {"entities": 1, "relationships": 1}


# -- offsets that are all off for one reason: one line, passages re-anchored ------------------------------------

_TEXT = ("Line one is here.\nThe bridge — the “new” one — opened.\nIt's a ‘test’ of 2020–2021.\n"
         "Café Zürich 李伟 spoke.\nLast line.\n")
_QUOTES = ["Line one is here.", "The bridge — the “new” one — opened.", "It's a ‘test’ of 2020–2021.",
           "Café Zürich 李伟 spoke.", "Last line."]


def _anchored_everywhere(corpus):
    text = corpus.documents[0].text
    return len(corpus.passages) == len(_QUOTES) and all(text[p.start:p.end] == p.quote for p in corpus.passages)


def test_offsets_that_do_not_count_crlf_line_endings_are_one_line(tmp_path):
    passages = [anchored_passage(f"p{i}", "doc", _TEXT, q) for i, q in enumerate(_QUOTES)]
    corpus, problems = _problems(_one_document(tmp_path, _TEXT.replace("\n", "\r\n").encode(), passages))
    assert problems == ["passages.json: file: the offsets of 4 passages in d.txt do not count the \\r of its CRLF "
                        "(Windows) line endings; each passage re-anchored by the quote"]
    assert _anchored_everywhere(corpus)


def test_offsets_that_count_a_byte_order_mark_are_one_line(tmp_path):
    with_bom = "\ufeff" + _TEXT
    passages = [anchored_passage(f"p{i}", "doc", with_bom, q) for i, q in enumerate(_QUOTES)]
    corpus, problems = _problems(_one_document(tmp_path, with_bom.encode(), passages))
    assert problems == ["passages.json: file: the offsets of 5 passages in d.txt count its byte-order mark, which is "
                        "not part of the text; each passage re-anchored by the quote"]
    assert _anchored_everywhere(corpus)


def test_utf8_byte_offsets_are_one_line(tmp_path):
    data = _TEXT.encode()
    passages = [{"id": f"p{i}", "document": "doc", "start": data.index(q.encode()),
                 "end": data.index(q.encode()) + len(q.encode()), "quote": q} for i, q in enumerate(_QUOTES)]
    corpus, problems = _problems(_one_document(tmp_path, data, passages))
    assert problems == ["passages.json: file: the offsets of 4 passages in d.txt are UTF-8 byte offsets, not "
                        "character offsets; each passage re-anchored by the quote"]
    assert _anchored_everywhere(corpus)


def test_one_wrong_offset_among_right_ones_is_not_blamed_on_the_line_endings(tmp_path):
    crlf = _TEXT.replace("\n", "\r\n")
    passages = [anchored_passage(f"p{i}", "doc", crlf, q) for i, q in enumerate(_QUOTES)]
    passages[4].update(start=0, end=3)
    corpus, problems = _problems(_one_document(tmp_path, crlf.encode(), passages))
    start = crlf.index("Last line.")
    assert problems == [f"passages.json: [4].start: offsets 0–3 of passage p4 do not match its quote; re-anchored "
                        f"by the quote to {start}–{start + 10}"]


# -- quotes that differ from the text only by typography: anchored with the text's characters -------------------

def test_straight_quotes_for_curly_ones_are_named_and_anchored_with_the_texts_characters(tmp_path):
    passages = [{"id": "p1", "document": "doc", "quote": 'the "new" one'}]
    corpus, problems = _problems(_one_document(tmp_path, _TEXT.encode(), passages))
    assert problems == ["passages.json: [0].quote: the quote uses straight quotes (\") where the text has curly "
                        "ones (“”); passage p1 anchored with the text's characters"]
    p = corpus.get("p1")
    assert p.quote == "the “new” one" and _TEXT[p.start:p.end] == p.quote


def test_the_same_difference_in_several_passages_is_one_line(tmp_path):
    quotes = ["The bridge — the “new” one — opened.", "It's a ‘test’ of 2020–2021."]
    passages = [anchored_passage(f"p{i}", "doc", _TEXT, q) for i, q in enumerate(quotes)]
    for p in passages:
        p["quote"] = p["quote"].replace("—", "-").replace("–", "-")
    corpus, problems = _problems(_one_document(tmp_path, _TEXT.encode(), passages))
    assert problems == ["passages.json: [0].quote: the quotes of 2 passages in d.txt (p0, p1) use a hyphen (-) where "
                        "the text has a dash (—–); anchored with the text's characters"]
    assert [p.quote for p in corpus.passages] == quotes


def test_curly_quotes_and_a_dash_for_straight_ones(tmp_path):
    text = 'He said "yes" - twice.\n'
    passages = [{"id": "p1", "document": "doc", "quote": "said “yes” — twice"}]
    corpus, problems = _problems(_one_document(tmp_path, text.encode(), passages))
    assert problems == ["passages.json: [0].quote: the quote uses curly quotes (“”) where the text has straight ones "
                        "(\") and a dash (—) where the text has a hyphen (-); passage p1 anchored with the text's "
                        "characters"]
    assert corpus.get("p1").quote == 'said "yes" - twice'


def test_a_quote_with_newlines_in_a_crlf_document(tmp_path):
    passages = [{"id": "p1", "document": "doc", "quote": "here.\nThe bridge"}]
    corpus, problems = _problems(_one_document(tmp_path, _TEXT.replace("\n", "\r\n").encode(), passages))
    assert problems == ["passages.json: [0].quote: the quote uses \\n line breaks where the text has \\r\\n (CRLF); "
                        "passage p1 anchored with the text's characters"]
    assert corpus.get("p1").quote == "here.\r\nThe bridge"


# -- say what was meant ---------------------------------------------------------------------------------------

def test_a_reference_to_an_id_of_the_wrong_kind_says_what_it_is(mini):
    _edit(mini, "experts.json", lambda d: d[0].update(organisation="ex-liwei"))
    _edit(mini, "events.json", lambda d: d[0].update(themes=["ent-bridge"], actors=["p-opened"]))
    _edit(mini, "relationships.json", lambda d: d[0].update(target="theme-infra"))
    _edit(mini, "passages.json", lambda d: d[3].update(document="p-opened"))
    corpus, problems = _problems(mini)
    assert problems == [
        "passages.json: [3].document: p-opened is a passage, not a document; passage p-trade skipped",
        "experts.json: [0].organisation: ex-liwei is an expert, not an entity (in ex-liwei)",
        "events.json: [0].themes[0]: ent-bridge is an entity, not a theme (in ev-proposed)",
        "events.json: [0].actors[0]: p-opened is a passage, not an entity or expert (in ev-proposed)",
        "relationships.json: [0].target: theme-infra is a theme, not an entity or expert (in rel-builds); "
        "relationship skipped",
        "entities.json: file: 1 reference to skipped passages was dropped",
        "events.json: file: 1 reference to skipped passages was dropped"]


def test_a_lost_only_evidence_is_said_on_the_same_line(mini):
    _edit(mini, "events.json", lambda d: d[0].update(passages=["ev-opened"]))
    _edit(mini, "themes.json", lambda d: d[0].update(passages=["p-propsed"]))
    corpus, problems = _problems(mini)
    assert problems == [
        "themes.json: [0].passages[0]: theme-infra refers to unknown passage 'p-propsed' (did you mean "
        "'p-proposed'?); theme-infra has no other passage as evidence",
        "events.json: [0].passages[0]: ev-opened is an event, not a passage (in ev-proposed); ev-proposed has no "
        "other passage as evidence"]


def test_an_unknown_id_suggests_the_nearest_one(mini):
    _edit(mini, "events.json", lambda d: d[0].update(actors=["ent-bridgee"]))
    assert _problems(mini)[1] == ["events.json: [0].actors[0]: ev-proposed refers to unknown actor 'ent-bridgee' "
                                  "(did you mean 'ent-bridge'?)"]


def test_an_unknown_field_suggests_the_nearest_known_one(mini):
    _edit(mini, "events.json", lambda d: d[0].update(actor=d[0].pop("actors")))
    _edit(mini, "experts.json", lambda d: d[0]["positions"][0].update(txt="x"))
    corpus, problems = _problems(mini)
    assert problems == [
        "experts.json: [0].positions[0].txt: Unknown field 'txt' (did you mean 'text'?) in ex-liwei; item skipped",
        "events.json: [0].actor: Unknown field 'actor' (did you mean 'actors'?) in ev-proposed; item skipped",
        "events.json: file: 1 reference to skipped experts was dropped"]


def test_a_misspelt_required_field_is_one_problem(mini):
    _edit(mini, "events.json", lambda d: d[0].update(titel=d[0].pop("title")))
    assert _problems(mini)[1] == ["events.json: [0].titel: Unknown field 'titel' (did you mean 'title'?) in "
                                  "ev-proposed; item skipped"]


def test_a_misspelt_value_of_a_fixed_list(mini):
    _edit(mini, "entities.json", lambda d: d[0].update(kind="organization"))
    assert _problems(mini)[1][0] == (
        'entities.json: [0].kind: "organization" is not one of country, person, organisation, project, agreement, '
        "place, event, group (did you mean 'organisation'?) in ent-bridge; item skipped")


@pytest.mark.parametrize("value, message", [
    ("1998-8-15", "'1998-8-15' is not a date (write dates as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1998-08-15)"),
    ("15 August 1998", "'15 August 1998' is not a date (write dates as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1998-08-15)"),
    ("Aug 1998", "'Aug 1998' is not a date (write dates as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1998-08)"),
    ("sometime", "'sometime' is not a date (write dates as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 1998, 1998-08 or "
                 "1998-08-15)"),
    (1998, 'A date is a string in quotes (write "1998", not 1998)'),
])
def test_a_malformed_date_gets_an_example_of_the_right_form(mini, value, message):
    _edit(mini, "events.json", lambda d: d[0].update(start=value))
    assert _problems(mini)[1] == [f"events.json: [0].start: {message} in ev-proposed; item skipped"]


@pytest.mark.parametrize("value, shown", [("yes", '"yes"'), (1, "1"), ("true", '"true"')])
def test_inferred_must_be_a_json_boolean(mini, value, shown):
    _edit(mini, "events.json", lambda d: d[1].update(inferred=value))
    _edit(mini, "relationships.json", lambda d: d[0].update(inferred=value))
    corpus, problems = _problems(mini)
    assert problems == [
        f"events.json: [1].inferred: Must be true or false (without quotes), not {shown} in ev-opened; item skipped",
        f"relationships.json: [0].inferred: Must be true or false (without quotes), not {shown} in rel-builds; "
        f"item skipped"]
    assert corpus.skipped == {"events": 1, "relationships": 1}


def test_date_inferred_must_be_a_json_boolean(mini):
    _edit(mini, "documents.json", lambda d: d[0].update(date_inferred="yes"))
    assert _problems(mini)[1][0] == ('documents.json: [0].date_inferred: Must be true or false (without quotes), not '
                                     '"yes" in doc-a; item skipped')


@pytest.mark.parametrize("value, message", [
    (["2018", "1968"], 'The time range ["2018", "1968"] ends before it starts; write the earlier date first: '
                       '["1968", "2018"]'),
    (["1988"], 'A time range is two dates, the first and the last, e.g. ["1988", "2022"], not one date'),
    (["1988", "2000", "2022"], 'A time range is two dates, the first and the last, e.g. ["1988", "2022"], not three '
                               'dates'),
    ("1988-2022", 'A time range is a list of two dates, the first and the last, e.g. ["1988", "2022"], not a string'),
])
def test_a_bad_time_range_is_ignored_with_an_example(mini, value, message):
    _edit(mini, "corpus.json", lambda d: d.update(time_range=value))
    corpus, problems = _problems(mini)
    assert problems == [f"corpus.json: .time_range: {message}; it is ignored"]
    assert corpus.info.time_range is None and corpus.info.title == "Mini"  # the rest of corpus.json loads


def test_a_good_time_range_loads(mini):
    _edit(mini, "corpus.json", lambda d: d.update(time_range=["1988", "2022"]))
    corpus, problems = _problems(mini)
    assert problems == [] and [str(d) for d in corpus.info.time_range] == ["1988", "2022"]


def test_an_unknown_field_in_corpus_json_is_ignored(mini):
    _edit(mini, "corpus.json", lambda d: d.update(credit="me"))
    corpus, problems = _problems(mini)
    assert problems == ["corpus.json: .credit: Unknown field 'credit' (did you mean 'credits'?); it is ignored"]
    assert corpus.info.title == "Mini"


def test_patterns_are_said_in_plain_words(mini):
    _edit(mini, "themes.json", lambda d: d[0].update(color="4fa36b"))
    _edit(mini, "entities.json", lambda d: d[0].update(id="the bridge"))
    corpus, problems = _problems(mini)
    assert problems[:2] == [
        "themes.json: [0].color: '4fa36b' is not a colour (a colour is #rrggbb, e.g. #4fa36b) in theme-infra; "
        "item skipped",
        "entities.json: [0].id: 'the bridge' is not an id (an id is letters, digits and . _ : - and starts with a "
        "letter or digit); item skipped"]


# -- the summary counts what was skipped ----------------------------------------------------------------------

def test_skipped_items_are_counted_by_kind(mini):
    _edit(mini, "passages.json", lambda d: (d[1].update(quote="Not there."), d[3].update(document="nowhere")))
    _edit(mini, "events.json", lambda d: d[0].update(start="1988-13"))
    corpus, problems = _problems(mini)
    assert corpus.skipped == {"passages": 2, "events": 1}
    assert skipped_summary(corpus) == "skipped: 2 passages, 1 event"


def test_nothing_skipped(mini):
    corpus = load_corpus(mini)
    assert corpus.skipped == {} and skipped_summary(corpus) == ""


def test_duplicates_count_as_skipped(mini):
    _edit(mini, "entities.json", lambda d: d.append(dict(d[0])))
    assert skipped_summary(load_corpus(mini)) == "skipped: 1 entity"


# -- never a traceback ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, content", [
    ("passages.json", '{"passages": "x"}'), ("passages.json", "[null, 3, []]"), ("events.json", '[{"id": 3}]'),
    ("events.json", '[{"id": "e", "title": "t", "start": null, "passages": [null]}]'),
    ("experts.json", '[{"id": "x", "name": "n", "positions": ["text"]}]'), ("corpus.json", "[1, 2]"),
    ("corpus.json", '{"time_range": [null, {}]}'), ("passages.json", '[{"id": "p", "document": "doc-a", "quote": ""}]'),
    ("passages.json", '[{"id": "p", "document": "doc-a", "quote": "x", "start": 1e400}]'),
    ("passages.json", '[{"id": "p", "document": "doc-a", "quote": "bridge", "start": 99999}]'),
    ("passages.json", '[{"id": "p", "document": "doc-a", "quote": "bridge", "end": 2}]'),
    ("documents.json", '[{"id": "doc-a", "title": "A", "file": "docs/a.txt", "date": "2021-02-30"}]'),
    ("events.json", "\ufeff\ufeff[]"), ("themes.json", "[" * 5000), ("entities.json", '"\\ud800"'),
])
def test_odd_input_never_raises(mini, name, content):
    (mini / name).write_text(content, encoding="utf-8", errors="surrogatepass")
    corpus, problems = _problems(mini)
    assert all(isinstance(p, str) and ": " in p for p in problems)
    for p in corpus.passages:
        assert type(p.start) is int and corpus.get(p.document).text[p.start:p.end] == p.quote


def test_one_offset_that_is_wrong_is_named_as_the_one_given(mini):
    _edit(mini, "passages.json", lambda d: (d[1].pop("start"), d[1].update(end=5)))
    corpus, problems = _problems(mini)
    p = corpus.get("p-opened")
    assert problems == [f"passages.json: [1].end: end 5 of passage p-opened does not match its quote; re-anchored "
                        f"by the quote to {p.start}–{p.end}"]
