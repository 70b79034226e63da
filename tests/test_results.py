"""Result folders: written beside their place, moved in whole, listed with checksums."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from coopsim.results import ResultError, ResultFolder, read_listing

KNOWN = ("a.txt", "b.txt", "c.txt")


def _result(out: Path, files: dict[str, str], **meta: object) -> list[Path]:
    with ResultFolder(out, KNOWN) as folder:
        for name, text in files.items():
            folder.write(name, lambda p, t=text: p.write_text(t))
        return folder.commit(meta)


def _contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


def test_a_result_lists_every_file_with_its_size_and_checksum(tmp_path: Path) -> None:
    written = _result(tmp_path / "out", {"a.txt": "alpha", "b.txt": "beta"}, seed=3)
    assert [p.name for p in written] == ["a.txt", "b.txt", "run.json"]
    listing = json.loads((tmp_path / "out" / "run.json").read_text())
    assert listing["seed"] == 3
    assert listing["files"] == {
        "a.txt": {"bytes": 5, "sha256": hashlib.sha256(b"alpha").hexdigest()},
        "b.txt": {"bytes": 4, "sha256": hashlib.sha256(b"beta").hexdigest()},
    }
    assert read_listing(tmp_path / "out")["seed"] == 3


def test_a_new_result_replaces_the_old_one_as_a_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _result(out, {"a.txt": "old", "c.txt": "only in the old result"}, run=1)
    _result(out, {"a.txt": "new", "b.txt": "new"}, run=2)
    assert set(_contents(out)) == {"a.txt", "b.txt", "run.json"}  # c.txt went with the old
    assert read_listing(out)["run"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]  # nothing left


def test_a_result_that_fails_half_way_leaves_the_old_one_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _result(out, {"a.txt": "old"}, run=1)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    def broken(path: Path) -> None:
        path.write_text("half")
        raise OSError(28, "No space left on device")

    failure = re.escape("cannot write b.txt (No space left on device)")
    with pytest.raises(ResultError, match=failure), ResultFolder(out, KNOWN) as folder:
        folder.write("a.txt", lambda p: p.write_text("new"))
        folder.write("b.txt", broken)
    assert _contents(out)["a.txt"] == "old"
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_a_second_writer_to_the_same_folder_is_refused_before_it_works(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with ResultFolder(out, KNOWN), pytest.raises(ResultError, match="another coopsim command"):
        ResultFolder(out, KNOWN).__enter__()


@pytest.mark.parametrize(
    ("intruder", "words"),
    [("notes.docx", "holds notes.docx"), (".git", "holds .git"), ("drafts", "holds drafts")],
)
def test_a_folder_holding_other_work_is_never_replaced(
    tmp_path: Path, intruder: str, words: str
) -> None:
    out = tmp_path / "out"
    _result(out, {"a.txt": "old"})
    if intruder == "drafts":
        (out / intruder).mkdir()
    else:
        (out / intruder).write_text("the user's work")
    with pytest.raises(ResultError, match=words):
        _result(out, {"a.txt": "new"})
    assert (out / intruder).exists() and (out / "a.txt").read_text() == "old"


def test_an_unwritable_place_is_found_when_entering_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ResultError, match="cannot write here"):
        ResultFolder(blocker / "out", KNOWN).__enter__()


@pytest.mark.parametrize("out", ["", ".", ".."])
def test_the_current_folder_or_one_holding_it_cannot_be_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    with pytest.raises(ResultError, match="give a folder for the results"):
        ResultFolder(Path(out), KNOWN)


def test_what_a_killed_writer_left_beside_the_folder_is_tidied(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _result(out, {"a.txt": "old"})
    # a writer killed after moving the old result aside and before moving the new one in
    out.rename(tmp_path / ".out.999.old")
    (tmp_path / ".out.999.partial").mkdir()
    (tmp_path / ".out.999.partial" / "a.txt").write_text("half")
    assert not out.exists()
    with ResultFolder(out, KNOWN):
        assert _contents(out) == {"a.txt": "old", "run.json": _contents(out)["run.json"]}
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_a_changed_file_fails_the_checksum_of_its_listing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _result(out, {"a.txt": "alpha"})
    (out / "a.txt").write_text("alphA")
    with pytest.raises(ResultError, match=r"a\.txt has changed since it was written"):
        read_listing(out)
    os.remove(out / "a.txt")
    with pytest.raises(ResultError, match=r"a\.txt is listed in run\.json but missing"):
        read_listing(out)
