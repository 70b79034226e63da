"""Fuzzing scenario files: whatever a file holds, a one-line error or a run with finite tables.

Hypothesis writes TOML documents made of the schema's own keys with values inside and
outside their ranges, extreme numbers (infinities, NaN, 1e308, 2^64), values of the
wrong type, unknown keys and deep nesting, sometimes damaged as text (cut short, a
byte-order mark, bytes that are not UTF-8, a dotted key of thousands of parts). Each is
written to a file and checked by ``coopsim validate``; a file it accepts is run (a small
sample, a few years) and every number of its tables must be finite.
"""

from __future__ import annotations

import math
import tempfile
import typing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w
from annotated_types import Ge, Gt, Le, Lt
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from schema_walk import fields, leaves
from typer.testing import CliRunner

from coopsim import CoopModel, load_scenario, sized
from coopsim.cli import app
from coopsim.dashboard.budget import estimate
from coopsim.scenario import PolicyChange, Scenario

EXTREME = [math.inf, -math.inf, math.nan, 1e308, -1e308, 2**64, -(2**63) - 1, -0.0, 5e-324]
WRONG = st.one_of(
    st.text(max_size=8),
    st.booleans(),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text("abc", min_size=1, max_size=3), st.integers(), max_size=2),
    st.datetimes(max_value=datetime(3000, 1, 1)).map(lambda d: d.replace(tzinfo=UTC)),
)
KEY = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10)
PRICES = ("price_member", "price_nonmember")
"""Undefined (NaN) in a year nobody sells that way; never infinite."""


FIELDS = fields(Scenario)
CHANGE_FIELDS = [f for f in fields(PolicyChange) if f[0] != ("year",)]


def _in_range(annotation: Any, bounds: list) -> st.SearchStrategy:
    """Values a field takes (its type, within its bounds)."""
    held, _ = leaves(annotation)
    literal = [h for h in held if typing.get_origin(h) is typing.Literal] or [
        a for a in typing.get_args(annotation) if typing.get_origin(a) is typing.Literal
    ]
    if typing.get_origin(annotation) is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    if literal:
        return st.sampled_from(typing.get_args(literal[0]))
    if bool in held:
        return st.booleans()
    if str in held:
        return st.text(max_size=20)
    if list in held:
        return st.lists(st.floats(0, 1), max_size=4)
    low = max(
        (
            float(getattr(b, "ge", getattr(b, "gt", -1e18)))
            for b in bounds
            if isinstance(b, Ge | Gt)
        ),
        default=-1e18,
    )
    high = min(
        (float(getattr(b, "le", getattr(b, "lt", 1e18))) for b in bounds if isinstance(b, Le | Lt)),
        default=1e18,
    )
    if int in held and float not in held:
        return st.integers(math.ceil(low), math.floor(min(high, 2**63 - 1)))
    return st.floats(
        low,
        high,
        exclude_min=any(isinstance(b, Gt) for b in bounds),
        exclude_max=any(isinstance(b, Lt) for b in bounds),
    )


def _any_value(annotation: Any, bounds: list) -> st.SearchStrategy:
    return st.one_of(
        _in_range(annotation, bounds),
        _in_range(annotation, bounds),
        st.sampled_from(EXTREME),
        WRONG,
    )


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


def _put(doc: dict, path: tuple[str, ...], value: Any) -> None:
    node = doc
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """A scenario file's bytes: the schema's keys, in range or hostile, sometimes damaged.

    Half the documents keep every value within its field's range (they may still break a
    rule across fields); the other half take extreme numbers, wrong types, unknown keys
    and deep nesting, and their text may be damaged.
    """
    hostile = draw(st.booleans())
    value = _any_value if hostile else _in_range
    doc: dict = {}
    farms = draw(st.integers(2, 3_000) if not hostile else _any_value(int, [Ge(2)]))
    if not hostile or draw(st.integers(0, 9)):
        _put(doc, ("population", "farms"), farms)
    for path, annotation, bounds in draw(st.lists(st.sampled_from(FIELDS), max_size=6)):
        if path[-1] == "named_farms":
            count = draw(st.integers(0, 4))
            _put(doc, path, [{"name": draw(st.text(max_size=8))} for _ in range(count)])
            if draw(st.booleans()):
                _put(doc, ("population", "farms"), count)
        else:
            _put(doc, path, draw(value(annotation, bounds)))
    for _ in range(draw(st.integers(0, 2))):
        path, annotation, bounds = draw(st.sampled_from(CHANGE_FIELDS))
        year = draw(st.integers(2016, 2040) if not hostile else _any_value(int, []))
        changes = doc.setdefault("policy", {}).setdefault("changes", [])
        if isinstance(changes, list):
            changes.append({"year": year, path[-1]: draw(value(annotation, bounds))})
    if not hostile:
        return tomli_w.dumps(doc).encode()
    if draw(st.integers(0, 3)) == 0:
        _put(doc, tuple(draw(st.lists(KEY, min_size=1, max_size=3))), draw(st.integers()))
    if draw(st.integers(0, 3)) == 0:
        doc["deep"] = _nested(draw(st.integers(1, 40)))
    try:
        text = tomli_w.dumps(doc).encode()
    except (TypeError, ValueError):  # a value TOML cannot hold: write a valid file instead
        text = tomli_w.dumps({"population": {"farms": 10}}).encode()
    damage = draw(st.integers(0, 7))
    if damage == 0:
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == 1:
        text = b"\xef\xbb\xbf" + text
    elif damage == 2:
        text = text + draw(st.binary(min_size=1, max_size=8))
    elif damage == 3:
        text = b"x." * draw(st.integers(1, 5_000)) + b"y = 1\n" + text
    return text


def _run_is_finite(path: Path) -> None:
    spec = load_scenario(path)
    spec = spec.with_values({"years": min(spec.years, 3)})
    farms = min(200, spec.population.farms)
    # keep each example quick: settings whose steps are costly get fewer farms
    farms = max(2, min(farms, int(0.3 / estimate(spec).step)))
    if not spec.population.named_farms:
        spec = sized(spec, farms=farms)
    elif len(spec.population.named_farms) > farms:
        return
    table = CoopModel(spec=spec, rng=1).run()
    numbers = table.drop(columns=list(PRICES)).to_numpy(float)
    assert np.isfinite(numbers).all(), table
    prices = table[list(PRICES)].to_numpy(float)
    assert not np.isinf(prices).any(), table
    # a price is undefined only in a year without that kind of sale
    assert (table.loc[table["price_member"].isna(), "coop_market_share"] == 0).all(), table


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents())
def test_any_scenario_file_gives_one_line_or_a_run_with_finite_tables(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.toml"
        path.write_bytes(data)
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            event("refused in one line")
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.stderr
            assert result.stdout == ""
        else:
            event("accepted and run")
            assert result.stdout.startswith(f"{path}: valid")
            _run_is_finite(path)
