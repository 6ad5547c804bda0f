"""Loading a corpus folder: every problem is collected, never raised, and whatever is valid still loads.

A corpus folder holds ``corpus.json`` (optional description), the annotation files named in
``MODEL_FOR_FILE`` (each a JSON list of objects; all optional except ``documents.json``) and the
document text files they reference. See README.md, "The corpus format".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import from_json

from ..corpus import Corpus
from ..gcpause import _gc_paused
from .problems import NotACorpusError, Problem
from ..model.dates import PartialDate
from ..model.types import (MODEL_FOR_FILE, CorpusInfo, Document, Entity, Event, Expert, Passage, Relationship,
                    Theme, _Evidenced, _Item)

#: how much text around a passage is kept as prefix/suffix context
CONTEXT_CHARS = 32


#: the partial-date fields of each model, parsed once per distinct string (see ``_Loader.validate_list``)
_DATE_FIELDS: dict[type, tuple[str, ...]] = {Document: ("date",), Event: ("start", "end"),
                                             Relationship: ("start", "end")}

_LIST_ADAPTERS: dict[type, TypeAdapter] = {}


def _list_adapter(model: type[BaseModel]) -> TypeAdapter:
    adapter = _LIST_ADAPTERS.get(model)
    if adapter is None:
        adapter = _LIST_ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return adapter


def is_corpus_folder(path: Path) -> bool:
    return path.is_dir() and ((path / "documents.json").is_file() or (path / "corpus.json").is_file())


def _json_where(loc: tuple[Any, ...], index: int | None) -> str:
    where = f"[{index}]" if index is not None else ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    return where


def _describe_error(err: dict[str, Any]) -> str:
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if err.get("type") == "extra_forbidden":
        msg = "unknown field"
    elif err.get("type") == "missing":
        msg = "required field is missing"
    return msg[0].upper() + msg[1:] if msg else msg


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.resolved_root = root.resolve()
        self.problems: list[Problem] = []
        self._dates: dict[str, PartialDate | None] = {}  # date text -> parsed date (None: invalid)

    def problem(self, file: str, where: str, what: str) -> None:
        self.problems.append(Problem(file, where, what))

    # -- reading ---------------------------------------------------------------------------------
    def read_json(self, name: str, required: bool) -> Any:
        path = self.root / name
        if not path.exists():
            if required:
                self.problem(name, "", "the file is missing; a corpus needs a list of its documents")
            return None
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.problem(name, "", f"cannot be read ({exc.strerror or exc})")
            return None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problem(name, f"byte {exc.start}", "is not UTF-8 text")
            return None
        if not text.strip():
            self.problem(name, "", "is empty; expected a JSON list")
            return None
        try:
            # pydantic-core's JSON parser is faster and gives the same values for everything it accepts;
            # it is stricter about lone surrogates, so on any refusal the standard parser decides
            return from_json(text)
        except ValueError:
            pass
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.problem(name, f"line {exc.lineno}, column {exc.colno}", f"malformed JSON: {exc.msg}")
            return None

    def validate_file_fast(self, name: str, model: type[BaseModel]) -> list[tuple[int, Any]] | None:
        """The whole file parsed and validated in one call into pydantic-core, straight from its bytes:
        no intermediate Python dicts, which at 100k events saves time and 100+ MB of fragmented memory.
        Returns None when the file is missing or anything in it is not perfectly valid (or is a document
        list, whose inline texts need a problem of their own): ``read_json`` and ``validate_list`` then
        go through it again and report each problem."""
        if model is Document:
            return None
        path = self.root / name
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        try:
            models = _list_adapter(model).validate_json(raw)
        except (ValidationError, ValueError):
            return None
        return list(enumerate(models))

    def validate_list(self, name: str, model: type[BaseModel], data: Any) -> list[tuple[int, Any]]:
        if data is None:
            return []
        if isinstance(data, dict) and isinstance(data.get(name.removesuffix(".json")), list):
            data = data[name.removesuffix(".json")]
        if not isinstance(data, list):
            self.problem(name, "", f"expected a JSON list of objects, found {type(data).__name__}")
            return []
        date_fields = _DATE_FIELDS.get(model, ())
        dates = self._dates
        text_given: list[int] = []  # documents that carry their text inline (a problem)
        prepared: list[tuple[int, Any]] = []
        all_objects = True
        for i, raw in enumerate(data):
            if not isinstance(raw, dict):
                all_objects = False
                prepared.append((i, raw))
                continue
            # Dates repeat: parse each distinct text once and hand pydantic the parsed value, which its
            # validator passes through unchanged. Invalid texts stay as they are, so the error is the same.
            for fname in date_fields:
                value = raw.get(fname)
                if type(value) is str:
                    parsed = dates.get(value, False)
                    if parsed is False:
                        try:
                            parsed = PartialDate.parse(value)
                        except ValueError:
                            parsed = None
                        dates[value] = parsed
                    if parsed is not None:
                        raw[fname] = parsed
            if "text" in raw and model is Document:
                text_given.append(i)
                raw = {k: v for k, v in raw.items() if k != "text"}
            prepared.append((i, raw))
        # Fast path: validate the whole list in one call into pydantic-core. If any item is invalid, go
        # item by item instead, so that each problem is reported in order and the valid rest still loads.
        if all_objects:
            try:
                models = _list_adapter(model).validate_python([raw for _, raw in prepared])
            except ValidationError:
                pass
            else:
                for i in text_given:
                    self.problem(name, f"[{i}].text", "document text belongs in the file named by 'file'")
                return [(i, m) for (i, _), m in zip(prepared, models)]
        items = []
        inline_text = set(text_given)
        for i, raw in prepared:
            if not isinstance(raw, dict):
                self.problem(name, f"[{i}]", f"expected an object, found {type(raw).__name__}")
                continue
            if i in inline_text:
                self.problem(name, f"[{i}].text", "document text belongs in the file named by 'file'")
            try:
                items.append((i, model.model_validate(raw)))
            except ValidationError as exc:
                label = f" ({raw['id']})" if isinstance(raw.get("id"), str) else ""
                for err in exc.errors():
                    self.problem(name, _json_where(err["loc"], i),
                                 f"{_describe_error(err)}{label and ' in ' + label.strip(' ()')}; item skipped")
        return items

    # -- documents -------------------------------------------------------------------------------
    def load_document_text(self, i: int, doc: Document) -> Document | None:
        where = f"[{i}].file"
        rel = Path(doc.file)
        if rel.is_absolute():
            self.problem("documents.json", where, f"'{doc.file}' is an absolute path; it must be relative "
                                                  f"to the corpus folder; document {doc.id} skipped")
            return None
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.resolved_root):
            self.problem("documents.json", where, f"'{doc.file}' points outside the corpus folder; "
                                                  f"document {doc.id} skipped")
            return None
        if not target.is_file():
            self.problem("documents.json", where, f"'{doc.file}' does not exist; document {doc.id} skipped")
            return None
        try:
            raw = target.read_bytes()
        except OSError as exc:
            self.problem(doc.file, "", f"cannot be read ({exc.strerror or exc}); document {doc.id} skipped")
            return None
        if b"\x00" in raw:
            self.problem(doc.file, "", f"is not a text file; document {doc.id} skipped")
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            self.problem(doc.file, f"line {line}", f"is not UTF-8 text (byte {exc.start}); "
                                                   f"document {doc.id} skipped")
            return None
        if text.startswith("\ufeff"):
            text = text[1:]
        return doc.model_copy(update={"text": text})

    # -- passages ----------------------------------------------------------------------------------
    def anchor_passage(self, i: int, p: Passage, docs: dict[str, Document]) -> Passage | None:
        name = "passages.json"
        doc = docs.get(p.document)
        if doc is None:
            self.problem(name, f"[{i}].document", f"unknown document '{p.document}'; passage {p.id} skipped")
            return None
        text = doc.text
        if p.start < p.end <= len(text) and text[p.start:p.end] == p.quote:
            anchored = p
        else:
            first = text.find(p.quote)
            if first < 0:
                self.problem(name, f"[{i}].quote", f"quote of passage {p.id} not found in {doc.file}; "
                                                   f"passage skipped")
                return None
            if text.find(p.quote, first + 1) >= 0:
                self.problem(name, f"[{i}].start", f"offsets {p.start}–{p.end} of passage {p.id} do not match "
                                                   f"its quote, which occurs more than once in {doc.file}; "
                                                   f"passage skipped")
                return None
            new_end = first + len(p.quote)
            self.problem(name, f"[{i}].start", f"offsets {p.start}–{p.end} of passage {p.id} do not match its "
                                               f"quote; re-anchored by the quote to {first}–{new_end}")
            anchored = p.model_copy(update={"start": first, "end": new_end})
        prefix = text[max(0, anchored.start - CONTEXT_CHARS):anchored.start]
        suffix = text[anchored.end:anchored.end + CONTEXT_CHARS]
        if anchored.prefix != prefix or anchored.suffix != suffix:
            anchored = anchored.model_copy(update={"prefix": prefix, "suffix": suffix})
        return anchored

    # -- references ------------------------------------------------------------------------------
    def check_refs(self, name: str, i: int, item: _Item, field_name: str, ids: list[str], known: set[str],
                   what: str) -> list[str]:
        if known.issuperset(ids):  # the usual case: every reference is good
            return ids
        good = []
        for j, ref in enumerate(ids):
            if ref in known:
                good.append(ref)
            else:
                self.problem(name, f"[{i}].{field_name}[{j}]", f"{item.id} refers to unknown {what} '{ref}'")
        return good

    def load(self) -> Corpus:
        corpus = Corpus(root=self.root)
        info_data = self.read_json("corpus.json", required=False)
        if info_data is not None:
            try:
                corpus.info = CorpusInfo.model_validate(info_data)
            except ValidationError as exc:
                for err in exc.errors():
                    self.problem("corpus.json", _json_where(err["loc"], None), _describe_error(err))

        seen: dict[str, str] = {}

        def dedupe(name: str, items: list[tuple[int, _Item]]) -> list[tuple[int, _Item]]:
            ids = [item.id for _, item in items]
            if seen.keys().isdisjoint(ids) and len(set(ids)) == len(ids):  # the usual case: no duplicate
                seen.update(dict.fromkeys(ids, name))
                return items
            kept = []
            for i, item in items:
                if item.id in seen:
                    self.problem(name, f"[{i}].id", f"duplicate id '{item.id}' (first used in {seen[item.id]}); "
                                                    f"this one skipped")
                    continue
                seen[item.id] = name
                kept.append((i, item))
            return kept

        parsed: dict[str, list[tuple[int, _Item]]] = {}
        for name, model in MODEL_FOR_FILE.items():
            items = self.validate_file_fast(name, model)
            if items is None:  # something to report: the careful path says what and where
                data = self.read_json(name, required=(name == "documents.json"))
                items = self.validate_list(name, model, data)
                del data
            parsed[name] = dedupe(name, items)

        docs = {}
        for i, doc in parsed["documents.json"]:
            loaded = self.load_document_text(i, doc)
            if loaded is not None:
                docs[loaded.id] = loaded
        corpus.documents = list(docs.values())

        passages = {}
        for i, p in parsed["passages.json"]:
            if p.end < p.start:
                self.problem("passages.json", f"[{i}].end", f"end {p.end} is before start {p.start} in {p.id}")
            anchored = self.anchor_passage(i, p, docs)
            if anchored is not None:
                passages[anchored.id] = anchored
        corpus.passages = list(passages.values())
        known_passages = set(passages)

        themes_ids = {t.id for _, t in parsed["themes.json"]}
        entity_ids = {e.id for _, e in parsed["entities.json"]}
        expert_ids = {e.id for _, e in parsed["experts.json"]}

        def evidenced(name: str, i: int, item: _Evidenced, **extra_updates: Any) -> _Evidenced:
            update: dict[str, Any] = dict(extra_updates)
            good = self.check_refs(name, i, item, "passages", item.passages, known_passages, "passage")
            if good != item.passages:
                update["passages"] = good
            positions = update["positions"] if "positions" in update else \
                (item.positions if isinstance(item, Expert) else ())
            if not good and not any(pos.passages for pos in positions):
                self.problem(name, f"[{i}].passages", f"{item.id} has no passage as evidence")
            return item.model_copy(update=update) if update else item

        corpus.themes = [evidenced("themes.json", i, t) for i, t in parsed["themes.json"]]
        corpus.entities = [evidenced("entities.json", i, e) for i, e in parsed["entities.json"]]

        experts = []
        for i, ex in parsed["experts.json"]:
            update: dict[str, Any] = {}
            if ex.organisation is not None and ex.organisation not in entity_ids:
                self.problem("experts.json", f"[{i}].organisation",
                             f"{ex.id} refers to unknown entity '{ex.organisation}'")
                update["organisation"] = None
            positions = []
            for j, pos in enumerate(ex.positions):
                good = self.check_refs("experts.json", i, ex, f"positions[{j}].passages", pos.passages,
                                       known_passages, "passage")
                positions.append(pos if good == pos.passages else pos.model_copy(update={"passages": good}))
            if positions != ex.positions:
                update["positions"] = positions
            experts.append(evidenced("experts.json", i, ex, **update))
        corpus.experts = experts

        events = []
        actor_ids = entity_ids | expert_ids
        event_refs = (("themes", themes_ids, "theme"), ("actors", actor_ids, "actor"), ("experts", expert_ids, "expert"))
        for i, ev in parsed["events.json"]:
            if (ev.passages and known_passages.issuperset(ev.passages) and themes_ids.issuperset(ev.themes)
                    and actor_ids.issuperset(ev.actors) and expert_ids.issuperset(ev.experts)
                    and (ev.end is None or ev.end.end_seconds > ev.start.start_seconds)):
                events.append(ev)  # the usual case: nothing to report or repair
                continue
            update = {}
            if ev.end is not None and ev.end.end_seconds <= ev.start.start_seconds:
                self.problem("events.json", f"[{i}].end", f"end {ev.end} is before start {ev.start} in {ev.id}; "
                                                          f"the end is ignored")
                update["end"] = None
            for fname, known, what in event_refs:
                refs = getattr(ev, fname)
                good = self.check_refs("events.json", i, ev, fname, refs, known, what)
                if good != refs:
                    update[fname] = good
            events.append(evidenced("events.json", i, ev, **update))
        corpus.events = events

        nodes = entity_ids | expert_ids
        rels = []
        for i, rel in parsed["relationships.json"]:
            bad = False
            for fname in ("source", "target"):
                ref = getattr(rel, fname)
                if ref not in nodes:
                    self.problem("relationships.json", f"[{i}].{fname}",
                                 f"{rel.id} refers to unknown entity or expert '{ref}'; relationship skipped")
                    bad = True
            if bad:
                continue
            update = {}
            if rel.start and rel.end and rel.end.end_seconds <= rel.start.start_seconds:
                self.problem("relationships.json", f"[{i}].end",
                             f"end {rel.end} is before start {rel.start} in {rel.id}; the end is ignored")
                update["end"] = None
            rels.append(evidenced("relationships.json", i, rel, **update))
        corpus.relationships = rels

        corpus.problems = self.problems
        return corpus


def load_corpus(path: str | Path) -> Corpus:
    """Load a corpus folder. Raises ``NotACorpusError`` only when the path is not a corpus at all;
    every other problem is collected in ``Corpus.problems`` and the valid rest is loaded."""
    root = Path(path)
    if not root.exists():
        raise NotACorpusError(f"{root}: does not exist")
    if not root.is_dir():
        raise NotACorpusError(f"{root}: is not a folder")
    if not is_corpus_folder(root):
        raise NotACorpusError(f"{root}: is not a corpus folder (it has neither documents.json nor corpus.json)")
    with _gc_paused():
        return _Loader(root).load()
