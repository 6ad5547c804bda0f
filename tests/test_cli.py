"""The command line: exit codes and messages, in a subprocess, as a user runs it."""

import json
import os
import subprocess
import sys

import pytest

from conftest import DATA, ROOT


def run(*args, cwd=None):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "explorer", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=120)


def test_validate_default_corpus_is_clean():
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid: ") and " events" in result.stdout
    assert result.stdout.count("\n") == 1


def test_validate_reports_problems_one_per_line(mini_corpus):
    (mini_corpus / "events.json").write_text("[{", encoding="utf-8")
    (mini_corpus / "docs" / "a.txt").write_bytes(b"\xff\xfe broken")
    result = run("validate", mini_corpus)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("events.json: line 1, column 3: malformed JSON")
    assert "docs/a.txt: line 1: is not UTF-8 text (byte 0); document doc-a skipped" in lines
    assert all(": " in line for line in lines)
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("target", ["does-not-exist", "README.md", "src"])
def test_validate_not_a_corpus_exits_2(target):
    result = run("validate", ROOT / target)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("explorer: ") and "Traceback" not in result.stderr


def test_dump_is_json_with_the_documented_keys():
    result = run("dump")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("documents", "passages", "events", "experts", "entities", "relationships", "themes"):
        assert isinstance(data[key], list) and data[key], key
    doc = data["documents"][0]
    assert {"id", "title", "author", "date", "text"} <= doc.keys()
    assert {"id", "document", "start", "end", "quote"} <= data["passages"][0].keys()
    ev = data["events"][0]
    assert {"id", "title", "summary", "start", "end", "inferred", "themes", "actors", "passages"} <= ev.keys()
    assert {"id", "name", "native_name", "affiliation", "role", "passages"} <= data["experts"][0].keys()
    assert {"id", "source", "target", "kind", "start", "end", "passages"} <= data["relationships"][0].keys()
    # dates as partial ISO strings
    assert all(len(e["start"]) in (4, 7, 10) for e in data["events"])


def test_dump_pipes_into_json_tool():
    dump = run("dump")
    tool = subprocess.run([sys.executable, "-m", "json.tool"], input=dump.stdout, capture_output=True, text=True)
    assert tool.returncode == 0 and "documents" in tool.stdout


def test_dump_of_mini_corpus_round_trips(mini_corpus):
    data = json.loads(run("dump", mini_corpus).stdout)
    assert [e["id"] for e in data["events"]] == ["ev-proposed", "ev-opened", "ev-trade"]
    assert data["events"][2]["end"] == "2021-11" and data["events"][0]["end"] is None
    assert data["experts"][0]["native_name"] == "李伟"


def test_unknown_command_line_option_is_a_usage_error():
    result = run("validate", "--frobnicate")
    assert result.returncode == 2 and "usage" in result.stderr


def test_main_py_runs_the_same_cli(tmp_path):
    # main.py re-runs itself in .venv unless already inside it; point it at the running interpreter's env
    env = dict(os.environ, EXPLORER_VENV=sys.prefix, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "validate", str(DATA)], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: ")
