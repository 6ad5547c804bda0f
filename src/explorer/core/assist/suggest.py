"""`explorer suggest DOCUMENT [--date YYYY[-MM[-DD]]] [--corpus PATH]`: the candidates as JSON lines.

DOCUMENT is a text file (UTF-8) or the id of a document in the corpus (``--corpus``, default the bundled
one). The document's date (``--date``, else the corpus document's own date) resolves relative expressions.
With a corpus, candidates that match its items are offered as evidence for them (``"match"``), what is
already evidence is left out, and so is what the analyst dismissed in the app (``--all`` keeps it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

_DATE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")


def add_suggest_parser(sub) -> None:
    p = sub.add_parser("suggest", help="print candidate events, voices and actors in a document as JSON lines")
    p.add_argument("document", help="a text file, or the id of a document in the corpus")
    p.add_argument("--date", help="the document's date (YYYY, YYYY-MM or YYYY-MM-DD), for relative dates")
    p.add_argument("--corpus", help="corpus folder: match its items (default: the bundled corpus, for an id)")
    p.add_argument("--all", action="store_true", help="also print candidates dismissed in the app")
    p.set_defaults(func=run_suggest)


def _err(msg: str) -> None:
    from ..io.load import printable

    print(printable(msg), file=sys.stderr)


def run_suggest(args: argparse.Namespace) -> int:
    from ... import default_corpus_path
    from ..io.load import NotACorpusError, load_corpus
    from .candidates import Dismissed, find_candidates

    if args.date is not None and not _DATE.match(args.date.strip()):
        _err(f"explorer suggest: --date {args.date!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        return 2
    corpus = None
    if args.corpus is not None or not Path(args.document).is_file():
        target = Path(args.corpus) if args.corpus else default_corpus_path()
        try:
            corpus = load_corpus(target)
        except NotACorpusError as exc:
            _err(f"explorer suggest: {exc}")
            return 2
    path = Path(args.document)
    document_id = None
    reference = args.date
    if path.is_file():
        try:
            with path.open(encoding="utf-8", newline="") as f:  # offsets in the text as read, as the loader
                text = f.read()
        except UnicodeDecodeError as exc:
            _err(f"explorer suggest: {path}: not UTF-8 text (byte {exc.start} cannot be decoded)")
            return 2
        except OSError as exc:
            _err(f"explorer suggest: {path}: {exc.strerror or exc}")
            return 2
        if corpus is not None:  # the file may be one of the corpus's documents
            for doc in corpus.items_of("document"):
                if (Path(corpus.root) / doc.file).resolve() == path.resolve():
                    document_id = doc.id
                    reference = reference or (str(doc.date) if doc.date else None)
    else:
        doc = corpus.get(args.document) if corpus is not None else None
        if doc is None or doc.item_kind != "document":
            where = args.corpus or default_corpus_path()
            _err(f"explorer suggest: {args.document}: neither a file nor the id of a document in {where}")
            return 2
        document_id, text = doc.id, doc.text
        reference = reference or (str(doc.date) if doc.date else None)
    dismissed = set()
    if corpus is not None and document_id is not None and not args.all:
        dismissed = Dismissed(corpus.root).keys(document_id)
    found = find_candidates(text, reference, corpus=corpus if document_id else None, document=document_id,
                            dismissed=dismissed)
    out = sys.stdout
    for c in found:
        out.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
    out.flush()
    return 0
