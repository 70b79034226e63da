"""A worker frees each finished model before the next run and leaves the collector as it was."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from coopsim import load_scenario, sized
from coopsim.experiments.runner import RunTask, run_one
from coopsim.model import CoopModel
from coopsim.tuning import collected_after

KAZAKHSTAN = Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan_2016.toml"


class Cycle:
    """Two objects that refer to each other: only the cycle collector frees them."""

    def __init__(self) -> None:
        self.me = self


def test_what_the_block_leaves_in_cycles_is_freed_and_what_was_there_stays():
    before = Cycle()
    kept = weakref.ref(before)
    gc.disable()  # no collection but the block's own
    try:
        with collected_after():
            made = weakref.ref(Cycle())
            assert made() is not None  # garbage, not yet collected
        assert made() is None
        assert kept() is before
        assert gc.get_freeze_count() == 0  # nothing left set aside
    finally:
        gc.enable()


def test_a_run_leaves_no_model_behind(monkeypatch):
    models: list[weakref.ref] = []
    build = CoopModel.__init__

    def recorded(self, *args, **kwargs):
        build(self, *args, **kwargs)
        models.append(weakref.ref(self))

    monkeypatch.setattr(CoopModel, "__init__", recorded)
    scenario = sized(load_scenario(KAZAKHSTAN), farms=300).with_values({"years": 2})
    gc.disable()  # only run_one's own collection may free it
    try:
        result = run_one(RunTask("one", scenario.model_dump(), {}, 5))
    finally:
        gc.enable()
    assert result.ok, result.error
    assert len(result.table) == 2
    assert len(models) == 1 and models[0]() is None
    assert gc.get_freeze_count() == 0
