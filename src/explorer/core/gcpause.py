"""Pausing Python's cyclic garbage collector while a large corpus is built (loading, indexing)."""

from __future__ import annotations

import gc
import sys
import threading
from typing import Any
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


#: above this many new objects, a load's objects are moved out of the collector's sight (see below)
FREEZE_ABOVE = 100_000


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while a corpus is loaded or indexed.

    A large corpus is a million small, long-lived, acyclic objects. With the collector on, every
    collection during the load walks all of them again (a third of the load time at 100k events); with
    it merely paused, the first two collections after the load (0.5 s, then 0.6 s at 100k events) land
    on whatever the user does first. So when the pause created many objects they are frozen
    (``gc.freeze``): still freed by reference counting when the corpus goes, never walked again."""
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                many = gc.get_count()[0] >= FREEZE_ABOVE
                if _gc_was_enabled:
                    if many:
                        gc.freeze()
                    gc.enable()
                if many:
                    trim_heap()


def trim_heap() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``). A load or an index build
    of a large corpus frees hundreds of megabytes of temporary objects; at 100k events 35–40 MB of the pages
    they leave would otherwise stay counted in the process's memory. Nothing where there is no glibc."""
    global _malloc_trim
    if _malloc_trim is None:
        _malloc_trim = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes
                import ctypes.util

                name = ctypes.util.find_library("c")
                if name:
                    _malloc_trim = ctypes.CDLL(name).malloc_trim
            except (OSError, AttributeError, ImportError):
                _malloc_trim = False
    if _malloc_trim:
        try:
            _malloc_trim(0)
        except Exception:  # a memory nicety never fails a load
            pass


_malloc_trim: Any = None
