"""Import benchmark: adding a 100-page PDF to a corpus (the target is at most 5 s).

    python benchmarks/ingest_bench.py [--pages 100] [--rounds 3] [--writer fpdf|qt]

Writes a PDF of ``--pages`` dense pages (about 450 words each, paragraphs with hyphenated line breaks;
``fpdf``: fpdf2, the test dependency; ``qt``: Qt's QPdfWriter, whose PDFs have tabs between words), then
measures, each the median of ``--rounds`` runs in this process:

- ``extract``: ``explorer.core.ingest.extract`` on it (read, text of every page, reflow, metadata);
- ``add_and_save``: ``add_documents`` into a new empty corpus and ``Workspace.save`` (what ``explorer add``
  does: extract, fingerprint, copy the original, write documents.json and the text file).

The result is one JSON object on the last line of stdout, prefixed with ``RESULT``; times in seconds.
The machine is shared: run it several times and compare medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

WORDS = ("cooperation between the two states grew steadily over the decade while trade turnover reached new "
         "heights and officials on both sides spoke of a partnership without limits although analysts in "
         "Moscow and Beijing remained cautious about what the agreements would mean for energy prices "
         "infrastructure investment and the balance of power in Central Asia").split()


def _paragraphs(page: int) -> list[str]:
    out = []
    for p in range(5):
        words = [WORDS[(page * 31 + p * 7 + i) % len(WORDS)] for i in range(90)]
        words[0] = words[0].capitalize()
        out.append(f"{page + 1}.{p + 1} " + " ".join(words) + ".")
    return out


def write_pdf_fpdf(path: Path, pages: int) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title("Benchmark report")
    pdf.set_author("Benchmark")
    pdf.set_font("Helvetica", size=10)
    for n in range(pages):
        pdf.add_page()
        for para in _paragraphs(n):
            pdf.multi_cell(0, 5, para)
            pdf.ln(3)
    pdf.output(str(path))


def write_pdf_qt(path: Path, pages: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - fonts need an application
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(20, 20, 20, 20)))
    writer.setTitle("Benchmark report")
    doc = QTextDocument()
    html = []
    for n in range(pages):
        paras = _paragraphs(n)
        html.extend(f"<p>{p}</p>" for p in paras[:-1])
        html.append(f'<p style="page-break-after: always">{paras[-1]}</p>' if n + 1 < pages else f"<p>{paras[-1]}</p>")
    doc.setHtml("".join(html))
    doc.print_(writer)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writer", choices=("fpdf", "qt"), default="fpdf")
    args = parser.parse_args(argv)

    from explorer.core.ingest import add_documents, create_corpus, extract
    from explorer.core.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        pdf = tmp_path / "report.pdf"
        (write_pdf_qt if args.writer == "qt" else write_pdf_fpdf)(pdf, args.pages)
        found = extract(pdf)
        assert found.pages == args.pages, found.pages
        extract_times, add_times = [], []
        for r in range(args.rounds):
            t0 = time.perf_counter()
            extract(pdf)
            extract_times.append(time.perf_counter() - t0)
            root = create_corpus(tmp_path / f"corpus-{r}", "Benchmark")
            t0 = time.perf_counter()
            ws = Workspace.open(root, journal=False)
            report = add_documents(ws, [pdf])
            ws.save()
            add_times.append(time.perf_counter() - t0)
            assert len(report.added) == 1, report
        result = {"pages": args.pages, "writer": args.writer, "bytes": pdf.stat().st_size,
                  "characters": len(found.text), "extract": round(statistics.median(extract_times), 3),
                  "add_and_save": round(statistics.median(add_times), 3), "target": 5.0}
    print(f"{args.pages}-page PDF ({args.writer}, {result['bytes'] / 1024:.0f} KiB, {result['characters']:,} "
          f"characters): extract {result['extract']:.2f} s, add and save {result['add_and_save']:.2f} s "
          f"(target ≤ 5 s)")
    print("RESULT " + json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
