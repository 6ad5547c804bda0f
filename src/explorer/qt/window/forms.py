"""The forms that create items: New Event, New Voice (an expert), New Actor (an entity), New Relationship,
New Theme.

The window opens one for each ``state.itemFormRequested(dict)`` (see ``AppState.itemFormRequested``) and
from Edit ▸ New…. The form is pre-filled from what the gesture knows: a text selection gives the evidence
(the passage is shown) and, for an event, the date written in it at the precision written ("16 Sep 2019" a
day, "December 2019" a month, "in 2017" a year; "December 15" in a document of December 2021 a day, marked
inferred) and a title from the selected words; for a voice or an actor the name and a native-script name
("Lu Nanquan 陆南泉"). A timeline double-click gives a date (and a theme), a link dragged in the graph a
relationship's ends, the reading assistant a name.

Accepting applies the passage (when there is a selection; an identical passage is reused) and the item as
ONE undo step ("New Event ‘…’"); an item asked for by "New…" beside a field of the editor is put in that
field in the same step. Cancel creates nothing. A form without a passage creates the item without
evidence: it is shown as unsupported until a passage is added.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ...core.commands import AddItem, AddPassage, EditItem
from ...core.corpus import EditError
from ...core.index.queries import label_of
from ...core.model.dates import PartialDate, parse_date_input
from ..bridge import AppState
from ..views.editor import (KIND_NAMES, WARNING_BG, WARNING_BORDER, WARNING_TEXT, AliasesField,
                            CheckField, ChoiceField, ColorField, DateField, LineField, RefField, RefListField,
                            RelationKindField, TextField, _error_label, choices, quoted)
from ..views.style import MUTED_TEXT, esc, ui_font

FORM_KINDS = ("event", "expert", "entity", "relationship", "theme")
#: the title of each kind's form
FORM_TITLES = {"event": "New Event", "expert": "New Voice", "entity": "New Actor",
               "relationship": "New Relationship", "theme": "New Theme"}
TITLE_CHARS = 80

# a run of a script that is not Latin: a native name (Chinese, Japanese, Korean, Cyrillic, Arabic...)
_NATIVE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\u00b7\u30fb]+"
                     r"|[\u0400-\u04ff]+(?:[ \-][\u0400-\u04ff]+)*|[\u0600-\u06ff]+(?: [\u0600-\u06ff]+)*")
_CAPITALISED = r"[A-Z][\w'’\-]*"
_NAME_BEFORE = re.compile(rf"((?:{_CAPITALISED}\s+){{0,3}}{_CAPITALISED})\s*[(（\[]?\s*$")
_NAME_ANYWHERE = re.compile(rf"(?<![\w'’])({_CAPITALISED}(?:\s+(?:of\s+|the\s+|de\s+|van\s+)?{_CAPITALISED}){{1,4}})")
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE_SEARCH = [re.compile(p, re.IGNORECASE) for p in (
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b",      # 16 September 2019
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b",                # September 16, 2019
    r"\b\d{4}-\d{2}-\d{2}\b",
    rf"\b{_MONTH},?\s+\d{{4}}\b",                                             # December 2019
    r"\b\d{4}-\d{2}\b",
    r"\b(?:1[5-9]|20)\d{2}\b",                                               # 2017
)]


# -- what a selection says ------------------------------------------------------------------------------

def _found_fields(found: Any) -> dict:
    get = (lambda k: found.get(k)) if isinstance(found, dict) else (lambda k: getattr(found, k, None))
    return {k: get(k) for k in ("start", "end", "text", "date", "end_date", "precision", "inferred")}


def find_date(text: str, document_date: str | None = None) -> dict | None:
    """The first date written in a selection: {date, end_date, text, start, end, inferred} (offsets in
    ``text``), or None. Uses the reading assistant's ``find_dates`` where it is installed (it also infers a
    missing year from the document's date); otherwise the written forms ``parse_date_input`` reads."""
    try:
        from ...core.assist.dates import find_dates
    except ImportError:
        find_dates = None
    if find_dates is not None:
        try:
            found = list(find_dates(text, reference=document_date))
        except Exception:  # the assistant's failure must not lose the form: fall back to the plain reading
            found = None
        if found:
            f = _found_fields(found[0])
            if f["date"]:
                return {"date": str(f["date"]), "end_date": str(f["end_date"]) if f["end_date"] else None,
                        "text": f["text"] or "", "start": f["start"], "end": f["end"],
                        "inferred": bool(f["inferred"])}
        elif found is not None:
            return None
    whole = text.strip()
    try:
        iso, _ = parse_date_input(whole)
    except ValueError:
        pass
    else:
        at = text.index(whole)
        return {"date": iso, "end_date": None, "text": whole, "start": at, "end": at + len(whole),
                "inferred": False}
    for pattern in _DATE_SEARCH:
        for m in pattern.finditer(text):
            try:
                iso, _ = parse_date_input(m.group(0))
            except ValueError:
                continue
            return {"date": iso, "end_date": None, "text": m.group(0), "start": m.start(), "end": m.end(),
                    "inferred": False}
    return None


def title_from(text: str, date: dict | None = None, limit: int = TITLE_CHARS) -> str:
    """A title from the selected words: the date phrase taken out, the first sentence, at most ``limit``
    characters cut at a word, capitalised ("On 16 September 2019, NATO leaders met." -> "NATO leaders met")."""
    if date and date.get("start") is not None and date.get("end") is not None:
        # the date phrase goes when it opens or closes the sentence ("On 16 Sep 2019, NATO leaders met",
        # "The pipeline opened in December 2019"); in the middle it stays ("Trade grew in 2017 by a third")
        words_before = re.sub(r"\b(?:on|in|by|since|from|until|of|at)\b|[\s,;:–—\-]", "", text[:date["start"]],
                              flags=re.IGNORECASE)
        words_after = re.sub(r"[\s,;:.!?–—\-]", "", text[date["end"]:])
        if not words_before or not words_after:
            before = re.sub(r"(?:\b(?:in|on|by|since|from|until|of|at)\s*)?[,\s]*$", "", text[:date["start"]],
                            flags=re.IGNORECASE)
            text = before + " " + text[date["end"]:].lstrip(" ,")
    text = " ".join(text.split())
    sentence = re.split(r"(?<=[.!?。！？])\s", text, maxsplit=1)[0]
    sentence = re.sub(r"^[\s,;:–—\-]*(?:(?:on|in|by|since|from|until|of|at)\b[\s,]*)*", "", sentence,
                      flags=re.IGNORECASE)
    sentence = re.sub(r"\s+([,;:])", r"\1", sentence)
    sentence = re.sub(r"[\s,;:–—\-]+(?:(?:on|in|by|since|from|until|of|at)\s*)?[.!?。！？]?$", "", sentence,
                      flags=re.IGNORECASE).strip(" ,;:.“”\"'‘’")
    if len(sentence) > limit:
        cut = sentence[:limit].rsplit(" ", 1)[0]
        sentence = (cut or sentence[:limit]).rstrip(" ,;:") + "…"
    return sentence[:1].upper() + sentence[1:]


def names_from(text: str) -> tuple[str, str]:
    """A name and a native-script name found in a selection ("Lu Nanquan 陆南泉" -> ("Lu Nanquan", "陆南泉")),
    with the reading assistant's ``find_names`` where it is installed; ("", "") when there is none."""
    try:
        from ...core.assist.dates import find_names
    except ImportError:
        find_names = None
    if find_names is not None:
        try:
            found = list(find_names(text))
        except Exception:
            found = []
        if found:
            first = found[0]
            if isinstance(first, (tuple, list)):
                name, native = (list(first) + ["", ""])[:2]
            elif isinstance(first, dict):
                name, native = first.get("name", ""), first.get("native_name") or first.get("native", "")
            else:
                name = getattr(first, "name", "")
                native = getattr(first, "native_name", None) or getattr(first, "native", "")
            if name or native:
                return str(name or ""), str(native or "")
    clean = " ".join(text.split())
    native_match = _NATIVE.search(clean)
    native = native_match.group(0).strip("·・ ") if native_match else ""
    name = ""
    if native_match:
        m = _NAME_BEFORE.search(clean[:native_match.start()])
        if m:
            name = m.group(1)
    if not name:
        latin = clean.replace(native, " ") if native else clean
        latin = " ".join(latin.split()).strip(" ,;:.()（）[]“”\"'‘’")
        if latin and len(latin) <= 60:
            name = latin
        else:
            m = _NAME_ANYWHERE.search(latin)
            name = m.group(1) if m else ""
    return name, native


# -- the form --------------------------------------------------------------------------------------------

class ItemForm(QDialog):
    """The form of a new item of ``request["kind"]``; see the module's doc."""

    def __init__(self, state: AppState, request: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.request = dict(request)
        self.kind = kind = request.get("kind", "event")
        if kind not in FORM_KINDS:
            raise ValueError(f"there is no form for {kind!r}")
        self.new_id: str | None = None
        self.fields: dict[str, QWidget] = {}
        self.setWindowTitle(FORM_TITLES[kind])
        self.setObjectName(f"form-{kind}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        head = QLabel(FORM_TITLES[kind])
        head.setFont(ui_font(13, bold=True))
        layout.addWidget(head)
        layout.addWidget(self._evidence_box())
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(7)
        for name, label, field in self._make_fields():
            field.setObjectName(f"field-{name}")
            self.fields[name] = field
            form.addRow(label, field)
        layout.addLayout(form)
        self.message = _error_label()
        self.message.setObjectName("formMessage")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.addButton(f"Create {KIND_NAMES[kind].capitalize()}",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._prefill()
        self.setMinimumWidth(560)
        self.resize(600, self.sizeHint().height())
        first = self.fields.get("title") or self.fields.get("name") or self.fields.get("source")
        if self.kind == "relationship" and self.request.get("source") and self.request.get("target"):
            first = self.fields["kind"]  # a link dragged in the graph: what is left to say is the relation
        if first is not None:
            (getattr(first, "edit", None) or first).setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.create_button.setDefault(True)  # Enter creates (the button box gives Cancel the default on show)

    # -- what it shows ----------------------------------------------------------------------------------
    def passage_range(self) -> tuple[str, int, int, str] | None:
        """(document, start, end, quote) of the selection the form was asked from, or None."""
        doc_id = self.request.get("document")
        if not doc_id or self.state.corpus is None:
            return None
        doc = self.state.corpus.get(doc_id)
        if doc is None or doc.item_kind != "document":
            return None
        start, end, quote = self.request.get("start"), self.request.get("end"), self.request.get("quote")
        if start is None or end is None:
            if not quote or doc.text.count(quote) != 1:
                return None
            start = doc.text.index(quote)
            end = start + len(quote)
        quote = doc.text[start:end]
        if not quote.strip():
            return None
        return doc_id, int(start), int(end), quote

    def _evidence_box(self) -> QWidget:
        box = QLabel()
        box.setObjectName("formEvidence")
        box.setWordWrap(True)
        box.setTextFormat(Qt.TextFormat.RichText)
        rng = self.passage_range()
        if rng is None:
            box.setText(f"<b>No passage yet.</b> The {KIND_NAMES[self.kind]} will be shown as unsupported until you "
                        "select text in a document and choose Add as Evidence.")
            box.setStyleSheet(f"QLabel#formEvidence {{ background: {WARNING_BG}; color: {WARNING_TEXT}; "
                              f"border: 1px solid {WARNING_BORDER}; border-radius: 4px; padding: 8px; }}")
        else:
            doc_id, start, end, quote = rng
            shown = " ".join(quote.split())
            if len(shown) > 400:
                shown = shown[:399] + "…"
            box.setText(f'<span style="color:{MUTED_TEXT}; font-size:8.5pt;"><b>EVIDENCE</b> — '
                        f'{esc(label_of(self.state.index, doc_id))}</span><br>“{esc(shown)}”')
            box.setStyleSheet("QLabel#formEvidence { background: #f7f5ee; border-left: 3px solid #ffd166; "
                              "padding: 8px; }")
        return box

    def _make_fields(self) -> list[tuple[str, str, QWidget]]:
        st, kind = self.state, self.kind
        if kind == "event":
            title = LineField()
            title.setPlaceholderText("What happened (required)")
            return [("title", "Title", title), ("start", "Start", DateField(optional=False)),
                    ("end", "End", DateField()), ("inferred", "", CheckField("The date is inferred, not stated")),
                    ("date_text", "As written", LineField()),
                    ("themes", "Themes", RefListField(st, ("theme",), creatable=False)),
                    ("actors", "Actors", RefListField(st, ("entity", "expert"), creatable=False)),
                    ("summary", "Summary", TextField())]
        if kind in ("expert", "entity"):
            name = LineField()
            name.setPlaceholderText("required")
            native = LineField()
            native.setPlaceholderText("in its own script, e.g. 陆南泉 (optional)")
            if kind == "expert":
                affiliation = LineField()
                affiliation.setPlaceholderText("e.g. CASS (optional)")
                return [("name", "Name", name), ("native_name", "Native name", native),
                        ("voice", "Voice", ChoiceField(choices("expert", "voice"))),
                        ("affiliation", "Affiliation", affiliation), ("role", "Role", LineField())]
            return [("name", "Name", name), ("kind", "Kind", ChoiceField(choices("entity", "kind"))),
                    ("native_name", "Native name", native), ("aliases", "Also called", AliasesField())]
        if kind == "relationship":
            return [("source", "From", RefField(st, ("entity", "expert"), creatable=False)),
                    ("kind", "Relation", RelationKindField(st)),
                    ("target", "To", RefField(st, ("entity", "expert"), creatable=False)),
                    ("start", "Start", DateField()), ("end", "End", DateField()),
                    ("summary", "Summary", TextField())]
        name = LineField()
        name.setPlaceholderText("required")
        return [("name", "Name", name), ("color", "Colour", ColorField()), ("description", "Description", TextField())]

    def _prefill(self) -> None:
        req, f = self.request, self.fields
        rng = self.passage_range()
        text = rng[3] if rng else ""
        for name, field in f.items():  # empty widgets first, so each shows its placeholder
            if isinstance(field, DateField):
                field.set_value(None)
            elif isinstance(field, (RefListField,)):
                field.set_value([])
            elif isinstance(field, RefField):
                field.set_value(None)
            elif isinstance(field, ChoiceField):  # the kind's default (an actor is an organisation)
                from ...core.corpus import MODEL_OF_KIND

                field.set_value(MODEL_OF_KIND[self.kind].model_fields[name].default)
            elif isinstance(field, CheckField):
                field.set_value(False)
            else:
                field.set_value("")
        if self.kind in ("event", "relationship"):
            f["start"].checker = lambda iso: self._check_dates(start=iso)
            f["end"].checker = lambda iso: self._check_dates(end=iso)
        if self.kind == "event":
            date = None
            if text:
                doc = self.state.corpus.get(rng[0])
                date = find_date(text, str(doc.date) if doc.date is not None else None)
                f["title"].set_value(title_from(text, date))
            if req.get("title"):
                f["title"].set_value(req["title"])
            if date is not None:
                f["start"].set_value(date["date"])
                if date.get("end_date") and date["end_date"] != date["date"]:
                    f["end"].set_value(date["end_date"])
                f["inferred"].set_value(date.get("inferred", False))
                f["date_text"].set_value(date.get("text", ""))
            if req.get("date"):  # a timeline double-click, or the reading assistant's reading of the date
                f["start"].set_value(str(req["date"]))
                if "end_date" in req or "inferred" in req or "date_text" in req:
                    end = req.get("end_date")
                    f["end"].set_value(str(end) if end and str(end) != str(req["date"]) else None)
                    f["inferred"].set_value(bool(req.get("inferred")))
                    f["date_text"].set_value(req.get("date_text") or "")
            if req.get("theme") and self.state.index.kind_of(req["theme"]) == "theme":
                f["themes"].set_value([req["theme"]])
        elif self.kind in ("expert", "entity"):
            name, native = names_from(text) if text else ("", "")
            f["name"].set_value(req.get("name") or name)
            f["native_name"].set_value(req.get("native_name") or native)
            if self.kind == "expert":
                for key in ("role", "affiliation"):
                    if req.get(key):
                        f[key].set_value(req[key])
                if req.get("voice") in choices("expert", "voice"):
                    f["voice"].set_value(req["voice"])
            else:
                if req.get("entity_kind") in choices("entity", "kind"):
                    f["kind"].set_value(req["entity_kind"])
                if req.get("aliases"):
                    f["aliases"].set_value(list(req["aliases"]))
        elif self.kind == "relationship":
            for end in ("source", "target"):
                if req.get(end) and self.state.index.kind_of(req[end]) in ("entity", "expert"):
                    f[end].set_value(req[end])
            if req.get("relation"):  # ("kind" is the kind of item the form makes)
                f["kind"].set_value(req["relation"])
        else:
            f["name"].set_value(req.get("name") or (" ".join(text.split())[:60] if text else ""))

    def _check_dates(self, start: str | None = "", end: str | None = "") -> str:
        try:
            s = start if start != "" else self.fields["start"].parsed()
            e = end if end != "" else self.fields["end"].parsed()
        except ValueError:
            return ""  # the other date is wrong: it says so itself
        if s and e and PartialDate.parse(e).end_seconds <= PartialDate.parse(s).start_seconds:
            return (f"the end ({PartialDate.parse(e).display()}) is before the start "
                    f"({PartialDate.parse(s).display()})")
        return ""

    # -- accepting -------------------------------------------------------------------------------------
    def values(self) -> dict[str, Any] | None:
        """The item's fields as typed, or None (each refused field says why under it)."""
        ok = True
        out: dict[str, Any] = {}
        for name, field in self.fields.items():
            if isinstance(field, (DateField, RefField, ColorField)):
                check = field.check() if hasattr(field, "check") else True
                if isinstance(field, ColorField):
                    try:
                        field.value()
                        field.error.hide()
                    except ValueError as exc:
                        field.error.setText(str(exc))
                        field.error.show()
                        check = False
                if not check:
                    ok = False
                    continue
            out[name] = field.value()
        required = {"event": ("title",), "expert": ("name",), "entity": ("name",), "relationship": ("kind",),
                    "theme": ("name",)}[self.kind]
        missing = [n for n in required if not out.get(n)]
        if missing:
            word = {"kind": "relation (a short verb phrase)"}.get(missing[0], missing[0])
            self._say(f"The {KIND_NAMES[self.kind]} needs a {word}.")
            return None
        if not ok:
            self._say("")
            return None
        for name in list(out):
            if out[name] in ("", None, []) or out[name] is False:
                del out[name]  # left out: the item's default
        return out

    def _say(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def accept(self) -> None:
        values = self.values()
        if values is None:
            return
        label_name = values.get("title") or values.get("name") or values.get("kind") or ""
        label = f"New {KIND_NAMES[self.kind].capitalize()} {quoted(label_name)}"
        rng = self.passage_range()
        add_to = self.request.get("add_to") or {}
        try:
            with self.state.group(label):
                passages = []
                if rng is not None:
                    passages.append(self._passage(*rng))
                command = AddItem(self.kind, **values, passages=passages)
                self.state.do(command)
                self.new_id = command.new_id
                self._add_to(add_to)
        except EditError as exc:
            self._say(str(exc)[0].upper() + str(exc)[1:])
            self.new_id = None
            return
        if not add_to:
            self.state.select(self.new_id)
        super().accept()

    def _passage(self, doc_id: str, start: int, end: int, quote: str) -> str:
        """The passage of the selection: an identical one that exists, else a new one."""
        index = self.state.index
        for p in index.document_passages(doc_id):
            if p.start == start and p.end == end:
                return p.id
        command = AddPassage(doc_id, quote=quote, start=start, end=end)
        self.state.do(command)
        return command.new_id

    def _add_to(self, add_to: dict) -> None:
        """"New…" beside a field of the editor: the new item goes into that field too."""
        holder = self.state.corpus.get(add_to.get("item") or "") if add_to else None
        name = add_to.get("field") if add_to else None
        if holder is None or not name or name not in type(holder).model_fields:
            return
        current = getattr(holder, name)
        value = [*current, self.new_id] if isinstance(current, list) else self.new_id
        self.state.do(EditItem(holder.id, **{name: value}))

    # -- for tests ---------------------------------------------------------------------------------------
    def field(self, name: str) -> QWidget:
        return self.fields[name]


def open_item_form(state: AppState, request: dict, parent: QWidget | None = None) -> ItemForm | None:
    """Open (not modal to the app's loop: ``open``) the form a request asks for; None for an unknown kind
    or when no corpus is open."""
    if state.corpus is None or request.get("kind") not in FORM_KINDS:
        return None
    form = ItemForm(state, request, parent)
    form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    form.open()
    return form


__all__ = ["ItemForm", "open_item_form", "find_date", "title_from", "names_from", "FORM_KINDS", "FORM_TITLES"]
