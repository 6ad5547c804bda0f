"""A citation list of passages: document, author, date and quote, as Markdown or plain text, numbered in
the order given (for pasting under an exported image in a report)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable


def _source(doc) -> tuple[str, str, str]:
    return doc.title, doc.author or "", doc.date.display() if doc.date else ""


def citation_lines(corpus, passages: Iterable, markdown: bool) -> list[str]:
    docs = {d.id: d for d in corpus.documents}
    out = []
    for n, p in enumerate(passages, start=1):
        d = docs.get(p.document)
        if d is None:
            continue
        title, author, when = _source(d)
        quote = " ".join(p.quote.split())
        if markdown:
            title_md = f"*{_md(title)}*"
            parts = [x for x in (author and _md(author), title_md, when) if x]
            out.append(f"{n}. “{_md(quote)}” — {', '.join(parts)}.")
        else:
            parts = [x for x in (author, title, when) if x]
            out.append(f"{n}. “{quote}” — {', '.join(parts)}.")
    return out


def _md(text: str) -> str:
    for ch in "\\`*_[]<>#|":
        text = text.replace(ch, "\\" + ch)
    return text


def export(corpus, passages: list, path: Path, markdown: bool | None = None) -> int:
    """Markdown when the file ends in .md/.markdown (or ``markdown``), else plain text."""
    if markdown is None:
        markdown = path.suffix.lower() in (".md", ".markdown")
    lines = citation_lines(corpus, passages, markdown)
    head = f"Sources ({corpus.info.title})" if corpus.info.title else "Sources"
    text = (f"## {_md(head)}\n\n" if markdown else f"{head}\n\n") + "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    return len(lines)
