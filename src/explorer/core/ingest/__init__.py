"""Bringing documents into a corpus: reading .txt, .md, .html/.htm, .pdf and .docx files into text and
metadata (``extract``), adding them as documents with their originals kept (``add_documents``), and
creating an empty corpus (``create_corpus``). Qt-free: the window runs these off its UI thread.

    from explorer.core.ingest import add_documents, extract
    found = extract("report.pdf")          # Extracted(text, title, author, date, format, ...)
    report = add_documents(workspace, ["report.pdf", "notes.md"])
    report.added, report.refused, report.duplicates
"""

from __future__ import annotations

from .add import (ORIGINALS, AddReport, Prepared, add_documents, add_prepared, expand_paths, prepare,
                  text_digest)
from .extract import FORMATS, SUPPORTED_TEXT, Cancelled, Extracted, IngestError, extract
from .new_corpus import NewCorpusError, create_corpus, parse_time_range

__all__ = ["extract", "Extracted", "IngestError", "Cancelled", "FORMATS", "SUPPORTED_TEXT", "add_documents",
           "add_prepared", "prepare", "Prepared", "AddReport", "expand_paths", "text_digest", "ORIGINALS",
           "create_corpus", "NewCorpusError", "parse_time_range"]
