"""GraphML, out and in: the same actor graph as GEXF (gexf.py), dates as ISO partial dates (``1998``,
``2020-04``, ``2019-12-02``; BCE years as explorer writes them, ``-0500`` for 500 BCE, counted without a year 0
unlike ISO 8601's astronomical years) with a ``*_precision`` key beside each (GraphML has no date type). Keys are
declared before the graph, with named ids (``label``, ``kind``...); read back by networkx and yEd.
In: keys anywhere (Gephi's cdata.graphml declares them inside <graph> and reuses an id for node and
edge), CDATA values, any namespace; the items come in without passages (unsupported, and reported).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..model.dates import PartialDate
from .common import ImportPlan, InteropError, PRelationship
from .gexf import EDGE_ATTRS, ENTITY_KINDS, NODE_ATTRS, _local, _parse_xml, graph_data

NS = "http://graphml.graphdrawing.org/xmlns"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def export(corpus, path: Path, relationships: list | None = None) -> tuple[int, int]:
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NS}}}graphml", {
        f"{{{XSI}}}schemaLocation": f"{NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"})
    node_keys = [("label", "string"), ("color", "string"), *NODE_ATTRS]
    edge_keys = [("label", "string"), *EDGE_ATTRS]
    for name, typ in node_keys:
        ET.SubElement(root, f"{{{NS}}}key", {"id": f"node_{name}", "for": "node", "attr.name": name,
                                             "attr.type": typ})
    for name, typ in edge_keys:
        ET.SubElement(root, f"{{{NS}}}key", {"id": f"edge_{name}", "for": "edge", "attr.name": name,
                                             "attr.type": typ})
    graph = ET.SubElement(root, f"{{{NS}}}graph", {"id": "G", "edgedefault": "directed"})
    nodes, edges = graph_data(corpus, relationships)
    for nid, label, attrs, color in nodes:
        n = ET.SubElement(graph, f"{{{NS}}}node", {"id": nid})
        for name, value in (("label", label), ("color", color), *attrs.items()):
            if value:
                ET.SubElement(n, f"{{{NS}}}data", {"key": f"node_{name}"}).text = value
    for eid, src, dst, kind, attrs, _, _ in edges:
        e = ET.SubElement(graph, f"{{{NS}}}edge", {"id": eid, "source": src, "target": dst})
        ET.SubElement(e, f"{{{NS}}}data", {"key": "edge_label"}).text = kind
        for name, value in attrs.items():
            if value:
                ET.SubElement(e, f"{{{NS}}}data", {"key": f"edge_{name}"}).text = value
    ET.indent(root, space="  ")
    with open(path, "wb") as fh:
        ET.ElementTree(root).write(fh, encoding="UTF-8", xml_declaration=True)
        fh.write(b"\n")
    return len(nodes), len(edges)


def read(path: Path) -> ImportPlan:
    root = _parse_xml(path)
    if _local(root.tag) != "graphml":
        raise InteropError(f"{path.name}: not a GraphML file (the root element is <{_local(root.tag)}>)")
    plan = ImportPlan(path, "graphml")
    keys: dict[tuple[str, str], str] = {}
    for k in root.iter():
        if _local(k.tag) == "key":
            name = k.get("attr.name") or k.get("id", "")
            keys[(k.get("for", "all"), k.get("id", ""))] = name

    def data_of(el, kind: str) -> dict[str, str]:
        out = {}
        for d in el:
            if _local(d.tag) == "data":
                kid = d.get("key", "")
                name = keys.get((kind, kid)) or keys.get(("all", kid)) or kid
                out[name] = (d.text or "").strip()
        return out

    graphs = [g for g in root if _local(g.tag) == "graph"]
    if not graphs:
        raise InteropError(f"{path.name}: no <graph> element")
    ids: dict[str, str] = {}
    for graph in graphs:
        for el in graph:
            if _local(el.tag) == "node":
                nid = el.get("id")
                if nid is None:
                    plan.problem("node", "a node without an id; left out")
                    continue
                values = data_of(el, "node")
                label = values.get("label") or values.get("name") or nid
                kind = values.get("kind", "")
                ids[nid] = plan.entity(label, expert=values.get("type") == "expert",
                                       kind=kind if kind in ENTITY_KINDS else "organisation",
                                       voice=kind if kind in ("expert", "official", "author", "commentator")
                                       else "expert", native_name=values.get("native_name") or None,
                                       description=values.get("description", ""),
                                       provenance=f"{plan.name} node {nid}")
        for i, el in enumerate(e for e in graph if _local(e.tag) == "edge"):
            where = f"edge {el.get('id') or i + 1}"
            src, dst = ids.get(el.get("source", "")), ids.get(el.get("target", ""))
            if src is None or dst is None:
                plan.problem(where, f"names a node that is not in the file ({el.get('source')} -> {el.get('target')})")
                continue
            if src == dst:
                plan.problem(where, "links a node to itself; left out")
                continue
            values = data_of(el, "edge")
            kind = values.get("relation") or values.get("label") or values.get("kind") or "linked to"
            start = end = None
            try:
                start = PartialDate.parse(values["start"]) if values.get("start") else None
                end = PartialDate.parse(values["end"]) if values.get("end") else None
            except ValueError as exc:
                plan.problem(where, f"{exc}; kept without dates")
                start = end = None
            plan.relationships.append(PRelationship(src, dst, kind, start, end, values.get("summary", ""),
                                                    provenance=f"{plan.name} {where}"))
    plan.notes.append("a graph holds no text: the imported items have no passage as evidence (unsupported)")
    return plan
