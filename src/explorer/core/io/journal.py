"""The journal of unsaved edits: an append-only file outside the corpus folder, one JSON line per applied
batch of operations, fsynced before the edit counts as done. After a crash, replaying its entries on the
corpus as it is on disk gives back the edited corpus; saving (or discarding the edits) clears it.

    {"v":1,"base":{"root":"/path/to/corpus","stamps":{"events.json":{"size":..,"mtime_ns":..,"sha256":..}}}}
    {"v":1,"label":"Edit Event","ops":[{"op":"put","kind":"event","item":{...},"position":null}]}

The first line (``base``) records the stamps of the corpus files when the first edit was journalled, so
that recovery can warn when the corpus changed on disk since. A crash while a line is being written
leaves a torn last line, which is ignored; any other line that cannot be read is reported by number.

The journal lives in ``journal_dir()``: ``$EXPLORER_STATE_DIR`` if set, else the platform's per-user
state folder (``$XDG_STATE_HOME/explorer/journal``, ``~/.local/state/explorer/journal``; Windows
``%LOCALAPPDATA%\\explorer\\journal``; macOS ``~/Library/Application Support/explorer/journal``), in a
file named by a hash of the corpus folder's resolved path. Pure Python: nothing here knows about Qt.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..corpus import MODEL_OF_KIND, Op, Put, Remove, SetInfo
from ..model.types import CorpusInfo
from .save import FileStamp, read_regular_file, read_stamps

VERSION = 1
SUFFIX = ".journal.jsonl"


def journal_dir() -> Path:
    """The folder that holds the journals (not created here)."""
    explicit = os.environ.get("EXPLORER_STATE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else Path.home() / "AppData" / "Local") / "explorer" / "journal"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "explorer" / "journal"
    state = os.environ.get("XDG_STATE_HOME")
    base = Path(state) if state and Path(state).is_absolute() else Path.home() / ".local" / "state"
    return base / "explorer" / "journal"


# -- operations as JSON ----------------------------------------------------------------------------------

def op_to_json(op: Op) -> dict[str, Any]:
    if isinstance(op, Put):
        return {"op": "put", "kind": op.item.item_kind, "item": op.item.model_dump(mode="json"),
                "position": op.position}
    if isinstance(op, Remove):
        return {"op": "remove", "id": op.item_id}
    if isinstance(op, SetInfo):
        return {"op": "info", "info": op.info.model_dump(mode="json")}
    raise TypeError(f"{op!r} is not a corpus operation")


def ops_to_json(ops: Sequence[Op]) -> list[dict[str, Any]]:
    """Operations as JSON-ready data (items in full, document texts and passage contexts included)."""
    return [op_to_json(op) for op in ops]


def op_from_json(data: Any) -> Op:
    """One operation back from ``op_to_json``; raises ValueError (pydantic's ValidationError is one)
    for anything else."""
    if not isinstance(data, dict):
        raise ValueError(f"an operation is an object, not {type(data).__name__}")
    kind = data.get("op")
    if kind == "put":
        model = MODEL_OF_KIND.get(data.get("kind"))  # type: ignore[arg-type]
        if model is None:
            raise ValueError(f"unknown item kind {data.get('kind')!r}")
        position = data.get("position")
        if position is not None and (type(position) is not int or position < 0):
            raise ValueError(f"position {position!r} is not a list index")
        return Put(model.model_validate(data.get("item")), position)
    if kind == "remove":
        item_id = data.get("id")
        if not isinstance(item_id, str):
            raise ValueError("a remove operation needs the id of an item")
        return Remove(item_id)
    if kind == "info":
        return SetInfo(CorpusInfo.model_validate(data.get("info")))
    raise ValueError(f"unknown operation {kind!r}")


def ops_from_json(data: Any) -> list[Op]:
    if not isinstance(data, list):
        raise ValueError(f"operations are a list, not {type(data).__name__}")
    return [op_from_json(d) for d in data]


# -- the journal -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JournalEntry:
    """One journalled batch: the label of the edit, its operations, and its line in the file. Iterating
    over an entry gives its operations."""

    label: str
    ops: list
    line: int

    def __iter__(self) -> Iterator[Op]:
        return iter(self.ops)

    def __len__(self) -> int:
        return len(self.ops)


@dataclass(frozen=True)
class JournalBase:
    """The corpus the journal's edits were made on: its folder and its file stamps at the first edit."""

    root: str
    stamps: dict[str, FileStamp]


@dataclass
class JournalContents:
    base: JournalBase | None = None
    entries: list[JournalEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line N: what is wrong", for lines skipped
    torn: bool = False  # the last line was cut short (a crash while it was written) and is ignored


def _fsync(fd: int) -> None:
    os.fsync(fd)


class _Syncer:
    """fsyncs journal files in one thread of its own, so that an edit does not wait for the disk (20 ms
    here, more on a laptop's). The bytes are written before ``append`` returns, so an edit survives a crash
    of the app at once; the fsync that makes it survive a crash of the machine follows within moments.
    One thread serves every journal; it starts with the first request."""

    def __init__(self) -> None:
        import threading

        self._cond = threading.Condition()
        self._pending: dict[Path, int] = {}  # path -> requests not yet covered by an fsync
        self.errors: dict[Path, OSError] = {}
        self._thread: threading.Thread | None = None
        self._threading = threading

    def request(self, path: Path) -> None:
        with self._cond:
            self._pending[path] = self._pending.get(path, 0) + 1
            if self._thread is None:
                self._thread = self._threading.Thread(target=self._run, name="explorer-journal-fsync",
                                                      daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait(self, path: Path, timeout: float = 10.0) -> bool:
        """Block until every write to ``path`` so far is on disk (False if that took over ``timeout``)."""
        with self._cond:
            return self._cond.wait_for(lambda: path not in self._pending, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._pending))
                path, count = next(iter(self._pending.items()))
            try:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
                try:
                    _fsync(fd)
                finally:
                    os.close(fd)
            except FileNotFoundError:
                pass  # cleared meanwhile: nothing left to make durable
            except OSError as exc:
                with self._cond:
                    self.errors[path] = exc
            with self._cond:
                left = self._pending.get(path, 0) - count
                if left > 0:
                    self._pending[path] = left
                else:
                    self._pending.pop(path, None)
                self._cond.notify_all()


_SYNCER = _Syncer()


def _encode(obj: dict) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


class Journal:
    """The journal of one corpus folder. ``append`` after each applied edit, ``entries`` to recover,
    ``clear`` after a save or when the edits are discarded."""

    def __init__(self, path: Path | str, root: Path | str | None = None,
                 base_stamps: dict[str, FileStamp] | None = None, background_sync: bool = False):
        self.path = Path(path)
        #: fsync in a background thread (see _Syncer); ``flush`` waits for it
        self.background_sync = background_sync
        self.root = Path(root) if root is not None else None
        #: the stamps to record in the header when the first edit is journalled (default: read then)
        self.base_stamps = base_stamps
        self.problems: list[str] = []  # of the last ``entries()``
        self._tail_checked = False

    @classmethod
    def for_corpus(cls, root: Path | str, directory: Path | str | None = None,
                   base_stamps: dict[str, FileStamp] | None = None, background_sync: bool = False) -> "Journal":
        resolved = Path(root).resolve()
        digest = hashlib.sha256(str(resolved).encode("utf-8", "surrogatepass")).hexdigest()[:24]
        folder = Path(directory) if directory is not None else journal_dir()
        return cls(folder / f"{digest}{SUFFIX}", resolved, base_stamps, background_sync)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every appended entry is on disk (only waits with ``background_sync``)."""
        return _SYNCER.wait(self.path, timeout) if self.background_sync else True

    def exists(self) -> bool:
        return self.path.is_file()

    # -- writing -----------------------------------------------------------------------------------------
    def _header(self, stamps: dict[str, FileStamp] | None) -> bytes:
        if stamps is None:
            stamps = self.base_stamps
        if stamps is None and self.root is not None:
            try:
                stamps = read_stamps(self.root)
            except OSError:
                stamps = {}
        base = {"root": str(self.root) if self.root is not None else None,
                "stamps": {k: v.to_json() for k, v in (stamps or {}).items() if isinstance(v, FileStamp)}}
        return _encode({"v": VERSION, "base": base})

    def _repair_tail(self, fd: int, size: int) -> None:
        """A torn last line (no newline at the end) is cut off before appending after it; a complete entry
        that only lacks its newline gets one."""
        start = max(0, size - 65536)
        while True:
            os.lseek(fd, start, os.SEEK_SET)
            tail = os.read(fd, size - start)
            cut = tail.rfind(b"\n")
            if cut >= 0 or start == 0:
                break
            start = max(0, start - (1 << 20))
        keep = start + cut + 1 if cut >= 0 else 0
        last = tail[cut + 1:]
        try:
            complete = isinstance(json.loads(last.decode("utf-8")), dict)
        except ValueError:
            complete = False
        if complete:
            os.lseek(fd, 0, os.SEEK_END)
            os.write(fd, b"\n")
        else:
            os.ftruncate(fd, keep)

    def append(self, ops: Sequence[Op], label: str, stamps: dict[str, FileStamp] | None = None) -> None:
        """Add one applied batch and make it durable (flush and fsync) before returning. The first entry
        also writes the header, with ``stamps`` (or ``base_stamps``, or the stamps read now)."""
        try:
            line = _encode({"v": VERSION, "label": label, "ops": ops_to_json(ops)})
        except UnicodeEncodeError:
            line = (json.dumps({"v": VERSION, "label": label, "ops": ops_to_json(ops)},
                               separators=(",", ":")) + "\n").encode("ascii")
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            size = os.fstat(fd).st_size
            created = size == 0
            if not created and not self._tail_checked:
                os.lseek(fd, size - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":
                    self._repair_tail(fd, size)
                    created = os.fstat(fd).st_size == 0
            self._tail_checked = True
            data = (self._header(stamps) + line) if created else line
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if not self.background_sync:
                _fsync(fd)
        finally:
            os.close(fd)
        if self.background_sync:
            error = _SYNCER.errors.pop(self.path, None)
            if error is not None:  # an earlier entry could not be made durable: say so now
                raise error
            _SYNCER.request(self.path)
        if created and os.name != "nt":  # the new file's name must survive a crash too
            try:
                dfd = os.open(self.path.parent, os.O_RDONLY)
                try:
                    _fsync(dfd)
                finally:
                    os.close(dfd)
            except OSError:
                pass

    def clear(self) -> None:
        """Forget the journalled edits (after a save, or when the user discards them)."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        self._tail_checked = False

    # -- reading -----------------------------------------------------------------------------------------
    def read(self) -> JournalContents:
        out = JournalContents()
        try:
            raw, _ = read_regular_file(self.path)  # never waits on a FIFO put in its place
        except FileNotFoundError:
            return out
        except OSError as exc:
            out.problems.append(f"the journal {self.path} cannot be read ({exc.strerror or exc})")
            return out
        lines = raw.split(b"\n")
        last_complete = raw.endswith(b"\n")
        if last_complete:
            lines.pop()  # the empty string after the final newline
        for number, chunk in enumerate(lines, start=1):
            is_last = number == len(lines)
            if not chunk.strip():
                continue
            try:
                data = json.loads(chunk.decode("utf-8"))
                if not isinstance(data, dict):
                    raise ValueError(f"expected an object, found {type(data).__name__}")
            except (ValueError, RecursionError) as exc:  # RecursionError: a line nested hundreds deep
                if is_last and not last_complete:
                    out.torn = True  # cut short by a crash: the edit never counted as done
                else:
                    out.problems.append(f"line {number}: cannot be read ({_short(exc)}); skipped")
                continue
            version = data.get("v")
            if version != VERSION:
                out.problems.append(f"line {number}: written by another version of explorer (v={version!r}); "
                                    f"skipped")
                continue
            if "base" in data:
                try:
                    base = data["base"]
                    stamps = {str(k): FileStamp.from_json(v) for k, v in (base.get("stamps") or {}).items()}
                    out.base = JournalBase(str(base.get("root") or ""), stamps)
                except (AttributeError, KeyError, TypeError, ValueError) as exc:
                    out.problems.append(f"line {number}: the header cannot be read ({_short(exc)})")
                continue
            try:
                label = data.get("label")
                ops = ops_from_json(data.get("ops"))
            except ValueError as exc:
                out.problems.append(f"line {number}: the edit cannot be read ({_short(exc)}); skipped")
                continue
            out.entries.append(JournalEntry(label if isinstance(label, str) else "", ops, number))
        return out

    def entries(self) -> list[JournalEntry]:
        """The journalled batches, in order; lines that cannot be read are skipped and listed in
        ``self.problems`` (a torn last line is ignored without a word)."""
        contents = self.read()
        self.problems = contents.problems
        return contents.entries

    def base(self) -> JournalBase | None:
        return self.read().base

    def changed_since_base(self, current: dict[str, FileStamp] | None = None) -> list[str]:
        """The corpus files that differ from the journal's base (changed, added or deleted since the first
        edit was journalled): replaying on a different corpus may not give the same result."""
        base = self.base()
        if base is None:
            return []
        if current is None:
            current = read_stamps(self.root) if self.root is not None else {}
        names = sorted(set(base.stamps) | set(current))
        return [n for n in names if (base.stamps.get(n) and base.stamps[n].sha256) !=
                (current.get(n) and current[n].sha256)]


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
