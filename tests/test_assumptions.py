"""`twin calibration --assumptions`: each calibration row's figures without a published
source, moved 10 % each way, and what that does to the row and its turn-down premium."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from twin.assumptions import STEP, Effect, basis, row_effects, table
from twin.calibration import ROWS, evaluate
from twin.cli import app
from twin.instance import KGCE_PER_KWH_EQUIVALENT
from twin.units import fields


def _named(prefix: str, names):
    """The one name that starts with `prefix`."""
    (name,) = (n for n in names if n.startswith(prefix))
    return name


ROW = {r.name: r for r in ROWS}


def _row(prefix: str):
    return ROW[_named(prefix, ROW)]


@pytest.fixture(scope="module")
def rows():
    table_rows = {r["indicator"]: r for r in table()}
    return lambda prefix: table_rows[_named(prefix, table_rows)]


def _effect(rows, row, parameter):
    return next(e for e in rows(row)["effects"] if e["parameter"] == parameter)


def test_basis_reads_the_source_wording():
    assert basis(f"Electricity, kWh/t. {fields.PLACEHOLDER}") == "assumed"
    assert basis(f"Share, fraction. {fields.ASSUMED}") == "assumed"
    assert basis("0.5 V (Handbook; from recollection)") == "assumed"
    assert basis(f"Cost, CNY/t. {fields.SITE_SPECIFIC}") == "site"
    assert basis(f"Haul, km. {fields.site_specific('mine')}") == "site"
    assert basis("1.992 V, standard potentials (CRC Handbook)") is None
    assert basis("300 A/m2 (a review); 0.40 inside that span assumed") is None
    assert basis(None) is None


def test_an_additive_power_figure_moves_the_row_by_its_own_kgce(rows):
    """Alumina: 10 % of 250 kWh/t at 0.12284 kgce/kWh (3.6 / 29.3076) is 3.0710 kgce/t
    of the row's 426.0."""
    effect = _effect(rows, "alumina", "bayer_refinery.power_kwh_per_t")
    by_hand = STEP * 250.0 * KGCE_PER_KWH_EQUIVALENT / evaluate(_row("alumina"))
    assert effect["row_change"] == pytest.approx((-by_hand, by_hand), rel=1e-9)
    assert effect["premium_change"] == (0.0, 0.0)


def test_an_additive_fuel_figure_moves_the_row_by_its_own_kgce(rows):
    """Pidgeon: the kilns' 90 kgce/t dolomite at 10.685 t dolomite per t Mg (the row's
    961.7 kgce/t calcination), moved 96.17, of the row's 4500.1; the retort figure is the
    one the row fits, so it is not moved."""
    effect = _effect(
        rows, "magnesium, silicothermic", "pidgeon_magnesium.calcination_kgce_per_t_dolomite"
    )
    by_hand = STEP * 961.7 / evaluate(_row("magnesium, silicothermic"))
    assert effect["row_change"] == pytest.approx((-by_hand, by_hand), rel=1e-3)
    varied = {e["parameter"] for e in rows("magnesium, silicothermic")["effects"]}
    assert "pidgeon_magnesium.retort_kgce_per_t" not in varied


def test_the_potline_premium_is_its_worked_turn_down(rows):
    """90 % amperage: ACD 5.85 cm, 4.22 V, 14219 kWh/t, +12 for the extra anode effects
    = 14231 (docs/MODELLING.md, potline), over 13351.1 at nominal: +6.59 %. The alumina
    refinery has no load curve: 0."""
    assert rows("electrolytic aluminium")["premium"] == pytest.approx(
        14231.0 / 13351.1 - 1.0, rel=2e-3
    )
    assert rows("alumina")["premium"] == pytest.approx(0.0, abs=1e-12)


def test_a_figure_that_only_shapes_the_load_curve_shows_in_the_premium(rows):
    """The potline's anode-effect figures leave the nominal row alone (no modulation at
    nominal amperage) but move what turning down costs."""
    effect = _effect(rows, "electrolytic aluminium", "potline.anode_effect_frequency_slope")
    assert effect["row_change"] == pytest.approx((0.0, 0.0), abs=1e-12)
    low, high = effect["premium_change"]
    assert low < 0.0 < high


def test_a_value_outside_the_parameters_range_fails(rows):
    effect = _effect(rows, "electrolytic zinc", "zinc_electrowinning.rectifier_efficiency")
    assert effect["row_change"][1] is None and effect["premium_change"][1] is None
    assert effect["row_change"][0] > 0.0  # a worse rectifier draws more


def test_fitted_cited_and_untouched_figures_are_kept_apart(rows):
    for name, row in ROW.items():
        r = rows(name)
        varied = {e["parameter"] for e in r["effects"]} | set(r["no_effect"]) | set(r["failed"])
        assert row.fitted and not varied & set(row.fitted), name
    assert "potline.variable_cost_cny_per_t" in rows("electrolytic aluminium")["no_effect"]
    assert "copper_smelter.deportment" in rows("copper smelting")["not_varied"]
    # The mine is outside the copper row's boundary: its figures move nothing.
    assert "open_pit_mine.haul_distance_km" in rows("copper smelting")["no_effect"]
    sizes = [
        max(abs(v) for v in (*e["row_change"], *e["premium_change"]) if v is not None)
        for e in rows("copper smelting")["effects"]
    ]
    assert sizes == sorted(sizes, reverse=True)


def test_an_effect_whose_every_side_failed_has_no_size():
    assert Effect("row", "kind.name", "assumed", 1.0, (None, None), (None, None)).size is None
    assert Effect("row", "kind.name", "assumed", 1.0, (-0.02, None), (None, 0.0)).size == 0.02


def test_effects_of_one_row_match_the_table(rows):
    effects, skipped = row_effects(_row("sponge titanium"))
    assert [e.parameter for e in effects if e.size >= 1e-9] == [
        e["parameter"] for e in rows("sponge titanium")["effects"]
    ]
    assert skipped == rows("sponge titanium")["not_varied"]


def test_cli_prints_and_serialises_the_table():
    out = CliRunner().invoke(app, ["calibration", "--assumptions", "--json"])
    assert out.exit_code == 0
    assert [r["indicator"] for r in json.loads(out.output)] == [r.name for r in ROWS]
    text = CliRunner().invoke(app, ["calibration", "--assumptions"], env={"COLUMNS": "200"})
    assert text.exit_code == 0
    assert "potline.acd_max_cm" in text.output and "failed" in text.output
