"""What goes wrong with a corpus on disk: a problem names the file, the place and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


class NotACorpusError(Exception):
    """The path does not exist, is not a folder, or holds no corpus files."""


@dataclass(frozen=True)
class Problem:
    file: str  # relative to the corpus folder, with forward slashes
    where: str  # a JSON path like [3].start, or "line 4, column 2", or "" for the whole file
    what: str  # a plain sentence

    def __str__(self) -> str:
        return f"{self.file}: {self.where or 'file'}: {self.what}"
