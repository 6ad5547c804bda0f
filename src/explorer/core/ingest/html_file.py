"""Web pages (.html, .htm): the article, not the menus, scripts, sidebars and footers around it.

readability-lxml (the port of Arc90's Readability, the algorithm behind browsers' reader views) picks the
block of the page that holds the article; its HTML is then written as text here (paragraphs, headings,
list items and table rows as lines of their own). A page too small for it to judge is read whole, less
what is never article text (navigation, header, footer, aside, forms, scripts). The metadata comes from
the page's head: ``og:title`` or ``<title>`` (else the first ``<h1>``), ``author`` / ``article:author``
/ ``dc.creator``, the publication date from the usual meta tags or the first ``<time datetime>``, and
``og:site_name`` as the publisher. Measured: readability-lxml and its dependencies are 1.7 MiB of wheels
besides lxml (5 MiB, which python-docx needs too); trafilatura, which does the same, brings 20 MiB.
"""

from __future__ import annotations

import re
from typing import Callable

from .common import Extracted, IngestError, clean_text, iso_date, looks_binary, one_line

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)

#: elements whose text is never the article's
_SKIP = {"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object", "canvas",
         "button", "select", "textarea", "input"}
#: page furniture, dropped where readability does not judge
_FURNITURE = {"nav", "header", "footer", "aside", "form", "menu"}
_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
          "ul", "ol", "li", "dl", "dt", "dd", "table", "tr", "figure", "figcaption", "address", "hr", "body",
          "caption", "details", "summary", "center"}
_WS = re.compile(r"[ \t\r\n\f\v]+")
_PARA, _LINE = "\x00P", "\x00L"  # markers written between blocks, turned into line breaks at the end


def decode_html(data: bytes) -> str:
    """The page's text: by its byte-order mark, else the charset its meta tag declares, else UTF-8, else
    Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), "strict")
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _meta(tree, *names: str) -> str | None:
    """The content of the first of these meta tags (by name, property or itemprop) that has one."""
    for name in names:
        for attr in ("property", "name", "itemprop"):
            for el in tree.xpath(f"//meta[translate(@{attr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                                 f"'abcdefghijklmnopqrstuvwxyz')=$n]", n=name.lower()):
                value = one_line(el.get("content"))
                if value:
                    return value
    return None


def _write(el, parts: list[str], pre: bool = False, skip: frozenset | set = frozenset()) -> None:
    """The text of an element and what it holds, with block markers (recursive; lxml's depth is bounded by
    its parser, and RecursionError is caught by the caller)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    tag = tag.lower().rpartition("}")[2]
    if tag in _SKIP or tag in skip or not isinstance(el.tag, str):
        if el.tail:
            parts.append(el.tail if pre else _WS.sub(" ", el.tail))
        return
    block = tag in _BLOCK
    if block:
        parts.append(_LINE if tag in ("li", "tr", "dt", "dd") else _PARA)
        if tag == "li":
            parts.append("• ")
    if tag == "br":
        parts.append(_LINE)
    inner_pre = pre or tag == "pre"
    if el.text:
        parts.append(el.text if inner_pre else _WS.sub(" ", el.text))
    for i, child in enumerate(el):
        if tag == "tr" and i and isinstance(child.tag, str):
            parts.append(" | ")
        _write(child, parts, inner_pre, skip)
    if block:
        parts.append(_LINE if tag in ("li", "tr", "dt", "dd") else _PARA)
    if el.tail:
        parts.append(el.tail if pre else _WS.sub(" ", el.tail))


def element_text(el, skip: frozenset | set = frozenset()) -> str:
    """An HTML element as plain text: blocks separated by an empty line, list items and table rows by a
    line break."""
    parts: list[str] = []
    _write(el, parts, skip=skip)
    text = "".join(parts)
    text = re.sub(r"(?:[ ]*\x00[PL][ ]*)+", lambda m: "\n\n" if _PARA in m.group(0) else "\n", text)
    return clean_text(text)


_SITE_SEPARATOR = re.compile(r"\s+[|–—·:-]\s+")


def _without_site(title: str | None, publisher: str | None, tree) -> str | None:
    """A page title without the site's name around it ("Bridge opens | News Site" -> "Bridge opens"):
    where the site names itself (og:site_name), or the page's one <h1> is the rest of the title."""
    if not title:
        return title
    seps = list(_SITE_SEPARATOR.finditer(title))
    if not seps:
        return title
    parts = _SITE_SEPARATOR.split(title)
    if publisher:
        if parts[-1].strip().lower() == publisher.lower():
            return title[:seps[-1].start()].strip() or title
        if parts[0].strip().lower() == publisher.lower():
            return title[seps[0].end():].strip() or title
    h1s = tree.findall(".//h1")
    if len(h1s) == 1:
        heading = one_line(h1s[0].text_content(), 200)
        if heading and heading in parts:
            return heading
    return title


def read_html(data: bytes, name: str, cancel: Callable[[], bool] | None = None) -> Extracted:
    import lxml.html
    from lxml import etree

    if looks_binary(data):
        raise IngestError(f"{name}: is not an HTML page (it holds binary data)")
    source = decode_html(data)
    source = re.sub(r"^\s*<\?xml[^>]*\?>", "", source)  # lxml refuses a str with an encoding declaration
    try:
        tree = lxml.html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(f"{name}: cannot be read as HTML ({exc})") from None

    title = _meta(tree, "og:title", "twitter:title", "dc.title")
    if not title:
        found = tree.findtext(".//title")
        title = one_line(found, 200)
    if not title:
        h1 = tree.find(".//h1")
        title = one_line(h1.text_content(), 200) if h1 is not None else None
    author = _meta(tree, "author", "article:author", "dc.creator", "dcterms.creator", "byl", "sailthru.author")
    if author and author.startswith(("http://", "https://")):  # article:author is often a profile URL
        author = None
    date = None
    for value in (_meta(tree, "article:published_time", "datepublished", "date", "dc.date", "dcterms.date",
                        "dc.date.issued", "dcterms.created", "pubdate", "publish-date", "publication_date",
                        "og:published_time", "sailthru.date", "article.published"),
                  *[t.get("datetime") for t in tree.iter("time")][:1]):
        date = iso_date(value) if value else None
        if date:
            break
    publisher = _meta(tree, "og:site_name", "publisher", "dc.publisher")
    title = _without_site(title, publisher, tree)

    text = ""
    try:
        from readability import Document as Readable

        summary = Readable(source).summary(html_partial=True)
        article = lxml.html.fragment_fromstring(summary, create_parent="div")
        text = element_text(article)
    except Exception:  # readability gives up on some pages (too little text): the page is read whole
        text = ""
    body = tree.find("body")
    whole = element_text(body if body is not None else tree, skip=_FURNITURE)
    # a page too small for readability to judge (it then keeps a scrap, or nothing, or everything, menus
    # included): the whole page less its furniture
    if len(text) < min(200, len(whole) // 3) or len(whole) <= len(text):
        text = whole
    return Extracted(text=text, title=title, author=author, date=date, format="html", publisher=publisher,
                     date_note="from the page's metadata" if date else None)
