"""The README's Python example runs as written, on a corpus that has what it names."""

from __future__ import annotations

import re

from conftest import ROOT, write_corpus_folder

TEXT = "A report. The port opened in May 2022, ahead of plan. China and the PRC are one.\n"


def test_the_python_api_example_runs(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"### From Python.*?```python\n(.*?)```", readme, re.S).group(1)
    p = {"id": "p-china", "document": "doc-report", "quote": "China and the PRC are one."}
    write_corpus_folder(tmp_path / "my-corpus", {"report.txt": TEXT}, {
        "documents.json": [{"id": "doc-report", "title": "Report", "file": "report.txt"}],
        "passages.json": [p],
        "entities.json": [{"id": "ent-china", "name": "China", "kind": "country", "passages": ["p-china"]},
                          {"id": "ent-prc", "name": "PRC", "kind": "country", "passages": ["p-china"]},
                          {"id": "ent-old", "name": "Old name", "passages": ["p-china"]}],
        "relationships.json": [{"id": "rel-x", "source": "ent-old", "target": "ent-china", "kind": "was",
                                "passages": ["p-china"]}],
    })
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    ws = namespace["ws"]
    from explorer.core import load_corpus

    saved = load_corpus(tmp_path / "my-corpus")
    assert not saved.problems
    assert saved.get("ev-port-opened").summary == "As the report says."
    assert saved.get("ent-prc") is None and saved.get("ent-china").aliases == ["PRC"]
    assert saved.get("ent-old") is None and saved.get("rel-x") is None
    assert not ws.modified
