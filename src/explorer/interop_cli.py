"""`explorer import` and `explorer export-data`: standard formats in and out (core/interop).

    explorer import FILE [--into CORPUS | --new FOLDER] [--format F] [--map FIELD=COLUMN ...]
    explorer export-data FORMAT OUT [--corpus PATH] [--from DATE] [--to DATE] [--select ID] [--theme T ...]

Without --into or --new, `import` only says what it would add and the problems it found. Each problem is
one line `FILE: WHERE: WHAT` on stdout; the summary goes to stderr. Exit 0: imported without a problem;
1: imported, with problems (what was valid is in); 2: nothing imported (unreadable file, no known format,
not a corpus...).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _out(msg: str) -> None:
    from .core.io.load import printable

    print(printable(msg))


def _err(msg: str) -> None:
    from .core.io.load import printable

    print(printable(msg), file=sys.stderr)


def add_parsers(sub) -> None:
    from .core.interop.common import EXPORT_FORMATS, IMPORT_FORMATS

    p = sub.add_parser("import", help="import a TimelineJS, spreadsheet, vis, W3C annotation or graph file",
                       description="Import FILE into a corpus as one edit. Formats: " + ", ".join(IMPORT_FORMATS)
                       + " (guessed from the extension and content when --format is not given).")
    p.add_argument("file", help="the file to import")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--into", metavar="CORPUS", help="an existing corpus folder to import into (saved after)")
    where.add_argument("--new", metavar="FOLDER", help="create a new corpus in FOLDER with what the file holds")
    p.add_argument("--format", choices=IMPORT_FORMATS, help="the file's format (default: guessed)")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="spreadsheets: map a column onto a field (date, end_date, precision, title, summary, "
                        "actors, location, source, notes, themes, experts); the others are guessed")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-data", help="write the corpus (or part of it) in a standard format",
                       description="Formats: timelinejs, timelinejs-csv, csv, xlsx, w3c, gexf, graphml, citations "
                                   "(citations: Markdown for .md, else plain text).")
    p.add_argument("format", choices=EXPORT_FORMATS, help="the format to write")
    p.add_argument("output", help="the file to write")
    p.add_argument("--corpus", help="corpus folder (default: the bundled corpus)")
    p.add_argument("--from", dest="date_from", help="only what is dated on or after (YYYY, YYYY-MM or YYYY-MM-DD; "
                   "a year BCE as --from=-0500 or --from '500 BCE')")
    p.add_argument("--to", dest="date_to", help="only what is dated on or before")
    p.add_argument("--select", help="only this item and what it links to")
    p.add_argument("--theme", action="append", default=[], help="only events of this theme (id or name)")
    p.set_defaults(func=cmd_export_data)


def cmd_import(args: argparse.Namespace) -> int:
    """The commands' operations applied to the corpus as one checked batch and saved: what the window does
    in one undo step, without the index and the undo stack a command-line run has no use for (at 100k rows
    patching the index item by item would be most of the time)."""
    from .core.corpus import Corpus, EditError, SetInfo
    from .core.interop import InteropError, read_file
    from .core.interop.common import prepare

    mapping = None
    if args.map:
        from .core.interop.spreadsheet import FIELDS

        mapping = {}
        for m in args.map:
            field, sep, column = m.partition("=")
            if not sep or field.strip() not in FIELDS:
                _err(f"explorer: --map {m}: write FIELD=COLUMN, FIELD one of {', '.join(FIELDS)}")
                return 2
            mapping[field.strip()] = column.strip()
    corpus = None
    if args.into:
        from .core.io.open import open_corpus
        from .core.io.load import NotACorpusError

        try:
            corpus = open_corpus(args.into)
        except NotACorpusError as exc:
            _err(f"explorer: {exc}")
            return 2
    elif args.new:
        target = Path(args.new)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            _err(f"explorer: {target} exists and is not an empty folder")
            return 2
        corpus = Corpus(root=target)
        corpus.info = corpus.info.model_copy(update={"title": target.name})
    try:
        if mapping is not None and args.format is None:
            from .core.interop import detect

            fmt = detect(Path(args.file))
            if fmt not in ("csv", "xlsx"):
                _err(f"explorer: --map is for spreadsheets; {Path(args.file).name} is {fmt}")
                return 2
        plan = read_file(args.file, args.format, corpus=corpus, mapping=mapping)
    except InteropError as exc:
        _err(f"explorer: {exc}")
        return 2
    if plan.mapping:
        _err("columns: " + ", ".join(f"{k} <- {v}" for k, v in plan.mapping.items()))
    for note in plan.notes[:20]:
        _err(f"note: {note}")
    problems = list(plan.problems)
    if corpus is None:
        for problem in problems:
            _out(str(problem))
        _err(f"{plan.name}: would import {plan.summary()}; {len(problems)} problem(s); nothing written "
             f"(give --into CORPUS or --new FOLDER)")
        return 1 if problems else 0
    prepared = prepare(corpus, plan, set_title=True if args.new else None)
    problems.extend(prepared.result.problems)
    ops = list(prepared.ops)
    if prepared.info:
        ops.append(SetInfo(corpus.info.model_copy(update=prepared.info)))
    from .core.gcpause import _gc_paused

    try:
        with _gc_paused():
            change = corpus.apply(ops, notify=False)
    except EditError as exc:
        for reason in exc.problems[:20]:
            _err(f"explorer: {reason}")
        _err(f"explorer: {plan.name}: nothing imported")
        return 2
    for problem in problems:
        _out(str(problem))
    result = prepared.result
    try:
        if args.new:
            from .core.io.save import save_corpus

            Path(args.new).mkdir(parents=True, exist_ok=True)
            save_corpus(corpus, None, None, target=Path(args.new))
        else:
            from .core.io.save import save_corpus

            save_corpus(corpus, change.files(), corpus.file_stamps)
    except Exception as exc:  # SaveError, SaveConflict, OSError: the message names the file; nothing half-written
        _err(f"explorer: nothing saved: {exc}")
        return 2
    new_ids = {i for ids in result.ids.values() for i in ids}
    unsupported = [i for i in corpus.unsupported_ids() if i in new_ids]
    from .core.corpus import PLURAL
    from .core.interop.common import plural

    added = ", ".join(f"{len(v)} {plural(PLURAL[k], len(v))}" for k, v in result.ids.items() if v) or "nothing"
    merged = f"; {result.merged} actor(s)/theme(s) matched existing ones" if result.merged else ""
    loose = f"; {len(unsupported)} item(s) without a passage as evidence" if unsupported else ""
    _err(f"{plan.name}: imported {added}{merged}{loose} into {corpus.root if not args.new else args.new}; "
         f"{len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_export_data(args: argparse.Namespace) -> int:
    from . import default_corpus_path
    from .core.filters import Filters
    from .core.index import CorpusIndex
    from .core.interop import InteropError, export_data
    from .core.io.load import NotACorpusError, load_corpus
    from .core.model.dates import parse_any_date

    try:
        corpus = load_corpus(Path(args.corpus) if args.corpus else default_corpus_path())
    except NotACorpusError as exc:
        _err(f"explorer: {exc}")
        return 2
    try:
        date_from = parse_any_date(args.date_from) if args.date_from else None  # "-0500" or "500 BCE" too
        date_to = parse_any_date(args.date_to) if args.date_to else None
    except ValueError as exc:
        _err(f"explorer: {exc}")
        return 2
    filters = None
    if args.theme:
        ids = set()
        by_name = {t.name.casefold(): t.id for t in corpus.themes}
        for t in args.theme:
            tid = t if corpus.kind_of(t) == "theme" else by_name.get(t.casefold())
            if tid is None:
                _err(f"explorer: --theme {t}: no such theme (the themes are "
                     f"{', '.join(th.name for th in corpus.themes) or 'none'})")
                return 2
            ids.add(tid)
        filters = Filters(themes=frozenset(ids))
    out = Path(args.output)
    if not out.parent.is_dir():
        _err(f"explorer: cannot write {out}: the folder {out.parent} does not exist")
        return 2
    try:
        message = export_data(args.format, corpus, CorpusIndex(corpus), out, date_from, date_to, args.select, filters)
    except InteropError as exc:
        _err(f"explorer: {exc}")
        return 2
    except OSError as exc:
        _err(f"explorer: cannot write {out}: {exc.strerror or exc}")
        return 2
    print(message)
    return 0
