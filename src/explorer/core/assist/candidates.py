"""Candidates: what a document offers the analyst to accept as events, voices (experts) and actors (entities).

``find_candidates(text, reference, corpus=None, document=None)`` runs the finders (dates, names, voices,
actors) and turns what they found into ``Candidate`` values, each with its passage (the sentence that states
it, or its clause in a long sentence). With a corpus, a candidate that names an item already there (an
event of the same date whose title words the passage holds; an expert or entity of the same name, native
name or alias) becomes an offer to add the passage as evidence for that item (``match``), and one whose
passage is already evidence for it is not offered at all.

``commands_for(candidate, corpus, document)`` gives the commands that accept a candidate with sensible
defaults (AddPassage + AddItem, or AddPassage + AddEvidence for a match), for Accept All and scripts.
``Dismissed`` remembers dismissed candidates per corpus and document in the user's state folder.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from .actors import Actor, find_actors
from .dates import DateMention, find_dates
from .names import find_names
from .sentences import Sentences, clause_around
from .voices import Voice, find_voices

__all__ = ["Candidate", "find_candidates", "commands_for", "Dismissed", "MAX_PASSAGE"]

#: a sentence longer than this gives its clause as the passage
MAX_PASSAGE = 400
KINDS = ("event", "expert", "entity")


@dataclass(frozen=True)
class Candidate:
    kind: str  # "event" | "expert" | "entity": the kind of item it would become (or the match's kind)
    title: str  # an event's title, a voice's or actor's name
    start: int  # the mention: the date expression, the name
    end: int
    passage_start: int
    passage_end: int
    quote: str
    date: str | None = None
    end_date: str | None = None
    precision: str | None = None
    inferred: bool = False
    date_text: str | None = None
    name: str | None = None
    native_name: str | None = None
    aliases: tuple[str, ...] = ()
    entity_kind: str | None = None  # country, organisation, project, agreement, place, event, person, group
    role: str = ""
    affiliation: str = ""
    voice: str | None = None  # expert, official, author, commentator
    names: tuple[str, ...] = ()  # the voices and actors the passage names
    passages: tuple[tuple[int, int], ...] = ()  # every passage (a voice's sentences where it speaks)
    mentions: tuple[tuple[int, int], ...] = ()
    match: str | None = None  # the id of the item this passage would be evidence for
    match_label: str | None = None

    @property
    def key(self) -> str:
        """Stable across runs on the same text: what Dismiss remembers."""
        what = self.match or _norm(self.title)
        return f"{self.kind}:{self.start}:{self.end}:{self.passage_start}:{self.passage_end}:{what}"

    @property
    def label(self) -> str:
        if self.match:
            return f"Add this passage as evidence for {self.match_label or self.match}"
        return self.title

    def to_json(self) -> dict[str, Any]:
        out = {"kind": self.kind, "title": self.title, "start": self.start, "end": self.end,
               "precision": self.precision, "inferred": self.inferred, "date": self.date,
               "end_date": self.end_date,
               "passage": {"start": self.passage_start, "end": self.passage_end, "quote": self.quote},
               "names": list(self.names)}
        if self.kind != "event":
            out.update(name=self.name, native_name=self.native_name)
            if self.aliases:
                out["aliases"] = list(self.aliases)
            if self.entity_kind:
                out["entity_kind"] = self.entity_kind
            if self.role:
                out["role"] = self.role
            if self.affiliation:
                out["affiliation"] = self.affiliation
            if len(self.passages) > 1:
                out["passages"] = [{"start": s, "end": e} for s, e in self.passages]
        if self.match:
            out["match"] = self.match
            out["match_label"] = self.match_label
        return out


def _norm(text: str) -> str:
    t = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    t = re.sub(r"^the\s+", "", t.strip())
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


_STOPWORDS = frozenset("""a an the of and or but in on at to for from by with as is are was were be been has have
had will would its it this that these those their his her he she they them than then also into over after
before between about against during without within not no so such very more most less least new first
""".split())


def _content_words(text: str) -> set[str]:
    return {w for w in _norm(text).split() if len(w) > 2 and w not in _STOPWORDS}


# -- passages and titles ---------------------------------------------------------------------------------

def _passage(text: str, sentences: Sentences, start: int, end: int) -> tuple[int, int]:
    s0, s1 = sentences.around(start)
    if end > s1:
        s1 = max(s1, sentences.around(end - 1)[1])
    if s1 - s0 > MAX_PASSAGE:
        return clause_around(text, start, end, (s0, s1))
    return s0, s1


_LEADING = re.compile(r"^(?:(?:it\s+(?:was|is|has\s+been|had\s+been)\s+(?:announced|reported|said|agreed|"
                      r"decided|confirmed)\s+that|and|but|yet|so|then|while|when|as|after|before|since|in|on|at|"
                      r"by|from|during|until|of|back|early|late|also|which|that|who|with|to|it|its|they|the)"
                      r"\b[\s,]*)+", re.I)
_TRAILING = re.compile(r"(?:\s+\b(?:and|but|or|in|on|at|of|the|a|an|to|by|from|with|which|that|as|for|was|were|"
                       r"is|are|be|has|had|have|since|during|until|back|early|late)\b)+$", re.I)
_HANGING = re.compile(r"(?:\b(?:in|on|at|by|since|from|of|during|until|back|early|late|the)\s+)+$", re.I)
_CLAUSE_CUT = re.compile(r"[,;:()—]|\s[–-]\s|\s(?=(?:which|who|but|while|whereas|although|because|before|after|"
                         r"when)\s)")
_SUBORDINATE = re.compile(r"^\s*(?:which|who|while|whereas|although|because|when|as|if|though)\b", re.I)
_MAX_TITLE_WORDS = 10


def _tidy(words: list[str]) -> str:
    title = " ".join(w for w in words if w and w not in ("–", "-", "—"))
    title = re.sub(r"\s+([,.;:!?’”])", r"\1", title)
    title = _LEADING.sub("", title).strip(" ,;:.‘’“”'\"()")
    title = _TRAILING.sub("", title).strip(" ,;:.")
    cut = title.split()
    if len(cut) > _MAX_TITLE_WORDS:
        title = _TRAILING.sub("", " ".join(cut[:_MAX_TITLE_WORDS])).strip(" ,;:.") + "…"
    return title


def _content(words: list[str]) -> int:
    return len([w for w in words if _norm(w) and _norm(w) not in _STOPWORDS and len(_norm(w)) > 2])


_SHORT_PARENS = re.compile(r"\([^()\n]{1,12}\)")


def _title(text: str, sentences: Sentences, m: DateMention, dates: list[DateMention] = []) -> str:
    """The clause around a date, without the date: 'China–Russia east-route gas pipeline launched'; when
    that clause holds little else, the nearest clause of substance ('hailing the opening of the bridge')."""
    s0, s1 = sentences.around(m.start)
    # the sentence, with short brackets ("(MRC)") blanked: they are neither clauses nor title words
    sent = _SHORT_PARENS.sub(lambda p: " " * len(p.group(0)), text[s0:s1])
    ms, me = m.start - s0, m.end - s0
    cuts = [0]
    for c in _CLAUSE_CUT.finditer(sent):
        cuts.append(c.end() if c.group(0).strip() else c.start())
    cuts.append(len(sent))
    bounds = sorted(set(cuts))
    clauses = [(a, b) for a, b in zip(bounds, bounds[1:]) if sent[a:b].strip(" ,;:()—–-")]
    lo = bisect.bisect_left(dates, s0, key=lambda d: d.start) if dates else 0
    other = []
    for d in dates[lo:]:
        if d.start >= s1:
            break
        if d.start != m.start and "anniversary" not in d.text and d.text not in ("the centenary", "the centennial"):
            other.append((d.start - s0, d.end - s0))
    if re.search(r"anniversary|centen", m.text):
        # "the twentieth anniversary of the Treaty of ...": the title is what the anniversary is of
        after = re.match(r"\s+of\s+([^,;:.()]+)", sent[me:])
        if after:
            return _tidy(after.group(1).split()) or f"Event of {m.text}"

    def words_of(a: int, b: int) -> list[str]:
        parts, pos = [], a
        for ds, de in sorted(other + [(ms, me)]):
            if de <= a or ds >= b:
                continue
            parts.append(_HANGING.sub("", sent[pos:max(pos, ds)]))
            pos = max(pos, de)
        parts.append(sent[pos:b])
        return " ".join(parts).split()

    own = next((i for i, (a, b) in enumerate(clauses) if a <= ms < b), None)
    if own is None:
        return f"Event of {m.text}"
    words = words_of(*clauses[own])
    prev = words_of(*clauses[own - 1]) if own > 0 else []
    if _content(words) >= 2:
        title = _tidy(words)
    elif _content(words) >= 1 and prev and _content(prev) + _content(words) >= 2 and len(prev) <= 8:
        # "The pipeline, launched 2 Dec 2019, ...": the clause before names what was launched
        title = _tidy(prev[:-1] + [prev[-1].rstrip(",;:")] + words)
    elif (_content(words) >= 1 and own + 1 < len(clauses)
          and re.match(r"\s*(?:after|before|when|because|while)\b", sent[clauses[own + 1][0]:clauses[own + 1][1]])):
        # "They were revived last year after the route saw a surge": what happened, and why
        title = _tidy(words + words_of(*clauses[own + 1]))
    else:
        # nearest clause of substance, main clauses before subordinate ones
        order = sorted((abs(i - own) + (1.5 if i > own else 0) + (10 if _SUBORDINATE.match(sent[a:b]) else 0), i)
                       for i, (a, b) in enumerate(clauses) if i != own)
        title = ""
        for _, i in order:
            w = words_of(*clauses[i])
            if _content(w) >= 3:
                if i == own - 1 and _content(words) >= 1:
                    w = w[:-1] + [w[-1].rstrip(",;:")] + words if w else words
                title = _tidy(w)
                break
        if not title:
            title = _tidy(words_of(0, len(sent)))
    if not title:
        title = f"Event of {m.text}"
    return title[0].upper() + title[1:]


# -- corpus matching -------------------------------------------------------------------------------------

class _CorpusView:
    """What matching needs from a corpus: names of experts and entities, events by date, evidence spans."""

    def __init__(self, corpus: Any, document: str | None):
        self.corpus = corpus
        self.document = document
        self.by_name: dict[str, list[Any]] = {}
        self.events_by_date: dict[tuple[str, str | None], list[Any]] = {}
        for kind in ("expert", "entity"):
            for item in corpus.items_of(kind):
                for n in [item.name, getattr(item, "native_name", None), *getattr(item, "aliases", [])]:
                    if n:
                        self.by_name.setdefault(_norm(n) or n, []).append(item)
        for ev in corpus.items_of("event"):
            key = (str(ev.start), str(ev.end) if ev.end else None)
            self.events_by_date.setdefault(key, []).append(ev)

    def evidence_spans(self, item: Any) -> list[tuple[int, int]]:
        out = []
        for pid in getattr(item, "passages", []):
            p = self.corpus.get(pid)
            if p is not None and p.document == self.document and p.start is not None:
                out.append((p.start, p.end))
        return out

    def already(self, item: Any, span: tuple[int, int]) -> bool:
        """Whether a passage overlapping most of ``span`` is already evidence for ``item``."""
        s, e = span
        for ps, pe in self.evidence_spans(item):
            overlap = min(e, pe) - max(s, ps)
            if overlap > 0 and overlap >= 0.5 * min(e - s, pe - ps):
                return True
        return False

    def named(self, *names: str | None) -> Any | None:
        for n in names:
            if not n:
                continue
            items = self.by_name.get(_norm(n) or n)
            if items:
                return items[0]
        return None

    def event_for(self, m: DateMention, quote: str) -> Any | None:
        events = self.events_by_date.get((m.date, m.end_date), [])
        words = _content_words(quote)
        best, best_n = None, 1
        for ev in events:
            n = len(_content_words(ev.title) & words)
            if self.evidence_spans(ev) and n >= 1 and best is None:
                best, best_n = ev, max(n, best_n)
            if n > best_n:
                best, best_n = ev, n
        return best


def _label(item: Any) -> str:
    return getattr(item, "title", None) or getattr(item, "name", None) or item.id


# -- the finder ------------------------------------------------------------------------------------------

_COMPARISON = re.compile(r"(?:same\s+(?:period|time|month|quarter|day)|compared\s+(?:with|to)|year-on-year|"
                         r"than)\s+(?:in\s+|of\s+)?$", re.I)


def find_candidates(text: str, reference: str | None = None, corpus: Any = None, document: str | None = None,
                    progress: Callable[[int], None] | None = None,
                    dismissed: set[str] | frozenset = frozenset()) -> list[Candidate]:
    """The candidates of a text, events first, then voices, then actors, each kind in order of position.

    ``progress`` is called with a percentage as the work proceeds; ``dismissed`` keys are left out."""
    step = progress or (lambda pct: None)
    step(0)
    sentences = Sentences(text)
    step(10)
    dates = find_dates(text, reference, sentences=sentences)
    step(35)
    names = find_names(text)
    step(50)
    voices = find_voices(text, names, sentences)
    step(70)
    voice_spans = [sp for v in voices if not v.group for sp in v.mentions]
    person_names = [n for n in names if n.name not in {v.name for v in voices}]
    actors = find_actors(text, sentences, exclude=sorted(voice_spans + [(n.start, n.end) for n in names]))
    step(90)
    view = _CorpusView(corpus, document) if corpus is not None else None
    out: list[Candidate] = []

    # the names each passage holds (for the events' "names")
    labelled = sorted([(s, e, v.name) for v in voices for s, e in v.mentions]
                      + [(s, e, a.name) for a in actors for s, e in a.mentions]
                      + [(n.start, n.end, n.name) for n in person_names])
    starts = [s for s, _, _ in labelled]

    def names_in(a: int, b: int) -> tuple[str, ...]:
        i = bisect.bisect_left(starts, a)
        seen: list[str] = []
        while i < len(labelled) and labelled[i][0] < b:
            if labelled[i][2] not in seen:
                seen.append(labelled[i][2])
            i += 1
        return tuple(seen)

    anchors = {m.year_from for m in dates if m.year_from is not None}
    for m in dates:
        if m.start in anchors and m.precision == "year" and m.end_date is None and not m.inferred:
            continue  # "In 2021, ... in June, ... in August": the year only dates what follows
        if _COMPARISON.search(text[max(0, m.start - 30):m.start]):
            continue  # "compared with the same period last year": a comparison, not an event
        ps, pe = _passage(text, sentences, m.start, m.end)
        quote = text[ps:pe]
        title = _title(text, sentences, m, dates)
        match = match_label = None
        if view is not None:
            ev = view.event_for(m, quote)
            if ev is not None:
                if view.already(ev, (ps, pe)):
                    continue
                match, match_label = ev.id, _label(ev)
        out.append(Candidate("event", title, m.start, m.end, ps, pe, quote, date=m.date, end_date=m.end_date,
                             precision=m.precision, inferred=m.inferred, date_text=m.text,
                             names=names_in(ps, pe), passages=((ps, pe),), mentions=((m.start, m.end),),
                             match=match, match_label=match_label))

    def offer(kind: str, name: str, native: str | None, spans: list[tuple[int, int]],
              passages: list[tuple[int, int]], **fields: Any) -> None:
        mention = spans[0] if spans else passages[0]
        passages = [(_passage(text, sentences, s, e) if e - s > MAX_PASSAGE else (s, e)) for s, e in passages]
        item = view.named(name, native, *fields.get("aliases", ())) if view is not None else None
        if item is not None:
            if item.item_kind == "entity" and view.evidence_spans(item):
                return  # an actor with evidence in this document already: one more mention adds little
            for ps, pe in passages:
                if view.already(item, (ps, pe)):
                    continue
                out.append(Candidate(item.item_kind, name, mention[0], mention[1], ps, pe, text[ps:pe],
                                     name=name, native_name=native, names=(name,) + ((native,) if native else ()),
                                     passages=((ps, pe),), mentions=tuple(spans), match=item.id,
                                     match_label=_label(item), **fields))
                break  # one offer per item: the first passage it lacks
            return
        ps, pe = passages[0]
        out.append(Candidate(kind, name, mention[0], mention[1], ps, pe, text[ps:pe], name=name,
                             native_name=native, names=(name,) + ((native,) if native else ()),
                             passages=tuple(passages), mentions=tuple(spans), **fields))

    for v in voices:
        passages = v.passages or [sentences.around(v.start)]
        offer("expert", v.name, v.native, v.mentions, passages, role=v.role, affiliation=v.affiliation,
              voice=v.voice)
    for n in _people(person_names, voices):
        offer("entity", n[0], n[1], n[2], [sentences.around(n[2][0][0])], entity_kind="person")
    for a in actors:
        first = a.mentions[0]
        offer("entity", a.name, None, a.mentions, [sentences.around(first[0])], aliases=tuple(a.aliases),
              entity_kind=a.kind)
    order = {k: i for i, k in enumerate(KINDS)}
    out.sort(key=lambda c: (order.get(c.kind, 9), c.passage_start, c.start))
    if dismissed:
        out = [c for c in out if c.key not in dismissed]
    step(100)
    return out


def _people(names: list, voices: list[Voice]) -> list[tuple[str, str | None, list[tuple[int, int]]]]:
    """People named (after a title, or with a native name) who do not speak: actors of kind person."""
    voiced = {v.name for v in voices}
    people: dict[str, tuple[str, str | None, list[tuple[int, int]]]] = {}
    for n in names:
        if n.name in voiced:
            continue
        p = people.setdefault(n.name, (n.name, n.native, []))
        p[2].append((n.start, n.end))
    return list(people.values())


# -- accepting -------------------------------------------------------------------------------------------

def item_fields(c: Candidate) -> dict[str, Any]:
    """The fields of the new item a candidate proposes (without its passage)."""
    if c.kind == "event":
        f: dict[str, Any] = {"title": c.title, "start": c.date, "date_text": c.date_text}
        if c.end_date:
            f["end"] = c.end_date
        if c.inferred:
            f["inferred"] = True
        return f
    if c.kind == "expert":
        f = {"name": c.name or c.title, "voice": c.voice or "expert"}
        if c.native_name:
            f["native_name"] = c.native_name
        if c.affiliation:
            f["affiliation"] = c.affiliation
        if c.role:
            f["role"] = c.role
        return f
    f = {"name": c.name or c.title, "kind": c.entity_kind or "organisation"}
    if c.native_name:
        f["native_name"] = c.native_name
    if c.aliases:
        f["aliases"] = list(c.aliases)
    return f


def passages_by_range(corpus: Any, document: str) -> dict[tuple[int, int], str]:
    """{(start, end): passage id} of a document's passages (to reuse one rather than add its twin)."""
    return {(p.start, p.end): p.id for p in corpus.items_of("passage") if p.document == document}


def accept(workspace: Any, c: Candidate, document: str,
           existing: dict[tuple[int, int], str] | None = None) -> str:
    """Accept ``c`` with its default fields through ``workspace.do`` (commands only); returns the item's id.

    Reuses a passage with the same range if there is one (``existing``: ``passages_by_range``, kept up to
    date here, for accepting many at once). The caller groups it (one undo step)."""
    from .. import commands  # the core's commands; imported here so the finders need nothing of them

    corpus = workspace.corpus
    if existing is None:
        existing = passages_by_range(corpus, document)
    pids = []
    for ps, pe in (c.passages or ((c.passage_start, c.passage_end),)):
        pid = existing.get((ps, pe))
        if pid is None or corpus.get(pid) is None:
            cmd = commands.AddPassage(document, quote=corpus.get(document).text[ps:pe], start=ps, end=pe)
            workspace.do(cmd)
            pid = existing[(ps, pe)] = cmd.new_id
        pids.append(pid)
    if c.match:
        item = corpus.get(c.match)
        for pid in pids:
            if item is not None and pid not in getattr(corpus.get(c.match), "passages", []):
                workspace.do(commands.AddEvidence(c.match, pid))
        return c.match
    cmd = commands.AddItem(c.kind, {**item_fields(c), "passages": pids})
    workspace.do(cmd)
    return cmd.new_id


def commands_for(c: Candidate, corpus: Any, document: str) -> list:
    """The commands that would accept ``c`` (for inspection; ``accept`` runs them against a workspace)."""
    from .. import commands
    out = [commands.AddPassage(document, quote=c.quote, start=c.passage_start, end=c.passage_end)]
    if c.match:
        return out
    out.append(commands.AddItem(c.kind, item_fields(c)))
    return out


# -- dismissed candidates --------------------------------------------------------------------------------

class Dismissed:
    """Dismissed candidates, per corpus folder and document, in the user's state folder (beside the
    journal: never in the corpus folder, which may be read-only or shared). One JSON file per corpus:
    ``{"corpus": path, "documents": {doc id: [candidate keys]}}``."""

    def __init__(self, corpus_root: str | Path | None, directory: str | Path | None = None):
        from ..io.journal import journal_dir

        self.root = str(Path(corpus_root).resolve()) if corpus_root is not None else None
        base = Path(directory) if directory is not None else journal_dir() / "dismissed"
        digest = hashlib.sha1((self.root or "").encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.path = base / f"{digest}.json"
        self.documents: dict[str, list[str]] = {}
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return  # nothing dismissed yet, or an unreadable file: start afresh (dismissals are a convenience)
        docs = data.get("documents") if isinstance(data, dict) else None
        if isinstance(docs, dict):
            self.documents = {str(k): [str(x) for x in v] for k, v in docs.items() if isinstance(v, list)}

    def keys(self, document: str) -> set[str]:
        return set(self.documents.get(document, []))

    def add(self, document: str, keys: list[str]) -> None:
        have = self.documents.setdefault(document, [])
        for k in keys:
            if k not in have:
                have.append(k)
        self._save()

    def remove(self, document: str, keys: list[str]) -> None:
        """Offer these again."""
        gone = set(keys)
        self.documents[document] = [k for k in self.documents.get(document, []) if k not in gone]
        if not self.documents[document]:
            del self.documents[document]
        self._save()

    def clear(self, document: str) -> None:
        self.documents.pop(document, None)
        self._save()

    def _save(self) -> None:
        if self.root is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"corpus": self.root, "documents": self.documents}, ensure_ascii=False,
                                      indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a state folder that cannot be written: the dismissals last for this session


def as_dict(c: Candidate) -> dict[str, Any]:
    return asdict(c)
