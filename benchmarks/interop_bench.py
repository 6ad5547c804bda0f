"""Benchmark of the importers: an ACLED-style events CSV of N rows (default 100,000) read, prepared and
applied as one undo step to an empty corpus (and to the default corpus), then undone.

    python benchmarks/interop_bench.py [--rows N] [--into data]

Prints the phases (read = parse the CSV into a plan, prepare = the commands' operations, off the UI thread
in the app; apply = the corpus, index and journal taking them on the UI thread; undo) and the progress
callbacks it got, and, on the last line, ``RESULT {json}``. Times in seconds. The target: the whole import
of 100,000 rows in at most 10 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
          "assoc_actor_1", "actor2", "assoc_actor_2", "country", "location", "latitude", "longitude", "source",
          "notes", "fatalities"]
TYPES = [("Battles", "Armed clash"), ("Protests", "Peaceful protest"), ("Riots", "Violent demonstration"),
         ("Violence against civilians", "Attack"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
         ("Strategic developments", "Agreement")]
PLACES = ["Aleppo", "Kabul", "Lusaka", "Baidoa", "Sirte", "Mosul", "Gao", "Kharkiv", "Goma", "Maiduguri"]


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    actors = [f"Armed group {i}" for i in range(400)] + [f"Police Forces of Country {i}" for i in range(60)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            y, m, d = rnd.randint(1997, 2024), rnd.randint(1, 12), rnd.randint(1, 28)
            et, st = rnd.choice(TYPES)
            place = rnd.choice(PLACES)
            w.writerow([f"XX{i}", f"{y:04d}-{m:02d}-{d:02d}", y, rnd.choice("1112"), et, st, rnd.choice(actors),
                        "; ".join(rnd.sample(actors, rnd.randint(0, 2))), rnd.choice(actors), "", "Country",
                        place, "0.0", "0.0", "; ".join(rnd.sample(["Reuters", "AFP", "Local media", "BBC"], 2)),
                        f"On {d} {m} {y}, {st.lower()} near {place}: row {i}, with a few words of context.",
                        rnd.randint(0, 5)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--into", help="a corpus folder to import into (default: an empty corpus)")
    args = parser.parse_args()
    from explorer.core import Workspace
    from explorer.core.corpus import Corpus
    from explorer.core.interop import read_file
    from explorer.core.interop.common import apply_prepared, prepare

    tmp = Path(tempfile.mkdtemp())
    path = tmp / "events.csv"
    write_csv(path, args.rows)
    ws = Workspace.open(args.into, journal=False) if args.into else Workspace(Corpus(root=tmp / "corpus"))
    calls: list[tuple[int, int]] = []
    t0 = time.perf_counter()
    plan = read_file(path, progress=lambda d, t: calls.append((d, t)))
    t1 = time.perf_counter()
    prepared = prepare(ws.corpus, plan, progress=lambda d, t: calls.append((d, t)))
    t2 = time.perf_counter()
    apply_prepared(ws, prepared)
    t3 = time.perf_counter()
    ws.undo()
    t4 = time.perf_counter()
    result = {"rows": args.rows, "events": len(plan.events), "entities": len(plan.entities),
              "problems": len(plan.problems), "read": round(t1 - t0, 3), "prepare": round(t2 - t1, 3),
              "apply": round(t3 - t2, 3), "total": round(t3 - t0, 3), "undo": round(t4 - t3, 3),
              "progress_calls": len(calls), "file_mb": round(path.stat().st_size / 2**20, 1)}
    for k in ("read", "prepare", "apply", "undo"):
        print(f"{k:8s} {result[k]:8.2f} s")
    print(f"total    {result['total']:8.2f} s  (target <= 10 s for 100,000 rows)")
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
