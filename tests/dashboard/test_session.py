"""A session facing hostile input: unknown sources, odd uploads, text that tries to be HTML."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode

import ipywidgets
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pagetools import page_text, render, widgets

from coopsim import ScenarioError
from coopsim.dashboard.pages import explore
from coopsim.dashboard.session import (
    SCENARIO_DIR,
    SessionState,
    Settings,
    settings_from_query,
    settings_query,
)
from coopsim.dashboard.widgets.common import prose_html

VILLAGE = (SCENARIO_DIR / "village_machinery.toml").read_bytes()
HOSTILE = """
Click [here](javascript:alert(document.cookie)) or <a href="javascript:alert(1)">here</a>.
![tracker](http://example.com/t.png) <img src="http://example.com/u.png">
<script>alert(1)</script> <http://example.com/auto> [ref][1]

[1]: javascript:alert(2)
"""


def test_a_source_outside_the_list_is_refused_and_the_run_kept(state: SessionState) -> None:
    before = state.simulation
    assert not state.choose("../../etc/passwd")
    assert state.error.value == "../../etc/passwd: not a scenario of the list"
    assert state.simulation is before and state.settings.value.source == "kazakhstan_2016.toml"


def test_an_upload_with_a_byte_order_mark_is_read(state: SessionState) -> None:
    assert state.upload("bom.toml", b"\xef\xbb\xbf" + VILLAGE), state.upload_error.value
    assert len(state.simulation.model.farms) == 10


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"a = " + b"[" * 50_000 + b"]" * 50_000, "nested more than 20 levels deep"),
        (b"x." * 60_000 + b"y = 1", "a key of more than 20 dotted parts"),
        (b"", "population.farms: required key is missing"),
        ('name = "\u00e9"'.encode("latin-1"), "not a text file (UTF-8 expected"),
        (b"[population]\nfarms = 10\n" + b"[[policy.changes]]\nyear = 2017\n" * 300, "at most 200"),
    ],
    ids=["deep-nesting", "long-dotted-key", "empty", "latin-1", "year-only-changes"],
)
def test_a_hostile_upload_gives_one_line_and_changes_nothing(
    state: SessionState, data: bytes, words: str
) -> None:
    before = dict(state.catalogue.value)
    assert not state.upload("hostile.toml", data)
    message = state.upload_error.value
    assert message.startswith("hostile.toml: ") and words in message
    assert "\n" not in message
    assert state.catalogue.value == before


def test_markdown_in_a_description_makes_no_link_image_or_script() -> None:
    page = prose_html(HOSTILE)
    assert not re.search(r"<(a|img|script)\b", page)
    assert "javascript:alert(document.cookie)" in page  # shown as typed, not as a link
    assert "&lt;script&gt;" in page


def test_an_uploaded_description_is_shown_as_text_on_the_page(state: SessionState) -> None:
    text = VILLAGE.decode().replace('description = """', f'description = """{HOSTILE}', 1)
    assert state.upload("hostile.toml", text.encode()), state.upload_error.value
    rc = render(explore.Page(state))
    shown = [
        getattr(w, "unsafe_innerHTML", "") or ""
        for w in widgets(rc)
        if isinstance(w, ipywidgets.Widget)
    ]
    assert any("javascript:alert(document.cookie)" in h for h in shown)
    assert not any(re.search(r"<(a|img|script)\b", h) for h in shown)
    assert "Click [here](javascript:alert(document.cookie))" in page_text(rc)
    rc.close()


@pytest.mark.parametrize("seed", [-1, 2**63, 2**70])
def test_a_seed_a_scenario_file_could_not_hold_is_refused(state: SessionState, seed: int) -> None:
    # the exported scenario carries the seed: it must be one that coopsim run accepts
    before = state.simulation
    assert not state.apply(Settings(seed=seed))
    assert state.error.value == f"seed: a whole number from 0 to {2**63 - 1:,} (got {seed})"
    assert state.simulation is before


lever_values = st.dictionaries(
    st.sampled_from(["policy.member_grant", "policy.investment_subsidy", "market.price_crop"]),
    st.floats(0, 1e9, allow_nan=False),
    max_size=3,
)


@given(
    source=st.sampled_from(["kazakhstan_2016.toml", "germany_1950.toml"]),
    values=lever_values,
    farms=st.integers(100, 50_000),
    years=st.none() | st.integers(1, 80),
    seed=st.none() | st.integers(0, 2**63 - 1),
)
def test_settings_survive_the_trip_through_an_address(source, values, farms, years, seed):
    settings = Settings(source=source, values=values, farms=farms, years=years, seed=seed)
    address = urlencode(settings_query(settings) | {"lang": "kk"})
    asked = {k: v[0] for k, v in parse_qs(address).items()}
    assert settings_from_query(asked) == settings


def test_an_address_holds_only_what_differs_from_the_file():
    assert settings_query(Settings()) == {}
    schedule = [{"year": 2020, "member_grant": 250000.0}]
    settings = Settings(values={"policy.changes": schedule, "policy.kpi_pressure": 0.0}, seed=7)
    assert settings_query(settings) == {
        "seed": "7",
        "policy.changes": '[{"year":2020,"member_grant":250000.0}]',
        "policy.kpi_pressure": "0.0",
    }
    uploaded = Settings(source="⇧ mine.toml", seed=3)  # stays in its session
    assert settings_query(uploaded) == {"seed": "3"}
    assert settings_from_query({"lang": "ru", "page": "x"}) is None


@pytest.mark.parametrize(
    ("key", "text"), [("seed", "seven"), ("policy.member_grant", "{oops"), ("farms", "1e3")]
)
def test_a_bad_value_in_an_address_names_its_key(key, text):
    with pytest.raises(ScenarioError, match=f"the address's {re.escape(key)}: “"):
        settings_from_query({key: text})
