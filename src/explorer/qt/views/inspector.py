"""The inspector: every field of the selected item and everything linked to it, each link selecting.

Rich text built from escaped data (``style.esc``); links are ``item:ID`` anchors (``style.item_link``)
that turn into ``state.select(ID)``. The ids shown as links are kept for tests (``link_targets``).
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from ..bridge import AppState
from .base import View
from .style import (CONFLICT_COLOR, INFERRED_COLOR, KIND_COLORS, KIND_LABELS, MUTED_TEXT, TEXT_COLOR, esc,
                    item_link, ui_font)

LINK_COLOR = "#1f5fa8"
CONFLICT_BG = "#fbe8ea"
QUOTE_BG = "#f7f5ee"
MAX_PASSAGES = 40
MAX_ENTRIES = 100  # links shown per group; the rest are counted (a theme of a large corpus has thousands)
EXCERPT_CHARS = 150

#: link groups, in the order shown: (kind, heading)
GROUPS = (("entity", "Actors"), ("expert", "Experts & voices"), ("theme", "Themes"), ("event", "Events"),
          ("relationship", "Relationships"), ("document", "Documents"))

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
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


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
            return '<p class="hint">No corpus loaded.</p>'
        if item is None:
            return f'<p class="hint">{esc(self.HINT)}</p>'
        kind = item.item_kind
        out: list[str] = []
        subtype = {"entity": getattr(item, "kind", ""), "expert": getattr(item, "voice", "")}.get(kind, "")
        out.append(_badge(kind, subtype))
        native = getattr(item, "native_name", None)
        title = esc(item.label) + (f'&nbsp;&nbsp;<span class="muted">{esc(native)}</span>' if native else "")
        if kind == "passage":
            out.append(f'<p style="font-size:11pt; font-weight:bold; margin:4px 0 4px 0;">'
                       f"“{esc(_excerpt(item.quote, 90))}”</p>")
        else:
            out.append(f"<h2>{title}</h2>")
        out.append(self._fields(item))
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
            for pos in item.positions:
                pids = [pid for pid in pos.passages if pid in index.items]
                links = [self._link(pid, "source" if len(pids) == 1 else f"source {n}")
                         for n, pid in enumerate(pids, 1)]
                src = f' <span class="small">— {", ".join(links)}</span>' if links else ""
                out.append(f'<p class="entry">{esc(pos.text)}{src}</p>')
        if kind == "passage":
            out.append(self._quote(item))
        out.extend(self._groups(item))
        return "".join(out)

    def _fields(self, item) -> str:
        index = self.state.index
        kind = item.item_kind
        rows: list[tuple[str, str]] = []
        if kind == "event":
            rows.append(("Date", esc(item.when)))
            if item.date_text:
                rows.append(("As written", f"“{esc(item.date_text)}”"))
            rows.append(("Precision", esc(self._precision(item.start, item.end))))
        elif kind == "relationship":
            src, tgt = index.items.get(item.source), index.items.get(item.target)
            rows.append(("Between", f"{self._link(item.source, src.label if src else item.source)} "
                                    f'<span class="muted">{esc(item.kind)}</span> '
                                    f"{self._link(item.target, tgt.label if tgt else item.target)}"))
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
            rows.append(("Length", f"{len(item.text):,} characters, "
                                   f"{len(index.document_passages(item.id))} passages"))
        elif kind == "passage":
            doc = index.items.get(item.document)
            rows.append(("Document", self._link(item.document, doc.label if doc else item.document)))
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
        text = doc.text if doc is not None else ""
        before = text[max(0, passage.start - 80):passage.start]
        after = text[passage.end:passage.end + 80]
        before = ("…" + " ".join(before.split())[-70:]) if before.strip() else ""
        after = (" ".join(after.split())[:70] + "…") if after.strip() else ""
        return (f'<table width="100%" cellpadding="8" cellspacing="0" bgcolor="{QUOTE_BG}" '
                f'style="margin-top:8px;"><tr><td><span class="muted">{esc(before)}</span>'
                f'<b>{esc(passage.quote)}</b><span class="muted">{esc(after)}</span></td></tr></table>')

    def _group_ids(self, item) -> dict[str, list[str]]:
        index = self.state.index
        kind = item.item_kind
        groups: dict[str, list[str]] = {}
        if kind == "passage":
            for other in index.items_of_passage(item.id):
                groups.setdefault(index.kind_of(other), []).append(other)
            return groups
        for group_kind, _ in GROUPS:
            if group_kind == "event":
                ids = [e for e in index.linked_events(item.id) if e != item.id]
            else:
                ids = index.linked(item.id, group_kind)
            groups[group_kind] = ids
        if kind == "event":
            ends = set(item.actors) | set(item.experts)
            groups["relationship"] = [r.id for r in self.state.corpus.relationships
                                      if {r.source, r.target} <= ends]
        elif kind in ("entity", "expert"):
            # the other ends of its relationships are actors too
            others: dict[str, None] = {}
            for rel_id in groups["relationship"]:
                rel = index.items[rel_id]
                for end in (rel.source, rel.target):
                    if end != item.id:
                        others[end] = None
            present = {i for ids in groups.values() for i in ids}
            for end in others:
                end_kind = index.kind_of(end)
                if end_kind in groups and end not in present:
                    groups[end_kind].append(end)
        if kind == "document":
            groups["passage"] = [p.id for p in index.document_passages(item.id)]
        else:
            groups["passage"] = [p for p in index.passages_of(item.id) if p in index.passages]
        return groups

    def _groups(self, item) -> list[str]:
        index = self.state.index
        groups = self._group_ids(item)
        out: list[str] = []
        heading = "EVIDENCE FOR" if item.item_kind == "passage" else None
        if heading and any(groups.values()):
            out.append(f'<p class="section">{heading}</p>')
        for group_kind, name in GROUPS:
            all_ids = groups.get(group_kind) or []
            if not all_ids:
                continue
            ids = all_ids[:MAX_ENTRIES]
            color = KIND_COLORS.get(group_kind, "#999999")
            out.append(f'<p class="section"><span style="color:{color};">■</span> {esc(name.upper())} '
                       f'({len(all_ids)})</p>')
            if group_kind == "event":
                for ev_id in ids:
                    ev = index.items[ev_id]
                    out.append(f'<p class="entry">{self._link(ev_id, ev.title)} '
                               f'<span class="small">{esc(ev.when)}</span></p>')
            elif group_kind == "relationship":
                for rel_id in ids:
                    rel = index.items[rel_id]
                    src, tgt = index.items.get(rel.source), index.items.get(rel.target)
                    label = f"{src.label if src else rel.source} {rel.kind} {tgt.label if tgt else rel.target}"
                    out.append(f'<p class="entry">{self._link(rel_id, label)}</p>')
            elif group_kind in ("expert", "document"):
                for other in ids:
                    out.append(f'<p class="entry">{self._link(other, index.items[other].label)}</p>')
            else:
                out.append('<p class="entry">' + ", ".join(self._link(o, index.items[o].label) for o in ids)
                           + "</p>")
            if len(all_ids) > len(ids):
                out.append(f'<p class="entry small">and {len(all_ids) - len(ids)} more</p>')
        passages = groups.get("passage") or []
        if passages:
            out.append(f'<p class="section"><span style="color:{KIND_COLORS["passage"]};">■</span> '
                       f'PASSAGES ({len(passages)})</p>')
            for pid in passages[:MAX_PASSAGES]:
                p = index.passages[pid]
                doc = index.items.get(p.document)
                where = (f'<br><span class="small">{esc(_excerpt(doc.label, 60))}</span>'
                         if doc is not None and doc is not item else "")
                out.append(f'<p class="entry">{self._link(pid, "“" + _excerpt(p.quote) + "”")}{where}</p>')
            if len(passages) > MAX_PASSAGES:
                out.append(f'<p class="entry small">and {len(passages) - MAX_PASSAGES} more</p>')
        return out

    # -- for tests and export -----------------------------------------------------------------------
    def link_targets(self) -> list[str]:
        """Ids of the items shown as links, in the order shown."""
        return list(self._links)

    def export_widget(self) -> QWidget:
        return self.browser

