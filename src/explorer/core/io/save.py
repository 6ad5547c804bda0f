"""Saving a corpus folder: the canonical layout of its files, written only where they change, atomically.

Layout (``canonical_bytes`` / ``canonical_info_bytes``): each annotation file is a JSON list, 2-space
indent, UTF-8 without escapes for non-ASCII text, LF line ends and a final newline; items in corpus order,
keys in model field order (``id`` first), fields equal to their default left out. Passages are written
without ``prefix``/``suffix`` and documents without ``text`` (the loader fills both in). Loading a
canonical folder and saving it again writes nothing.

Safety (``save_corpus``):

- only the dirty files are serialised, and only those whose bytes differ from the disk are written;
- a file that changed (or vanished) on disk since it was loaded is never overwritten: given the stamps
  taken before loading (``read_stamps``), the save raises ``SaveConflict`` and writes nothing;
- a folder that cannot be written raises ``SaveError`` with a plain sentence, and leaves nothing behind;
- a save of several files is all or nothing, even if the process dies half-way. Each file is first
  written to ``NAME.explorer-tmp`` beside it and fsynced; then a manifest ``.explorer-save.json`` listing
  the renames is written atomically: that is the commit point. Then each temporary file is renamed into
  place, the folders are fsynced and the manifest is deleted. ``finish_interrupted_save`` completes the
  renames of a committed save, or deletes the temporary files of one that never reached its commit point.
  When a save also writes files in sub-folders (document texts), a "prepare" manifest naming them is
  written before any of them, so that they too are found and deleted if the save is rolled back.

Pure Python: nothing here knows about Qt.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat as stat_module
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Container, Iterable, Sequence

from pydantic import TypeAdapter

from ..corpus import FILE_OF_KIND, KIND_ORDER, MODEL_OF_KIND, Corpus
from ..gcpause import _gc_paused
from ..model.types import CorpusInfo, Document

INFO_FILE = "corpus.json"
#: the annotation files, in the order of their kinds
ANNOTATION_FILES: tuple[str, ...] = tuple(FILE_OF_KIND[k] for k in KIND_ORDER)
JSON_FILES: tuple[str, ...] = (INFO_FILE, *ANNOTATION_FILES)
KIND_OF_FILE: dict[str, str] = {name: kind for kind, name in FILE_OF_KIND.items()}

MANIFEST = ".explorer-save.json"
TMP_SUFFIX = ".explorer-tmp"

#: fields that are never written: the loader derives them
_NOT_WRITTEN: dict[str, set[str]] = {"document": {"text"}, "passage": {"prefix", "suffix"}}
_BOM = b"\xef\xbb\xbf"
#: items serialised at a time
_SAVE_CHUNK = 5000


class SaveError(Exception):
    """A save that could not be done; nothing was changed on disk (the message says so if otherwise)."""


class SaveConflict(SaveError):
    """Files changed or vanished on disk since the corpus was loaded; nothing was written.
    ``files`` names them (relative to the corpus folder)."""

    def __init__(self, files: Sequence[str], message: str):
        self.files = list(files)
        super().__init__(message)


@dataclass(frozen=True)
class FileStamp:
    """What a file was: its size, modification time (ns) and the SHA-256 of its bytes."""

    size: int
    mtime_ns: int
    sha256: str

    def to_json(self) -> dict:
        return {"size": self.size, "mtime_ns": self.mtime_ns, "sha256": self.sha256}

    @classmethod
    def from_json(cls, data: dict) -> "FileStamp":
        return cls(int(data["size"]), int(data["mtime_ns"]), str(data["sha256"]))


@dataclass
class SaveResult:
    """What a save did: the files it ``written`` and the ones it found ``unchanged`` (relative names, in
    corpus order), the folder it wrote to, and fresh ``stamps`` for all of them (merge them into
    ``corpus.file_stamps`` so that the next save compares against what this one wrote)."""

    root: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stamps: dict[str, FileStamp] = field(default_factory=dict)


# -- canonical layout ------------------------------------------------------------------------------------

_ADAPTERS: dict[str, TypeAdapter] = {}
_INFO_ADAPTER = TypeAdapter(CorpusInfo)


def _adapter(kind: str) -> TypeAdapter:
    found = _ADAPTERS.get(kind)
    if found is None:
        found = _ADAPTERS[kind] = TypeAdapter(list[MODEL_OF_KIND[kind]])  # type: ignore[valid-type]
    return found


def canonical_bytes(kind: str, items: Iterable) -> bytes:
    """The canonical bytes of the annotation file of ``kind`` holding ``items`` (in the order given)."""
    from ..tables import EventTable, PassageTable, TableView

    if isinstance(items, TableView) and isinstance(items._table, (EventTable, PassageTable)):
        return _table_bytes(items._table, items.ids())  # straight from the columns (no item built)
    exclude = _NOT_WRITTEN.get(kind)
    adapter = _adapter(kind)
    exclude_arg = {"__all__": exclude} if exclude else None
    # pydantic-core writes the same bytes as json.dumps(model_dump(mode="json", exclude_defaults=True),
    # indent=2, ensure_ascii=False), about four times faster (100k events: 0.45 s instead of 2.3 s). Events
    # and passages are built from their tables as they are written: a chunk at a time (so that they are
    # never all in memory at once), with the cyclic collector paused (it would walk them again and again)
    parts: list[bytes] = []
    chunk: list = []
    with _gc_paused():
        for item in items:
            chunk.append(item)
            if len(chunk) >= _SAVE_CHUNK:
                parts.append(adapter.dump_json(chunk, indent=2, exclude_defaults=True, exclude=exclude_arg)[2:-2])
                chunk.clear()
        if chunk:
            parts.append(adapter.dump_json(chunk, indent=2, exclude_defaults=True, exclude=exclude_arg)[2:-2])
    if not parts:
        return b"[]\n"
    return b"[\n" + b",\n".join(parts) + b"\n]\n"


_quote = json.encoder.encode_basestring  # the C encoder: escapes exactly as pydantic-core does


def _date_text(y: int, m: int, d: int) -> str:
    if y < 0:  # a year BCE: -0500 (no year 0)
        return "-" + _date_text(-y, m, d)
    return f"{y:04d}-{m:02d}-{d:02d}" if d else (f"{y:04d}-{m:02d}" if m else f"{y:04d}")


def _ref_list(name: str, refs: tuple) -> str:
    return f'    "{name}": [\n      ' + ",\n      ".join(map(_quote, refs)) + "\n    ]"


def _table_bytes(table, ids: list[str]) -> bytes:
    """``canonical_bytes`` of events or passages written from their table's columns, byte for byte what
    the pydantic path writes (tests/test_save.py compares them): 100k events in a third of the time,
    without building 100k items."""
    from ..tables import EventTable

    if not ids:
        return b"[]\n"
    rows = [table.row_of(i) for i in ids]
    out: list[str] = []
    add = out.append
    if isinstance(table, EventTable):
        text, refs = table.text, table.refs
        title, summary, date_text, conflict = text["title"], text["summary"], text["date_text"], text["conflict"]
        provenance = text["provenance"]
        sy, sm, sd, ey, em, ed, inferred = table.sy, table.sm, table.sd, table.ey, table.em, table.ed, table.inferred
        themes, actors, experts, passages = refs["themes"], refs["actors"], refs["experts"], refs["passages"]
        for iid, r in zip(ids, rows):
            lines = [f'    "id": {_quote(iid)}', f'    "title": {_quote(title[r])}']
            if summary[r]:
                lines.append(f'    "summary": {_quote(summary[r])}')
            lines.append(f'    "start": "{_date_text(sy[r], sm[r], sd[r])}"')
            if ey[r]:
                lines.append(f'    "end": "{_date_text(ey[r], em[r], ed[r])}"')
            if inferred[r]:
                lines.append('    "inferred": true')
            if date_text[r] is not None:
                lines.append(f'    "date_text": {_quote(date_text[r])}')
            for name, col in (("themes", themes), ("actors", actors), ("experts", experts)):
                if col[r]:
                    lines.append(_ref_list(name, col[r]))
            if provenance[r] is not None:
                lines.append(f'    "provenance": {_quote(provenance[r])}')
            if passages[r]:
                lines.append(_ref_list("passages", passages[r]))
            if conflict[r] is not None:
                lines.append(f'    "conflict": {_quote(conflict[r])}')
            add("  {\n" + ",\n".join(lines) + "\n  }")
    else:
        document, start, end, pinned = table.document, table.start, table.end, table.pinned
        for iid, r in zip(ids, rows):
            s, e = start[r], end[r]
            pins = pinned.get(r)
            if pins and "quote" in pins:
                quote = pins["quote"]
            else:
                doc_text = table.text_of(document[r])
                quote = doc_text[s:e] if doc_text is not None and s >= 0 and e >= 0 else table.get(iid).quote
            lines = [f'    "id": {_quote(iid)}', f'    "document": {_quote(document[r])}']
            if s >= 0:
                lines.append(f'    "start": {s}')
            if e >= 0:
                lines.append(f'    "end": {e}')
            lines.append(f'    "quote": {_quote(quote)}')
            add("  {\n" + ",\n".join(lines) + "\n  }")
    return ("[\n" + ",\n".join(out) + "\n]\n").encode("utf-8")


def canonical_info_bytes(info: CorpusInfo) -> bytes:
    """The canonical bytes of ``corpus.json``."""
    return _INFO_ADAPTER.dump_json(info, indent=2, exclude_defaults=True) + b"\n"


# -- stamps ----------------------------------------------------------------------------------------------

def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- reading files safely (the loader reads through these too) ---------------------------------------------

#: the largest JSON file (``corpus.json``, an annotation file) that is read, in bytes; see README.md, "What a
#: corpus may hold": half as much again as the million-event benchmark's largest file (events.json, 332 MiB),
#: the largest scale explorer is built for
MAX_JSON_BYTES = 512 * 1024 * 1024
#: the largest document text file that is read, in bytes: a long book is 1-5 MiB, the benchmark's largest
#: document 1 MiB
MAX_TEXT_BYTES = 64 * 1024 * 1024
#: the largest imported original (a PDF, a DOCX) that Save As carries over to the new folder
MAX_ORIGINAL_BYTES = 1024 * 1024 * 1024

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
               | getattr(os, "O_CLOEXEC", 0))


class NotARegularFile(OSError):
    """The path names a folder, a FIFO, a device or a socket: it is not opened for reading (a FIFO would
    wait for a writer for ever, a device could give anything). ``kind`` says which, e.g. "a folder"."""

    def __init__(self, path: Path | str, kind: str):
        self.kind = kind
        super().__init__(errno.EISDIR if kind == "a folder" else errno.EINVAL, f"it is {kind}, not a regular file",
                         str(path))


class FileTooLarge(OSError):
    """The file holds more than the reader's limit (``limit`` bytes): ``size`` bytes, or None when the system
    did not say (it was read up to the limit to find out)."""

    def __init__(self, path: Path | str, size: int | None, limit: int):
        self.size, self.limit = size, limit
        held = f"{size:,} bytes" if size is not None else "more bytes"
        super().__init__(errno.EFBIG, f"it holds {held} than the limit of {limit:,} allows" if size is None else
                         f"it holds {held}, more than the limit of {limit:,}", str(path))


def file_kind(mode: int) -> str:
    """What a stat mode names, in words: "a regular file", "a folder", "a named pipe (FIFO)"..."""
    if stat_module.S_ISREG(mode):
        return "a regular file"
    if stat_module.S_ISDIR(mode):
        return "a folder"
    if stat_module.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat_module.S_ISCHR(mode):
        return "a character device"
    if stat_module.S_ISBLK(mode):
        return "a block device"
    if stat_module.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _open_regular(path: Path | str, limit: int | None) -> tuple[int, os.stat_result]:
    """A descriptor open for reading on a regular file, never blocking: the path is stat'ed first, so that a
    special file is never opened (opening a FIFO waits for a writer, or wakes one up), and opened without
    blocking in case it was swapped meanwhile, then checked again through the descriptor."""
    try:
        st = os.stat(path)
    except ValueError:  # a NUL in the name
        raise FileNotFoundError(errno.ENOENT, "not a valid file name (it holds a NUL character)", str(path)) \
            from None
    if not stat_module.S_ISREG(st.st_mode):
        raise NotARegularFile(path, file_kind(st.st_mode))
    if limit is not None and st.st_size > limit:
        raise FileTooLarge(path, st.st_size, limit)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat_module.S_ISREG(st.st_mode):
            raise NotARegularFile(path, file_kind(st.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_regular_file(path: Path | str, limit: int | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its stat, read through one descriptor. Raises ``NotARegularFile``
    for anything else (without opening it), ``FileTooLarge`` past ``limit`` bytes (never reading more than
    ``limit + 1``, even from a file that grows or whose size the system does not know), and the usual
    ``OSError`` (``FileNotFoundError`` also for a name that holds a NUL)."""
    fd, st = _open_regular(path, limit)
    with open(fd, "rb", buffering=0) as f:
        if limit is None:
            return f.readall(), st
        chunks: list[bytes] = []
        total = 0
        size = min(st.st_size + 1 if st.st_size else 1 << 16, limit + 1)
        while total <= limit:
            chunk = f.read(min(size, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            size = max(size, 1 << 20)
    if total > limit:
        raise FileTooLarge(path, None, limit)
    return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), st


def _read_with_stat(path: Path) -> tuple[bytes, os.stat_result] | None:
    """A file's bytes and its stat, read through one descriptor (None: there is no such file). A folder,
    FIFO or device raises ``NotARegularFile``: a save never writes over one, nor waits on it."""
    try:
        return read_regular_file(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def stamp_of(path: Path | str) -> FileStamp | None:
    """The stamp of a regular file (None: there is none; a special file has none either, and is never
    opened). The bytes are hashed as they are read, so a huge file does not fill the memory."""
    try:
        fd, st = _open_regular(path, None)
    except (FileNotFoundError, NotADirectoryError, NotARegularFile):
        return None
    with open(fd, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    return FileStamp(st.st_size, st.st_mtime_ns, digest)


def _safe_relative(root: Path, rel: str, resolved_root: Path | None = None) -> bool:
    """Whether ``rel`` names a file inside ``root`` (not absolute, no way out through '..' or links).
    ``resolved_root``: ``root.resolve()``, when the caller asks about many files."""
    if not rel or Path(rel).is_absolute() or PurePosixPath(rel).is_absolute():
        return False
    try:
        return (root / rel).resolve().is_relative_to(resolved_root or root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def _document_files_on_disk(root: Path, known: Container[str] = ()) -> list[str]:
    """The text files documents.json names (as written there), without validating anything else.
    ``known``: names already found to be inside the folder (they are not looked at again)."""
    path = root / "documents.json"
    try:
        data = json.loads(read_regular_file(path, MAX_JSON_BYTES)[0].decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):  # the loader says what is wrong with it
        return []
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        data = data["documents"]
    if not isinstance(data, list):
        return []
    out: dict[str, None] = {}
    try:
        resolved = root.resolve()
    except (OSError, RuntimeError):
        return []
    for raw in data:
        rel = raw.get("file") if isinstance(raw, dict) else None
        if isinstance(rel, str) and rel not in out and (rel in known or _safe_relative(root, rel, resolved)):
            out[rel] = None
    return list(out)


def read_stamps(root: Path | str) -> dict[str, FileStamp]:
    """Stamps of ``corpus.json``, every annotation file and every document text file present in a corpus
    folder. Take them *before* loading and keep them in ``corpus.file_stamps``: a save then refuses to
    overwrite what someone else changed since. A file that is not a regular file, or cannot be read, has no
    stamp (the loader says what is wrong with it; a save that would write it stops, as it cannot read it)."""
    return complete_stamps(root, {})


class Stamper:
    """The stamps of the files a load reads, made from the very bytes it read and the status of the
    descriptor it read them through (``read_regular_file``): nothing is read twice, and a stamp is exactly
    what was loaded. A large file is hashed in a second thread while the load decodes it (hashing lets go
    of Python's lock); a small one at once (handing a thousand texts to a thread cost more than it saved)."""

    LARGE = 1 << 20

    def __init__(self) -> None:
        self._stat: dict[str, tuple[int, int]] = {}
        self._digests: dict[str, str | Future] = {}
        self._pool: ThreadPoolExecutor | None = None

    def add(self, rel: str, data: bytes, st: os.stat_result) -> None:
        """``data``, the bytes of the file ``rel`` (as the corpus names it), read with the status ``st``."""
        if rel in self._stat:
            return
        self._stat[rel] = (st.st_size, st.st_mtime_ns)
        if len(data) < self.LARGE:
            self._digests[rel] = _sha(data)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="explorer-stamps")
        self._digests[rel] = self._pool.submit(_sha, data)

    def stamps(self) -> dict[str, FileStamp]:
        """The stamps so far (waiting for their digests); the second thread ends."""
        try:
            return {rel: FileStamp(*self._stat[rel], sha if type(sha) is str else sha.result())
                    for rel, sha in self._digests.items()}
        finally:
            self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def complete_stamps(root: Path | str, stamps: dict[str, FileStamp]) -> dict[str, FileStamp]:
    """``stamps`` (a ``Stamper``'s, of what a load read) with the stamps of the corpus's other files, as
    ``read_stamps`` makes them: a file that could not be loaded, or the text of a document that did not
    validate, is never written over silently either."""
    root = Path(root)
    out = dict(stamps)
    for rel in [*JSON_FILES, *_document_files_on_disk(root, known=stamps)]:
        if rel in out:
            continue
        try:
            found = stamp_of(root / rel)
        except OSError:
            continue
        if found is not None:
            out[rel] = found
    return out


# -- low-level steps (module functions so that tests can make any of them fail) ---------------------------

def _open_new(path: str) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _close(fd: int) -> None:
    os.close(fd)


def _replace(src: str, dst: str) -> None:
    os.replace(src, dst)


def _unlink(path: str) -> None:
    os.unlink(path)


def _fsync_dir(path: str) -> None:
    """Make the renames in a folder durable (not possible, and not needed, on Windows)."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        _fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: str, data: bytes, mode: int | None = None) -> None:
    """Write a new file completely and fsync it (the caller renames it into place)."""
    fd = _open_new(path)
    try:
        if mode is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        _write(fd, data)
        _fsync(fd)
    finally:
        _close(fd)


def _write_manifest(root: Path, data: dict) -> None:
    """Atomically (re)place the manifest: temp file, fsync, rename, fsync the folder."""
    final = str(root / MANIFEST)
    tmp = final + TMP_SUFFIX
    _write_file(tmp, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    _replace(tmp, final)
    _fsync_dir(str(root))


def _tmp_name(rel: str) -> str:
    return rel + TMP_SUFFIX


# -- what a save writes ------------------------------------------------------------------------------------

def all_files(corpus: Corpus, root: Path | None = None) -> list[str]:
    """Every file of a corpus, in corpus order: ``corpus.json``, the annotation files and the document
    text files. A JSON file that is not in ``root`` (default: ``corpus.root``) and would only hold an
    empty list or the default description is left out (``documents.json`` never is)."""
    root = Path(root) if root is not None else Path(corpus.root)
    out = []
    if corpus.info != CorpusInfo() or (root / INFO_FILE).exists():
        out.append(INFO_FILE)
    for kind in KIND_ORDER:
        name = FILE_OF_KIND[kind]
        if kind == "document" or corpus.items_of(kind) or (root / name).exists():
            out.append(name)
    for doc in corpus.documents:
        if doc.file not in out:
            out.append(doc.file)
    return out


def _document_bytes(doc: Document, source_root: Path | None) -> bytes:
    """The bytes of a document's text file: its text in UTF-8, or, if the file in ``source_root`` holds
    exactly that text (a byte-order mark allowed), that file's bytes, so a copy is byte for byte."""
    try:
        data = doc.text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SaveError(f"the text of document {doc.id} cannot be written as UTF-8 "
                        f"(character {exc.start}); nothing was saved") from None
    if source_root is not None:
        try:
            found = _read_with_stat(source_root / doc.file)
        except OSError:
            found = None
        if found is not None and found[0].startswith(_BOM) and found[0][3:] == data:
            return found[0]
    return data


def _plan(corpus: Corpus, names: list[str], root: Path, source_root: Path | None) -> list[tuple[str, bytes]]:
    """(relative name, bytes) for each file to save, in corpus order. Unknown names are ignored (the text
    file of a removed document, say)."""
    docs_by_file: dict[str, Document] = {}
    for doc in corpus.documents:
        other = docs_by_file.setdefault(doc.file, doc)
        if other is not doc and other.text != doc.text:
            raise SaveError(f"documents {other.id} and {doc.id} both use the file {doc.file} but with "
                            f"different texts; nothing was saved")
    wanted = set(names)
    out: list[tuple[str, bytes]] = []
    if INFO_FILE in wanted:
        out.append((INFO_FILE, canonical_info_bytes(corpus.info)))
    for kind in KIND_ORDER:
        name = FILE_OF_KIND[kind]
        if name in wanted:
            out.append((name, canonical_bytes(kind, corpus.items_of(kind))))
    for rel, doc in docs_by_file.items():
        if rel not in wanted or rel in JSON_FILES:
            continue
        if not _safe_relative(root, rel):
            raise SaveError(f"the text file of document {doc.id}, '{rel}', is not inside the corpus folder; "
                            f"nothing was saved")
        out.append((rel, _document_bytes(doc, source_root)))
    if source_root is not None:  # Save As: the imported originals (PDF, DOCX...) go with their documents
        seen = {rel for rel, _ in out}
        for doc in corpus.documents:
            rel = getattr(doc, "original", None)
            if not rel or rel in seen:
                continue
            seen.add(rel)
            if not (_safe_relative(root, rel) and _safe_relative(source_root, rel)):
                raise SaveError(f"the original file of document {doc.id}, '{rel}', is not inside the corpus "
                                f"folder; nothing was saved")
            try:
                data, _ = read_regular_file(source_root / rel, MAX_ORIGINAL_BYTES)
            except FileNotFoundError:
                continue  # nothing to carry over (the validator says it is missing)
            except OSError as exc:
                raise SaveError(f"cannot read the original file {rel} of document {doc.id}: "
                                f"{_describe_os_error(exc)}; nothing was saved") from None
            out.append((rel, data))
    return out


def _same_content(on_disk: bytes | None, data: bytes, rel: str) -> bool:
    if on_disk is None:
        return False
    if on_disk == data:
        return True
    # a document text that differs only by a byte-order mark is the same text (the loader drops it)
    return rel not in JSON_FILES and on_disk.startswith(_BOM) and on_disk[3:] == data


def _describe_os_error(exc: OSError) -> str:
    if isinstance(exc, (NotARegularFile, FileTooLarge)):
        return exc.strerror  # already in words, and with a name (FIFO) in capitals
    return exc.strerror.lower() if exc.strerror else str(exc)


def save_corpus(corpus: Corpus, files: set[str] | None = None, stamps: dict | None = None,
                target: Path | str | None = None) -> SaveResult:
    """Save a corpus to its folder (or, with ``target``, to another folder: Save As).

    ``files``: the dirty files (relative names, as ``ChangeSet.files()`` gives them); None: all files of
    the corpus (``all_files``). Only those are serialised, and only those whose bytes differ from the disk
    are written. ``stamps`` (``read_stamps`` before loading): a file about to be written that no longer
    matches its stamp raises ``SaveConflict`` and nothing is written. Any failure to write raises
    ``SaveError``; the folder is then as it was. Save As writes every file of the corpus (document texts
    copied byte for byte), creating the folder, and ignores ``files`` and ``stamps``."""
    source_root = Path(corpus.root)
    save_as = target is not None
    root = Path(target) if save_as else source_root
    if save_as:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SaveError(f"cannot create the folder {root}: {_describe_os_error(exc)}; nothing was saved") \
                from None
        if not root.is_dir():
            raise SaveError(f"{root} is not a folder; nothing was saved")
        names = list(JSON_FILES) + [d.file for d in corpus.documents]
        stamps = None
    else:
        if not root.is_dir():
            raise SaveError(f"the corpus folder {root} does not exist (any more); nothing was saved")
        names = all_files(corpus) if files is None else [str(f).replace(os.sep, "/") for f in files]
    finish_interrupted_save(root)  # a save left half-done by a crash must not mix with this one

    plan = _plan(corpus, names, root, source_root if save_as else None)
    result = SaveResult(root=root)
    to_write: list[tuple[str, bytes, int | None]] = []
    conflicts: list[tuple[str, str]] = []
    for rel, data in plan:
        try:
            found = _read_with_stat(root / rel)
        except OSError as exc:
            raise SaveError(f"cannot read {rel} in {root}: {_describe_os_error(exc)}; nothing was saved") \
                from None
        on_disk = found[0] if found is not None else None
        if _same_content(on_disk, data, rel):
            result.unchanged.append(rel)
            result.stamps[rel] = FileStamp(found[1].st_size, found[1].st_mtime_ns, _sha(on_disk))
            continue
        stamp = stamps.get(rel) if stamps else None
        if isinstance(stamp, FileStamp):
            if on_disk is None:
                conflicts.append((rel, "was deleted"))
            elif len(on_disk) != stamp.size or _sha(on_disk) != stamp.sha256:
                conflicts.append((rel, "was changed"))
        mode = stat_module.S_IMODE(found[1].st_mode) if found is not None else None
        to_write.append((rel, data, mode))
    if conflicts:
        names_ = [rel for rel, _ in conflicts]
        what = "; ".join(f"{rel} {how}" for rel, how in conflicts)
        raise SaveConflict(names_, f"{what} on disk since the corpus was loaded, by another program or "
                                   f"person; nothing was saved. Reload the corpus to see those changes, or "
                                   f"save it to another folder.")
    if to_write:
        _commit(root, to_write)
    for rel, data, _ in to_write:
        result.written.append(rel)
        try:
            st = os.stat(root / rel)
            result.stamps[rel] = FileStamp(st.st_size, st.st_mtime_ns, _sha(data))
        except OSError:  # pragma: no cover - vanished right after it was written
            pass
    return result


def _commit(root: Path, writes: list[tuple[str, bytes, int | None]]) -> None:
    """Write the files all-or-nothing (see the module docstring for the protocol)."""
    rels = [rel for rel, _, _ in writes]
    folders = sorted({str((root / rel).parent) for rel in rels})
    prepared = any("/" in rel for rel in rels)
    made: list[str] = []  # temp files that exist (to delete if the save fails before its commit point)
    manifest_written = False
    try:
        for rel in rels:
            parent = (root / rel).parent
            if parent != root:
                parent.mkdir(parents=True, exist_ok=True)
        if prepared:
            _write_manifest(root, {"v": 1, "state": "prepare", "files": [_tmp_name(r) for r in rels]})
            manifest_written = True
        for rel, data, mode in writes:
            tmp = str(root / _tmp_name(rel))
            made.append(tmp)
            _write_file(tmp, data, mode)
        for folder in folders:  # the temp files' names are durable before the manifest refers to them
            _fsync_dir(folder)
        _write_manifest(root, {"v": 1, "state": "commit", "renames": [[_tmp_name(r), r] for r in rels]})
    except OSError as exc:
        where = _where(getattr(exc, "filename", None), root)
        for tmp in made:
            try:
                _unlink(tmp)
            except OSError:
                pass
        for leftover in ([str(root / MANIFEST)] if manifest_written else []) + [str(root / MANIFEST) + TMP_SUFFIX]:
            try:
                _unlink(leftover)
            except OSError:
                pass
        raise SaveError(f"cannot write {where} in the folder {root}: {_describe_os_error(exc)}; "
                        f"nothing was saved") from None
    # committed: from here on, the new files are what the folder holds, now or after recovery
    try:
        for rel in rels:
            _replace(str(root / _tmp_name(rel)), str(root / rel))
        for folder in folders:
            _fsync_dir(folder)
        _unlink(str(root / MANIFEST))
        _fsync_dir(str(root))
    except OSError as exc:
        raise SaveError(f"the save to {root} was interrupted after its commit point "
                        f"({_describe_os_error(exc)}); it will be completed the next time the corpus is "
                        f"opened") from None


def _where(filename: object, root: Path) -> str:
    """The corpus file an OSError is about, relative to the folder (the folder itself: '.')."""
    if not filename:
        return "files"
    path = Path(str(filename))
    if path.name.endswith(TMP_SUFFIX):
        path = path.with_name(path.name[:-len(TMP_SUFFIX)])
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
    return rel if rel != "." else "files"


# -- recovery ----------------------------------------------------------------------------------------------

def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _inside(root: Path, rel: object) -> bool:
    return isinstance(rel, str) and _safe_relative(root, rel)


def finish_interrupted_save(root: Path | str) -> list[str]:
    """Complete or roll back a save that was interrupted (the process died, the power went).

    With a committed manifest: renames the temporary files it lists that are still there into place, and
    deletes it. With temporary files but no committed manifest: deletes them (the save never reached its
    commit point, so the old files are intact). Returns one sentence saying what was done, or [] when the
    folder is clean (one ``listdir``)."""
    root = Path(root)
    try:
        entries = os.listdir(root)
    except OSError:
        return []
    temps = sorted(e for e in entries if e.endswith(TMP_SUFFIX))
    if MANIFEST not in entries and not temps:
        return []
    manifest: dict = {}
    if MANIFEST in entries:
        try:
            manifest = json.loads(read_regular_file(root / MANIFEST, MAX_JSON_BYTES)[0].decode("utf-8"))
        except NotARegularFile:  # not one explorer wrote (a FIFO, say): left alone, never opened
            entries = [e for e in entries if e != MANIFEST]
            if not temps:
                return []
        except (OSError, ValueError, RecursionError):
            manifest = {}
        if not isinstance(manifest, dict):
            manifest = {}
    try:
        if manifest.get("state") == "commit":
            done = []
            folders = {str(root)}
            for pair in manifest.get("renames", []):
                if not (isinstance(pair, list) and len(pair) == 2 and _inside(root, pair[0])
                        and _inside(root, pair[1]) and pair[0] == _tmp_name(pair[1])):
                    continue
                tmp, final = root / pair[0], root / pair[1]
                if tmp.exists():
                    _replace(str(tmp), str(final))
                    folders.add(str(final.parent))
                done.append(pair[1])
            for folder in sorted(folders):
                _fsync_dir(folder)
            for name in temps:  # e.g. the temp of a manifest that was being replaced
                if (root / name).exists():
                    _unlink(str(root / name))
            _unlink(str(root / MANIFEST))
            _fsync_dir(str(root))
            return [f"An interrupted save of {_join(done) or 'the corpus'} was completed: "
                    f"{'those files hold' if len(done) != 1 else 'the file holds'} what was saved."]
        # never committed: delete the temporary files (a prepare manifest also names those in sub-folders)
        listed = [r for r in manifest.get("files", []) if _inside(root, r) and str(r).endswith(TMP_SUFFIX)]
        removed = []
        for rel in [*listed, *temps]:
            path = root / rel
            if path.exists():
                _unlink(str(path))
                name = rel[:-len(TMP_SUFFIX)]
                if name not in removed and name != MANIFEST:
                    removed.append(name)
        if MANIFEST in entries:
            _unlink(str(root / MANIFEST))
        _fsync_dir(str(root))
        return [f"An interrupted save{' of ' + _join(removed) if removed else ''} was rolled back: it had not "
                f"finished, so the files are as they were before it."]
    except OSError as exc:
        return [f"An interrupted save in {root} could not be cleaned up ({_describe_os_error(exc)}); "
                f"files ending in {TMP_SUFFIX} and {MANIFEST} there are left from it."]
