"""Synthetic corpora for benchmarks and tests: a deterministic, seeded generator. Pure Python, no Qt.

    python -m explorer.synth OUT --events 100000 --documents 1000 --seed 1

writes a corpus folder that ``explorer validate`` accepts with no problem: ``corpus.json``, the seven
annotation files and ``documents/*.txt``. The same arguments always give the same bytes.

What it holds (every count can be changed from the command line):

- documents of about ``doc_chars`` characters each (50,000 by default, so 1,000 documents are ~50 MB),
  optionally with the first one made ``big_document_chars`` long (the 1 MB document of the benchmarks).
  The texts are English-like sentences with some accented Latin words (Zürich, mêlée, São Paulo...) and
  Chinese names, so case- and accent-folding and non-ASCII offsets are exercised;
- passages (one per event by default), each a unique sentence placed at even intervals through the
  texts, with exact offsets, quote, prefix and suffix;
- events from 1950 to 2024 at year, month or day precision, some spans, with themes, actors, experts and
  their passage as evidence; entities, experts, themes and relationships citing passages at random.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from .io.load import CONTEXT_CHARS  # how much text around a passage is kept as prefix/suffix

FIRST_YEAR = 1950
LAST_YEAR = 2024

_WORDS = (
    "the of and to in a is that for on with as by at from this it be are was were which an has have not but "
    "they their its or more than also been will would other into after over between about while under "
    "trade partnership pipeline bridge summit treaty ministry council agreement border security energy "
    "investment delegation forum railway port corridor exports imports sanctions dialogue cooperation "
    "research institute university scholars experts officials analysts commentary briefing report "
    "strategy policy region neighbours relations history memory rhetoric trust friendship alliance "
    "market prices gas oil grain timber coal shipping logistics customs inspections visas tourism "
    "students exchange culture language media newspaper interview statement declaration resolution "
    "consultation mechanism framework roadmap milestone anniversary visit talks negotiations draft "
    "approved signed launched opened delayed cancelled postponed expanded reduced doubled proposed "
    "cautious optimistic sceptical pragmatic gradual rapid modest significant limited broad narrow "
    "northern southern eastern western central coastal inland remote rural urban provincial federal"
).split()
_ACCENTED = ("Zürich", "mêlée", "São Paulo", "Kraków", "Øresund", "naïve", "café", "Straße", "Ångström",
             "Malmö", "Bogotá", "Île-de-France", "Besançon", "Łódź", "Reykjavík", "façade", "déjà vu",
             "Müller", "Gdańsk", "Curaçao")
_CJK = ("邢广程", "陆南泉", "李伟", "王海燕", "张宁", "北京", "莫斯科", "哈尔滨")
_SYLLABLES = ("an", "bel", "cor", "dra", "el", "fen", "gar", "hol", "ist", "jor", "kal", "lun", "mar", "nor",
              "ost", "pra", "quel", "ros", "sol", "tar", "ul", "ven", "wes", "xan", "yar", "zel", "ka", "ri",
              "mo", "te", "vi", "do")
_ENTITY_KINDS = ("country", "person", "organisation", "project", "agreement", "place", "event", "group")
_ENTITY_SUFFIX = {"country": "", "person": "", "organisation": " Institute", "project": " Project",
                  "agreement": " Accord", "place": " Valley", "event": " Forum", "group": " Circle"}
_ACTIONS = ("signs", "opens", "proposes", "delays", "launches", "hosts", "expands", "suspends", "reviews",
            "announces", "funds", "completes")
_OBJECTS = ("pipeline", "bridge", "trade agreement", "security dialogue", "rail corridor", "research centre",
            "customs reform", "energy deal", "port terminal", "student exchange", "joint exercise",
            "investment fund", "border crossing", "grain contract", "space programme", "media forum")
_REL_KINDS = ("partners with", "opposes", "leads", "funds", "advises", "competes with", "supports",
              "negotiates with", "belongs to", "criticises")
_THEME_NAMES = ("Economic ties", "Energy", "Security", "Diplomacy", "Infrastructure", "Science and technology",
                "Culture and education", "Public opinion", "Regional order", "Finance", "Health",
                "Environment")
_THEME_COLORS = ("#cdb23a", "#e08f4c", "#5b8fd0", "#8a6fc2", "#4fa36b", "#d0605b", "#3aa6a0", "#a07a4a",
                 "#6b8e23", "#c25b9a", "#7f7f7f", "#2e8bc0")


@dataclass(frozen=True)
class SynthOptions:
    events: int = 1000
    documents: int = 100
    seed: int = 1
    entities: int = 1000
    relationships: int = 5000
    experts: int = 100
    themes: int = 12
    passages: int | None = None  # default: one per event (at least 5 per document)
    doc_chars: int = 50_000
    big_document_chars: int = 0  # if > 0, the first document is this long

    @property
    def passage_count(self) -> int:
        if self.passages is not None:
            return self.passages
        return max(self.events, 5 * self.documents, 1)


def _pid(i: int) -> str:
    return f"p-{i:06d}"


def _date(rng: random.Random, lo_year: int = FIRST_YEAR, hi_year: int = LAST_YEAR) -> tuple[str, tuple]:
    """A random partial date as text, with its (year, month, day) sort key (missing parts as 0)."""
    y = rng.randint(lo_year, hi_year)
    r = rng.random()
    if r < 0.2:
        return f"{y:04d}", (y, 0, 0)
    m = rng.randint(1, 12)
    if r < 0.5:
        return f"{y:04d}-{m:02d}", (y, m, 0)
    d = rng.randint(1, calendar.monthrange(y, m)[1])
    return f"{y:04d}-{m:02d}-{d:02d}", (y, m, d)


def _later_date(rng: random.Random, key: tuple) -> str:
    """A partial date that ends after the start ``key`` begins (so the span is valid)."""
    y, m, d = key
    y2 = min(LAST_YEAR, y + rng.randint(0, 3))
    r = rng.random()
    if r < 0.3:
        return f"{y2:04d}"
    lo_m = m if (y2 == y and m) else 1
    m2 = rng.randint(lo_m, 12)
    if r < 0.6:
        return f"{y2:04d}-{m2:02d}"
    lo_d = d if (y2 == y and m2 == m and d) else 1
    d2 = rng.randint(lo_d, calendar.monthrange(y2, m2)[1])
    return f"{y2:04d}-{m2:02d}-{d2:02d}"


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


def _unique_names(rng: random.Random, n: int, make) -> list[str]:
    seen: set[str] = set()
    out = []
    while len(out) < n:
        name = make()
        if name in seen:
            name = f"{name} {len(out) + 1}"
        seen.add(name)
        out.append(name)
    return out


def _sentence_pool(rng: random.Random, n: int = 3000) -> list[str]:
    pool = []
    for _ in range(n):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 22))]
        r = rng.random()
        if r < 0.25:
            words.insert(rng.randrange(len(words)), rng.choice(_ACCENTED))
        elif r < 0.32:
            words.insert(rng.randrange(len(words)), rng.choice(_CJK))
        text = " ".join(words)
        pool.append(text[0].upper() + text[1:] + rng.choice((".", ".", ".", ";", "?")))
    return pool


def _dumps(items: list[dict]) -> str:
    """A JSON list with one item per line: compact, diffable and deterministic."""
    if not items:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]\n"


def generate(out: str | Path, options: SynthOptions | None = None, **kwargs) -> dict[str, int]:
    """Write a synthetic corpus folder to ``out``; return the counts written."""
    opts = options or SynthOptions(**kwargs)
    if opts.documents < 1:
        raise ValueError("a corpus needs at least one document")
    if opts.events < 0 or opts.entities < 0 or opts.relationships < 0 or opts.experts < 0:
        raise ValueError("counts cannot be negative")
    if opts.relationships and opts.entities + opts.experts < 2:
        raise ValueError("relationships need at least two entities or experts")
    rng = random.Random(opts.seed)
    out = Path(out)
    (out / "documents").mkdir(parents=True, exist_ok=True)

    n_pass = opts.passage_count
    n_themes = max(1, min(opts.themes, len(_THEME_NAMES) * 10))

    # -- names --------------------------------------------------------------------------------------
    entity_kinds = [_ENTITY_KINDS[rng.randrange(len(_ENTITY_KINDS))] for _ in range(opts.entities)]
    entity_names = _unique_names(rng, opts.entities, lambda: _name(rng, rng.randint(2, 3)))
    entity_names = [n + _ENTITY_SUFFIX[k] for n, k in zip(entity_names, entity_kinds)]
    expert_names = _unique_names(rng, opts.experts,
                                 lambda: f"{_name(rng, 1 + rng.randint(1, 2))} {_name(rng, 2)}")
    entity_ids = [f"ent-{i:05d}" for i in range(opts.entities)]
    expert_ids = [f"ex-{i:05d}" for i in range(opts.experts)]
    theme_ids = [f"theme-{i:03d}" for i in range(n_themes)]

    # -- events (titles first: the passages quote them) ---------------------------------------------
    actors_pool = entity_ids or expert_ids
    event_rows = []
    for i in range(opts.events):
        start, key = _date(rng)
        actors = rng.sample(actors_pool, min(len(actors_pool), rng.randint(1, 3))) if actors_pool else []
        experts = rng.sample(expert_ids, min(len(expert_ids), rng.choice((0, 0, 1, 2)))) if expert_ids else []
        if not actors:
            subject = "Someone"
        elif actors[0].startswith("ent-"):
            subject = entity_names[int(actors[0][4:])]
        else:
            subject = expert_names[int(actors[0][3:])]
        title = f"{subject} {rng.choice(_ACTIONS)} {rng.choice(_OBJECTS)}"
        event_rows.append((i, start, key, actors, experts, title))

    # -- passages: one sentence each, assigned to documents in proportion to their length -------------
    doc_lengths = [opts.doc_chars] * opts.documents
    if opts.big_document_chars > 0:
        doc_lengths[0] = opts.big_document_chars
    total = sum(doc_lengths)
    quotes = []
    for j in range(n_pass):
        if j < len(event_rows):
            _, start, _, _, _, title = event_rows[j]
            quotes.append(f"In {start} {title} (record {j + 1}), as the report {rng.choice(_ACCENTED)} notes.")
        else:
            quotes.append(f"Record {j + 1}: {_name(rng, 3)} {rng.choice(_ACTIONS)} the {rng.choice(_OBJECTS)}.")
    # deal passages out to documents proportionally, then shuffle which passage goes where
    per_doc = [n_pass * length // total for length in doc_lengths]
    for k in range(n_pass - sum(per_doc)):
        per_doc[k % opts.documents] += 1
    order = list(range(n_pass))
    rng.shuffle(order)

    pool = _sentence_pool(rng)
    passages: list[dict] = [{} for _ in range(n_pass)]
    documents = []
    taken = 0
    for d in range(opts.documents):
        doc_id = f"doc-{d:05d}"
        mine = sorted(order[taken:taken + per_doc[d]])
        taken += per_doc[d]
        target = doc_lengths[d]
        parts: list[str] = []
        offset = 0
        # filler sentences between passages, so passages are spread through the text
        gap = max(1, target // (len(mine) + 1))
        placed: list[tuple[int, int, int]] = []

        def fill(upto: int) -> None:
            nonlocal offset
            n_sent = 0
            while offset < upto:
                s = pool[rng.randrange(len(pool))]
                sep = "\n\n" if n_sent and n_sent % 7 == 0 else " "
                if parts:
                    parts.append(sep)
                    offset += len(sep)
                parts.append(s)
                offset += len(s)
                n_sent += 1

        for k, j in enumerate(mine):
            fill((k + 1) * gap - len(quotes[j]) // 2)
            if parts:
                parts.append(" ")
                offset += 1
            parts.append(quotes[j])
            placed.append((j, offset, offset + len(quotes[j])))
            offset += len(quotes[j])
        fill(target)
        text = "".join(parts) + "\n"
        for j, s, e in placed:
            passages[j] = {"id": _pid(j), "document": doc_id, "start": s, "end": e, "quote": text[s:e],
                           "prefix": text[max(0, s - CONTEXT_CHARS):s], "suffix": text[e:e + CONTEXT_CHARS]}
        rel_file = f"documents/{doc_id}.txt"
        (out / rel_file).write_bytes(text.encode("utf-8"))
        date, _ = _date(rng, 1990, LAST_YEAR)
        doc = {"id": doc_id, "title": f"{_name(rng, 2)} {rng.choice(_WORDS).capitalize()} report {d + 1}",
               "author": expert_names[rng.randrange(len(expert_names))] if expert_names and rng.random() < 0.7
               else None,
               "publisher": f"{_name(rng, 2)} Review" if rng.random() < 0.5 else None,
               "date": date, "date_inferred": rng.random() < 0.3, "file": rel_file}
        documents.append(doc)

    def some_passages(k_max: int = 2) -> list[str]:
        return sorted({_pid(rng.randrange(n_pass)) for _ in range(rng.randint(1, k_max))})

    themes = [{"id": tid, "name": _THEME_NAMES[i % len(_THEME_NAMES)] + (f" {i // len(_THEME_NAMES) + 1}"
                                                                           if i >= len(_THEME_NAMES) else ""),
               "description": f"Synthetic theme {i + 1}.", "color": _THEME_COLORS[i % len(_THEME_COLORS)],
               "passages": some_passages(3)} for i, tid in enumerate(theme_ids)]

    entities = []
    for i, eid in enumerate(entity_ids):
        item = {"id": eid, "name": entity_names[i], "kind": entity_kinds[i],
                "description": f"A synthetic {entity_kinds[i]} ({rng.choice(_WORDS)} {rng.choice(_WORDS)}).",
                "passages": some_passages()}
        if rng.random() < 0.2:
            item["aliases"] = [entity_names[i][:3].upper()]
        if rng.random() < 0.05:
            item["native_name"] = rng.choice(_CJK)
        entities.append(item)

    experts = []
    for i, xid in enumerate(expert_ids):
        item = {"id": xid, "name": expert_names[i], "voice": rng.choice(("expert", "official", "author",
                                                                         "commentator")),
                "affiliation": entity_names[rng.randrange(len(entity_names))] if entity_names else "",
                "role": rng.choice(("director", "analyst", "professor", "minister", "researcher")),
                "bio": f"Works on {rng.choice(_OBJECTS)} and {rng.choice(_OBJECTS)}.",
                "passages": some_passages(),
                "positions": [{"text": f"The {rng.choice(_OBJECTS)} is {rng.choice(_WORDS[-24:])}.",
                               "passages": some_passages()} for _ in range(rng.randint(0, 2))]}
        if entity_ids:
            item["organisation"] = entity_ids[rng.randrange(len(entity_ids))]
        if rng.random() < 0.1:
            item["native_name"] = rng.choice(_CJK)
        experts.append(item)

    events = []
    for i, start, key, actors, exps, title in event_rows:
        item = {"id": f"ev-{i:06d}", "title": title,
                "summary": f"{title}; {rng.choice(pool)[:80]}", "start": start}
        if rng.random() < 0.15:
            item["end"] = _later_date(rng, key)
        if rng.random() < 0.1:
            item["inferred"] = True
            item["date_text"] = f"around {start[:4]}"
        item["themes"] = sorted(rng.sample(theme_ids, min(len(theme_ids), rng.randint(1, 2))))
        item["actors"] = actors
        item["experts"] = exps
        pids = [_pid(i % n_pass)]
        if rng.random() < 0.1:
            extra = _pid(rng.randrange(n_pass))
            if extra not in pids:
                pids.append(extra)
        item["passages"] = pids
        if rng.random() < 0.01:
            item["conflict"] = "Two sources give different dates for this event."
        events.append(item)

    nodes = entity_ids + expert_ids
    relationships = []
    for i in range(opts.relationships):
        a, b = rng.sample(nodes, 2)
        item = {"id": f"rel-{i:06d}", "source": a, "target": b, "kind": rng.choice(_REL_KINDS),
                "summary": f"Synthetic relationship {i + 1}."}
        if rng.random() < 0.3:
            start, key = _date(rng)
            item["start"] = start
            if rng.random() < 0.5:
                item["end"] = _later_date(rng, key)
        item["passages"] = some_passages()
        relationships.append(item)

    info = {"title": f"Synthetic corpus ({opts.events} events, {opts.documents} documents, seed {opts.seed})",
            "description": "Generated by explorer.synth for benchmarks and tests.",
            "credits": "Synthetic text; no real sources.",
            "time_range": [str(FIRST_YEAR), str(LAST_YEAR)]}
    (out / "corpus.json").write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, items in (("documents.json", documents), ("passages.json", passages), ("themes.json", themes),
                        ("entities.json", entities), ("experts.json", experts), ("events.json", events),
                        ("relationships.json", relationships)):
        (out / name).write_bytes(_dumps(items).encode("utf-8"))
    return {"documents": len(documents), "passages": len(passages), "events": len(events),
            "experts": len(experts), "entities": len(entities), "relationships": len(relationships),
            "themes": len(themes), "text_chars": total}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer.synth",
                                     description="Write a deterministic synthetic corpus folder.")
    parser.add_argument("out", help="the corpus folder to write (created if missing)")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--relationships", type=int, default=5000)
    parser.add_argument("--experts", type=int, default=100)
    parser.add_argument("--themes", type=int, default=12)
    parser.add_argument("--passages", type=int, default=None, help="default: one per event")
    parser.add_argument("--doc-chars", type=int, default=50_000, help="characters per document")
    parser.add_argument("--big-document-chars", type=int, default=0,
                        help="make the first document this long (e.g. 1000000 for a 1 MB document)")
    args = parser.parse_args(argv)
    try:
        counts = generate(args.out, SynthOptions(
            events=args.events, documents=args.documents, seed=args.seed, entities=args.entities,
            relationships=args.relationships, experts=args.experts, themes=args.themes, passages=args.passages,
            doc_chars=args.doc_chars, big_document_chars=args.big_document_chars))
    except (ValueError, OSError) as exc:
        print(f"explorer.synth: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
