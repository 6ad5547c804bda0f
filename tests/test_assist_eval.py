"""The reading assistant's quality goals on the seed texts hold (benchmarks/assist/eval.py, in-process):
dated events found at the right precision with recall >= 90% and precision >= 60%, every voice written
with a native-script name found with it; and the evaluation reads its written texts' gold."""

import importlib.util

from conftest import ROOT


def _eval_module():
    spec = importlib.util.spec_from_file_location("assist_eval", ROOT / "benchmarks" / "assist" / "eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_goals_on_the_seed_texts_hold():
    ev = _eval_module()
    results = [ev.evaluate(case) for case in ev.seed_cases()]
    assert len(results) == 2
    gold = sum(r["events"]["gold"] for r in results)
    found = sum(r["events"]["found"] for r in results)
    candidates = sum(r["events"]["candidates"] for r in results)
    correct = sum(r["events"]["correct"] for r in results)
    assert gold >= 20 and found / gold >= 0.9
    assert correct / candidates >= 0.6
    assert sum(r["voices"]["with_native_found"] for r in results) == sum(r["voices"]["with_native_gold"]
                                                                           for r in results) > 0


def test_the_written_texts_and_their_gold_agree():
    ev = _eval_module()
    cases = ev.written_cases()  # every gold quote is in its text (else it stops naming the quote)
    assert {c["name"] for c in cases} == {"chronology.txt", "explainer.txt", "commentary.txt", "report.txt"}
    table = ev.table([ev.evaluate(c) for c in cases])
    assert table.count("\n") == 1 + len(cases) + 3
