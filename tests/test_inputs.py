"""Input files are read safely: size, encoding and nesting are checked before TOML parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopsim import ScenarioError, load_scenario
from coopsim.inputs import MAX_DEPTH, MAX_KEY_PARTS, check_nesting, parse_toml

GOOD = "[population]\nfarms = 100\nregions = 2\n[policy]\nmember_grant = 5_000.5\n"


def _error(tmp_path: Path, data: bytes | str) -> str:
    path = tmp_path / "input.toml"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message, message
    return message


def test_a_file_starting_with_a_byte_order_mark_is_read_like_one_without(tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.toml", tmp_path / "marked.toml"
    plain.write_text(GOOD, encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert load_scenario(marked) == load_scenario(plain)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a = " + "[" * 3000 + "]" * 3000 + "\n", 1),
        ("a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n", 1),
        # one bracket a line: the level MAX_DEPTH + 1 opens on line MAX_DEPTH + 1
        ("a = [\n" + "[\n" * 3000 + "]\n" * 3001, MAX_DEPTH + 1),
    ],
    ids=["arrays", "inline-tables", "arrays-over-lines"],
)
def test_deep_nesting_gives_one_line_naming_the_line_not_a_recursion_error(
    tmp_path: Path, text: str, line: int
) -> None:
    message = _error(tmp_path, text)
    assert message.endswith(
        f": line {line}: arrays or tables nested more than {MAX_DEPTH} levels deep"
    )


def test_a_dotted_key_of_thousands_of_parts_is_refused_at_once(tmp_path: Path) -> None:
    # 100,000 parts in 200 kB: the TOML parser alone takes minutes (quadratic in parts),
    # so the file must be refused by the check before parsing, which names the limit
    text = "x." * 100_000 + "y = 1\n"
    message = _error(tmp_path, text)
    assert f"a key of more than {MAX_KEY_PARTS} dotted parts" in message


def test_brackets_dots_and_quotes_inside_strings_and_comments_are_not_counted() -> None:
    nested = "[" * 50 + "." * 50
    text = (
        f'name = "{nested} \\" still a string {nested}"\n'
        f"sources = '{nested}'\n"
        f'description = """\n{nested}\n"quoted" and ""twice"" {nested}"""""\n'
        f"currency = '''{nested}\n'''\n"
        f"# {nested}\n"
        "start_year = 2_016 # a comment with a [bracket\n"
        "[population]\nfarms = 1.5e3\n"
    )
    check_nesting(text, "strings.toml")  # raises if anything inside a string counted
    assert parse_toml(text.encode(), "strings.toml")["description"].endswith(f'{nested}""')


def test_a_file_above_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_toml(b"# padding\n" * 30, "big.toml", max_bytes=100)
    assert str(info.value) == "big.toml: the file is more than 100 bytes; at most 100 are accepted"


def test_a_file_that_is_not_utf8_says_which_byte(tmp_path: Path) -> None:
    message = _error(tmp_path, 'name = "Sch\xf6ne Aue"\n'.encode("latin-1"))
    assert "not a text file (UTF-8 expected; byte 11 is not)" in message


def test_a_folder_given_as_a_scenario_file_gives_one_line(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a folder, not a scenario file"


@pytest.mark.parametrize(
    "text",
    ["", "# only a comment\n\n", "\ufeff"],
    ids=["empty", "comment-only", "byte-order-mark-only"],
)
def test_a_file_without_settings_is_refused_saying_what_is_missing(
    tmp_path: Path, text: str
) -> None:
    message = _error(tmp_path, text)
    assert message.endswith(
        "population.farms: required key is missing (the file holds no settings; a scenario "
        "needs at least [population] farms = N)"
    )


def test_a_file_without_the_number_of_farms_is_not_run_as_the_default_country(
    tmp_path: Path,
) -> None:
    message = _error(tmp_path, "[policy]\nmember_grant = 100_000\n[population]\nregions = 3\n")
    assert "population.farms: required key is missing" in message
