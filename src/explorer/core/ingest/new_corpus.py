"""A new, empty corpus folder: ``corpus.json`` (title, description, time range) and an empty
``documents.json``, written through the core's save (atomically)."""

from __future__ import annotations

from pathlib import Path

from .extract import IngestError


class NewCorpusError(IngestError):
    """The corpus could not be created; the message says why (nothing was left behind)."""


def parse_time_range(first: str, last: str):
    """Two dates (YYYY, YYYY-MM or YYYY-MM-DD) as a time range; ``NewCorpusError`` in words."""
    from ..model.dates import PartialDate

    try:
        start = PartialDate.parse(first)
    except ValueError as exc:
        raise NewCorpusError(f"the first date of the time range: {exc}") from None
    try:
        end = PartialDate.parse(last)
    except ValueError as exc:
        raise NewCorpusError(f"the last date of the time range: {exc}") from None
    if end.end_seconds <= start.start_seconds:
        raise NewCorpusError(f"the time range ends ({end}) before it starts ({start})")
    return [start, end]


def create_corpus(path: str | Path, title: str, description: str = "",
                  time_range: tuple[str, str] | None = None) -> Path:
    """Create an empty corpus in ``path`` (a new or empty folder) and return it."""
    from pydantic import ValidationError

    from ..corpus import Corpus
    from ..io.save import SaveError, save_corpus
    from ..model.types import CorpusInfo

    path = Path(path)
    if not title.strip():
        raise NewCorpusError("a corpus needs a title")
    if path.exists() and not path.is_dir():
        raise NewCorpusError(f"{path} exists and is not a folder")
    if path.is_dir() and any(path.iterdir()):
        raise NewCorpusError(f"{path} is not empty; a new corpus goes into a new or empty folder")
    fields: dict = {"title": title.strip(), "description": description.strip()}
    if time_range is not None:
        fields["time_range"] = parse_time_range(*time_range)
    try:
        info = CorpusInfo(**fields)
    except ValidationError as exc:
        raise NewCorpusError(str(exc.errors()[0].get("msg", "invalid value"))) from None
    made = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NewCorpusError(f"cannot create the folder {path}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        save_corpus(Corpus(root=path, info=info), files={"corpus.json", "documents.json"})
    except SaveError as exc:
        if made:
            try:
                path.rmdir()
            except OSError:
                pass
        raise NewCorpusError(str(exc)) from None
    return path
