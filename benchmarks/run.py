"""The explorer benchmark suite: one command, a table on stdout, a JSON file in benchmarks/results/.

    python benchmarks/run.py                          # sizes 1k, 10k, 100k, full repeats
    python benchmarks/run.py --sizes 1k,10k --quick   # fewer repeats
    python benchmarks/run.py --sizes 200 --quick --out /tmp/bench   # the CI smoke run

Each size is a synthetic corpus from ``explorer.core.synth`` (generated once, then reused from the corpora
folder): ``1k`` is 1,000 events and 100 documents, ``10k`` 10,000 events and 1,000 documents, ``100k``
100,000 events and 1,000 documents (about 50 MB of text); each has 1,000 entities, 100 experts, 5,000
relationships and a first document of 1 MB. A plain number (e.g. ``200``) is a tiny corpus for smoke tests.

Every measurement runs in a fresh subprocess (``benchmarks/tasks.py``), so that one size cannot warm
caches for the next and peak memory is per size. The timeline, the bare pyqtgraph scatter and the
matplotlib timeline are measured in one process, frame by frame in turn, so their ratios hold on a noisy
machine. Figures are medians; times in milliseconds unless marked.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SEED = 20240601

#: name -> generator options
PRESETS = {
    "1k": dict(events=1_000, documents=100),
    "10k": dict(events=10_000, documents=1_000),
    "100k": dict(events=100_000, documents=1_000),
    # 1M: ten times the documents of 100k but the same 50 MB of text in all (5,000 characters each, plus the
    # 1 MB document): event datasets grow by rows, an analyst's reading does not
    "1m": dict(events=1_000_000, documents=10_000, doc_chars=5_000),
}
COMMON = dict(entities=1_000, relationships=5_000, experts=100, doc_chars=50_000, big_document_chars=1_000_000)
TINY = dict(documents=5, entities=50, relationships=200, experts=20, doc_chars=4_000, big_document_chars=20_000)

TARGETS = {  # the targets, checked against the largest size that has the measurement
    "frame_100k_vs_1k": "timeline frame at 100k ≤ 1.2× its frame at 1k",
    "frame_vs_scatter": "timeline frame below the bare pyqtgraph scatter at 100k",
    "frame_vs_matplotlib": "timeline ≥ 2.5× faster than matplotlib at 100k",
    "selection": "selection → all views ≤ 50 ms at 100k events with a 1 MB document",
    "load_validate": "load + validate 100k events and 1,000 documents ≤ 3 s",
    "search": "search over 50 MB ≤ 100 ms",
    "startup": "start-up ≤ 1.5× the bare window",
    "export_4k": "4K PNG export ≤ 1 s",
    "memory": "peak memory ≤ 600 MB at 100k events",
    # issue 15: a million events (the largest size of at least 1M events)
    "m_open": "1M events, 10k documents: load + index ≤ 10 s (opened as the window opens it: first / from the cache)",
    "m_stall": "1M: no wait of the window's event loop over 100 ms while the corpus loads (first / from the cache)",
    "m_memory": "1M: peak RSS of the whole app ≤ 1.5 GB (first open / from the cache)",
    "m_frame": "1M: timeline frame after a pan or zoom ≤ 1.2× its frame at 1k",
    "m_selection": "1M: selection → all views painted ≤ 50 ms median",
    "m_search": "1M: search ≤ 150 ms",
    "startup_shown": "start-up: the corpus shown ≤ 2× the bare window",
}


def size_options(name: str) -> dict:
    if name in PRESETS:
        return {**COMMON, **PRESETS[name]}
    try:
        events = int(name.lower().replace("k", "000").replace("m", "000000"))
    except ValueError:
        raise SystemExit(f"run.py: unknown size '{name}'; use 1k, 10k, 100k or a number of events") from None
    if events >= 1000:
        return {**COMMON, "events": events, "documents": 1_000 if events >= 10_000 else 100}
    return {**TINY, "events": events}


def ensure_corpus(folder: Path, name: str) -> Path:
    """Generate the corpus for a size once; reuse it while the options and the generator are the same."""
    sys.path.insert(0, str(ROOT / "src"))
    from explorer.core.synth import SynthOptions, generate

    opts = {**size_options(name), "seed": SEED}
    target = folder / f"{name}-seed{SEED}"
    stamp = target / ".synth.json"
    synth_src = (ROOT / "src" / "explorer" / "core" / "synth.py").read_bytes()
    key = {"options": opts, "generator": hash_bytes(synth_src)}
    if stamp.is_file() and json.loads(stamp.read_text()) == key:
        return target
    t = time.perf_counter()
    print(f"generating the {name} corpus in {target} …", file=sys.stderr, flush=True)
    generate(target, SynthOptions(**opts))
    stamp.write_text(json.dumps(key))
    print(f"  done in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
    return target


def hash_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


def child_env() -> dict:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    runtime = Path(tempfile.gettempdir()) / f"explorer-bench-runtime-{os.getuid()}"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.setdefault("XDG_RUNTIME_DIR", str(runtime))
    # settings of the benchmark windows go to a throw-away place, never the user's
    env["XDG_CONFIG_HOME"] = str(Path(tempfile.gettempdir()) / f"explorer-bench-config-{os.getuid()}")
    # the cache of opened corpora (the open and memory_cached tasks) in a folder of the benchmarks' own
    env["EXPLORER_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / f"explorer-bench-cache-{os.getuid()}")
    return env


def run_task(task: str, corpus: Path, extra: list[str], timeout: float) -> dict:
    cmd = [sys.executable, str(BENCH_DIR / "tasks.py"), task, "--corpus", str(corpus), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or "").splitlines()[-25:])
        return {"error": f"{task} failed (exit {proc.returncode})", "stderr": tail}
    return json.loads(lines[-1][len("RESULT "):])


def measure_startup(runs: int) -> dict:
    """Wall time from process start to the first painted window, explorer vs a bare PySide6 + pyqtgraph
    window, alternating so that noise hits both alike."""
    times: dict[str, list[float]] = {"bare": [], "explorer": [], "explorer_ready": []}
    env = child_env()
    for _ in range(runs):
        for mode in ("bare", "explorer"):
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, str(BENCH_DIR / "startup_child.py"), mode],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
            seen = set()
            for line in proc.stdout:
                now = time.perf_counter() - t0
                what = line.strip()
                if what in seen:
                    continue
                seen.add(what)
                if what == "painted":
                    times[mode].append(now)
                elif what == "ready":
                    times["explorer_ready"].append(now)
            proc.wait(timeout=60)
    out = {k: summary(v) for k, v in times.items()}
    return out


def summary(samples: list[float]) -> dict:
    if not samples:
        return {"median": None, "min": None, "max": None, "n": 0, "samples": []}
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples), "n": len(samples),
            "samples": [round(s, 6) for s in samples]}


def machine_info() -> dict:
    info: dict = {"platform": platform.platform(), "python": platform.python_version(), "cores": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gib"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    code = ("import json, PySide6, pyqtgraph, numpy, pydantic\n"
            "from PySide6.QtCore import qVersion\n"
            "try:\n import matplotlib; mpl = matplotlib.__version__\nexcept ImportError:\n mpl = None\n"
            "print(json.dumps({'qt': qVersion(), 'pyside6': PySide6.__version__, 'pyqtgraph': pyqtgraph.__version__,"
            " 'numpy': numpy.__version__, 'pydantic': pydantic.__version__, 'matplotlib': mpl}))")
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=child_env(),
                             timeout=60)
        info.update(json.loads(out.stdout.strip().splitlines()[-1]))
    except (subprocess.SubprocessError, ValueError, IndexError):
        pass
    return info


# -- targets and the table ------------------------------------------------------------------------------

def _get(d: dict, *path):
    for p in path:
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    return d


def evaluate(results: dict) -> dict:
    sizes = results["sizes"]

    def pick(predicate):
        """The largest size whose options satisfy ``predicate``."""
        names = [n for n in sizes if predicate(sizes[n]["options"])]
        return max(names, key=lambda n: sizes[n]["options"]["events"]) if names else None

    big = pick(lambda o: 100_000 <= o["events"] < 1_000_000)  # the targets of 100k (1M has its own)
    small = pick(lambda o: o["events"] == 1_000)
    out = {}

    def add(key, size, value, limit, met, figure):
        out[key] = {"target": TARGETS[key], "size": size, "value": value, "limit": limit,
                    "met": (None if value is None else bool(met)), "figure": figure}

    tl = lambda n: _get(sizes.get(n) or {}, "frames", "timeline", "median")  # noqa: E731
    if big:
        t_big, t_small = tl(big), tl(small) if small else None
        ratio = t_big / t_small if (t_big and t_small) else None
        add("frame_100k_vs_1k", big, ratio, 1.2, ratio is not None and ratio <= 1.2,
            f"{ratio:.2f}× ({t_big * 1e3:.1f} ms vs {t_small * 1e3:.1f} ms)" if ratio else "not measured")
        sc = _get(sizes[big], "frames", "pyqtgraph_scatter", "median")
        add("frame_vs_scatter", big, (t_big / sc) if (t_big and sc) else None, 1.0,
            bool(t_big and sc and t_big < sc),
            f"{t_big * 1e3:.1f} ms vs {sc * 1e3:.1f} ms" if (t_big and sc) else "not measured")
        mpl = _get(sizes[big], "frames", "matplotlib", "median")
        sp = (mpl / t_big) if (t_big and mpl) else None
        add("frame_vs_matplotlib", big, sp, 2.5, sp is not None and sp >= 2.5,
            f"{sp:.1f}× faster ({mpl * 1e3:.0f} ms vs {t_big * 1e3:.1f} ms)" if sp else "not measured")
        sel = _get(sizes[big], "ui", "selection", "median")
        worst = max((v["median"] for v in (_get(sizes[big], "ui", "selection_by_kind") or {}).values()
                     if v.get("median") is not None), default=None)
        add("selection", big, sel, 0.05, sel is not None and sel <= 0.05,
            f"median {sel * 1e3:.0f} ms, slowest kind {worst * 1e3:.0f} ms" if sel is not None else "not measured")
        mem = _get(sizes[big], "memory", "peak_rss_mb")
        add("memory", big, mem, 600, mem is not None and mem <= 600,
            f"{mem:.0f} MB peak RSS" if mem is not None else "not measured")
    docs_big = pick(lambda o: 100_000 <= o["events"] < 1_000_000 and o["documents"] >= 1000)
    if docs_big:
        lv = _get(sizes[docs_big], "data", "load_validate", "median")
        add("load_validate", docs_big, lv, 3.0, lv is not None and lv <= 3.0,
            f"{lv:.2f} s" if lv is not None else "not measured")
    text_big = [n for n in sizes if (_get(sizes[n], "data", "text_chars") or 0) >= 50_000_000
                and sizes[n]["options"]["events"] < 1_000_000]
    if text_big:
        n = max(text_big, key=lambda k: sizes[k]["options"]["events"])
        s = _get(sizes[n], "data", "search", "max")
        med = _get(sizes[n], "data", "search", "median")
        first = _get(sizes[n], "data", "search_first")
        add("search", n, s, 0.1, s is not None and s <= 0.1,
            f"slowest {s * 1e3:.0f} ms, median {med * 1e3:.0f} ms (first search, folding 50 MB: "
            f"{first * 1e3:.0f} ms)" if s is not None else "not measured")
    st = results.get("startup") or {}
    b, e, r = (_get(st, k, "median") for k in ("bare", "explorer", "explorer_ready"))
    if b and e:
        add("startup", None, e / b, 1.5, e / b <= 1.5,
            f"{e / b:.2f}× ({e * 1e3:.0f} ms vs {b * 1e3:.0f} ms; with the corpus shown {r * 1e3:.0f} ms = "
            f"{r / b:.2f}×)" if r else f"{e / b:.2f}× ({e * 1e3:.0f} ms vs {b * 1e3:.0f} ms)")
    export_size = big or (max(sizes, key=lambda n: sizes[n]["options"]["events"]) if sizes else None)
    if export_size:
        et = _get(sizes[export_size], "ui", "export_4k_timeline", "median")
        ew = _get(sizes[export_size], "ui", "export_4k_window", "median")
        worst = max(x for x in (et, ew, 0) if x is not None)
        add("export_4k", export_size, worst if (et or ew) else None, 1.0, worst <= 1.0,
            f"timeline {et * 1e3:.0f} ms, window {ew * 1e3:.0f} ms" if (et and ew) else "not measured")
    if b and r:
        add("startup_shown", None, r / b, 2.0, r / b <= 2.0, f"{r / b:.2f}× ({r * 1e3:.0f} ms vs {b * 1e3:.0f} ms)")
    million = pick(lambda o: o["events"] >= 1_000_000)
    if million:
        m = sizes[million]
        first, again = _get(m, "open", "open_s"), _get(m, "open_cached", "open_s")
        c1, c2 = _get(m, "open", "open_cpu_s"), _get(m, "open_cached", "open_cpu_s")
        if first is not None:
            add("m_open", million, first, 10.0, first <= 10.0,
                f"first {first:.1f} s ({c1:.1f} s CPU), from the cache {again:.1f} s ({c2:.1f} s CPU)"
                if again is not None else f"first {first:.1f} s ({c1:.1f} s CPU)")
        g1, g2 = _get(m, "stall", "max_gap_ms"), _get(m, "stall_cached", "max_gap_ms")
        if g1 is not None:
            n1, n2 = _get(m, "stall", "gaps_over_100ms"), _get(m, "stall_cached", "gaps_over_100ms")
            add("m_stall", million, g1, 100.0, g1 <= 100.0 and (g2 is None or g2 <= 100.0),
                f"first: longest {g1:.0f} ms, {n1} over 100 ms; from the cache: "
                + (f"longest {g2:.0f} ms, {n2} over 100 ms" if g2 is not None else "not measured"))
        p1, p2 = _get(m, "memory", "peak_rss_mb"), _get(m, "memory_cached", "peak_rss_mb")
        if p1 is not None:
            add("m_memory", million, p1, 1536, p1 <= 1536,
                f"{p1:.0f} MB first open, {p2:.0f} MB from the cache" if p2 is not None else f"{p1:.0f} MB")
        ref = _get(results, "reference_1k_frames", "timeline", "median") or (tl(small) if small else None)
        t_m = tl(million)
        if t_m and ref:
            add("m_frame", million, t_m / ref, 1.2, t_m / ref <= 1.2,
                f"{t_m / ref:.2f}× ({t_m * 1e3:.1f} ms vs {ref * 1e3:.1f} ms)")
        sel = _get(m, "ui", "selection", "median")
        if sel is not None:
            worst = max((v["median"] for v in (_get(m, "ui", "selection_by_kind") or {}).values()
                         if v.get("median") is not None), default=sel)
            add("m_selection", million, sel, 0.05, sel <= 0.05,
                f"median {sel * 1e3:.0f} ms, slowest kind {worst * 1e3:.0f} ms")
        s_max, s_med = _get(m, "data", "search", "max"), _get(m, "data", "search", "median")
        if s_max is not None:
            add("m_search", million, s_max, 0.15, s_max <= 0.15,
                f"slowest {s_max * 1e3:.0f} ms, median {s_med * 1e3:.0f} ms")
    return out


def _ms(v) -> str:
    return "—" if v is None else (f"{v * 1e3:.1f}" if v < 10 else f"{v * 1e3:.0f}")


def table(results: dict) -> str:
    sizes = results["sizes"]
    names = list(sizes)
    rows = [
        ("events / documents", lambda s: f"{s['options']['events']:,} / {s['options']['documents']:,}"),
        ("text (MB)", lambda s: _fmt(_get(s, "data", "text_chars"), lambda v: f"{v / 1e6:.1f}")),
        ("load + validate (ms)", lambda s: _ms(_get(s, "data", "load_validate", "median"))),
        ("index build (ms)", lambda s: _ms(_get(s, "data", "index_build", "median"))),
        ("search, median / slowest (ms)", lambda s: f"{_ms(_get(s, 'data', 'search', 'median'))} / "
                                                   f"{_ms(_get(s, 'data', 'search', 'max'))}"),
        ("first search, folds all text (ms)", lambda s: _ms(_get(s, "data", "search_first"))),
        ("edit a title → corpus + index, median (ms)", lambda s: _ms(_get(s, "edit", "edit_title", "median"))),
        ("  its undo, median (ms)", lambda s: _ms(_get(s, "edit", "undo_title", "median"))),
        ("  without the journal's fsync (ms)", lambda s: _ms(_get(s, "edit", "edit_title_no_journal", "median"))),
        ("re-date an event / undo, median (ms)", lambda s: f"{_ms(_get(s, 'edit', 'edit_date', 'median'))} / "
                                                          f"{_ms(_get(s, 'edit', 'undo_date', 'median'))}"),
        ("add an event / undo, median (ms)", lambda s: f"{_ms(_get(s, 'edit', 'add_event', 'median'))} / "
                                                      f"{_ms(_get(s, 'edit', 'undo_add', 'median'))}"),
        ("delete an event / undo, median (ms)", lambda s: f"{_ms(_get(s, 'edit', 'delete_event', 'median'))} / "
                                                         f"{_ms(_get(s, 'edit', 'undo_delete', 'median'))}"),
        ("save after one edit (ms)", lambda s: _ms(_get(s, "edit", "save_after_one_edit"))),
        ("open for editing + index, first open (ms)", lambda s: _ms(_get(s, "edit", "open_and_index"))),
        ("  of which load + index / the cache entry (ms)", lambda s: f"{_ms(_get(s, 'edit', 'load_and_index'))} / "
                                                                   f"{_ms(_get(s, 'edit', 'cache_write'))}"),
        ("RSS after open + index, core only (MB)", lambda s: _fmt(_get(s, "edit", "rss_indexed_mb"),
                                                                 lambda v: f"{v:.0f}")),
        ("timeline frame 1600×500 (ms)", lambda s: _ms(_get(s, "frames", "timeline", "median"))),
        ("bare pyqtgraph scatter frame (ms)", lambda s: _ms(_get(s, "frames", "pyqtgraph_scatter", "median"))),
        ("matplotlib frame (ms)", lambda s: _ms(_get(s, "frames", "matplotlib", "median"))),
        ("selection → all views painted (ms)", lambda s: _ms(_get(s, "ui", "selection", "median"))),
        ("  slowest kind (ms)", lambda s: _slowest(_get(s, "ui", "selection_by_kind"))),
        ("graph hover, median / slowest (ms)", lambda s: _med_max(s, "graph", "hover")),
        ("graph pan drag step, median / slowest (ms)", lambda s: _med_max(s, "graph", "drag_step")),
        ("graph node click, median / slowest (ms)", lambda s: _med_max(s, "graph", "click")),
        ("timeline hover, median / slowest (ms)", lambda s: _med_max(s, "timeline", "hover")),
        ("timeline pan drag step, median / slowest (ms)", lambda s: _med_max(s, "timeline", "drag_step")),
        ("timeline event click, median / slowest (ms)", lambda s: _med_max(s, "timeline", "click")),
        ("export 4K PNG, timeline (ms)", lambda s: _ms(_get(s, "ui", "export_4k_timeline", "median"))),
        ("export 4K PNG, window (ms)", lambda s: _ms(_get(s, "ui", "export_4k_window", "median"))),
        ("open a corpus, first / from the cache (ms)", lambda s: f"{_ms(_get(s, 'open', 'open_s'))} / "
                                                                f"{_ms(_get(s, 'open_cached', 'open_s'))}"),
        ("  RSS after it, first / from the cache (MB)", lambda s: (
            f"{_fmt(_get(s, 'open', 'rss_opened_mb'), lambda v: f'{v:.0f}')} / "
            f"{_fmt(_get(s, 'open_cached', 'rss_opened_mb'), lambda v: f'{v:.0f}')}")),
        ("peak RSS, whole app (MB)", lambda s: _fmt(_get(s, "memory", "peak_rss_mb"), lambda v: f"{v:.0f}")),
        ("peak RSS, whole app, corpus from the cache (MB)", lambda s: _fmt(_get(s, "memory_cached", "peak_rss_mb"),
                                                                          lambda v: f"{v:.0f}")),
        ("RSS after load + index (MB)", lambda s: _fmt(_get(s, "memory", "rss_indexed_mb"), lambda v: f"{v:.0f}")),
    ]
    head = ["measure"] + names
    body = [[label] + [fn(sizes[n]) for n in names] for label, fn in rows]
    st = results.get("startup") or {}
    if st:
        body.append(["start-up to first paint: explorer / bare (ms)",
                     f"{_ms(_get(st, 'explorer', 'median'))} / {_ms(_get(st, 'bare', 'median'))}"]
                    + [""] * (len(names) - 1))
        body.append(["start-up, corpus shown (ms)", _ms(_get(st, "explorer_ready", "median"))]
                    + [""] * (len(names) - 1))
    widths = [max(len(str(r[i])) for r in [head] + body) for i in range(len(head))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(head, widths)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |" for r in body]
    lines.append("")
    lines.append("| target | met | figure |")
    lines.append("|---|---|---|")
    for t in results.get("targets", {}).values():
        met = "—" if t["met"] is None else ("met" if t["met"] else "NOT met")
        lines.append(f"| {t['target']} | {met} | {t['figure']} |")
    return "\n".join(lines)


def _med_max(size: dict, view: str, gesture: str) -> str:
    """Median / slowest of one gesture of the interaction task (hover, drag step, click) in one view."""
    got = _get(size, "interaction", view, gesture) or {}
    return f"{_ms(got.get('median'))} / {_ms(got.get('max'))}" if got.get("n") else "—"


def _fmt(v, f) -> str:
    return "—" if v is None else f(v)


def _slowest(by_kind) -> str:
    if not by_kind:
        return "—"
    k, v = max(by_kind.items(), key=lambda kv: kv[1].get("median") or 0)
    return f"{_ms(v.get('median'))} ({k})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1k,10k,100k", help="comma-separated: 1k, 10k, 100k or a number")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for smoke runs)")
    parser.add_argument("--out", default=str(BENCH_DIR / "results"), help="folder for the JSON results")
    parser.add_argument("--corpora", default=None, help="folder for the generated corpora (default: OUT/corpora)")
    parser.add_argument("--tasks", default="data,frames,ui,interaction,open,memory,stall,startup",
                        help="which measurements (default: all)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed to one task")
    args = parser.parse_args(argv)

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    tasks = {t.strip() for t in args.tasks.split(",") if t.strip()}
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpora = Path(args.corpora) if args.corpora else out_dir / "corpora"
    corpora.mkdir(parents=True, exist_ok=True)
    repeats = ["--repeats", "2" if args.quick else "5", "--frames", "5" if args.quick else "24",
               "--rounds", "1" if args.quick else "3", "--quiet", "0.1" if args.quick else "0.25"]

    started = time.time()
    results: dict = {"version": 1, "command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
                     "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                     "quick": args.quick, "machine": machine_info(), "sizes": {}, "startup": None}
    failed = False
    for name in sizes:
        corpus = ensure_corpus(corpora, name)
        entry: dict = {"options": size_options(name), "corpus": str(corpus)}
        for task in ("data", "edit", "frames", "ui", "interaction", "open", "open_cached", "memory",
                     "memory_cached", "stall", "stall_cached"):
            if task.removesuffix("_cached") not in tasks:
                continue
            t = time.perf_counter()
            print(f"[{name}] {task} …", file=sys.stderr, flush=True)
            how = {"open": ["--fresh-cache"], "memory_cached": ["--as-opened"], "stall": ["--fresh-cache"]}.get(task, [])
            if task == "data" and entry["options"]["events"] >= 1_000_000 and not args.quick:
                how = ["--repeats", "2"]  # a load of 1M events takes half a minute: two of them (medians of 2)
            entry[task] = run_task(task.removesuffix("_cached"), corpus, repeats + how, args.timeout)
            failure = entry[task]
            if "error" in failure and task in ("ui", "memory"):
                # an optional view that fails on this corpus must not hide the other measurements:
                # measure without it and say so (the failure is kept in the results)
                broken = [v for v in ("graph", "search") if f"views/{v}.py" in failure.get("stderr", "")]
                if broken:
                    print(f"[{name}] {task}: the {', '.join(broken)} view failed; measuring without it",
                          file=sys.stderr, flush=True)
                    entry[task] = run_task(task, corpus, repeats + ["--exclude-views", ",".join(broken)],
                                           args.timeout)
                    entry[task]["failure_with_all_views"] = failure
            if "error" in entry[task]:
                failed = True
                print(f"[{name}] {task} FAILED:\n{entry[task]['stderr']}", file=sys.stderr, flush=True)
            else:
                print(f"[{name}] {task} done in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
        results["sizes"][name] = entry
    big_sizes = [n for n in sizes if size_options(n)["events"] >= 1_000_000]
    if "frames" in tasks and big_sizes and not any(size_options(n)["events"] == 1_000 for n in sizes):
        # the 1M frame target compares with the frame at 1k: measure that too (a few seconds)
        print("[1k] frames (the reference of the 1M frame) …", file=sys.stderr, flush=True)
        results["reference_1k_frames"] = run_task("frames", ensure_corpus(corpora, "1k"), repeats, args.timeout)
    if "startup" in tasks:
        print("start-up …", file=sys.stderr, flush=True)
        results["startup"] = measure_startup(2 if args.quick else 7)
    results["targets"] = evaluate(results)
    results["elapsed_s"] = round(time.time() - started, 1)

    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"bench-{stamp}.json"
    text = json.dumps(results, indent=1, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    (out_dir / "latest.json").write_text(text, encoding="utf-8")
    print(table(results))
    m = results["machine"]
    print(f"\n{m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gib')} GiB; Python {m.get('python')}, "
          f"Qt {m.get('qt')}, PySide6 {m.get('pyside6')}, pyqtgraph {m.get('pyqtgraph')}, "
          f"matplotlib {m.get('matplotlib')}")
    print(f"results: {path} ({results['elapsed_s']} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
