"""The `explorer` command: open the app, validate or dump a corpus, export a view.

    explorer [PATH]                      open the app on a corpus folder (default: the bundled data/)
    explorer validate [PATH]             check a corpus; exit 0 valid, 1 problems, 2 not a corpus
    explorer validate --fix [PATH]       also write back re-anchored offsets and the canonical layout
    explorer new PATH [--title T] [...]  create an empty corpus folder
    explorer add CORPUS FILE...          add .txt, .md, .html, .pdf, .docx files (or folders) as documents
    explorer dump [PATH]                 the normalised corpus as JSON on stdout
    explorer export VIEW OUTPUT [...]    render a view to PNG, SVG or PDF without a display
    explorer suggest DOCUMENT [...]      candidate events, voices and actors in a document, as JSON lines
    explorer import FILE [--into C | --new F]   import TimelineJS, spreadsheets, vis, W3C annotations, graphs
    explorer export-data FORMAT OUT [...]  write TimelineJS, CSV/XLSX, W3C, GEXF, GraphML or a citation list
"""

from __future__ import annotations

import argparse
import os
import json
import stat
import sys
from pathlib import Path

from . import default_corpus_path, is_in_install

COMMANDS = ("validate", "dump", "export", "open", "new", "add", "suggest", "import", "export-data")


def _printable(text: str) -> str:
    """A line that any terminal prints as it is: lone surrogates, control and bidirectional-override
    characters that came from the corpus written as backslash escapes (see ``load.printable``)."""
    from .core.io.load import printable

    return printable(text)


def _out(msg: str) -> None:
    print(_printable(msg))


def _err(msg: str) -> None:
    print(_printable(msg), file=sys.stderr)


def _tolerant_streams() -> None:
    """Whatever the encoding of stdout and stderr, a character it cannot encode is written as a backslash
    escape rather than raising UnicodeEncodeError half-way through the output."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass


def _load(path: str | None):
    from .core.io.load import NotACorpusError, load_corpus

    target = Path(path) if path else default_corpus_path()
    try:
        return load_corpus(target)
    except NotACorpusError as exc:
        _err(f"explorer: {exc}")
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    if args.fix:
        return cmd_fix(args)
    from .core.io.load import skipped_summary

    corpus = _load(args.path)
    if corpus is None:
        return 2
    for note in getattr(corpus, "notes", []):  # an interrupted save that was completed or rolled back
        _err(f"note: {note}")
    if corpus.problems:
        for problem in corpus.problems:
            _out(str(problem))
        skipped = skipped_summary(corpus)
        print(f"{len(corpus.problems)} problem(s); valid part: {corpus.summary()}"
              + (f"; {skipped}" if skipped else ""), file=sys.stderr)
        return 1
    print(f"valid: {corpus.summary()}")
    return 0


def _fixable_files(corpus) -> tuple[set[str], dict[str, list[str]]]:
    """Which JSON files of a loaded corpus ``validate --fix`` may rewrite, and what it repairs in each.

    A file may be rewritten only if what loaded from it is everything it holds: the same items in the same
    order with the same values, apart from the layout and passage offsets re-anchored by their quote.
    A file the loader had to drop anything from (an invalid item, a reference to a missing item, an end
    before its start, a document whose text did not load...) is left as it is, for a person to fix."""
    from pydantic import TypeAdapter, ValidationError

    from .core.corpus import FILE_OF_KIND, KIND_ORDER, MODEL_OF_KIND
    from .core.io.save import MAX_JSON_BYTES, read_regular_file
    from .core.model.types import CorpusInfo

    root = Path(corpus.root)
    safe: set[str] = set()
    notes: dict[str, list[str]] = {}

    def raw_json(name: str):
        return json.loads(read_regular_file(root / name, MAX_JSON_BYTES)[0].decode("utf-8-sig"))

    def is_file(name: str) -> bool:
        try:
            return stat.S_ISREG(os.stat(root / name).st_mode)
        except (OSError, ValueError):
            return False

    if is_file("corpus.json"):
        try:
            if CorpusInfo.model_validate(raw_json("corpus.json")) == corpus.info:
                safe.add("corpus.json")
        except (OSError, ValueError, RecursionError):
            pass
    for kind in KIND_ORDER:
        name = FILE_OF_KIND[kind]
        loaded = corpus.items_of(kind)
        if not is_file(name):
            if kind == "document" and not loaded and not os.path.lexists(root / name):
                safe.add(name)
                notes[name] = ["created"]
            continue
        try:
            raw = raw_json(name)
            if isinstance(raw, dict) and isinstance(raw.get(name.removesuffix(".json")), list):
                raw = raw[name.removesuffix(".json")]
            if not isinstance(raw, list) or len(raw) != len(loaded):
                continue
            if kind == "document" and any(isinstance(r, dict) and "text" in r for r in raw):
                continue  # inline text is dropped by the loader
            items = TypeAdapter(list[MODEL_OF_KIND[kind]]).validate_python(raw)
        except (OSError, ValueError, RecursionError, ValidationError):
            continue
        anchored = False
        same = True
        for given, got in zip(items, loaded):
            if kind == "document":
                given = given.model_copy(update={"text": got.text})
            elif kind == "passage":
                anchored |= (given.start, given.end) != (got.start, got.end)
                given = given.model_copy(update={"start": got.start, "end": got.end, "prefix": got.prefix,
                                                 "suffix": got.suffix})
            if given != got:
                same = False
                break
        if same:
            safe.add(name)
            if anchored:
                notes[name] = ["offsets anchored"]
    return safe, notes


def cmd_fix(args: argparse.Namespace) -> int:
    """`validate --fix`: load, then write back what the loader repaired (passage offsets re-anchored by
    their quote, a missing documents.json) and the canonical layout, atomically; then report what is left."""
    from .core.io.load import NotACorpusError, check_corpus_folder, load_corpus
    from .core.io.save import (JSON_FILES, SaveError, all_files, finish_interrupted_save, read_stamps,
                               save_corpus)

    target = Path(args.path) if args.path else default_corpus_path()
    if is_in_install(target):
        _err(f"explorer: {target} is the corpus that comes with explorer, inside its installation, and is "
             f"never changed; copy it elsewhere to fix it there")
        return 2
    try:
        check_corpus_folder(target)
    except NotACorpusError:
        pass  # load_corpus says why (after finishing an interrupted save, which may be what makes it one)
    else:
        for note in finish_interrupted_save(target):
            _err(f"explorer: {note}")
    stamps = read_stamps(target)  # a file that cannot be read has none; the load says what is wrong with it
    try:
        corpus = load_corpus(target)
    except NotACorpusError as exc:
        _err(f"explorer: {exc}")
        return 2
    safe, notes = _fixable_files(corpus)
    names = {n for n in all_files(corpus) if n in safe}
    try:
        result = save_corpus(corpus, files=names, stamps=stamps)
    except SaveError as exc:  # SaveConflict too: a file changed while this ran
        _err(f"explorer: cannot fix {target}: {exc}")
        return 2
    for name in result.written:
        if "created" in notes.get(name, []):
            _out(f"wrote {name} (it was missing)")
        else:
            _out(f"rewrote {name} ({', '.join([*notes.get(name, []), 'canonical layout'])})")
    left = corpus.problems
    if result.written and left:
        try:
            left = load_corpus(target).problems  # what the rewrite did not settle
        except NotACorpusError:  # pragma: no cover - it was a corpus a moment ago
            pass
    if left:
        for problem in left:
            _out(str(problem))
        kept = [n for n in all_files(corpus) if n in JSON_FILES and n not in safe]
        _err(f"{len(left)} problem(s) that --fix cannot repair" + (f"; left unchanged: {', '.join(kept)}" if kept else ""))
        return 1
    if not result.written:
        print("nothing to fix")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """`new PATH`: an empty corpus folder (corpus.json and an empty documents.json)."""
    from pydantic import ValidationError

    from .core.corpus import Corpus
    from .core.io.save import SaveError, save_corpus
    from .core.model.dates import parse_any_date
    from .core.model.types import CorpusInfo

    path = Path(args.path)
    if path.exists() and not path.is_dir():
        _err(f"explorer: {path} exists and is not a folder")
        return 2
    if path.is_dir() and any(path.iterdir()):
        _err(f"explorer: {path} is not empty; `explorer new` creates a corpus in a new or empty folder")
        return 2
    if (args.date_from is None) != (args.date_to is None):
        _err("explorer: --from and --to go together: give both, or neither")
        return 2
    fields: dict = {"title": args.title if args.title is not None else (path.resolve().name or "Untitled corpus")}
    if args.description is not None:
        fields["description"] = args.description
    if args.date_from is not None:
        try:
            start, end = parse_any_date(args.date_from), parse_any_date(args.date_to)  # "500 BCE" too
        except ValueError as exc:
            _err(f"explorer: {exc}")
            return 2
        if end.end_seconds <= start.start_seconds:
            _err(f"explorer: the time range ends ({end}) before it starts ({start})")
            return 2
        fields["time_range"] = [start, end]
    try:
        info = CorpusInfo(**fields)
    except ValidationError as exc:
        _err(f"explorer: {exc.errors()[0].get('msg', 'invalid value')}")
        return 2
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _err(f"explorer: cannot create {path}: {exc.strerror or exc}")
        return 2
    try:
        save_corpus(Corpus(root=path, info=info), files={"corpus.json", "documents.json"})
    except SaveError as exc:
        _err(f"explorer: {exc}")
        return 2
    print(f"created an empty corpus in {path} (corpus.json, documents.json)")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from .core.ingest.command import run_add

    return run_add(args.corpus, args.files)


def cmd_dump(args: argparse.Namespace) -> int:
    from .core.io.dump import corpus_to_json

    corpus = _load(args.path)
    if corpus is None:
        return 2
    for problem in corpus.problems:
        _err(f"warning: {problem}")
    out = corpus_to_json(corpus, indent=None if args.compact else 2)
    # a lone surrogate cannot reach the models, but were one there it would be written as the JSON escape
    # it came from (\ud800), not raise half-way through the output
    data = out.encode("utf-8", "backslashreplace") + b"\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(data)
    else:  # a stdout replaced by text-only one (tests, embedding)
        sys.stdout.write(data.decode("utf-8"))
    sys.stdout.flush()
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from .qt.launch import run_app

    return run_app(Path(args.path) if args.path else default_corpus_path())


def cmd_export(args: argparse.Namespace) -> int:
    from .qt.export.cli import run_export_cli

    return run_export_cli(args)


class _VersionAction(argparse.Action):
    """`--version`: the same versions and licences as Help ▸ About (they import Qt's core, not a window)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from . import version_text

        print(version_text())
        parser.exit()


def build_parser(app_only: bool = False) -> argparse.ArgumentParser:
    """The `explorer` command line. ``app_only``: without the sub-commands whose parsers import what
    opening the window does not need (`import`/`export-data` list the formats, `suggest`)."""
    parser = argparse.ArgumentParser(prog="explorer", description="Timeline and relationship explorer.")
    parser.add_argument("--version", action=_VersionAction,
                        help="show the versions of explorer, Python and Qt, and the licences of what it ships")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("open", help="open the app on a corpus folder (the default command)")
    p.add_argument("path", nargs="?", help="corpus folder (default: the bundled corpus)")
    p.set_defaults(func=cmd_open)

    p = sub.add_parser("validate", help="check a corpus folder and list its problems")
    p.add_argument("path", nargs="?", help="corpus folder (default: the bundled corpus)")
    p.add_argument("--fix", action="store_true",
                   help="write back re-anchored passage offsets and the canonical layout (atomically)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("new", help="create an empty corpus folder")
    p.add_argument("path", help="the folder to create (it may exist if it is empty)")
    p.add_argument("--title", help="the corpus title (default: the folder name)")
    p.add_argument("--description", help="what the corpus is about")
    p.add_argument("--from", dest="date_from", help="start of the corpus time range (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="end of the corpus time range")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("add", help="add files to a corpus as documents (text, original kept) and save it")
    p.add_argument("corpus", help="the corpus folder")
    p.add_argument("files", nargs="+", help=".txt, .md, .html, .htm, .pdf or .docx files, or folders of them")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("dump", help="print the normalised corpus as JSON")
    p.add_argument("path", nargs="?", help="corpus folder (default: the bundled corpus)")
    p.add_argument("--compact", action="store_true", help="one line, no indentation")
    p.set_defaults(func=cmd_dump)

    p = sub.add_parser("export", help="render a view to PNG, SVG or PDF (no display needed)")
    p.add_argument("view", help="timeline, graph, experts, document or window")
    p.add_argument("output", help="output file; the format follows its extension (.png, .svg, .pdf)")
    p.add_argument("--corpus", help="corpus folder (default: the bundled corpus)")
    p.add_argument("--select", help="id of the item to select before exporting")
    p.add_argument("--from", dest="date_from", help="start of the time window (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="end of the time window (YYYY, YYYY-MM or YYYY-MM-DD)")
    p.add_argument("--width", type=int, help="width in pixels")
    p.add_argument("--height", type=int, help="height in pixels")
    p.add_argument("--scale", type=float, default=1.0, help="scale factor (1, 2, 4)")
    p.add_argument("--no-caption", action="store_true", help="leave out the caption")
    p.add_argument("--transparent", action="store_true", help="transparent background (PNG)")
    p.set_defaults(func=cmd_export)
    if app_only:
        return parser

    from .interop_cli import add_parsers as add_interop_parsers  # `import` and `export-data`

    add_interop_parsers(sub)

    from .core.assist.suggest import add_suggest_parser  # the reading assistant (its finders load lazily)
    add_suggest_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        argv.insert(0, "open")
    # opening the window (the default) builds no parser that imports the formats (start-up, issue 15)
    parser = build_parser(app_only=argv[0] == "open")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse's own usage errors exit 2 with a message
        return int(exc.code or 0)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `explorer dump | head`: the reader has gone; stop quietly, as cat does
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so that the interpreter's last flush cannot fail too
        except OSError:
            pass
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
