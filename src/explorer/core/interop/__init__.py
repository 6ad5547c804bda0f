"""Standard formats in and out: TimelineJS, event spreadsheets, vis-timeline, W3C Web Annotations, GEXF,
GraphML and citation lists. Qt-free.

    plan = read_file("timeline.json")             # nothing changes: a plan, with plan.problems
    result = apply_plan(ws, plan)                 # one undo step ("Import timeline.json")
    export_data("gexf", ws.corpus, ws.index, "graph.gexf")
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .common import (EXPORT_FORMATS, FORMATS, IMPORT_FORMATS, ApplyResult, Cancelled, ImportPlan, InteropError,
                     Problem, apply_plan, html_to_text)
from .detect import detect


def read_file(path: str | Path, fmt: str | None = None, corpus=None, mapping: dict[str, str] | None = None,
              progress: Callable[[int, int], None] | None = None) -> ImportPlan:
    """Read a file into an import plan (the corpus is needed for W3C annotations, which land on its
    documents). InteropError when the file cannot be read at all."""
    path = Path(path)
    if not path.exists():
        raise InteropError(f"{path}: no such file")
    if not path.is_file():
        raise InteropError(f"{path}: not a file")
    fmt = fmt or detect(path)
    if fmt not in IMPORT_FORMATS:
        raise InteropError(f"{path.name}: explorer does not import {fmt!r} (it imports {', '.join(IMPORT_FORMATS)})")
    if fmt == "timelinejs":
        from .timelinejs import read_json
        return read_json(path)
    if fmt == "timelinejs-csv":
        from .timelinejs import read_csv
        return read_csv(path)
    if fmt in ("csv", "xlsx"):
        from ..gcpause import _gc_paused
        from .spreadsheet import read_table

        with _gc_paused():  # a million small objects at 100k rows: the collector would walk them again and again
            return read_table(path, fmt, mapping=mapping, progress=progress)
    if fmt == "vis":
        from .vis import read
        return read(path)
    if fmt == "w3c":
        from .w3c import read
        return read(path, corpus)
    if fmt == "gexf":
        from .gexf import read
        return read(path)
    from .graphml import read
    return read(path)


def selected(corpus, index, date_from=None, date_to=None, select: str | None = None, filters=None):
    """What an export holds: (events, relationships, passages), honouring a time window (PartialDates),
    the selection (the item and what it links to) and the filters."""
    from ..filters import is_visible

    t0 = date_from.start_seconds if date_from is not None else None
    t1 = date_to.end_seconds if date_to is not None else None

    def in_window(start, end) -> bool:
        if start is None:
            return True
        e = (end or start).end_seconds
        return (t0 is None or e > t0) and (t1 is None or start.start_seconds < t1)

    keep_ids = None
    if select:
        if select not in corpus:
            raise InteropError(f"--select {select}: there is no item {select} in the corpus")
        keep_ids = {select, *index.linked(select)} if index is not None else {select}
        if index is not None:
            keep_ids |= set(index.linked_events(select))
    events = [e for e in corpus.events if in_window(e.start, e.end)
              and (keep_ids is None or e.id in keep_ids)
              and (filters is None or is_visible(filters, index, e.id))]
    rels = [r for r in corpus.relationships if in_window(r.start, r.end)
            and (keep_ids is None or r.id in keep_ids or r.source in keep_ids or r.target in keep_ids)]
    if select and corpus.kind_of(select) not in ("event", "relationship") and index is not None:
        pids = list(index.passages_of(select))
    else:
        pids = []
        for item in [*events, *rels]:
            pids.extend(item.passages)
    if not select and date_from is None and date_to is None and (filters is None or not filters.active):
        pids = list(corpus.passage_table.ids()) if hasattr(corpus, "passage_table") else [p.id for p in corpus.passages]
    seen, passages = set(), []
    for pid in pids:
        if pid not in seen and pid in corpus:
            seen.add(pid)
            passages.append(corpus.get(pid))
    return events, rels, passages


def export_data(fmt: str, corpus, index, out: str | Path, date_from=None, date_to=None, select=None,
                filters=None) -> str:
    """Write ``out`` in a format; returns a one-line summary of what was written."""
    out = Path(out)
    if fmt not in EXPORT_FORMATS:
        raise InteropError(f"explorer does not export {fmt!r} (it exports {', '.join(EXPORT_FORMATS)})")
    events, rels, passages = selected(corpus, index, date_from, date_to, select, filters)
    if fmt == "timelinejs":
        from .timelinejs import export_json
        n = export_json(corpus, events, out)
        return f"{n} events written to {out} (TimelineJS3 JSON)"
    if fmt == "timelinejs-csv":
        from .timelinejs import export_csv
        n = export_csv(corpus, events, out)
        return f"{n} events written to {out} (TimelineJS sheet CSV)"
    if fmt == "csv":
        from .spreadsheet import export_csv
        n = export_csv(corpus, events, out)
        return f"{n} events written to {out} (CSV, UTF-8 with BOM)"
    if fmt == "xlsx":
        from .spreadsheet import export_xlsx
        n = export_xlsx(corpus, events, out)
        return f"{n} events written to {out} (XLSX)"
    if fmt == "vis":
        from .vis import export
        n = export(corpus, events, out)
        return f"{n} items written to {out} (vis-timeline items and groups)"
    if fmt == "w3c":
        from .w3c import export
        n = export(corpus, index, passages, out)
        return f"{n} annotations written to {out} (W3C Web Annotations)"
    if fmt in ("gexf", "graphml"):
        module = __import__(f"explorer.core.interop.{fmt}", fromlist=["export"])
        whole = not select and date_from is None and date_to is None
        nodes, edges = module.export(corpus, out, None if whole else rels)
        return f"{nodes} nodes and {edges} edges written to {out} ({FORMATS[fmt]})"
    from .citations import export
    n = export(corpus, passages, out)
    return f"{n} citations written to {out}"


__all__ = ["read_file", "apply_plan", "export_data", "selected", "detect", "ImportPlan", "ApplyResult", "Problem",
           "InteropError", "Cancelled", "FORMATS", "IMPORT_FORMATS", "EXPORT_FORMATS", "html_to_text"]
