"""Reading files into documents (explorer.core.ingest) and adding them to a corpus, and `explorer add`.

Every input is written by the test with a well-kept library (fpdf2 for PDFs, pypdf to encrypt one,
python-docx for .docx); no binary is stored. The makers here are also used by tests/test_ingest_qt.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from explorer.cli import main as cli_main
from explorer.core.ingest import (ORIGINALS, IngestError, add_documents, create_corpus, extract, text_digest)
from explorer.core.io.load import load_corpus
from explorer.core.workspace import Workspace

ARTICLE = ("The Blagoveshchensk–Heihe bridge opened to traffic on Monday after years of delay, officials said "
           "in a statement issued in both capitals.")
SECOND = ("It is the first road bridge across the Amur between the two countries, and traders on both sides "
          "expect it to cut the time goods take to cross the river by several days.")


# -- makers ------------------------------------------------------------------------------------------

def make_txt(folder: Path, name: str = "field_notes-2019-09-16.txt", text: str | None = None) -> Path:
    path = folder / name
    path.write_bytes(b"\xef\xbb\xbf" + (text or f"Field notes\r\n\r\n{ARTICLE}\r\n{SECOND}\r\n").encode("utf-8"))
    return path


def make_md(folder: Path, name: str = "post.md") -> Path:
    path = folder / name
    path.write_text("---\ntitle: \"The bridge, at last\"\nauthor: Jane Roe\ndate: 2019-06-10\ntags: [a, b]\n---\n"
                    "# Opening day\n\n"
                    f"The **Blagoveshchensk–Heihe** bridge [opened](https://example.org/x) to _traffic_ on Monday.\n"
                    f"{SECOND}\n\n"
                    "- first `item`\n- second item\n\n"
                    "1. one\n2. two\n\n"
                    "> a quoted line\n\n"
                    "```\nprint('code kept')\n```\n\n"
                    "![a map of the river](map.png)\n", encoding="utf-8")
    return path


def make_html(folder: Path, name: str = "page.html") -> Path:
    path = folder / name
    paragraphs = "".join(f"<p>{t}</p>" for t in (ARTICLE, SECOND, "Construction began in 2016 and finished in "
                                                 "2019, but the opening was held back by the lack of customs "
                                                 "facilities on the Russian side of the river."))
    path.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Bridge opens | Amur News</title>"
        "<meta name='author' content='John Doe'><meta property='og:site_name' content='Amur News'>"
        "<meta property='article:published_time' content='2019-06-10T09:30:00+03:00'>"
        "<script>var menu = 'SCRIPTTEXT';</script><style>.nav{color:red}</style></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li><li>MENUITEM</li></ul></nav>"
        "<header><div class='logo'>Amur News</div></header>"
        f"<main><article><h1>Bridge opens</h1>{paragraphs}</article></main>"
        "<aside>Related: SIDEBAR stories you may like</aside>"
        "<footer>FOOTERTEXT Copyright 2019 Amur News. All rights reserved.</footer>"
        "<script>trackPage('SCRIPTTWO');</script></body></html>", encoding="utf-8")
    return path


def make_pdf(folder: Path, name: str = "report.pdf", pages: int = 3, title: str | None = "Trade report",
             author: str | None = "Anna Analyst", created: dt.datetime | None = dt.datetime(2021, 12, 3),
             tag: str = "") -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if created:
        pdf.set_creation_date(created)
    pdf.set_font("Helvetica", size=11)
    for n in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Page {n + 1}{tag}. The trade between the two states grew steadily over the decade, "
                             "and the turnover reached new heights in the years before the pandemic. " * 3)
        pdf.ln(5)
        pdf.multi_cell(0, 6, "A second paragraph follows with the economic coope-\nration of the regions.")
        pdf.ln(5)
        pdf.cell(0, 6, str(n + 1), align="C")  # a page number, alone on its line
    path = folder / name
    pdf.output(str(path))
    return path


def make_encrypted_pdf(folder: Path, name: str = "secret.pdf", user_password: str = "secret") -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(folder, name + ".plain.pdf")
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="owner-pass")
    path = folder / name
    with open(path, "wb") as f:
        writer.write(f)
    plain.unlink()
    return path


def make_scanned_pdf(folder: Path, name: str = "scan.pdf") -> Path:
    """Pages that are pictures (a scan): an image, no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(50, 750, 20):
        draw.line((40, y, 560, y), fill="black", width=3)  # lines of "text", as a scanner sees them
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=190)
    path = folder / name
    pdf.output(str(path))
    return path


def make_docx(folder: Path, name: str = "memo.docx", title: str | None = "Word memo",
              author: str | None = "Boris Writer") -> Path:
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    if author:
        document.core_properties.author = author
        document.core_properties.created = dt.datetime(2018, 5, 6, 12, 0)
    document.add_heading("Memo heading", 1)
    document.add_paragraph(ARTICLE)
    document.add_paragraph("A bullet point", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "year", (0, 1): "trade", (1, 0): "2019", (1, 1): "110 bn"}.items():
        table.cell(r, c).text = text
    document.add_paragraph(SECOND)
    path = folder / name
    document.save(str(path))
    return path


def make_corpus(folder: Path, name: str = "corpus") -> Path:
    return create_corpus(folder / name, "Test corpus", "Built by a test")


# -- extraction, format by format ------------------------------------------------------------------------

def test_txt_is_decoded_cleaned_and_titled_from_its_name(tmp_path):
    found = extract(make_txt(tmp_path))
    assert found.format == "txt"
    assert found.text == f"Field notes\n\n{ARTICLE}\n{SECOND}"  # no BOM, no CR
    assert (found.title, found.author, found.date) == ("field notes", None, "2019-09-16")
    assert found.date_note == "from the file name"
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Caf\xe9 in Z\xfcrich".encode("latin-1"))  # not UTF-8: Windows-1252
    assert extract(legacy).text == "Café in Zürich"


def test_markdown_is_text_without_markup_and_front_matter_gives_metadata(tmp_path):
    found = extract(make_md(tmp_path))
    assert found.format == "md"
    assert (found.title, found.author, found.date) == ("The bridge, at last", "Jane Roe", "2019-06-10")
    text = found.text
    assert text.startswith("Opening day\n\nThe Blagoveshchensk–Heihe bridge opened to traffic on Monday. It is")
    for markup in ("**", "_traffic_", "](", "# ", "```", "title:", "---", "> ", "!["):
        assert markup not in text, markup
    assert "• first item\n• second item" in text
    assert "1. one\n2. two" in text
    assert "print('code kept')" in text and "a map of the river" in text and "a quoted line" in text
    bare = tmp_path / "bare.md"
    bare.write_text("Intro line\n\n## A heading\n\nBody.\n", encoding="utf-8")
    assert extract(bare).title == "A heading"  # no front matter: the first heading


def test_html_gives_the_article_not_menus_scripts_or_footers(tmp_path):
    found = extract(make_html(tmp_path))
    assert found.format == "html"
    assert (found.title, found.author, found.date, found.publisher) == (
        "Bridge opens", "John Doe", "2019-06-10", "Amur News")
    assert ARTICLE in found.text and SECOND in found.text and "customs facilities" in found.text
    for junk in ("SCRIPTTEXT", "SCRIPTTWO", "MENUITEM", "SIDEBAR", "FOOTERTEXT", "color:red", "Home"):
        assert junk not in found.text, junk
    assert f"{ARTICLE}\n\n{SECOND}" in found.text  # paragraphs stay paragraphs


def test_a_small_html_page_is_read_whole_less_its_furniture(tmp_path):
    page = tmp_path / "short.htm"
    page.write_text("<html><head><title>Note</title></head><body><nav>MENU</nav><p>Short note.</p>"
                    "<p>Second line.</p><footer>FOOT</footer></body></html>", encoding="utf-8")
    found = extract(page)
    assert found.text == "Short note.\n\nSecond line."
    assert found.title == "Note"


def test_pdf_text_in_reading_order_with_hyphenation_joined_and_metadata(tmp_path):
    found = extract(make_pdf(tmp_path))
    assert found.format == "pdf" and found.pages == 3
    assert (found.title, found.author, found.date) == ("Trade report", "Anna Analyst", "2021-12-03")
    text = found.text
    assert "cooperation of the regions" in text and "coope-" not in text
    assert "\t" not in text and "  " not in text
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 6, paragraphs  # two a page; the lines of each joined; page numbers dropped
    assert paragraphs[0].startswith("Page 1. The trade between") and paragraphs[2].startswith("Page 2.")
    assert paragraphs[1] == "A second paragraph follows with the economic cooperation of the regions."
    assert "\n" not in paragraphs[0]


def test_pdf_encrypted_with_a_password_is_refused_and_one_only_restricted_is_read(tmp_path):
    with pytest.raises(IngestError) as info:
        extract(make_encrypted_pdf(tmp_path))
    message = str(info.value)
    assert message.startswith("secret.pdf: ") and "encrypted" in message and "password" in message
    # an owner password only (printing or copying restricted): opens without one, like in any viewer
    restricted = extract(make_encrypted_pdf(tmp_path, "restricted.pdf", user_password=""))
    assert "cooperation of the regions" in restricted.text


def test_scanned_pdf_without_text_is_refused(tmp_path):
    with pytest.raises(IngestError) as info:
        extract(make_scanned_pdf(tmp_path))
    assert str(info.value).startswith("scan.pdf: has no text layer") and "OCR" in str(info.value)


def test_docx_paragraphs_tables_and_core_properties(tmp_path):
    found = extract(make_docx(tmp_path))
    assert found.format == "docx"
    assert (found.title, found.author, found.date) == ("Word memo", "Boris Writer", "2018-05-06")
    assert found.text.split("\n\n") == ["Memo heading", ARTICLE, "• A bullet point", "year | trade",
                                        "2019 | 110 bn", SECOND]
    # python-docx's blank template says "python-docx", 2013-12-23: that is no one's metadata
    bare = extract(make_docx(tmp_path, "bare.docx", title=None, author=None))
    assert (bare.title, bare.author, bare.date) == ("Memo heading", None, None)


@pytest.mark.parametrize("name, data, expected", [
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage \x00\x01\x02", "broken.pdf: is a damaged PDF"),
    ("notapdf.pdf", b"hello, I am text", "notapdf.pdf: is not a PDF"),
    ("broken.docx", b"PK\x03\x04 truncated zip", "broken.docx: is a damaged .docx document"),
    ("protected.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "protected.docx: is an encrypted"),
    ("binary.txt", b"\x00\x01\x02binary\x00", "binary.txt: is not a text file"),
    ("empty.md", b"  \n\n", "empty.md: is empty"),
    ("picture.png", b"\x89PNG\r\n\x1a\n", "picture.png: is a .png file, which explorer does not read"),
    ("old.doc", b"\xd0\xcf\x11\xe0", "old.doc: is an old Word document (.doc); save it as .docx"),
    ("markup-only.html", b"<html><body><script>x()</script></body></html>", "markup-only.html: holds no text"),
])
def test_a_file_that_cannot_be_read_gets_a_sentence_naming_it(tmp_path, name, data, expected):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as info:
        extract(path)
    assert str(info.value).startswith(expected), str(info.value)
    assert "Traceback" not in str(info.value)


def test_missing_file_and_folder_are_refused_in_words(tmp_path):
    with pytest.raises(IngestError, match=r"^gone\.txt: there is no such file"):
        extract(tmp_path / "gone.txt")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(IngestError, match=r"^folder\.txt: it is a folder"):
        extract(tmp_path / "folder.txt")


# -- adding to a corpus --------------------------------------------------------------------------------

def _all_kinds(folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    return [make_txt(folder), make_md(folder), make_html(folder), make_pdf(folder), make_docx(folder)]


def test_add_documents_adds_each_file_keeps_originals_and_is_one_undo_step(tmp_path):
    root = make_corpus(tmp_path)
    files = _all_kinds(tmp_path / "in")
    bad = tmp_path / "in" / "secret.pdf"
    make_encrypted_pdf(tmp_path / "in")
    ws = Workspace.open(root, journal=False)
    calls = []
    report = add_documents(ws, [*files[:3], bad, *files[3:]], progress=lambda d, t, p: calls.append((d, t, p)))
    assert [p for p, _ in report.added] == files
    assert [p for p, _ in report.refused] == [bad] and "encrypted" in report.refused[0][1]
    assert report.duplicates == []
    assert calls[0] == (0, 6, files[0]) and calls[-1] == (6, 6, None) and len(calls) == 7
    # one undo step for the whole call
    assert ws.stack.undo_label() == "Add 5 Documents"
    docs = {d.id: d for d in ws.corpus.documents}
    assert len(docs) == 5
    pdf_doc = docs[dict((p, i) for p, i in report.added)[files[3]]]
    assert (pdf_doc.title, pdf_doc.author, str(pdf_doc.date)) == ("Trade report", "Anna Analyst", "2021-12-03")
    assert pdf_doc.original == f"{ORIGINALS}/trade-report.pdf"
    for path, doc_id in report.added:  # every original kept byte for byte, before any save
        assert (root / docs[doc_id].original).read_bytes() == path.read_bytes()
    assert not list((root / ORIGINALS).glob("secret*")) and not list((root / ORIGINALS).glob(".*"))
    ws.undo()
    assert ws.corpus.documents == [] or len(list(ws.corpus.documents)) == 0
    ws.redo()
    assert len(list(ws.corpus.documents)) == 5
    ws.save()
    corpus = load_corpus(root)
    assert corpus.problems == []
    assert {d.id: d.text for d in corpus.documents} == {i: d.text for i, d in docs.items()}
    for doc in corpus.documents:
        assert (root / doc.file).read_text(encoding="utf-8") == doc.text
    listed = json.loads((root / "documents.json").read_text(encoding="utf-8"))
    assert {d["original"] for d in listed} == {d.original for d in docs.values()}


def test_the_same_content_is_recognised_and_not_added_twice(tmp_path):
    root = make_corpus(tmp_path)
    first = make_pdf(tmp_path, "a.pdf")
    ws = Workspace.open(root, journal=False)
    report = add_documents(ws, [first])
    (_, doc_id), = report.added
    # the same file again, a copy under another name, and the same text re-spaced in a .txt
    copy = tmp_path / "copy-of-a.pdf"
    copy.write_bytes(first.read_bytes())
    text = ws.corpus.get(doc_id).text
    respaced = make_txt(tmp_path, "respaced.txt", text.replace(" ", "  \n", 3))
    again = add_documents(ws, [first, copy, respaced])
    assert again.added == [] and again.refused == []
    assert again.duplicates == [(first, doc_id), (copy, doc_id), (respaced, doc_id)]
    assert len(list(ws.corpus.documents)) == 1 and ws.stack.undo_label() == "Add Document ‘Trade report’"
    # twice in one call: the second is the duplicate of the first
    other = make_docx(tmp_path, "m.docx")
    twin = tmp_path / "twin.docx"
    twin.write_bytes(other.read_bytes())
    both = add_documents(ws, [other, twin])
    (_, new_id), = both.added
    assert both.duplicates == [(twin, new_id)]
    assert text_digest("a  b\n c") == text_digest("a b c")


def test_cancel_adds_nothing(tmp_path):
    root = make_corpus(tmp_path)
    files = _all_kinds(tmp_path / "in")
    ws = Workspace.open(root, journal=False)
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 3  # after a few files were read (and during the PDF's pages)

    report = add_documents(ws, files, cancel=cancel)
    assert report.cancelled and report.added == []
    assert list(ws.corpus.documents) == [] and not ws.stack.can_undo()
    assert not (root / ORIGINALS).exists()


def test_folders_are_expanded_to_the_files_explorer_reads(tmp_path):
    root = make_corpus(tmp_path)
    folder = tmp_path / "in"
    files = _all_kinds(folder)
    (folder / "sub").mkdir()
    nested = make_pdf(folder / "sub", "nested.pdf", title="Nested", tag=" nested")
    (folder / "picture.png").write_bytes(b"\x89PNG")
    (folder / ".hidden.txt").write_text("hidden", encoding="utf-8")
    ws = Workspace.open(root, journal=False)
    report = add_documents(ws, [folder])
    assert sorted(p for p, _ in report.added) == sorted([*files, nested])
    assert report.refused == []


def test_added_documents_survive_a_crash_through_the_journal(tmp_path):
    root = make_corpus(tmp_path)
    ws = Workspace.open(root)  # with its journal, as the window has
    report = add_documents(ws, [make_docx(tmp_path)])
    (_, doc_id), = report.added
    ws.journal.close() if hasattr(ws.journal, "close") else None
    again = Workspace.open(root)  # the process died before saving: the next open offers to recover
    assert again.recovery_available()
    again.recover()
    doc = again.corpus.get(doc_id)
    assert doc is not None and doc.original == f"{ORIGINALS}/word-memo.docx" and doc.author == "Boris Writer"
    assert (root / doc.original).is_file()
    again.save()
    assert load_corpus(root).problems == []


# -- explorer add -----------------------------------------------------------------------------------------

def test_cli_add_prints_a_line_per_file_and_exits_1_when_one_is_refused(tmp_path, capsys):
    root = make_corpus(tmp_path)
    good = make_html(tmp_path)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 no")
    pdf = make_pdf(tmp_path)
    assert cli_main(["add", str(root), str(good), str(bad), str(pdf)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines == [f"added {good} as doc-bridge-opens",
                     f"refused {bad}: is a damaged .docx document and cannot be read "
                     f"(BadZipFile: File is not a zip file)",
                     f"added {pdf} as doc-trade-report"]
    assert "2 added, 1 refused" in out.err
    assert cli_main(["validate", str(root)]) == 0
    capsys.readouterr()
    # again: already there, nothing refused
    assert cli_main(["add", str(root), str(good)]) == 0
    assert capsys.readouterr().out.strip() == (f"skipped {good}: the same text is already in the corpus as "
                                               f"doc-bridge-opens")
    assert len(list(load_corpus(root).documents)) == 2


def test_cli_add_to_what_is_not_a_corpus_exits_2(tmp_path, capsys):
    assert cli_main(["add", str(tmp_path / "nowhere"), str(make_txt(tmp_path))]) == 2
    assert "explorer:" in capsys.readouterr().err


def test_cli_add_refuses_to_rewrite_a_documents_list_with_problems(tmp_path, capsys):
    root = make_corpus(tmp_path)
    (root / "documents.json").write_text('[{"id": "doc-x", "title": "X", "file": "documents/missing.txt"}]',
                                         encoding="utf-8")
    before = (root / "documents.json").read_bytes()
    assert cli_main(["add", str(root), str(make_txt(tmp_path))]) == 2
    assert "nothing was added" in capsys.readouterr().err
    assert (root / "documents.json").read_bytes() == before


def test_cli_add_a_folder_of_pdfs_one_line_each(tmp_path, capsys):
    root = make_corpus(tmp_path)
    folder = tmp_path / "pdfs"
    folder.mkdir()
    made = [make_pdf(folder, f"report-{i:02d}.pdf", pages=2, title=f"Report {i}", tag=f" of report {i}")
            for i in range(12)]
    (folder / "report-99.pdf").write_bytes(b"%PDF-1.4 cut short")
    assert cli_main(["add", str(root), str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:12] == [f"added {p} as doc-report-{i}" for i, p in enumerate(made)]
    assert lines[12].startswith(f"refused {folder / 'report-99.pdf'}: is a damaged PDF") and len(lines) == 13
    assert cli_main(["validate", str(root)]) == 0
    corpus = load_corpus(root)
    assert sorted(d.title for d in corpus.documents) == sorted(f"Report {i}" for i in range(12))
    assert all((root / d.original).read_bytes() == (folder / f"report-{int(d.id.rsplit('-', 1)[1]):02d}.pdf")
               .read_bytes() for d in corpus.documents)


def test_a_paragraph_going_on_over_a_page_break_is_one_paragraph(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, "A first paragraph that ends here.")
    pdf.ln(5)
    pdf.multi_cell(0, 6, "The second one starts on the first page and is cut by the page break in the coope-")
    pdf.add_page()
    pdf.multi_cell(0, 6, "ration of the regions, and then it ends.")
    pdf.add_page()
    pdf.multi_cell(0, 6, "A third page starts anew.")
    path = tmp_path / "broken-paragraph.pdf"
    pdf.output(str(path))
    assert extract(path).text.split("\n\n") == [
        "A first paragraph that ends here.",
        "The second one starts on the first page and is cut by the page break in the cooperation of the "
        "regions, and then it ends.",
        "A third page starts anew."]


def test_the_import_benchmark_runs(tmp_path):
    """benchmarks/ingest_bench.py on a 3-page PDF (a smoke run: the figure itself is not a test)."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "ingest_bench.py"
    result = subprocess.run([sys.executable, str(script), "--pages", "3", "--rounds", "1"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1].removeprefix("RESULT "))
    assert found["pages"] == 3 and found["extract"] > 0 and found["add_and_save"] > 0
