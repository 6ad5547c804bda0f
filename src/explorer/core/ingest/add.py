"""Adding files to a corpus as documents, in two steps that may run on different threads:

1. ``prepare(path)`` reads one file (``extract``) and fingerprints its text: slow, touches no corpus, so a
   window runs it off the UI thread;
2. ``add_prepared(workspace, prepared)`` adds the files read as documents, in ONE undo step ("Add 3
   Documents"): each document through the core's ``AddDocument`` command, its text the document's
   UTF-8 text file (written on save), its original kept beside it in ``documents/originals/`` (copied now,
   atomically: a temporary file renamed into place).

``add_documents(workspace, paths, progress, cancel)`` does both. Nothing is half-added: a file that cannot
be read, or whose document the core refuses, is listed in ``refused`` with a sentence naming it, and the
others are added; a file whose text is already in the corpus (or earlier in the same call) is listed in
``duplicates`` with the document that holds it and is not added again. Cancelled (``cancel()`` true),
nothing is added: the corpus is as it was.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..commands import AddDocument, Command, new_id, slug
from ..corpus import EditError, Op
from .extract import FORMATS, Cancelled, Extracted, IngestError, extract

ORIGINALS = "documents/originals"


def text_digest(text: str) -> str:
    """The fingerprint of a text by which the same document is recognised: the SHA-256 of its words (NFC,
    whitespace runs as one space), so that line breaks and spacing do not matter."""
    words = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(words.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Prepared:
    """A file read and ready to add."""

    path: Path
    extracted: Extracted
    digest: str


@dataclass
class AddReport:
    """What an add did, file by file (in the order given): ``added`` (path, new document id), ``refused``
    (path, sentence naming the file and the problem), ``duplicates`` (path, id of the document that
    already holds its text). ``cancelled``: stopped by ``cancel()``, nothing added."""

    added: list[tuple[Path, str]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    duplicates: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False
    label: str = ""

    def lines(self) -> list[str]:
        """One line per file, in the order the files were given."""
        rows: list[tuple[int, str]] = []
        order = {p: i for i, p in enumerate(self._order)} if self._order else {}
        for path, doc_id in self.added:
            rows.append((order.get(path, 0), f"added {path} as {doc_id}"))
        for path, message in self.refused:
            rows.append((order.get(path, 0), f"refused {path}: {_without_name(message, path)}"))
        for path, doc_id in self.duplicates:
            rows.append((order.get(path, 0), f"skipped {path}: the same text is already in the corpus as {doc_id}"))
        return [line for _, line in sorted(rows, key=lambda r: r[0])]

    _order: list[Path] = field(default_factory=list, repr=False)


def _without_name(message: str, path: Path) -> str:
    prefix = f"{path.name}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The files to add: each path given, and for a folder the files in it (and its sub-folders) of a kind
    explorer reads, sorted, hidden ones left out."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if not name.startswith(".") and Path(name).suffix.lower() in FORMATS:
                        found.append(Path(root) / name)
            out.extend(sorted(found))
        else:
            out.append(path)
    seen: set[str] = set()
    unique = []
    for p in out:
        key = os.path.abspath(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def prepare(path: str | Path, cancel: Callable[[], bool] | None = None) -> Prepared:
    """Read one file; ``IngestError`` when it cannot be read, ``Cancelled`` when cancelled meanwhile."""
    path = Path(path)
    found = extract(path, cancel)
    return Prepared(path, found, text_digest(found.text))


def add_documents(workspace, paths: Sequence[str | Path], progress: Callable[[int, int, Path | None], None] | None
                  = None, cancel: Callable[[], bool] | None = None) -> AddReport:
    """Read the files and add them as documents (one undo step). ``progress(done, total, path)`` is called
    before each file is read (``path`` the file) and once at the end (``done == total``, ``path`` None);
    ``cancel()`` is asked before each file (and each PDF page): true, and nothing is added."""
    files = expand_paths(paths)
    report = AddReport(_order=list(files))
    prepared: list[Prepared] = []
    total = len(files)
    for i, path in enumerate(files):
        if cancel is not None and cancel():
            report.cancelled = True
            return report
        if progress is not None:
            progress(i, total, path)
        try:
            prepared.append(prepare(path, cancel))
        except Cancelled:
            report.cancelled = True
            return report
        except IngestError as exc:
            report.refused.append((path, str(exc)))
    if progress is not None:
        progress(total, total, None)
    add_prepared(workspace, prepared, report)
    return report


class _AddDocuments(Command):
    """Several AddDocument commands applied as one batch (one change, one undo step)."""

    def __init__(self, commands: list[AddDocument], label: str):
        self.commands = commands
        self.label = label  # type: ignore[misc]

    def ops(self, corpus) -> list[Op]:
        out: list[Op] = []
        for command in self.commands:
            out.extend(command.ops(corpus))
        return out


def _original_name(root: Path, stem: str, ext: str, data_path: Path, taken: set[str]) -> str:
    """A free name in documents/originals for a copy of ``data_path``: ``stem.ext``, or ``stem-2.ext``...
    A file already there with the same bytes (left by an add that was undone) is used again."""
    n = 1
    while True:
        rel = f"{ORIGINALS}/{stem}{'' if n == 1 else f'-{n}'}{ext}"
        target = root / rel
        if rel not in taken:
            if not target.exists():
                return rel
            try:
                if target.is_file() and target.stat().st_size == data_path.stat().st_size \
                        and _file_sha(target) == _file_sha(data_path):
                    return rel
            except OSError:
                pass
        n += 1


def _file_sha(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy a file: into a temporary file beside the target, fsynced, then renamed into place."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.explorer-tmp")
    try:
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def add_prepared(workspace, prepared: Sequence[Prepared], report: AddReport | None = None) -> AddReport:
    """Add files already read (``prepare``) to the workspace's corpus as one undo step; see the module
    docstring. Must run where the workspace is used (a window's UI thread)."""
    report = report if report is not None else AddReport(_order=[p.path for p in prepared])
    corpus = workspace.corpus
    if corpus is None:
        raise EditError("no corpus is open")
    root = Path(corpus.root)
    known: dict[str, str] = {text_digest(doc.text): doc.id for doc in corpus.documents}
    taken_ids: set[str] = set()
    taken_files = {d.file for d in corpus.documents} | {d.original for d in corpus.documents if d.original}
    planned: list[tuple[Prepared, AddDocument, str | None]] = []
    for item in prepared:
        same = known.get(item.digest)
        if same is not None:
            report.duplicates.append((item.path, same))
            continue
        found = item.extracted
        title = found.title or item.path.stem or "Untitled document"
        doc_id = new_id(corpus, "document", title, taken_ids)
        stem = doc_id.removeprefix("doc-") or slug(title) or "document"
        rel, n = f"documents/{stem}.txt", 2
        while rel in taken_files or (root / rel).exists():
            rel, n = f"documents/{stem}-{n}.txt", n + 1
        original = _original_name(root, stem, item.path.suffix.lower() or f".{found.format}", item.path,
                                  taken_files)
        fields = {"id": doc_id, "author": found.author, "publisher": found.publisher, "date": found.date,
                  "date_note": found.date_note if found.date else None, "original": original}
        command = AddDocument(title=title, text=found.text, file=rel,
                              **{k: v for k, v in fields.items() if v is not None})
        try:
            command.ops(corpus)  # the core's checks, before anything is copied
        except EditError as exc:
            report.refused.append((item.path, f"{item.path.name}: {exc}"))
            continue
        taken_ids.add(doc_id)
        taken_files |= {rel, original}
        known[item.digest] = doc_id
        planned.append((item, command, original))
    # keep the originals beside the texts (a file that cannot be copied is refused whole)
    commands: list[AddDocument] = []
    for item, command, original in planned:
        target = root / original
        try:
            if not (target.exists() and _file_sha(target) == _file_sha(item.path)):
                _copy_atomically(item.path, target)
        except OSError as exc:
            why = (exc.strerror or str(exc)).lower()
            report.refused.append((item.path, f"{item.path.name}: its original cannot be kept in the corpus "
                                              f"folder ({original}: {why}); nothing of it was added"))
            continue
        commands.append(command)
        report.added.append((item.path, command.fields["id"]))
    if commands:
        first = commands[0].fields["title"]
        label = f"Add Document ‘{first}’" if len(commands) == 1 else f"Add {len(commands)} Documents"
        try:
            workspace.do(_AddDocuments(commands, label))
        except EditError as exc:  # not expected (each was checked): then none is added, and each says why
            added, report.added = report.added[-len(commands):], report.added[:-len(commands)]
            report.refused.extend((path, f"{path.name}: {exc}") for path, _ in added)
            return report
        report.label = label
    return report
