"""The corpus of bad input files: each gives one line naming its key, never a traceback.

``tests/corpus/`` holds bad scenario, experiment and calibration files and dashboard
uploads; ``tests/corpus/expected.toml`` says, for each, the key its error must name and
words of what was expected. Files are read as a user's would be: scenarios by
``coopsim validate``, experiments by ``coopsim sweep``, calibrations by ``coopsim
calibrate`` (in this process, through the command line's own code) and uploads by a
dashboard session.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopsim.cli import app
from coopsim.dashboard.session import SessionState

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED: dict[str, dict[str, str]] = tomllib.loads(
    (CORPUS / "expected.toml").read_text(encoding="utf-8")
)
COMMANDS = {
    "scenario": ("validate",),
    "experiment": ("sweep", "--workers", "1", "--quiet", "--out"),
    "calibration": ("calibrate", "--workers", "1", "--quiet", "--out"),
}


def _names(message: str, key: str) -> bool:
    """Whether ``key`` appears whole (not as part of a longer dotted key)."""
    return re.search(rf"(?<![\w.]){re.escape(key)}(?![\w.])", message) is not None


def test_the_corpus_has_at_least_150_bad_files_each_with_its_expectation() -> None:
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()}
    assert files - {"expected.toml"} == set(EXPECTED)
    assert len(EXPECTED) >= 150
    kinds = {name.split("/")[0] for name in EXPECTED}
    assert kinds == {"scenario", "experiment", "calibration", "upload"}


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if not n.startswith("upload/")))
def test_a_bad_file_gives_one_line_naming_its_key_and_exit_status_2(
    name: str, tmp_path: Path
) -> None:
    path = CORPUS / name
    command = COMMANDS[name.split("/")[0]]
    args = [*command, str(tmp_path / "out")] if command[-1] == "--out" else list(command)
    args.insert(1, str(path))
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stdout == "", result.output
    message, expected = lines[0], EXPECTED[name]
    assert message.startswith(f"error: {path}"), message
    assert _names(message, expected["key"]), f"{expected['key']!r} not named in {message!r}"
    assert expected["says"] in message, message
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def session() -> SessionState:
    return SessionState()


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.startswith("upload/")))
def test_a_bad_upload_gives_one_line_naming_its_key_and_changes_nothing(
    name: str, session: SessionState
) -> None:
    before = (dict(session.catalogue.value), session.simulation)
    upload = Path(name).name
    assert not session.upload(upload, (CORPUS / name).read_bytes())
    message, expected = session.upload_error.value, EXPECTED[name]
    assert "\n" not in message and message.startswith(f"{upload}: "), message
    assert _names(message, expected["key"]), f"{expected['key']!r} not named in {message!r}"
    assert expected["says"] in message, message
    assert (session.catalogue.value, session.simulation) == before
