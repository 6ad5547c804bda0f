"""vis-timeline DataSet JSON in: a list of items, or ``{"items": [...], "groups": [...]}``.

An item's ``start`` (and ``end`` for a range) becomes the event's dates: an ISO date keeps its precision
(``2014-04`` a month), a date-time or a millisecond timestamp is a day (the time kept as the date text);
``content`` (HTML allowed) is the title; ``group`` becomes a theme named by the group's ``content``;
``title`` (the tooltip) the summary. A ``range`` or ``background`` item without an end is reported and
kept as a point. The texts are stored as one document, a block per item.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

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
        when = datetime.fromtimestamp(value / 1000, tz=timezone.utc)
        return partial_date(when.year, when.month, when.day), when.strftime("%H:%M") if when.hour or when.minute \
            else None
    text = str(value).strip()
    m = _EXPANDED.match(text)
    if m:
        year = int(m.group(1))
        rest = m.group(2) or ""
        parts = [int(x) for x in rest.split("-")[1:]]
        return partial_date(year, *parts), None
    return parse_date_cell(text)


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
        try:
            start, stime = _date(item["start"])
        except (ValueError, OverflowError, OSError) as exc:
            plan.problem(f"{where}.start", f"{exc}; left out")
            continue
        end = etime = None
        kind = item.get("type") or ("range" if "end" in item else "box")
        if item.get("end") not in (None, ""):
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
        date_text = None
        if stime or etime:
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
