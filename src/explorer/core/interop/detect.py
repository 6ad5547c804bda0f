"""Which format a file is in, from its extension and its content."""

from __future__ import annotations

import json
from pathlib import Path

from .common import InteropError


def _json_format(data) -> str | None:
    from .timelinejs import looks_like_timelinejs
    from .vis import looks_like_vis
    from .w3c import looks_like_w3c

    if looks_like_w3c(data):
        return "w3c"
    if looks_like_timelinejs(data):
        return "timelinejs"
    if looks_like_vis(data):
        return "vis"
    if isinstance(data, dict) and ("annotation_id" in data or ("anchor" in data and "bodies" in data)):
        return "w3c"  # Recogito 2's native model: the W3C reader says what it is
    return None


def detect(path: Path) -> str:
    """The format name of a file; InteropError naming the file when it is in no format explorer reads."""
    path = Path(path)
    try:
        head = path.open("rb").read(65536)
    except OSError as exc:
        raise InteropError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    ext = path.suffix.lower()
    if ext == ".xlsx" or head[:4] == b"PK\x03\x04":
        if ext in (".xlsx", ".xlsm") or b"xl/" in head:
            return "xlsx"
        raise InteropError(f"{path.name}: a ZIP archive that is not an .xlsx workbook: not a format explorer reads")
    if ext == ".gexf":
        return "gexf"
    if ext == ".graphml":
        return "graphml"
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    if not text:
        raise InteropError(f"{path.name}: the file is empty")
    if text.startswith("<"):
        if "<gexf" in text:
            return "gexf"
        if "<graphml" in text:
            return "graphml"
        raise InteropError(f"{path.name}: an XML or HTML file that is neither GEXF nor GraphML: not a format "
                           f"explorer reads")
    if ext in (".json", ".jsonld") or text[0] in "[{":
        try:
            data = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if ext in (".json", ".jsonld"):
                raise InteropError(f"{path.name}: not valid JSON ({exc})") from None
            data = None
        if data is not None:
            found = _json_format(data)
            if found:
                return found
            raise InteropError(f"{path.name}: JSON in no format explorer reads (TimelineJS3, vis-timeline items, "
                               f"W3C Web Annotations)")
    if ext in (".csv", ".tsv", ".txt", "") or "," in text.split("\n", 1)[0]:
        import csv
        import io

        from .timelinejs import is_sheet_header

        first_line = text.split("\n", 1)[0]
        delim = max((",", ";", "\t"), key=first_line.count)
        header = next(csv.reader(io.StringIO(first_line), delimiter=delim), [])
        if header and is_sheet_header(header):
            return "timelinejs-csv"
        return "csv"
    raise InteropError(f"{path.name}: not a format explorer reads (it reads TimelineJS JSON and CSV, events CSV "
                       f"and XLSX, vis-timeline JSON, W3C Web Annotations, GEXF and GraphML)")
