"""Plain text files (.txt): decoded (UTF-8, UTF-16/32 with a byte-order mark, else Windows-1252) and
cleaned; the title comes from the file name (a text file has no metadata)."""

from __future__ import annotations

from typing import Callable

from .common import Extracted, IngestError, clean_text, decode_text, looks_binary


def read_txt(data: bytes, name: str, cancel: Callable[[], bool] | None = None) -> Extracted:
    if looks_binary(data):
        raise IngestError(f"{name}: is not a text file (it holds binary data)")
    return Extracted(text=clean_text(decode_text(data)), title=None, author=None, date=None, format="txt")
