#!/usr/bin/env python3
"""Run explorer from a checkout: `python3 main.py [ARGS]` is the same as the `explorer` command.

On first use (or when pyproject.toml changes) it creates a virtual environment in .venv and installs
the app into it with its test extras, then re-runs itself there. Needs only Python 3.11+.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("EXPLORER_VENV", ROOT / ".venv"))
STAMP = VENV / ".explorer-installed"


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted_stamp() -> str:
    import hashlib

    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> Path:
    """Create .venv and install the project (editable, with test extras) if it is missing or stale."""
    import subprocess
    import venv  # (here, not at the top: a start from inside .venv needs neither)

    if sys.version_info < (3, 11):
        sys.exit(f"explorer needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    python = _venv_python()
    if not python.exists():
        print(f"explorer: creating a virtual environment in {VENV} ...", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text().strip() != _wanted_stamp():
        print("explorer: installing dependencies (first run only) ...", file=sys.stderr, flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--upgrade", "pip"], check=False)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-e", f"{ROOT}[test]"], check=True)
        tmp = STAMP.with_suffix(".tmp")
        tmp.write_text(_wanted_stamp())
        tmp.replace(STAMP)
    return python


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def main() -> int:
    if not in_venv():
        python = ensure_venv()
        import subprocess

        return subprocess.call([str(python), str(Path(__file__).resolve()), *sys.argv[1:]])
    sys.path.insert(0, str(ROOT / "src"))
    from explorer.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
