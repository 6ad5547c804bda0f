"""Quality of the reading assistant, measured against gold annotations.

    python benchmarks/assist/eval.py            # the table on stdout
    python benchmarks/assist/eval.py --json out.json --details
    python benchmarks/assist/eval.py --speed    # also: a 1 MB document, seconds (median of 3)

Gold:
- the two seed texts (data/documents/*.txt): the default corpus is the gold. Dated events are its events
  with a passage in the document, less the few the text dates by no date expression (``gold/seeds.json``
  names each, with the reason); voices are its experts, actors its entities, with a passage there;
- three texts written for this benchmark (``texts/``: a chronology, a news explainer, a commentary with
  quoted experts; invented organisations, people and figures), with gold in ``gold/*.json``.

The finder runs without a corpus (everything is a new candidate), so that it is measured on what it finds.

Matching:
- a dated event is found when a candidate's passage overlaps the event's passage (its evidence, or the gold
  quote) and the candidate's date and end date are the event's; "at the right precision" is that; "found
  at another precision" counts candidates over the passage with the same year but another precision;
- precision of events: candidates whose date and passage match some gold event, over all event candidates;
- a voice is found when an expert candidate has its name (case, accents and a leading "the" ignored);
  "with native name" when the candidate's native name is the gold one;
- an actor is found when an entity candidate's name or one of its aliases is the actor's name or alias.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))

from explorer.core.assist.candidates import _norm, find_candidates  # noqa: E402


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def seed_cases() -> list[dict]:
    from explorer.core.io.load import load_corpus

    corpus = load_corpus(ROOT / "data")
    meta = json.loads((HERE / "gold" / "seeds.json").read_text(encoding="utf-8"))
    skip = meta["not_date_expressions"]
    cases = []
    for doc_id in meta["documents"]:
        doc = corpus.get(doc_id)

        def spans(item) -> list[tuple[int, int]]:
            out = []
            for pid in item.passages:
                p = corpus.get(pid)
                if p is not None and p.document == doc_id:
                    out.append((p.start, p.end))
            return out

        events = []
        for ev in corpus.items_of("event"):
            sp = spans(ev)
            if sp and ev.id not in skip:
                events.append({"id": ev.id, "date": str(ev.start), "end": str(ev.end) if ev.end else None,
                               "spans": sp, "title": ev.title, "inferred": ev.inferred})
        voices = [{"id": e.id, "name": e.name, "native": e.native_name} for e in corpus.items_of("expert")
                  if spans(e)]
        actors = [{"id": e.id, "name": e.name, "aliases": list(e.aliases), "kind": e.kind}
                  for e in corpus.items_of("entity") if spans(e)]
        cases.append({"name": Path(doc.file).name, "seed": True, "text": doc.text, "date": str(doc.date),
                      "events": events, "voices": voices, "actors": actors})
    return cases


def written_cases() -> list[dict]:
    cases = []
    for path in sorted((HERE / "gold").glob("*.json")):
        if path.name == "seeds.json":
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        with (HERE / gold["text"]).open(encoding="utf-8", newline="") as f:
            text = f.read()
        events = []
        for ev in gold["events"]:
            at = text.find(ev["quote"])
            if at < 0:
                raise SystemExit(f"{path.name}: quote not in the text: {ev['quote']!r}")
            events.append({"id": ev["quote"][:40], "date": ev["date"], "end": ev.get("end"),
                           "spans": [(at, at + len(ev["quote"]))], "title": ev["quote"],
                           "inferred": ev.get("inferred", False)})
        cases.append({"name": Path(gold["text"]).name, "seed": False, "text": text, "date": gold["date"],
                      "events": events, "voices": gold["voices"], "actors": gold["actors"]})
    return cases


def evaluate(case: dict) -> dict:
    text = case["text"]
    found = find_candidates(text, case["date"])
    events = [c for c in found if c.kind == "event"]
    experts = [c for c in found if c.kind == "expert"]
    entities = [c for c in found if c.kind == "entity"]

    def same_date(c, ev) -> bool:
        return c.date == ev["date"] and (c.end_date or None) == (ev["end"] or None)

    def over(c, ev) -> bool:
        return any(_overlaps((c.passage_start, c.passage_end), sp) for sp in ev["spans"])

    ev_found, ev_other_precision, ev_missed, inferred_right = [], [], [], 0
    for ev in case["events"]:
        hit = [c for c in events if over(c, ev) and same_date(c, ev)]
        if hit:
            ev_found.append(ev["id"])
            inferred_right += hit[0].inferred == bool(ev["inferred"])
        elif [c for c in events if over(c, ev) and c.date and c.date[:4] == ev["date"][:4]]:
            ev_other_precision.append(ev["id"])
        else:
            ev_missed.append(ev["id"])
    ev_correct = [c for c in events if any(over(c, ev) and same_date(c, ev) for ev in case["events"])]
    ev_wrong = [c for c in events if c not in ev_correct]

    def names(item) -> set[str]:
        return {_norm(n) for n in [item.get("name"), *item.get("aliases", [])] if n}

    v_found, v_native, v_missed = [], [], []
    for v in case["voices"]:
        hit = [c for c in experts if _norm(c.name or c.title) == _norm(v["name"])]
        if hit:
            v_found.append(v["name"])
            if v.get("native") and hit[0].native_name == v["native"]:
                v_native.append(v["name"])
        else:
            v_missed.append(v["name"])
    gold_voice_names = {_norm(v["name"]) for v in case["voices"]}
    v_wrong = [c for c in experts if _norm(c.name or c.title) not in gold_voice_names]
    with_native = [v for v in case["voices"] if v.get("native")]

    a_found, a_missed = [], []
    cand_names = [({_norm(c.name or c.title), *(_norm(a) for a in c.aliases)}, c) for c in entities]
    for a in case["actors"]:
        if any(names(a) & ns for ns, _ in cand_names):
            a_found.append(a["name"])
        else:
            a_missed.append(a["name"])
    gold_names = set().union(*(names(a) for a in case["actors"])) if case["actors"] else set()
    a_wrong = [c for ns, c in cand_names if not ns & gold_names]
    return {
        "name": case["name"], "seed": case["seed"], "chars": len(text),
        "events": {"gold": len(case["events"]), "found": len(ev_found), "other_precision": ev_other_precision,
                   "missed": ev_missed, "candidates": len(events), "correct": len(ev_correct),
                   "inferred_right": inferred_right,
                   "wrong": [f"{c.date} {c.date_text!r}: {c.title}" for c in ev_wrong]},
        "voices": {"gold": len(case["voices"]), "found": len(v_found), "missed": v_missed,
                   "with_native_gold": len(with_native), "with_native_found": len(v_native),
                   "candidates": len(experts), "wrong": [c.name or c.title for c in v_wrong]},
        "actors": {"gold": len(case["actors"]), "found": len(a_found), "missed": a_missed,
                   "candidates": len(entities), "wrong": [c.name or c.title for c in a_wrong]},
    }


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f}% ({a}/{b})" if b else "–"


def table(results: list[dict]) -> str:
    rows = ["| text | events recall (right precision) | events precision | other precision | inferred flag right "
            "| voices recall | voices precision | with native name | actors recall | actors precision |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]

    def row(name: str, rs: list[dict]) -> str:
        s = lambda kind, key: sum(r[kind][key] if isinstance(r[kind][key], int) else len(r[kind][key]) for r in rs)
        ev_p = sum(r["events"]["correct"] for r in rs)
        v_ok = s("voices", "candidates") - sum(len(r["voices"]["wrong"]) for r in rs)
        a_ok = s("actors", "candidates") - sum(len(r["actors"]["wrong"]) for r in rs)
        return (f"| {name} | {_pct(s('events', 'found'), s('events', 'gold'))} "
                f"| {_pct(ev_p, s('events', 'candidates'))} | {s('events', 'other_precision')} "
                f"| {_pct(s('events', 'inferred_right'), s('events', 'found'))} "
                f"| {_pct(s('voices', 'found'), s('voices', 'gold'))} | {_pct(v_ok, s('voices', 'candidates'))} "
                f"| {_pct(s('voices', 'with_native_found'), s('voices', 'with_native_gold'))} "
                f"| {_pct(s('actors', 'found'), s('actors', 'gold'))} | {_pct(a_ok, s('actors', 'candidates'))} |")

    for r in results:
        rows.append(row(r["name"], [r]))
    seeds = [r for r in results if r["seed"]]
    written = [r for r in results if not r["seed"]]
    rows.append(row("**seed texts**", seeds))
    rows.append(row("**written texts**", written))
    rows.append(row("**all**", results))
    return "\n".join(rows)


def megabyte_text() -> str:
    parts = [(ROOT / "data" / "documents" / n).read_text(encoding="utf-8")
             for n in ("pan-pandemic-russia-china.txt", "sino-russian-partnership-breakthroughs.txt")]
    parts += [(HERE / "texts" / n).read_text(encoding="utf-8") for n in ("chronology.txt", "explainer.txt",
                                                                          "commentary.txt")]
    block = "\n\n".join(parts)
    return ((block + "\n\n") * (1_000_000 // len(block) + 1))[:1_000_000]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", help="write the results to this file")
    ap.add_argument("--details", action="store_true", help="list what was missed and what was wrong")
    ap.add_argument("--speed", action="store_true", help="time a 1 MB document")
    args = ap.parse_args()
    results = [evaluate(c) for c in seed_cases() + written_cases()]
    print(table(results))
    if args.details:
        for r in results:
            print(f"\n## {r['name']}")
            for kind in ("events", "voices", "actors"):
                for key in ("missed", "other_precision", "wrong"):
                    if r[kind].get(key):
                        print(f"- {kind} {key}: " + "; ".join(map(str, r[kind][key])))
    if args.speed:
        text = megabyte_text()
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            found = find_candidates(text, "2021-12")
            times.append(time.perf_counter() - t0)
        print(f"\n1 MB document ({len(text):,} characters): {statistics.median(times):.2f} s "
              f"(median of 3; {len(found):,} candidates)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
