"""The `explorer` command: open the app, validate or dump a corpus, export a view.

    explorer [PATH]                      open the app on a corpus folder (default: the bundled data/)
    explorer validate [PATH]             check a corpus; exit 0 valid, 1 problems, 2 not a corpus
    explorer dump [PATH]                 the normalised corpus as JSON on stdout
    explorer export VIEW OUTPUT [...]    render a view to PNG, SVG or PDF without a display
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, default_corpus_path

COMMANDS = ("validate", "dump", "export", "open")


def _err(msg: str) -> None:
    print(msg, file=sys.stderr)


def _load(path: str | None):
    from .core.io.load import NotACorpusError, load_corpus

    target = Path(path) if path else default_corpus_path()
    try:
        return load_corpus(target)
    except NotACorpusError as exc:
        _err(f"explorer: {exc}")
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    corpus = _load(args.path)
    if corpus is None:
        return 2
    if corpus.problems:
        for problem in corpus.problems:
            print(problem)
        print(f"{len(corpus.problems)} problem(s); valid part: {corpus.summary()}", file=sys.stderr)
        return 1
    print(f"valid: {corpus.summary()}")
    return 0


def cmd_dump(args: argparse.Namespace) -> int:
    from .core.io.dump import corpus_to_json

    corpus = _load(args.path)
    if corpus is None:
        return 2
    for problem in corpus.problems:
        _err(f"warning: {problem}")
    out = corpus_to_json(corpus, indent=None if args.compact else 2)
    sys.stdout.buffer.write(out.encode("utf-8") + b"\n")
    sys.stdout.flush()
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from .qt.launch import run_app

    return run_app(Path(args.path) if args.path else default_corpus_path())


def cmd_export(args: argparse.Namespace) -> int:
    from .qt.export.cli import run_export_cli

    return run_export_cli(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="explorer", description="Timeline and relationship explorer.")
    parser.add_argument("--version", action="version", version=f"explorer {__version__}")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("open", help="open the app on a corpus folder (the default command)")
    p.add_argument("path", nargs="?", help="corpus folder (default: the bundled corpus)")
    p.set_defaults(func=cmd_open)

    p = sub.add_parser("validate", help="check a corpus folder and list its problems")
    p.add_argument("path", nargs="?", help="corpus folder (default: the bundled corpus)")
    p.set_defaults(func=cmd_validate)

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
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        argv.insert(0, "open")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse's own usage errors exit 2 with a message
        return int(exc.code or 0)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
