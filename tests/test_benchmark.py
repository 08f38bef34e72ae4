"""Smoke run of the benchmark at a small scale: correctness only, no timing assertions.
The incremental marts after adding a day must equal a full refresh of the same files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import benchmark


def test_benchmark_smoke_incremental_equals_full_refresh(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    code = benchmark.main(["--records", "20000", "--days", "4", "--verify", "--no-doc", "--scale-records-per-day", "0",
                           "--repeat", "2", "--scratch", str(tmp_path / "scratch"), "--json", str(figures)])
    assert code == 0
    result = json.loads(figures.read_text())
    assert result["verified"] is True
    assert set(result["steps"]) == {"generate", "raw_scan", "full", "incremental"}
    assert all(step["seconds"] > 0 for step in result["steps"].values())
    # the scheduled build ran twice from the same database (each run loaded the same new lines, or
    # the benchmark stops), and the median of the two runs counts
    runs = [float(s) for s in result["steps"]["incremental"]["note"].removeprefix("median of 2: ").split(", ")]
    assert len(runs) == 2 and result["steps"]["incremental"]["seconds"] == pytest.approx(min(runs), abs=0.05)


def test_benchmark_refuses_a_folder_it_did_not_create(tmp_path: Path) -> None:
    """`--scratch .` must never delete a checkout: a non-empty folder without the benchmark's marker
    is refused before anything is written or removed."""
    precious = tmp_path / "checkout"
    precious.mkdir()
    (precious / "README.md").write_text("keep me")
    try:
        benchmark.main(["--records", "100", "--days", "2", "--no-doc", "--scratch", str(precious)])
    except SystemExit as stop:
        assert "UnsafeScratch" in str(stop.code)
    else:
        raise AssertionError("the benchmark used a folder it did not create")
    assert (precious / "README.md").read_text() == "keep me"
    assert sorted(p.name for p in precious.iterdir()) == ["README.md"]
