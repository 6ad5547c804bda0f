"""W3C Web Annotations (JSON-LD; also Recogito's and Hypothesis's exports), in and out.

In, onto documents already in the corpus: an annotation's target names its document (``source``: an
explorer ``urn:explorer:doc:ID``, a document's id, file or title; without one, the document whose text
holds the quote); its ``TextPositionSelector`` and ``TextQuoteSelector`` (exact, prefix, suffix) become a
passage. Positions may count code points (the W3C model) or UTF-16 code units (Hypothesis, Recogito in the
browser): both are tried, and a passage whose positions hold neither is re-anchored by its quote (and
reported). Bodies that identify (``SpecificResource`` with purpose identifying or tagging, an explorer
``urn:explorer:KIND:ID``) or tag (``TextualBody`` with purpose tagging) link the passage to an item: the
item named, else a theme of the tag's name, made when missing. Comments and other bodies are not kept.
Out: every passage as one annotation with both selectors (code points), its document as the target's
source, and each item it is evidence for as a body; re-importing the file into the same corpus changes
nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from .common import ImportPlan, InteropError, PLink, PSpan
from .timelinejs import read_json_text

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
URN = "urn:explorer:"


def looks_like_w3c(data: Any) -> bool:
    items = _annotations(data)
    return bool(items) and all(isinstance(a, dict) for a in items[:5]) and \
        any(_is_annotation(a) for a in items[:5])


def _is_annotation(a: dict) -> bool:
    t = a.get("type")
    types = t if isinstance(t, list) else [t]
    return "Annotation" in types or "oa:Annotation" in types or ("target" in a and ("uri" in a or "user" in a))


def _annotations(data: Any) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if _is_annotation(data):
            return [data]
        for key in ("items", "rows", "annotations"):
            if isinstance(data.get(key), list):
                return data[key]
        first = data.get("first")
        if isinstance(first, dict) and isinstance(first.get("items"), list):
            return first["items"]
    return []


def _as_list(v: Any) -> list:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def utf16_to_cp(text: str, offset: int) -> int | None:
    """The code point index of a UTF-16 code unit offset into ``text`` (None past the end or inside a pair)."""
    units = 0
    for i, ch in enumerate(text):
        if units == offset:
            return i
        if units > offset:
            return None
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text) if units == offset else None


def _selectors(target: dict) -> dict[str, dict]:
    found: dict[str, dict] = {}

    def walk(sel: Any) -> None:
        for s in _as_list(sel):
            if isinstance(s, dict):
                t = s.get("type")
                if t in ("TextQuoteSelector", "TextPositionSelector") and t not in found:
                    found[t] = s
                walk(s.get("refinedBy"))

    walk(target.get("selector"))
    return found


class _Docs:
    def __init__(self, corpus):
        self.docs = list(corpus.documents)
        self.by: dict[str, Any] = {}
        for d in self.docs:
            for k in (d.id, f"{URN}doc:{d.id}", d.file, Path(d.file).name, d.title):
                self.by.setdefault(k, d)

    def match(self, source: Any):
        if isinstance(source, dict):
            source = source.get("id")
        if not isinstance(source, str) or not source:
            return None
        if source in self.by:
            return self.by[source]
        tail = source.rstrip("/").rsplit("/", 1)[-1]
        return self.by.get(tail)


def _find_quote(text: str, exact: str, prefix: str, suffix: str, near: int | None) -> int | None:
    """Where the quote stands: its only occurrence, or the one whose context (then nearness) fits best."""
    hits = []
    at = text.find(exact)
    while at >= 0 and len(hits) < 10000:
        hits.append(at)
        at = text.find(exact, at + 1)
    if not hits:
        return None
    if len(hits) == 1:
        return hits[0]

    def score(h: int) -> tuple:
        pre = text[max(0, h - len(prefix)):h] == prefix if prefix else False
        suf = text[h + len(exact):h + len(exact) + len(suffix)] == suffix if suffix else False
        return (-(pre + suf), abs(h - near) if near is not None else 0)

    best = sorted(hits, key=score)
    if score(best[0]) == score(best[1]) and not (near is not None):
        return None
    return best[0]


def read(path: Path, corpus) -> ImportPlan:
    data = read_json_text(path)
    plan = ImportPlan(path, "w3c")
    if isinstance(data, dict) and ("annotation_id" in data or "anchor" in data and "bodies" in data):
        raise InteropError(f"{path.name}: this is Recogito 2's own annotation model (\"anchor\", \"bodies\"), not a "
                           f"W3C Web Annotation: export the annotations from Recogito as W3C Web Annotation (JSON-LD)")
    annotations = _annotations(data)
    if not annotations or not any(isinstance(a, dict) and _is_annotation(a) for a in annotations):
        raise InteropError(f"{path.name}: no W3C Web Annotation in the file (an object with \"type\": "
                           f"\"Annotation\" and a \"target\")")
    if corpus is None or not len(corpus.documents):
        raise InteropError(f"{path.name}: Web Annotations are imported onto documents of a corpus, and the corpus "
                           f"has none")
    docs = _Docs(corpus)
    items_by_urn = {}
    names = {}
    for kind in ("theme", "entity", "expert", "event", "relationship"):
        for item in corpus.items_of(kind):
            names.setdefault(" ".join(item.label.casefold().split()), item.id)
    for i, a in enumerate(annotations):
        where = f"[{i}]" + (f" ({a.get('id')})" if isinstance(a, dict) and a.get("id") else "")
        if not isinstance(a, dict) or not _is_annotation(a):
            plan.problem(where, "not an annotation")
            continue
        if a.get("motivation") == "linking" and all(isinstance(t, dict) and set(t) <= {"id", "type"}
                                                     for t in _as_list(a.get("target"))):
            plan.problem(where, "a relation between two annotations (Recogito's linking annotation) is not imported")
            continue
        targets = [t for t in _as_list(a.get("target"))]
        spans: list[PSpan] = []
        for j, t in enumerate(targets):
            twhere = f"{where}.target" + (f"[{j}]" if len(targets) > 1 else "")
            if isinstance(t, str):
                plan.problem(twhere, f"the target {t} is a whole resource, not a passage of text (no "
                                     f"TextQuoteSelector or TextPositionSelector)")
                continue
            if not isinstance(t, dict):
                plan.problem(twhere, "not a target object")
                continue
            span = _span(plan, twhere, t, docs, a.get("uri"))
            if span is not None:
                spans.append(span)
        if not spans:
            continue
        bodies = _bodies(a)
        linked = False
        for span in spans:
            plan.links.append(PLink(span=span, passage_id=None))  # the passage itself, even without a body
            for purpose, value, source in bodies:
                link = _link(plan, purpose, value, source, names, items_by_urn, corpus)
                if link is not None:
                    link.span = span
                    plan.links.append(link)
                    linked = True
        if not linked and bodies:
            plan.notes.append(f"{where}: only comments; the passage is added without an item")
    return plan


def _bodies(a: dict) -> list[tuple[str, str | None, str | None]]:
    """(purpose, text value, IRI) of each body, Choice items and Hypothesis tags included."""
    out = []
    default = a.get("motivation") if isinstance(a.get("motivation"), str) else ""

    def add(b: Any, purpose: str) -> None:
        if isinstance(b, str):
            out.append((purpose or "", None, b))
        elif isinstance(b, dict):
            if b.get("type") == "Choice":
                for item in _as_list(b.get("items")):
                    add(item, purpose)
                return
            p = b.get("purpose") if isinstance(b.get("purpose"), str) else purpose
            src = b.get("source")
            if isinstance(src, dict):
                src = src.get("id")
            value = b.get("value") if isinstance(b.get("value"), str) else None
            if b.get("type") == "SpecificResource" and src is None and value and value.startswith(("http", URN)):
                src, value = value, None  # Recogito 2 puts the IRI in "value"
            out.append((p or "", value, src if isinstance(src, str) else None))

    for b in _as_list(a.get("body")):
        add(b, default)
    for tag in _as_list(a.get("tags")):  # Hypothesis API
        if isinstance(tag, str) and tag.strip():
            out.append(("tagging", tag, None))
    return out


def _link(plan: ImportPlan, purpose: str, value: str | None, source: str | None, names: dict, by_urn: dict,
          corpus) -> PLink | None:
    if source and source.startswith(URN):
        parts = source[len(URN):].split(":", 1)
        if len(parts) == 2 and parts[1] in corpus:
            return PLink(span=None, passage_id=None, item_id=parts[1])
        plan.problem("body", f"{source} names no item of this corpus; not linked")
        return None
    if purpose not in ("tagging", "identifying", "classifying"):
        return None  # comments, descriptions, replies...
    if value:
        found = names.get(" ".join(value.casefold().split()))
        if found:
            return PLink(span=None, passage_id=None, item_id=found)
        return PLink(span=None, passage_id=None, theme_key=plan.theme(value.strip()))
    if source:
        name = source.rstrip("/").rsplit("/", 1)[-1].replace("_", " ") or source
        found = names.get(" ".join(name.casefold().split()))
        if found:
            return PLink(span=None, passage_id=None, item_id=found)
        return PLink(span=None, passage_id=None,
                     entity_key=plan.entity(name, description=f"identified as {source}", kind="organisation"))
    return None


def _short(text: str, limit: int = 60) -> str:
    """A quote as a problem line shows it: in quotes, cut with an ellipsis when long."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def _span(plan: ImportPlan, where: str, t: dict, docs: _Docs, uri: Any) -> PSpan | None:
    sel = _selectors(t)
    quote = sel.get("TextQuoteSelector", {})
    pos = sel.get("TextPositionSelector")
    exact = quote.get("exact") if isinstance(quote.get("exact"), str) else None
    if exact is None and pos is None:
        plan.problem(where, "no TextQuoteSelector or TextPositionSelector: not a passage of text")
        return None
    source = t.get("source", uri)
    doc = docs.match(source)
    if doc is None and source:
        if exact is None:
            plan.problem(where, f"the source {source} is not a document of the corpus")
            return None
    if doc is None:  # no source, or not one we know: the document whose text holds the quote
        holders = [d for d in docs.docs if exact and exact in d.text]
        if len(holders) != 1:
            said = f"the source {source}" if source else "no source"
            plan.problem(where, f"{said}, and the quote {_short(exact)} is in "
                                f"{'no document' if not holders else f'{len(holders)} documents'} of the corpus")
            return None
        doc = holders[0]
    text = doc.text
    prefix = quote.get("prefix") if isinstance(quote.get("prefix"), str) else ""
    suffix = quote.get("suffix") if isinstance(quote.get("suffix"), str) else ""
    if pos is not None:
        s, e = pos.get("start"), pos.get("end")
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e):
            plan.problem(where, f"TextPositionSelector {s}–{e} is not a range")
            pos = None
        else:
            candidates = [(s, e, "code points")]
            cs, ce = utf16_to_cp(text, s), utf16_to_cp(text, e)
            if cs is not None and ce is not None and (cs, ce) != (s, e):
                candidates.append((cs, ce, "UTF-16 code units"))
            for cs, ce, unit in candidates:
                if ce <= len(text) and (exact is None or text[cs:ce] == exact):
                    if exact is None and unit != "code points":
                        continue
                    if unit != "code points":
                        plan.notes.append(f"{where}: positions count UTF-16 code units (as Hypothesis and "
                                          f"Recogito do); converted to characters")
                    return PSpan(cs, ce, doc_id=doc.id)
            if exact is None:
                if e > len(text):
                    plan.problem(where, f"positions {s}–{e} are past the end of {doc.title} "
                                        f"({len(text)} characters)")
                    return None
                return PSpan(s, e, doc_id=doc.id)
    if not exact:
        plan.problem(where, "an empty quote")
        return None
    at = _find_quote(text, exact, prefix, suffix, pos.get("start") if pos else None)
    if at is None:
        found = text.count(exact)
        plan.problem(where, f"the quote {_short(exact)} is not in {doc.title}" if not found else
                     f"the quote {_short(exact)} occurs {found} times in {doc.title} and its prefix/suffix "
                     f"do not tell which")
        return None
    if pos is not None:
        plan.problem(where, f"the positions {pos.get('start')}–{pos.get('end')} do not hold the quote "
                            f"{_short(exact, 40)} in {doc.title}; re-anchored by the quote at {at}–{at + len(exact)}")
    return PSpan(at, at + len(exact), doc_id=doc.id)


# -- out ------------------------------------------------------------------------------------------------------

def annotation_of(corpus, index, passage) -> dict:
    items = index.items_of_passage(passage.id) if index is not None else []
    body = []
    for iid in items:
        item = corpus.get(iid)
        if item is None:
            continue
        body.append({"type": "SpecificResource", "source": f"{URN}{item.item_kind}:{iid}", "purpose": "identifying"})
        if item.item_kind == "theme":
            body.append({"type": "TextualBody", "value": item.name, "purpose": "tagging"})
        else:
            body.append({"type": "TextualBody", "value": item.label, "purpose": "describing"})
    out: dict[str, Any] = {
        "@context": CONTEXT, "id": f"{URN}anno:{passage.id}", "type": "Annotation",
        "motivation": "identifying" if items else "highlighting",
    }
    if body:
        out["body"] = body
    out["target"] = {"source": f"{URN}doc:{passage.document}", "selector": [
        {"type": "TextQuoteSelector", "exact": passage.quote, "prefix": passage.prefix, "suffix": passage.suffix},
        {"type": "TextPositionSelector", "start": passage.start, "end": passage.end}]}
    return out


def export(corpus, index, passages: Iterable, path: Path) -> int:
    annotations = [annotation_of(corpus, index, p) for p in passages]
    data = {"@context": CONTEXT, "type": "AnnotationCollection", "label": corpus.info.title,
            "total": len(annotations), "first": {"type": "AnnotationPage", "items": annotations}}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(annotations)
