"""A cache of opened corpora: what loading, validating and indexing a large corpus made, kept in the user's
cache folder, so that opening it again reads one file instead of validating every item again.

The corpus folder stays the only truth. An entry is keyed by the SHA-256 of every file the loader reads
(``read_stamps``, which opening for editing takes anyway), by the folder's path, and by the code that loads
(explorer's version and the bytes of the modules that decide what a load gives): any change to any of them is
a miss, and a miss is an ordinary load. The entry is written atomically (a temporary file, then a rename),
never inside the corpus folder (which may be shared, read-only or in git), and only for corpora large enough
for it to matter. A broken, foreign or unreadable entry is ignored (and removed). ``EXPLORER_CACHE_DIR``
moves the cache; ``EXPLORER_CACHE=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..gcpause import _gc_paused, trim_heap

#: what an entry holds; bump when its layout changes
FORMAT = 1
#: corpora whose files add up to less than this load quickly enough without a cache
MIN_BYTES = 8 * 1024 * 1024
_MAGIC = b"explorer-corpus-cache\n"
_KEY_LEN = 64  # hex SHA-256


def cache_root() -> Path | None:
    """The folder of the cache (None: turned off)."""
    if os.environ.get("EXPLORER_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    given = os.environ.get("EXPLORER_CACHE_DIR")
    if given:
        return Path(given)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "explorer" / "Cache"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches" / "explorer"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "explorer"
    return base


_CODE_KEY: str | None = None


def _code_key() -> str:
    """explorer's version, Python's and pydantic's, and the bytes of the modules whose code decides what a
    load and an index give (a changed rule must never be answered by an entry the old rule made)."""
    global _CODE_KEY
    if _CODE_KEY is None:
        import pydantic

        from ... import __version__

        core = Path(__file__).resolve().parents[1]
        h = hashlib.sha256(f"{FORMAT} {__version__} {sys.version_info[:3]} {pydantic.VERSION}".encode())
        names = ["corpus.py", "tables.py", "filters.py"]
        for folder in ("model", "io", "index"):
            names += [f"{folder}/{p.name}" for p in (core / folder).glob("*.py")]
        for rel in sorted(names):
            try:
                h.update(rel.encode() + b"\0" + (core / rel).read_bytes())
            except OSError:
                h.update(rel.encode() + b"\0missing")
        _CODE_KEY = h.hexdigest()
    return _CODE_KEY


def entry_key(root: Path, stamps: dict) -> str:
    """The key of a corpus as its files are now (``stamps``: relative name -> FileStamp)."""
    files = sorted((rel, s.size, s.sha256) for rel, s in stamps.items())
    data = json.dumps([_code_key(), str(Path(root).resolve()), files], ensure_ascii=True)
    return hashlib.sha256(data.encode()).hexdigest()


def worth_caching(stamps: dict) -> bool:
    floor = int(os.environ.get("EXPLORER_CACHE_MIN_BYTES", MIN_BYTES))
    return sum(s.size for s in stamps.values()) >= floor


def entry_path(root: Path) -> Path | None:
    base = cache_root()
    if base is None:
        return None
    name = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:24]
    return base / "corpora" / f"{name}.pickle"


def has_entry(root: Path) -> bool:
    """Whether the cache holds an entry for this folder (of any version of it)."""
    try:
        path = entry_path(root)
        return path is not None and path.exists()
    except (OSError, RuntimeError, ValueError):
        return False


def read_entry(root: Path, key: str) -> Any | None:
    """What was cached for this corpus under this key, or None (no entry, another key, unreadable)."""
    path = entry_path(root)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(len(_MAGIC) + _KEY_LEN + 1)
            if head != _MAGIC + key.encode() + b"\n":
                return None  # another version of the corpus (or of explorer): it will be replaced
            with _gc_paused():  # a million objects: not walked by the collector while they are made
                return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # broken or truncated: an ordinary load instead, and the entry goes
        try:
            path.unlink()
        except OSError:
            pass
        return None


def write_entry(root: Path, key: str, value: Any) -> bool:
    """Keep ``value`` for this corpus under this key (atomically; False when it could not be written)."""
    path = entry_path(root)
    if path is None:
        return False
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(_MAGIC + key.encode() + b"\n")
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            # the pickler's memo of a million objects is freed in the middle of the heap, where glibc keeps
            # it unless asked (70 MB at 100k events, depending on where the rest of the heap ended)
            trim_heap()
        os.replace(tmp, path)
        return True
    except Exception:  # a cache that cannot be written is no cache: the corpus is not affected
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return False
