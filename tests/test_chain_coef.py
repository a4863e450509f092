"""Chain.coef (models/chain.py): f(unit, mode) for each unit-mode and period, the mode in
period t being Flowsheet.mode(unit, k, t), so that a per-period override replaces the
nominal mode there. The overrides are grouped by unit-mode once, so a call evaluates f
only on the modes it reads; the arrays are the ones the definition gives, entry for
entry, and a model built on a re-linearised flowsheet is the same as before."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import twin
from twin.flowsheet import Flowsheet
from twin.models.build import build_model
from twin.models.chain import Chain
from twin.solvers.options import SolveOptions
from twin.solvers.slp import successive_linearisation

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


@cache
def lead_zinc() -> Flowsheet:
    """The lead-zinc month's flowsheet (never changed: re-linearising makes a copy)."""
    return Flowsheet(twin.load(INSTANCES / "lead_zinc_chain_month.yaml"))


def by_definition(ch: Chain, f, js=None, dtype: type = float) -> np.ndarray:
    """The docstring's f(unit, Flowsheet.mode(unit, k, t)), one call per entry."""
    js = range(len(ch.UK)) if js is None else js
    rows = [
        [f(ch.UK[j][0], ch.fs.mode(ch.UK[j][0], ch.UK[j][1], t)) for t in range(ch.T)] for j in js
    ]
    return np.array(rows, dtype=dtype).reshape(len(rows), ch.T)


def _scaled(mode, factor: float):
    return replace(mode, power_kwh=mode.power_kwh * factor, load_index=mode.load_index * factor)


@st.composite
def overridden(draw) -> tuple[Flowsheet, list[int]]:
    """The lead-zinc month with random (unit, period) overrides (each unit-mode's kWh/t
    and load index scaled by its own factor) and a random selection of unit-modes, in
    any order, repeats allowed."""
    fs = lead_zinc()
    T = fs.instance.horizon.periods
    cells = st.tuples(st.sampled_from(sorted(fs.units)), st.integers(0, T - 1))
    chosen = draw(st.lists(cells, max_size=40, unique=True))
    overrides = {
        (u, t): [_scaled(m, draw(st.floats(0.5, 2.0, allow_nan=False))) for m in fs.units[u].modes]
        for u, t in chosen
    }
    n = sum(len(eu.modes) for eu in fs.units.values())
    js = draw(st.lists(st.integers(0, n - 1), max_size=12))
    return fs.relinearised(overrides), js


@given(overridden())
def test_coef_is_the_definition_entry_for_entry(case):
    fs, js = case
    ch = Chain(fs)
    power = lambda u, md: md.power_kwh  # noqa: E731
    assert np.array_equal(ch.coef(power), by_definition(ch, power))
    assert np.array_equal(ch.coef(power, js), by_definition(ch, power, js))
    index = lambda u, md: md.load_index > 0.9  # noqa: E731
    got = ch.coef(index, js, dtype=bool)
    assert got.dtype == bool and np.array_equal(got, by_definition(ch, index, js, bool))


def test_coef_calls_f_once_per_mode_it_reads():
    """Three units overridden in period 0 and one in period 1: a call for one unit's
    modes evaluates its nominal modes and its own overrides, not the other units'."""
    fs = lead_zinc()
    units = sorted(fs.units)[:3]
    overrides = {(u, 0): [_scaled(m, 1.5) for m in fs.units[u].modes] for u in units}
    overrides[units[0], 1] = [_scaled(m, 0.5) for m in fs.units[units[0]].modes]
    ch = Chain(fs.relinearised(overrides))
    seen: list[str] = []

    def power(u: str, md) -> float:
        seen.append(u)
        return md.power_kwh

    js = ch.modes_of(units[1])
    got = ch.coef(power, js)
    assert seen == [units[1]] * (2 * len(js))  # nominal, then period 0's override
    assert np.array_equal(got, by_definition(ch, lambda u, md: md.power_kwh, js))
    seen.clear()
    ch.coef(power, ch.modes_of(units[0]))
    assert len(seen) == 3 * len(fs.units[units[0]].modes)


def test_no_override_gives_a_broadcast_of_the_nominal_modes():
    ch = Chain(lead_zinc())
    got = ch.coef(lambda u, md: md.max_rate_t_per_h)
    assert got.shape == (len(ch.UK), ch.T)
    assert np.array_equal(got[:, 0], got[:, -1])
    assert np.array_equal(got, by_definition(ch, lambda u, md: md.max_rate_t_per_h))


@pytest.mark.solver
def test_a_relinearised_model_is_the_one_the_definition_builds(monkeypatch):
    """After two iterations of successive linearisation on the lead-zinc month (every
    unit re-linearised in every period it runs), the model's arrays are the ones built
    with Chain.coef replaced by its definition, exactly."""
    outcome = successive_linearisation(
        lead_zinc(), SolveOptions(backend="direct"), max_iterations=2
    )
    fs = outcome.flowsheet
    assert len(fs.overrides) > 0
    built = build_model(fs).linear
    monkeypatch.setattr(Chain, "coef", by_definition)
    reference = build_model(fs).linear
    assert built.A.shape == reference.A.shape and (built.A != reference.A).nnz == 0
    for name in ("c", "col_lower", "col_upper", "row_lower", "row_upper", "integer"):
        assert np.array_equal(getattr(built, name), getattr(reference, name)), name
