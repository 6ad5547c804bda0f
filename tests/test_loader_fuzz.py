"""The loader fed broken corpora, property-based (hypothesis): byte flips and truncations, wrong types at
every field, odd strings (lone surrogates, NUL, control and bidirectional characters, astral ones) and dates,
deep nesting, odd document file names, special files in place of any file. Whatever the folder holds:

- no exception escapes ``load_corpus`` (and nothing waits on a FIFO);
- every problem names one of the corpus's files, and prints as one line as it is;
- what was not broken still loads: a file no problem names loads whole;
- every loaded passage's quote is its document's text at its offsets, and every reference resolves;
- the dump of what loaded is valid UTF-8 JSON.

About 100 examples by default (a few seconds); EXPLORER_FUZZ_EXAMPLES=5000 runs more."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINI_TEXT, write_mini_corpus
from explorer.core.io.dump import corpus_to_json
from explorer.core.io.load import MAX_NESTING, NotACorpusError, load_corpus, printable
from explorer.core.model.types import MODEL_FOR_FILE, CorpusInfo

EXAMPLES = int(os.environ.get("EXPLORER_FUZZ_EXAMPLES", "100"))

_TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="explorer-fuzz-template-"))
_TEMPLATE = write_mini_corpus(_TEMPLATE_DIR / "mini")
#: the valid corpus every example starts from: relative name -> bytes
BASE: dict[str, bytes] = {p.relative_to(_TEMPLATE).as_posix(): p.read_bytes()
                          for p in sorted(_TEMPLATE.rglob("*")) if p.is_file()}
shutil.rmtree(_TEMPLATE_DIR)
TEXT = "docs/a.txt"
JSON_NAMES = ["corpus.json", *MODEL_FOR_FILE]
ALL_NAMES = [*JSON_NAMES, TEXT]
FIELDS = {name: [*model.model_fields, "zzz", "actor", "text", ""] for name, model in MODEL_FOR_FILE.items()}
FIELDS["corpus.json"] = [*CorpusInfo.model_fields, "zzz"]
KIND_OF = {name: model.item_kind for name, model in MODEL_FOR_FILE.items()}  # type: ignore[attr-defined]
ORIGINAL_COUNT = {name: len(json.loads(BASE[name])) for name in MODEL_FOR_FILE}

# -- strategies --------------------------------------------------------------------------------------------

ODD = ["\ud800", "\udfff", "\ud83d\ude00", "\x00", "\u202e", "\u2066", "\u200f", "\U0001d518", "\n", "\r\n", "\t",
       "\x1b[2J", "中文", "שלום", "عربي", "’", "“", "—", "\ufeff", "\x85", "\u2028", "", " ", "李伟", "ev-opened",
       "p-opened", "ent-china", "doc-a", "theme-infra", "ex-liwei"]
odd_strings = st.one_of(
    st.sampled_from(ODD),
    st.lists(st.sampled_from(ODD), min_size=1, max_size=4).map("".join),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=12),  # surrogates included
    st.text(max_size=30),
)
dates = st.one_of(
    st.from_regex(r"\A-?[0-9]{1,6}(-[0-9]{1,3}(-[0-9]{1,3})?)?\Z"),
    st.sampled_from(["0000", "0001", "9999-12-31", "2020-02-30", "2019-02-29", "2020-02-29", "2019-13", "1998-8-15",
                     "", " 2020", "2020-01-01T00:00", "１９８８", "2020\n", "15 May 2020", "May 2020", "20200515",
                     "02/03/2020", "1988", "2022"]),
    st.integers(-10**20, 10**20), st.none(), st.booleans(),
)
numbers = st.one_of(st.integers(-5, 200), st.integers(), st.integers(-(10**40), 10**40),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([2**63, -(2**63) - 1, 0.5, -0.0]))
json_values = st.recursive(
    st.none() | st.booleans() | numbers | odd_strings | dates,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(odd_strings, children, max_size=4),
    max_leaves=12)
depths = st.one_of(st.integers(1, 300), st.sampled_from([MAX_NESTING - 3, MAX_NESTING - 2, MAX_NESTING - 1,
                                                         MAX_NESTING, MAX_NESTING + 1, 199, 200, 201, 202, 203]),
                   st.integers(900, 1010), st.just(100_000))
fraction = st.floats(0, 1)
SPECIAL = ["fifo", "folder", "socket", "link-to-fifo", "link-loop", "dangling", "link-outside", "empty", "absent",
           "utf16", "latin1", "bom", "nul", "crlf", "spaces"]
DOC_FILES = ["docs/a.txt", "docs/../docs/a.txt", "./docs/a.txt", "../outside.txt", "/etc/hostname", "docs", "",
             "docs/missing.txt", "docs/a\x00.txt", "docs/fifo", "docs/loop", "docs/sock", "x" * 300, "y/" * 2100,
             "docs\\a.txt", "docs/a.txt/", "docs/link-outside", "docs/link-to-fifo", "corpus.json", "events.json",
             "\ud800.txt", "docs/\u202e.txt", "docs/中文.txt"]

mutations = st.one_of(
    st.tuples(st.just("flip"), st.sampled_from(ALL_NAMES), fraction, st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.sampled_from(ALL_NAMES), fraction),
    st.tuples(st.just("field"), st.sampled_from(JSON_NAMES), fraction, st.data()),
    st.tuples(st.just("string"), st.sampled_from(JSON_NAMES), fraction, st.data()),
    st.tuples(st.just("date"), st.sampled_from(["documents.json", "events.json", "relationships.json", "corpus.json"]),
              fraction, st.sampled_from(["date", "start", "end", "time_range", "time_range-pair"]), dates, dates),
    st.tuples(st.just("deep"), st.sampled_from(JSON_NAMES), depths, st.booleans(), st.sampled_from("[{")),
    st.tuples(st.just("special"), st.sampled_from(ALL_NAMES), st.sampled_from(SPECIAL)),
    st.tuples(st.just("top"), st.sampled_from(JSON_NAMES), json_values),
    st.tuples(st.just("passage"), fraction, st.one_of(st.none(), st.integers(-3, 130)),
              st.one_of(st.none(), st.integers(-3, 130)), st.integers(0, len(MINI_TEXT)), st.integers(0, 40),
              st.sampled_from(["", "curly", "dash", "crlf", "upper"])),
    st.tuples(st.just("docfile"), st.sampled_from(DOC_FILES)),
    st.tuples(st.just("ascii"), st.sampled_from(JSON_NAMES), st.booleans()),
)


# -- applying a mutation -------------------------------------------------------------------------------------

class Folder:
    """The files of one example, as bytes (None: to be made as a special file, see ``special``)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes | None] = dict(BASE)
        self.special: dict[str, str] = {}
        self.touched: set[str] = set()

    def parsed(self, name: str):
        data = self.files.get(name)
        if data is None:
            return None
        try:
            return json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            return None

    def put_json(self, name: str, data, ascii_only: bool = True) -> None:
        text = json.dumps(data, ensure_ascii=ascii_only, indent=1)
        self.set_bytes(name, text.encode("utf-8", "surrogatepass"))

    def set_bytes(self, name: str, data: bytes) -> None:
        self.files[name] = data
        self.special.pop(name, None)
        self.touched.add(name)


def _item(folder: Folder, name: str, where: float):
    data = folder.parsed(name)
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        return data, data[min(int(where * len(data)), len(data) - 1)]
    if isinstance(data, dict):
        return data, data
    return None, None


def _typography(quote: str, how: str) -> str:
    if how == "curly":
        return quote.replace("'", "’").replace('"', "“")
    if how == "dash":
        return quote.replace("-", "—").replace(" ", " – ", 1)
    if how == "crlf":
        return quote.replace("\n", "\r\n")
    if how == "upper":
        return quote.upper()
    return quote


def apply(folder: Folder, mutation: tuple) -> None:
    kind = mutation[0]
    if kind == "flip":
        _, name, where, byte = mutation
        data = folder.files.get(name)
        if data:
            i = min(int(where * len(data)), len(data) - 1)
            folder.set_bytes(name, data[:i] + bytes([byte]) + data[i + 1:])
    elif kind == "truncate":
        _, name, where = mutation
        data = folder.files.get(name)
        if data is not None:
            folder.set_bytes(name, data[:int(where * len(data))])
    elif kind in ("field", "string"):
        _, name, where, draw = mutation
        data, item = _item(folder, name, where)
        if item is not None:
            field = draw.draw(st.sampled_from(FIELDS[name]), label="field")
            item[field] = draw.draw(json_values if kind == "field" else odd_strings, label="value")
            folder.put_json(name, data)
    elif kind == "date":
        _, name, where, field, first, second = mutation
        data, item = _item(folder, name, where)
        if item is not None:
            if name == "corpus.json" or field.startswith("time_range"):
                item["time_range"] = [first, second] if field == "time_range-pair" else first
            else:
                item["date" if name == "documents.json" else field] = first
            folder.put_json(name, data)
    elif kind == "deep":
        _, name, depth, inside, bracket = mutation
        nested = ("[" * depth + "]" * depth) if bracket == "[" else ('{"a":' * depth + "0" + "}" * depth)
        data, item = _item(folder, name, 0.0)
        if inside and item is not None:
            item["title" if "title" in item else "name"] = "@@DEEP@@"
            text = json.dumps(data).replace('"@@DEEP@@"', nested)
        else:
            text = nested
        folder.set_bytes(name, text.encode("utf-8"))
    elif kind == "special":
        _, name, what = mutation
        data = folder.files.get(name) or b""
        recoded = {"utf16": lambda: data.decode("utf-8", "replace").encode("utf-16"),
                   "latin1": lambda: data.decode("utf-8", "replace").encode("latin-1", "replace"),
                   "bom": lambda: b"\xef\xbb\xbf" + data, "nul": lambda: data[:5] + b"\x00" + data[5:],
                   "crlf": lambda: data.replace(b"\n", b"\r\n"), "empty": lambda: b"", "spaces": lambda: b"  \n\t "}
        if what in recoded:
            folder.set_bytes(name, recoded[what]())
        else:
            folder.files[name] = None
            folder.special[name] = what
            folder.touched.add(name)
    elif kind == "top":
        _, name, value = mutation
        folder.put_json(name, value)
    elif kind == "passage":
        _, where, start, end, at, length, how = mutation
        data, item = _item(folder, "passages.json", where)
        if item is not None:
            item["quote"] = _typography(MINI_TEXT[at:at + length], how)
            for key, value in (("start", start), ("end", end)):
                if value is None:
                    item.pop(key, None)
                else:
                    item[key] = value
            folder.put_json("passages.json", data)
    elif kind == "docfile":
        _, file = mutation
        data, item = _item(folder, "documents.json", 0.0)
        if item is not None:
            item["file"] = file
            folder.put_json("documents.json", data)
    elif kind == "ascii":
        _, name, ascii_only = mutation
        data = folder.parsed(name)
        if data is not None:
            folder.put_json(name, data, ascii_only)


def _make_special(path: Path, what: str, outside: Path) -> None:
    if what == "fifo":
        os.mkfifo(path)
    elif what == "folder":
        path.mkdir()
    elif what == "socket":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(str(path))
        except OSError:  # a path too long for a socket
            os.mkfifo(path)
        finally:
            sock.close()
    elif what == "link-to-fifo":
        os.mkfifo(path.with_name(path.name + ".fifo"))
        os.symlink(path.name + ".fifo", path)
    elif what == "link-loop":
        os.symlink(path.name, path)
    elif what == "dangling":
        os.symlink(path.name + ".missing", path)
    elif what == "link-outside":
        os.symlink(outside, path)
    # "absent": nothing


def write(folder: Folder, root: Path, outside: Path) -> None:
    (root / "docs").mkdir(parents=True)
    for rel, data in folder.files.items():
        if data is not None:
            (root / rel).write_bytes(data)
    for rel, what in folder.special.items():
        _make_special(root / rel, what, outside)
    # what the odd document file names point at
    os.mkfifo(root / "docs" / "fifo")
    os.symlink("loop", root / "docs" / "loop")
    os.symlink(outside, root / "docs" / "link-outside")
    os.mkfifo(root / "docs" / "other.fifo")
    os.symlink("other.fifo", root / "docs" / "link-to-fifo")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(root / "docs" / "sock"))
    except OSError:
        pass
    finally:
        sock.close()


@contextlib.contextmanager
def _no_waiting(root: Path, after: float = 20.0):
    """Fail instead of hanging: anything still waiting on a FIFO under ``root`` after ``after`` seconds is
    released (the FIFO opened for writing and closed) and reported."""
    stop = threading.Event()
    released: list[str] = []

    def watch():
        if stop.wait(after):
            return
        while not stop.is_set():
            for path in root.rglob("*"):
                try:
                    if not stat.S_ISFIFO(os.lstat(path).st_mode):
                        continue
                    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:
                    continue
                os.close(fd)
                released.append(path.name)
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield released
    finally:
        stop.set()
        thread.join()


def _document_files(folder: Folder) -> set[str]:
    """Every string a "file" field of documents.json holds, as the loader would parse it."""
    data = folder.parsed("documents.json")
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        data = data["documents"]
    if not isinstance(data, list):
        return set()
    return {d["file"] for d in data if isinstance(d, dict) and isinstance(d.get("file"), str)}


# -- the property ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workspace():
    """A folder of its own (not under pytest's basetemp, which a test session started meanwhile may prune
    during a long run), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="explorer-fuzz-") as name:
        base = Path(name)
        outside = base / "outside.txt"
        outside.write_text("a file outside the corpus folder\n", encoding="utf-8")
        yield base, outside


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(socket, "AF_UNIX"), reason="needs FIFOs and sockets")
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(st.lists(mutations, min_size=1, max_size=3))
def test_the_loader_survives_any_broken_corpus(workspace, steps):
    base, outside = workspace
    folder = Folder()
    for step in steps:
        apply(folder, step)
    root = Path(tempfile.mkdtemp(dir=base)) / "corpus"
    try:
        write(folder, root, outside)
        with _no_waiting(root) as released:
            try:
                corpus = load_corpus(root)
            except NotACorpusError:
                corpus = None
        assert not released, f"the loader waited on {released}"
        if corpus is None:  # only when neither corpus file is there as a file
            assert all(folder.files.get(n) is None and folder.special.get(n) in ("absent", "folder", "dangling", None)
                       for n in ("documents.json", "corpus.json")), steps
            return
        check(corpus, folder)
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def check(corpus, folder: Folder) -> None:
    files = set(JSON_NAMES) | _document_files(folder)
    for p in corpus.problems:
        assert p.file in files, p  # names one of the corpus's files
        assert p.what and printable(p.what) == p.what and printable(p.where) == p.where, p
    named = {p.file for p in corpus.problems}
    if named - set(JSON_NAMES) or TEXT in folder.touched:  # a document whose text is not read is said there
        named.add("documents.json")

    # what was not broken still loads
    for name in MODEL_FOR_FILE:
        if name not in folder.touched and name not in named:
            assert len(corpus.items_of(KIND_OF[name])) == ORIGINAL_COUNT[name], (name, corpus.problems)
    if not {"documents.json", TEXT} & (folder.touched | named):
        assert [d.text for d in corpus.documents] == [MINI_TEXT]
    if "corpus.json" not in folder.touched and "corpus.json" not in named:
        assert corpus.info.title == "Mini"

    # what loaded is consistent
    docs = {d.id: d for d in corpus.documents}
    for p in corpus.passages:
        text = docs[p.document].text
        assert 0 <= p.start <= p.end <= len(text) and text[p.start:p.end] == p.quote, p
        assert p.prefix == text[max(0, p.start - 32):p.start] and p.suffix == text[p.end:p.end + 32], p
    passages = {p.id for p in corpus.passages}
    themes = {t.id for t in corpus.themes}
    entities = {e.id for e in corpus.entities}
    experts = {e.id for e in corpus.experts}
    for item in [*corpus.themes, *corpus.entities, *corpus.experts, *corpus.events, *corpus.relationships]:
        assert set(item.passages) <= passages, item
    for ex in corpus.experts:
        assert ex.organisation is None or ex.organisation in entities
        assert all(set(pos.passages) <= passages for pos in ex.positions)
    for ev in corpus.events:
        assert set(ev.themes) <= themes and set(ev.actors) <= entities | experts and set(ev.experts) <= experts
        assert ev.end is None or ev.end.end_seconds > ev.start.start_seconds
    for rel in corpus.relationships:
        assert {rel.source, rel.target} <= entities | experts
    ids = [i.id for i in [*corpus.documents, *corpus.passages, *corpus.themes, *corpus.entities, *corpus.experts,
                          *corpus.events, *corpus.relationships]]
    assert len(ids) == len(set(ids))

    # and can be written out
    json.loads(corpus_to_json(corpus).encode("utf-8").decode("utf-8"))


def test_the_fuzz_corpus_starts_valid(tmp_path):
    folder = Folder()
    root = tmp_path / "corpus"
    write(folder, root, tmp_path / "outside.txt")
    corpus = load_corpus(root)
    assert corpus.problems == []
    check(corpus, folder)
