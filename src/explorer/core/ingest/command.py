"""`explorer add CORPUS FILE...`: add files (or the readable files in folders) to a corpus as documents
and save it. One line per file on stdout ("added ...", "refused ...: why", "skipped ...: duplicate"), a
summary on stderr; exit 0 when every file was added or already there, 1 when any was refused, 2 when the
corpus cannot be opened or saved (nothing was then changed)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Sequence, TextIO


def _printable(text: str) -> str:
    from ..io.load import printable

    return printable(text)


def _document_problems(corpus) -> list:
    """Problems in documents.json or a document's text file: saving documents.json again would then drop
    what the loader skipped (problems in the other files do not matter: they are not written)."""
    from ..io.save import JSON_FILES

    return [p for p in corpus.problems if p.file == "documents.json" or (p.file and p.file not in JSON_FILES)]


def run_add(corpus_path: str | Path, files: Sequence[str], out: TextIO | None = None, err: TextIO | None = None,
            progress: Callable[[int, int, Path | None], None] | None = None) -> int:
    from ..io.load import NotACorpusError
    from ..io.save import SaveError
    from ..workspace import Workspace
    from .add import add_documents

    out = out or sys.stdout
    err = err or sys.stderr

    def say(stream: TextIO, text: str) -> None:
        print(_printable(text), file=stream, flush=True)

    root = Path(corpus_path)
    try:
        ws = Workspace.open(root, journal=False)
    except NotACorpusError as exc:
        say(err, f"explorer: {exc}")
        return 2
    corpus = ws.corpus
    for note in getattr(corpus, "notes", []):
        say(err, f"note: {note}")
    blocking = _document_problems(corpus)
    if blocking:
        for problem in blocking:
            say(err, str(problem))
        say(err, f"explorer: {root}'s documents have {len(blocking)} problem(s) (above); saving documents.json "
                 f"now would drop what the loader skipped. Fix them first (explorer validate {root}); "
                 f"nothing was added")
        return 2
    if not files:
        say(err, "explorer: name the files (or folders) to add")
        return 2
    if progress is None and getattr(err, "isatty", lambda: False)():
        def progress(done: int, total: int, path: Path | None) -> None:
            if path is not None:
                err.write(f"\rreading {done + 1}/{total}: {path.name[:60]:<60}")
            else:
                err.write("\r" + " " * 80 + "\r")
            err.flush()
    report = add_documents(ws, files, progress=progress)
    for line in report.lines():
        say(out, line)
    if report.added:
        try:
            ws.save()
        except SaveError as exc:
            say(err, f"explorer: {exc}")
            return 2
    n_added, n_refused, n_dup = len(report.added), len(report.refused), len(report.duplicates)
    parts = [f"{n_added} added"]
    if n_dup:
        parts.append(f"{n_dup} already in the corpus")
    if n_refused:
        parts.append(f"{n_refused} refused")
    if not (n_added or n_refused or n_dup):
        parts = ["no files found to add"]
    say(err, f"{', '.join(parts)}; {corpus.info.title}: {corpus.summary()}"
             + (f" (saved to {root})" if n_added else ""))
    return 1 if n_refused or not (n_added or n_dup) else 0
