"""PDF files: pypdfium2 (the Python binding of PDFium, the PDF engine of Chrome; Apache/BSD, its
library inside the wheel, 4 MiB) reads the text layer page by page, in the order of the page's content
(the reading order of a one-column document). Measured on Qt-written PDFs (one text operation a word) it
reads 100 pages in 0.4 s where pypdf, pure Python, takes 8-12 s on this machine (pdfminer.six, pure Python
too, was not tried): the 100-pages-in-5-seconds target decides (``benchmarks/ingest_bench.py``).

Each page's lines are reflowed: the lines of a paragraph are joined with a space, a word hyphenated at a
line break is put back together ("coope-" + "ration" -> "cooperation"), a new paragraph starts after a
gap wider than the usual line spacing or after a line much shorter than the page's full lines, page
numbers alone on a line are dropped, runs of spaces or tabs become one space. Pages are separated by an
empty line.

Refused: an encrypted PDF that needs a password to open, and one without a text layer (a scan: pages
that are pictures of text; it needs OCR first). Title, author and date come from the document
information (``/Title``, ``/Author``, ``/CreationDate``).
"""

from __future__ import annotations

import re
from typing import Callable

from .common import Cancelled, Extracted, IngestError, clean_text, iso_date, one_line

_LINE_SPACES = re.compile(r"[ \t\u00a0]+")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)


def page_lines(textpage) -> list[tuple[str, float | None]]:
    """The lines of a page's text as PDFium extracts them, each with the height of its baseline on the page
    (None where it cannot be told)."""
    text = textpage.get_text_range() or ""
    count = textpage.count_chars()
    exact = len(text) == count  # each character of the text is one of the page's (no astral pairs)
    out: list[tuple[str, float | None]] = []
    index = 0
    for line in re.split(r"\r\n|\r|\n", text):
        y = None
        if exact:
            first = index + (len(line) - len(line.lstrip()))
            if first < index + len(line):
                try:
                    y = float(textpage.get_charbox(first, loose=True)[1])
                except Exception:  # a character PDFium gives no box
                    y = None
        if line.endswith("\x02"):  # PDFium's mark of a hyphen at the end of a line
            line = line[:-1] + "-"
        out.append((line.replace("\x02", "-"), y))
        index += len(line) + (2 if text.startswith("\r\n", index + len(line)) else 1)
    return out


def reflow(page: str | list[tuple[str, float | None]]) -> str:
    """A page's lines as paragraphs: see the module docstring. A line starts a new paragraph after a gap
    wider than the page's usual line spacing, or after a line much shorter than the page's full lines."""
    if isinstance(page, str):
        page = [(line, None) for line in page.replace("\r", "\n").split("\n")]
    rows = [(_LINE_SPACES.sub(" ", line).strip(), y) for line, y in page]
    while rows and (not rows[0][0] or _PAGE_NUMBER.match(rows[0][0])):
        rows.pop(0)
    while rows and (not rows[-1][0] or _PAGE_NUMBER.match(rows[-1][0])):
        rows.pop()
    rows = [(line, y) for line, y in rows if line] if any(y is not None for _, y in rows) else rows
    widths = sorted(len(line) for line, _ in rows if line)
    full = widths[int(len(widths) * 0.8)] if widths else 0
    gaps = sorted(a[1] - b[1] for a, b in zip(rows, rows[1:])
                  if a[1] is not None and b[1] is not None and 0 < a[1] - b[1])
    spacing = gaps[len(gaps) // 2] if gaps else None
    paragraphs: list[str] = []
    current = ""
    previous_y: float | None = None
    for line, y in rows:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and spacing is not None and y is not None and previous_y is not None \
                and (previous_y - y > 1.35 * spacing or y > previous_y + 0.5 * spacing):
            paragraphs.append(current)  # a wider gap (or a new column, higher up): a new paragraph
            current = ""
        previous_y = y if y is not None else previous_y
        hyphen = current and current[-1] in "-\u00ad" and len(current) > 1 and current[-2].isalpha()
        if not current:
            current = line
        elif hyphen and line[0].islower():
            current = current[:-1] + line  # a word hyphenated across the line break
        else:
            current = f"{current} {line}"
        ends_hyphenated = len(line) > 1 and line[-1] in "-\u00ad" and line[-2].isalpha()
        if len(line) < 0.7 * full and not ends_hyphenated:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n\n".join(p.replace("\u00ad", "") for p in paragraphs)


def join_pages(pages: list[str]) -> str:
    """Pages' paragraphs as one text: an empty line between pages, except where a paragraph goes on over
    the page break (the page ends mid-sentence and the next begins in lower case), which is joined (a word
    hyphenated over the break put back together)."""
    out = ""
    for page in pages:
        if not out:
            out = page
        elif out[-1] not in ".!?:;\"”’»)]" and page[:1].islower():
            if out[-1] == "-" and len(out) > 1 and out[-2].isalpha():
                out = out[:-1] + page
            else:
                out = f"{out} {page}"
        else:
            out = f"{out}\n\n{page}"
    return out


def read_pdf(data: bytes, name: str, cancel: Callable[[], bool] | None = None) -> Extracted:
    import pypdfium2 as pdfium

    if data.lstrip()[:1024].find(b"%PDF-") < 0:
        raise IngestError(f"{name}: is not a PDF (it does not start with %PDF-)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == 4:
            raise IngestError(f"{name}: is an encrypted PDF that needs a password to open; save an "
                              f"unencrypted copy from a PDF viewer and add that") from None
        if code == 6:
            raise IngestError(f"{name}: is protected by a security handler explorer cannot open; save an "
                              f"unprotected copy from a PDF viewer and add that") from None
        if code == 3:
            raise IngestError(f"{name}: is a damaged PDF (its structure cannot be read)") from None
        raise IngestError(f"{name}: is a damaged PDF and cannot be read ({_short(exc)})") from None
    try:
        count = len(pdf)
        if count == 0:
            raise IngestError(f"{name}: is a PDF without pages")
        texts: list[str] = []
        for i in range(count):
            if cancel is not None and cancel():
                raise Cancelled()
            try:
                page = pdf[i]
                textpage = page.get_textpage()
                try:
                    lines = page_lines(textpage)
                finally:
                    textpage.close()
                    page.close()
            except pdfium.PdfiumError as exc:
                raise IngestError(f"{name}: page {i + 1} of the PDF is damaged and cannot be read "
                                  f"({_short(exc)})") from None
            text = reflow(lines)
            if text:
                texts.append(text)
        try:
            info = pdf.get_metadata_dict(skip_empty=True)
        except Exception:  # a damaged information dictionary: no metadata
            info = {}
    finally:
        pdf.close()
    text = clean_text(join_pages(texts))
    letters = sum(1 for c in text if c.isalnum())
    if letters == 0 or (letters < 5 * count and letters < 200):  # under 5 letters a page: page numbers, a stamp
        raise IngestError(f"{name}: has no text layer: its {count} page{'s' if count != 1 else ''} "
                          f"{'are' if count != 1 else 'is'} pictures (a scan?); run it through OCR and "
                          f"add the result")
    title = one_line(info.get("Title"), 200)
    author = one_line(info.get("Author"))
    date = iso_date(info.get("CreationDate"))
    if title and re.fullmatch(r"(?i)(untitled|microsoft word - .*|document\d*|\S+\.(docx?|pdf|indd|tex))", title):
        title = one_line(title[len("Microsoft Word - "):].rsplit(".", 1)[0], 200) \
            if title.lower().startswith("microsoft word - ") else None
    return Extracted(text=text, title=title, author=author, date=date, format="pdf",
                     date_note="the PDF's creation date" if date else None, pages=count)


def _short(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:160] if lines else type(exc).__name__
