"""explorer: a desktop timeline and relationship explorer for small document corpora.

Where the bundled files are: the default corpus (the repository's top-level ``data/``) and the fonts, icons
and licences (``resources/``) travel inside the package of a wheel or a frozen bundle, as
``explorer/data`` and ``explorer/resources`` (``setup.py`` maps them there at build time), and are found
with ``importlib.resources``. In a source checkout (``python3 main.py``, the editable install of
``run_tests.py``) the package carries no copy, and they are the checkout's own top-level folders.

Nothing is ever written into an installed application (``install_dir()``): the bundled corpus opens
read-only, and edits are saved elsewhere (Save As); the journal of unsaved edits and the settings live
in the user's own folders.
"""

from __future__ import annotations

import platform
import sys
from importlib import resources
from pathlib import Path

__version__ = "0.1.0"

#: the reverse-DNS id of the desktop entry, the AppStream metainfo and the icon (a placeholder domain
#: until the project has a home of its own; change it in one place, here)
APP_ID = "org.explorer_project.Explorer"


def _packaged(name: str) -> Path | None:
    """``explorer/<name>`` inside an installed package (a wheel's, or a frozen bundle's), if it is there."""
    root = resources.files(__name__) / name
    if not root.is_dir():
        return None
    if not isinstance(root, Path):  # a zipped install: the corpus loader needs real files
        raise RuntimeError(f"explorer must be installed as files, not zipped ({root})")
    return root


def _checkout(name: str) -> Path | None:
    """The top-level ``<name>`` folder of a source checkout, where the package is ``src/explorer`` beside
    ``pyproject.toml``; None anywhere else (an installed package never looks outside itself)."""
    package = Path(__file__).resolve().parent
    top = package.parent.parent
    if package.parent.name == "src" and (top / "pyproject.toml").is_file() and (top / name).is_dir():
        return top / name
    return None


def _bundled(name: str) -> Path:
    found = _packaged(name) or _checkout(name)
    if found is not None:
        return found
    # neither: name where it should have been, so that the error says what is missing
    return Path(str(resources.files(__name__) / name))


def default_corpus_path() -> Path:
    """The bundled default corpus: ``explorer/data`` in an installed package, ``data/`` in a checkout."""
    return _bundled("data")


def resources_path() -> Path:
    """Fonts, icons and licences: ``explorer/resources`` installed, ``resources/`` in a checkout."""
    return _bundled("resources")


def install_dir() -> Path | None:
    """The folder of the installed application, which explorer never writes into: the whole frozen bundle,
    or the package folder of an installed wheel (``site-packages/explorer``, a pipx venv too). None in a
    source checkout, whose ``data/`` is the project's own corpus and may be edited and saved."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    data = _packaged("data")
    return data.parent.resolve() if data is not None else None


def is_in_install(path: Path | str) -> bool:
    """True when ``path`` is inside the installed application (the bundled corpus, say): read-only."""
    root = install_dir()
    if root is None:
        return False
    try:
        Path(path).resolve().relative_to(root)
    except ValueError:
        return False
    return True


# -- versions and licences (Help ▸ About and `explorer --version`) ---------------------------------------

#: what an install ships besides explorer itself: (name, distribution or None, module for a version when
#: there is no distribution metadata, licence). Python is shipped by the standalone bundle only.
SHIPPED: tuple[tuple[str, str | None, str | None, str], ...] = (
    ("Qt", None, None, "LGPL-3.0-only"),
    ("PySide6-Essentials", "PySide6-Essentials", "PySide6", "LGPL-3.0-only"),
    ("shiboken6", "shiboken6", "shiboken6", "LGPL-3.0-only"),
    ("pyqtgraph", "pyqtgraph", "pyqtgraph", "MIT"),
    ("pydantic", "pydantic", "pydantic", "MIT"),
    ("pydantic-core", "pydantic-core", "pydantic_core", "MIT"),
    ("annotated-types", "annotated-types", None, "MIT"),
    ("typing-inspection", "typing-inspection", None, "MIT"),
    ("typing-extensions", "typing-extensions", None, "PSF-2.0"),
    ("numpy", "numpy", "numpy", "BSD-3-Clause (with OpenBLAS: BSD-3-Clause, GCC runtime: GPL-3.0+ with "
                                "its runtime exception)"),
    ("networkx", "networkx", "networkx", "BSD-3-Clause"),
    ("msgspec", "msgspec", "msgspec", "BSD-3-Clause"),
    # reading documents (File > Add Documents, explorer add), spreadsheets (import/export), SVG fonts
    ("pypdfium2", "pypdfium2", "pypdfium2", "BSD-3-Clause or Apache-2.0 (PDFium: BSD-3-Clause, with the "
                                            "licences of the libraries it bundles)"),
    ("python-docx", "python-docx", "docx", "MIT"),
    ("lxml", "lxml", "lxml", "BSD-3-Clause (libxml2, libxslt: MIT)"),
    ("lxml-html-clean", "lxml-html-clean", "lxml_html_clean", "BSD-3-Clause"),
    ("readability-lxml", "readability-lxml", "readability", "Apache-2.0"),
    ("cssselect", "cssselect", "cssselect", "BSD-3-Clause"),
    ("chardet", "chardet", "chardet", "LGPL-2.1-or-later"),
    ("markdown-it-py", "markdown-it-py", "markdown_it", "MIT"),
    ("mdurl", "mdurl", "mdurl", "MIT"),
    ("openpyxl", "openpyxl", "openpyxl", "MIT"),
    ("et-xmlfile", "et-xmlfile", "et_xmlfile", "MIT"),
    ("fontTools", "fonttools", "fontTools", "MIT"),
    ("Noto Sans CJK SC", None, None, "OFL-1.1"),
    ("Python", None, None, "PSF-2.0"),
)


def _version_of(dist: str | None, module: str | None) -> str:
    from importlib import metadata

    if dist is not None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    if module is not None:
        try:
            return str(getattr(__import__(module), "__version__", "") or "")
        except ImportError:
            return ""
    return ""


def qt_version() -> str:
    """The version of the Qt libraries in use (not of PySide6), or '' without Qt."""
    try:
        from PySide6.QtCore import qVersion
    except ImportError:
        return ""
    return qVersion()


def versions() -> dict[str, str]:
    """The headline versions: explorer, Python, Qt, PySide6."""
    return {
        "explorer": __version__,
        "Python": f"{sys.version.split()[0]} ({platform.python_implementation()})",
        "Qt": qt_version() or "not found",
        "PySide6": _version_of("PySide6-Essentials", "PySide6") or "not found",
    }


def shipped() -> list[tuple[str, str, str]]:
    """(name, version, licence) of everything an install ships, explorer first."""
    out = [("explorer", __version__, "MIT")]
    for name, dist, module, licence in SHIPPED:
        if name == "Qt":
            version = qt_version()
        elif name == "Python":
            if not getattr(sys, "frozen", False):
                continue  # a wheel runs on the user's own Python
            version = sys.version.split()[0]
        elif name.startswith("Noto"):
            version = "20220127 (subset)"
        else:
            version = _version_of(dist, module)
        out.append((name, version, licence))
    return out


def licences_path() -> Path:
    """The licence texts: the standalone bundle's licenses/ (every shipped package's own, Python's, Qt's
    LGPL, the font's OFL), else resources/licenses (Qt's LGPL and the GPL it supplements; each Python
    package carries its own in its dist-info, the font's OFL is in resources/fonts)."""
    root = install_dir()
    if getattr(sys, "frozen", False) and root is not None and (root / "licenses").is_dir():
        return root / "licenses"
    return resources_path() / "licenses"


def version_text() -> str:
    """What `explorer --version` prints: the versions, then what is shipped under which licence."""
    v = versions()
    lines = [f"explorer {v['explorer']}", f"Python {v['Python']}", f"Qt {v['Qt']} (PySide6 {v['PySide6']})",
             "", "Shipped with (licence):"]
    width = max(len(f"{name} {version}".strip()) for name, version, _ in shipped())
    for name, version, licence in shipped():
        lines.append(f"  {f'{name} {version}'.strip():<{width}}  {licence}")
    where = licences_path()
    lines.append(f"Licence texts: {where}" + ("" if where.is_dir() else " (missing)"))
    return "\n".join(lines)
