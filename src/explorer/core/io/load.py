"""Loading a corpus folder: every problem is collected, never raised, and whatever is valid still loads.

A corpus folder holds ``corpus.json`` (optional description), the annotation files named in
``MODEL_FOR_FILE`` (each a JSON list of objects; all optional except ``documents.json``) and the
document text files they reference. See README.md, "The corpus format".

The loader is meant to be forgiving with corpora written by hand, and to give one problem line per cause:

- a passage may be given by its quote alone: it is anchored where the quote occurs exactly once;
- a file that cannot be read is one line (with the likely cause of a JSON syntax error), and the references
  into it are counted, in one line for each file that holds some, instead of one line each; likewise
  references to items that were skipped (their own line says why), and into a missing optional file. The
  count is on the file that lost the references so that a tool writing the loaded corpus back (``explorer
  validate --fix``) can tell which files did not load whole;
- a document whose offsets are all off by its CRLF line endings, its byte-order mark or because they count
  UTF-8 bytes is one line, and its passages are re-anchored;
- a quote that differs from the text only by straight/curly quotes or dashes is anchored with the text's
  characters and the difference is named once per document and kind of difference;
- messages say what was meant: the nearest known field, the kind an id really is, a date in the right form.

``Corpus.skipped`` (set by ``load_corpus``) counts the items that were skipped, by plural kind;
``skipped_summary`` says it in words.

Whatever a folder holds, loading it never raises (but ``NotACorpusError``) and never waits: only regular
files are read (a FIFO, device, socket or folder in a file's place is one problem, and is never opened),
JSON files up to ``MAX_JSON_BYTES`` and document texts up to ``MAX_TEXT_BYTES``, JSON nested at most
``MAX_NESTING`` deep; every OS or decoding error is a problem naming its file. Problem texts are printable
(``printable``): lone surrogates, control and bidirectional-override characters from the input are written
as backslash escapes, so a problem is one line that any terminal or widget shows as it is.
"""

from __future__ import annotations

import difflib
import errno
import json
import os
import re
import stat
import typing
from bisect import bisect_right
from collections import Counter
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Callable, Iterator

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import from_json

from ..corpus import Corpus
from ..gcpause import _gc_paused
from .problems import NotACorpusError, Problem
from .save import (MAX_JSON_BYTES, MAX_TEXT_BYTES, FileTooLarge, NotARegularFile, Stamper, complete_stamps,
                   finish_interrupted_save, read_regular_file)
from ..model.dates import PartialDate
from ..model.types import (MODEL_FOR_FILE, PATTERN_WORDS, CorpusInfo, Document, Entity, Event, Expert, Passage,
                           Relationship, Theme, _Evidenced, _Item)

__all__ = ["load_corpus", "NotACorpusError", "Problem", "is_corpus_folder", "check_corpus_folder", "CONTEXT_CHARS",
           "skipped_summary", "printable", "MAX_JSON_BYTES", "MAX_TEXT_BYTES", "MAX_NESTING"]

#: how much text around a passage is kept as prefix/suffix context
CONTEXT_CHARS = 32

#: how deep lists and objects may nest in a JSON file (the outer list is 1; a corpus file needs 5: an
#: expert's positions' passages). Deeper is refused before anything recurses into it, far below Python's
#: recursion limit, wherever the load runs
MAX_NESTING = 100

#: characters a problem text writes as a backslash escape: lone surrogates (not characters at all), C0 and
#: C1 control characters (a newline would split the line, an escape could drive the terminal) and the
#: invisible marks that reorder text (bidirectional overrides, isolates and marks), a byte-order mark
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff"
                          "\ufff9-\ufffb\ud800-\udfff]")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that could not be printed as it is, or would garble the line, as a
    backslash escape (``\\ud800``, ``\\x1b``, ``\\u202e``); other text, Chinese or Arabic say, as it is."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda m: _escape(m.group()), text)


def _printable_problem(p: Problem) -> Problem:
    where, what = printable(p.where), printable(p.what)
    return p if where is p.where and what is p.what else Problem(p.file, where, what)


def _too_large(exc: FileTooLarge, what: str) -> str:
    """ "is too large to read (...)": more than the limit for ``what``, with its size when it is known."""
    size = f"{exc.size:,} bytes; " if exc.size is not None else ""
    return f"is too large to read ({size}the limit for {what} is {exc.limit // (1024 * 1024)} MiB)"


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` deep in ``value`` (itself at depth 1), level by
    level, without recursion."""
    level = [value] if type(value) in (list, dict) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        extend = below.extend
        for v in level:
            extend([x for x in (v.values() if type(v) is dict else v) if type(x) is list or type(x) is dict])
        level = below
    return False


#: the partial-date fields of each model, parsed once per distinct string (see ``_Loader.validate_list``)
_DATE_FIELDS: dict[type, tuple[str, ...]] = {Document: ("date",), Event: ("start", "end"),
                                             Relationship: ("start", "end")}

_LIST_ADAPTERS: dict[type, TypeAdapter] = {}
_ROWS: dict[type, Any] = {}


def _rows_decoder(model: type[BaseModel]) -> Any:
    """A msgspec decoder of a JSON list of events or passages into rows (Structs of the model's fields,
    types and defaults, unknown fields refused, ids and texts checked after: ``_Loader.check_rows``), 10
    times quicker than pydantic at 100k events and no model made; None when msgspec cannot be imported
    or the rows do not have the model's fields (pydantic then validates, as it always did)."""
    if model in _ROWS:
        return _ROWS[model]
    decoder = None
    try:
        import msgspec
    except ImportError:  # pragma: no cover - a dependency; the loader still works without it
        msgspec = None
    if msgspec is not None:
        Offset = typing.Optional[typing.Annotated[int, msgspec.Meta(ge=0)]]
        Ids = tuple[str, ...]
        text, maybe = str, typing.Optional[str]
        if model is Event:
            fields = [("id", text), ("title", text), ("start", text), ("summary", text, ""), ("end", maybe, None),
                      ("inferred", bool, False), ("date_text", maybe, None), ("themes", Ids, ()),
                      ("actors", Ids, ()), ("experts", Ids, ()), ("provenance", maybe, None),
                      ("passages", Ids, ()), ("conflict", maybe, None)]
        else:
            fields = [("id", text), ("document", text), ("quote", text), ("start", Offset, None),
                      ("end", Offset, None), ("prefix", text, ""), ("suffix", text, "")]
        row = msgspec.defstruct(f"{model.__name__}Row", fields, forbid_unknown_fields=True, gc=False)
        if set(row.__struct_fields__) == set(model.model_fields):
            decoder = (row, msgspec.json.Decoder(list[row]), (msgspec.ValidationError, msgspec.DecodeError))
    _ROWS[model] = decoder
    return decoder


#: the bytes a piece of a large JSON list is decoded in (``_decode_in_pieces``)
PIECE_BYTES = 1 << 20


def _decode_in_pieces(decoder: Any, raw: bytes) -> list:
    """``decoder.decode(raw)`` of a JSON list, a megabyte at a time where the list has one item a line (as
    explorer writes it: ``},\n{`` between items, which cannot occur inside a string): each call into the
    decoder holds Python's lock, and the window's event loop waits while a load decodes 35 MB in one. A
    list written otherwise is decoded whole; a cut in the wrong place cannot make valid JSON, so it fails
    and the whole is decoded again (the same result, or the same error)."""
    start = len(raw) - len(raw.lstrip())
    if len(raw) <= 2 * PIECE_BYTES or raw[start:start + 1] != b"[":
        return decoder.decode(raw)
    out: list = []
    at = start + 1
    view = memoryview(raw)
    try:
        while True:
            cut = raw.find(b"},\n{", at + PIECE_BYTES)
            piece = bytearray(b"[")
            if cut < 0:
                piece += view[at:]
                out.extend(decoder.decode(piece))
                return out
            piece += view[at:cut + 1]
            piece += b"]"
            out.extend(decoder.decode(piece))
            at = cut + 3
    except Exception:
        return decoder.decode(raw)


def _free_in_pieces(items: list) -> None:
    """Empty a long list a piece at a time (see ``load``)."""
    while items:
        del items[-PIECE_ROWS:]


#: the rows a C call frees or makes at once, so that the window's thread gets Python's lock in between
PIECE_ROWS = 8192


def _end_in_order(row: Any, end: PartialDate, in_order: dict) -> bool:
    """Whether a row's end is not before its start, once per pair of dates (``in_order``: keyed by the ids
    of the parsed dates, which the load shares between rows)."""
    key = (id(row.start), id(end))
    ok = in_order.get(key)
    if ok is None:
        ok = in_order[key] = end.end_seconds > row.start.start_seconds
    return ok


def _row_values(row: Any) -> dict:
    """A row's fields as its model's values (its tuples of ids as lists)."""
    return {name: list(value) if type(value) is tuple else value
            for name, value in zip(row.__struct_fields__, (getattr(row, n) for n in row.__struct_fields__))}


#: ids joined by NUL, each as ``ID_PATTERN`` says
_IDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}(?:\0[A-Za-z0-9][A-Za-z0-9_.:-]{0,199})*")
#: what pydantic strips from a text (``strip_whitespace``: Rust's ``str::trim``, Unicode White_Space), one
#: of those characters, and the first and the last character of a text
_WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
               "\u2028\u2029\u202f\u205f\u3000"
_SPACE = re.compile(f"[{_WHITE_SPACE}]")
_FIRST, _LAST = itemgetter(slice(0, 1)), itemgetter(slice(-1, None))
_ROW_IDS = {Event: ("id",), Passage: ("id",)}
_ROW_REF = {Event: (), Passage: ("document",)}  # one id, which many rows repeat
_ROW_REFS = {Event: ("themes", "actors", "experts", "passages"), Passage: ()}
_ROW_TEXTS = {Event: ("title", "summary", "date_text", "provenance", "conflict"), Passage: ()}
_ROW_NONEMPTY = {Event: "title", Passage: "quote"}
_CHECK_ROWS = 10_000


def _as_models(model: type[BaseModel], dicts: list[dict]) -> list[Any]:
    """Validated dicts of a model's fields as model instances (each dict becomes the instance's
    ``__dict__``, its missing fields filled with their defaults), without validating them again."""
    fields = model.model_fields
    plain = {n: f.default for n, f in fields.items() if not f.is_required() and f.default_factory is None}
    made = {n: f.default_factory for n, f in fields.items() if f.default_factory is not None}
    n_fields, fields_set = len(fields), set(fields)
    new, setattr_ = model.__new__, object.__setattr__
    out = []
    for values in dicts:
        if len(values) != n_fields:
            for n, v in plain.items():
                if n not in values:
                    values[n] = v
            for n, factory in made.items():
                if n not in values:
                    values[n] = factory()  # type: ignore[call-arg]
        obj = new(model)
        setattr_(obj, "__dict__", values)
        setattr_(obj, "__pydantic_fields_set__", fields_set)
        setattr_(obj, "__pydantic_extra__", None)
        setattr_(obj, "__pydantic_private__", None)
        out.append(obj)
    return out

#: kind -> the file that holds it, and its plural; in file order
_FILE_OF: dict[str, str] = {model.item_kind: name for name, model in MODEL_FOR_FILE.items()}
_KIND_OF_FILE: dict[str, str] = {name: kind for kind, name in _FILE_OF.items()}
_PLURALS: dict[str, str] = {"document": "documents", "passage": "passages", "theme": "themes",
                            "entity": "entities", "expert": "experts", "event": "events",
                            "relationship": "relationships"}
_SKIPPED_ORDER = ("document", "passage", "theme", "entity", "expert", "event", "relationship")


def _list_adapter(model: type[BaseModel]) -> TypeAdapter:
    adapter = _LIST_ADAPTERS.get(model)
    if adapter is None:
        adapter = _LIST_ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return adapter


def _reason(exc: OSError) -> str:
    """An OSError in a few plain words: "permission denied", "input/output error"..."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def _check_folder(root: Path) -> None:
    """Raise ``NotACorpusError`` unless ``root`` is a folder whose files can be looked at."""
    try:
        st = os.stat(root)
    except (FileNotFoundError, NotADirectoryError):
        raise NotACorpusError(f"{root}: does not exist") from None
    except ValueError:
        raise NotACorpusError(f"{root}: is not a valid path (it holds a NUL character)") from None
    except OSError as exc:
        raise NotACorpusError(f"{root}: cannot be read ({_reason(exc)})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise NotACorpusError(f"{root}: is not a folder")
    _has_corpus_file(root)


def _has_corpus_file(root: Path) -> bool:
    """Whether the folder holds a ``documents.json`` or ``corpus.json`` (of any kind but a folder: the loader
    says what is wrong with one that is not a regular file). Raises ``NotACorpusError`` when the folder
    cannot be looked into (no permission)."""
    found = False
    for name in ("documents.json", "corpus.json"):
        try:
            st = os.stat(root / name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a loop of symbolic links: there, and the loader says so
                found = True
                continue
            raise NotACorpusError(f"{root}: the folder cannot be read ({_reason(exc)})") from None
        found = found or not stat.S_ISDIR(st.st_mode)
    return found


def check_corpus_folder(path: str | Path) -> None:
    """Raise ``NotACorpusError``, with one line that names the folder, unless ``path`` is a corpus folder
    that can be read; never an ``OSError``."""
    root = Path(path)
    _check_folder(root)
    if not _has_corpus_file(root):
        raise NotACorpusError(f"{root}: is not a corpus folder (it has neither documents.json nor corpus.json)")


def is_corpus_folder(path: Path) -> bool:
    try:
        check_corpus_folder(path)
    except NotACorpusError:
        return False
    return True


def _json_where(loc: tuple[Any, ...], index: int | None) -> str:
    where = f"[{index}]" if index is not None else ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    return where


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _show(value: Any, limit: int = 40) -> str:
    """A value as it is written in JSON, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        try:
            text = repr(value)
        except RecursionError:  # cannot happen within MAX_NESTING; never a reason to fail
            text = f"a {type(value).__name__} nested too deeply to show"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _closest(word: str, candidates: Any, cutoff: float = 0.75) -> str | None:
    """The candidate ``word`` most likely meant (difflib), or a candidate it is the only prefix of."""
    candidates = [c for c in candidates if isinstance(c, str)]
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    if found:
        return found[0]
    if len(word) >= 3:
        starts = [c for c in candidates if c.startswith(word)]
        if len(starts) == 1:
            return starts[0]
    return None


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _known_fields(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at ``loc`` (the path of the parent object) inside ``model``."""
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        model = _submodel(field.annotation) if field is not None else None
    return list(model.model_fields) if model is not None else []


def _describe_error(err: dict[str, Any], model: type[BaseModel] | None = None) -> str:
    """One pydantic error in plain words (with the nearest known field for an unknown one, given the model)."""
    msg = err.get("msg", "invalid value")
    kind = err.get("type")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    loc = tuple(err.get("loc", ()))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind == "extra_forbidden":
        name = loc[-1] if loc else ""
        msg = f"unknown field '{name}'"
        meant = _closest(str(name), _known_fields(model, loc[:-1])) if model is not None else None
        if meant:
            msg += f" (did you mean '{meant}'?)"
    elif kind == "missing":
        msg = "required field is missing"
    elif kind == "string_pattern_mismatch" and ctx.get("pattern") in PATTERN_WORDS:
        what, rule = PATTERN_WORDS[ctx["pattern"]]
        msg = f"'{value}' is not {what} ({rule})"
    elif kind == "bool_type":
        msg = f"must be true or false (without quotes), not {_show(value)}"
    elif kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        if allowed:
            msg = f"{_show(value)} is not one of {', '.join(allowed)}"
            meant = _closest(str(value), allowed) if isinstance(value, str) else None
            if meant:
                msg += f" (did you mean '{meant}'?)"
    elif kind == "string_too_short":
        msg = "must not be empty"
    elif kind == "string_too_long":
        msg = f"is too long (at most {ctx.get('max_length')} characters)"
    elif kind == "string_type":
        msg = f"must be a string, in double quotes, not {_show(value)}"
    elif kind == "string_unicode":
        msg = _surrogate_message(value, field_name=not loc)
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        msg = f"must be a whole number, not {_show(value)}"
    elif kind == "greater_than_equal":
        msg = f"must be {ctx.get('ge')} or more, not {_show(value)}"
    elif kind == "list_type":
        msg = f"must be a list, e.g. [{_show(value)}]" if isinstance(value, str) else \
            f"must be a list, not {_show(value)}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        msg = f"must be an object ({{...}}), not {_show(value)}"
    return msg[0].upper() + msg[1:] if msg else msg


def _escape_surrogates(value: Any) -> Any:
    """``value`` (JSON data, at most MAX_NESTING deep) with every lone surrogate in its strings and field
    names written as a backslash escape."""
    if isinstance(value, str):
        return _SURROGATE.sub(lambda m: _escape(m.group()), value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_escape_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_escape_surrogates(k): _escape_surrogates(v) for k, v in value.items()}
    return value


class _Invalid(Exception):
    """What pydantic found wrong with one item: its ``errors()`` and the ``data`` they are about."""

    def __init__(self, errors: list[dict], data: Any):
        super().__init__(errors)
        self.errors, self.data = errors, data


def _validate(model: type[BaseModel], raw: Any) -> Any:
    """``model.model_validate(raw)``, or ``_Invalid``. A validator whose message quotes a lone surrogate (a
    date such as "\\ud800") makes pydantic raise UnicodeEncodeError, as it cannot carry the message: the
    item is then validated again with its surrogates escaped, which names the same problems in printable
    words, and is about that escaped copy. An item that held such a value is never returned."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _Invalid(exc.errors(), raw) from None
    except UnicodeEncodeError:
        escaped = _escape_surrogates(raw)
    try:
        model.model_validate(escaped)
    except ValidationError as exc:
        raise _Invalid(exc.errors(), escaped) from None
    raise _Invalid([{"type": "string_unicode", "loc": (), "msg": "", "input": escaped}], escaped)


def _surrogate_message(value: Any, field_name: bool) -> str:
    """What is wrong with a string that holds a lone surrogate (valid JSON, as \\ud800, but not text);
    ``field_name``: it is the name of a field, not a value."""
    found = _SURROGATE.search(value) if isinstance(value, str) else None
    if found is None:
        return "must be text (it holds a lone surrogate, half of a UTF-16 pair)"
    what = "the field name " if field_name else ""
    return f"{what}{_show(value)} is not text (it holds the lone surrogate {_escape(found.group())}, half of a " \
           f"UTF-16 pair)"


_SURROGATE = re.compile("[\ud800-\udfff]")


# -- JSON syntax errors in plain words -------------------------------------------------------------------

_JSON_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(")?|[\[\]{}]', re.S)
_CURLY = "“”‘’„‚"


def _open_brackets(text: str) -> list[str]:
    """The brackets still open at the end of ``text`` (outermost first), skipping strings."""
    stack: list[str] = []
    for m in _JSON_TOKENS.finditer(text):
        token = m.group()
        if token in "[{":
            stack.append(token)
        elif token in "]}":
            if stack:
                stack.pop()
        elif m.group(1) is None:
            stack.append('"')  # a string still open at the end
            break
    return stack


def _prev_nonspace(text: str, pos: int) -> int:
    i = pos - 1
    while i >= 0 and text[i] in " \t\r\n":
        i -= 1
    return i


def _diagnose_json(text: str, exc: json.JSONDecodeError) -> tuple[int, str]:
    """(position, what) for a JSON syntax error, naming the likely cause where it is a common one."""
    pos, msg = exc.pos, exc.msg
    ch = text[pos] if pos < len(text) else ""
    before = _prev_nonspace(text, pos)
    prev = text[before] if before >= 0 else ""
    if msg.startswith("Unterminated string") and ("]" in text[pos:] or "}" in text[pos:]):
        return pos, 'a string is not closed (a " is missing)'  # not cut short: the brackets are closed after it
    if msg.startswith("Unterminated string") or not text[pos:].strip():
        stack = _open_brackets(text)
        outer = next((b for b in stack if b in "[{"), "[")
        return len(text), (f"the file ends before the {'list' if outer == '[' else 'object'} is closed "
                           f"(is it truncated?)")
    if msg.startswith("Invalid control character") and ch in "\r\n":
        return pos, 'a string is not closed (a " is missing before the end of the line)'
    if msg.startswith("Invalid control character") and ch == "\t":
        return pos, "a tab inside a string; write it as \\t"
    if msg == "Extra data":
        return pos, "more text after the end of the list (only one list per file)"
    if ch in "]}" and prev == ",":
        last = "item" if ch == "]" else "field"
        return before, f"a trailing comma before {ch}; remove the comma after the last {last}"
    if ch == "," and prev == ",":
        return pos, "two commas in a row"
    if ch == "'":
        return pos, "single quotes ('); JSON strings need double quotes (\")"
    if ch and ch in _CURLY:
        return pos, f"curly quotes ({ch}); JSON strings need straight double quotes (\")"
    if text.startswith(("True", "False", "None"), pos):
        return pos, "write true, false and null in lower case"
    if text.startswith(("//", "/*"), pos) or ch == "#":
        return pos, "comments are not allowed in JSON"
    if msg.startswith("Expecting ',' delimiter") and (ch in '{["-' or ch.isdigit() or ch in "tfn"):
        stack = _open_brackets(text[:pos])
        inner = stack[-1] if stack else "["
        return pos, ("a comma is missing between two fields" if inner == "{" else
                     "a comma is missing between two items")
    if msg.startswith("Expecting property name") and ch and ch not in '"':
        return pos, f"a field name must be in double quotes, e.g. \"id\" (found {ch})"
    return pos, msg


def _too_deep_at(text: str, limit: int) -> int:
    """Where lists and objects first nest more than ``limit`` deep in a JSON text (strings skipped), or -1."""
    depth = 0
    for m in _JSON_TOKENS.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return m.start()
        elif token in "]}":
            depth -= 1
    return -1


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line}, column {col}"


# -- quotes that differ from the text only by typography -------------------------------------------------

_DOUBLE = "“”„‟″＂"
_SINGLE = "‘’‚‛′＇"
_DASHES = "‐‑‒–—―−"
_FOLD = str.maketrans({**{c: '"' for c in _DOUBLE}, **{c: "'" for c in _SINGLE}, **{c: "-" for c in _DASHES}})


def _fold(text: str) -> str:
    return text.translate(_FOLD)


def _occurrences(text: str, quote: str) -> tuple[int, int]:
    """(where ``quote`` first occurs in ``text`` or -1, how many times it occurs: 0, 1 or more)."""
    first = text.find(quote)
    if first < 0:
        return -1, 0
    if text.find(quote, first + 1) < 0:
        return first, 1
    return first, max(2, text.count(quote))


def _given_offsets(p: Passage) -> str:
    if p.start is not None and p.end is not None:
        return f"offsets {p.start}–{p.end}"
    return f"start {p.start}" if p.start is not None else f"end {p.end}"


def _offsets_where(i: int, p: Passage) -> str:
    return f"[{i}].start" if p.start is not None else f"[{i}].end"


def _do(p: Passage) -> str:
    return "do" if p.start is not None and p.end is not None else "does"


def _typography(quote: str, exact: str) -> dict[str, tuple[str, str]]:
    """How ``quote`` differs from the text's ``exact`` characters (same length): category -> (the quote's
    characters, the text's), e.g. {"double": ('"', "“”")}."""
    found: dict[str, tuple[str, str]] = {}
    for q, t in zip(quote, exact):
        if q == t:
            continue
        if t in _DOUBLE or q in _DOUBLE:
            key = "double" if t in _DOUBLE else "double-straight"
        elif t in _SINGLE or q in _SINGLE:
            key = "single" if t in _SINGLE else "single-straight"
        elif q == "-":
            key = "hyphen"
        elif t == "-":
            key = "dash-hyphen"
        else:
            key = "dash"
        qs, ts = found.get(key, ("", ""))
        found[key] = (qs + q if q not in qs else qs, ts + t if t not in ts else ts)
    return found


def _describe_typography(found: dict[str, tuple[str, str]], subject: str) -> str:
    parts = []
    for key, (qs, ts) in found.items():
        if key == "double":
            parts.append(f"straight quotes ({qs}) where the text has curly ones ({ts})")
        elif key == "double-straight":
            parts.append(f"curly quotes ({qs}) where the text has straight ones ({ts})")
        elif key == "single":
            parts.append(f"straight apostrophes ({qs}) where the text has curly ones ({ts})")
        elif key == "single-straight":
            parts.append(f"curly apostrophes ({qs}) where the text has straight ones ({ts})")
        elif key == "hyphen":
            parts.append(f"a hyphen ({qs}) where the text has a dash ({ts})")
        elif key == "dash-hyphen":
            parts.append(f"a dash ({qs}) where the text has a hyphen ({ts})")
        elif key == "dash":
            parts.append(f"a dash ({qs}) where the text has another dash ({ts})")
        else:
            parts.append("\\n line breaks where the text has \\r\\n (CRLF)")
    return f"{subject} " + " and ".join(parts)


_CATEGORY_ORDER = ("double", "double-straight", "single", "single-straight", "hyphen", "dash-hyphen", "dash",
                   "newline")


class _Seen:
    """Id -> the file of every item that was read, kept as a set of ids for each file (a dict of 200,000
    ids took as long again to fill)."""

    def __init__(self) -> None:
        self.of_file: dict[str, set[str]] = {}

    def get(self, item_id: str, default: str | None = None) -> str | None:
        for name, ids in self.of_file.items():
            if item_id in ids:
                return name
        return default

    def __getitem__(self, item_id: str) -> str:
        name = self.get(item_id)
        if name is None:
            raise KeyError(item_id)
        return name

    def __contains__(self, item_id: object) -> bool:
        return any(item_id in ids for ids in self.of_file.values())

    def __setitem__(self, item_id: str, name: str) -> None:
        self.of_file.setdefault(name, set()).add(item_id)

    def items(self) -> Iterator[tuple[str, str]]:
        for name, ids in self.of_file.items():
            for item_id in ids:
                yield item_id, name

    def add_all(self, name: str, ids: list[str]) -> bool:
        """Add the ids of a file's items, when none of them is there already nor twice in ``ids`` (False:
        nothing added)."""
        new = set(ids)
        if len(new) != len(ids) or not all(new.isdisjoint(known) for known in self.of_file.values()):
            return False
        known = self.of_file.get(name)
        if known is None:
            self.of_file[name] = new
        else:
            known |= new
        return True


class _Loader:
    def __init__(self, root: Path, stamper: Stamper | None = None):
        self.root = root
        self.stamper = stamper  # given: every file read is stamped from the bytes read
        self.resolved_root = root.resolve()
        self.problems: list[Problem] = []
        self._dates: dict[str, PartialDate | None] = {}  # date text -> parsed date (None: invalid)
        #: files that are there but could not be read -> index of the problem that says why
        self.unreadable: dict[str, int] = {}
        self.absent: set[str] = set()  # optional files that are not there
        self.skipped: Counter[str] = Counter()  # kind -> items skipped
        #: id of an item that was skipped (its own problem, or its cause's, says why) -> its kind
        self.lost: dict[str, str] = {}
        self.seen = _Seen()  # id -> the file of every item that was read (see ``kind``)
        self.staged: dict[str, Any] = {}  # kind -> its items staged for the corpus's table (``stage``)
        self.row_files: set[str] = set()  # the files validated as rows (``validate_file_fast``)
        self.named: dict[type, dict[str, set[str]]] = {}  # model -> field -> the ids its rows name (``check_rows``)
        # What was dropped quietly, by the file that lost it (a follow-on line is on that file, so that a
        # tool writing the loaded corpus back can tell which files did not load whole):
        self.unchecked: Counter[tuple[str, str]] = Counter()  # (file, unreadable file) -> references into it
        self.absent_referrers: dict[tuple[str, str], set[str]] = {}  # (file, absent file) -> ids referring
        self.dropped: Counter[tuple[str, str]] = Counter()  # (file, kind) -> references to skipped items
        self.quiet_relationships = 0  # relationships skipped because what they link did not load
        self.with_documents = 0  # passages skipped because their document was skipped
        self._bom: set[str] = set()  # documents whose file starts with a byte-order mark
        self._suggestions = 0
        self._why: dict[str, str] = {}  # unreadable file -> "could not be read" or "is missing"
        self._ids_of: dict[tuple[str, ...], list[str]] = {}  # kinds -> the ids of those kinds (for suggestions)
        self._passage_problems: list[tuple[int, Problem]] = []  # (index in passages.json, problem)
        self._raw: dict[str, bytes] = {}  # file -> its bytes, read by the fast path that found a problem
        self._folders: dict[str, Path] = {}  # a folder of document files -> the folder resolved

    def problem(self, file: str, where: str, what: str) -> None:
        self.problems.append(Problem(file, where, what))

    def cannot_read(self, file: str, where: str, what: str, why: str = "could not be read") -> None:
        """A file that cannot be used at all: one line, and references into it are not checked."""
        self.unreadable[file] = len(self.problems)
        self._why[file] = why
        self.problem(file, where, what)

    def skip(self, kind: str, item_id: Any = None) -> None:
        """Count an item that was skipped; references to its id are then follow-ons of its problem."""
        self.skipped[kind] += 1
        if isinstance(item_id, str):
            self.lost[item_id] = kind

    def kind(self, item_id: str) -> str | None:
        """The kind of the item with this id, if one loaded."""
        if item_id in self.lost:
            return None
        file = self.seen.get(item_id)
        return _KIND_OF_FILE[file] if file is not None else None

    def suggest(self, ref: str, kinds: tuple[str, ...]) -> str:
        """' (did you mean 'x'?)' for an unknown id close to a known one of the right kinds (bounded: only
        among at most 5,000 ids, and for the first hundred unknown ids)."""
        if self._suggestions >= 100:
            return ""
        candidates = self._ids_of.get(kinds)
        if candidates is None:
            files = {_FILE_OF[k] for k in kinds}
            candidates = self._ids_of[kinds] = [k for k, f in self.seen.items() if f in files and k not in self.lost]
        if not candidates or len(candidates) > 5000:
            return ""
        self._suggestions += 1
        meant = _closest(ref, candidates, cutoff=0.8)
        return f" (did you mean '{meant}'?)" if meant else ""

    # -- reading ---------------------------------------------------------------------------------
    def resolve_file(self, rel: str) -> Path:
        """``(root / rel).resolve()``, each folder resolved once: a thousand text files in one folder took a
        thousand resolutions of every folder above them."""
        folder, name = os.path.split(rel)
        if name not in ("", ".", ".."):
            found = self._folders.get(folder)
            if found is None:
                found = self._folders[folder] = (self.root / folder).resolve()
            target = found / name
            try:
                if not stat.S_ISLNK(os.lstat(target).st_mode):
                    return target
            except OSError:
                pass  # not there, or not to be looked at: as ``resolve`` says
        return (self.root / rel).resolve()

    def read(self, rel: str, path: Path, limit: int) -> bytes:
        """The bytes of a file of the corpus (``rel``: its name there), stamped when stamps are asked for."""
        raw, st = read_regular_file(path, limit)
        if self.stamper is not None:
            self.stamper.add(rel, raw, st)
        return raw

    def read_json(self, name: str, required: bool) -> Any:
        raw = self._raw.pop(name, None)
        if raw is None:
            try:
                raw = self.read(name, self.root / name, MAX_JSON_BYTES)
            except (FileNotFoundError, NotADirectoryError):
                if required:
                    self.cannot_read(name, "", "the file is missing; a corpus needs a list of its documents",
                                     "is missing")
                else:
                    self.absent.add(name)
                return None
            except NotARegularFile as exc:
                self.cannot_read(name, "", f"is {exc.kind}, not a regular file; it is not read")
                return None
            except FileTooLarge as exc:
                self.cannot_read(name, "", _too_large(exc, "a JSON file"))
                return None
            except OSError as exc:
                self.cannot_read(name, "", f"cannot be read ({_reason(exc)})")
                return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.cannot_read(name, f"byte {exc.start}", "is not UTF-8 text")
            return None
        if not text.strip():
            self.cannot_read(name, "", "is empty; expected a JSON list")
            return None
        try:
            # pydantic-core's JSON parser is faster and gives the same values for everything it accepts;
            # it is stricter about lone surrogates and nesting (it refuses 200 deep), so on any refusal the
            # standard parser decides, and then (or when it is deep but within pydantic-core's limit) the
            # nesting is checked
            data = from_json(text)
        except ValueError:
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                pos, what = _diagnose_json(text, exc)
                self.cannot_read(name, _line_col(text, pos), f"malformed JSON: {what}")
                return None
            except RecursionError:  # nested hundreds deep: as the check below says
                return self.too_deep(name, text)
        # at most 5 deep in a corpus file; a count of brackets is enough to tell in all but the largest
        if text.count("[") + text.count("{") > MAX_NESTING and _deeper_than(data, MAX_NESTING):
            return self.too_deep(name, text)
        return data

    def too_deep(self, name: str, text: str) -> None:
        pos = _too_deep_at(text, MAX_NESTING)
        self.cannot_read(name, _line_col(text, pos) if pos >= 0 else "",
                         f"lists or objects nested more than {MAX_NESTING} deep (a corpus file needs 5 at most); "
                         f"the file is not read")
        return None

    def validate_file_fast(self, name: str, model: type[BaseModel]) -> list[tuple[int, Any]] | None:
        """The whole file parsed and validated in one call into pydantic-core, straight from its bytes:
        no intermediate Python dicts, which at 100k events saves time and 100+ MB of fragmented memory.
        Returns None when the file is missing or anything in it is not perfectly valid (or is a document
        list, whose inline texts need a problem of their own): ``read_json`` and ``validate_list`` then
        go through it again and report each problem."""
        if model is Document:
            return None
        try:
            raw = self.read(name, self.root / name, MAX_JSON_BYTES)
        except OSError:
            return None
        rows = _rows_decoder(model) if model in (Event, Passage) else None  # the two large kinds
        try:
            if rows is not None:
                _row, decoder, errors = rows
                try:  # rows: the loader makes a model only where one is needed
                    models = _decode_in_pieces(decoder, raw)
                except errors:
                    models = None
                if models is None or not self.check_rows(model, models):
                    self._raw[name] = raw
                    return None
                self.row_files.add(name)
            else:
                models = _list_adapter(model).validate_json(raw)
        except (ValidationError, ValueError):
            self._raw[name] = raw  # for read_json, which says what is wrong
            return None
        return list(enumerate(models))

    def check_rows(self, model: type[BaseModel], rows: list) -> bool:
        """What the model checks that the rows' types do not, over whole columns: ids as ``ID_PATTERN``
        says (200 characters at most), no white space at either end of a text (the model would strip it:
        pydantic then does), a non-empty title or quote; and the dates parsed (each distinct text once,
        the ``PartialDate`` put in the row). False when anything is not so: pydantic then goes through the
        file and says what."""
        if not rows:
            return True
        # the ids each reference field names, each once (20,000 references to actors name a thousand): the
        # load then asks whether they are all known without going through the rows again
        named: dict[str, set[str]] = {f: set() for f in _ROW_REFS[model]}
        for at in range(0, len(rows), _CHECK_ROWS):  # a piece at a time (see ``_decode_in_pieces``)
            part = rows[at:at + _CHECK_ROWS]
            refs = set(chain.from_iterable(map(attrgetter(f), part) for f in _ROW_REF[model]))
            for f, known in named.items():
                found = set(chain.from_iterable(map(attrgetter(f), part)))
                known |= found
                refs |= found
            ids = chain(*(map(attrgetter(f), part) for f in _ROW_IDS[model]), refs)
            if _IDS.fullmatch("\0".join(ids)) is None:
                return False
            for f in _ROW_TEXTS[model]:  # stripped as pydantic strips them
                texts = list(filter(None, map(attrgetter(f), part)))  # (an empty text has no ends)
                # white space at an end of a text: its first or its last character (a regular expression
                # over the joined texts took ten times as long)
                if texts and (_SPACE.search("".join(map(_FIRST, texts))) is not None
                              or _SPACE.search("".join(map(_LAST, texts))) is not None):
                    for row in part:
                        t = getattr(row, f)
                        if t is not None:
                            stripped = t.strip(_WHITE_SPACE)
                            if stripped is not t:
                                setattr(row, f, stripped)
        if not all(map(attrgetter(_ROW_NONEMPTY[model]), rows)):
            return False
        self.named[model] = named
        return self._parse_dates(model, rows)

    def _parse_dates(self, model: type[BaseModel], rows: list) -> bool:
        """The date texts of rows as ``PartialDate`` (put in the rows), each distinct text parsed once;
        False when one is not a valid date (the careful path then says which and why)."""
        dates, parse = self._dates, self._date_of
        for fname in _DATE_FIELDS.get(model, ()):
            for row in rows:
                text = getattr(row, fname)
                if text is None:
                    continue
                parsed = dates.get(text, False)
                if parsed is False:
                    parsed = parse(text)
                if parsed is None:
                    return False
                setattr(row, fname, parsed)
        return True

    def _date_of(self, text: str) -> PartialDate | None:
        """A date text parsed, kept for the rest of the load (None: not a valid date)."""
        try:
            parsed = PartialDate.parse(text)
        except ValueError:
            parsed = None
        self._dates[text] = parsed
        return parsed

    def validate_list(self, name: str, model: type[BaseModel], data: Any) -> list[tuple[int, Any]]:
        if data is None:
            return []
        if isinstance(data, dict) and isinstance(data.get(name.removesuffix(".json")), list):
            data = data[name.removesuffix(".json")]
        if not isinstance(data, list):
            self.cannot_read(name, "", f"expected a JSON list of objects, found {type(data).__name__}")
            return []
        date_fields = _DATE_FIELDS.get(model, ())
        dates = self._dates
        text_given: list[int] = []  # documents that carry their text inline (a problem)
        prepared: list[tuple[int, Any]] = []
        all_objects = True
        for i, raw in enumerate(data):
            if not isinstance(raw, dict):
                all_objects = False
                prepared.append((i, raw))
                continue
            # Dates repeat: parse each distinct text once and hand pydantic the parsed value, which its
            # validator passes through unchanged. Invalid texts stay as they are, so the error is the same.
            for fname in date_fields:
                value = raw.get(fname)
                if type(value) is str:
                    parsed = dates.get(value, False)
                    if parsed is False:
                        parsed = self._date_of(value)
                    if parsed is not None:
                        raw[fname] = parsed
            if "text" in raw and model is Document:
                text_given.append(i)
                raw = {k: v for k, v in raw.items() if k != "text"}
            prepared.append((i, raw))
        # Fast path: validate the whole list in one call into pydantic-core. If any item is invalid, go
        # item by item instead, so that each problem is reported in order and the valid rest still loads.
        if all_objects:
            try:
                models = _list_adapter(model).validate_python([raw for _, raw in prepared])
            except (ValidationError, UnicodeEncodeError):  # the latter: see _validate
                pass
            else:
                for i in text_given:
                    self.problem(name, f"[{i}].text", "document text belongs in the file named by 'file'")
                return [(i, m) for (i, _), m in zip(prepared, models)]
        kind = model.item_kind  # type: ignore[attr-defined]
        items = []
        inline_text = set(text_given)
        for i, raw in prepared:
            if not isinstance(raw, dict):
                self.problem(name, f"[{i}]", f"expected an object, found {type(raw).__name__}; item skipped")
                self.skip(kind)
                continue
            if i in inline_text:
                self.problem(name, f"[{i}].text", "document text belongs in the file named by 'file'")
            try:
                items.append((i, _validate(model, raw)))
            except _Invalid as exc:
                self.report_invalid(name, i, exc.data, model, exc.errors)
                self.skip(kind, raw.get("id"))
        return items

    def report_invalid(self, name: str, i: int, raw: dict, model: type[BaseModel], errors: list[dict]) -> None:
        item_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        # an unknown field that is a misspelt required one is one problem, not two
        meant = set()
        for err in errors:
            if err.get("type") == "extra_forbidden":
                loc = tuple(err["loc"])
                guess = _closest(str(loc[-1]), _known_fields(model, loc[:-1]))
                if guess:
                    meant.add((*loc[:-1], guess))
        for err in errors:
            loc = tuple(err["loc"])
            if err.get("type") == "missing" and loc in meant:
                continue
            label = f" in {item_id}" if item_id and loc != ("id",) else ""
            self.problem(name, _json_where(loc, i), f"{_describe_error(err, model)}{label}; item skipped")

    def load_info(self) -> CorpusInfo | None:
        data = self.read_json("corpus.json", required=False)
        if data is None:
            return None
        if not isinstance(data, dict):
            self.problem("corpus.json", "", f"expected a JSON object, found {type(data).__name__}")
            return None
        # each field that is wrong is said and ignored; the rest of the description still loads
        bad: set[str] = set()
        for _ in range(len(data) + 1):
            try:
                return _validate(CorpusInfo, {k: v for k, v in data.items() if k not in bad})
            except _Invalid as exc:
                errors, given = exc.errors, exc.data
            kept = [k for k in data if k not in bad]
            original = dict(zip(given, kept)) if len(given) == len(kept) else {}  # escaped name -> as given
            found = set()
            for err in errors:
                loc = tuple(err["loc"])
                self.problem("corpus.json", _json_where(loc, None),
                             _describe_error(err, CorpusInfo) + "; it is ignored")
                key = loc[0] if loc else err.get("input")  # no place: a field name that is not text
                if isinstance(key, str):
                    found.add(original.get(key, key))
            if not found - bad:
                return None
            bad |= found
        return None

    # -- documents -------------------------------------------------------------------------------
    def load_document_text(self, i: int, doc: Document) -> Document | None:
        where = f"[{i}].file"
        if "\x00" in doc.file:
            self.problem("documents.json", where, f"{_show(doc.file)} is not a file name (it holds a NUL "
                                                  f"character); document {doc.id} skipped")
            return None
        rel = Path(doc.file)
        if rel.is_absolute():
            self.problem("documents.json", where, f"'{doc.file}' is an absolute path; it must be relative "
                                                  f"to the corpus folder; document {doc.id} skipped")
            return None
        try:
            target = self.resolve_file(doc.file)
        except (OSError, RuntimeError) as exc:  # a loop of symbolic links (RuntimeError before Python 3.13)
            why = _reason(exc) if isinstance(exc, OSError) else "a loop of symbolic links"
            self.problem(doc.file, "", f"cannot be read ({why}); document {doc.id} skipped")
            return None
        if not target.is_relative_to(self.resolved_root):
            self.problem("documents.json", where, f"'{doc.file}' points outside the corpus folder; "
                                                  f"document {doc.id} skipped")
            return None
        try:
            raw = self.read(doc.file, target, MAX_TEXT_BYTES)
        except (FileNotFoundError, NotADirectoryError):
            self.problem("documents.json", where, f"'{doc.file}' does not exist; document {doc.id} skipped")
            return None
        except NotARegularFile as exc:
            if exc.kind == "a folder":
                self.problem("documents.json", where, f"'{doc.file}' is a folder, not a text file; "
                                                      f"document {doc.id} skipped")
            else:
                self.problem(doc.file, "", f"is {exc.kind}, not a regular file; it is not read; "
                                           f"document {doc.id} skipped")
            return None
        except FileTooLarge as exc:
            self.problem(doc.file, "", f"{_too_large(exc, 'a document')}; document {doc.id} skipped")
            return None
        except OSError as exc:
            self.problem(doc.file, "", f"cannot be read ({_reason(exc)}); document {doc.id} skipped")
            return None
        if b"\x00" in raw:
            self.problem(doc.file, "", f"is not a text file; document {doc.id} skipped")
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            self.problem(doc.file, f"line {line}", f"is not UTF-8 text (byte {exc.start}); "
                                                   f"document {doc.id} skipped")
            return None
        if text.startswith("\ufeff"):
            text = text[1:]
            self._bom.add(doc.id)
        return doc.model_copy(update={"text": text})

    # -- passages ----------------------------------------------------------------------------------
    def anchor_passages(self, items: list[tuple[int, Passage]], docs: dict[str, Document]) -> list[Passage]:
        """Every passage that can be placed, with int offsets into its document, prefix and suffix."""
        out: list[tuple[int, Passage]] = []
        pending: dict[str, list[tuple[int, Passage]]] = {}
        texts = {doc_id: doc.text for doc_id, doc in docs.items()}
        for i, p in items:
            if type(p) is not Passage:  # a row of a valid file
                text = texts.get(p.document)
                s, e = p.start, p.end
                if text is not None and s is not None and e is not None and text[s:e] == p.quote:
                    # the usual case: the quote is at its offsets, so it, the prefix and the suffix are what
                    # the text says there (the corpus's table derives them)
                    p.quote = None  # (the table reads it as: what the text says)
                    out.append((i, p))
                    continue
                p = _as_models(Passage, [_row_values(p)])[0]
            doc = docs.get(p.document)
            if doc is None:
                self.passage_without_document(i, p)
                continue
            text = doc.text
            s, e = p.start, p.end
            if s is not None and e is not None and text[s:e] == p.quote:  # the usual case
                prefix = text[max(0, s - CONTEXT_CHARS):s]
                suffix = text[e:e + CONTEXT_CHARS]
                if p.prefix != prefix or p.suffix != suffix:
                    p = p.model_copy(update={"prefix": prefix, "suffix": suffix})
                out.append((i, p))
            else:
                pending.setdefault(p.document, []).append((i, p))
        if pending:
            exact = Counter(p.document for _, p in out)
            for doc_id, plist in pending.items():
                out.extend(self.anchor_document(docs[doc_id], plist, exact[doc_id]))
            out.sort(key=lambda ip: ip[0])
        if self._passage_problems:  # in the order of passages.json
            self._passage_problems.sort(key=lambda ip: ip[0])
            self.problems.extend(problem for _, problem in self._passage_problems)
        return [p for _, p in out]

    def passage_problem(self, i: int, where: str, what: str) -> None:
        self._passage_problems.append((i, Problem("passages.json", where, what)))

    def passage_without_document(self, i: int, p: Passage) -> None:
        ref = p.document
        if self.lost.get(ref) == "document":  # its document was skipped: one line says why, and one counts
            self.with_documents += 1
        elif self.kind(ref) is not None:
            self.passage_problem(i, f"[{i}].document", f"{ref} is {_a(self.kind(ref))}, not a document; "
                                                       f"passage {p.id} skipped")
        elif "documents.json" in self.unreadable:
            self.unchecked["passages.json", "documents.json"] += 1
        else:
            hint = self.suggest(ref, ("document",))
            self.passage_problem(i, f"[{i}].document", f"unknown document '{ref}'{hint}; passage {p.id} skipped")
        self.skip("passage", p.id)

    def anchor_document(self, doc: Document, plist: list[tuple[int, Passage]],
                        n_exact: int) -> list[tuple[int, Passage]]:
        """The passages of one document that need more than an exact check (``n_exact`` others matched)."""
        text = doc.text
        report = self.passage_problem

        # offsets given but wrong in most passages: is it one cause for the whole document?
        wrong = [(i, p) for i, p in plist if p.start is not None and p.end is not None]
        shift: tuple[str, Callable[[Passage], tuple[int, int] | None]] | None = None
        if wrong and len(wrong) > n_exact:
            shift = self.document_shift(doc, [p for _, p in wrong])
        shifted: list[int] = []
        fixes: dict[tuple[str, ...], list[tuple[int, Passage, dict[str, tuple[str, str]]]]] = {}
        anchored: list[tuple[int, Passage]] = []
        folded: list[str] = []  # the document's text with its typography folded, made on first need

        def folded_text() -> str:
            if not folded:
                folded.append(_fold(text))
            return folded[0]

        for i, p in plist:
            s, e = p.start, p.end
            if s is None and e is not None:
                s = e - len(p.quote)
            elif e is None and s is not None:
                e = s + len(p.quote)
            given = p.start is not None or p.end is not None
            if s is not None and e is not None and 0 <= s and text[s:e] == p.quote:
                anchored.append((i, self.placed(p, text, s, e)))  # one offset given, and right
                continue
            if shift is not None and p.start is not None and p.end is not None:
                found = shift[1](p)
                if found is not None:
                    shifted.append(i)
                    anchored.append((i, self.placed(p, text, *found)))
                    continue
            quote = p.quote
            start, n_hits = _occurrences(text, quote)
            if n_hits == 1:
                if given:
                    report(i, _offsets_where(i, p), self.moved(p, start, start + len(quote)))
                anchored.append((i, self.placed(p, text, start, start + len(quote))))
                continue
            if n_hits > 1:
                report(i, _offsets_where(i, p) if given else f"[{i}].quote", self.ambiguous(p, doc, n_hits, given))
                self.skip("passage", p.id)
                continue
            # not in the text as written: the same but for typography (quotes, dashes, CRLF line breaks)?
            variants = [quote]
            if "\n" in quote and "\r\n" in text:
                variants.append(quote.replace("\r\n", "\n").replace("\n", "\r\n"))
            start, n_hits = -1, 0
            searched = quote
            for variant in variants:
                if s is not None and e is not None and 0 <= s and e - s == len(variant) and \
                        _fold(text[s:e]) == _fold(variant):
                    start, n_hits, searched = s, 1, variant
                    break
                start, n_hits = _occurrences(folded_text(), _fold(variant))
                if n_hits:
                    searched = variant
                    break
            if n_hits > 1:
                report(i, _offsets_where(i, p) if given else f"[{i}].quote", self.ambiguous(p, doc, n_hits, given))
                self.skip("passage", p.id)
                continue
            if not n_hits:
                report(i, f"[{i}].quote", f"quote of passage {p.id} not found in {doc.file}; passage skipped")
                self.skip("passage", p.id)
                continue
            end = start + len(searched)
            diff = _typography(searched, text[start:end])
            if searched is not quote:
                diff["newline"] = ("\\n", "\\r\\n")
            diff = {k: diff[k] for k in _CATEGORY_ORDER if k in diff}
            if given and (start, end) != (s, e):
                report(i, _offsets_where(i, p), self.moved(p, start, end))
            fixes.setdefault(tuple(diff), []).append((i, p, diff))
            anchored.append((i, self.placed(p, text, start, end)))

        if shifted:
            assert shift is not None
            report(shifted[0], "", f"the offsets of {_plural(len(shifted), 'passage')} in {doc.file} {shift[0]}; "
                                   f"each passage re-anchored by the quote")
        for group in fixes.values():
            first, p, _ = group[0]
            merged: dict[str, tuple[str, str]] = {}
            for _, _, diff in group:
                for key, (qs, ts) in diff.items():
                    mq, mt = merged.get(key, ("", ""))
                    merged[key] = (qs, ts) if key == "newline" else \
                        (mq + "".join(c for c in qs if c not in mq), mt + "".join(c for c in ts if c not in mt))
            if len(group) == 1:
                what = _describe_typography(merged, "the quote uses") + \
                    f"; passage {p.id} anchored with the text's characters"
            else:
                ids = ", ".join(q.id for _, q, _ in group[:3]) + (", …" if len(group) > 3 else "")
                what = _describe_typography(merged, f"the quotes of {len(group)} passages in {doc.file} ({ids}) "
                                                    f"use") + "; anchored with the text's characters"
            report(first, f"[{first}].quote", what)
        return anchored

    @staticmethod
    def moved(p: Passage, start: int, end: int) -> str:
        return (f"{_given_offsets(p)} of passage {p.id} {_do(p)} not match its quote; re-anchored by the quote "
                f"to {start}–{end}")

    @staticmethod
    def ambiguous(p: Passage, doc: Document, n: int, given: bool) -> str:
        if given:
            return (f"{_given_offsets(p)} of passage {p.id} {_do(p)} not match its quote, which occurs more "
                    f"than once ({n} times) in {doc.file}; passage skipped")
        return (f"quote of passage {p.id} occurs {n} times in {doc.file}; give start and end, or a longer quote, "
                f"to say which one; passage skipped")

    @staticmethod
    def placed(p: Passage, text: str, start: int, end: int) -> Passage:
        return p.model_copy(update={"start": start, "end": end, "quote": text[start:end],
                                    "prefix": text[max(0, start - CONTEXT_CHARS):start],
                                    "suffix": text[end:end + CONTEXT_CHARS]})

    def document_shift(self, doc: Document, wrong: list[Passage]
                       ) -> tuple[str, Callable[[Passage], tuple[int, int] | None]] | None:
        """A cause that puts most of a document's wrong offsets right (CRLF line endings not counted, a
        byte-order mark counted, UTF-8 byte offsets), with the function that maps a passage's offsets."""
        text = doc.text
        candidates: list[tuple[str, Callable[[Passage], tuple[int, int] | None]]] = []
        if "\r\n" in text:
            # offsets counted in the text with \n line endings: the k-th \r\n is at k less in it
            norm_at = [m.start() - k for k, m in enumerate(re.finditer("\r\n", text))]

            def crlf(p: Passage) -> tuple[int, int] | None:
                s = p.start + bisect_right(norm_at, p.start - 1)
                e = p.end + bisect_right(norm_at, p.end - 1)
                return (s, e) if text[s:e].replace("\r\n", "\n") == p.quote.replace("\r\n", "\n") else None

            candidates.append(("do not count the \\r of its CRLF (Windows) line endings", crlf))
        if doc.id in self._bom:
            def bom(p: Passage) -> tuple[int, int] | None:
                s, e = p.start - 1, p.end - 1
                return (s, e) if s >= 0 and text[s:e] == p.quote else None

            candidates.append(("count its byte-order mark, which is not part of the text", bom))
        if not text.isascii():
            data = text.encode("utf-8")
            byte_at: list[int] = []  # byte offset of each non-ASCII character
            extra_after: list[int] = []  # bytes beyond one per character up to and including it
            extra = 0
            for m in re.finditer(r"[^\x00-\x7f]", text):
                byte_at.append(m.start() + extra)
                extra += len(m.group().encode("utf-8")) - 1
                extra_after.append(extra)

            def to_char(b: int) -> int:
                k = bisect_right(byte_at, b - 1)
                return b - (extra_after[k - 1] if k else 0)

            def utf8(p: Passage) -> tuple[int, int] | None:
                if data[p.start:p.end] != p.quote.encode("utf-8"):
                    return None
                s, e = to_char(p.start), to_char(p.end)
                return (s, e) if text[s:e] == p.quote else None

            candidates.append(("are UTF-8 byte offsets, not character offsets", utf8))
        best, best_fixed = None, 0
        for cause, mapper in candidates:
            fixed = sum(1 for p in wrong if mapper(p) is not None)
            if fixed > best_fixed:
                best, best_fixed = (cause, mapper), fixed
        return best if best is not None and best_fixed * 2 > len(wrong) else None

    # -- references ------------------------------------------------------------------------------
    def resolve(self, name: str, i: int, item: _Item, field_name: str, ids: list[str], known: set[str],
                kinds: tuple[str, ...], what: str) -> tuple[list[str], bool]:
        """The references that resolve, and whether any other was dropped quietly (its cause is reported
        once elsewhere: a file that could not be read or is missing, or a target that was skipped)."""
        if known.issuperset(ids):  # the usual case: every reference is good
            return ids, False
        good = []
        quiet = False
        for j, ref in enumerate(ids):
            if ref in known:
                good.append(ref)
                continue
            if self.refer(name, f"[{i}].{field_name}[{j}]", item, ref, kinds, what, ""):
                quiet = True
        return good, quiet

    def refer(self, name: str, where: str, item: _Item, ref: str, kinds: tuple[str, ...], what: str,
              consequence: str, count_lost: bool = True) -> str | None:
        """A reference that does not resolve: report it and return None, or count it quietly (its cause is
        reported elsewhere) and say why: "lost" (the item was skipped), "unreadable" or "absent" (its file)."""
        lost = self.lost.get(ref)
        if lost is not None and lost in kinds:
            if count_lost:
                self.dropped[name, lost] += 1
            return "lost"
        actual = self.kind(ref) or lost
        if actual is not None:
            wanted = " or ".join(kinds)
            self.problem(name, where, f"{ref} is {_a(actual)}, not {_a(wanted)} (in {item.id}){consequence}")
            return None
        for kind in kinds:
            file = _FILE_OF[kind]
            if file in self.unreadable:
                if count_lost:
                    self.unchecked[name, file] += 1
                return "unreadable"
            if file in self.absent:
                self.absent_referrers.setdefault((name, file), set()).add(item.id)
                return "absent"
        hint = self.suggest(ref, kinds)
        self.problem(name, where, f"{item.id} refers to unknown {what} '{ref}'{hint}{consequence}")
        return None

    def follow_on_lines(self) -> None:
        """One line per file for what it lost quietly, and per cause: references into a file that could not
        be read (right after the line that says why), into a missing file, or to items that were skipped."""
        after: dict[str, list[Problem]] = {}
        for (name, file), n in self.unchecked.items():
            after.setdefault(file, []).append(Problem(name, "", (
                f"{_plural(n, 'reference')} into {file} {'was' if n == 1 else 'were'} not checked because that "
                f"file {self._why.get(file, 'could not be read')}")))
        for file, index in sorted(self.unreadable.items(), key=lambda fi: -fi[1]):
            lines = sorted(after.get(file, ()), key=lambda p: list(MODEL_FOR_FILE).index(p.file))
            self.problems[index + 1:index + 1] = lines
        if self.with_documents:
            n = self.with_documents
            self.problem("passages.json", "", f"{_plural(n, 'passage')} in skipped documents "
                                              f"{'was' if n == 1 else 'were'} skipped too")
        for name in MODEL_FOR_FILE:
            for file in MODEL_FOR_FILE:
                referrers = self.absent_referrers.get((name, file))
                if referrers:
                    n = len(referrers)
                    self.problem(name, "", f"{file} is missing; {n} {'item refers' if n == 1 else 'items refer'} "
                                           f"to {_PLURALS[_KIND_OF_FILE[file]]}")
            for kind in _SKIPPED_ORDER:
                n = self.dropped.get((name, kind), 0)
                if n:
                    self.problem(name, "", f"{_plural(n, 'reference')} to skipped {_PLURALS[kind]} "
                                           f"{'was' if n == 1 else 'were'} dropped")
            if name == "relationships.json" and self.quiet_relationships:
                n = self.quiet_relationships
                self.problem(name, "", f"{_plural(n, 'relationship')} skipped because an entity or expert "
                                       f"{'it links' if n == 1 else 'they link'} did not load")

    @staticmethod
    def _rows_all_usual(rows: list, named: dict[str, set[str]], known_passages: set, themes: set, actors: set,
                        experts: set) -> bool:
        """Whether every event row is the usual case of the loop in ``load`` (evidence that resolves,
        references that resolve, an end not before its start), tested a column at a time. ``named``: the ids
        each reference field of the rows names (``check_rows``; of more rows, when duplicates were dropped
        since, and then perhaps a false "no")."""
        if not (all(map(attrgetter("passages"), rows)) and known_passages.issuperset(named["passages"])
                and themes.issuperset(named["themes"]) and actors.issuperset(named["actors"])
                and experts.issuperset(named["experts"])):
            return False
        return all(end.end_seconds > start.start_seconds
                   for start, end in zip(map(attrgetter("start"), rows), map(attrgetter("end"), rows))
                   if end is not None)

    def stage(self, corpus: Corpus, kind: str, items: list) -> None:
        """Put the events or passages into the corpus, or, usually, keep them staged in a compact form for
        ``load_corpus`` to put in once everything the load parsed is gone (``Table.stage``)."""
        staged = corpus._store[kind].stage(items, unique=True)  # (``load`` dropped every duplicate)
        if staged is None:
            setattr(corpus, _PLURALS[kind], items)
        else:
            self.staged[kind] = staged

    def load(self) -> Corpus:
        corpus = Corpus(root=self.root)
        info = self.load_info()
        if info is not None:
            corpus.info = info

        seen = self.seen

        def dedupe(name: str, items: list[tuple[int, _Item]]) -> list[tuple[int, _Item]]:
            # (events and passages of a valid file are rows, with the model's attributes: ``validate_file_fast``)
            ids = list(map(attrgetter("id"), map(itemgetter(1), items)))
            if seen.add_all(name, ids):  # the usual case: no duplicate
                return items
            kept = []
            for (i, item), item_id in zip(items, ids):
                if item_id in seen:
                    self.problem(name, f"[{i}].id", f"duplicate id '{item_id}' (first used in {seen[item_id]}); "
                                                    f"this one skipped")
                    self.skipped[_KIND_OF_FILE[name]] += 1
                    continue
                seen[item_id] = name
                kept.append((i, item))
            return kept

        parsed: dict[str, list[tuple[int, _Item]]] = {}
        for name, model in MODEL_FOR_FILE.items():
            items = self.validate_file_fast(name, model)
            if items is None:  # something to report: the careful path says what and where
                data = self.read_json(name, required=(name == "documents.json"))
                items = self.validate_list(name, model, data)
                del data
            parsed[name] = dedupe(name, items)
        for item_id in [k for k in self.lost if k in seen]:  # an invalid copy of a valid item: not lost
            del self.lost[item_id]

        docs = {}
        for i, doc in parsed["documents.json"]:
            loaded = self.load_document_text(i, doc)
            if loaded is not None:
                docs[loaded.id] = loaded
            else:
                self.skip("document", doc.id)
        corpus.documents = list(docs.values())

        passages = self.anchor_passages(parsed["passages.json"], docs)
        self.stage(corpus, "passage", passages)
        known_passages = self.seen.of_file.get("passages.json", set())
        if len(passages) != len(known_passages):  # some were skipped
            known_passages = set(map(attrgetter("id"), passages))
        passage_only = ("passage",)

        themes_ids = {t.id for _, t in parsed["themes.json"]}
        entity_ids = {e.id for _, e in parsed["entities.json"]}
        expert_ids = {e.id for _, e in parsed["experts.json"]}

        def evidenced(name: str, i: int, item: _Evidenced, quiet: bool = False, mark: int | None = None,
                      **extra_updates: Any) -> _Evidenced:
            """``item`` with the passages that resolve; no evidence left is said once: on the line of the
            last reference that failed (from ``mark`` on), or not at all when its cause is reported elsewhere."""
            update: dict[str, Any] = dict(extra_updates)
            if mark is None:
                mark = len(self.problems)
            good, lost = self.resolve(name, i, item, "passages", item.passages, known_passages, passage_only,
                                      "passage")
            if good != item.passages:
                update["passages"] = good
            positions = update["positions"] if "positions" in update else \
                (item.positions if isinstance(item, Expert) else ())
            if not good and not any(pos.passages for pos in positions) and not (lost or quiet):
                if len(self.problems) > mark and self.problems[-1].file == name:
                    last = self.problems[-1]
                    self.problems[-1] = Problem(name, last.where, f"{last.what}; {item.id} has no other passage "
                                                                  f"as evidence")
                else:
                    self.problem(name, f"[{i}].passages", f"{item.id} has no passage as evidence")
            return item.model_copy(update=update) if update else item

        corpus.themes = [evidenced("themes.json", i, t) for i, t in parsed["themes.json"]]
        corpus.entities = [evidenced("entities.json", i, e) for i, e in parsed["entities.json"]]

        experts = []
        for i, ex in parsed["experts.json"]:
            update: dict[str, Any] = {}
            quiet = False
            if ex.organisation is not None and ex.organisation not in entity_ids:
                self.refer("experts.json", f"[{i}].organisation", ex, ex.organisation, ("entity",), "entity", "")
                update["organisation"] = None
            positions = []
            mark = len(self.problems)
            for j, pos in enumerate(ex.positions):
                good, lost = self.resolve("experts.json", i, ex, f"positions[{j}].passages", pos.passages,
                                          known_passages, passage_only, "passage")
                quiet = quiet or lost
                positions.append(pos if good == pos.passages else pos.model_copy(update={"passages": good}))
            if positions != ex.positions:
                update["positions"] = positions
            experts.append(evidenced("experts.json", i, ex, quiet, mark, **update))
        corpus.experts = experts

        events = []
        actor_ids = entity_ids | expert_ids
        event_refs = (("themes", themes_ids, ("theme",), "theme"), ("actors", actor_ids, ("entity", "expert"), "actor"),
                      ("experts", expert_ids, ("expert",), "expert"))
        in_order: dict[tuple[int, int], bool] = {}  # (id(start), id(end)) -> whether end is not before start
        ev_items = parsed["events.json"]
        ev_rows = list(map(itemgetter(1), ev_items))
        if "events.json" in self.row_files and Event in self.named and \
                self._rows_all_usual(ev_rows, self.named[Event], known_passages, themes_ids, actor_ids, expert_ids):
            ev_items = []  # every event is as it should be: checked a column at a time
            events = ev_rows
        del ev_rows
        for i, ev in ev_items:
            if type(ev) is not Event:  # a row of a valid file
                end = ev.end
                ok = end is None or _end_in_order(ev, end, in_order)
                refs = ev.passages
                if (ok and refs and known_passages.issuperset(refs) and themes_ids.issuperset(ev.themes)
                        and actor_ids.issuperset(ev.actors) and expert_ids.issuperset(ev.experts)):
                    events.append(ev)  # the usual case: nothing to report or repair
                    continue
                ev = _as_models(Event, [_row_values(ev)])[0]
            elif (ev.passages and known_passages.issuperset(ev.passages) and themes_ids.issuperset(ev.themes)
                    and actor_ids.issuperset(ev.actors) and expert_ids.issuperset(ev.experts)
                    and (ev.end is None or ev.end.end_seconds > ev.start.start_seconds)):
                events.append(ev)  # the usual case: nothing to report or repair
                continue
            update = {}
            if ev.end is not None and ev.end.end_seconds <= ev.start.start_seconds:
                self.problem("events.json", f"[{i}].end", f"end {ev.end} is before start {ev.start} in {ev.id}; "
                                                          f"the end is ignored")
                update["end"] = None
            for fname, known, kinds, what in event_refs:
                refs = getattr(ev, fname)
                good, _ = self.resolve("events.json", i, ev, fname, refs, known, kinds, what)
                if good != refs:
                    update[fname] = good
            events.append(evidenced("events.json", i, ev, **update))
        self.stage(corpus, "event", events)

        nodes = entity_ids | expert_ids
        rels = []
        for i, rel in parsed["relationships.json"]:
            bad, reported, absent = False, False, False
            for fname in ("source", "target"):
                ref = getattr(rel, fname)
                if ref not in nodes:
                    bad = True
                    why = self.refer("relationships.json", f"[{i}].{fname}", rel, ref, ("entity", "expert"),
                                     "entity or expert", "; relationship skipped", count_lost=False)
                    reported = reported or not why
                    absent = absent or why == "absent"
            if bad:
                if not reported and not absent:  # its cause is reported elsewhere: counted in one line
                    self.quiet_relationships += 1
                self.skipped["relationship"] += 1
                continue
            update = {}
            if rel.start and rel.end and rel.end.end_seconds <= rel.start.start_seconds:
                self.problem("relationships.json", f"[{i}].end",
                             f"end {rel.end} is before start {rel.start} in {rel.id}; the end is ignored")
                update["end"] = None
            rels.append(evidenced("relationships.json", i, rel, **update))
        corpus.relationships = rels

        self.follow_on_lines()
        corpus.problems = [_printable_problem(p) for p in self.problems]
        corpus.skipped = {_PLURALS[k]: self.skipped[k] for k in _SKIPPED_ORDER if self.skipped.get(k)}
        # What was parsed goes a piece at a time: 200,000 rows freed in one go held Python's lock for 90 ms
        # at 100k events (the window's event loop waited), a second at 1M.
        del passages, events, ev_items, items, rels, experts
        for name in list(parsed):
            _free_in_pieces(parsed.pop(name))
        for ids in self.seen.of_file.values():
            ids.clear()
        return corpus


def skipped_summary(corpus: Any) -> str:
    """The items the loader skipped, in words: "skipped: 2 passages, 1 event" ("" when none was)."""
    skipped = getattr(corpus, "skipped", None) or {}
    singular = {plural: kind for kind, plural in _PLURALS.items()}
    parts = [f"{n} {plural if n != 1 else singular.get(plural, plural)}" for plural, n in skipped.items() if n]
    return "skipped: " + ", ".join(parts) if parts else ""


def load_corpus(path: str | Path, stamps: dict | None = None) -> Corpus:
    """Load a corpus folder. Raises ``NotACorpusError`` only when the path is not a corpus at all;
    every other problem is collected in ``Corpus.problems`` and the valid rest is loaded. ``Corpus.skipped``
    counts the items skipped, by plural kind (``skipped_summary`` says it in words).

    ``stamps``: a dict, filled with the stamps of the corpus's files as ``read_stamps`` gives them, made
    from the bytes the load read (``Stamper``; the files the load did not read are stamped after)."""
    root = Path(path)
    _check_folder(root)  # there, a folder, and one that can be looked into
    # a save that was interrupted is completed (or rolled back) first, so that what loads is never a mix
    try:
        notes = finish_interrupted_save(root)
    except OSError as exc:  # a read-only folder: load what is there, and say why the save is not finished
        notes = [f"an interrupted save could not be finished ({exc.strerror or exc})"]
    notes = [printable(note) for note in notes]
    if not _has_corpus_file(root):
        raise NotACorpusError(f"{root}: is not a corpus folder (it has neither documents.json nor corpus.json)")
    stamper = Stamper() if stamps is not None else None
    try:
        corpus = _load(root, stamper)
    finally:
        found = stamper.stamps() if stamper is not None else {}
    if stamps is not None:
        stamps.update(complete_stamps(root, found))
    corpus.notes = notes
    return corpus


def _load(root: Path, stamper: Stamper | None) -> Corpus:
    with _gc_paused():
        loader = _Loader(root, stamper)
        corpus = loader.load()
        staged = loader.staged
        del loader  # and with it what it parsed: the tables' strings are made after (``Table.stage``)
        for kind, rows in staged.items():
            corpus._fill_staged(kind, rows)
        del staged
    return corpus
