"""What the readers of each format share: the result (``Extracted``), the errors, and the helpers that clean
text and metadata. Pure Python."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

#: extension -> format
FORMATS: dict[str, str] = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html",
                           ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx"}
#: what the file dialog offers and messages list
SUPPORTED_TEXT = ".txt, .md, .html, .htm, .pdf and .docx"
#: the largest file read (a long illustrated PDF report is tens of MiB)
MAX_FILE_BYTES = 512 * 1024 * 1024
#: the largest text kept: the loader reads document texts up to this size (``save.MAX_TEXT_BYTES``)
MAX_TEXT_BYTES = 64 * 1024 * 1024


class IngestError(Exception):
    """A file that cannot be added; the message names the file and says why, in one sentence."""


class Cancelled(Exception):
    """Reading was cancelled (``cancel()`` said so)."""


@dataclass(frozen=True)
class Extracted:
    """What a file holds: its text, what its metadata says (None where it says nothing), and its format
    ("txt", "md", "html", "pdf" or "docx"). ``date`` is an ISO date at the precision known (2019,
    2019-09 or 2019-09-16); ``date_note`` says where it came from; ``pages`` counts a PDF's pages."""

    text: str
    title: str | None
    author: str | None
    date: str | None
    format: str
    publisher: str | None = None
    date_note: str | None = None
    pages: int | None = None


# -- shared helpers ------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_text(text: str) -> str:
    """Text as a document keeps it: NFC, LF line ends, no control characters or lone surrogates, runs of
    spaces and tabs (PDF writers put tabs between words) one space, no space at a line's ends, at most
    one empty line between paragraphs, no empty lines at the start or end."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate becomes '?'
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def one_line(value: object, limit: int = 300) -> str | None:
    """A metadata string as one clean line (None when empty)."""
    if value is None:
        return None
    text = _SPACES.sub(" ", _CONTROL.sub("", " ".join(str(value).split()))).strip()
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit].rstrip() or None


_ISO = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?![\d])")
_PDF_DATE = re.compile(r"^\s*(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def iso_date(value: object) -> str | None:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) from a metadata value: a date or datetime, an ISO
    string ("2019-09-16T08:00:00Z"), a PDF date ("D:20190916080000Z"); None when it is not a real date."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    text = str(value).strip()
    m = _ISO.match(text) if "-" in text[:8] or "/" in text[:8] or "." in text[:8] or len(text) == 4 else None
    if m is None:
        m = _PDF_DATE.match(text)
    if m is None:
        return None
    y, mo, d = (int(g) if g else None for g in m.groups())
    if not 1 <= y <= 9999:
        return None
    if mo is None:
        return f"{y:04d}"
    if not 1 <= mo <= 12:
        return None
    if d is None:
        return f"{y:04d}-{mo:02d}"
    try:
        dt.date(y, mo, d)
    except ValueError:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def from_file_name(path: Path) -> tuple[str, str | None]:
    """A title from a file name ("annual_report-2019.pdf" -> "annual report 2019") and a date written in
    it as YYYY-MM-DD, if any."""
    stem = path.stem if path.suffix.lower() in FORMATS else path.name
    m = _NAME_DATE.search(stem)
    date = iso_date(m.group(0)) if m else None
    if date is not None:  # the date is not part of the title: "2019-09-16 field notes" -> "field notes"
        rest = (stem[:m.start()] + " " + stem[m.end():]).strip(" _-.")
        stem = rest or stem
    title = stem if " " in stem.strip() else stem.replace("_", " ").replace("-", " ")
    title = one_line(title, 200) or "Untitled document"
    return title, date


def decode_text(data: bytes) -> str:
    """Bytes of a text file as text: UTF-8 (a byte-order mark allowed), UTF-16 or UTF-32 with a mark,
    else Windows-1252 (what an old Western text file is, if it is not UTF-8)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def looks_binary(data: bytes) -> bool:
    """Whether bytes are not text (NUL bytes outside a UTF-16/32 file with its byte-order mark)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False
    return b"\x00" in data[:65536]
