"""The inspector: every field of the selected item and everything linked to it, each link selecting.

Rich text built from escaped data (``style.esc``); links are ``item:ID`` anchors (``style.item_link``)
that turn into ``state.select(ID)``. The ids shown as links are kept for tests (``link_targets``).
What to list — the linked items by kind, the relationships of an item, the caps on long lists — comes from
``explorer.core.index.queries``; this module only renders it.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ...core.index.queries import GROUP_KINDS, MAX_ENTRIES, MAX_PASSAGES, expert_positions, label_of, \
    link_groups, relationship_label
from ...core.layout.graph import relationship_caption
from ...core.layout.text import excerpt, quote_context
from ..bridge import AppState
from .base import View
from .widgets import CORPUS_FORMAT_HINT
from .style import (CONFLICT_COLOR, INFERRED_COLOR, KIND_COLORS, KIND_LABELS, MUTED_TEXT, TEXT_COLOR, esc,
                    item_link, ui_font)

LINK_COLOR = "#1f5fa8"
CONFLICT_BG = "#fbe8ea"
QUOTE_BG = "#f7f5ee"
EXCERPT_CHARS = 150

#: headings of the link groups
GROUP_NAMES = {"entity": "Actors", "expert": "Experts & voices", "theme": "Themes", "event": "Events",
               "relationship": "Relationships", "document": "Documents"}
#: link groups, in the order shown: (kind, heading)
GROUPS = tuple((kind, GROUP_NAMES[kind]) for kind in GROUP_KINDS)

CSS = f"""
body {{ color: {TEXT_COLOR}; }}
a {{ color: {LINK_COLOR}; text-decoration: none; }}
h2 {{ font-size: 14pt; margin: 4px 0 4px 0; }}
p {{ margin: 2px 0 2px 0; }}
p.section {{ font-size: 8pt; font-weight: bold; color: {MUTED_TEXT}; margin: 14px 0 4px 0; }}
p.entry {{ margin: 0 0 4px 10px; }}
td.key {{ color: {MUTED_TEXT}; padding: 1px 12px 1px 0; }}
td {{ padding: 1px 0 1px 0; }}
.muted {{ color: {MUTED_TEXT}; }}
.small {{ font-size: 8.5pt; color: {MUTED_TEXT}; }}
.inferred {{ color: {INFERRED_COLOR}; font-style: italic; }}
.hint {{ color: {MUTED_TEXT}; }}
"""



def _badge(kind: str, extra: str = "") -> str:
    color = QColor(KIND_COLORS.get(kind, "#cccccc"))
    fg = "#1a1a1a" if color.lightnessF() > 0.55 else "#ffffff"
    label = KIND_LABELS.get(kind, kind).upper()
    if kind == "expert" and extra:  # the kind of voice says it better than "expert / voice"
        label, extra = extra.upper(), ""
    html = (f'<span style="background-color:{color.name()}; color:{fg}; font-size:8pt; font-weight:bold;">'
            f'&nbsp;{esc(label)}&nbsp;</span>')
    if extra:
        html += f'&nbsp;&nbsp;<span class="small">{esc(extra)}</span>'
    return f"<p>{html}</p>"


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    return excerpt(text, limit)


class InspectorView(View):
    title = "Inspector"
    view_name = "inspector"

    HINT = ("Select an event, expert or actor — on the timeline, in the graph, in a list or in a "
            "document — to see everything about it here.")

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(state, parent)
        self._links: dict[str, None] = {}  # ordered set of the ids linked in the text
        layout = QVBoxLayout(self)
        # no minimum size pushed onto a top-level window (offscreen Qt warns it cannot propagate it)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("inspectorBrowser")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.browser.setFont(ui_font(10))
        self.browser.document().setDefaultStyleSheet(CSS)
        self.browser.document().setDocumentMargin(12)
        self.browser.anchorClicked.connect(self._on_anchor_clicked)
        layout.addWidget(self.browser)

        self.listen(state.corpusChanged, self._render)
        self.listen(state.corpusEdited, self._render)  # an edit may change anything the card shows
        self.listen(state.selectionChanged, self._render)
        self._render()

    # -- view -> state ------------------------------------------------------------------------------
    def _on_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "item":
            self.state.select(url.path() or url.toString()[len("item:"):])

    # -- rendering ------------------------------------------------------------------------------------
    def _link(self, item_id: str, label: str) -> str:
        self._links[item_id] = None
        return item_link(item_id, label)

    def _render(self, *_args) -> None:
        self._links = {}
        self.browser.setHtml(self._html())

    def _html(self) -> str:
        index = self.state.index
        item = self.state.item()
        if index is None:
            return self._empty("No corpus is open", "Open a corpus folder to inspect its items here. "
                               + CORPUS_FORMAT_HINT)
        if item is None:
            corpus = self.state.corpus
            if corpus is not None and not (corpus.events or corpus.experts or corpus.entities
                                           or corpus.relationships):
                return self._empty("Nothing to inspect yet",
                                   "This corpus has no events, voices, actors or relationships. Select text in a "
                                   "document and choose New Event, New Voice or New Actor from Selection; "
                                   "the item you make is shown here. " + CORPUS_FORMAT_HINT)
            return self._empty("Nothing selected", self.HINT)
        kind = item.item_kind
        out: list[str] = []
        subtype = {"entity": getattr(item, "kind", ""), "expert": getattr(item, "voice", "")}.get(kind, "")
        out.append(_badge(kind, subtype))
        native = getattr(item, "native_name", None)
        title = esc(item.label) + (f'&nbsp;&nbsp;<span class="muted">{esc(native)}</span>' if native else "")
        if kind == "passage":
            out.append(f'<p style="font-size:11pt; font-weight:bold; margin:4px 0 4px 0;">'
                       f"“{esc(_excerpt(item.quote, 90))}”</p>")
        elif kind == "relationship":  # named by its two ends: "A — kind → B"
            out.append(f"<h2>{esc(relationship_caption(index, item.id))}</h2>")
        else:
            out.append(f"<h2>{title}</h2>")
        groups = link_groups(index, item.id, self.state.corpus, MAX_ENTRIES, MAX_PASSAGES)
        out.append(self._fields(item, groups))
        conflict = getattr(item, "conflict", None)
        if conflict:
            out.append(f'<table width="100%" cellpadding="6" cellspacing="0" bgcolor="{CONFLICT_BG}" '
                       f'style="margin-top:8px;"><tr><td><span style="color:{CONFLICT_COLOR}; font-weight:bold;">'
                       f"⚠ Sources disagree</span><br>{esc(conflict)}</td></tr></table>")
        for attr in ("summary", "description", "bio"):
            text = getattr(item, attr, "")
            if text:
                out.append(f'<p style="margin-top:8px;">{esc(text)}</p>')
        if kind == "expert" and item.positions:
            out.append('<p class="section">ARGUES</p>')
            for text, pids in expert_positions(index, item.id):
                links = [self._link(pid, "source" if len(pids) == 1 else f"source {n}")
                         for n, pid in enumerate(pids, 1)]
                src = f' <span class="small">— {", ".join(links)}</span>' if links else ""
                out.append(f'<p class="entry">{esc(text)}{src}</p>')
        if kind == "passage":
            out.append(self._quote(item))
        out.extend(self._groups(item, groups))
        return "".join(out)

    def _fields(self, item, groups) -> str:
        index = self.state.index
        kind = item.item_kind
        rows: list[tuple[str, str]] = []
        if kind == "event":
            rows.append(("Date", esc(item.when)))
            if item.date_text:
                rows.append(("As written", f"“{esc(item.date_text)}”"))
            rows.append(("Precision", esc(self._precision(item.start, item.end))))
        elif kind == "relationship":
            rows.append(("Between", f"{self._link(item.source, label_of(index, item.source))} "
                                    f'<span class="muted">{esc(item.kind)}</span> '
                                    f"{self._link(item.target, label_of(index, item.target))}"))
            if item.start is not None:
                when = item.start.display() + (f" – {item.end.display()}" if item.end else " –")
                rows.append(("Period", esc(when)))
                rows.append(("Precision", esc(self._precision(item.start, item.end))))
        elif kind == "entity":
            if item.aliases:
                rows.append(("Also", esc(", ".join(item.aliases))))
        elif kind == "expert":
            if item.affiliation:
                org = index.items.get(item.organisation) if item.organisation else None
                rows.append(("Affiliation", self._link(org.id, item.affiliation) if org else esc(item.affiliation)))
            if item.role:
                rows.append(("Role", esc(item.role)))
        elif kind == "theme":
            if item.color:
                rows.append(("Colour", f'<span style="color:{esc(item.color)};">■</span> {esc(item.color)}'))
        elif kind == "document":
            for key, value in (("Author", item.author), ("Publisher", item.publisher)):
                if value:
                    rows.append((key, esc(value)))
            if item.date is not None:
                rows.append(("Date", esc(item.date.display())))
            if item.date_note:
                rows.append(("Date note", esc(item.date_note)))
            passages = next((g.total for g in groups if g.kind == "passage"), 0)  # a document's passages
            rows.append(("Length", f"{len(item.text):,} characters, {passages} passages"))
        elif kind == "passage":
            rows.append(("Document", self._link(item.document, label_of(index, item.document))))
            rows.append(("Characters", f"{item.start:,}–{item.end:,}"))
        if getattr(item, "inferred", False) or getattr(item, "date_inferred", False):
            rows.append(("Inferred", '<span class="inferred">the date is inferred from the text, '
                                     'not stated</span>'))
        if not rows:
            return ""
        body = "".join(f'<tr><td class="key">{key}</td><td>{value}</td></tr>' for key, value in rows)
        return f'<table cellspacing="0" cellpadding="0" style="margin-top:6px;">{body}</table>'

    @staticmethod
    def _precision(start, end) -> str:
        names = {1: "year", 2: "month", 3: "day"}
        first = names[int(start.precision)]
        if end is not None and end != start and end.precision != start.precision:
            return f"{first} – {names[int(end.precision)]}"
        return first + (" (span)" if end is not None and end != start else "")

    def _quote(self, passage) -> str:
        index = self.state.index
        doc = index.items.get(passage.document)
        before, after = quote_context(doc.text if doc is not None else "", passage.start, passage.end)
        return (f'<table width="100%" cellpadding="8" cellspacing="0" bgcolor="{QUOTE_BG}" '
                f'style="margin-top:8px;"><tr><td><span class="muted">{esc(before)}</span>'
                f'<b>{esc(passage.quote)}</b><span class="muted">{esc(after)}</span></td></tr></table>')

    def _groups(self, item, groups) -> list[str]:
        index = self.state.index
        out: list[str] = []
        if item.item_kind == "passage" and groups:
            out.append('<p class="section">EVIDENCE FOR</p>')
        for group in groups:
            group_kind, ids = group.kind, group.ids
            if group_kind == "passage":
                out.append(f'<p class="section"><span style="color:{KIND_COLORS["passage"]};">■</span> '
                           f'PASSAGES ({group.total})</p>')
                for pid in ids:
                    p = index.passages[pid]
                    doc = index.items.get(p.document)
                    where = (f'<br><span class="small">{esc(_excerpt(doc.label, 60))}</span>'
                             if doc is not None and doc is not item else "")
                    out.append(f'<p class="entry">{self._link(pid, "“" + _excerpt(p.quote) + "”")}{where}</p>')
                if group.more:
                    out.append(f'<p class="entry small">and {group.more} more</p>')
                continue
            color = KIND_COLORS.get(group_kind, "#999999")
            out.append(f'<p class="section"><span style="color:{color};">■</span> '
                       f'{esc(GROUP_NAMES[group_kind].upper())} ({group.total})</p>')
            if group_kind == "event":
                for ev_id in ids:
                    ev = index.items[ev_id]
                    out.append(f'<p class="entry">{self._link(ev_id, ev.title)} '
                               f'<span class="small">{esc(ev.when)}</span></p>')
            elif group_kind == "relationship":
                for rel_id in ids:
                    out.append(f'<p class="entry">{self._link(rel_id, relationship_label(index, rel_id))}</p>')
            elif group_kind in ("expert", "document"):
                for other in ids:
                    out.append(f'<p class="entry">{self._link(other, index.items[other].label)}</p>')
            else:
                out.append('<p class="entry">' + ", ".join(self._link(o, index.items[o].label) for o in ids)
                           + "</p>")
            if group.more:
                out.append(f'<p class="entry small">and {group.more} more</p>')
        return out

    @staticmethod
    def _empty(title: str, body: str) -> str:
        """An empty state: what is missing, and the action that fills it."""
        return (f'<p style="font-size:11pt; font-weight:bold; color:{TEXT_COLOR}; margin-top:8px;">{esc(title)}</p>'
                f'<p class="hint">{esc(body)}</p>')

    # -- for tests and export -----------------------------------------------------------------------
    def link_targets(self) -> list[str]:
        """Ids of the items shown as links, in the order shown."""
        return list(self._links)

    def export_widget(self) -> QWidget:
        return self.browser

