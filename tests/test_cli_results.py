"""``coopsim run --out``: a result folder is whole, locked while written, and never a mix.

These tests run the command as a user does, in a subprocess, and kill it with SIGKILL at
known moments of its write phase (the ``COOPSIM_TEST_PAUSE`` hook of
:mod:`coopsim.results` makes it wait there).
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from commandline import assert_one_error_line, coopsim, environment

from coopsim.cli import RUN_FILES
from coopsim.results import LISTING, PAUSE, ResultFolder, read_listing

ROOT = Path(__file__).resolve().parents[1]
VILLAGE = ROOT / "scenarios" / "village_machinery.toml"


def start_paused(*args: str | Path, cwd: Path, step: str) -> subprocess.Popen[str]:
    """Start ``coopsim`` and return once it waits at ``step`` of its write phase."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "coopsim.cli", *map(str, args)],
        cwd=cwd,
        env=environment(**{PAUSE: step}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line == f"paused at {step}\n", line + proc.stderr.read()
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()


def _run(out: Path, seed: int, *extra: str) -> tuple[str, ...]:
    return ("run", VILLAGE, "--years", "3", "--seed", str(seed), "--out", out, "--quiet", *extra)


def _whole(out: Path) -> dict:
    """The listing of ``out``, after checking that it holds exactly the files it lists."""
    listing = read_listing(out)  # every listed file is there with its checksum
    assert {p.name for p in out.iterdir()} == {*listing["files"], LISTING}
    return listing


@pytest.fixture(scope="module")
def old_result(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete result with the decision log, made with seed 1."""
    out = tmp_path_factory.mktemp("old") / "out"
    proc = coopsim(*_run(out, 1, "--decisions"), cwd=out.parent)
    assert proc.returncode == 0, proc.stderr
    return out


def _copy(result: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for path in result.iterdir():
        (out / path.name).write_bytes(path.read_bytes())
    return out


@pytest.mark.parametrize(
    ("step", "survivor"),
    [
        ("write:model.parquet", "old"),
        ("write:model.csv", "old"),
        ("write:payments.parquet", "old"),
        ("listing", "old"),
        ("swap", "old"),
        ("tidy", "new"),
    ],
)
def test_a_run_killed_while_writing_leaves_a_whole_old_or_whole_new_result(
    old_result: Path, tmp_path: Path, step: str, survivor: str
) -> None:
    out = _copy(old_result, tmp_path)
    kill(start_paused(*_run(out, 2), cwd=tmp_path, step=step))
    listing = _whole(out)
    if survivor == "old":
        assert listing["seed"] == 1 and "decisions.parquet" in listing["files"]
    else:  # the new run, without a decision log: the old log went with the old result
        assert listing["seed"] == 2 and "decisions.parquet" not in listing["files"]
    # the next command writing there tidies what the killed one left beside the folder
    with ResultFolder(out, RUN_FILES):
        assert _whole(out) == listing
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_a_second_run_into_a_folder_being_written_is_refused_and_changes_nothing(
    old_result: Path, tmp_path: Path
) -> None:
    out = _copy(old_result, tmp_path)
    first = start_paused(*_run(out, 2), cwd=tmp_path, step="write:model.csv")
    try:
        second = coopsim(*_run(out, 3), cwd=tmp_path)
        assert_one_error_line(second, str(out), "another coopsim command is writing to this folder")
    finally:
        kill(first)
    assert _whole(out)["seed"] == 1


def test_a_run_without_decisions_leaves_no_decision_log_of_an_earlier_run(
    old_result: Path, tmp_path: Path
) -> None:
    out = _copy(old_result, tmp_path)
    assert coopsim(*_run(out, 2), cwd=tmp_path).returncode == 0
    assert not (out / "decisions.parquet").exists()
    explained = coopsim("explain", out, "0", cwd=tmp_path)
    assert_one_error_line(explained, "no decision log here")


def test_a_read_only_run_json_is_replaced_with_the_tables(old_result: Path, tmp_path: Path) -> None:
    out = _copy(old_result, tmp_path)
    (out / LISTING).chmod(0o444)
    proc = coopsim(*_run(out, 2), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    listing = _whole(out)
    table = pd.read_parquet(out / "model.parquet")
    assert listing["seed"] == 2 and len(table) == 3


def test_an_empty_out_is_refused_and_nothing_is_written_in_the_current_folder(
    tmp_path: Path,
) -> None:
    proc = coopsim("run", VILLAGE, "--years", "2", "--out", "", cwd=tmp_path)
    assert_one_error_line(proc, "--out '.'", "give a folder for the results")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_holding_other_files_is_refused_before_simulating(tmp_path: Path) -> None:
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.tex").write_text("years of work")
    proc = coopsim(*_run(out, 1), cwd=tmp_path)
    assert_one_error_line(
        proc, "holds chapter1.tex, which is not part of a run", "nothing was changed"
    )
    assert [p.name for p in out.iterdir()] == ["chapter1.tex"]


def test_explain_refuses_a_decision_log_changed_since_the_run(
    old_result: Path, tmp_path: Path
) -> None:
    out = _copy(old_result, tmp_path)
    log = pd.read_parquet(out / "decisions.parquet")
    log.iloc[::-1].to_parquet(out / "decisions.parquet")
    assert_one_error_line(
        coopsim("explain", out, "0", cwd=tmp_path),
        "decisions.parquet has changed since it was written",
    )
