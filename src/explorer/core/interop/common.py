"""What every importer produces and how it becomes one undoable step.

An importer reads a file into an ``ImportPlan``: records with local keys (documents, themes, entities,
events, relationships, passages on documents already in the corpus, links of passages to items) plus the
problems it found, one ``FILE: WHERE: WHAT`` line each. Nothing is changed by reading. ``apply_plan``
turns the plan into ordinary commands (AddDocument, AddItem, AddEvidence, EditInfo) run inside one
``Workspace.group``: one undo step, and nothing stays applied if it fails half-way.

Pure Python: no Qt.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from ..commands import CONTEXT_CHARS, ID_PREFIX, AddDocument, AddEvidence, AddItem, Command, EditInfo, slug
from ..corpus import Corpus, EditError, Put, evidence_of
from ..model.dates import PartialDate
from ..model.types import Document, Entity, Event, Expert, Passage, Relationship, Theme

#: format name -> what it is, for messages and the dialog
FORMATS: dict[str, str] = {
    "timelinejs": "TimelineJS3 JSON",
    "timelinejs-csv": "TimelineJS spreadsheet CSV",
    "csv": "events spreadsheet (CSV)",
    "xlsx": "events spreadsheet (Excel .xlsx)",
    "vis": "vis-timeline items JSON",
    "w3c": "W3C Web Annotations (JSON-LD)",
    "gexf": "GEXF 1.3 graph (Gephi)",
    "graphml": "GraphML graph",
    "citations": "citation list (Markdown or plain text)",
}
IMPORT_FORMATS = ("timelinejs", "timelinejs-csv", "csv", "xlsx", "vis", "w3c", "gexf", "graphml")
EXPORT_FORMATS = ("timelinejs", "timelinejs-csv", "csv", "xlsx", "vis", "w3c", "gexf", "graphml", "citations")

#: a year explorer's dates can hold (core/model/dates.py: 9999 BCE to 9999 CE, -9999 to 9999, no year 0)
MIN_YEAR, MAX_YEAR = -9999, 9999


class InteropError(Exception):
    """A file that cannot be read at all (not found, not in the format, empty): one message, no plan."""


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.what}" if self.where else f"{self.file}: {self.what}"


@dataclass
class PDocument:
    key: str
    title: str
    text: str
    author: str | None = None
    provenance: str | None = None


@dataclass(slots=True)
class PSpan:
    """A passage to make: on a document of the plan (``doc_key``) or of the corpus (``doc_id``)."""

    start: int
    end: int
    doc_key: str | None = None
    doc_id: str | None = None


@dataclass
class PTheme:
    key: str
    name: str
    color: str | None = None
    description: str = ""
    provenance: str | None = None
    spans: list[PSpan] = field(default_factory=list)


@dataclass
class PEntity:
    key: str
    name: str
    kind: str = "organisation"
    native_name: str | None = None
    description: str = ""
    provenance: str | None = None
    spans: list[PSpan] = field(default_factory=list)
    expert: bool = False  # a voice (expert) rather than an entity
    voice: str = "expert"


@dataclass(slots=True)
class PEvent:
    title: str
    start: PartialDate
    end: PartialDate | None = None
    summary: str = ""
    date_text: str | None = None
    inferred: bool = False
    themes: list[str] = field(default_factory=list)  # theme keys
    actors: list[str] = field(default_factory=list)  # entity keys
    experts: list[str] = field(default_factory=list)  # entity keys of voices
    span: PSpan | None = None
    provenance: str | None = None
    conflict: str | None = None


@dataclass
class PRelationship:
    source: str  # entity keys
    target: str
    kind: str
    start: PartialDate | None = None
    end: PartialDate | None = None
    summary: str = ""
    span: PSpan | None = None
    provenance: str | None = None


@dataclass
class PLink:
    """A passage (new span, or an existing passage id) that is evidence for an item: an existing id, or a
    theme/entity key of the plan."""

    span: PSpan | None
    passage_id: str | None
    item_id: str | None = None
    theme_key: str | None = None
    entity_key: str | None = None


@dataclass
class ImportPlan:
    path: Path
    format: str
    problems: list[Problem] = field(default_factory=list)
    title: str | None = None  # the corpus title the file gives (TimelineJS title slide)
    description: str | None = None
    documents: list[PDocument] = field(default_factory=list)
    themes: dict[str, PTheme] = field(default_factory=dict)
    entities: dict[str, PEntity] = field(default_factory=dict)
    events: list[PEvent] = field(default_factory=list)
    relationships: list[PRelationship] = field(default_factory=list)
    links: list[PLink] = field(default_factory=list)
    mapping: dict[str, str] | None = None  # spreadsheet: field -> column
    header: list[str] | None = None
    notes: list[str] = field(default_factory=list)  # what the reader chose, for the preview
    placeholders: int = 0  # TimelineJS slides hidden with display_date "." (left out)

    @property
    def name(self) -> str:
        return self.path.name

    def problem(self, where: str, what: str) -> None:
        self.problems.append(Problem(self.name, where, what))

    def theme(self, name: str, **more: Any) -> str:
        key = "t:" + name.casefold()
        if key not in self.themes:
            self.themes[key] = PTheme(key, name, **more)
        return key

    def entity(self, name: str, **more: Any) -> str:
        key = "e:" + name.casefold()
        if key not in self.entities:
            self.entities[key] = PEntity(key, name, **more)
        elif more.get("expert"):  # named among the voices somewhere: the one item is a voice
            self.entities[key].expert = True
        return key

    def counts(self) -> dict[str, int]:
        spans = sum(1 for e in self.events if e.span) + sum(1 for r in self.relationships if r.span) \
            + sum(1 for link in self.links if link.span)
        return {"documents": len(self.documents), "passages": spans, "events": len(self.events),
                "themes": len(self.themes), "entities": sum(not e.expert for e in self.entities.values()),
                "experts": sum(e.expert for e in self.entities.values()),
                "relationships": len(self.relationships),
                "links": len(self.links)}

    def summary(self) -> str:
        parts = [f"{n} {plural(k, n)}" for k, n in self.counts().items() if n and k != "links"]
        return ", ".join(parts) or "nothing"


_SINGULAR = {"documents": "document", "passages": "passage", "events": "event", "themes": "theme",
             "entities": "entity", "experts": "expert", "relationships": "relationship", "links": "link"}


def plural(kind: str, n: int) -> str:
    """'events' as it reads with n: 1 event, 2 events."""
    return _SINGULAR.get(kind, kind) if n == 1 else kind


# -- text ------------------------------------------------------------------------------------------------

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "table",
          "section", "article", "header", "footer", "pre", "hr", "dd", "dt", "figure", "figcaption"}
_SKIP = {"script", "style", "iframe", "object", "embed", "noscript", "template", "head"}


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_LINES = re.compile(r"\n\s*\n\s*(\n\s*)*")


def html_to_text(value: Any) -> str:
    """The text a reader sees of an HTML fragment: tags dropped (scripts, styles and iframes with what
    they hold), entities decoded, block elements as line breaks, runs of spaces as one, at most one blank
    line between paragraphs. Plain text without markup comes back as it is (trimmed)."""
    if value is None:
        return ""
    text = str(value)
    if "<" not in text and "&" not in text:
        return "\n".join(_SPACES.sub(" ", line).strip() for line in text.strip().splitlines()).strip()
    parser = _TextOf()
    try:
        parser.feed(text)
        parser.close()
        out = "".join(parser.parts)
    except Exception:  # html.parser is lenient; whatever slips through is read as text
        out = html.unescape(re.sub(r"<[^>]*>", " ", text))
    lines = [_SPACES.sub(" ", line).strip() for line in out.split("\n")]
    out = "\n".join(lines)
    out = _LINES.sub("\n\n", out)
    return out.strip()


class DocumentBuilder:
    """The text of an import document, written block by block; each block's span is its passage."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, *lines: str) -> tuple[int, int] | None:
        """Add a block of lines (empty ones left out); returns the span of the block, or None when empty."""
        kept = [line for line in lines if line and line.strip()]
        if not kept:
            return None
        block = "\n".join(kept)
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        start = self.length
        self.parts.append(block)
        self.length += len(block)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts) + ("\n" if self.parts else "")


# -- applying a plan -----------------------------------------------------------------------------------------

def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def existing_names(corpus: Corpus) -> dict[str, dict[str, str]]:
    """name (folded) -> id, for entities and experts (names and aliases) and themes."""
    actors: dict[str, str] = {}
    for ent in corpus.entities:
        for n in (ent.name, *ent.aliases, ent.native_name or ""):
            if n:
                actors.setdefault(_norm(n), ent.id)
    for ex in corpus.experts:
        for n in (ex.name, ex.native_name or ""):
            if n:
                actors.setdefault(_norm(n), ex.id)
    themes = {_norm(t.name): t.id for t in corpus.themes}
    return {"actors": actors, "themes": themes}


def _with_provenance(model: type, fields: dict[str, Any], provenance: str | None) -> dict[str, Any]:
    """Provenance is set only where the model has the field (events and passages keep theirs in the
    table columns of core/tables.py, which do not hold one yet)."""
    if provenance and "provenance" in model.model_fields:
        fields["provenance"] = provenance
    return fields


@dataclass
class ApplyResult:
    ids: dict[str, list[str]] = field(default_factory=dict)  # kind -> new ids
    merged: int = 0  # actors and themes matched with those already in the corpus
    linked: int = 0
    problems: list[Problem] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return len(self.ids.get(kind, ()))


class Cancelled(Exception):
    pass


@dataclass
class Prepared:
    """An import worked out against a corpus: the operations of its commands, in order, and what they add.
    Made off the UI thread (``prepare`` only reads the corpus); applied by ``apply_prepared``."""

    label: str
    ops: list
    result: "ApplyResult"
    revision: int
    info: dict | None = None
    failed: set[str] = field(default_factory=set)  # new ids whose commands were refused (problems)


class _Overlay:
    """The corpus as it will be once the commands built so far are applied (they are built one after the
    other against it, so that a passage can be anchored in a document of the same import)."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.new: dict[str, Any] = {}
        self.new_docs: list = []
        self.info = corpus.info
        self.by_id = self

    def get(self, iid: str, default=None):
        found = self.new.get(iid)
        if found is None:
            found = self.corpus.get(iid)
        return default if found is None else found

    def __contains__(self, iid: object) -> bool:
        return iid in self.new or iid in self.corpus

    @property
    def documents(self) -> list:
        return [*self.corpus.documents, *self.new_docs]

    def kind_of(self, iid: str) -> str | None:
        item = self.new.get(iid)
        return item.item_kind if item is not None else self.corpus.kind_of(iid)

    def add(self, ops: list) -> None:
        from ..corpus import Put

        for op in ops:
            if isinstance(op, Put):
                if op.item.item_kind == "document" and op.item.id not in self.new:
                    self.new_docs.append(op.item)
                self.new[op.item.id] = op.item


class _PreparedCommand(Command):
    def __init__(self, prepared: Prepared):
        self.prepared = prepared
        self.label = prepared.label

    def ops(self, corpus: Corpus) -> list:
        if corpus.revision != self.prepared.revision:
            raise EditError("the corpus changed while the import was being prepared; import again")
        return self.prepared.ops


def apply_plan(ws, plan: ImportPlan, set_title: bool | None = None,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> ApplyResult:
    """Apply a plan to the workspace's corpus as one undo step ("Import NAME"). ``set_title``: take the
    file's title as the corpus title (default: when the corpus still has the default title)."""
    return apply_prepared(ws, prepare(ws.corpus, plan, set_title, progress, cancelled))


def apply_prepared(ws, prepared: Prepared) -> ApplyResult:
    """One undo step: the prepared commands' operations, checked and applied as one batch."""
    corpus = ws.corpus
    with ws.group(prepared.label):
        if prepared.ops:
            ws.do(_PreparedCommand(prepared))
        if prepared.info:
            ws.do(EditInfo(**prepared.info))
    result = prepared.result
    failed = prepared.failed
    if failed:  # the rest are in the corpus now (a look-up each took 0.4 s at 100k rows)
        for kind, ids in result.ids.items():
            result.ids[kind] = [i for i in ids if i not in failed and i in corpus]
    return result


def prepare(corpus: Corpus, plan: ImportPlan, set_title: bool | None = None,
            progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Prepared:
    from ..gcpause import _gc_paused

    with _gc_paused():
        return _prepare(corpus, plan, set_title, progress, cancelled)


def _prepare(corpus: Corpus, plan: ImportPlan, set_title: bool | None,
             progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None) -> Prepared:
    """Build the import's commands (AddDocument, AddItem, AddEvidence) against the corpus and collect
    their operations; reads the corpus, changes nothing (safe off the UI thread while nothing edits).
    Raises ``Cancelled`` when ``cancelled()`` turns true."""
    result = ApplyResult()
    taken: set[str] = set()
    names = existing_names(corpus)
    doc_ids: dict[str, str] = {}
    theme_ids: dict[str, str] = {}
    actor_ids: dict[str, str] = {}
    # passages already in the corpus, by (document, start, end): a re-import reuses them
    existing_spans: dict[tuple[str, int, int], str] = {}
    wanted_docs = {s.doc_id for s in _all_spans(plan) if s.doc_id}
    if wanted_docs:
        for p in corpus.passages:
            if p.document in wanted_docs:
                existing_spans[(p.document, p.start, p.end)] = p.id
    total = len(plan.documents) + 2 * (len(plan.themes) + len(plan.entities) + len(plan.relationships)
                                       + len(plan.links)) + 3 * len(plan.events) + 1
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if done % 2000 < n or done == total:  # every 2,000 steps (a millisecond or two): asking is a call
            if cancelled is not None and cancelled():
                raise Cancelled()
            if progress is not None:
                progress(min(done, total), total)

    counters: dict[str, int] = {}
    slugs: dict[str, str] = {}
    # the ids in the corpus, looked up once each (``iid in corpus`` asks every table: 1 µs, 200,000 times)
    known = set(corpus.by_id) if len(corpus.by_id) <= 200_000 else corpus

    def fresh(kind: str, title: str) -> str:
        """new_id's rule (prefix, slug, -2, -3... when taken), with a counter per base so that 100k rows of
        the same kind of event do not each count up from 2 (and each distinct title slugged once)."""
        s = slugs.get(title)
        if s is None:
            s = slugs[title] = slug(title)
        base = f"{ID_PREFIX[kind]}-{s or kind}"
        n = counters.get(base, 1)
        iid = base if n == 1 else f"{base}-{n}"
        while iid in taken or iid in known:
            n += 1
            iid = f"{base}-{n}"
        counters[base] = n + 1
        taken.add(iid)
        return iid

    refused: set[str] = set()

    def failed(command: Command, exc: EditError) -> None:
        fields = getattr(command, "fields", {}) or {}
        what = fields.get("title") or fields.get("name") or fields.get("id") or command.label
        for reason in exc.problems:
            result.problems.append(Problem(plan.name, str(what), reason))
        if fields.get("id") in taken:
            refused.add(fields["id"])

    # documents
    docs: list[Command] = []
    for d in plan.documents:
        iid = doc_ids[d.key] = fresh("document", d.title)
        fields = _with_provenance(Document, {"id": iid}, d.provenance)
        if d.author:
            fields["author"] = d.author
        docs.append(AddDocument(title=d.title, text=d.text, **fields))
        result.ids.setdefault("document", []).append(iid)
    # passages: one per span, made in bulk below (their commands only for those that need a message)
    passage_specs: list[tuple[str, str, int, int, str]] = []  # (id, document, start, end, quote)
    passage_of: dict[int, str] = {}
    doc_text = {d.key: d.text for d in plan.documents}
    doc_title = {d.key: d.title for d in plan.documents}

    def passage(span: PSpan | None) -> str | None:
        if span is None:
            return None
        key = id(span)
        if key in passage_of:
            return passage_of[key]
        if span.doc_id is not None:
            found = existing_spans.get((span.doc_id, span.start, span.end))
            if found is not None:
                passage_of[key] = found
                return found
            text = corpus.get(span.doc_id).text
        else:
            text = doc_text[span.doc_key]
        quote = text[span.start:span.end]
        if not quote.strip():
            passage_of[key] = None
            return None
        iid = fresh("passage", quote[:40] if span.doc_id else doc_title[span.doc_key])
        doc = span.doc_id or doc_ids[span.doc_key]
        passage_specs.append((iid, doc, span.start, span.end, quote))
        if span.doc_id is not None:
            existing_spans[(span.doc_id, span.start, span.end)] = iid
        passage_of[key] = iid
        result.ids.setdefault("passage", []).append(iid)
        return iid

    # the passages in the order of their text (the events' blocks, as written): ids and passages.json follow
    # the document, and the index places each after the last
    event_pids = [passage(ev.span) for ev in plan.events]
    for rel in plan.relationships:
        passage(rel.span)
    # themes and actors: merged by name with those in the corpus
    small: list[Command] = []
    for key, t in plan.themes.items():
        found = names["themes"].get(_norm(t.name))
        if found:
            theme_ids[key] = found
            result.merged += 1
            continue
        iid = theme_ids[key] = fresh("theme", t.name)
        pids = _unique(passage(s) for s in t.spans[:20])
        fields = {"id": iid, "name": t.name, "description": t.description, "passages": pids}
        if t.color:
            fields["color"] = t.color
        small.append(AddItem("theme", _with_provenance(Theme, fields, t.provenance)))
        result.ids.setdefault("theme", []).append(iid)
        tick()
    for key, e in plan.entities.items():
        found = names["actors"].get(_norm(e.name))
        if found:
            actor_ids[key] = found
            result.merged += 1
            continue
        kind = "expert" if e.expert else "entity"
        iid = actor_ids[key] = fresh(kind, e.name)
        pids = _unique(passage(s) for s in e.spans[:20])
        if e.expert:
            fields = {"id": iid, "name": e.name, "voice": e.voice, "bio": e.description, "passages": pids}
            model = Expert
        else:
            fields = {"id": iid, "name": e.name, "kind": e.kind, "description": e.description, "passages": pids}
            model = Entity
        if e.native_name:
            fields["native_name"] = e.native_name
        small.append(AddItem(kind, _with_provenance(model, fields, e.provenance)))
        result.ids.setdefault(kind, []).append(iid)
        tick()
    # events and relationships
    expert_ids = {actor_ids[k] for k, e in plan.entities.items() if k in actor_ids and
                  (e.expert if actor_ids[k] in taken else corpus.kind_of(actor_ids[k]) == "expert")}
    # the events' fields (made into items in bulk below)
    event_fields: list[dict[str, Any]] = []
    event_ids = result.ids.setdefault("event", []) if plan.events else []
    with_provenance = "provenance" in Event.model_fields
    for ev, pid in zip(plan.events, event_pids):
        iid = fresh("event", ev.title)
        themes: list[str] = []
        for k in ev.themes:
            i = theme_ids.get(k)
            if i and i not in themes:
                themes.append(i)
        actors: list[str] = []
        for k in ev.actors:
            i = actor_ids.get(k)
            if i and i not in actors:
                actors.append(i)
        fields = {"id": iid, "title": ev.title, "summary": ev.summary, "start": ev.start, "end": ev.end,
                  "inferred": ev.inferred, "date_text": ev.date_text, "themes": themes, "actors": actors,
                  "experts": _unique(actor_ids.get(k) for k in ev.experts if actor_ids.get(k) in expert_ids)
                  if ev.experts else [],
                  "passages": [pid] if pid else [], "conflict": ev.conflict}
        if with_provenance and ev.provenance:
            fields["provenance"] = ev.provenance
        event_fields.append(fields)
        event_ids.append(iid)
        tick(2)
    items: list[Command] = []
    for rel in plan.relationships:
        src, dst = actor_ids.get(rel.source), actor_ids.get(rel.target)
        if not src or not dst or src == dst:
            continue
        iid = fresh("relationship", rel.kind)
        pid = passage(rel.span)
        fields = {"id": iid, "source": src, "target": dst, "kind": rel.kind, "summary": rel.summary,
                  "start": rel.start, "end": rel.end, "passages": [pid] if pid else []}
        items.append(AddItem("relationship", _with_provenance(Relationship, fields, rel.provenance)))
        result.ids.setdefault("relationship", []).append(iid)
        tick()
    # links: a passage as evidence of an item
    evidence: list[Command] = []
    small_by_id: dict[str, AddItem] = {}
    seen_links: set[tuple[str, str]] = set()
    for link in plan.links:
        pid = link.passage_id or passage(link.span)
        target = link.item_id or theme_ids.get(link.theme_key or "") or actor_ids.get(link.entity_key or "")
        tick()
        if not pid or not target or (target, pid) in seen_links:
            continue
        seen_links.add((target, pid))
        new_item = target in taken
        if new_item:
            _add_to_new(small, target, pid, small_by_id)
            result.linked += 1
            continue
        item = corpus.get(target)
        if item is not None and pid in evidence_of(item):
            continue  # already evidence (of the item or of one of an expert's positions): nothing to change
        evidence.append(AddEvidence(target, pid))
        result.linked += 1

    label = f"Import {plan.name}"
    overlay = _Overlay(corpus)
    ops: list = []

    def run(commands: list[Command], filtered: bool = False) -> None:
        for command in commands:
            if filtered and isinstance(command, AddItem):
                f = command.fields
                for name in ("passages", "themes", "actors", "experts"):
                    if name in f:
                        f[name] = [i for i in f[name] if i in overlay]
            if isinstance(command, AddEvidence) and command.passage_id not in overlay:
                continue
            try:
                made = command.ops(overlay)  # type: ignore[arg-type]
            except EditError as exc:
                failed(command, exc)
                continue
            overlay.add(made)
            ops.extend(made)
            tick()

    run(docs)
    # the passages: checked as AddItem's _anchor and the model would (a command only for one they refuse)
    new = overlay.new
    validate_passage = Passage.__pydantic_validator__.validate_python
    documents: dict[str, tuple[str, int] | None] = {}
    for spec in passage_specs:
        iid, doc_id, start, end, quote = spec
        doc = documents.get(doc_id, False)
        if doc is False:
            found = overlay.get(doc_id)
            doc = documents[doc_id] = (found.text, len(found.text)) if isinstance(found, Document) else None
        item = None
        if doc is not None and 0 <= start < end <= doc[1]:
            text = doc[0]
            try:
                item = validate_passage({"id": iid, "document": doc_id, "start": start, "end": end, "quote": quote,
                                         "prefix": text[max(0, start - CONTEXT_CHARS):start],
                                         "suffix": text[end:end + CONTEXT_CHARS]})
            except ValidationError:
                item = None
        if item is None:
            run([AddItem("passage", id=iid, document=doc_id, start=start, end=end, quote=quote)])
            continue
        new[iid] = item
        ops.append(Put(item))
        tick()
    run(small, filtered=True)
    # the events: the model's check, in one call each (a refused one goes through its command for the message)
    validate_event = Event.__pydantic_validator__.validate_python
    for fields in event_fields:
        if refused:  # as run(filtered=True): only what the corpus will have (what was refused is not there)
            for name in ("passages", "themes", "actors", "experts"):
                fields[name] = [i for i in fields[name] if i in overlay]
        try:
            item = validate_event(fields)
        except ValidationError:
            run([AddItem("event", fields)])
            continue
        new[item.id] = item
        ops.append(Put(item))
        tick()
    run(items, filtered=True)
    run(evidence)
    info = None
    if plan.title and (set_title or (set_title is None and corpus.info.title in ("", "Untitled corpus"))):
        info = {"title": plan.title}
        if plan.description and not corpus.info.description:
            info["description"] = plan.description
    if progress is not None:
        progress(total, total)
    return Prepared(label, ops, result, corpus.revision, info, refused)


def _unique(ids) -> list[str]:
    out: list[str] = []
    for i in ids:
        if i and i not in out:
            out.append(i)
    return out


def _add_to_new(commands: list[Command], target: str, pid: str, by_id: dict[str, AddItem] | None = None) -> None:
    if by_id is not None:  # the new items' commands by id, made on first need (a scan a link was quadratic)
        if not by_id:
            for c in commands:
                if isinstance(c, AddItem) and c.fields.get("id") is not None:
                    by_id.setdefault(c.fields["id"], c)
        c = by_id.get(target)
        if c is not None:
            c.fields["passages"] = _unique([*c.fields.get("passages", []), pid])
        return
    for c in commands:
        if isinstance(c, AddItem) and c.fields.get("id") == target:
            c.fields["passages"] = _unique([*c.fields.get("passages", []), pid])
            return


def _all_spans(plan: ImportPlan):
    for e in plan.events:
        if e.span:
            yield e.span
    for r in plan.relationships:
        if r.span:
            yield r.span
    for link in plan.links:
        if link.span:
            yield link.span
    for t in plan.themes.values():
        yield from t.spans
    for e in plan.entities.values():
        yield from e.spans


def partial_date(year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    """A PartialDate of a historical year (-500: 500 BCE), with the year range said in words."""
    if year == 0:
        raise ValueError("the year 0 cannot be kept: there is no year 0 (1 BCE is followed by 1 CE); "
                         "write -1 for 1 BCE or 1 for 1 CE")
    if year < MIN_YEAR or year > MAX_YEAR:
        shown = f"{-year:,} BCE" if year < 0 else f"{year:,} CE"
        raise ValueError(f"the year {year} ({shown}) cannot be kept: explorer's dates run from 9999 BCE "
                         f"to 9999 CE")
    return PartialDate(year, month, day)
