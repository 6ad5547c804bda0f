"""The benchmark suite at its smallest size, as CI runs it: it must finish and write its JSON. No timing
is asserted here (CI machines are too noisy); the figures are for docs/performance.md."""

import json
import os
import subprocess
import sys

from conftest import ROOT

RUN = ROOT / "benchmarks" / "run.py"


def test_benchmark_suite_runs_at_the_smallest_size(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, str(RUN), "--sizes", "200", "--quick", "--out", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (tmp_path / "latest.json").is_file()
    data = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert {"machine", "sizes", "startup", "targets", "command"} <= set(data)
    assert {"cpu", "cores", "python", "qt", "pyqtgraph"} <= set(data["machine"])
    size = data["sizes"]["200"]
    assert size["options"]["events"] == 200
    assert {"load_validate", "index_build", "search", "search_first", "counts"} <= set(size["data"])
    assert size["data"]["counts"]["events"] == 200 and size["data"]["problems"] == 0
    assert {"timeline", "pyqtgraph_scatter", "matplotlib"} <= set(size["frames"])
    assert all(size["frames"][k]["n"] > 0 for k in ("timeline", "pyqtgraph_scatter"))
    try:
        import matplotlib  # noqa: F401  (the `bench` extra)
    except ImportError:
        pass
    else:
        assert size["frames"]["matplotlib"]["n"] > 0
    assert {"selection", "selection_by_kind", "export_4k_timeline", "export_4k_window"} <= set(size["ui"])
    assert size["memory"]["peak_rss_mb"] > 0
    assert {"bare", "explorer", "explorer_ready"} <= set(data["startup"])
    assert "| measure" in result.stdout and "results:" in result.stdout
