"""The shipped copper-gold porphyry block model (instances/data/copper_porphyry_blocks.csv):
its generator is deterministic, its fields spatially correlated, its columns consistent,
and the block-model reader understands its ppm and g/t grade columns."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from twin.cli import mine_app
from twin.errors import InstanceError
from twin.mine.blockmodel import (
    EconomicParams,
    block_values,
    grade_fraction,
    grade_unit_factor,
    read_block_csv,
    slope_precedence,
)
from twin.mine.data import UpitProblem, is_grade_name
from twin.mine.pit import is_closed, ultimate_pit

DATA = Path(__file__).resolve().parent.parent / "instances" / "data"
CSV = DATA / "copper_porphyry_blocks.csv"
#: The CLI's economics for the check of the pit (CNY): Cu price, recovery, costs per t.
ECONOMICS = {"price": 68000.0, "recovery": 0.88, "mining-cost": 12.0, "processing-cost": 35.0}


def _generator() -> ModuleType:
    """The generator script, imported from its file (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location(
        "make_porphyry_blocks", DATA / "make_porphyry_blocks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def model():
    return read_block_csv(CSV)


def test_reader_reads_the_shipped_model(model):
    assert model.n == 30 * 30 * 12 and model.block_size_m == (25.0, 25.0, 15.0)
    assert tuple(model.xyz.max(axis=0)) == (29, 29, 11)
    assert model.grade_columns() == ["cu_pct", "au_gpt", "as_ppm", "s_pct", "fe_pct"]
    attrs = model.attributes
    # tonnes = 25 x 25 x 15 m3 x density, exactly as written (3 decimals each)
    np.testing.assert_allclose(attrs["tonnes"], 9375.0 * attrs["density_t_m3"], rtol=1e-12)
    np.testing.assert_allclose(grade_fraction(model), attrs["cu_pct"] * 0.01)
    np.testing.assert_allclose(grade_fraction(model, "au_gpt"), attrs["au_gpt"] * 1e-6)
    np.testing.assert_allclose(grade_fraction(model, "as_ppm"), attrs["as_ppm"] * 1e-6)
    assert CSV.stat().st_size < 1.5e6


def test_shipped_model_is_plausible(model):
    """Ranges and the porphyry's structure: leached cap over a blanket, Au with Cu, As on
    the NE flank, hardness by zone, S from the sulphides."""
    a = model.attributes
    assert 0.0 < a["cu_pct"].min() and a["cu_pct"].max() < 3.0
    assert 0.0 < a["au_gpt"].min() and a["au_gpt"].max() < 3.0
    assert a["bwi_kwh_t"].between(7.0, 24.0).all()
    assert a["density_t_m3"].between(2.2, 3.2).all()
    bench_cu = a.groupby("z")["cu_pct"].mean()
    assert bench_cu.iloc[-1] < 0.25 * bench_cu.iloc[-4]  # top bench leached
    assert bench_cu.iloc[0] > bench_cu.iloc[5]  # higher grade at depth
    assert np.corrcoef(np.log(a["cu_pct"]), np.log(a["au_gpt"]))[0, 1] > 0.5
    ne = (a["x"] > 450) & (a["y"] > 450) & (a["z"] > 2400)
    sw = (a["x"] < 300) & (a["y"] < 300)
    assert a.loc[ne, "as_ppm"].mean() > 5 * a.loc[sw, "as_ppm"].mean()
    assert np.corrcoef(a.loc[ne, "as_ppm"], a.loc[ne, "cu_pct"])[0, 1] > 0.5
    # potassic core (deep, within 75 m of the axis) harder than the leached top bench
    core = ((a["x"] - 390).abs() < 75) & ((a["y"] - 365).abs() < 75) & (a["z"] < 2380)
    top = a["z"] == a["z"].max()
    assert a.loc[core, "bwi_kwh_t"].mean() > a.loc[top, "bwi_kwh_t"].mean() + 3.0
    # every sulphide S is at least the chalcopyrite/enargite S of the hypogene Cu
    hypogene = a["z"] < 2400
    assert (a.loc[hypogene, "s_pct"] > 0.67 * a.loc[hypogene, "cu_pct"]).all()


def test_grade_unit_factor_hand_values():
    assert grade_unit_factor("cu_pct") == 0.01
    assert grade_unit_factor("au_gpt") == 1e-6 and grade_unit_factor("as_ppm") == 1e-6
    assert grade_unit_factor("grade") == 1.0 and grade_unit_factor("ni_frac") == 1.0
    assert all(map(is_grade_name, ["grade", "cu_pct", "ni_frac", "au_gpt", "as_ppm"]))
    assert not any(map(is_grade_name, ["tonnes", "bwi_kwh_t", "density_t_m3", "ppm"]))


def test_grade_fraction_per_unit(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "x,y,z,tonnes,cu_pct,au_gpt,as_ppm,ni_frac\n"
        "0,0,0,100,0.5,1.2,500,0.004\n"
        "10,0,0,100,1,0,1000000,1\n"
    )
    model = read_block_csv(path)
    np.testing.assert_allclose(grade_fraction(model, "cu_pct"), [0.005, 0.01])
    np.testing.assert_allclose(grade_fraction(model, "au_gpt"), [1.2e-6, 0.0])
    np.testing.assert_allclose(grade_fraction(model, "as_ppm"), [5e-4, 1.0])
    np.testing.assert_allclose(grade_fraction(model, "ni_frac"), [0.004, 1.0])
    # 1 g/t Au at 300000 CNY/t metal, no costs: 100 t x 1.2e-6 x 300000 = 36 CNY
    econ = EconomicParams(
        price_cny_per_t_metal=300000.0,
        recovery=1.0,
        mining_cost_cny_per_t=0.0,
        processing_cost_cny_per_t=0.0,
    )
    np.testing.assert_allclose(block_values(model, econ, "au_gpt"), [36.0, 0.0])


def test_ppm_over_a_million_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x,y,z,tonnes,as_ppm\n0,0,0,100,20\n10,0,0,100,2000000\n")
    with pytest.raises(InstanceError, match=rf"{path}:3: as_ppm 2e\+06 is outside \[0, 1e\+06\]"):
        read_block_csv(path)
    path.write_text("x,y,z,tonnes,au_gpt\n0,0,0,100,-0.5\n")
    with pytest.raises(InstanceError, match=rf"{path}:2: au_gpt -0.5 is outside \[0, 1e\+06\]"):
        read_block_csv(path)


#: Suffix -> (unit's upper bound, mass fraction per unit).
UNITS = {"_pct": (100.0, 0.01), "_ppm": (1e6, 1e-6), "_gpt": (1e6, 1e-6), "_frac": (1.0, 1.0)}


@settings(max_examples=150, deadline=None)
@given(
    suffix=st.sampled_from(sorted(UNITS)),
    share=st.floats(0.0, 1.0),
    over=st.floats(1e-6, 1e6),
)
def test_grade_units_round_trip_and_bounds(tmp_path_factory, suffix, share, over):
    """Any grade within its unit's range reads back as written and converts by the
    unit's factor; one above it is refused naming file:line."""
    hi, factor = UNITS[suffix]
    path = tmp_path_factory.getbasetemp() / "units_property.csv"
    value = share * hi
    path.write_text(f"x,y,z,tonnes,m{suffix}\n0,0,0,1,{value!r}\n")
    model = read_block_csv(path)
    assert model.attributes[f"m{suffix}"].iloc[0] == pytest.approx(value, rel=1e-15)
    assert grade_fraction(model)[0] == pytest.approx(value * factor, rel=1e-15, abs=1e-300)
    bad = hi * (1.0 + over)
    path.write_text(f"x,y,z,tonnes,m{suffix}\n0,0,0,1,{value!r}\n1,0,0,1,{bad!r}\n")
    with pytest.raises(
        InstanceError,
        match=re.escape(f"{path}:3: m{suffix} ") + r".* is outside " + re.escape(f"[0, {hi:g}]"),
    ):
        read_block_csv(path)


def test_generator_is_deterministic(tmp_path):
    gen = _generator()
    out = tmp_path / "blocks.csv"
    text = gen.main(out, gen.SEED)
    assert out.read_bytes() == CSV.read_bytes()
    assert text.startswith("10,800 blocks") and "| 0.3 |" in text
    assert gen.main(tmp_path / "other.csv", gen.SEED + 1) != text


def test_summary_hand_table():
    gen = _generator()
    ones = np.ones(3)
    columns = {
        "tonnes": np.array([1e6, 2e6, 1e6]),
        "cu_pct": np.array([0.1, 0.35, 0.6]),
        "au_gpt": np.array([0.1, 0.2, 0.5]),
        "as_ppm": np.array([10.0, 600.0, 100.0]),
        "s_pct": ones,
        "fe_pct": ones,
        "bwi_kwh_t": ones,
    }
    lines = gen.summary(columns).splitlines()
    # tonnage-weighted Cu: (0.1 + 0.7 + 0.6) / 4
    assert lines[0].startswith("3 blocks, 4.00 Mt; mean cu_pct 0.35, au_gpt 0.25,")
    # >= 0.3 %: 3 Mt at (0.7 + 0.6) / 3 % Cu, (0.4 + 0.5) / 3 g/t, 13 kt Cu, 0.9 t Au
    assert "| 0.3 | 3.00 | 75.0% | 0.433 | 0.300 | 13.0 | 0.90 |" in lines
    assert "| 0.5 | 1.00 | 25.0% | 0.600 | 0.500 | 6.0 | 0.50 |" in lines
    assert lines[-1] == "tonnes with As > 500 ppm: 50.0% of all, 66.7% of those with Cu >= 0.3 %"


def _lag_correlation(values: np.ndarray, axis: int, lag: int) -> float:
    """Correlation of `values` with itself `lag` cells further along `axis`."""
    n = values.shape[axis]
    a = np.take(values, np.arange(n - lag), axis=axis).ravel()
    b = np.take(values, np.arange(lag, n), axis=axis).ravel()
    return float(np.corrcoef(a, b)[0, 1])


def test_grades_are_spatially_correlated(model):
    # blocks are written x fastest, then y, then z: reshape to (z, y, x)
    log_cu = np.log(model.attributes["cu_pct"].to_numpy()).reshape(12, 30, 30)
    for axis in (1, 2):  # y, x
        near, far = _lag_correlation(log_cu, axis, 1), _lag_correlation(log_cu, axis, 10)
        assert near > 0.8 and far < near - 0.3, (axis, near, far)
    assert _lag_correlation(log_cu, 2, 10) < 0.5


def test_gaussian_field_has_its_covariance():
    """The simulated field's correlation at one block matches 0.9 exp(-3 h) (h the
    anisotropic lag: 25 m east is 16.1 m along the 40 degree strike and 19.2 m across it,
    h = hypot(16.1 / 200, 19.2 / 130) = 0.168, so 0.544; 15 m down: 0.9 exp(-0.6) =
    0.494) and is near 0 at ten blocks; averaged over 6 fields."""
    gen = _generator()
    rng = np.random.default_rng(7)
    fields = [gen.gaussian_field(rng, gen.SHAPE) for _ in range(6)]
    mean = {
        (axis, lag): np.mean([_lag_correlation(f, axis, lag) for f in fields])
        for axis in (0, 2)
        for lag in (1, 10)
    }
    assert mean[0, 1] == pytest.approx(0.544, abs=0.05)
    assert mean[2, 1] == pytest.approx(0.494, abs=0.05)
    assert abs(mean[0, 10]) < 0.1
    assert np.mean([f.var() for f in fields]) == pytest.approx(1.0, abs=0.1)


def test_cli_upit_on_the_shipped_model(model):
    args = ["upit", str(CSV), "--json"]
    for name, value in ECONOMICS.items():
        args += [f"--{name}", str(value)]
    result = CliRunner().invoke(mine_app, args)
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    econ = EconomicParams(
        price_cny_per_t_metal=ECONOMICS["price"],
        recovery=ECONOMICS["recovery"],
        mining_cost_cny_per_t=ECONOMICS["mining-cost"],
        processing_cost_cny_per_t=ECONOMICS["processing-cost"],
    )
    values = block_values(model, econ)
    prec = slope_precedence(model)
    pit = ultimate_pit(UpitProblem(model.name, values), prec)
    assert is_closed(pit.mask, prec)
    assert info["blocks"] == pit.blocks and info["objective"] == pytest.approx(pit.value)
    # the pit holds most of the mineralised core and leaves the barren margins
    tonnes = model.tonnes()
    assert 0.4 < tonnes[pit.mask].sum() / tonnes.sum() < 0.9
    assert info["tonnes"] == pytest.approx(tonnes[pit.mask].sum())
