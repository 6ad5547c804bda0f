"""Pausing Python's cyclic garbage collector while a large corpus is built (loading, indexing)."""

from __future__ import annotations

import gc
import threading
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
            if _gc_depth == 0 and _gc_was_enabled:
                if gc.get_count()[0] >= FREEZE_ABOVE:
                    gc.freeze()
                gc.enable()
