"""explorer: a desktop timeline and relationship explorer for small document corpora."""

from pathlib import Path

__version__ = "0.1.0"

PACKAGE_DIR = Path(__file__).resolve().parent


def default_corpus_path() -> Path:
    """The bundled default corpus: data/ next to src/ in a checkout."""
    return PACKAGE_DIR.parent.parent / "data"


def resources_path() -> Path:
    return PACKAGE_DIR.parent.parent / "resources"
