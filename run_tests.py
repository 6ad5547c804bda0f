#!/usr/bin/env python3
"""Run the test suite: `python3 run_tests.py [PYTEST ARGS]`. Sets up .venv on first use (see main.py).
Qt runs offscreen (the test configuration sets it); the exit code is pytest's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from main import ROOT, ensure_venv  # noqa: E402

if __name__ == "__main__":
    python = ensure_venv()
    raise SystemExit(subprocess.call([str(python), "-m", "pytest", *sys.argv[1:]], cwd=ROOT))
