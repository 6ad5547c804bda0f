"""TimelineJS3: its JSON (``{"title", "events", "eras", "scale"}``) and its Google-Sheets CSV, in and out.

In: every slide with a start date becomes an event at the precision its date parts give (a year alone stays
a year, never 1 January); an end equal to the start is a point; ``group`` becomes a theme; eras become
spans in a lane of their own (the theme "Eras"); headline and text are read as the text a reader sees
(HTML dropped, entities decoded); media caption and credit are kept as a note at the end of the summary;
the title slide gives the corpus title. The texts are stored as one document per imported file (a block
per slide), and each event's passage is its block, so that every imported event has its evidence.
Out: JSON that TimelineJS opens (dates only to their precision, text escaped, themes as groups, the
first passage of each event quoted as a blockquote with its document as credit) and the 18-column sheet.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

from ..model.dates import PartialDate
from .common import (DocumentBuilder, ImportPlan, InteropError, PDocument, PEvent, PSpan, html_to_text,
                     partial_date)

ERA_THEME = "Eras"
_INT = re.compile(r"^-?\d*$")
_PARTS = ("year", "month", "day", "hour", "minute", "second", "millisecond")
SHEET_COLUMNS = ["Year", "Month", "Day", "Time", "End Year", "End Month", "End Day", "End Time", "Display Date",
                 "Headline", "Text", "Media", "Media Credit", "Media Caption", "Media Thumbnail", "Type", "Group",
                 "Background"]


def read_json_text(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InteropError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise InteropError(f"{path.name}: the file is empty")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InteropError(f"{path.name}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InteropError(f"{path.name}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})") from None


# -- dates ------------------------------------------------------------------------------------------------

def _clean_part(value: Any, name: str) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(f"{name} {value} is not a whole number")
        return int(value)
    text = str(value).strip().replace(",", "").replace(" ", "")
    if text == "":
        return None
    if not _INT.match(text):
        raise ValueError(f"{name} {str(value)!r} is not a number")
    return int(text)


def tjs_date(obj: Any) -> tuple[PartialDate, str | None]:
    """A TimelineJS date object -> (PartialDate at the precision of its finest part, the time if it has
    one, as text). ValueError in words when it cannot be kept."""
    if not isinstance(obj, dict):
        raise ValueError(f"a date is an object with a year, not {json.dumps(obj)[:40]}")
    parts = {n: _clean_part(obj.get(n), n) for n in _PARTS}
    year = parts["year"]
    if year is None:
        raise ValueError("the date has no year")
    month, day = parts["month"], parts["day"]
    if day is not None and month is None:
        raise ValueError(f"the date has a day ({day}) but no month")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month} does not exist")
    date = partial_date(year, month, day)
    time = None
    if parts["hour"] is not None or parts["minute"] is not None:
        h, m, s = parts["hour"] or 0, parts["minute"] or 0, parts["second"]
        time = f"{h:02d}:{m:02d}" + (f":{s:02d}" if s is not None else "")
    return date, time


def _display(date: PartialDate, time: str | None) -> str:
    return date.display() + (f", {time}" if time else "")


# -- JSON in -------------------------------------------------------------------------------------------------

def _legacy_message(data: dict) -> str | None:
    tl = data.get("timeline")
    if isinstance(tl, dict):
        if "date" in tl or "startDate" in tl:
            return ("this is a TimelineJS2 (legacy) file ({\"timeline\": {\"date\": [...]}}); TimelineJS3 needs "
                    "{\"events\": [...]}: open it in the TimelineJS2-to-3 converter or re-export it")
        if "slides" in tl:
            return ("the events are under \"timeline\" > \"slides\", a shape TimelineJS3 does not read "
                    "(it needs {\"events\": [...]} at the top)")
        return "TimelineJS3 needs {\"events\": [...]} at the top; this file has {\"timeline\": ...}"
    return None


def looks_like_timelinejs(data: Any) -> bool:
    return isinstance(data, dict) and (isinstance(data.get("events"), list) or "timeline" in data
                                       or ("title" in data and "eras" in data))


def read_json(path: Path) -> ImportPlan:
    data = read_json_text(path)
    plan = ImportPlan(path, "timelinejs")
    if not isinstance(data, dict):
        raise InteropError(f"{path.name}: not a TimelineJS3 file (it holds a JSON "
                           f"{type(data).__name__}, not an object with \"events\")")
    legacy = _legacy_message(data)
    if legacy:
        raise InteropError(f"{path.name}: {legacy}")
    events = data.get("events")
    if events is None:
        raise InteropError(f"{path.name}: not a TimelineJS3 file: there is no \"events\" list (\"Timeline "
                           f"configuration has no events\")")
    if not isinstance(events, list):
        raise InteropError(f"{path.name}: \"events\" is not a list")
    doc = DocumentBuilder()
    key = "doc"
    title = data.get("title")
    if isinstance(title, dict):
        text = title.get("text") or {}
        headline = html_to_text(text.get("headline")) if isinstance(text, dict) else ""
        body = html_to_text(text.get("text")) if isinstance(text, dict) else ""
        if headline:
            plan.title = headline
        if body:
            plan.description = body
        doc.add(headline, body)
    if data.get("scale") == "cosmological":
        plan.notes.append("a cosmological timeline: only years 9999 BCE – 9999 CE can be kept")
    for i, slide in enumerate(events):
        where = f"events[{i}]"
        if not isinstance(slide, dict):
            plan.problem(where, "not a slide object")
            continue
        _slide(plan, doc, key, slide, where, era=False)
    for i, era in enumerate(data.get("eras") or []):
        where = f"eras[{i}]"
        if not isinstance(era, dict):
            plan.problem(where, "not an era object")
            continue
        if "end_date" not in era:
            plan.problem(where, "an era needs an end_date; left out")
            continue
        _slide(plan, doc, key, era, where, era=True)
    if plan.placeholders:
        plan.notes.append(f"{plan.placeholders} placeholder slide(s) (display_date \".\", shown by TimelineJS as "
                          f"nothing, only to make a group's row appear) left out")
    doc_title = plan.title or path.stem
    plan.documents.append(PDocument(key, f"{doc_title} (TimelineJS)", doc.text(), provenance=path.name))
    if not plan.events and not plan.problems:
        plan.problem("events", "the timeline has no events")
    return plan


def _slide(plan: ImportPlan, doc: DocumentBuilder, key: str, slide: dict, where: str, era: bool) -> None:
    text = slide.get("text") if isinstance(slide.get("text"), dict) else {}
    headline = html_to_text(text.get("headline"))
    body = html_to_text(text.get("text"))
    if "start_date" not in slide:
        other = " (it has \"date\": TimelineJS3 needs \"start_date\")" if "date" in slide else ""
        plan.problem(where, f"no start_date{other}; the slide is left out"
                     + (f" ({headline[:60]})" if headline else ""))
        return
    try:
        start, stime = tjs_date(slide["start_date"])
    except ValueError as exc:
        plan.problem(f"{where}.start_date", f"{exc}; the slide is left out")
        return
    end = etime = None
    if slide.get("end_date") not in (None, {}, ""):
        try:
            end, etime = tjs_date(slide["end_date"])
        except ValueError as exc:
            plan.problem(f"{where}.end_date", f"{exc}; kept as a point in time")
        if end is not None and end == start and etime == stime:
            end = None
        elif end is not None and end.end_seconds <= start.start_seconds and end != start:
            plan.problem(f"{where}.end_date", f"the end ({end}) is before the start ({start}); kept as a point")
            end = None
        elif end == start:
            end = None
    display = html_to_text(slide.get("display_date")) if slide.get("display_date") else None
    if display == "." and not era:  # a hidden placeholder that only makes a group's row appear
        plan.placeholders += 1
        return
    if display == "":
        display = None
    media = slide.get("media") if isinstance(slide.get("media"), dict) else {}
    caption, credit = html_to_text(media.get("caption")), html_to_text(media.get("credit"))
    note = " — ".join(x for x in (caption, credit) if x)
    if note:
        note = f"Media: {note}"
    title = headline or body.split("\n")[0][:120] or display or str(start)
    date_text = display or (" – ".join(x for x in (_display(start, stime), end and _display(end, etime)) if x)
                            if stime or etime else None)
    when = date_text or (start.display() + (f" – {end.display()}" if end else ""))
    span = doc.add(headline or title, when, body, note)
    summary = "\n\n".join(x for x in (body, note) if x)
    ev = PEvent(title=title, start=start, end=end, summary=summary, date_text=date_text,
                span=PSpan(*span, doc_key=key) if span else None, provenance=f"{plan.name} {where}")
    group = html_to_text(slide.get("group")) if slide.get("group") else ""
    if era:
        ev.themes.append(plan.theme(ERA_THEME, description="Eras of the imported TimelineJS timeline"))
    elif group:
        ev.themes.append(plan.theme(group))
    extra = slide.get("explorer")
    if isinstance(extra, dict):  # what explorer's own export adds: links and exact fields
        _explorer_extra(plan, ev, extra)
    for t in ev.themes:
        theme = plan.themes[t]
        if ev.span and len(theme.spans) < 20:
            theme.spans.append(ev.span)
    plan.events.append(ev)


def _explorer_extra(plan: ImportPlan, ev: PEvent, extra: dict) -> None:
    if isinstance(extra.get("summary"), str):
        ev.summary = extra["summary"]
    if isinstance(extra.get("date_text"), str):
        ev.date_text = extra["date_text"]
    ev.inferred = extra.get("inferred") is True
    if isinstance(extra.get("themes"), list):
        ev.themes = [plan.theme(str(n)) for n in extra["themes"] if str(n).strip()]
    for name, target in (("actors", ev.actors), ("experts", ev.experts)):
        for a in extra.get(name) or []:
            if isinstance(a, dict) and a.get("name"):
                k = plan.entity(str(a["name"]), kind=a.get("kind") if a.get("kind") in _ENTITY_KINDS else
                                "organisation", expert=a.get("type") == "expert")
                target.append(k)
                if ev.span and len(plan.entities[k].spans) < 20:
                    plan.entities[k].spans.append(ev.span)


_ENTITY_KINDS = ("country", "person", "organisation", "project", "agreement", "place", "event", "group")


# -- CSV in ----------------------------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?(?::(\d{2})(?:\.\d+)?)?\s*([ap]\.?m\.?)?$", re.I)


def _parse_time(text: str) -> str:
    m = _TIME.match(text.strip())
    if not m:
        raise ValueError(f"the time {text!r} is not h:mm[:ss] [am|pm]")
    h, mi, s, ampm = m.groups()
    h = int(h)
    if ampm:
        if h == 12:
            h = 0
        if ampm[0].lower() == "p":
            h += 12
    if h > 23 or int(mi or 0) > 59:
        raise ValueError(f"the time {text!r} does not exist")
    return f"{h:02d}:{int(mi or 0):02d}" + (f":{int(s):02d}" if s else "")


def is_sheet_header(header: list[str]) -> bool:
    names = {h.strip().casefold() for h in header}
    return {"year", "headline"} <= names or {"start date", "headline"} <= names


def read_csv(path: Path, rows: list[list[str]] | None = None) -> ImportPlan:
    from .spreadsheet import read_csv_rows

    rows = rows if rows is not None else read_csv_rows(path)
    plan = ImportPlan(path, "timelinejs-csv")
    if not rows:
        raise InteropError(f"{path.name}: the file is empty")
    header = [h.strip() for h in rows[0]]
    if not is_sheet_header(header):
        raise InteropError(f"{path.name}: not a TimelineJS sheet: the first row needs the columns Year and "
                           f"Headline (it has {', '.join(header[:8]) or 'nothing'})")
    col = {h.casefold(): i for i, h in reversed(list(enumerate(header)))}
    doc = DocumentBuilder()
    key = "doc"
    seen_title = False

    def cell(row: list[str], name: str) -> str:
        i = col.get(name.casefold())
        return row[i].strip() if i is not None and i < len(row) else ""

    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        where = f"row {n}"
        kind = cell(row, "Type").casefold()
        headline, body = html_to_text(cell(row, "Headline")), html_to_text(cell(row, "Text"))
        if kind == "title" and not seen_title:
            seen_title = True
            plan.title = headline or None
            plan.description = body or None
            doc.add(headline, body)
            continue
        if kind == "title":
            plan.problem(where, "a second title slide (\"Multiple title slides detected\"); kept as an event")
        try:
            if "year" in col:
                parts = {"year": cell(row, "Year"), "month": cell(row, "Month"), "day": cell(row, "Day")}
                if not parts["year"]:
                    if cell(row, "Time"):
                        raise ValueError("a Time without a Year")
                    raise ValueError("no Year")
                start, _ = tjs_date(parts)
                stime = _parse_time(cell(row, "Time")) if cell(row, "Time") else None
                end = etime = None
                if cell(row, "End Year"):
                    end, _ = tjs_date({"year": cell(row, "End Year"), "month": cell(row, "End Month"),
                                       "day": cell(row, "End Day")})
                    etime = _parse_time(cell(row, "End Time")) if cell(row, "End Time") else None
            else:  # legacy v1 sheet: Start Date / End Date
                from .spreadsheet import parse_date_cell

                start, stime = parse_date_cell(cell(row, "Start Date"))
                end, etime = parse_date_cell(cell(row, "End Date")) if cell(row, "End Date") else (None, None)
        except ValueError as exc:
            plan.problem(where, f"{exc}; the row is left out" + (f" ({headline[:60]})" if headline else ""))
            continue
        if end is not None and (end == start and etime == stime):
            end = None
        elif end is not None and end.end_seconds <= start.start_seconds and end != start:
            plan.problem(where, f"the end ({end}) is before the start ({start}); kept as a point")
            end = None
        elif end == start:
            end = None
        display = html_to_text(cell(row, "Display Date")) or None
        caption, credit = html_to_text(cell(row, "Media Caption")), html_to_text(cell(row, "Media Credit"))
        note = " — ".join(x for x in (caption, credit) if x)
        note = f"Media: {note}" if note else ""
        title = headline or body.split("\n")[0][:120] or display or str(start)
        date_text = display or (" – ".join(x for x in (_display(start, stime), end and _display(end, etime)) if x)
                                if stime or etime else None)
        when = date_text or (start.display() + (f" – {end.display()}" if end else ""))
        span = doc.add(headline or title, when, body, note)
        ev = PEvent(title=title, start=start, end=end, summary="\n\n".join(x for x in (body, note) if x),
                    date_text=date_text, span=PSpan(*span, doc_key=key) if span else None,
                    provenance=f"{plan.name} {where}")
        group = html_to_text(cell(row, "Group") or cell(row, "Tag"))
        if kind == "era":
            ev.themes.append(plan.theme(ERA_THEME, description="Eras of the imported TimelineJS timeline"))
        elif group:
            ev.themes.append(plan.theme(group))
        for t in ev.themes:
            if ev.span and len(plan.themes[t].spans) < 20:
                plan.themes[t].spans.append(ev.span)
        plan.events.append(ev)
    plan.documents.append(PDocument(key, f"{plan.title or path.stem} (TimelineJS sheet)", doc.text(),
                                    provenance=path.name))
    if not plan.events and not plan.problems:
        plan.problem("rows", "the sheet has no events")
    return plan


# -- out ------------------------------------------------------------------------------------------------------

def _date_obj(d: PartialDate) -> dict:
    out: dict[str, Any] = {"year": d.year}
    if d.month is not None:
        out["month"] = d.month
    if d.day is not None:
        out["day"] = d.day
    return out


def _esc(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def export_json(corpus, events: list, path: Path) -> int:
    """TimelineJS3 JSON of these events; returns how many were written."""
    doc_of = {d.id: d for d in corpus.documents}
    out_events = []
    for ev in events:
        pids = list(ev.passages)
        passages = [corpus.get(p) for p in pids]
        passages = [p for p in passages if p is not None]
        text = _esc(ev.summary)
        if len(passages) > 1:
            text += "".join(f"<blockquote>{_esc(p.quote)}</blockquote><p>— {_esc(doc_of[p.document].title)}</p>"
                            for p in passages[1:] if p.document in doc_of)
        slide: dict[str, Any] = {"start_date": _date_obj(ev.start), "text": {"headline": _esc(ev.title),
                                                                             "text": text},
                                 "unique_id": ev.id}
        if ev.end is not None and ev.end != ev.start:
            slide["end_date"] = _date_obj(ev.end)
        if ev.date_text:
            slide["display_date"] = ev.date_text
        if ev.themes:
            theme = corpus.get(ev.themes[0])
            if theme is not None:
                slide["group"] = theme.name
        if passages and passages[0].document in doc_of:
            p, d = passages[0], doc_of[passages[0].document]
            slide["media"] = {"url": f"<blockquote>{_esc(p.quote)}</blockquote>",
                              "credit": _esc(d.title + (f", {d.author}" if d.author else "")),
                              "caption": _esc(str(d.date.display()) if d.date else "")}
        slide["explorer"] = {"id": ev.id, "summary": ev.summary, "date_text": ev.date_text,
                             "inferred": ev.inferred,
                             "themes": [corpus.get(t).name for t in ev.themes if corpus.get(t) is not None],
                             "actors": [_actor(corpus, a) for a in ev.actors if corpus.get(a) is not None],
                             "experts": [_actor(corpus, a) for a in ev.experts if corpus.get(a) is not None]}
        out_events.append(slide)
    data = {"title": {"text": {"headline": _esc(corpus.info.title), "text": _esc(corpus.info.description)}},
            "events": out_events}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(out_events)


def _actor(corpus, iid: str) -> dict:
    item = corpus.get(iid)
    if item.item_kind == "expert":
        return {"name": item.name, "type": "expert"}
    return {"name": item.name, "type": "entity", "kind": item.kind}


def export_csv(corpus, events: list, path: Path) -> int:
    """The TimelineJS Google-Sheets layout (paste into the template sheet, or File ▸ Import there)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(SHEET_COLUMNS)
    w.writerow(["", "", "", "", "", "", "", "", "", corpus.info.title, corpus.info.description, "", "", "", "",
                "title", "", ""])
    doc_of = {d.id: d for d in corpus.documents}
    for ev in events:
        s, e = ev.start, ev.end if ev.end is not None and ev.end != ev.start else None
        media = credit = caption = ""
        first = corpus.get(ev.passages[0]) if ev.passages else None
        if first is not None and first.document in doc_of:
            d = doc_of[first.document]
            media = f"<blockquote>{_esc(first.quote)}</blockquote>"
            credit = d.title + (f", {d.author}" if d.author else "")
            caption = d.date.display() if d.date else ""
        theme = corpus.get(ev.themes[0]) if ev.themes else None
        w.writerow([s.year, s.month or "", s.day or "", "", e.year if e else "", (e.month or "") if e else "",
                    (e.day or "") if e else "", "", ev.date_text or "", ev.title, ev.summary, media, credit, caption,
                    "", "", theme.name if theme is not None else "", ""])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return len(events)
