"""`explorer export VIEW OUTPUT`: render a view or the window to PNG, SVG or PDF without a display."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .render import DEFAULT_SIZES, VIEW_NAMES, ExportError, ExportOptions, check_options, check_output, \
    export_view, window_caption


#: views that show no time window: --from/--to would change nothing in them, so they are refused
WINDOWLESS_VIEWS = {"experts": "voice and position", "document": "passage of the document"}


def run_export_cli(args: argparse.Namespace) -> int:
    """`explorer export VIEW OUTPUT ...`: exit 0 on success, 2 with one message on a bad request."""
    try:
        return _run_export(args)
    except ExportError as exc:
        print(f"explorer: {exc}", file=sys.stderr)
        return 2


def _run_export(args: argparse.Namespace) -> int:
    from ... import default_corpus_path
    from ...core.io.load import NotACorpusError, load_corpus
    from ...core.model.dates import parse_any_date

    if args.view not in VIEW_NAMES:
        raise ExportError(f"unknown view '{args.view}'; choose one of {', '.join(VIEW_NAMES)}")
    out = Path(args.output)
    check_output(out)
    options = ExportOptions(width=args.width, height=args.height, scale=args.scale, caption=not args.no_caption,
                            transparent=args.transparent)
    check_options(options)
    if args.view in WINDOWLESS_VIEWS and (args.date_from is not None or args.date_to is not None):
        flags = " and ".join(f for f, v in (("--from", args.date_from), ("--to", args.date_to)) if v is not None)
        raise ExportError(f"{flags} set the time window, which the {args.view} view does not show (it lists "
                          f"every {WINDOWLESS_VIEWS[args.view]} whatever the window); use {flags} with the "
                          f"timeline, graph or window export")
    window_range = []
    for flag, value, edge in (("--from", args.date_from, "start"), ("--to", args.date_to, "end")):
        if value is None:
            window_range.append(None)
            continue
        try:
            d = parse_any_date(value)  # -0500 or "500 BCE" too
        except ValueError as exc:
            raise ExportError(f"{flag} {value!r}: {exc}") from None
        window_range.append(d.start_seconds if edge == "start" else d.end_seconds)
    if window_range[0] is not None and window_range[1] is not None and window_range[1] <= window_range[0]:
        raise ExportError(f"--to {args.date_to} is before --from {args.date_from}")
    try:
        corpus = load_corpus(Path(args.corpus) if args.corpus else default_corpus_path())
    except NotACorpusError as exc:
        raise ExportError(str(exc)) from None
    if args.select and corpus.get(args.select) is None:
        raise ExportError(f"unknown id '{args.select}' in {corpus.root}")
    for problem in corpus.problems:
        print(f"warning: {problem}", file=sys.stderr)

    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ..app import make_app

    app = make_app()
    from ..bridge import AppState

    state = AppState()
    state.set_corpus(corpus)
    width, height = options.width, options.height
    dw, dh = DEFAULT_SIZES[args.view]
    options.width, options.height = width or dw, height or dh
    window = None
    view = None
    try:
        if args.view == "window":
            from ..window.main_window import MainWindow

            window = MainWindow(state, use_settings=False)
            window.corpus_path = corpus.root
            target, caption_fn = window, (lambda: window_caption(state))
        else:
            view = _make_view(args.view, state)
            target, caption_fn = view.export_widget(), view.export_caption
            view.resize(options.width, options.height)
        (window or view).show()
        app.processEvents()
        t0, t1 = state.time_window
        if window_range[0] is not None or window_range[1] is not None:
            state.set_time_window(window_range[0] if window_range[0] is not None else t0,
                                  window_range[1] if window_range[1] is not None else t1)
        if args.select:
            state.select(args.select)
            if view is not None and hasattr(view, "fit_selection"):  # the graph: around the selection
                app.processEvents()
                view.fit_selection()
        app.processEvents()
        export_view(state, target, caption_fn(), out, options)
    finally:
        for w in (view, window):
            if w is not None:
                w.close()
                w.deleteLater()
        app.processEvents()
        state.deleteLater()
        app.processEvents()
    print(f"exported {args.view} to {out}")
    return 0


def _make_view(name: str, state):
    if name == "timeline":
        from ..views.timeline import TimelineView as cls
    elif name == "experts":
        from ..views.experts import ExpertsView as cls
    elif name == "document":
        from ..views.documents import DocumentView as cls
    elif name == "graph":
        try:
            from ..views.graph import GraphView as cls
        except ImportError:
            raise ExportError("the graph view is not available in this version") from None
    else:
        raise ExportError(f"unknown view '{name}'")
    return cls(state)
