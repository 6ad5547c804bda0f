#!/usr/bin/env python3
"""Beyond one machine's memory, measured: events in Arrow columns and Parquet, queried by DuckDB.

    python benchmarks/scaling.py [--events 10000000] [--repeats 5] [--out benchmarks/results/scaling.json]

Needs the bench extra (`pip install -e .[bench]`: duckdb, pyarrow). Generates N events with the shape of the
event table (start and end in UTC seconds, a precision, a theme, an id), then measures what docs/scaling.md
relies on:

- writing them to Parquet and reading them back (seconds, file size, Arrow memory);
- the density the timeline shows zoomed out: counts per theme lane per bin, for the whole span and windows of
  a decade, a year and a month, each binned to ~1,600 pixels (ms per query, median of the repeats), by DuckDB
  over the Arrow table in memory, and by DuckDB straight from the Parquet file;
- the visible window zoomed in: the first 5,000 events of a month, in start order;
- for reference, the same bins with numpy over sorted in-memory arrays (what the app does today).

Nothing here is imported by the app; it is a measurement for the design in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

YEAR = 365.2425 * 86400
T0 = -20 * YEAR  # 1950
T1 = 55 * YEAR  # 2025
PIXELS = 1600
THEMES = 12
MAX_SPAN = int(4 * YEAR)  # the longest event (a year-precision span of up to three years more)


def generate(n: int, seed: int = 20240601):
    """N events: starts clustered like real event data (a few busy periods over a uniform floor)."""
    rng = np.random.default_rng(seed)
    uniform = rng.uniform(T0, T1, size=n // 2)
    busy_centres = rng.uniform(T0, T1, size=20)
    clustered = rng.choice(busy_centres, size=n - n // 2) + rng.normal(0, YEAR / 2, size=n - n // 2)
    start = np.clip(np.concatenate([uniform, clustered]), T0, T1).astype(np.int64)
    precision = rng.choice(np.array([0, 1, 2], dtype=np.int8), size=n, p=[0.2, 0.3, 0.5])  # year, month, day
    length = np.where(precision == 0, YEAR, np.where(precision == 1, YEAR / 12, 86400)).astype(np.int64)
    span = rng.random(n) < 0.1
    end = start + length + np.where(span, rng.integers(0, int(3 * YEAR), size=n), 0)
    theme = rng.integers(0, THEMES, size=n, dtype=np.int16)
    order = np.argsort(start, kind="stable")
    return {"start": start[order], "end": end[order], "precision": precision[order], "theme": theme[order]}


def timed(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def windows() -> dict[str, tuple[float, float]]:
    mid = T0 + (T1 - T0) * 0.62
    return {"whole span (75 years)": (T0, T1), "a decade": (mid, mid + 10 * YEAR), "a year": (mid, mid + YEAR),
            "a month": (mid, mid + YEAR / 12)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "scaling.json"))
    args = parser.parse_args()
    try:
        import duckdb
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        print("scaling.py needs the bench extra: pip install -e '.[bench]' (duckdb, pyarrow)", file=sys.stderr)
        return 2

    out: dict = {"events": args.events, "duckdb": duckdb.__version__, "pyarrow": pa.__version__,
                 "cores": os.cpu_count(), "pixels": PIXELS, "queries": {}}
    t = time.perf_counter()
    cols = generate(args.events)
    out["generate_s"] = time.perf_counter() - t
    ids = pa.array(np.char.add("ev-", np.arange(args.events).astype(str)).astype(object), type=pa.string()) \
        if args.events <= 2_000_000 else None  # string ids cost most of the time to make: only at ≤ 2M
    arrays = {k: pa.array(v) for k, v in cols.items()}
    if ids is not None:
        arrays["id"] = ids
    table = pa.table(arrays)
    out["arrow_mb"] = table.nbytes / 2**20

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.parquet"
        t = time.perf_counter()
        pq.write_table(table, path, row_group_size=1 << 17)  # 128k rows: start-sorted, so groups prune
        out["parquet_write_s"] = time.perf_counter() - t
        out["parquet_mb"] = path.stat().st_size / 2**20
        t = time.perf_counter()
        again = pq.read_table(path, columns=["start", "end", "theme"])
        out["parquet_read_s"] = time.perf_counter() - t
        del again

        con = duckdb.connect()
        con.execute("PRAGMA threads=2")
        con.register("ev", table)

        def bins_sql(source: str, t0: float, t1: float) -> str:
            width = (t1 - t0) / PIXELS
            # spans are at most MAX_SPAN long, so the start bounds the rows to read (row groups and
            # zone maps skip the rest: the events are stored in start order)
            return (f"SELECT theme, greatest(0, least({PIXELS - 1}, CAST(floor((start - {t0}) / {width}) AS INTEGER)))"
                    f" AS bin, count(*) AS n "
                    f"FROM {source} WHERE start >= {t0 - MAX_SPAN} AND start < {t1} AND \"end\" > {t0} GROUP BY ALL")

        for name, (t0, t1) in windows().items():
            row: dict = {}
            row["duckdb_arrow_ms"], res = timed(lambda: con.execute(bins_sql("ev", t0, t1)).fetchnumpy(),
                                                args.repeats)
            row["bins_filled"] = int(len(res["n"]))
            row["events_in_window"] = int(np.asarray(res["n"]).sum())
            row["duckdb_parquet_ms"], _ = timed(
                lambda: con.execute(bins_sql(f"read_parquet('{path}')", t0, t1)).fetchnumpy(), args.repeats)

            def numpy_bins():  # what the app does: sorted starts, searchsorted for the window, bincount
                start, theme = cols["start"], cols["theme"]
                lo, hi = np.searchsorted(start, [t0 - 3 * YEAR, t1])  # spans start at most 3 years before
                s, th, e = start[lo:hi], theme[lo:hi], cols["end"][lo:hi]
                keep = e > t0
                b = np.clip(((s[keep] - t0) / ((t1 - t0) / PIXELS)).astype(np.int64), 0, PIXELS - 1)
                return np.bincount(th[keep].astype(np.int64) * PIXELS + b, minlength=THEMES * PIXELS)

            row["numpy_ms"], _ = timed(numpy_bins, args.repeats)
            out["queries"][name] = row

        month = windows()["a month"]
        visible = (f"SELECT start, \"end\", theme, precision FROM ev WHERE start >= {month[0] - MAX_SPAN} "
                   f"AND start < {month[1]} AND \"end\" > {month[0]} ORDER BY start LIMIT 5000")
        out["visible_5000_ms"], _ = timed(lambda: con.execute(visible).fetchnumpy(), args.repeats)
        out["visible_5000_parquet_ms"], _ = timed(
            lambda: con.execute(visible.replace("FROM ev", f"FROM read_parquet('{path}')")).fetchnumpy(),
            args.repeats)

        # a density pyramid: counts per theme and day, made once (one GROUP BY over every event); any
        # zoom's bins are then sums of consecutive days, whatever the number of events
        day0 = int(T0 // 86400)
        t = time.perf_counter()
        days = con.execute(f"SELECT theme, CAST(floor(start / 86400) AS INTEGER) - {day0} AS day, count(*) AS n "
                           f"FROM ev GROUP BY ALL").fetchnumpy()
        n_days = int(days["day"].max()) + 1
        grid = np.zeros((THEMES, n_days), dtype=np.int64)
        np.add.at(grid, (days["theme"].astype(np.int64), days["day"].astype(np.int64)), days["n"])
        out["pyramid_build_s"] = time.perf_counter() - t
        out["pyramid_mb"] = grid.nbytes / 2**20

        def from_pyramid(t0: float, t1: float):
            lo, hi = max(0, int(t0 // 86400) - day0), min(n_days, int(t1 // 86400) - day0 + 1)
            edges = np.unique(np.linspace(lo, hi, PIXELS + 1).astype(np.int64))[:-1]
            return np.add.reduceat(grid[:, lo:hi], edges - lo, axis=1) if hi > lo else grid[:, :0]

        for name, (t0, t1) in windows().items():
            out["queries"][name]["pyramid_ms"], _ = timed(lambda: from_pyramid(t0, t1), args.repeats)
        con.close()

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
