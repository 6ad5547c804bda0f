"""Word documents (.docx): python-docx reads the body's paragraphs and tables in reading order (a table
row is one line, its cells separated by " | "; list paragraphs get a bullet), and the core properties give
title, author and created date. The stamps python-docx's own blank template carries (author
"python-docx", created 2013-12-23 23:15) say nothing about a document and are ignored."""

from __future__ import annotations

import io
from typing import Callable

from .common import Extracted, IngestError, clean_text, iso_date, one_line

_TEMPLATE_AUTHORS = {"python-docx"}
_TEMPLATE_CREATED = "2013-12-23"


def _paragraph_text(paragraph) -> str:
    text = paragraph.text
    style = ""
    try:
        style = (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, AttributeError, ValueError):
        pass
    if text.strip() and style.lower().startswith("list"):
        text = ("1. " if "number" in style.lower() else "• ") + text
    return text


def read_docx(data: bytes, name: str, cancel: Callable[[], bool] | None = None) -> Extracted:
    import docx
    from docx.table import Table

    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file: a password-protected .docx or a .doc
        raise IngestError(f"{name}: is an encrypted (password-protected) Word document, or an old .doc "
                          f"renamed .docx; save an unprotected .docx copy and add that")
    if not data.startswith(b"PK"):
        raise IngestError(f"{name}: is not a .docx document (it is not a ZIP package)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile.BadZipFile, KeyError of a missing part, lxml's XMLSyntaxError...
        raise IngestError(f"{name}: is a damaged .docx document and cannot be read "
                          f"({type(exc).__name__}: {str(exc).strip()[:160] or 'no details'})") from None
    blocks: list[str] = []
    first_heading = None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once for each column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                if any(cells):
                    blocks.append(" | ".join(cells))
            continue
        text = _paragraph_text(block)
        if text.strip():
            blocks.append(text)
            if first_heading is None:
                style = ""
                try:
                    style = (block.style.name or "").lower() if block.style is not None else ""
                except (KeyError, AttributeError, ValueError):
                    pass
                if style in ("title", "heading 1"):
                    first_heading = one_line(text, 200)
    props = document.core_properties
    title = one_line(props.title, 200) or first_heading
    author = one_line(props.author)
    if author in _TEMPLATE_AUTHORS:
        author = None
    created = props.created
    date = iso_date(created) if created is not None else None
    if date == _TEMPLATE_CREATED:
        date = None
    return Extracted(text=clean_text("\n\n".join(blocks)), title=title, author=author, date=date, format="docx",
                     date_note="the document's created date" if date else None)
