"""The synthetic corpus generator: deterministic, valid, and the counts asked for."""

import hashlib
import subprocess
import sys

import pytest

from explorer.core import load_corpus
from explorer.core.synth import SynthOptions, generate

SMALL = dict(events=300, documents=7, entities=40, relationships=120, experts=15, doc_chars=3000,
             big_document_chars=12000)


def _digest(folder):
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path):
    generate(tmp_path / "a", SynthOptions(seed=5, **SMALL))
    generate(tmp_path / "b", SynthOptions(seed=5, **SMALL))
    generate(tmp_path / "c", SynthOptions(seed=6, **SMALL))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_output_validates_with_zero_problems_and_counts_as_asked(tmp_path):
    counts = generate(tmp_path / "c", SynthOptions(seed=1, **SMALL))
    corpus = load_corpus(tmp_path / "c")
    assert [str(p) for p in corpus.problems] == []
    assert corpus.counts() == {"documents": 7, "passages": 300, "events": 300, "experts": 15, "entities": 40,
                               "relationships": 120, "themes": 12}
    assert {k: v for k, v in counts.items() if k != "text_chars"} == corpus.counts()
    big = corpus.get("doc-00000")
    assert 12000 <= len(big.text) <= 12000 + 400
    assert all(3000 <= len(d.text) <= 3000 + 400 for d in corpus.documents[1:])
    # passages are spread through the texts and quote them exactly
    for p in corpus.passages:
        assert corpus.get(p.document).text[p.start:p.end] == p.quote
    starts = sorted(p.start for p in corpus.passages if p.document == "doc-00000")
    assert starts[0] < len(big.text) * 0.2 and starts[-1] > len(big.text) * 0.8
    # the texts carry accented Latin and Chinese, so that folding is exercised
    text = "".join(d.text for d in corpus.documents)
    assert any(ord(c) > 0x2e80 for c in text) and any(c in text for c in "üêéçøåß")


def test_default_sizes_and_every_kind_has_evidence(tmp_path):
    generate(tmp_path / "c", SynthOptions(events=50, documents=3, seed=2, doc_chars=2000))
    corpus = load_corpus(tmp_path / "c")
    assert corpus.problems == []
    assert len(corpus.entities) == 1000 and len(corpus.relationships) == 5000
    assert any(e.is_span for e in corpus.events)
    assert {e.start.precision for e in corpus.events} == {1, 2, 3}


def test_command_line_writes_a_corpus_explorer_validate_accepts(tmp_path):
    out = tmp_path / "cli"
    run = subprocess.run([sys.executable, "-m", "explorer.core.synth", str(out), "--events", "120", "--documents", "4",
                          "--seed", "3", "--entities", "30", "--relationships", "60", "--doc-chars", "2500"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "120 events" in run.stdout
    check = subprocess.run([sys.executable, "-m", "explorer", "validate", str(out)], capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.startswith("valid: 4 documents, 120 passages, 120 events")


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path / "x", SynthOptions(documents=0))
    run = subprocess.run([sys.executable, "-m", "explorer.core.synth", str(tmp_path / "y"), "--documents", "0"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "at least one document" in run.stderr


def test_generator_does_not_import_qt(tmp_path):
    code = ("import sys; from explorer.core.synth import generate; "
            f"generate({str(tmp_path / 'q')!r}, events=20, documents=2, entities=5, relationships=5, doc_chars=500); "
            "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
