"""Input files: read, checked before they are parsed, and their errors told in one line.

Every file coopsim reads as input (a scenario, an experiment, a calibration, a language
file, a scenario uploaded to the dashboard) goes through :func:`parse_toml`:

* at most :data:`MAX_BYTES` (an upload has its own, smaller limit);
* UTF-8 text, with or without a byte-order mark;
* arrays and tables nested at most :data:`MAX_DEPTH` deep and keys of at most
  :data:`MAX_KEY_PARTS` dotted parts, checked by one linear pass over the text before
  the TOML parser sees it: the parser recurses once per level of nesting and takes
  time quadratic in the parts of a dotted key, so a small hostile file could otherwise
  exhaust the stack or the processor;
* then parsed as TOML.

Whatever is wrong becomes a :class:`ScenarioError` whose message is one line naming
the file, the key (or line) and what was expected; :func:`one_line_error` does the
same for a pydantic validation error.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from coopsim.text import escaped, first_control

MAX_BYTES = 10_000_000
"""Largest input file read: a scenario of 20,000 named farms is about 2 MB."""

MAX_DEPTH = 20
"""Deepest nesting of arrays and tables accepted (scenario files need four levels)."""

MAX_KEY_PARTS = 20
"""Most parts a dotted key may have (``population.household_plot.share`` has three)."""

SHOWN = 60
"""Characters of an offending key or value quoted in an error message."""

MAX_TEXT = 20_000
"""Most characters a text field (a name, a description, sources, …) may hold."""


class ScenarioError(ValueError):
    """A scenario (or experiment) file that cannot be used, with a one-line reason.

    Raised from the schema's validation, it also keeps the reason's parts, so that a page
    can say it in its own language (:meth:`coopsim.i18n.Translator.problem`).

    Attributes:
        source: the file (or what else was read), None when not known.
        key: the dotted key at fault.
        kind: pydantic's error type (``less_than_equal``, ``missing``, …), None when the
            reason is in words of its own.
        bounds: the error's context (``{"le": 1.0}``).
        got: the value given, when it is shown.
        more: how many more errors the input has.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        key: str = "",
        kind: str | None = None,
        bounds: dict[str, Any] | None = None,
        got: Any = None,
        more: int = 0,
    ) -> None:
        super().__init__(message)
        self.source, self.key, self.kind = source, key, kind
        self.bounds, self.got, self.more = dict(bounds or {}), got, more


class Strict(BaseModel):
    """What every input file's tables have in common.

    No unknown keys, no conversion between types (``"5"`` is not a number), every
    number finite, and text without control characters (:mod:`coopsim.text`) and of at
    most :data:`MAX_TEXT` characters.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise ValueError(f"text of at most {MAX_TEXT:,} characters (got {len(value):,})")
            bad = first_control(value, line_breaks=True)
            if bad is not None:
                raise ValueError(
                    f"text without control characters (character {bad + 1} is "
                    f"{escaped(value[bad])})"
                )
        return value


# --- reading -----------------------------------------------------------------------------------


def read_toml(path: Path, kind: str) -> dict[str, Any]:
    """The table of a TOML input file (scenario, experiment, calibration or language file).

    Raises:
        ScenarioError: one line naming the file: missing, unreadable, too big, not
            UTF-8, nested too deep or not TOML.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such {kind} file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a folder, not a {kind} file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_toml(data, str(path))


def parse_toml(data: bytes, source: str, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The table of TOML ``data``, checked as the module docstring says.

    Args:
        data: the file's bytes.
        source: how error messages name the file.
        max_bytes: the largest size accepted.

    Raises:
        ScenarioError: one line naming ``source`` and what is wrong.
    """
    if len(data) > max_bytes:
        raise ScenarioError(
            f"{source}: the file is more than {max_bytes:,} bytes; at most {max_bytes:,} "
            "are accepted"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{source}: not a text file (UTF-8 expected; byte {exc.start} is not)"
        ) from None
    check_nesting(text, source)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML ({' '.join(str(exc).split())})") from None


_SPECIAL = re.compile(r"[\"'#\[\]{}.=,\n]")
_STRING_END = {
    '"': re.compile(r'\\.|["\n]', re.DOTALL),
    "'": re.compile(r"['\n]"),
    '"""': re.compile(r'\\.|"""', re.DOTALL),
    "'''": re.compile(r"'''"),
}


def check_nesting(text: str, source: str) -> None:
    """Refuse TOML text nested deeper than :data:`MAX_DEPTH` or with too long dotted keys.

    One pass over the text, skipping strings and comments: ``[`` and ``{`` open a
    level, ``]`` and ``}`` close one; dots between two of ``= , [ ] { }`` or line ends
    count the parts of a key (a number has at most one dot).

    Raises:
        ScenarioError: naming ``source``, the line and the limit.
    """
    depth, parts, line, pos = 0, 1, 1, 0
    while (match := _SPECIAL.search(text, pos)) is not None:
        char, pos = match.group(), match.end()
        if char == "\n":
            line, parts = line + 1, 1
        elif char == "#":
            end = text.find("\n", pos)
            pos = len(text) if end < 0 else end
        elif char in "\"'":
            delimiter = char * 3 if text.startswith(char * 3, match.start()) else char
            end = _string_end(text, match.start() + len(delimiter), delimiter)
            line += text.count("\n", pos, end)
            pos = end
        elif char == ".":
            parts += 1
            if parts > MAX_KEY_PARTS:
                raise ScenarioError(
                    f"{source}: line {line}: a key of more than {MAX_KEY_PARTS} dotted parts"
                )
        else:
            parts = 1
            if char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise ScenarioError(
                        f"{source}: line {line}: arrays or tables nested more than "
                        f"{MAX_DEPTH} levels deep"
                    )
            elif char in "]}":
                depth = max(0, depth - 1)


def _string_end(text: str, pos: int, delimiter: str) -> int:
    """Where the string opened by ``delimiter`` (content from ``pos``) ends.

    A one-line string left open ends at its line's end, where the TOML parser will
    report it.
    """
    end = _STRING_END[delimiter]
    while (match := end.search(text, pos)) is not None:
        found, pos = match.group(), match.end()
        if found == delimiter:
            for _ in range(2):  # up to two quotes of the content may touch the delimiter
                if len(delimiter) == 3 and text.startswith(delimiter[0], pos):
                    pos += 1
            return pos
        if found == "\n":
            return match.start()
    return len(text)


# --- validation errors -------------------------------------------------------------------------


def quoted(value: Any) -> str:
    """``repr(value)``, shortened to :data:`SHOWN` characters."""
    text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def key_of(loc: tuple[Any, ...]) -> str:
    """A pydantic location as a dotted key, on one line, each part shortened."""
    parts = []
    for part in loc:
        text = str(part)
        if text.startswith("function-"):
            continue
        text = text.encode("unicode_escape").decode()  # a key may hold any character
        parts.append(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")
    return ".".join(parts)


def describe(error: dict[str, Any], expected: str | None = None) -> str:
    """One pydantic error as ``key: what was expected (got value)``.

    Args:
        error: an item of ``ValidationError.errors()``.
        expected: what was expected, in place of pydantic's own words.
    """
    loc = key_of(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{loc}: unknown key"
    if kind == "missing":
        return f"{loc}: required key is missing"
    msg = expected or error["msg"].removeprefix("Value error, ")
    got = error.get("input")
    shown = "" if isinstance(got, dict | list) or got is None else f" (got {quoted(got)})"
    return f"{loc}: {msg}{shown}" if loc else f"{msg}{shown}"


def one_line_error(
    exc: ValidationError,
    source: str,
    expected: Callable[[dict[str, Any]], str | None] | None = None,
) -> ScenarioError:
    """A pydantic validation error as one line.

    It names the source, the first key and what was expected, and says how many more
    errors there are. Used for every input file the project reads (scenarios,
    experiment specs, calibrations).

    Args:
        exc: the validation error.
        source: how the message names the input.
        expected: gives, for an error, what was expected in words of the project
            (a scenario's plausible maxima), or None to keep pydantic's.
    """
    errors = exc.errors()
    first = errors[0]
    words = expected(first) if expected is not None else None
    alike = [e for e in errors if _union_member(e) and e["loc"][:-1] == first["loc"][:-1]]
    if _union_member(first) and len(alike) > 1:
        # a value that fits none of the types a key takes: say so once, at the key
        ways = [e["msg"].removeprefix("Input should be ") for e in alike]
        words = "should be " + ", ".join(ways[:-1]) + " or " + ways[-1]
        first = {**first, "loc": first["loc"][:-1]}
        errors = [first, *(e for e in errors if e not in alike)]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    got = first.get("input")
    return ScenarioError(
        f"{source}: {describe(first, words)}{more}",
        source=source,
        key=key_of(first["loc"]),
        kind=None if words else first["type"],
        bounds=first.get("ctx"),
        got=None if isinstance(got, dict | list) else got,
        more=len(errors) - 1,
    )


UNION_MEMBERS = frozenset({"bool", "int", "float", "str"})
"""How pydantic names the member of a union type (``bool | int | float | str``) in a location."""


def _union_member(error: dict[str, Any]) -> bool:
    return bool(error["loc"]) and error["loc"][-1] in UNION_MEMBERS
