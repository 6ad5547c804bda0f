"""Document view benchmark: switching to the 1 MB document, and what a reader does in it.

    python benchmarks/documents_bench.py --corpus PATH [--rounds N] [--quiet S]

On a generated corpus (``benchmarks/run.py``'s 100k corpus: 1,000 documents, ``doc-00000`` is 1 MB), one
``DocumentView`` at 1000×800 on the corpus's state, measured until painted (no paint for ``--quiet`` s):

- ``switch_big_first``: the first time the 1 MB document is shown again, from a 50 kB one, after the view
  opened on it (the window opens on the corpus's first document);
- ``switch_big``: showing it again after another document was shown (median of ``--rounds``);
- ``switch_other``: showing a 50 kB document after the 1 MB one;
- ``step_far``: selecting an event whose passage lies near the end of the 1 MB document (scroll there);
- ``reveal_far``: revealing a search match near the end of the 1 MB document from another document;
- ``cold_view_big``: a new view made and shown on the 1 MB document, which nothing has laid out yet.

The result is one JSON object on the last line of stdout, prefixed with ``RESULT``; times in seconds.
The machine is shared: run it several times and compare medians.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parents[1] / "src"))  # after PYTHONPATH: another tree can be measured

from tasks import BIG_DOCUMENT, _PaintCounter, _settle, emit, exit_now, rss_mb, summary  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quiet", type=float, default=0.25)
    args = parser.parse_args(argv)

    from explorer.qt.app import make_app

    app = make_app()
    from PySide6.QtWidgets import QApplication

    from explorer.core import load_corpus
    from explorer.core.index import CorpusIndex
    from explorer.qt.bridge import AppState
    from explorer.qt.views.documents import DocumentView

    QApplication.setCursorFlashTime(0)
    corpus = load_corpus(args.corpus)
    index = CorpusIndex(corpus)
    state = AppState()
    state.set_corpus(corpus, index)
    view = DocumentView(state)
    view.resize(1000, 800)
    view.show()
    paints = _PaintCounter(app)
    _settle(app, paints, quiet_s=2 * args.quiet)
    rss_before = rss_mb()

    big = index.items[BIG_DOCUMENT]
    others = [d.id for d in corpus.documents if d.id != BIG_DOCUMENT][:args.rounds + 2]
    # an event whose evidence is near the end of the 1 MB document (and nowhere else)
    far = sorted(index.document_passages(BIG_DOCUMENT), key=lambda p: -p.start)
    far_event = None
    for p in far[:200]:
        evs = [i for i in index.items_of_passage(p.id) if index.kind_of(i) == "event"]
        for ev in evs:
            if all(index.passages[q].document == BIG_DOCUMENT for q in index.passages_of(ev)):
                far_event = ev
                break
        if far_event:
            break
    # a word near the end of the 1 MB document, for a reveal
    tail = big.text[-2000:]
    word = max(tail.split(), key=len).strip(".,;:?!")
    match_start = big.text.rfind(word)

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        done = _settle(app, paints, args.quiet)
        return (done if done is not None else time.perf_counter()) - t

    out: dict = {"rss_mb_before": rss_before}
    state.select(others[-1])  # the view opens on the corpus's first document, the 1 MB one: start elsewhere
    _settle(app, paints, args.quiet)
    out["switch_big_first"] = timed(lambda: state.select(BIG_DOCUMENT))
    switch_big, switch_other, step_far, reveal_far = [], [], [], []
    for r in range(args.rounds):
        switch_other.append(timed(lambda: state.select(others[r])))
        switch_big.append(timed(lambda: state.select(BIG_DOCUMENT)))
        if far_event is not None:
            state.select(others[r + 1])
            _settle(app, paints, args.quiet)
            step_far.append(timed(lambda: state.select(far_event)))
        state.select(others[r])
        _settle(app, paints, args.quiet)
        reveal_far.append(timed(lambda: state.reveal(BIG_DOCUMENT, match_start, match_start + len(word))))
    # a view made afresh shows the corpus's first document, the 1 MB one: nothing laid out before
    state.select(None)
    _settle(app, paints, args.quiet)
    cold = []
    for _ in range(3):
        def fresh():
            twin = DocumentView(state)
            twin.resize(1000, 800)
            twin.show()
            fresh.views.append(twin)
        fresh.views = []
        cold.append(timed(fresh))
        for twin in fresh.views:
            twin.close()
            twin.deleteLater()
        _settle(app, paints, args.quiet)
    out.update({"cold_view_big": summary(cold), "switch_big": summary(switch_big), "switch_other": summary(switch_other),
                "step_far": summary(step_far), "reveal_far": summary(reveal_far),
                "far_event": far_event, "reveal_word": word, "rss_mb_after": rss_mb()})
    view.close()
    return emit(out)


if __name__ == "__main__":
    exit_now(main())
