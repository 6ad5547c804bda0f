"""vis-timeline DataSet JSON in: a list of items, or ``{"items": [...], "groups": [...]}``.

An item's ``start`` (and ``end`` for a range) becomes the event's dates: an ISO date keeps its precision
(``2014-04`` a month), a date-time or a millisecond timestamp is a day (the time kept as the date text);
``content`` (HTML allowed) is the title; ``group`` becomes a theme named by the group's ``content``;
``title`` (the tooltip) the summary. A ``range`` or ``background`` item without an end is reported and
kept as a point. The texts are stored as one document, a block per item.

Years BCE: vis-timeline reads dates as JavaScript ``Date``s, which count years astronomically (a year 0
exists: it is 1 BCE) and need ISO 8601's expanded six-digit years before year 0 (``-000499-01-01`` is 1 January
500 BCE). The import reads expanded years and millisecond timestamps astronomically and turns them into
explorer's historical years (no year 0); the export writes BCE dates in that expanded form, and explorer's
own key keeps the dates in explorer's notation (``-0500``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..model import daycount
from ..model.dates import PartialDate
from .common import DocumentBuilder, ImportPlan, InteropError, PDocument, PEvent, PSpan, html_to_text, partial_date
from .timelinejs import read_json_text

_EXPANDED = re.compile(r"^([+-]\d{6})(-\d{2}(?:-\d{2})?)?")


def looks_like_vis(data: Any) -> bool:
    items = data.get("items") if isinstance(data, dict) else data
    return isinstance(items, list) and bool(items) and all(isinstance(i, dict) for i in items[:20]) and \
        any("start" in i and "content" in i for i in items[:20])


def _date(value: Any):
    from .spreadsheet import parse_date_cell

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000
        if not daycount.year_start(daycount.MIN_YEAR) <= seconds < daycount.year_start(daycount.MAX_YEAR + 1):
            raise ValueError(f"the time {value} ms is outside the years explorer's dates hold (9999 BCE to 9999 CE)")
        y, mo, d = daycount.from_seconds(seconds)
        minutes = int(seconds % 86400) // 60
        return partial_date(y, mo, d), f"{minutes // 60:02d}:{minutes % 60:02d}" if minutes else None
    text = str(value).strip()
    m = _EXPANDED.match(text)
    if m:  # ISO 8601 expanded years count astronomically: -000499 is 500 BCE, +000000 is 1 BCE
        year = daycount.historical(int(m.group(1)))
        rest = m.group(2) or ""
        parts = [int(x) for x in rest.split("-")[1:]]
        return partial_date(year, *parts), None
    return parse_date_cell(text)


def _exact_date(text: str):
    """A date from explorer's own key: explorer's notation (``-0500`` is 500 BCE), else as ``_date``."""
    try:
        return PartialDate.parse(text), None
    except ValueError:
        return _date(text)


def _vis_time(date, end: bool = False) -> str:
    """The instant vis-timeline draws a partial date at: its first day, or for an end the day after its last
    (vis ends are exclusive), as an ISO date."""
    days = daycount.days_from_civil(*date.last_ymd()) + 1 if end else daycount.days_from_civil(*date.first_ymd())
    a, m, d = daycount.astro_from_days(days)
    if a < 1:  # before 1 CE: ISO 8601 expanded, astronomical (-000499 is 500 BCE), as JavaScript reads it
        return f"{'-' if a < 0 else '+'}{abs(a):06d}-{m:02d}-{d:02d}"
    return f"{a:04d}-{m:02d}-{d:02d}"


def export(corpus, events: list, path: Path) -> int:
    """vis-timeline DataSet JSON (``{"items": [...], "groups": [...]}``) of these events: a point or a range
    each, grouped by first theme, ``content`` the title (escaped: vis reads it as HTML), ``title`` (the
    tooltip) the summary. vis draws a date at an instant, so ``start`` is its first day and ``end`` the day
    after its last; each item also carries ``explorer`` with the dates at their precision, which the import
    reads back (vis ignores it). Returns how many items were written."""
    import html
    import json

    items, groups = [], {}
    for ev in events:
        item = {"id": ev.id, "content": html.escape(ev.title, quote=False), "start": _vis_time(ev.start)}
        span = ev.end is not None and ev.end != ev.start
        if span or ev.start.day is None:  # a span, or a month or year: drawn over the time it covers
            item["end"] = _vis_time(ev.end or ev.start, end=True)
            item["type"] = "range"
        if ev.summary:
            item["title"] = html.escape(ev.summary, quote=False)
        theme = corpus.get(ev.themes[0]) if ev.themes else None
        if theme is not None:
            item["group"] = theme.id
            groups.setdefault(theme.id, {"id": theme.id, "content": html.escape(theme.name, quote=False)})
        item["explorer"] = {"start": str(ev.start), **({"end": str(ev.end)} if span else {}),
                            **({"date_text": ev.date_text} if ev.date_text else {})}
        items.append(item)
    data = {"items": items, "groups": list(groups.values())}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(items)


def read(path: Path) -> ImportPlan:
    data = read_json_text(path)
    plan = ImportPlan(path, "vis")
    groups_raw: list = []
    if isinstance(data, dict):
        items, groups_raw = data.get("items"), data.get("groups") or []
    else:
        items = data
    if not isinstance(items, list):
        raise InteropError(f"{path.name}: not vis-timeline items (a list of {{start, content}} objects, or "
                           f"{{\"items\": [...], \"groups\": [...]}})")
    groups: dict[Any, str] = {}
    for i, g in enumerate(groups_raw if isinstance(groups_raw, list) else []):
        if not isinstance(g, dict) or "id" not in g:
            plan.problem(f"groups[{i}]", "a group needs an id")
            continue
        groups[str(g["id"])] = html_to_text(g.get("content")) or str(g["id"])
    doc = DocumentBuilder()
    for i, item in enumerate(items):
        where = f"items[{i}]" + (f" (id {item.get('id')})" if isinstance(item, dict) and "id" in item else "")
        if not isinstance(item, dict):
            plan.problem(where, "not an item object")
            continue
        if "start" not in item:
            plan.problem(where, "no start; left out")
            continue
        exact = item.get("explorer") if isinstance(item.get("explorer"), dict) else {}
        try:  # an item explorer wrote carries its dates at their precision
            start, stime = (_exact_date(exact["start"]) if isinstance(exact.get("start"), str)
                            else _date(item["start"]))
        except (ValueError, OverflowError, OSError) as exc:
            plan.problem(f"{where}.start", f"{exc}; left out")
            continue
        end = etime = None
        kind = item.get("type") or ("range" if "end" in item else "box")
        if exact.get("start"):
            if isinstance(exact.get("end"), str):
                try:
                    end, etime = _exact_date(exact["end"])
                except (ValueError, OverflowError, OSError) as exc:
                    plan.problem(f"{where}.explorer.end", f"{exc}; kept as a point")
        elif item.get("end") not in (None, ""):
            try:
                end, etime = _date(item["end"])
            except (ValueError, OverflowError, OSError) as exc:
                plan.problem(f"{where}.end", f"{exc}; kept as a point")
        elif kind in ("range", "background"):
            plan.problem(where, f"a {kind} item needs an end; kept as a point")
        if end is not None and end == start:
            end = None
        elif end is not None and end.end_seconds <= start.start_seconds:
            plan.problem(f"{where}.end", f"the end ({end}) is before the start ({start}); kept as a point")
            end = None
        title = html_to_text(item.get("content")) or str(item.get("id", ""))
        if not title:
            plan.problem(where, "no content; left out")
            continue
        tooltip = html_to_text(item.get("title"))
        date_text = exact.get("date_text") if isinstance(exact.get("date_text"), str) else None
        if date_text is None and (stime or etime):
            date_text = " – ".join(x for x in (f"{start} {stime or ''}".strip(),
                                               end and f"{end} {etime or ''}".strip()) if x)
        span = doc.add(title, date_text or (start.display() + (f" – {end.display()}" if end else "")), tooltip)
        ev = PEvent(title=title, start=start, end=end, summary=tooltip, date_text=date_text,
                    span=PSpan(*span, doc_key="doc") if span else None, provenance=f"{plan.name} {where}")
        if item.get("group") is not None:
            name = groups.get(str(item["group"]))
            if name is None:
                name = str(item["group"])
                if groups:
                    plan.problem(where, f"group {item['group']!r} is not among the groups; a theme of that name is made")
            k = plan.theme(name)
            ev.themes.append(k)
            if ev.span and len(plan.themes[k].spans) < 20:
                plan.themes[k].spans.append(ev.span)
        plan.events.append(ev)
    plan.documents.append(PDocument("doc", f"{path.stem} (vis-timeline items)", doc.text(), provenance=path.name))
    if not plan.events and not plan.problems:
        plan.problem("items", "no items")
    return plan
