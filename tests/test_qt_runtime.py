"""Guards for the Qt binding we run on."""

import sys

import PySide6
from PySide6.QtCore import QPointF


def test_void_calls_do_not_leak_references_to_none():
    # PySide6 6.12.0 on Python 3.11 drops one reference to None per call of a C++ method returning void;
    # after a few thousand calls Python aborts ("none_dealloc"). pyproject.toml excludes that release.
    probe = QPointF()
    before = sys.getrefcount(None)
    for _ in range(2000):
        probe.setX(1.0)
    assert abs(sys.getrefcount(None) - before) < 50, f"PySide6 {PySide6.__version__} leaks None references"
