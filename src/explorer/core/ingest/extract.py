"""Reading a file into a document: its readable text and what its metadata says (title, author, date).

``extract(path)`` picks the reader by the file's extension (or, without one, by its first bytes) and
returns an ``Extracted``; a file that cannot be read raises ``IngestError`` with one sentence that names
the file and says what is wrong (encrypted, scanned, damaged, of a kind explorer does not read, empty).

The readers (each imports its library only when it is used, so that start-up does not pay for them):

- ``.txt``: UTF-8 (with or without a byte-order mark), UTF-16 with a mark, else Windows-1252;
- ``.md``: markdown-it-py's CommonMark parser, its tokens written as plain text; front matter gives
  title, author and date, else the first heading gives the title;
- ``.html`` / ``.htm``: readability-lxml finds the article (no menus, scripts, footers); lxml reads the
  metadata (``<title>``, ``og:title``, ``author``, published dates, ``<time>``);
- ``.pdf``: pypdfium2 (PDFium), page by page, lines of a paragraph joined and words hyphenated across a
  line break put back together; an encrypted PDF (with a password) or one without a text layer (a scan)
  is refused;
- ``.docx``: python-docx, paragraphs and tables in reading order; title, author and created date from
  the core properties.

Pure Python: nothing here knows about Qt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .common import (FORMATS, MAX_FILE_BYTES, MAX_TEXT_BYTES, SUPPORTED_TEXT, Cancelled, Extracted,
                     IngestError, from_file_name)

_OLD_FORMATS = {".doc": "an old Word document (.doc); save it as .docx and add that",
                ".rtf": "a Rich Text file (.rtf); save it as .docx or .txt and add that",
                ".odt": "an OpenDocument text (.odt); save it as .docx and add that",
                ".pages": "a Pages document; export it as .docx or PDF and add that",
                ".epub": "an e-book (.epub), which explorer does not read",
                ".xlsx": "a spreadsheet, which explorer does not read",
                ".pptx": "a presentation, which explorer does not read"}


def format_of(path: Path, head: bytes = b"") -> str | None:
    """The format of a file by its extension, or, without one, by its first bytes (None: unknown)."""
    ext = path.suffix.lower()
    if ext in FORMATS:
        return FORMATS[ext]
    if ext:
        return None
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and b"word/" in head[:2000]:
        return "docx"
    sniff = head[:2000].lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head and b"\x00" not in head[:8000]:
        return "txt"
    return None


def extract(path: str | Path, cancel: Callable[[], bool] | None = None) -> Extracted:
    """The text and metadata of a file; ``IngestError`` (naming the file) when it cannot be read, and
    ``Cancelled`` if ``cancel()`` turns true while a long file is read."""
    from ..io.save import FileTooLarge, NotARegularFile, read_regular_file

    path = Path(path)
    name = path.name or str(path)
    ext = path.suffix.lower()
    if ext in _OLD_FORMATS:
        raise IngestError(f"{name}: is {_OLD_FORMATS[ext]}")
    if ext and ext not in FORMATS:
        raise IngestError(f"{name}: is a {ext} file, which explorer does not read; it reads {SUPPORTED_TEXT}")
    try:
        data, _ = read_regular_file(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise IngestError(f"{name}: there is no such file ({path})") from None
    except NotARegularFile as exc:
        raise IngestError(f"{name}: {exc.strerror}") from None
    except FileTooLarge:
        raise IngestError(f"{name}: is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB, "
                          f"more than explorer reads") from None
    except OSError as exc:
        raise IngestError(f"{name}: cannot be read ({(exc.strerror or str(exc)).lower()})") from None
    fmt = format_of(path, data[:8192])
    if fmt is None:
        raise IngestError(f"{name}: is not a kind of file explorer reads (it has no extension and does not "
                          f"look like text, HTML, PDF or .docx); it reads {SUPPORTED_TEXT}")
    if not data.strip():
        raise IngestError(f"{name}: is empty")
    try:
        if fmt == "txt":
            from .text_file import read_txt as reader
        elif fmt == "md":
            from .markdown_file import read_markdown as reader
        elif fmt == "html":
            from .html_file import read_html as reader
        elif fmt == "pdf":
            from .pdf_file import read_pdf as reader
        else:
            from .docx_file import read_docx as reader
        found = reader(data, name, cancel)
    except (IngestError, Cancelled):
        raise
    except RecursionError:
        raise IngestError(f"{name}: is nested too deeply to be read (a damaged or hostile file)") from None
    except MemoryError:
        raise IngestError(f"{name}: needs more memory to read than there is") from None
    except Exception as exc:  # a library's own error on a damaged file: said in words, never a traceback
        raise IngestError(f"{name}: cannot be read as {_FORMAT_WORDS[fmt]}; the file looks damaged "
                          f"({type(exc).__name__}: {_first_line(exc)})") from None
    text = found.text
    if not text.strip():
        raise IngestError(f"{name}: holds no text")
    if len(text.encode("utf-8", "replace")) > MAX_TEXT_BYTES:
        raise IngestError(f"{name}: its text is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MiB, "
                          f"more than a document may hold")
    stem_title, stem_date = from_file_name(path)
    title = found.title or stem_title
    date, note = found.date, found.date_note
    if date is None and stem_date is not None:
        date, note = stem_date, "from the file name"
    return Extracted(text=text, title=title, author=found.author, date=date, format=fmt,
                     publisher=found.publisher, date_note=note, pages=found.pages)


_FORMAT_WORDS = {"txt": "text", "md": "Markdown", "html": "HTML", "pdf": "a PDF", "docx": "a .docx document"}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:160] if text else "no details")


