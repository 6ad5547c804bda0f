"""Spreadsheets of events (CSV and XLSX), in and out.

In: a column mapping onto date, end date, precision, title, summary, actors, location, source, notes,
themes, experts, guessed from the header (``guess_mapping``) and changeable; the ACLED layout
(``event_date``, ``time_precision``, ``event_type``, ``actor1``, ``assoc_actor_1``...) is recognised without
one, and so is explorer's own export. Multi-valued cells are split on ``;``. Actors become entities, merged
by name with those already in the corpus. Each row's text is stored in one document per imported file (a
block per row), and the row's event has that block as its passage.
Out: one row per event with every field (RFC 4180 quoting, CRLF), UTF-8 with a byte-order mark so that
Excel reads accents and Chinese as they are (LibreOffice reads it either way); XLSX with openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from ..model.dates import PartialDate, suggest_date
from .common import (DocumentBuilder, ImportPlan, InteropError, PDocument, PEntity, PEvent, PSpan, PTheme,
                     partial_date)

#: what a column can be mapped onto, in the order the dialog lists them
FIELDS = ("date", "end_date", "precision", "title", "summary", "actors", "location", "source", "notes",
          "themes", "experts")
FIELD_LABELS = {"date": "Date", "end_date": "End date", "precision": "Precision", "title": "Title",
                "summary": "Summary", "actors": "Actors", "location": "Location", "source": "Source",
                "notes": "Notes", "themes": "Themes", "experts": "Experts"}
MULTI = ("actors", "themes", "experts", "source")

#: header words that suggest a field (lower case, compared after removing spaces, _ and -)
_HINTS: dict[str, tuple[str, ...]] = {
    "date": ("date", "start", "startdate", "eventdate", "when", "day", "begin", "from", "datum", "fecha"),
    "end_date": ("end", "enddate", "until", "to", "finish", "stop"),
    "precision": ("precision", "timeprecision", "dateprecision", "accuracy"),
    "title": ("title", "headline", "name", "event", "eventtype", "what", "subject", "label"),
    "summary": ("summary", "description", "text", "details", "body", "abstract", "content"),
    "actors": ("actors", "actor", "actor1", "actor2", "participants", "who", "people", "parties",
               "assocactor1", "assocactor2", "allyactor1", "allyactor2"),
    "location": ("location", "place", "where", "city", "country", "site"),
    "source": ("source", "sources", "reference", "url", "link", "citation"),
    "notes": ("notes", "note", "comment", "comments", "remarks"),
    "themes": ("themes", "theme", "tags", "tag", "category", "categories", "group", "type"),
    "experts": ("experts", "voices", "speakers"),
}
ACLED_REQUIRED = {"event_date", "event_type", "actor1"}
EXPLORER_COLUMNS = ["id", "title", "summary", "start", "end", "precision", "end_precision", "inferred",
                    "date_text", "themes", "actors", "experts", "quotes", "documents", "conflict"]


def _key(h: str) -> str:
    return re.sub(r"[\s_\-.]+", "", h.casefold())


def read_csv_rows(path: Path, limit_bytes: int = 512 * 1024 * 1024) -> list[list[str]]:
    """The rows of a CSV file (UTF-8 with or without BOM, else cp1252), delimiter sniffed among , ; tab."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InteropError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit_bytes:
        raise InteropError(f"{path.name}: the file is larger than {limit_bytes // 2**20} MiB")
    text = _decode(raw)
    if not text or text.isspace():
        return []
    first = text[:4096].split("\n", 1)[0]
    delim = max((",", ";", "\t"), key=first.count)
    if first.count(delim) == 0:
        delim = ","
    # row by row in Python, each line found as a StringIO(newline="") would find it, not list(reader) over a
    # StringIO: a C call over all 100,000 rows (or the StringIO's copy of the text) holds the interpreter's
    # lock for 0.1-0.3 s, and the window (whose import dialog reads in a thread) could not answer meanwhile
    rows: list[list[str]] = []
    add = rows.append
    for row in csv.reader((m.group() for m in _LINE.finditer(text)), delimiter=delim):
        add(row)
    return rows


#: a line as StringIO(newline="") reads it: up to and with \n, \r\n or \r, or the last one without
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")


def _decode(raw: bytes, piece: int = 1 << 20) -> str:
    """UTF-8 with or without a byte-order mark, else cp1252; a megabyte at a time (one C call over 20 MB holds
    the interpreter's lock for 40-100 ms)."""
    if len(raw) <= piece:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    view = memoryview(raw)
    try:
        parts = [decoder.decode(view[i:i + piece]) for i in range(0, len(raw), piece)]
        parts.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        decoder = codecs.getincrementaldecoder("cp1252")(errors="replace")
        parts = [decoder.decode(view[i:i + piece]) for i in range(0, len(raw), piece)]
        parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


def read_xlsx_rows(path: Path) -> list[list[str]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency
        raise InteropError(f"{path.name}: reading .xlsx needs openpyxl (pip install openpyxl)") from None
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise InteropError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        out = []
        for row in ws.iter_rows(values_only=True):
            out.append(["" if v is None else (v if isinstance(v, (date, datetime)) else str(v)) for v in row])
        return out
    finally:
        wb.close()


def peek_header(path: Path, fmt: str) -> list[str]:
    """The first non-empty row of a spreadsheet (its header), read without the rest where it can be."""
    if fmt == "xlsx":
        rows = read_xlsx_rows(path)
    else:
        try:
            head = path.open("rb").read(1 << 20).decode("utf-8-sig", errors="replace")
        except OSError:
            return []
        lines = [line for line in head.splitlines() if line.strip()]
        if not lines:
            return []
        delim = max((",", ";", "\t"), key=lines[0].count)
        rows = list(csv.reader(io.StringIO(lines[0]), delimiter=delim))
    for row in rows:
        if any(str(c).strip() for c in row):
            return [str(c).strip() for c in row]
    return []


def guess_mapping(header: list[str]) -> dict[str, str]:
    """field -> column name, from the header's words (each column used once, the first fitting one)."""
    keys = [_key(h) for h in header]
    mapping: dict[str, str] = {}
    used: set[int] = set()
    if layout(header) == "acled":
        return acled_mapping(header)
    if layout(header) == "explorer":
        return {"date": "start", "end_date": "end", "precision": "precision", "title": "title",
                "summary": "summary", "actors": "actors", "themes": "themes", "experts": "experts"}
    for fname in FIELDS:
        for hint in _HINTS[fname]:
            for i, k in enumerate(keys):
                if i not in used and k == hint:
                    mapping[fname] = header[i]
                    used.add(i)
                    break
            if fname in mapping:
                break
    # a second pass: header words that contain a hint ("Event Date (UTC)")
    for fname in FIELDS:
        if fname in mapping:
            continue
        for i, k in enumerate(keys):
            if i not in used and any(len(h) > 3 and h in k for h in _HINTS[fname]):
                mapping[fname] = header[i]
                used.add(i)
                break
    return mapping


def layout(header: list[str]) -> str | None:
    names = {h.strip().casefold() for h in header}
    if ACLED_REQUIRED <= names:
        return "acled"
    if {"id", "title", "start", "end", "precision", "quotes"} <= names:
        return "explorer"
    return None


def acled_mapping(header: list[str]) -> dict[str, str]:
    names = {h.strip().casefold(): h for h in header}
    m = {"date": "event_date", "title": "event_type", "location": "location", "source": "source",
         "notes": "notes", "precision": "time_precision", "themes": "event_type"}
    return {k: names[v] for k, v in m.items() if v in names}


#: ACLED actor columns (new and 2016 names)
ACLED_ACTORS = ("actor1", "assoc_actor_1", "ally_actor_1", "actor2", "assoc_actor_2", "ally_actor_2")

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/. ](\d{1,2}|[A-Za-z]{3,})[-/. ](\d{4})$")
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                           "nov", "dec"))}
_ISO_TIME = re.compile(r"^(-?\d{1,4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_date_cell(value: Any, day_first: bool = True,
                    seen: dict[str, tuple[PartialDate, str | None] | str] | None = None) -> tuple[PartialDate, str | None]:
    """``_parse_date_cell``; with ``seen`` (a dict kept for one import), each distinct text is parsed once
    (event sheets repeat their dates), its refusal too."""
    if seen is None or type(value) is not str or not day_first:
        return _parse_date_cell(value, day_first)
    found = seen.get(value)
    if found is None:
        try:
            found = seen[value] = _parse_date_cell(value)
        except ValueError as exc:
            seen[value] = str(exc)
            raise
    elif type(found) is str:
        raise ValueError(found)
    return found


#: a year with its era: 500 BCE, 44 B.C., AD 30, 30 CE
_ERA = re.compile(r"\d\s*(?:B\.?\s?C\.?(?:\s?E\.?)?|C\.?\s?E\.?|A\.?\s?D\.?)$|^A\.?\s?D\.?\s*\d", re.IGNORECASE)


def _parse_date_cell(value: Any, day_first: bool = True) -> tuple[PartialDate, str | None]:
    """A date cell -> (PartialDate at the precision it gives, a time of day if it has one). Accepts
    YYYY, YYYY-MM, YYYY-MM-DD, ISO date-times, dd-mm-yyyy (ACLED's documented form), 15 March 2016,
    Excel dates; ValueError in words otherwise."""
    if isinstance(value, datetime):
        t = value.strftime("%H:%M") if (value.hour, value.minute, value.second) != (0, 0, 0) else None
        return partial_date(value.year, value.month, value.day), t
    if isinstance(value, date):
        return partial_date(value.year, value.month, value.day), None
    text = str(value).strip()
    if not text:
        raise ValueError("no date")
    m = re.match(r"^(-?\d{1,4})(?:-(\d{2})(?:-(\d{2}))?)?$", text)
    if m:
        y, mo, d = m.groups()
        return partial_date(int(y), int(mo) if mo else None, int(d) if d else None), None
    m = _ISO_TIME.match(text)
    if m:
        y, mo, d, h, mi, s, _ = m.groups()
        return partial_date(int(y), int(mo), int(d)), f"{h}:{mi}" + (f":{s}" if s else "")
    m = _DAY_MONTH_YEAR.match(text)
    if m:
        d, mo, y = m.groups()
        month = int(mo) if mo.isdigit() else _MONTHS.get(mo[:3].casefold())
        if month is None:
            raise ValueError(f"{text!r} is not a date (unknown month {mo!r})")
        day = int(d)
        if not day_first and mo.isdigit():
            day, month = month, day
        return partial_date(int(y), month, day), None
    m = re.match(r"^(\d{1,2})/(\d{4})$", text)  # mm/yyyy
    if m:
        return partial_date(int(m.group(2)), int(m.group(1))), None
    if _ERA.search(text):  # 500 BCE, 44 BC, March 44 BC, 15 March 44 BCE, AD 30 (as the date fields read them)
        from ..model.dates import parse_date_input

        try:
            return PartialDate.parse(parse_date_input(text)[0]), None
        except ValueError as exc:
            raise ValueError(str(exc).split("; write it as")[0]) from None
    suggestion = suggest_date(text)
    if suggestion:
        return PartialDate.parse(suggestion), None
    raise ValueError(f"{text!r} is not a date (write YYYY, YYYY-MM or YYYY-MM-DD, or dd-mm-yyyy)")


def _precision(value: str, start: PartialDate, acled: bool) -> tuple[PartialDate, str | None]:
    """Apply a precision cell: year / month / day (or ACLED's 1 = day, 2 = week, 3 = month)."""
    v = str(value).strip().casefold()
    if not v:
        return start, None
    if acled or v in ("1", "2", "3"):
        if v == "1":
            return start, None
        if v == "2":
            return start, f"the week of {start.display()} (ACLED time precision 2: a specific week)"
        if v == "3":
            return PartialDate(start.year, start.month), \
                f"{PartialDate(start.year, start.month).display()} (ACLED time precision 3)"
    if v in ("year", "y", "yyyy"):
        return PartialDate(start.year), None
    if v in ("month", "m", "yyyy-mm"):
        return PartialDate(start.year, start.month or 1) if start.month else start, None
    if v in ("day", "d", "full", "yyyy-mm-dd"):
        return start, None
    raise ValueError(f"precision {value!r} is not year, month or day")


_MULTI_SEP = re.compile(r"\s*[;|]\s*")


def split_multi(value: Any) -> list[str]:
    """The values of a cell that may hold several, separated by ; or |."""
    if value is None or value == "":
        return []
    text = value if type(value) is str else str(value)
    if ";" not in text and "|" not in text:
        text = text.strip()
        return [text] if text else []
    return [p for p in (q.strip() for q in _MULTI_SEP.split(text)) if p]


def _cell_text(value: Any) -> str:
    """A cell as text, as the reader uses it: a text trimmed; a date (from .xlsx) in its ISO form."""
    return value.strip() if type(value) is str else str(value or "")


def read_table(path: Path, fmt: str, rows: list[list[Any]] | None = None,
               mapping: dict[str, str] | None = None,
               progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """An events sheet into a plan: a row an event (its text a block of the file's document, its passage),
    its actors and themes merged by name across rows; every row that cannot be an event named in a problem.

    Written for 100,000 rows (an ACLED extract): the columns are found once, each cell read by its index
    from a row padded with an empty cell (which an unmapped field reads), each distinct (date, precision)
    pair of cells parsed once, each actor and theme name looked up once."""
    own_rows = rows is None
    if rows is None:
        rows = read_xlsx_rows(path) if fmt == "xlsx" else read_csv_rows(path)
    plan = ImportPlan(path, fmt)
    while rows and not any(str(c).strip() for c in rows[0]):
        rows = rows[1:]
    if not rows:
        raise InteropError(f"{path.name}: the file is empty")
    header = [str(h).strip() for h in rows[0]]
    plan.header = header
    kind = layout(header)
    acled = kind == "acled"
    explorer = kind == "explorer"
    mapping = dict(mapping) if mapping is not None else guess_mapping(header)
    plan.mapping = mapping
    if acled:
        plan.notes.append("ACLED layout recognised: event_date, time_precision, event_type, actor columns, "
                          "location, notes, source")
    elif explorer:
        plan.notes.append("an events sheet exported by explorer")
    col = {h: i for i, h in reversed(list(enumerate(header)))}
    missing = [f"{FIELD_LABELS[f]} → {c!r}" for f, c in mapping.items() if c and c not in col]
    if missing:
        raise InteropError(f"{path.name}: the mapping names columns the header does not have: {', '.join(missing)}")
    if "date" not in mapping:
        raise InteropError(f"{path.name}: no column holds the date (map one onto Date; the header has "
                           f"{', '.join(header[:12])})")
    if "title" not in mapping and "summary" not in mapping and "notes" not in mapping:
        raise InteropError(f"{path.name}: no column holds a title (map one onto Title)")
    idx = {f: col[c] for f, c in mapping.items() if c in col}
    actor_cols = [col[c] for c in header if c.casefold() in ACLED_ACTORS] if acled else []
    if "actors" in idx and idx["actors"] not in actor_cols:
        actor_cols.insert(0, idx["actors"])
    ncols = len(header)
    pad = ncols  # every row read gets an empty cell here: what an unmapped field reads
    i_date, i_end, i_prec = idx["date"], idx.get("end_date", pad), idx.get("precision", pad)
    i_title, i_summary, i_notes = idx.get("title", pad), idx.get("summary", pad), idx.get("notes", pad)
    i_location, i_source = idx.get("location", pad), idx.get("source", pad)
    i_experts, i_themes = idx.get("experts", pad), idx.get("themes", pad)
    i_sub = col.get("sub_event_type", pad) if acled else pad
    i_end_precision = col.get("end_precision", pad)
    i_inferred, i_conflict = col.get("inferred", pad), col.get("conflict", pad)
    i_date_text = col.get("date_text") if explorer else None
    has_precision, has_experts = "precision" in idx, "experts" in idx
    date_column, end_column = mapping["date"], mapping.get("end_date")
    entity_kind = "group" if acled else "organisation"
    key = "doc"
    n_rows = len(rows) - 1
    fname = plan.name
    entities, theme_map = plan.entities, plan.themes
    events = plan.events
    seen_dates: dict = {}  # date cell text -> (PartialDate, time) or the refusal
    seen_starts: dict = {}  # (date cell, precision cell) -> (start, time, precision note) or the refusal
    shown: dict[PartialDate, str] = {}  # a date as the document writes it
    actor_of: dict[str, tuple[str, PEntity]] = {}  # actor name -> (entity key, entity)
    theme_of: dict[str, tuple[str, PTheme]] = {}
    parts: list[str] = []  # the document's text (DocumentBuilder's, written here without a call a row)
    length = 0

    for n, row in enumerate(rows[1:], start=2):
        if progress is not None and n % 5000 == 0:
            progress(n, n_rows)
        if not row:
            continue
        first = row[0]
        if not (type(first) is str and first and not first.isspace()) and not any(str(c).strip() for c in row):
            continue
        where = f"row {n}"
        given = len(row)
        if given == ncols:
            if own_rows:
                row.append("")
            else:
                row = [*row, ""]
        elif given < ncols:
            row = [*row, *([""] * (ncols + 1 - given))]
        else:
            if any(str(c).strip() for c in row[ncols:]):
                plan.problem(where, f"{given} cells but the header has {ncols} columns; the extra cells are ignored")
            row = [*row[:ncols], ""]
        # the start: the date cell at the precision cell's precision (the pair parsed once)
        date_cell, precision_cell = row[i_date], row[i_prec]
        if type(date_cell) is str:
            date_cell = date_cell.strip()
        if type(precision_cell) is str:
            precision_cell = precision_cell.strip()
        pair = (date_cell, precision_cell) if type(date_cell) is str and type(precision_cell) is str else None
        found = seen_starts.get(pair) if pair is not None else None
        if found is None:
            try:
                start, stime = parse_date_cell(date_cell, seen=seen_dates)
            except ValueError as exc:
                found = (None, f"{exc}; the row is left out")
            else:
                try:
                    precision_note = None
                    if has_precision:
                        start, precision_note = _precision(precision_cell, start, acled)
                except ValueError as exc:
                    found = (False, f"{exc}; the row is left out")
                else:
                    found = (start, stime, precision_note, start.display())
            if pair is not None:
                seen_starts[pair] = found
        if len(found) == 2:
            if found[0] is None:
                plan.problem(f"{where}: {date_column}", found[1])
            else:
                plan.problem(where, found[1])
            continue
        start, stime, precision_note, when = found
        end = None
        etime = None
        end_cell = row[i_end]
        if type(end_cell) is str:
            end_cell = end_cell.strip()
        if end_cell not in ("", None):
            try:
                end, etime = parse_date_cell(end_cell, seen=seen_dates)
                end_precision = row[i_end_precision]
                if str(end_precision).strip():
                    end, _ = _precision(end_precision, end, False)
            except ValueError as exc:
                plan.problem(f"{where}", f"{exc}; the row is left out")
                continue
            if end == start:
                end = None
            elif end.end_seconds <= start.start_seconds:
                plan.problem(f"{where}: {end_column}", f"the end ({end}) is before the start ({start}); kept as a point")
                end = None
        location = _cell_text(row[i_location])
        title = _cell_text(row[i_title])
        if acled:
            sub = _cell_text(row[i_sub])
            title = sub or title
            if location:
                title = f"{title} — {location}" if title else location
        summary = _cell_text(row[i_summary])
        notes = _cell_text(row[i_notes])
        if not title:
            title = (summary or notes).split("\n")[0][:100]
            if not title:
                plan.problem(where, "no title (and no text to make one from); the row is left out")
                continue
        cell = row[i_source]
        sources = ([cell.strip()] if cell and not cell.isspace() else []) if type(cell) is str and ";" not in cell \
            and "|" not in cell else split_multi(cell)
        actors: list[str] = []
        for i in actor_cols:
            cell = row[i]
            if type(cell) is str and ";" not in cell and "|" not in cell:  # one name (split_multi's, faster)
                if cell and not cell.isspace():
                    cell = cell.strip()
                    if cell not in actors:
                        actors.append(cell)
            else:
                for a in split_multi(cell):
                    if a not in actors:
                        actors.append(a)
        experts = split_multi(row[i_experts]) if has_experts else []
        cell = row[i_themes]
        themes = ([cell.strip()] if cell and not cell.isspace() else []) if type(cell) is str and ";" not in cell \
            and "|" not in cell else split_multi(cell)
        date_text = precision_note
        if stime or etime:
            date_text = " – ".join(x for x in (f"{start} {stime or ''}".strip(), end and f"{end} {etime or ''}".strip())
                                   if x)
        if i_date_text is not None and i_date_text < given:
            date_text = _cell_text(row[i_date_text]) or None
        # the row's block of the document: its passage
        if end is not None:
            end_shown = shown.get(end)
            if end_shown is None:
                end_shown = shown[end] = end.display()
            when = f"{when} – {end_shown}"
        if location and location not in title:
            when = f"{when} ({location})"
        block = f"Row {n}: {title}\n{when}"
        if summary:
            block = f"{block}\n{summary}\n{notes}" if notes else f"{block}\n{summary}"
        elif notes:
            block = f"{block}\n{notes}"
        if actors and not acled:
            block = f"{block}\nActors: {'; '.join(actors)}"
        if sources:
            block = f"{block}\nSource: {'; '.join(sources)}"
        if parts:
            parts.append("\n\n")
            length += 2
        pspan = PSpan(length, length + len(block), key)
        parts.append(block)
        length += len(block)
        provenance = f"{fname} {where}"
        if acled:
            text = notes
        elif notes and summary:
            text = f"{summary}\n\n{notes}"
        else:
            text = summary or notes
        theme_keys: list[str] = []
        actor_keys: list[str] = []
        expert_keys: list[str] = []
        ev = PEvent(title, start, end, text, date_text, False, theme_keys, actor_keys, expert_keys, pspan, provenance)
        if explorer:
            if i_inferred < given:
                ev.inferred = _cell_text(row[i_inferred]).casefold() in ("true", "yes", "1")
            if i_conflict < given:
                ev.conflict = _cell_text(row[i_conflict]) or None
        for name in actors:
            found_actor = actor_of.get(name)
            if found_actor is None:
                k = "e:" + name.casefold()
                e = entities.get(k)
                if e is None:
                    plan.entity(name, kind=entity_kind, expert=False, provenance=provenance)
                    e = entities[k]
                found_actor = actor_of[name] = (k, e)
            k, e = found_actor
            actor_keys.append(k)
            if len(e.spans) < 20:
                e.spans.append(pspan)
        for name in experts:  # voices: few, and a name first seen as an actor becomes one
            k = "e:" + name.casefold()
            e = entities.get(k)
            if e is None or not e.expert:
                plan.entity(name, kind=entity_kind, expert=True, provenance=provenance)
                e = entities[k]
            expert_keys.append(k)
            if len(e.spans) < 20:
                e.spans.append(pspan)
        for name in themes:
            found_theme = theme_of.get(name)
            if found_theme is None:
                k = "t:" + name.casefold()
                t = theme_map.get(k)
                if t is None:
                    plan.theme(name, provenance=provenance)
                    t = theme_map[k]
                found_theme = theme_of[name] = (k, t)
            k, t = found_theme
            theme_keys.append(k)
            if len(t.spans) < 20:
                t.spans.append(pspan)
        events.append(ev)
    doc = DocumentBuilder()
    doc.parts, doc.length = parts, length
    plan.documents.append(PDocument(key, f"{path.name} (imported events)", doc.text(), provenance=path.name))
    if progress is not None:
        progress(n_rows, n_rows)
    if not plan.events and not plan.problems:
        plan.problem("rows", "the sheet has no events")
    return plan


# -- out --------------------------------------------------------------------------------------------------------

def event_rows(corpus, events: Iterable) -> Iterable[list[str]]:
    docs = {d.id: d for d in corpus.documents}

    def names(ids) -> str:
        return "; ".join(corpus.get(i).label for i in ids if corpus.get(i) is not None)

    for ev in events:
        quotes, documents = [], []
        for pid in ev.passages:
            p = corpus.get(pid)
            if p is None:
                continue
            quotes.append(p.quote)
            d = docs.get(p.document)
            if d is not None and d.title not in documents:
                documents.append(d.title)
        end = ev.end if ev.end is not None and ev.end != ev.start else None
        yield [ev.id, ev.title, ev.summary, str(ev.start), str(end) if end else "", ev.start.precision.name.lower(),
               end.precision.name.lower() if end else "", "true" if ev.inferred else "", ev.date_text or "",
               names(ev.themes), names(ev.actors), names(ev.experts), " | ".join(quotes), "; ".join(documents),
               ev.conflict or ""]


def export_csv(corpus, events: list, path: Path, bom: bool = True) -> int:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(EXPLORER_COLUMNS)
    n = 0
    for row in event_rows(corpus, events):
        w.writerow(row)
        n += 1
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + buf.getvalue().encode("utf-8"))
    return n


def export_xlsx(corpus, events: list, path: Path) -> int:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=False)
    ws = wb.active
    ws.title = "Events"
    ws.append(EXPLORER_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 0
    for row in event_rows(corpus, events):
        ws.append([_xlsx_safe(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a text that starts with = stays text, not a formula
        n += 1
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKLMNO", (24, 40, 50, 12, 12, 10, 10, 8, 20, 20, 30, 20, 60, 30, 20)):
        ws.column_dimensions[letter].width = width
    wb.save(path)
    return n


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_safe(value: str) -> str:
    """openpyxl refuses control characters (XML cannot hold them); a formula-like text stays text."""
    value = _ILLEGAL.sub("", value)
    return value
