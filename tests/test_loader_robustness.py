"""Issue 16, the loader's half: broken corpora that crashed or hung validate, dump and export. Each class of
input here did so before the fix (deep nesting, an unreadable folder, a lone surrogate, a FIFO); a reversed
time_range was already reported and is kept found. Then the limits the README states ("What a corpus may
hold"): only regular files are read, JSON files up to MAX_JSON_BYTES, texts up to MAX_TEXT_BYTES, JSON
nested up to MAX_NESTING, and every problem prints as one line whatever the input holds."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, write_mini_corpus
from explorer.cli import main
from explorer.core.io.load import load_corpus
from explorer.core.io.open import open_corpus
from explorer.core.io.save import finish_interrupted_save, read_stamps

# what the fix added is imported where it is used, so that the tests of each issue run on the code before it

COMMANDS = ["validate", "dump", "export"]
JSON_NAMES = ["corpus.json", "documents.json", "passages.json", "themes.json", "entities.json", "experts.json",
              "events.json", "relationships.json"]
DEEP = 100_000


@pytest.fixture()
def mini(tmp_path):
    return write_mini_corpus(tmp_path / "mini")


def _edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")  # \ud800 as JSON writes it


def _run(command: str, corpus: Path, tmp_path: Path, capsys) -> tuple[int, str, str]:
    """One command in this process, as `explorer COMMAND` would run it: (exit code, stdout, stderr)."""
    capsys.readouterr()
    if command == "export":
        code = main(["export", "timeline", str(tmp_path / "out.png"), "--corpus", str(corpus), "--width", "400",
                     "--height", "300"])
    else:
        code = main([command, str(corpus)])
    out, err = capsys.readouterr()
    return code, out, err


def _problem_lines(command: str, out: str, err: str) -> list[str]:
    """The problem lines a command printed: validate's stdout, the `warning:` lines of dump and export."""
    if command == "validate":
        return out.splitlines()
    return [line[len("warning: "):] for line in err.splitlines() if line.startswith("warning: ")]


@pytest.fixture()
def qt_if_export(request):
    """The export command renders with Qt: it needs the QApplication of the test session."""
    if "export" in request.node.name:
        request.getfixturevalue("qapp")


# -- 1. deep nesting ----------------------------------------------------------------------------------------

def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _nest_in_a_field(folder: Path, name: str, nested: str) -> None:
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    target = data if isinstance(data, dict) else data[0]
    target["title" if "title" in target or name == "corpus.json" else "name"] = "@@DEEP@@"
    (folder / name).write_text(json.dumps(data).replace('"@@DEEP@@"', nested), encoding="utf-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_deep_manifest_is_no_traceback(mini, tmp_path, capsys, command, qt_if_export):
    """The save manifest is JSON in the corpus folder too: 100,000 deep, it raised RecursionError out of
    load_corpus before anything was loaded, in all three commands."""
    (mini / ".explorer-save.json").write_text(_deep(DEEP), encoding="utf-8")
    code, out, err = _run(command, mini, tmp_path, capsys)
    assert code == 0, out + err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("name", JSON_NAMES)
@pytest.mark.parametrize("inside", [False, True], ids=["whole-file", "in-one-field"])
def test_deep_nesting_in_any_file_is_one_problem_naming_the_place(mini, tmp_path, capsys, name, inside):
    from explorer.core.io.load import MAX_NESTING

    if inside:
        _nest_in_a_field(mini, name, _deep(DEEP))
    else:
        (mini / name).write_text(_deep(DEEP), encoding="utf-8")
    code, out, err = _run("validate", mini, tmp_path, capsys)
    assert code == 1 and "Traceback" not in out + err
    first = out.splitlines()[0]
    assert first.startswith(f"{name}: line 1, column ") and first.endswith(
        f": lists or objects nested more than {MAX_NESTING} deep (a corpus file needs 5 at most); the file is "
        f"not read"), first


def _stack_depth() -> int:
    frame, n = sys._getframe(), 0
    while frame is not None:
        frame, n = frame.f_back, n + 1
    return n


@pytest.mark.parametrize("command", ["validate", "dump"])
def test_no_nesting_depth_crashes(mini, tmp_path, capsys, command):
    """Just below Python's recursion limit the standard parser read a field nested hundreds deep, and
    printing its value then raised RecursionError: every depth around that point, wherever the call
    stack is, must give a problem and no traceback."""
    top = sys.getrecursionlimit() - _stack_depth()
    original = (mini / "events.json").read_text(encoding="utf-8")
    for depth in range(max(1, top - 60), top + 10):
        (mini / "events.json").write_text(original, encoding="utf-8")
        _nest_in_a_field(mini, "events.json", _deep(depth))
        code, out, err = _run(command, mini, tmp_path, capsys)
        assert code == (1 if command == "validate" else 0), (depth, out[-300:] + err[-300:])
        assert any(line.startswith("events.json: ") for line in _problem_lines(command, out, err)), depth


def test_the_nesting_limit_is_the_same_for_both_parsers(mini, tmp_path, capsys):
    """pydantic-core's parser reads the usual file; a lone surrogate sends it to the standard one. At
    MAX_NESTING the field is merely of the wrong type, one deeper the file is refused, either way."""
    from explorer.core.io.load import MAX_NESTING

    for surrogate in (False, True):
        for depth, refused in ((MAX_NESTING - 2, False), (MAX_NESTING - 1, True)):  # the list and the object
            (mini / "events.json").unlink()
            write_mini_corpus(mini)
            if surrogate:
                _edit(mini, "events.json", lambda d: d[1].update(title="\ud800"))
            _nest_in_a_field(mini, "events.json", _deep(depth))
            problems = [str(p) for p in load_corpus(mini).problems if p.file == "events.json"]
            assert any(f"nested more than {MAX_NESTING} deep" in p for p in problems) == refused, \
                (surrogate, depth, problems)
            if not refused:
                assert problems[0].startswith("events.json: [0].title: Must be a string, in double quotes, not [[[")


def test_deep_documents_json_does_not_stop_the_window_or_fix(mini, tmp_path, capsys):
    """read_stamps (taken before loading, by the window and by validate --fix) parsed documents.json and
    raised RecursionError."""
    (mini / "documents.json").write_text(_deep(DEEP), encoding="utf-8")
    corpus = open_corpus(mini)
    assert str(corpus.problems[0]).startswith("documents.json: line 1, column ")
    assert "documents.json" in corpus.file_stamps
    capsys.readouterr()
    assert main(["validate", "--fix", str(mini)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert any(line.startswith("documents.json: line 1, column ") for line in out.splitlines()), out
    assert (mini / "documents.json").read_text(encoding="utf-8") == _deep(DEEP)  # not rewritten


# -- 2. an unreadable folder, for real ------------------------------------------------------------------------

def _unprivileged(command: list[str]) -> list[str]:
    """``command`` run so that file permissions apply: as root, without the capabilities that bypass them."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to drop the capabilities")
        return [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    return command


def _explorer(*args: str, timeout: float = 120, unprivileged: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "explorer", *args]
    return subprocess.run(_unprivileged(command) if unprivileged else command, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=timeout)


@pytest.fixture()
def locked(tmp_path):
    """A corpus folder with mode 000, and one inside a folder with mode 000; modes put back afterwards."""
    folder = write_mini_corpus(tmp_path / "locked")
    outer = tmp_path / "outer"
    inner = write_mini_corpus(outer / "inner")
    folder.chmod(0)
    outer.chmod(0)
    yield folder, inner
    folder.chmod(0o755)
    outer.chmod(0o755)


def _skip_without_permissions(result: subprocess.CompletedProcess) -> None:
    if "Operation not permitted" in result.stderr and "setpriv" in result.stderr:
        pytest.skip(f"cannot drop capabilities here: {result.stderr.strip()[:200]}")


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unreadable_folder_is_one_line_and_exit_2(locked, tmp_path, command):
    folder, inner = locked
    for target, why in ((folder, "the folder cannot be read (permission denied)"),
                        (inner, "cannot be read (permission denied)")):
        args = ["export", "timeline", str(tmp_path / "out.png"), "--corpus", str(target)] if command == "export" \
            else [command, str(target)]
        result = _explorer(*args)
        _skip_without_permissions(result)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr == f"explorer: {target}: {why}\n"
        assert result.stdout == ""


_OPEN_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from explorer.core.io.load import NotACorpusError, is_corpus_folder
    from explorer.core.io.open import open_corpus

    for path in map(Path, sys.argv[1:]):
        assert not is_corpus_folder(path)
        try:
            open_corpus(path)
        except NotACorpusError as exc:
            print(exc)
""")


def test_an_unreadable_folder_is_a_not_a_corpus_error_for_the_window(locked, tmp_path):
    folder, inner = locked
    script = tmp_path / "child.py"
    script.write_text(_OPEN_CHILD, encoding="utf-8")
    result = subprocess.run(_unprivileged([sys.executable, str(script), str(folder), str(inner)]),
                            capture_output=True, text=True, timeout=120)
    _skip_without_permissions(result)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{folder}: the folder cannot be read (permission denied)",
                                          f"{inner}: cannot be read (permission denied)"]


def test_unreadable_files_in_a_readable_folder_are_problems(mini, tmp_path):
    (mini / "events.json").chmod(0)
    (mini / "docs").chmod(0)
    try:
        result = _explorer("validate", str(mini))
    finally:
        (mini / "events.json").chmod(0o644)
        (mini / "docs").chmod(0o755)
    _skip_without_permissions(result)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "events.json: file: cannot be read (permission denied)" in lines
    assert "docs/a.txt: file: cannot be read (permission denied); document doc-a skipped" in lines


# -- 3. strings that cannot be printed as they are -----------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_a_lone_surrogate_in_an_id_prints(mini, tmp_path, capsys, command, qt_if_export):
    """Valid JSON ("ev-\\ud800") but not text: the line naming the item raised UnicodeEncodeError."""
    _edit(mini, "events.json", lambda d: d[0].update(id="ev-\ud800", title=5))
    code, out, err = _run(command, mini, tmp_path, capsys)
    assert code == (1 if command == "validate" else 0), out + err
    lines = _problem_lines(command, out, err)
    assert lines[:2] == [
        'events.json: [0].id: "ev-\\ud800" is not text (it holds the lone surrogate \\ud800, half of a UTF-16 '
        'pair); item skipped',
        "events.json: [0].title: Must be a string, in double quotes, not 5 in ev-\\ud800; item skipped"]


@pytest.mark.parametrize("key, shown", [("a\nb", "a\\x0ab"), ("\x1b[2J", "\\x1b[2J"), ("x\u202ey", "x\\u202ey"),
                                        ("\x00", "\\x00"), ("\u200f", "\\u200f")])
def test_any_string_prints_as_one_line(mini, tmp_path, capsys, key, shown):
    """Field names and values are quoted in problems: control characters (a newline, a terminal escape),
    bidirectional overrides and marks come out as escapes, so that each problem is one line, shown as it is."""
    _edit(mini, "events.json", lambda d: d[1].update({key: 1}))
    code, out, err = _run("validate", mini, tmp_path, capsys)
    assert code == 1
    assert out.splitlines() == [f"events.json: [1].{shown}: Unknown field '{shown}' in ev-opened; item skipped",
                                "events.json: file: 1 reference to skipped events was dropped"] or \
        out.splitlines()[0] == f"events.json: [1].{shown}: Unknown field '{shown}' in ev-opened; item skipped", out


def test_other_scripts_and_astral_characters_print_as_they_are(mini, tmp_path, capsys):
    _edit(mini, "entities.json", lambda d: d[0].update(kind="国家 𝔘 שלום"))
    code, out, err = _run("validate", mini, tmp_path, capsys)
    assert out.splitlines()[0] == ('entities.json: [0].kind: "国家 𝔘 שלום" is not one of country, person, '
                                   'organisation, project, agreement, place, event, group in ent-bridge; item skipped')


def test_printable_escapes_only_what_cannot_be_shown():
    from explorer.core.io.load import printable

    assert printable("中文 العربية 𝔘 “quotes” — é") == "中文 العربية 𝔘 “quotes” — é"
    assert printable("a\ud800b\udfff\x00\t\n\r\x1b\x7f\x85\u202e\u2066\ufeff") == \
        "a\\ud800b\\udfff\\x00\\x09\\x0a\\x0d\\x1b\\x7f\\x85\\u202e\\u2066\\ufeff"
    text = "plain"
    assert printable(text) is text


def test_output_survives_an_ascii_terminal(mini):
    """Whatever the encoding of stdout and stderr, nothing raises: what they cannot encode becomes an escape
    (the dump itself is JSON, always UTF-8)."""
    _edit(mini, "entities.json", lambda d: d[0].update(kind="国家"))
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    for command in ("validate", "dump"):
        result = subprocess.run([sys.executable, "-m", "explorer", command, str(mini)], capture_output=True,
                                cwd=ROOT, env=env, timeout=120)
        assert b"Traceback" not in result.stderr, result.stderr
        assert result.returncode == (1 if command == "validate" else 0)
        lines = (result.stdout if command == "validate" else result.stderr).decode("ascii").splitlines()
        assert lines[0] == ('entities.json: [0].kind: "\\u56fd\\u5bb6" is not one of country, person, organisation, '
                            'project, agreement, place, event, group in ent-bridge; item skipped'.replace(
                                "entities", "warning: entities" if command == "dump" else "entities", 1))
    assert json.loads(result.stdout.decode("utf-8"))["documents"][0]["id"] == "doc-a"


# -- 6. special files ------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _rescue_fifos(*fifos: Path, after: float = 15.0):
    """Fail instead of hanging: if something still waits on one of ``fifos`` after ``after`` seconds, open it
    for writing and close it (the reader sees an empty file) until the block ends, and report it."""
    stop = threading.Event()
    rescued: list[str] = []

    def watch():
        if stop.wait(after):
            return
        while not stop.is_set():
            for fifo in fifos:
                try:
                    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:  # nobody is reading it (ENXIO), or it is gone
                    continue
                os.close(fd)
                rescued.append(fifo.name)
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield rescued
    finally:
        stop.set()
        thread.join()


def _fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    if path.exists() or path.is_symlink():
        path.unlink()
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", ["documents.json", "events.json", "corpus.json", "docs/a.txt"])
def test_a_fifo_in_place_of_a_file_is_a_problem_not_a_hang(mini, tmp_path, capsys, command, name, qt_if_export):
    fifo = _fifo(mini / name)
    with _rescue_fifos(fifo) as rescued:
        code, out, err = _run(command, mini, tmp_path, capsys)
    assert not rescued, f"{command} waited on the FIFO {name}"
    assert code == (1 if command == "validate" else 0), out + err
    lines = _problem_lines(command, out, err)
    what = "it is not read; document doc-a skipped" if name == "docs/a.txt" else "it is not read"
    assert f"{name}: file: is a named pipe (FIFO), not a regular file; {what}" in lines[0], lines
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # left as it is


def test_a_fifo_does_not_hang_the_command_for_real(mini):
    """The same in a process of its own, as a user runs it (before: killed by the timeout)."""
    _fifo(mini / "themes.json")
    result = _explorer("validate", str(mini), timeout=60, unprivileged=False)
    assert result.returncode == 1
    assert result.stdout.startswith("themes.json: file: is a named pipe (FIFO), not a regular file; it is not read")


def test_the_window_and_fix_do_not_wait_on_fifos(mini, capsys):
    """open_corpus reads the stamps and finishes an interrupted save before it loads; validate --fix reads
    the files again to tell which it may rewrite. None of them opens a FIFO."""
    fifos = [_fifo(mini / "events.json"), _fifo(mini / "docs" / "a.txt")]
    manifest = _fifo(mini / ".explorer-save.json")  # explorer's own name: a save may replace it
    with _rescue_fifos(*fifos, manifest) as rescued:
        corpus = open_corpus(mini)
        stamps = read_stamps(mini)
        notes = finish_interrupted_save(mini)
        capsys.readouterr()
        code = main(["validate", "--fix", str(mini)])
    assert not rescued, rescued
    assert [p.file for p in corpus.problems[:2]] == ["events.json", "docs/a.txt"]
    assert "events.json" not in stamps and "docs/a.txt" not in stamps and "themes.json" in stamps
    assert corpus.file_stamps == stamps and notes == [] and corpus.notes == []
    assert code == 1
    assert all(stat.S_ISFIFO(os.stat(f).st_mode) for f in fifos)  # nothing was written over them


def test_a_save_never_writes_over_a_fifo(mini):
    from explorer.core.io.save import SaveError, save_corpus

    corpus = load_corpus(mini)
    fifo = _fifo(mini / "themes.json")
    with _rescue_fifos(fifo) as rescued, pytest.raises(SaveError, match="cannot read themes.json in .*: it is a "
                                                                         "named pipe \\(FIFO\\), not a regular file; "
                                                                         "nothing was saved"):
        save_corpus(corpus, files={"themes.json"})
    assert not rescued and stat.S_ISFIFO(os.stat(fifo).st_mode)


def _special_files(folder: Path):
    """(name, what it is) for special files made in ``folder``: a socket, a folder, a device if allowed."""
    made = []
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(folder / "sock"))
        made.append(("sock", "a socket"))
    except OSError:
        pass
    finally:
        sock.close()
    (folder / "dir").mkdir()
    made.append(("dir", "a folder"))
    try:
        os.mknod(folder / "dev", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
        made.append(("dev", "a character device"))
    except (OSError, AttributeError):
        pass
    return made


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
def test_other_special_files_and_links_to_them_are_refused(mini):
    made = _special_files(mini / "docs")
    os.symlink("sock", mini / "docs" / "link-to-sock")
    os.symlink("loop", mini / "docs" / "loop")
    os.symlink("missing", mini / "docs" / "dangling")
    files = [f"docs/{n}" for n, _ in made] + ["docs/link-to-sock", "docs/loop", "docs/dangling", "docs/a\x00.txt"]
    _edit(mini, "documents.json", lambda d: d.extend(
        {"id": f"doc-{i}", "title": "T", "file": f} for i, f in enumerate(files)))
    problems = [str(p) for p in load_corpus(mini).problems]
    kinds = dict(made)
    expected = []
    for i, f in enumerate(files):
        n = f.split("/", 1)[1]
        if n == "dir":
            expected.append(f"documents.json: [{i + 1}].file: 'docs/dir' is a folder, not a text file; document "
                            f"doc-{i} skipped")
        elif n in kinds or n == "link-to-sock":
            expected.append(f"{f}: file: is {kinds.get(n, 'a socket')}, not a regular file; it is not read; "
                            f"document doc-{i} skipped")
        elif n == "loop":
            expected.append(f"{f}: file: cannot be read (a loop of symbolic links); document doc-{i} skipped")
        elif n == "dangling":
            expected.append(f"documents.json: [{i + 1}].file: 'docs/dangling' does not exist; document doc-{i} "
                            f"skipped")
        else:
            expected.append(f'documents.json: [{i + 1}].file: "docs/a\\u0000.txt" is not a file name (it holds a '
                            f'NUL character); document doc-{i} skipped')
    assert problems == expected


def test_a_folder_in_place_of_an_annotation_file(mini):
    (mini / "themes.json").unlink()
    (mini / "themes.json").mkdir()
    assert str(load_corpus(mini).problems[0]) == "themes.json: file: is a folder, not a regular file; it is not read"


# -- size limits -------------------------------------------------------------------------------------------------

def _sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no room on the disk (a hole), unless the file system has none."""
    with open(path, "r+b" if path.exists() else "wb") as f:
        f.truncate(size)


def test_files_above_the_limits_are_refused_without_being_read(mini):
    from explorer.core.io.load import MAX_JSON_BYTES, MAX_TEXT_BYTES

    _sparse(mini / "events.json", MAX_JSON_BYTES + 1)
    _sparse(mini / "docs" / "a.txt", MAX_TEXT_BYTES + 1)
    problems = [str(p) for p in load_corpus(mini).problems]
    assert problems[:2] == [
        "events.json: file: is too large to read (536,870,913 bytes; the limit for a JSON file is 512 MiB)",
        "docs/a.txt: file: is too large to read (67,108,865 bytes; the limit for a document is 64 MiB); document "
        "doc-a skipped"]


def test_files_at_the_limits_are_read(mini):
    from explorer.core.io.load import MAX_TEXT_BYTES

    text = (mini / "docs" / "a.txt").read_bytes()
    (mini / "docs" / "a.txt").write_bytes(text + b" " * (MAX_TEXT_BYTES - len(text)))
    assert load_corpus(mini).problems == []


def test_a_file_whose_size_is_not_known_is_read_up_to_the_limit(tmp_path):
    """/proc files say they are empty; a file can grow while it is read: at most limit + 1 bytes are read."""
    from explorer.core.io.save import FileTooLarge, read_regular_file

    proc = Path("/proc/self/status")
    if not proc.is_file():
        pytest.skip("no /proc")
    assert os.stat(proc).st_size == 0
    data, _ = read_regular_file(proc, 1 << 20)
    assert b"Name:" in data
    with pytest.raises(FileTooLarge):
        read_regular_file(proc, 10)


# -- 7. a reversed time range ----------------------------------------------------------------------------------

REVERSED = ('corpus.json: .time_range: The time range ["2022", "1988"] ends before it starts; write the earlier '
            'date first: ["1988", "2022"]; it is ignored')


@pytest.mark.parametrize("command", COMMANDS)
def test_a_reversed_time_range_is_reported_and_ignored(mini, tmp_path, capsys, command, qt_if_export):
    """Already reported before issue 16 (this keeps it found): never valid, never a narrower timeline."""
    _edit(mini, "corpus.json", lambda d: d.update(time_range=["2022", "1988"]))
    code, out, err = _run(command, mini, tmp_path, capsys)
    assert code == (1 if command == "validate" else 0), out + err
    assert _problem_lines(command, out, err) == [REVERSED]
    if command == "dump":
        assert json.loads(out)["corpus"]["time_range"] is None
    corpus = load_corpus(mini)
    assert corpus.info.time_range is None and corpus.info.title == "Mini"


def test_the_journal_is_read_safely_too(tmp_path):
    """The journal of unsaved edits (in the user's state folder) is JSON lines: a line nested 100,000 deep
    is one line that cannot be read, and a FIFO in its place is not waited on."""
    from explorer.core.io.journal import Journal

    path = tmp_path / "corpus.journal.jsonl"
    path.write_text('{"v": 1, "base": {"root": "", "stamps": {}}}\n' + _deep(DEEP) + "\n", encoding="utf-8")
    contents = Journal(path).read()
    assert contents.entries == [] and len(contents.problems) == 1
    assert contents.problems[0].startswith("line 2: cannot be read (maximum recursion depth exceeded")
    fifo = _fifo(path)
    with _rescue_fifos(fifo) as rescued:
        contents = Journal(path).read()
    assert not rescued
    assert contents.problems == [f"the journal {path} cannot be read (it is a named pipe (FIFO), not a regular file)"]
