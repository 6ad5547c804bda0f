"""Markdown files (.md): markdown-it-py (CommonMark, with tables and strikethrough) parses the text and its
tokens are written out as plain text: headings, paragraphs and list items as lines of their own, code as
it is, links as their text, images as their alt text, no markup left. Front matter (``---`` lines at the
top, ``key: value``) gives title, author and date; else the first heading gives the title."""

from __future__ import annotations

import re
from typing import Callable

from .common import Extracted, IngestError, clean_text, decode_text, iso_date, looks_binary, one_line

_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """The ``key: value`` pairs of a YAML front matter block (simple scalars and the first item of a
    list) and the text after it."""
    m = _FRONT.match(text)
    if not m:
        return {}, text
    out: dict[str, str] = {}
    last = None
    for line in m.group(1).split("\n"):
        km = _KEY.match(line)
        if km:
            last = km.group(1).lower()
            value = km.group(2).strip()
            if value.startswith("[") and value.endswith("]"):
                value = value[1:-1].split(",")[0].strip()
            if value:
                out[last] = value.strip("'\"")
        elif last and line.strip().startswith("- ") and last not in out:
            out[last] = line.strip()[2:].strip().strip("'\"")
    return out, text[m.end():]


def _inline_text(token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        t = child.type
        if t in ("text", "code_inline"):
            parts.append(child.content)
        elif t == "softbreak":
            parts.append(" ")
        elif t == "hardbreak":
            parts.append("\n")
        elif t == "image":
            parts.append(child.content or "")  # the alt text
        elif t == "html_inline":
            continue
    return "".join(parts)


def markdown_to_text(source: str) -> tuple[str, str | None]:
    """Markdown as plain text, and its first heading (None without one)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = md.parse(source)
    blocks: list[tuple[str, bool]] = []  # (text, is a list item or table row: joined by one line break)
    first_heading: str | None = None
    lists: list[list[int | None]] = []  # for each open list: the next number (None: bullets)
    in_heading = False
    row: list[str] | None = None
    for i, tok in enumerate(tokens):
        t = tok.type
        if t == "bullet_list_open":
            lists.append([None])
        elif t == "ordered_list_open":
            start = tok.attrGet("start")
            lists.append([int(start) if start else 1])
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "heading_open":
            in_heading = True
        elif t == "heading_close":
            in_heading = False
        elif t == "tr_open":
            row = []
        elif t == "tr_close":
            if row is not None:
                blocks.append((" | ".join(c for c in row), True))
            row = None
        elif t == "inline":
            text = _inline_text(tok)
            if row is not None:
                row.append(text.strip())
                continue
            if in_heading and first_heading is None:
                first_heading = one_line(text, 200)
            if lists and i >= 2 and tokens[i - 1].type == "paragraph_open" \
                    and tokens[i - 2].type == "list_item_open":
                marker = lists[-1]
                if marker[0] is None:
                    prefix = "• "
                else:
                    prefix = f"{marker[0]}. "
                    marker[0] += 1
                blocks.append(("  " * (len(lists) - 1) + prefix + text, True))
            else:
                blocks.append((text, bool(lists)))
        elif t in ("fence", "code_block"):
            blocks.append((tok.content.rstrip("\n"), False))
        elif t == "html_block":
            stripped = re.sub(r"<[^>]+>", " ", tok.content).strip()
            if stripped:
                blocks.append((stripped, False))
    out: list[str] = []
    for n, (text, tight) in enumerate(blocks):
        if n:
            out.append("\n" if tight and blocks[n - 1][1] else "\n\n")
        out.append(text)
    return "".join(out), first_heading


def read_markdown(data: bytes, name: str, cancel: Callable[[], bool] | None = None) -> Extracted:
    if looks_binary(data):
        raise IngestError(f"{name}: is not a text file (it holds binary data)")
    source = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    meta, body = front_matter(source)
    text, heading = markdown_to_text(body)
    author = meta.get("author") or meta.get("authors") or meta.get("creator")
    date = None
    for key in ("date", "published", "pubdate", "created"):
        if meta.get(key):
            date = iso_date(meta[key])
            if date:
                break
    return Extracted(text=clean_text(text), title=one_line(meta.get("title"), 200) or heading,
                     author=one_line(author), date=date, format="md",
                     publisher=one_line(meta.get("publisher")),
                     date_note="from the front matter" if date else None)
