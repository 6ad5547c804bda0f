"""GEXF 1.3 (Gephi), out and in.

Out: actors (entities) and voices (experts) as nodes with ``type``, ``kind``, ``native_name`` and
``aliases`` attributes and a viz colour by kind; relationships as directed edges whose ``kind`` (GEXF's
own attribute for parallel edges) and label are the relationship's kind, plus each expert's affiliation as
an "affiliated with" edge. Dated relationships carry their period as a dynamic ``<spell>`` (dates at day
resolution, ``timeformat="date"``; a year covers 1 January–31 December) and, for a lossless return, the
partial dates and their precision as attributes. A spell before 1 CE is written as ISO 8601 / XSD 1.1
dates count years, astronomically (a year 0 is 1 BCE: 500 BCE begins ``-0499-01-01``), which networkx reads
as text and Java's ISO parsers as those days; the attributes keep explorer's own notation (``-0500``, no year
0) and the import reads those first, so a round trip loses nothing. Written with ``xml.etree.ElementTree`` (stdlib), not
networkx's writer (whose 1.3 output has a wrong xsi namespace and an invalid ``timeformat="long"`` for
integer times; see ../shared/interop/SPEC.md §4).
In: any GEXF namespace (1.1draft, 1.2draft, 1.3, with or without www), read by local element names;
nodes become entities (or experts, for explorer's own files), edges relationships, spells their
period. Graph files hold no text: the items come in without passages ("unsupported", and reported).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from ..model import daycount
from ..model.dates import PartialDate
from .common import ImportPlan, InteropError, PRelationship, partial_date

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: node colours by kind (entities by their kind, experts by their voice)
COLORS = {"country": "#4e79a7", "person": "#f28e2b", "organisation": "#59a14f", "project": "#b07aa1",
          "agreement": "#76b7b2", "place": "#9c755f", "event": "#edc948", "group": "#e15759",
          "expert": "#5aa9e6", "official": "#3b6fb6", "author": "#8cd17d", "commentator": "#bab0ac"}
ENTITY_KINDS = ("country", "person", "organisation", "project", "agreement", "place", "event", "group")
AFFILIATION = "affiliated with"

NODE_ATTRS = [("type", "string"), ("kind", "string"), ("native_name", "string"), ("aliases", "string"),
              ("description", "string")]
EDGE_ATTRS = [("relation", "string"), ("summary", "string"), ("start", "string"), ("start_precision", "string"),
              ("end", "string"), ("end_precision", "string"), ("inferred", "boolean")]


def graph_data(corpus, relationships: list | None = None):
    """(nodes, edges) of the corpus's actor graph: nodes (id, label, attrs, colour), edges (id, source,
    target, kind, attrs, start date, end date)."""
    nodes = []
    for e in corpus.entities:
        nodes.append((e.id, e.name, {"type": "entity", "kind": e.kind, "native_name": e.native_name or "",
                                     "aliases": "; ".join(e.aliases), "description": e.description},
                      COLORS.get(e.kind, "#999999")))
    for x in corpus.experts:
        nodes.append((x.id, x.name, {"type": "expert", "kind": x.voice, "native_name": x.native_name or "",
                                     "aliases": "", "description": x.bio}, COLORS.get(x.voice, "#5aa9e6")))
    ids = {n[0] for n in nodes}
    edges = []
    rels = corpus.relationships if relationships is None else relationships
    for r in rels:
        if r.source in ids and r.target in ids:
            end = r.end
            edges.append((r.id, r.source, r.target, r.kind,
                          {"relation": r.kind, "summary": r.summary, "start": str(r.start) if r.start else "",
                           "start_precision": r.start.precision.name.lower() if r.start else "",
                           "end": str(end) if end else "", "end_precision": end.precision.name.lower() if end else "",
                           "inferred": "true" if r.inferred else "false"}, r.start, end))
    for x in corpus.experts:
        if x.organisation and x.organisation in ids:
            edges.append((f"aff-{x.id}", x.id, x.organisation, AFFILIATION,
                          {"relation": AFFILIATION, "summary": "", "start": "", "start_precision": "", "end": "",
                           "end_precision": "", "inferred": "false"}, None, None))
    return nodes, edges


def spell_bounds(start: PartialDate | None, end: PartialDate | None) -> tuple[str | None, str | None]:
    """A period as GEXF dates: from the first day of the start to the last day of the end; without an end
    the spell is open (the relationship goes on)."""
    s = _xsd_date(*start.first_ymd()) if start else None
    e = _xsd_date(*end.last_ymd()) if end else None
    return s, e


def _xsd_date(year: int, month: int, day: int) -> str:
    """An xsd:date of a day of a historical year: '2019-12-02'; before 1 CE astronomical ('-0499-01-01' is
    1 January 500 BCE, '0000-12-31' the last day of 1 BCE), as ISO 8601 and XSD 1.1 count."""
    a = daycount.astronomical(year)
    return f"{'-' if a < 0 else ''}{abs(a):04d}-{month:02d}-{day:02d}"


_XSD_BCE = re.compile(r"^(-\d{4,}|0000)-(\d{2})-(\d{2})")


def _hex(color: str) -> dict[str, str]:
    return {"r": str(int(color[1:3], 16)), "g": str(int(color[3:5], 16)), "b": str(int(color[5:7], 16))}


def export(corpus, path: Path, relationships: list | None = None) -> tuple[int, int]:
    ET.register_namespace("", NS)
    ET.register_namespace("viz", VIZ)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}gexf", {"version": "1.3",
                                        f"{{{XSI}}}schemaLocation": f"{NS} http://gexf.net/1.3/gexf.xsd"})
    meta = ET.SubElement(root, f"{{{NS}}}meta", {"lastmodifieddate": date.today().isoformat()})
    ET.SubElement(meta, f"{{{NS}}}creator").text = "explorer"
    ET.SubElement(meta, f"{{{NS}}}description").text = corpus.info.title
    nodes, edges = graph_data(corpus, relationships)
    graph = ET.SubElement(root, f"{{{NS}}}graph", {"defaultedgetype": "directed", "mode": "dynamic",
                                                   "timeformat": "date", "timerepresentation": "interval"})
    na = ET.SubElement(graph, f"{{{NS}}}attributes", {"class": "node", "mode": "static"})
    for i, (name, typ) in enumerate(NODE_ATTRS):
        ET.SubElement(na, f"{{{NS}}}attribute", {"id": f"n{i}", "title": name, "type": typ})
    ea = ET.SubElement(graph, f"{{{NS}}}attributes", {"class": "edge", "mode": "static"})
    for i, (name, typ) in enumerate(EDGE_ATTRS):
        ET.SubElement(ea, f"{{{NS}}}attribute", {"id": f"e{i}", "title": name, "type": typ})
    xnodes = ET.SubElement(graph, f"{{{NS}}}nodes")
    for nid, label, attrs, color in nodes:
        n = ET.SubElement(xnodes, f"{{{NS}}}node", {"id": nid, "label": label})
        av = ET.SubElement(n, f"{{{NS}}}attvalues")
        for i, (name, _) in enumerate(NODE_ATTRS):
            if attrs.get(name):
                ET.SubElement(av, f"{{{NS}}}attvalue", {"for": f"n{i}", "value": attrs[name]})
        ET.SubElement(n, f"{{{VIZ}}}color", {**_hex(color), "a": "1.0"})
        ET.SubElement(n, f"{{{VIZ}}}size", {"value": "10.0"})
    xedges = ET.SubElement(graph, f"{{{NS}}}edges")
    for eid, src, dst, kind, attrs, start, end in edges:
        e = ET.SubElement(xedges, f"{{{NS}}}edge", {"id": eid, "source": src, "target": dst, "label": kind,
                                                    "kind": kind, "weight": "1.0"})
        av = ET.SubElement(e, f"{{{NS}}}attvalues")
        for i, (name, _) in enumerate(EDGE_ATTRS):
            if attrs.get(name):
                ET.SubElement(av, f"{{{NS}}}attvalue", {"for": f"e{i}", "value": attrs[name]})
        if start is not None or end is not None:
            s, t = spell_bounds(start, end)
            spells = ET.SubElement(e, f"{{{NS}}}spells")
            ET.SubElement(spells, f"{{{NS}}}spell", {k: v for k, v in (("start", s), ("end", t)) if v})
    ET.indent(root, space="  ")
    tree = ET.ElementTree(root)
    with open(path, "wb") as fh:
        tree.write(fh, encoding="UTF-8", xml_declaration=True)
        fh.write(b"\n")
    return len(nodes), len(edges)


# -- in -------------------------------------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _parse_xml(path: Path):
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise InteropError(f"{path.name}: line {line} column {col}: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise InteropError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None


def _date_value(value: str | None) -> PartialDate | None:
    if value in (None, "", "None") or value.strip().lstrip("+-").upper() in ("INF", "INFINITY"):
        return None
    if m := _XSD_BCE.match(value.strip()):  # ISO 8601 / XSD 1.1 years before 1 CE count astronomically
        return partial_date(daycount.historical(int(m.group(1))), int(m.group(2)), int(m.group(3)))
    v = value.strip()[:10]
    from .spreadsheet import parse_date_cell

    return parse_date_cell(v)[0]


def read(path: Path) -> ImportPlan:
    root = _parse_xml(path)
    if _local(root.tag) != "gexf":
        raise InteropError(f"{path.name}: not a GEXF file (the root element is <{_local(root.tag)}>, not <gexf>)")
    plan = ImportPlan(path, "gexf")
    graphs = _children(root, "graph")
    if not graphs:
        raise InteropError(f"{path.name}: no <graph> element")
    graph = graphs[0]
    timeformat = graph.get("timeformat", "double")
    titles: dict[str, str] = {}
    for attrs in _children(graph, "attributes"):
        for a in _children(attrs, "attribute"):
            titles[a.get("id", "")] = a.get("title") or a.get("id", "")
    keys: dict[str, str] = {}
    for nodes in _children(graph, "nodes"):
        for i, n in enumerate(_children(nodes, "node")):
            nid = n.get("id")
            if nid is None:
                plan.problem(f"node {i + 1}", "a node without an id; left out")
                continue
            values = {titles.get(v.get("for", ""), v.get("for", "")): v.get("value", "")
                      for av in _children(n, "attvalues") for v in _children(av, "attvalue")}
            label = (n.get("label") or nid).strip() or nid
            expert = values.get("type") == "expert"
            kind = values.get("kind", "")
            k = plan.entity(label, expert=expert,
                            kind=kind if kind in ENTITY_KINDS else "organisation",
                            voice=kind if kind in ("expert", "official", "author", "commentator") else "expert",
                            native_name=values.get("native_name") or None,
                            description=values.get("description", ""),
                            provenance=f"{plan.name} node {nid}")
            keys[nid] = k
    for edges in _children(graph, "edges"):
        for i, e in enumerate(_children(edges, "edge")):
            where = f"edge {e.get('id') or i + 1}"
            src, dst = keys.get(e.get("source", "")), keys.get(e.get("target", ""))
            if src is None or dst is None:
                plan.problem(where, f"names a node that is not in the file ({e.get('source')} -> {e.get('target')})")
                continue
            if src == dst:
                plan.problem(where, "links a node to itself; left out")
                continue
            values = {titles.get(v.get("for", ""), v.get("for", "")): v.get("value", "")
                      for av in _children(e, "attvalues") for v in _children(av, "attvalue")}
            kind = values.get("relation") or e.get("kind") or e.get("label") or "linked to"
            if kind == AFFILIATION and plan.entities[src].expert:
                plan.notes.append(f"{where}: an affiliation, imported as a relationship")
            start = end = None
            try:
                if values.get("start") or values.get("end"):  # explorer's own: the partial dates, exactly
                    start = PartialDate.parse(values["start"]) if values.get("start") else None
                    end = PartialDate.parse(values["end"]) if values.get("end") else None
                elif timeformat in ("date", "datetime", "dateTime"):
                    spells = [s for sp in _children(e, "spells") for s in _children(sp, "spell")]
                    s0 = spells[0] if spells else e
                    start = _date_value(s0.get("start") or s0.get("startopen") or s0.get("timestamp"))
                    end = _date_value(s0.get("end") or s0.get("endopen"))
                    if len(spells) > 1:
                        plan.problem(where, f"{len(spells)} spells; only the first ({start}–{end}) is kept")
            except ValueError as exc:
                plan.problem(where, f"{exc}; kept without dates")
                start = end = None
            if end is not None and start is not None and end.end_seconds <= start.start_seconds:
                plan.problem(where, f"the end ({end}) is before the start ({start}); kept without an end")
                end = None
            plan.relationships.append(PRelationship(src, dst, kind, start, end, values.get("summary", ""),
                                                    provenance=f"{plan.name} {where}"))
    plan.notes.append("a graph holds no text: the imported items have no passage as evidence (unsupported)")
    return plan
